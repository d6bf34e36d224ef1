"""Shared fixtures: a fresh archive in a temporary folder (on the database TEST_DATABASE names, see
tests/databases.py), and Instagram replayed for it."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scraper.archive import Archive
from scraper.config import Settings
from scraper.instagram import fetch
from scraper.replay import InstagramReplay
from scraper.store.models import Post
from scraper.sync import SyncOptions, SyncResult
from tests.databases import Databases, from_environment

# Real recorded Instagram answers beside the checkout (not part of the project): shapes are checked
# against them when they are there.
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"

DATABASES = pytest.StashKey[Databases]()
# Markers of tests about one database's own behaviour; each names why, and the skip shows it.
ONLY = {"sqlite_only": "sqlite", "postgresql_only": "postgresql"}


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    name = config.stash[DATABASES].name
    for item in items:
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
    return Settings(
        db_url=db_url,
        media_dir=tmp_path / "media",
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
    )


@pytest.fixture
def archive(settings: Settings) -> Iterator[Archive]:
    archive = Archive(settings)
    yield archive
    archive.engine.dispose()


class WaitLog(list[float]):
    """The rate-limit waits instaloader asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def waits() -> WaitLog:
    return WaitLog()


@pytest.fixture
def replay() -> Iterator[InstagramReplay]:
    with InstagramReplay(users={"researcher": "s3cret-pw"}) as r:
        yield r


class Syncer:
    """Runs syncs of the test archive against the replay, without waiting."""

    def __init__(self, archive: Archive, waits: WaitLog) -> None:
        self.archive = archive
        self.factory = functools.partial(fetch.make_loader, sleep=False, rate_sleep=waits)

    def __call__(
        self, username: str, session: tuple[str, Path] | None = None, **options: object
    ) -> SyncResult:
        return self.archive.sync(
            username,
            SyncOptions(**options),  # type: ignore[arg-type]
            session=session,
            loader_factory=self.factory,
        )


@pytest.fixture
def sync(archive: Archive, waits: WaitLog) -> Syncer:
    return Syncer(archive, waits)


def stored_count(archive: Archive, username: str | None = None) -> int:
    """Posts in the archive (of one account's current name, if given)."""
    with archive.sessions() as session:
        query = select(func.count()).select_from(Post)
        if username is not None:
            from scraper.store.models import Profile

            query = query.join(Profile).where(Profile.username == username)
        return session.scalar(query) or 0
