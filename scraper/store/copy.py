"""Copying an archive into another database (``python -m scraper copy --to URL``), resumable.

Both databases are opened through ``scraper.store.db``, so each is at the newest schema by its own
migrations (a source made by an older version is upgraded first). What is copied follows the models:
every table of ``Base.metadata``, parents before children (``sorted_tables``), and only the columns
the models describe. What no model describes is the target's to make, as its migrations and triggers
make it from the rows: SQLite's FTS5 indexes (filled by their triggers), PostgreSQL's generated
``tsvector`` columns. Media files are not copied: they stay under the media root.

Resuming: each table is read in primary-key order and written in batches, each batch committed with
the rows before it, so the target always holds, per table, the source's rows up to some key. A run
killed at any moment is finished by running it again: tables are taken in the same order, and each
continues after the highest key the target holds. While a copy is under way the target holds a table
of its own (``PROGRESS``) naming the source; the last step moves PostgreSQL's sequences past the copied
ids and drops it. A target holding rows without that table (another archive, or a finished copy) is
refused, unless every table holds as many rows as the source's, up to the same key: then the copy is
already done and there is nothing to do.

The source is read in one transaction (a snapshot: SQLite's WAL, PostgreSQL's REPEATABLE READ), so a
sync writing meanwhile cannot make a post's media arrive without the post. Between a killed run and the
next, though, the source should not change.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    Table,
    Text,
    and_,
    event,
    false,
    func,
    inspect,
    or_,
    select,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.sql.elements import ColumnElement

from scraper.errors import BadInput, DatabaseUnreachable, DiskFull, TargetNotEmpty
from scraper.store import db
from scraper.store.models import Base, UTCDateTime, utcnow

log = logging.getLogger("scraper.store.copy")

BATCH = 5_000  # rows per committed batch: memory stays bounded, and a killed run loses at most one
# Where a copy under way is recorded in the target; dropped when the copy is done. Not a model: it
# belongs to the copy, never to an archive.
PROGRESS = Table(
    "archive_copy_progress",
    MetaData(),
    Column("source", Text, nullable=False),  # the source's URL, without its password
    Column("started_at", UTCDateTime, nullable=False),
)


@dataclass
class TableCopy:
    """How far one table's copy got: rows in the source, rows in the target before this run, rows
    copied by this run, and the seconds it took."""

    name: str
    total: int
    before: int = 0
    copied: int = 0
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return self.before + self.copied

    @property
    def rate(self) -> float:
        """Rows copied per second by this run."""
        return self.copied / self.seconds if self.seconds > 0 else 0.0


@dataclass
class CopyReport:
    """What a copy did: every table's counts, whether it resumed an earlier run or found the copy done,
    the source's schema revision before it was upgraded (None if it was at the newest)."""

    tables: list[TableCopy] = field(default_factory=list)
    resumed: bool = False
    already_done: bool = False
    upgraded_from: str | None = None
    seconds: float = 0.0

    @property
    def copied(self) -> int:
        return sum(t.copied for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.total for t in self.tables)


# Called before each table's first batch and after every batch: the copy so far, and the table's.
ProgressCallback = Callable[[CopyReport, TableCopy], None]


def database_url(raw: str) -> str:
    """A SQLAlchemy URL for ``raw``: a URL as it is, a plain path as a SQLite file (as ``--db`` takes
    it); BadInput when it cannot be read as a URL."""
    url = raw if "://" in raw else f"sqlite:///{Path(raw).resolve()}"
    _parse(url)
    return url


def shown(url: str | URL) -> str:
    """``url`` as it may be printed: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "?"


def copy_archive(
    source_url: str,
    target_url: str,
    *,
    batch: int = BATCH,
    use_copy: bool = True,
    on_progress: ProgressCallback | None = None,
) -> CopyReport:
    """Copy every row of the archive at ``source_url`` into ``target_url`` (empty, or holding a copy
    of it cut short), see the module's docstring. ``use_copy``: PostgreSQL targets are written with
    COPY rather than multi-row INSERTs. BadInput for a wrong URL or the same database twice,
    DatabaseUnreachable when either cannot be opened, TargetNotEmpty for another archive's rows."""
    started = time.perf_counter()
    report = CopyReport()
    source_parsed, target_parsed = _parse(source_url), _parse(target_url)
    if _same_database(source_parsed, target_parsed):
        raise BadInput("copy.error.same_database", url=shown(target_parsed))
    if source_parsed.get_backend_name() == "sqlite" and not Path(source_parsed.database or "").is_file():
        raise BadInput("copy.error.no_archive", url=shown(source_parsed))  # not made by opening it
    source = _open(source_url, report)
    try:
        if db.current_revision(source) is None:
            raise BadInput("copy.error.no_archive", url=shown(source_parsed))
        target = _open(target_url, None)
        try:
            _copy(
                source, target, report, batch, use_copy and target.dialect.name == "postgresql", on_progress
            )
        except OperationalError as err:
            log.warning("copy into %s stopped: %s", shown(target_url), err.orig, exc_info=True)
            if "full" in str(err.orig).lower():  # SQLite: "database or disk is full"; PostgreSQL: "disk full"
                raise DiskFull() from None
            # The server went away or a connection broke: what was committed stays, the next run goes on.
            raise DatabaseUnreachable("copy.error.lost") from None
        finally:
            target.dispose()
    finally:
        source.dispose()
    report.seconds = time.perf_counter() - started
    return report


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        # The text as given may hold a password: never repeat it.
        raise BadInput("copy.error.bad_url") from None


def _same_database(a: URL, b: URL) -> bool:
    if a.get_backend_name() != b.get_backend_name():
        return False
    if a.get_backend_name() == "sqlite":
        return a.database == b.database and a.database not in (None, "", ":memory:")
    return (a.host, a.port or 5432, a.database) == (b.host, b.port or 5432, b.database)


def _open(url: str, report: CopyReport | None) -> Engine:
    """The engine of ``url`` at the newest schema; with ``report``, the revision it was upgraded from.
    DatabaseUnreachable when it cannot be reached, BadInput for a schema newer than this version's."""
    try:
        engine = db.create(url)
    except (ArgumentError, NoSuchModuleError):
        raise BadInput("copy.error.bad_url") from None
    except OSError as err:  # a SQLite file's folder that cannot be made
        log.info("cannot open %s: %s", shown(url), err)
        raise DatabaseUnreachable("copy.error.unreachable", url=shown(url)) from None
    try:
        revision = db.current_revision(engine)
    except DBAPIError as err:
        engine.dispose()
        # The driver's message names host and port, never the password; it goes to the log only.
        log.info("cannot connect to %s: %s", shown(url), err.orig)
        raise DatabaseUnreachable("copy.error.unreachable", url=shown(url)) from None
    head = db.head_revision()
    if revision not in (None, head):
        try:
            ScriptDirectory.from_config(db.alembic_config()).get_revision(revision)
        except CommandError:
            engine.dispose()
            raise BadInput("copy.error.newer_schema", url=shown(url), revision=revision) from None
        if report is not None:
            report.upgraded_from = revision
    if revision != head and (revision is not None or report is None):
        db.upgrade(engine)
    return engine


def _copy(
    source: Engine,
    target: Engine,
    report: CopyReport,
    batch: int,
    use_copy: bool,
    on_progress: ProgressCallback | None,
) -> None:
    tables = Base.metadata.sorted_tables
    with _snapshot(source) as reading, target.connect() as writing:
        _write_fast(writing)
        totals = {t.name: _count(reading, t) for t in tables}
        state = _claim(reading, writing, tables, shown(source.url), totals)
        if state == "done":
            report.already_done = True
            report.tables = [TableCopy(t.name, totals[t.name], before=totals[t.name]) for t in tables]
            return
        report.resumed = state == "resumed"
        for table in tables:
            progress = TableCopy(table.name, totals[table.name])
            report.tables.append(progress)
            _copy_table(
                reading,
                writing,
                table,
                progress,
                batch,
                use_copy,
                partial(on_progress, report) if on_progress else None,
            )
        _finish(writing, tables)


def _write_fast(writing: Connection) -> None:
    """On PostgreSQL, commits the server acknowledges before its WAL reaches the disk: no less safe for
    a copy, since a batch lost to a crash is copied again by the next run, which goes on after what the
    target holds."""
    if writing.dialect.name == "postgresql":
        writing.exec_driver_sql("SET synchronous_commit = off")
        writing.commit()


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection reading ``engine`` in one transaction, so every table is read as of one moment."""
    if engine.dialect.name == "sqlite":
        # pysqlite begins no transaction before a SELECT, so each would see the file as it is then:
        # leave transactions to SQLAlchemy, and begin one ourselves (SQLAlchemy's recipe).
        @event.listens_for(engine, "connect")
        def _no_driver_transactions(connection: Any, _record: Any) -> None:
            connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN")

        engine.dispose()  # connections made before the listeners are not used
        with engine.connect() as conn, conn.begin():
            yield conn
        return
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


def _claim(
    reading: Connection, writing: Connection, tables: Sequence[Table], source: str, totals: dict[str, int]
) -> str:
    """Whether the copy into ``writing`` is "new", "resumed" (a run cut short left it) or "done" (every
    table already as the source's); TargetNotEmpty when the target holds rows of something else."""
    with writing.begin():
        named = (
            writing.scalars(select(PROGRESS.c.source)).all()
            if inspect(writing).has_table(PROGRESS.name)
            else []
        )
    if named and named != [source]:
        raise TargetNotEmpty("copy.error.other_copy", url=shown(writing.engine.url), source=named[0])
    if named:
        return "resumed"
    with writing.begin():
        holding = [t.name for t in tables if _count(writing, t)]
        if holding:
            if all(
                _count(writing, t) == totals[t.name] and _last_key(writing, t) == _last_key(reading, t)
                for t in tables
            ):
                return "done"
            raise TargetNotEmpty("copy.error.not_empty", url=shown(writing.engine.url), table=holding[0])
        # A table left by a run killed before it named the source is made again.
        PROGRESS.create(writing, checkfirst=True)
    with writing.begin():
        writing.execute(PROGRESS.delete())
        writing.execute(PROGRESS.insert().values(source=source, started_at=utcnow()))
    return "new"


def _count(conn: Connection, table: Table) -> int:
    return conn.scalar(select(func.count()).select_from(table)) or 0


def _last_key(conn: Connection, table: Table) -> tuple[Any, ...] | None:
    """The primary key of ``table``'s last row in key order, or None for an empty table."""
    key = list(table.primary_key.columns)
    row = conn.execute(select(*key).order_by(*(c.desc() for c in key)).limit(1)).first()
    return tuple(row) if row is not None else None


def _after(table: Table, last: tuple[Any, ...]) -> ColumnElement[bool]:
    """Rows whose primary key comes after ``last`` in key order (a row-value comparison, spelled out)."""
    key = list(table.primary_key.columns)
    terms = []
    for i, column in enumerate(key):
        equal = [key[j] == last[j] for j in range(i)]
        terms.append(and_(*equal, column > last[i]))
    return or_(*terms)


def _copy_table(
    reading: Connection,
    writing: Connection,
    table: Table,
    progress: TableCopy,
    batch: int,
    use_copy: bool,
    on_progress: Callable[[TableCopy], None] | None,
) -> None:
    """The rows of ``table`` the target lacks, after its last key, in batches of ``batch`` committed
    one by one."""
    key = list(table.primary_key.columns)
    with writing.begin():
        last = _last_key(writing, table)
        progress.before = _count(writing, table)
    if on_progress is not None:
        on_progress(progress)
    query = select(*table.columns).order_by(*key)
    if last is not None:
        query = query.where(_after(table, last))
    write = _copy_writer(writing, table) if use_copy else _insert_writer(writing, table)
    started = time.perf_counter()
    result = reading.execution_options(yield_per=batch).execute(query)
    for rows in result.partitions():
        with writing.begin():
            write(rows)
        progress.copied += len(rows)
        progress.seconds = time.perf_counter() - started
        if on_progress is not None:
            on_progress(progress)
    progress.seconds = time.perf_counter() - started


Writer = Callable[[Sequence[Any]], None]


def _insert_writer(conn: Connection, table: Table) -> Writer:
    """Rows written by INSERT through SQLAlchemy, the columns' types converting the values (many rows
    per statement on PostgreSQL: insertmanyvalues; executemany on SQLite)."""
    names = [c.key for c in table.columns]
    statement = table.insert()

    def write(rows: Sequence[Any]) -> None:
        conn.execute(statement, [dict(zip(names, row, strict=True)) for row in rows])

    return write


def _copy_writer(conn: Connection, table: Table) -> Writer:
    """Rows written by PostgreSQL's COPY (psycopg), each value converted as the column's type converts
    it for an INSERT (times to naive UTC, lists to JSON)."""
    dialect = conn.dialect
    processors = [c.type._cached_bind_processor(dialect) for c in table.columns]
    preparer = dialect.identifier_preparer
    columns = ", ".join(preparer.quote(c.name) for c in table.columns)
    sql = f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN"

    def write(rows: Sequence[Any]) -> None:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(
                        [value if p is None else p(value) for p, value in zip(processors, row, strict=True)]
                    )
        finally:
            cursor.close()

    return write


def _finish(writing: Connection, tables: Sequence[Table]) -> None:
    """Move PostgreSQL's sequences past the copied ids (a later sync's new rows get new ids) and give
    its planner the tables' statistics at once (autovacuum would gather them later), then drop the
    record of the copy under way: the copy is done."""
    with writing.begin():
        if writing.dialect.name == "postgresql":
            for table in tables:
                writing.exec_driver_sql(f"ANALYZE {writing.dialect.identifier_preparer.format_table(table)}")
                column = table.autoincrement_column
                if column is None:
                    continue
                sequence = func.pg_get_serial_sequence(table.name, column.name)
                writing.execute(
                    select(func.setval(sequence, func.coalesce(func.max(column), 0) + 1, false()))
                )
        PROGRESS.drop(writing, checkfirst=True)
