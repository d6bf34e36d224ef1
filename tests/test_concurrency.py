"""Concurrency: the dashboard reads while a sync writes, and one account is synced by one process at a time.

Syncs run as the command line does, in processes of their own against the replayed Instagram
(``python -m scraper.replay.offline``); the readers are threads of this process reading the way the dashboard
does, through ``Archive.sessions`` and ``insights``. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from insights.data import posts_frame
from scraper.archive import Archive
from scraper.config import Settings
from scraper.errors import SyncBusy
from scraper.store import db, writes
from scraper.store.models import Profile, SyncLock, utcnow
from tests.databases import rows

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks/ is a folder of scripts, not an installed package

from benchmarks.kill_trials import check_archive, offline_env  # noqa: E402

NAME = "busy.town"
READERS = 8
BUSY = "is already being synced by another process"


def offline_sync(settings: Settings, posts: int) -> list[str]:
    """The command line of a sync of a replayed ``posts``-post account into the test archive."""
    return [
        *(sys.executable, "-m", "scraper.replay.offline", "--account", f"{NAME}:{posts}:3"),
        *("--", "sync", NAME, "--db", settings.db_url, "--media-dir", str(settings.media_dir)),
    ]


def start_sync(settings: Settings, tmp_path: Path, posts: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        offline_sync(settings, posts),
        cwd=ROOT,
        env=offline_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_sync(settings: Settings, tmp_path: Path, posts: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        offline_sync(settings, posts),
        cwd=ROOT,
        env=offline_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A live process of this host, to stand for a sync holding a lock."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield process
    process.kill()
    process.wait()


# Opening a new archive


# Imports done, it says "ready" and opens the archive when told.
OPEN = (
    "import sys; from scraper.store import db; print('ready', flush=True); sys.stdin.readline(); "
    "db.open_engine(sys.argv[1])"
)


def test_processes_opening_a_new_archive_at_once_all_get_its_schema(
    empty_db_url: str, tmp_path: Path
) -> None:
    url = empty_db_url
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN, url],
            cwd=ROOT,
            env=offline_env(tmp_path),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for opener in openers:
        assert opener.stdout is not None and opener.stdout.readline() == "ready\n"
    for opener in openers:
        assert opener.stdin is not None
        opener.stdin.write("\n")
        opener.stdin.flush()
    ends = [opener.communicate(timeout=60) for opener in openers]

    assert [opener.returncode for opener in openers] == [0] * 4, [err for _, err in ends]
    engine = db.create(url)
    try:
        assert db.current_revision(engine) == db.head_revision()
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


# The dashboard reading while a sync writes


@pytest.mark.slow
def test_eight_readers_never_meet_a_locked_database_nor_half_a_page(
    archive: Archive, settings: Settings, tmp_path: Path
) -> None:
    posts = 300
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: list[list[tuple[int, int]]] = [[] for _ in range(READERS)]

    # Each read gives the posts stored and how many of them lack their media items or counts.
    def snapshot() -> tuple[int, int]:
        """A plain SELECT: one statement, so one snapshot of the three tables."""
        with archive.sessions() as session:
            row = session.execute(
                text(
                    "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM posts p WHERE"
                    " NOT EXISTS (SELECT 1 FROM media_items m WHERE m.post_id = p.id)"
                    " OR NOT EXISTS (SELECT 1 FROM post_metrics m WHERE m.post_id = p.id))"
                )
            ).one()
        return row[0], row[1]

    def frame() -> tuple[int, int]:
        """The gallery's and the charts' frame."""
        with archive.sessions() as session:
            return len(posts_frame(session, [NAME])), 0

    def counts() -> tuple[int, int]:
        """The accounts list's counts."""
        with archive.sessions() as session:
            return sum(writes.post_counts(session).values()), 0

    reads: list[Callable[[], tuple[int, int]]] = [snapshot, frame, counts]

    def reader(number: int) -> None:
        read = reads[number % len(reads)]
        try:
            while not stop.wait(0.005):  # a pause between page loads, as a person makes
                seen[number].append(read())
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    writer = start_sync(settings, tmp_path, posts)  # the archive's schema is there already
    threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    try:
        _, err = writer.communicate(timeout=60)
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    assert writer.returncode == 0, err
    assert errors == []  # in particular no "database is locked" on SQLite
    assert all(len(results) >= 5 for results in seen), [len(results) for results in seen]
    during = {count for results in seen for count, _ in results}
    assert any(0 < count < posts for count in during), "no read overlapped the sync's writes"
    for results in seen:
        numbers = [count for count, _ in results]
        assert numbers == sorted(numbers), "a reader saw fewer posts than before"
        # A post is committed with its media items and counts, never without them...
        assert all(incomplete == 0 for _, incomplete in results)
    # ...and a page of 12 posts (the timeline's page size) in one transaction.
    assert {count for count in during if count % 12 and count != posts} == set(), sorted(during)
    assert check_archive(settings.db_url, settings.media_dir).problems(posts) == []


# One sync of an account at a time


@pytest.mark.slow
def test_a_sync_is_refused_while_a_live_process_holds_the_lock_and_takes_it_once_that_process_died(
    archive: Archive, settings: Settings, tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    holder = f"{socket.gethostname()}:{sleeper.pid}:held"
    with archive.sessions() as session:
        writes.acquire_lock(session, NAME, holder)

    refused = run_sync(settings, tmp_path, 30)

    assert refused.returncode == 7
    assert f"“{NAME}” {BUSY}" in refused.stderr
    with archive.sessions() as session:
        assert session.scalars(select(SyncLock.owner)).all() == [holder]
        assert session.scalars(select(Profile)).all() == []  # refused before any request

    sleeper.kill()
    sleeper.wait()
    done = run_sync(settings, tmp_path, 30)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{NAME}: 30 new")
    assert check_archive(settings.db_url, settings.media_dir).problems(30) == []  # and no lock left


LIVE_HOLDERS = {
    # instaloader waits out Instagram's rate limit (about 11 minutes) in one sleep, without a heartbeat.
    "silent for longer than LOCK_STALE_AFTER": (
        timedelta(0),
        writes.LOCK_STALE_AFTER + timedelta(minutes=1),
        True,
    ),
    # A process younger than the lock is not its holder: the holder died and its pid was given again.
    "its pid reused by a newer process": (timedelta(hours=1), timedelta(minutes=1), False),
}


@pytest.mark.parametrize(
    ("acquired_ago", "silent_for", "busy"), LIVE_HOLDERS.values(), ids=LIVE_HOLDERS.keys()
)
def test_a_lock_naming_a_live_process_of_this_host_is_its_holders_while_that_process_is(
    acquired_ago: timedelta,
    silent_for: timedelta,
    busy: bool,
    archive: Archive,
    sleeper: subprocess.Popen[bytes],
) -> None:
    holder = f"{socket.gethostname()}:{sleeper.pid}:held"
    with archive.sessions() as session:
        writes.acquire_lock(session, NAME, holder)
        now = utcnow()
        session.execute(
            update(SyncLock).values(acquired_at=now - acquired_ago, heartbeat_at=now - silent_for)
        )
        session.commit()

    with archive.sessions() as session:
        if busy:
            with pytest.raises(SyncBusy):
                writes.acquire_lock(session, NAME, writes.lock_owner())
        else:
            writes.acquire_lock(session, NAME, writes.lock_owner())
        assert (session.scalars(select(SyncLock.owner)).one() == holder) is busy


@pytest.mark.slow
def test_two_syncs_of_an_account_started_at_once_store_it_once(
    settings: Settings, empty_db_url: str, tmp_path: Path
) -> None:
    posts = 500
    # A new archive: both processes also create its schema at once.
    settings = dataclasses.replace(settings, db_url=empty_db_url)
    first, second = start_sync(settings, tmp_path, posts), start_sync(settings, tmp_path, posts)
    ends = []
    for sync in (first, second):
        _, err = sync.communicate(timeout=90)
        ends.append((sync.returncode, err))

    codes = sorted(code for code, _ in ends)
    assert codes in ([0, 7], [0, 0]), ends
    runs = rows(settings.db_url, "SELECT status, started_at, finished_at FROM sync_runs ORDER BY id")
    if codes == [0, 7]:
        refused = next(err for code, err in ends if code == 7)
        assert f"“{NAME}” {BUSY}" in refused
        assert [status for status, _, _ in runs] == ["ok"]  # a refused sync starts no run
    else:  # the first had finished before the second asked for the lock
        assert [status for status, _, _ in runs] == ["ok", "ok"]
        assert runs[0][2] <= runs[1][1]
    assert check_archive(settings.db_url, settings.media_dir).problems(posts) == []
