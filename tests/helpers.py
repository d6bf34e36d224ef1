"""Helpers the test modules share; the fixtures are in conftest.py, which imports from here."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scraper.archive import Archive
from scraper.config import Settings
from scraper.instagram import fetch
from scraper.instagram.login import Login
from scraper.replay import InstagramReplay
from scraper.store.models import Post, Profile
from scraper.sync import SyncOptions, SyncResult
from tests.databases import Databases

# Real recorded Instagram answers beside the checkout (not part of the project): shapes are checked
# against them when they are there.
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"

# The logins the replay accepts.
USERS = {"researcher": "s3cret-pw"}


def settings_in(folder: Path, db_url: str) -> Settings:
    """The settings of an archive whose files (media, saved logins, logs) are under ``folder``."""
    return Settings(
        db_url=db_url,
        media_dir=folder / "media",
        data_dir=folder / "data",
        log_dir=folder / "logs",
    )


class WaitLog(list[float]):
    """The rate-limit waits instaloader asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


class Syncer:
    """Runs syncs of the test archive against the replay, without waiting."""

    def __init__(self, archive: Archive, waits: WaitLog) -> None:
        self.archive = archive
        self.factory = functools.partial(
            fetch.make_loader, settings=archive.settings, sleep=False, rate_sleep=waits
        )

    def __call__(self, username: str, login: Login | None = None, **options: object) -> SyncResult:
        return self.archive.sync(
            username,
            SyncOptions(**options),  # type: ignore[arg-type]
            login=login,
            loader_factory=self.factory,
        )


@contextmanager
def shared_archive(databases: Databases, folder: Path) -> Iterator[Archive]:
    """An archive for a fixture wider than a test (a module's, seeded once for tests that only read
    it), in ``folder``: a new database from ``databases`` (on PostgreSQL one of its own), dropped after
    the block, as the ``archive`` fixture's is after its test."""
    with databases.database(folder / "data") as url:
        archive = Archive(settings_in(folder, url))
        try:
            yield archive
        finally:
            archive.engine.dispose()


@contextmanager
def replayed(archive: Archive) -> Iterator[tuple[InstagramReplay, Syncer]]:
    """Instagram replayed for the block, and a ``Syncer`` into ``archive``: what the ``replay`` and
    ``sync`` fixtures give a test, for seeding a ``shared_archive`` (waits recorded, never slept)."""
    with pytest.MonkeyPatch.context() as patch, InstagramReplay(users=USERS) as replay:
        patch.setenv("SCRAPER_NO_WAIT", "1")
        yield replay, Syncer(archive, WaitLog())


def stored_count(archive: Archive, username: str | None = None) -> int:
    """Posts in the archive (of one account's current name, if given)."""
    with archive.sessions() as session:
        query = select(func.count()).select_from(Post)
        if username is not None:
            query = query.join(Profile).where(Profile.username == username)
        return session.scalar(query) or 0
