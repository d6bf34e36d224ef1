"""Shared fixtures: a fresh archive in a temporary folder (on the database TEST_DATABASE names, see
tests/databases.py), and Instagram replayed for it; the hooks that skip and mark tests. Fixtures only:
what test modules import is in tests/helpers.py."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scraper.archive import Archive
from scraper.config import Settings
from scraper.replay import InstagramReplay
from tests.databases import Databases, from_environment
from tests.helpers import USERS, Syncer, WaitLog, settings_in

DATABASES = pytest.StashKey[Databases]()
# Markers of tests about one database's own behaviour; each names why, and the skip shows it.
ONLY = {"sqlite_only": "sqlite", "postgresql_only": "postgresql"}
# Markers of kinds of tests that take long, each registered in pyproject.toml; a test carrying any of
# them is ``slow`` too, so ``-m "not slow"`` (./run tests --fast) leaves them out.
SLOW_KINDS = ("celery", "kill", "e2e", "benchmark")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(why): tests SQLite itself (WAL, its file); skipped elsewhere"
    )
    config.addinivalue_line("markers", "postgresql_only(why): tests PostgreSQL itself; skipped elsewhere")
    try:
        config.stash[DATABASES] = from_environment()
    except ValueError as err:
        raise pytest.UsageError(str(err)) from None


def pytest_sessionstart(session: pytest.Session) -> None:
    """On PostgreSQL, a server that cannot be reached stops the run at once, loudly: never a skip."""
    databases = session.config.stash[DATABASES]
    try:
        databases.check()
    except Exception as err:
        pytest.exit(
            f"TEST_DATABASE={databases.name}, but the server cannot be used: {err}\n"
            "Start the test server with ./run setup-tests (or pg_ctlcluster 15 scraper-tests start).",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def pytest_report_header(config: pytest.Config) -> str:
    return config.stash[DATABASES].header()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    terminalreporter.write_line(f"tests ran on {config.stash[DATABASES].name}")


@pytest.hookimpl(tryfirst=True)  # before -m selects: the slow marks added here count
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    name = config.stash[DATABASES].name
    for item in items:
        if any(item.get_closest_marker(kind) for kind in SLOW_KINDS) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
        for marker_name, only in ONLY.items():
            marker = item.get_closest_marker(marker_name)
            if marker is not None and name != only:
                why = marker.args[0] if marker.args else ""
                item.add_marker(pytest.mark.skip(reason=f"{only} only: {why}"))


def pytest_unconfigure(config: pytest.Config) -> None:
    databases = config.stash.get(DATABASES, None)
    if databases is not None:
        databases.close()


@pytest.fixture(scope="session")
def databases(pytestconfig: pytest.Config) -> Databases:
    """Where new archive databases come from: SQLite files, or databases on the PostgreSQL server."""
    return pytestconfig.stash[DATABASES]


@pytest.fixture
def db_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    """A new archive database of the test's own; it may already have the newest schema."""
    with databases.database(tmp_path / "data") as url:
        yield url


@pytest.fixture
def empty_db_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    """A new database without any table, for tests of the migrations and of opening a new archive."""
    with databases.database(tmp_path / "data", migrated=False) as url:
        yield url


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    """Engines a test opens, disposed of afterwards."""
    opened: list[Engine] = []
    yield opened
    for engine in opened:
        engine.dispose()


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """instaloader's pauses and rate-limit waits are recorded, never slept, in tests."""
    monkeypatch.setenv("SCRAPER_NO_WAIT", "1")
    # A shell that exports these would send every test's syncs through its Redis; the tests of Celery
    # and of the shared rate budget set them themselves.
    for name in ("SCRAPER_BROKER_URL", "SCRAPER_RATE_URL", "SCRAPER_RATE_SCOPE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def _restore_logging() -> Iterator[None]:
    """Puts the ``scraper`` logger back as it was after a test that set up the log file."""
    logger = logging.getLogger("scraper")
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    yield
    for handler in logger.handlers:
        if handler not in handlers:
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(level)
    logger.propagate = propagate


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return settings_in(tmp_path, db_url)


@pytest.fixture
def archive(settings: Settings) -> Iterator[Archive]:
    archive = Archive(settings)
    yield archive
    archive.engine.dispose()


@pytest.fixture
def waits() -> WaitLog:
    return WaitLog()


@pytest.fixture
def replay() -> Iterator[InstagramReplay]:
    with InstagramReplay(users=USERS) as r:
        yield r


@pytest.fixture
def sync(archive: Archive, waits: WaitLog) -> Syncer:
    return Syncer(archive, waits)
