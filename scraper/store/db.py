"""Engine, sessions and automatic migrations.

``open_engine`` is the one way into the database: it applies SQLite's settings for a dashboard
that reads while a sync writes (WAL, a busy timeout, foreign keys) and upgrades the schema to the
newest Alembic revision, so a database made by an older version is upgraded in place. SQLite is the
default; PostgreSQL works as well (``postgresql+psycopg://...``), with the same migrations.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

try:
    import fcntl
except ImportError:  # Windows: upgrades are serialised within a process only
    fcntl = None  # type: ignore[assignment]

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000
# The key of the PostgreSQL advisory lock held while a database's schema is upgraded: any number, the
# same in every version. Advisory locks belong to one database, so other databases never wait on it.
UPGRADE_LOCK_KEY = 0x1A5C_0DB0
_upgrade_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    _use_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _use_wal(cursor: Any) -> None:
    """Put the database in WAL mode (a setting kept in the file, so it is a no-op once made).

    While another connection switches a new database to WAL, SQLite answers "database is locked" at
    once instead of waiting out the busy timeout, so two processes opening a new database at once
    would fail; this tries again within the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
        time.sleep(0.01)


# The search indexes, which no model describes, so autogenerate must not offer to drop them: on SQLite
# an FTS5 virtual table (``search_fts``, migration 0012; ``posts_fts`` and ``comments_fts`` before it)
# and the shadow tables FTS5 keeps its data in; on PostgreSQL generated tsvector columns and their GIN
# indexes (0004, 0007).
FTS_TABLES = re.compile(r"(posts|comments|search)_fts(_(data|idx|content|docsize|config))?")
SEARCH_COLUMNS = {("posts", "caption_search"), ("comments", "text_search")}
SEARCH_INDEXES = {"ix_posts_caption_search", "ix_comments_text_search"}


def autogenerate_includes(name: str | None, type_: str, parent_names: Any) -> bool:
    """Whether autogenerate compares this object: everything but the caption indexes."""
    if type_ == "table":
        return not (name is not None and FTS_TABLES.fullmatch(name))
    if type_ == "column":
        return (parent_names.get("table_name"), name) not in SEARCH_COLUMNS
    return not (type_ == "index" and name in SEARCH_INDEXES)


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's configuration for this package's migrations, bound to ``engine`` when given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def create(url: str) -> Engine:
    """An engine for ``url`` with the archive's connection settings, without migrating."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername in ("postgres", "postgresql"):
        # A plain postgres(ql):// URL, as hosting services give them: SQLAlchemy would look for
        # psycopg2, but the driver installed is psycopg 3.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default)."""
    with _upgrade_lock, _upgrade_turn(engine):
        command.upgrade(alembic_config(engine), revision)


def wait_for_upgrade_turn(connection: Connection) -> None:
    """On PostgreSQL, wait until no other process upgrades this database's schema; the turn lasts until
    the migrations' transaction ends. (SQLite's turn is taken before, by ``upgrade``.)

    PostgreSQL runs all the migrations in one transaction, so two processes opening a new database
    at once would both create the tables, and one would fail on a duplicate table. The second waits
    here until the first commits; Alembic then reads the revision it left, and has nothing to do.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(UPGRADE_LOCK_KEY)))


@contextmanager
def _upgrade_turn(engine: Engine) -> Iterator[None]:
    """Hold the turn to upgrade a SQLite file's schema among processes: a lock on its folder.

    SQLite runs Alembic's DDL outside a transaction, so two processes opening a new database at once
    (a sync from the command line while the dashboard starts) would both create the tables, and one
    would fail on "table ... already exists". The second waits here, then finds the schema upgraded.
    The lock is on the folder, so nothing is left beside the database, and not on the database file:
    closing another handle on that file would drop SQLite's own locks on it.
    """
    url = engine.url
    database = url.database
    if (
        engine.dialect.name != "sqlite"
        or fcntl is None
        or not database
        or database == ":memory:"
        or url.query.get("uri")  # a file: URI, not a path
    ):
        yield
        return
    folder = os.open(Path(database).resolve().parent, os.O_RDONLY)
    try:
        # A file system without flock (some network ones) upgrades as before, unserialised.
        with suppress(OSError):
            fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # and with it the lock


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest schema revision this version knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def open_engine(url: str) -> Engine:
    """An engine for ``url`` whose schema is at the newest revision."""
    engine = create(url)
    if current_revision(engine) != head_revision():
        upgrade(engine)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (results are read after the write)."""
    return sessionmaker(engine, expire_on_commit=False)
