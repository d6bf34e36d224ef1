"""The watch list and ``python -m scraper watch``: scheduled refreshes and the periodic media cleanup."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from scraper import errors
from scraper.archive import Archive
from scraper.config import Settings
from scraper.errors import BadInput, ExitCode
from scraper.replay import InstagramReplay, add_new_posts, build_account
from scraper.store import writes
from scraper.store.models import SyncLock, SyncRun, WatchedAccount, utcnow
from scraper.sync import SyncOptions
from scraper.workers import watch
from tests.helpers import Syncer, stored_count

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "minutes"), [("10m", 10), ("90m", 90), ("6h", 360), ("1d", 1440), (" 2H ", 120), ("45", 45)]
)
def test_intervals(raw: str, minutes: int) -> None:
    assert watch.parse_every(raw) == timedelta(minutes=minutes)


@pytest.mark.parametrize("raw", ["", "5m", "0h", "-1h", "h", "6x", "1.5h", "6 hours"])
def test_bad_intervals_are_refused(raw: str) -> None:
    with pytest.raises(BadInput) as err:
        watch.parse_every(raw)
    assert "at least 10 minutes" in err.value.message("en")


def test_new_accounts_are_due_and_a_sync_makes_them_wait_their_interval(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    replay.add_account(build_account("ermua.kultura", 12))
    with archive.sessions() as session:
        assert watch.add(session, ["@Ermua.Kultura", "ermua.kirolak"], timedelta(hours=2)) == [
            "ermua.kultura",
            "ermua.kirolak",
        ]
        assert {e.username for e in watch.due_accounts(session)} == {"ermua.kultura", "ermua.kirolak"}

    sync("ermua.kultura")  # a sync started anywhere counts: the dashboard's too

    with archive.sessions() as session:
        due = watch.due_accounts(session)
        assert [e.username for e in due] == ["ermua.kirolak"]
        kultura = next(e for e in watch.entries(session) if e.username == "ermua.kultura")
        assert kultura.last_status == "ok" and kultura.last_started is not None
        assert kultura.next_due == kultura.last_started + timedelta(hours=2)
        later = kultura.next_due + timedelta(seconds=1)
        assert {e.username for e in watch.due_accounts(session, later)} == {"ermua.kultura", "ermua.kirolak"}


def test_adding_again_changes_the_interval_and_removing_keeps_the_posts(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    replay.add_account(build_account("ermua.kultura", 12))
    sync("ermua.kultura")
    with archive.sessions() as session:
        watch.add(session, ["ermua.kultura"], timedelta(hours=6))
        watch.add(session, ["ermua.kultura"], timedelta(days=1))
        assert [e.every for e in watch.entries(session)] == [timedelta(days=1)]
        assert watch.remove(session, ["ermua.kultura", "nobody"]) == ["ermua.kultura"]
        assert watch.entries(session) == []
    assert stored_count(archive, "ermua.kultura") == 12


def test_a_round_syncs_what_is_due_once_and_a_second_round_syncs_nothing(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    kultura = build_account("ermua.kultura", 20)
    replay.add_account(kultura)
    replay.add_account(build_account("ermua.kirolak", 8))
    with archive.sessions() as session:
        watch.add(session, ["ermua.kultura", "ermua.kirolak"], timedelta(hours=1))

    def sync_one(username: str, options: SyncOptions) -> errors.ScraperError | None:
        return sync(username).error

    first = watch.run_round(archive, sync_one, cleanup_every=None)
    add_new_posts(kultura, 3)
    second = watch.run_round(archive, sync_one, cleanup_every=None)

    assert sorted(first.synced) == ["ermua.kirolak", "ermua.kultura"] and first.exit_code == 0
    assert second.synced == [] and second.failed == {}
    assert stored_count(archive, "ermua.kultura") == 20  # the new posts wait for the next interval


def test_a_rate_limit_ends_the_round_and_pauses_until_instagram_allows_again(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    for name in ("ermua.a", "ermua.b", "ermua.c"):
        replay.add_account(build_account(name, 5))
    with archive.sessions() as session:
        watch.add(session, ["ermua.a", "ermua.b", "ermua.c"], timedelta(hours=1))
    replay.fail("post", status=429, times=None)

    report = watch.run_round(archive, lambda u, _options: sync(u).error, cleanup_every=None)

    assert report.synced == [] and len(report.failed) == 1  # the others would only be refused too
    assert report.exit_code == ExitCode.RATE_LIMITED
    assert report.pause_until is not None and report.pause_until > utcnow() + timedelta(minutes=5)
    assert watch.seconds_to_next(archive, report.pause_until) > 300
    with archive.sessions() as session:
        # The accounts not tried are still due when the pause ends.
        assert len(watch.due_accounts(session)) == 2


def test_the_scheduled_cleanup_runs_when_due_and_never_while_a_sync_runs(
    archive: Archive, settings: Settings, replay: InstagramReplay, sync: Syncer
) -> None:
    replay.add_account(build_account("ermua.kultura", 6))
    sync("ermua.kultura")
    stray = settings.media_dir / "ermua.kultura" / "old-unused.jpg"
    stray.write_bytes(b"x" * 100)
    an_hour_ago = time.time() - 3600
    os.utime(stray, (an_hour_ago, an_hour_ago))

    with archive.sessions() as session:
        writes.acquire_lock(session, "ermua.kultura", writes.lock_owner())
    assert watch.scheduled_cleanup(archive, every=timedelta(hours=24)) is None
    assert stray.exists()
    with archive.sessions() as session:
        for lock in session.scalars(select(SyncLock)):
            writes.release_lock(session, lock.username, lock.owner)

    report = watch.scheduled_cleanup(archive, every=timedelta(hours=24))
    assert report is not None and [Path(f).name for f in report.files] == ["old-unused.jpg"]
    assert not stray.exists()
    assert stored_count(archive, "ermua.kultura") == 6
    # Not due again for a day.
    assert watch.scheduled_cleanup(archive, every=timedelta(hours=24)) is None
    later = utcnow() + timedelta(hours=25)
    assert watch.scheduled_cleanup(archive, every=timedelta(hours=24), now=later) is not None


def test_the_cleanup_never_runs_on_an_archive_without_accounts(archive: Archive, settings: Settings) -> None:
    settings.media_dir.mkdir(parents=True)
    kept = settings.media_dir / "someone" / "photo.jpg"
    kept.parent.mkdir()
    kept.write_bytes(b"x")
    os.utime(kept, (0, 0))
    assert watch.scheduled_cleanup(archive) is None
    assert kept.exists()


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPER_BROKER_URL"}
    env.update(
        DATABASE_URL=settings.db_url,
        MEDIA_DIR=str(settings.media_dir),
        DATA_DIR=str(settings.data_dir),
        LOG_DIR=str(settings.log_dir),
        LANG="C.UTF-8",
    )
    return env


def _run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_watch_commands_from_the_command_line(settings: Settings, archive: Archive) -> None:
    added = _run(settings, "scraper", "watch", "add", "ermua.kultura", "ermua.kirolak", "--every", "12h")
    bad = _run(settings, "scraper", "watch", "add", "ermua.kultura", "--every", "1m")
    once = _run(
        settings, "scraper.replay.offline", "--account", "ermua.kultura:15", "--account", "ermua.kirolak:4",
        "--", "watch", "run", "--once",
    )  # fmt: skip
    again = _run(
        settings, "scraper.replay.offline", "--account", "ermua.kultura:15", "--", "watch", "run", "--once"
    )
    listed = _run(settings, "scraper", "watch", "list")
    removed = _run(settings, "scraper", "watch", "remove", "ermua.kirolak", "nobody")

    assert added.returncode == 0 and "synced every 12h" in added.stdout
    assert bad.returncode == ExitCode.BAD_INPUT and "at least 10 minutes" in bad.stderr
    assert once.returncode == 0, once.stderr
    assert "ermua.kultura: 15 new" in once.stdout and "ermua.kirolak: 4 new" in once.stdout
    assert again.returncode == 0 and again.stdout == ""  # nothing due
    rows = [line.split("\t") for line in listed.stdout.splitlines()[1:]]
    # The one due soonest first: kultura was synced first.
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("ermua.kultura", "12h", "ok"),
        ("ermua.kirolak", "12h", "ok"),
    ]
    assert removed.returncode == ExitCode.BAD_INPUT
    assert "No longer watched: ermua.kirolak" in removed.stdout and "nobody" in removed.stderr
    assert stored_count(archive, "ermua.kultura") == 15


def test_a_failing_account_gives_its_exit_code_and_the_others_are_still_synced(
    settings: Settings, archive: Archive
) -> None:
    _run(settings, "scraper", "watch", "add", "ermua.kultura", "gone.account")
    once = _run(
        settings, "scraper.replay.offline", "--account", "ermua.kultura:5", "--", "watch", "run", "--once"
    )
    assert once.returncode == ExitCode.NOT_FOUND
    assert "gone.account" in once.stderr and "does not exist" in once.stderr
    assert "ermua.kultura: 5 new" in once.stdout


def test_the_watch_loop_syncs_and_stops_cleanly_on_sigterm(settings: Settings, archive: Archive) -> None:
    _run(settings, "scraper", "watch", "add", "ermua.kultura")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scraper.replay.offline",
            "--account",
            "ermua.kultura:10",
            "--",
            "watch",
            "run",
        ],
        cwd=ROOT,
        env=_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]  # blocks until the loop reports
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert lines[0].startswith("Watching 1 account;")
    assert lines[1].startswith("ermua.kultura: 10 new")
    assert code == 0
    with archive.sessions() as session:
        assert session.scalars(select(SyncRun.status)).all() == ["ok"]
        assert session.get(WatchedAccount, "ermua.kultura") is not None


def test_the_accounts_page_puts_accounts_on_the_watch_list(
    settings: Settings,
    archive: Archive,
    replay: InstagramReplay,
    sync: Syncer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import streamlit as st

    from tests.test_dashboard import app

    for name in ("ermua.kultura", "ermua.kirolak"):
        replay.add_account(build_account(name, 5))
        sync(name)
    monkeypatch.setenv("DATABASE_URL", settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))
    st.cache_data.clear()
    st.cache_resource.clear()

    at = app("accounts", account=None, lang="es")
    assert [s.value for s in at.subheader if s.value == "Actualizaciones programadas"]
    at.multiselect[0].set_value(["ermua.kirolak"])
    at.button_group[0].set_value("1d")
    next(b for b in at.button if b.label == "Guardar programación").click().run()

    assert not at.exception
    with archive.sessions() as session:
        assert [(e.username, e.every) for e in watch.entries(session)] == [
            ("ermua.kirolak", timedelta(days=1))
        ]
    shown = at.dataframe[-1].value
    assert shown["Cuenta"].tolist() == ["ermua.kirolak"] and shown["Cada"].tolist() == ["1 d"]

    at.multiselect[0].set_value([])
    next(b for b in at.button if b.label == "Guardar programación").click().run()
    with archive.sessions() as session:
        assert watch.entries(session) == []
    assert stored_count(archive, "ermua.kirolak") == 5
