"""Scheduled refreshes: a watch list of accounts synced again every so often, and the media cleanup.

Two ways to run the schedule, on the same rules:
- ``python -m scraper watch run`` keeps running and syncs what is due, one account at a time, in its
  own process (or queues it for the Celery workers when SCRAPER_BROKER_URL is set); with ``--once``
  it does one round and exits, for cron:
      */15 * * * * cd /srv/instagram-dashboard && ./run scraper watch run --once
- Celery beat (``celery -A scraper.tasks beat``) queues due accounts every minute and cleans media
  up nightly; the workers run the syncs.

An account is due when its interval has passed since its last sync was started, whoever started it
(a sync from the dashboard counts too), so a failing account is tried once per interval, not in a loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scraper.archive import Archive
from scraper.config import WATCH_CHECK_SECONDS, normalize_username
from scraper.errors import BadInput, ExitCode, ScraperError
from scraper.store import writes
from scraper.store.media import CleanupReport, cleanup
from scraper.store.models import Profile, ScheduledTask, SyncLock, WatchedAccount, utcnow
from scraper.sync import SyncOptions

log = logging.getLogger(__name__)

DEFAULT_EVERY = timedelta(hours=6)
# Instagram counts requests per hour; refreshing an account more often than this gains little.
MIN_EVERY = timedelta(minutes=10)
CLEANUP_EVERY = timedelta(hours=24)
CLEANUP = "media-cleanup"


def parse_every(raw: str) -> timedelta:
    """A duration like "90m", "6h" or "1d", at least MIN_EVERY, or BadInput."""
    value = raw.strip().lower()
    units = {"m": 1, "h": 60, "d": 24 * 60}
    try:
        minutes = int(value[:-1]) * units[value[-1]] if value and value[-1] in units else int(value)
    except ValueError:
        raise BadInput("error.bad_every", value=raw[:20]) from None
    every = timedelta(minutes=minutes)
    if every < MIN_EVERY:
        raise BadInput("error.bad_every", value=raw[:20])
    return every


def add(
    session: Session, usernames: list[str], every: timedelta = DEFAULT_EVERY, *, comments: bool | None = None
) -> list[str]:
    """Put accounts on the watch list (or change their interval, and whether their syncs read
    comments: None leaves that as it was, off for a new entry); returns their checked names."""
    names = [normalize_username(u) for u in usernames]
    for name in names:
        entry = session.get(WatchedAccount, name)
        if entry is None:
            entry = WatchedAccount(username=name, every_minutes=every // timedelta(minutes=1), comments=False)
            session.add(entry)
        else:
            entry.every_minutes = every // timedelta(minutes=1)
        if comments is not None:
            entry.comments = comments
    session.commit()
    return names


def remove(session: Session, usernames: list[str]) -> list[str]:
    """Take accounts off the watch list; returns the names that were on it. Their posts stay stored."""
    removed = []
    for name in (normalize_username(u) for u in usernames):
        entry = session.get(WatchedAccount, name)
        if entry is not None:
            session.delete(entry)
            removed.append(name)
    session.commit()
    return removed


@dataclass(frozen=True)
class WatchEntry:
    """A watched account and where its schedule stands."""

    username: str
    every: timedelta
    last_started: datetime | None
    last_status: str | None
    next_due: datetime
    comments: bool = False  # its syncs read comments too (logged in)

    @property
    def options(self) -> SyncOptions:
        """The options of the entry's scheduled sync."""
        return SyncOptions(comments=self.comments)


def entries(session: Session) -> list[WatchEntry]:
    """The watch list, the most overdue first."""
    watched = list(session.scalars(select(WatchedAccount)))
    runs = writes.last_runs(session, [w.username for w in watched])  # the latest run is the one started last
    found = []
    for w in watched:
        run = runs.get(w.username)
        started = max(
            (t for t in (run.started_at if run else None, w.queued_at) if t is not None), default=None
        )
        every = timedelta(minutes=w.every_minutes)
        found.append(
            WatchEntry(
                username=w.username,
                every=every,
                last_started=started,
                last_status=run.status if run else None,
                next_due=started + every if started else w.added_at,
                comments=bool(w.comments),
            )
        )
    return sorted(found, key=lambda e: (e.next_due, e.username))


def due_accounts(session: Session, now: datetime | None = None) -> list[WatchEntry]:
    """The watched accounts whose interval has passed, the most overdue first."""
    now = now or utcnow()
    return [e for e in entries(session) if e.next_due <= now]


def mark_queued(session: Session, username: str, when: datetime | None = None) -> None:
    """Note that the schedule started or queued a sync of ``username`` (so it is not queued again)."""
    entry = session.get(WatchedAccount, username)
    if entry is not None:
        entry.queued_at = when or utcnow()
        session.commit()


def scheduled_cleanup(
    archive: Archive, *, every: timedelta | None = None, now: datetime | None = None
) -> CleanupReport | None:
    """The media cleanup, if it is due (always when ``every`` is None) and no sync is running.

    Returns its report, or None when it did not run. It never runs on an archive without accounts,
    where every file would look unused (a wrong DATABASE_URL)."""
    now = now or utcnow()
    with archive.sessions() as session:
        last = session.get(ScheduledTask, CLEANUP)
        if every is not None and last is not None and now - last.last_run_at < every:
            return None
        if session.scalar(select(func.count()).select_from(SyncLock)):
            log.info("media cleanup put off: a sync is running")
            return None
        if session.scalars(select(Profile.id).limit(1)).first() is None:
            log.warning("media cleanup skipped: the archive stores no account")
            return None
        report = cleanup(session, archive.settings.media_dir)
        if last is None:
            session.add(ScheduledTask(name=CLEANUP, last_run_at=now))
        else:
            last.last_run_at = now
        session.commit()
    log.info("media cleanup: %d files, %d bytes deleted", len(report.files), report.bytes)
    return report


# Failures after which the rest of a round would fail the same way.
_STOP_ROUND = (ExitCode.RATE_LIMITED, ExitCode.NETWORK, ExitCode.DISK_FULL, ExitCode.INTERRUPTED)
_PAUSE_AFTER_FAILURE = timedelta(minutes=15)


@dataclass
class RoundReport:
    """What one round of the schedule did."""

    synced: list[str]
    failed: dict[str, ScraperError]
    queued: list[str]
    cleanup: CleanupReport | None
    pause_until: datetime | None = None

    @property
    def exit_code(self) -> ExitCode:
        return next((e.exit_code for e in self.failed.values()), ExitCode.OK)


SyncOne = Callable[[str, SyncOptions], ScraperError | None]


def run_round(
    archive: Archive,
    sync_one: SyncOne | None,
    *,
    queue: Callable[[str, SyncOptions], object] | None = None,
    cleanup_every: timedelta | None = CLEANUP_EVERY,
    stop: threading.Event | None = None,
) -> RoundReport:
    """Sync (``sync_one``) or queue (``queue``) every due account, then the cleanup if it is due."""
    stop = stop or threading.Event()
    report = RoundReport(synced=[], failed={}, queued=[], cleanup=None)
    with archive.sessions() as session:
        due = due_accounts(session)
    for entry in due:
        if stop.is_set():
            break
        with archive.sessions() as session:
            mark_queued(session, entry.username)
        if queue is not None:
            queue(entry.username, entry.options)
            report.queued.append(entry.username)
            continue
        assert sync_one is not None
        error = sync_one(entry.username, entry.options)
        if error is None:
            report.synced.append(entry.username)
            continue
        report.failed[entry.username] = error
        if error.exit_code in _STOP_ROUND:
            retry_at = getattr(error, "retry_at", None)
            report.pause_until = (
                retry_at if isinstance(retry_at, datetime) else utcnow() + _PAUSE_AFTER_FAILURE
            )
            break
    if cleanup_every is not None and not stop.is_set():
        report.cleanup = scheduled_cleanup(archive, every=cleanup_every)
    return report


def seconds_to_next(archive: Archive, pause_until: datetime | None = None) -> float:
    """How long the watch loop may sleep: until the next account is due, at most WATCH_CHECK_SECONDS
    (so accounts added meanwhile are seen)."""
    now = utcnow()
    with archive.sessions() as session:
        upcoming = entries(session)
    wait = WATCH_CHECK_SECONDS
    if upcoming:
        wait = min(wait, max((upcoming[0].next_due - now).total_seconds(), 0.0))
    if pause_until is not None:
        wait = max(wait, (pause_until - now).total_seconds())
    return wait
