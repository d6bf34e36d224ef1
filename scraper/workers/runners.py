"""What the dashboard and the command line need of a runner, and the choice of one: Celery workers
when a broker is configured, else a thread of this process."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from scraper.archive import Archive
from scraper.instagram.login import Login
from scraper.sync import SyncOptions
from scraper.workers.inprocess import SyncRunner
from scraper.workers.jobs import SyncJob


class Runner(Protocol):
    """What the dashboard needs of a runner: ``SyncRunner`` here, or ``queue.CeleryRunner``."""

    def start(self, username: str, options: SyncOptions = ..., *, login: Login | None = None) -> SyncJob: ...

    def cancel(self, username: str) -> bool: ...

    def job(self, username: str) -> SyncJob | None: ...

    def jobs(self) -> Sequence[SyncJob]: ...

    def active(self) -> Sequence[SyncJob]: ...

    def wait(self, username: str, timeout: float | None = None) -> SyncJob | None: ...

    def shutdown(self) -> None: ...


def make_runner(archive: Archive) -> Runner:
    """Celery workers when SCRAPER_BROKER_URL is set, else a background thread of this process."""
    if archive.settings.broker_url:
        from scraper.workers.queue import CeleryRunner  # Celery is imported only where it is used

        return CeleryRunner(archive)
    return SyncRunner(archive)
