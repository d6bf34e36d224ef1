"""Shared fixtures: a fresh archive in a temporary folder, and Instagram replayed for it."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scraper import fetch
from scraper.config import Settings
from scraper.models import Post
from scraper.replay import InstagramReplay
from scraper.service import Archive
from scraper.sync import SyncOptions, SyncResult

# Real recorded Instagram answers beside the checkout (not part of the project): shapes are checked
# against them when they are there.
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """instaloader's pauses and rate-limit waits are recorded, never slept, in tests."""
    monkeypatch.setenv("SCRAPER_NO_WAIT", "1")


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
def settings(tmp_path: Path) -> Settings:
    return Settings(
        db_url=f"sqlite:///{tmp_path / 'data' / 'instagram.db'}",
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
            from scraper.models import Profile

            query = query.join(Profile).where(Profile.username == username)
        return session.scalar(query) or 0
