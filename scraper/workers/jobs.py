"""A sync asked for in the background, and how far it got: what every runner hands out."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from scraper.errors import ScraperError
from scraper.records import SyncStatus
from scraper.store.models import utcnow
from scraper.sync import Progress, SyncOptions, SyncResult

FINISHED = (SyncStatus.OK, SyncStatus.FAILED, SyncStatus.INTERRUPTED, SyncStatus.REFUSED)


@dataclass
class SyncJob:
    """A sync asked for from the dashboard, and how far it got."""

    username: str
    options: SyncOptions
    status: SyncStatus = SyncStatus.QUEUED
    progress: Progress = field(default_factory=lambda: Progress(""))
    result: SyncResult | None = None
    error: ScraperError | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    queued_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def message(self, lang: str) -> str | None:
        """The short message of the error that ended the job, if any."""
        return self.error.message(lang) if self.error else None

    @property
    def details(self) -> list[str]:
        """What went wrong on the way without stopping the sync (e.g. files not downloaded)."""
        return list(self.result.failures) if self.result else []
