"""Syncs in the background of this process: a queue worked by one thread, so the dashboard stays
usable.

One account is never synced twice at once: starting a sync of an account that is queued or
running returns that job. Syncs run one after another because Instagram counts requests per
address; instaloader's rate controller assumes one client.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from scraper.archive import Archive
from scraper.config import normalize_username
from scraper.errors import classify
from scraper.instagram import fetch
from scraper.instagram.login import Login
from scraper.records import SyncStatus
from scraper.store.models import utcnow
from scraper.sync import LoaderFactory, Progress, SyncOptions
from scraper.workers.jobs import SyncJob

log = logging.getLogger(__name__)


class SyncRunner:
    """Runs syncs of one archive in a background thread, one at a time."""

    def __init__(self, archive: Archive, *, loader_factory: LoaderFactory = fetch.make_loader) -> None:
        self.archive = archive
        self._loader_factory = loader_factory
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync")
        self._lock = threading.Lock()
        self._jobs: dict[str, SyncJob] = {}
        self._listeners: list[Callable[[SyncJob], None]] = []

    def on_finish(self, listener: Callable[[SyncJob], None]) -> None:
        """Call ``listener(job)`` from the worker thread when a job ends."""
        self._listeners.append(listener)

    def start(
        self, username: str, options: SyncOptions = SyncOptions(), *, login: Login | None = None
    ) -> SyncJob:
        """Queue a sync of ``username`` (checked first), or return the one already queued or running."""
        username = normalize_username(username)
        with self._lock:
            current = self._jobs.get(username)
            if current is not None and not current.finished:
                return current
            job = SyncJob(username, options, progress=Progress(username))
            self._jobs[username] = job
        self._pool.submit(self._run, job, login)
        return job

    def cancel(self, username: str) -> bool:
        """Ask the queued or running sync of ``username`` to stop; False if there is none."""
        job = self._jobs.get(username)
        if job is None or job.finished:
            return False
        job.cancel.set()
        return True

    def job(self, username: str) -> SyncJob | None:
        """The latest job of ``username``."""
        return self._jobs.get(username)

    def jobs(self) -> list[SyncJob]:
        """Every job of this process, newest first."""
        return sorted(self._jobs.values(), key=lambda j: j.queued_at, reverse=True)

    def active(self) -> list[SyncJob]:
        """The jobs queued or running."""
        return [j for j in self.jobs() if not j.finished]

    def wait(self, username: str, timeout: float | None = None) -> SyncJob | None:
        """Block until the job of ``username`` has ended (for scripts and tests)."""
        job = self._jobs.get(username)
        if job is None:
            return None
        done = threading.Event()

        def check(finished: SyncJob) -> None:
            if finished is job:
                done.set()

        self._listeners.append(check)
        try:
            if not job.finished:
                done.wait(timeout)
        finally:
            self._listeners.remove(check)
        return job

    def shutdown(self) -> None:
        """Cancel what is queued or running and stop the worker."""
        for job in self.active():
            job.cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _run(self, job: SyncJob, login: Login | None) -> None:
        def progress(update: Progress) -> None:
            job.progress = dataclasses.replace(update)

        try:
            if job.cancel.is_set():
                job.status = SyncStatus.INTERRUPTED
                return
            job.status = SyncStatus.RUNNING
            job.result = self.archive.sync(
                job.username,
                job.options,
                login=login,
                on_progress=progress,
                cancel=job.cancel,
                loader_factory=self._loader_factory,
            )
            job.error = job.result.error
            job.status = job.result.status
        except Exception as exc:
            log.exception("background sync of %s failed", job.username)
            job.error, job.status = classify(exc, job.username), SyncStatus.FAILED
        finally:
            job.finished_at = utcnow()
            for listener in list(self._listeners):
                listener(job)
