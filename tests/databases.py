"""The database a test run uses: SQLite files, or databases of their own on a PostgreSQL server.

``TEST_DATABASE=sqlite`` (the default) gives each archive a new file in the test's folder.
``TEST_DATABASE=postgresql`` creates a database per archive on the server of ``TEST_POSTGRES_URL``
(a role that may create databases; ``./run tests`` starts one) and drops it afterwards. Most are
copies of a template database migrated once per run, since a copy (about 40 ms) is cheaper than
running the migrations every time; tests of the migrations ask for an empty one.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from scraper.store import db

DATABASES = ("sqlite", "postgresql")
DATABASE = os.environ.get("TEST_DATABASE") or "sqlite"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    """The rows of ``sql`` in the database of ``url``, read by a connection of its own (as another
    process would read them)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


def shown(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


class Databases:
    """New databases for tests, each dropped when the test (or the run) is done with it."""

    name = DATABASE

    def check(self) -> None:
        """Raise when the databases cannot be made (the server is down, the role lacks a right)."""

    def url(self, folder: Path, *, migrated: bool = True) -> str:
        """The URL of a new, empty archive database; ``folder`` holds it when it is a file.

        With ``migrated`` the database may already be at the newest schema revision (opening it
        migrates it anyway); without, it has no tables at all.
        """
        return f"sqlite:///{folder / 'instagram.db'}"

    def drop(self, url: str) -> None:
        """Forget the database of ``url`` (a SQLite file goes with the test's folder)."""

    def dump(self, url: str) -> bytes:
        """Everything the database of ``url`` keeps, to look for what must never be stored: a SQLite
        database's files as they are on disk (the write-ahead log too)."""
        path = Path(make_url(url).database or "")
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(file.read_bytes() for file in files if file.is_file())

    @contextmanager
    def database(self, folder: Path, *, migrated: bool = True) -> Iterator[str]:
        """A new database's URL (see ``url``) for the block, dropped after it."""
        url = self.url(folder, migrated=migrated)
        try:
            yield url
        finally:
            self.drop(url)

    def close(self) -> None:
        """Drop what is left at the end of the run."""

    def header(self) -> str:
        return "database: sqlite (a new file per archive; TEST_DATABASE=postgresql for PostgreSQL)"


class PostgresDatabases(Databases):
    """Databases named ``test_<pid>_<random>_<n>`` on one server, made with CREATE DATABASE."""

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        # AUTOCOMMIT: CREATE and DROP DATABASE cannot run inside a transaction.
        self.admin: Engine = create_engine(
            self.server_url,
            isolation_level="AUTOCOMMIT",
            poolclass=NullPool,
            connect_args={"connect_timeout": 5},
        )
        self.prefix = f"test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.numbers = itertools.count()
        self.created: list[str] = []
        self._template: str | None = None

    def check(self) -> None:
        with self.admin.connect() as conn:
            allowed = conn.scalar(
                text("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
            )
        if not allowed:
            raise PermissionError(f"the role {self.server_url.username!r} may not create databases")

    def url(self, folder: Path, *, migrated: bool = True) -> str:
        template = self.template() if migrated else "template0"
        return self._create(f"{self.prefix}_{next(self.numbers)}", template)

    def template(self) -> str:
        """The database at the newest schema that new ones are copied from, made on first use."""
        if self._template is None:
            name = f"{self.prefix}_template"
            engine = db.open_engine(self._create(name, "template0"))
            engine.dispose()  # a database is copied only while nobody is connected to it
            self._template = name
        return self._template

    def _create(self, name: str, template: str) -> str:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\''))
        self.created.append(name)
        return self._url(name)

    def _url(self, name: str) -> str:
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        if name in self.created:
            self.created.remove(name)
            with self.admin.connect() as conn:
                # Connections a test left open (a pool, a killed process's) are ended first, waiting
                # up to 5 s for each. Not DROP ... WITH (FORCE): for a role that is not a superuser it
                # refuses to end an autovacuum worker busy in the database, which a plain DROP ends.
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = :name"
                        " AND usename = current_user AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))

    def dump(self, url: str) -> bytes:
        """Every row of every table, as JSON."""
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                tables = [
                    conn.scalar(text(f"SELECT coalesce(json_agg(t)::text, '') FROM \"{name}\" AS t"))
                    for name in inspect(conn).get_table_names()
                ]
        finally:
            engine.dispose()
        return "\n".join(tables).encode()

    def close(self) -> None:
        for name in list(self.created):
            self.drop(self._url(name))
        self.admin.dispose()

    def header(self) -> str:
        return (
            f"database: postgresql at {shown(str(self.server_url))} (a new database per archive, copied"
            " from one migrated once per run)"
        )


def from_environment() -> Databases:
    """The databases ``TEST_DATABASE`` asks for; ValueError when it names none this suite knows."""
    if DATABASE not in DATABASES:
        raise ValueError(f"TEST_DATABASE must be one of {', '.join(DATABASES)}, not {DATABASE!r}")
    if DATABASE == "sqlite":
        return Databases()
    if not POSTGRES_URL:
        raise ValueError(
            "TEST_DATABASE=postgresql needs TEST_POSTGRES_URL, e.g."
            " postgresql+psycopg://scraper:scraper@127.0.0.1:5433/postgres (./run tests sets it)"
        )
    return PostgresDatabases(POSTGRES_URL)
