"""Syncs as Celery tasks, run by workers on any machine that shares the database and the media root.

    SCRAPER_BROKER_URL=redis://host:6379/0 celery -A scraper.tasks worker --concurrency 2
    SCRAPER_BROKER_URL=redis://host:6379/0 celery -A scraper.tasks beat     # scheduled refreshes

With ``SCRAPER_BROKER_URL`` set, the dashboard and ``python -m scraper sync`` send their syncs here
(``CeleryRunner``) instead of running them in their own process; both follow them through the job
board in Redis (``scraper.workers.board``). Workers read DATABASE_URL, MEDIA_DIR, DATA_DIR and LOG_DIR as
the command line does, so they must point at the same database and media root as the dashboard.

A task is acknowledged when it ends, not when it starts: a worker killed in the middle of a sync
leaves its task in the queue for another worker, and the sync continues where it stopped.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import time
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

from scraper.archive import Archive
from scraper.config import BROKER_ENV, Settings, load_settings, normalize_username
from scraper.errors import ExitCode, Interrupted, ScraperError, classify
from scraper.instagram.login import Login
from scraper.logs import setup_logging
from scraper.records import SyncStatus
from scraper.sync import Progress, SyncOptions, SyncPhase
from scraper.workers import notify
from scraper.workers.board import (
    BoardJob,
    JobBoard,
    OptionsJson,
    options_from_json,
    options_to_json,
    wait_for,
)

log = logging.getLogger(__name__)

# How often a running task writes a heartbeat and looks for a cancel request, in seconds.
HEARTBEAT_SECONDS = 1.0
# Progress is written at most this often (and at every change of phase).
PROGRESS_SECONDS = 0.25


# Celery needs its app at module level: configured here, once, from this process's settings.
_settings = load_settings()
app = Celery("scraper")
app.conf.update(
    broker_url=_settings.broker_url or "redis://127.0.0.1:6379/0",
    broker_connection_retry_on_startup=True,
    # The job board keeps outcomes; Celery's own result store is not used.
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    task_default_queue="scraper",
    # Acknowledged at the end: a task whose worker dies goes back to the queue.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    # A worker takes one task at a time, so a long sync does not hold others back in its prefetch.
    worker_prefetch_multiplier=1,
    worker_hijack_root_logger=False,
    enable_utc=True,
    timezone="UTC",
    beat_schedule={
        # Queues the watched accounts that are due (see scraper.workers.watch); cheap when none is.
        "refresh-watched-accounts": {
            "task": "scraper.refresh_due",
            "schedule": _settings.watch_check_seconds,
        },
        "media-cleanup": {"task": "scraper.cleanup_media", "schedule": crontab(hour=4, minute=30)},
    },
)


_archives: dict[Settings, Archive] = {}
_archives_lock = threading.Lock()


def worker_archive() -> Archive:
    """The archive of this worker process (its settings from ``load_settings``), opened once."""
    settings = load_settings()
    with _archives_lock:
        if settings not in _archives:
            setup_logging(settings.log_dir)
            _archives[settings] = Archive(settings)
        return _archives[settings]


@worker_process_init.connect
def _fresh_connections(**_kwargs: Any) -> None:
    """A forked pool process must not share its parent's database connections."""
    for archive in _archives.values():
        archive.engine.dispose(close=False)


def queue_url(url: str | None) -> str:
    """``url`` (SCRAPER_BROKER_URL): the Redis of the job queue and the job board, which must be set."""
    if url is None:
        raise RuntimeError(f"{BROKER_ENV} is not set")
    return url


def board(settings: Settings) -> JobBoard:
    return JobBoard.from_url(queue_url(settings.broker_url))


class _Reporter:
    """Writes a running task's progress to the board, at most every PROGRESS_SECONDS."""

    def __init__(self, jobs: JobBoard, job_id: str, username: str) -> None:
        self.jobs, self.job_id, self.username = jobs, job_id, username
        self._last = 0.0
        self._phase: SyncPhase | None = None

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if (
            progress.phase == self._phase
            and not progress.wait_seconds
            and now - self._last < PROGRESS_SECONDS
        ):
            return
        self._last, self._phase = now, progress.phase
        self.jobs.progress(self.job_id, self.username, dataclasses.replace(progress))


_notifiers: dict[tuple[str, ...], notify.Notifier] = {}


def worker_notifier(urls: list[str], lang: str) -> notify.Notifier:
    """This worker process's notifier of ``urls`` (its thread sends while the worker takes other tasks)."""
    with _archives_lock:
        key = tuple(urls)
        if key not in _notifiers:
            _notifiers[key] = notify.Notifier(urls, lang)
        return _notifiers[key]


@app.task(name="scraper.sync_account")
def sync_account(
    job_id: str,
    username: str,
    options: OptionsJson,
    session_user: str | None = None,
    notify_urls: list[str] | None = None,
) -> str:
    """Run the sync of job ``job_id`` and write how it went to the board; returns its status. Its
    changes go to SCRAPER_NOTIFY's URLs and to ``notify_urls``."""
    jobs = board(load_settings())
    if jobs.cancel_requested(job_id):
        jobs.finish(job_id, username, SyncStatus.INTERRUPTED, error=Interrupted())
        return SyncStatus.INTERRUPTED.value
    worker = f"{socket.gethostname()}:{os.getpid()}"
    if jobs.started(job_id, username, worker) is None:
        log.info("job %s of %s is no longer on the board: not run", job_id, username)
        return "superseded"
    cancel, stop = threading.Event(), threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                jobs.heartbeat(job_id, username)
                if jobs.cancel_requested(job_id):
                    cancel.set()
            except Exception:  # Redis away for a moment: the sync goes on, the next beat tries again
                log.warning("heartbeat of %s failed", username, exc_info=True)

    watcher = threading.Thread(target=beat, name=f"heartbeat-{username}", daemon=True)
    watcher.start()
    try:
        archive = worker_archive()
        login = archive.choose_session(session_user) if session_user else None
        result = archive.sync(
            username,
            options_from_json(options),
            login=login,
            on_progress=_Reporter(jobs, job_id, username),
            cancel=cancel,
        )
        jobs.finish(job_id, username, result.status, result=result, error=result.error)
        urls = notify.urls_of(archive.settings.notify_urls, notify_urls or [])
        if urls:
            try:
                batch = notify.batch_of_run(archive.sessions, result.run_id)
                worker_notifier(urls, archive.settings.language).send(batch)
            except Exception:  # the sync is done and told: a notification never fails it
                log.warning("changes of %s not notified", username, exc_info=True)
        return result.status.value  # a plain string, as Celery's log shows it
    except Exception as exc:
        if not isinstance(exc, ScraperError):
            log.exception("sync task of %s failed", username)
        jobs.finish(job_id, username, SyncStatus.FAILED, error=classify(exc, username))
        return SyncStatus.FAILED.value
    finally:
        stop.set()
        watcher.join()


@app.task(name="scraper.refresh_due")
def refresh_due() -> list[str]:
    """Queue a sync of every watched account that is due; returns their names."""
    from scraper.workers.watch import due_accounts, mark_queued

    archive = worker_archive()
    runner = CeleryRunner(archive)
    with archive.sessions() as session:
        due = due_accounts(session)
        for entry in due:
            runner.start(entry.username, entry.options)
            mark_queued(session, entry.username)
    return [entry.username for entry in due]


@app.task(name="scraper.cleanup_media")
def cleanup_media() -> int:
    """Delete media files no stored post uses (skipped while a sync runs); returns how many."""
    from scraper.workers.watch import scheduled_cleanup

    report = scheduled_cleanup(worker_archive())
    return len(report.files) if report is not None else 0


class BrokerUnreachable(ScraperError):
    exit_code = ExitCode.NETWORK
    default_key = "error.broker_unreachable"


class CeleryRunner:
    """Sends syncs to Celery workers and follows them on the job board: the dashboard's and the
    command line's runner when SCRAPER_BROKER_URL is set (the same methods as ``SyncRunner``)."""

    def __init__(self, archive: Archive, jobs: JobBoard | None = None, *, url: str | None = None) -> None:
        self.archive = archive
        self.url = queue_url(url or archive.settings.broker_url)
        self.board = jobs or JobBoard.from_url(self.url)

    def start(
        self,
        username: str,
        options: SyncOptions = SyncOptions(),
        *,
        login: Login | None = None,
        notify_urls: list[str] | None = None,
    ) -> BoardJob:
        """Queue a sync of ``username`` (checked first), or return the one queued or running; the worker
        sends its changes to ``notify_urls`` too."""
        username = normalize_username(username)
        try:
            job, new = self.board.claim(username, options, login.user if login else None)
            if new:
                # To this runner's queue, whatever the settings were when the app was configured.
                with app.connection_for_write(self.url) as connection:
                    sync_account.apply_async(
                        args=[job.id, username, options_to_json(options), job.session_user],
                        kwargs={"notify_urls": notify_urls} if notify_urls else None,
                        task_id=job.id,
                        connection=connection,
                        retry=False,
                    )
        except Exception as exc:
            log.warning("could not queue the sync of %s", username, exc_info=True)
            raise BrokerUnreachable() from exc
        return job

    def cancel(self, username: str) -> bool:
        """Ask the queued or running sync of ``username`` to stop; False if there is none."""
        job = self.board.get(username)
        if job is None or job.finished:
            return False
        self.board.request_cancel(job)
        return True

    def job(self, username: str) -> BoardJob | None:
        return self.board.get(username)

    def jobs(self) -> list[BoardJob]:
        try:
            return self.board.jobs()
        except Exception:
            log.warning("job board unreachable", exc_info=True)
            return []

    def active(self) -> list[BoardJob]:
        return [job for job in self.jobs() if not job.finished]

    def wait(self, username: str, timeout: float | None = None) -> BoardJob | None:
        job = self.board.get(username)
        if job is None:
            return None
        return wait_for(self.board, username, job.id, timeout)

    def shutdown(self) -> None:
        """Nothing to stop here: the jobs belong to the workers."""
