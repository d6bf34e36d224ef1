"""Syncs run by real Celery worker processes on a real Redis, started from the command line, the
dashboard's runner and Celery beat; cancelled, and surviving killed workers. The tests with worker
processes are marked ``celery`` (and so ``slow``: ./run tests --fast leaves them out)."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import redis
from sqlalchemy import func, select

from scraper.archive import Archive
from scraper.config import Settings, load_settings
from scraper.errors import ExitCode
from scraper.store.models import Post, Profile, SyncRun
from scraper.workers.board import JobBoard
from scraper.workers.inprocess import SyncRunner
from scraper.workers.queue import CeleryRunner
from scraper.workers.runners import make_runner
from tests import celery_worker
from tests.helpers import stored_count

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


@pytest.fixture
def broker() -> Iterator[str]:
    """A Redis database of the test server of its own (db 2), emptied for each test."""
    base = os.environ.get("TEST_REDIS_URL")
    if not base:
        pytest.skip("TEST_REDIS_URL is not set (./run tests starts a Redis server and sets it)")
    url = base.rsplit("/", 1)[0] + "/2"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def env(settings: Settings, broker: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of every process of the test, this one included."""
    monkeypatch.setenv("SCRAPER_BROKER_URL", broker)
    return celery_worker.environment(settings, broker)


@pytest.fixture
def celery_runner(archive: Archive, env: dict[str, str]) -> CeleryRunner:
    return CeleryRunner(archive, JobBoard.from_url(env["SCRAPER_BROKER_URL"]), url=env["SCRAPER_BROKER_URL"])


def eventually(check: Callable[[], T | None], timeout: float = 60, what: str = "") -> T:
    """Poll ``check`` until it gives something; the state is in another process, so it is observed."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.05)


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own: it meets no replay, so whatever it syncs, a worker fetched."""
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.celery
def test_a_sync_from_the_command_line_runs_on_a_worker(
    env: dict[str, str], settings: Settings, archive: Archive, tmp_path: Path
) -> None:
    with celery_worker.worker(["ermua.kultura:40"], env, tmp_path / "w") as worker:
        done = cli(env, "sync", "ermua.kultura")
        missing = cli(env, "sync", "nobody.here")

    assert done.returncode == 0, done.stderr
    assert "ermua.kultura: 40 new posts, 0 updated" in done.stdout
    assert stored_count(archive, "ermua.kultura") == 40
    assert "scraper.sync_account" in worker.output() and "succeeded" in worker.output()
    # The failure's exit code and message cross from the worker to the command line.
    assert missing.returncode == ExitCode.NOT_FOUND
    assert "does not exist on Instagram" in missing.stderr


@pytest.mark.celery
def test_the_dashboard_runner_follows_a_worker_sync_and_never_queues_an_account_twice(
    env: dict[str, str], celery_runner: CeleryRunner, archive: Archive, tmp_path: Path
) -> None:
    with celery_worker.worker(["ermua.kultura:40"], env, tmp_path / "w") as worker:
        job = celery_runner.start("@Ermua.Kultura")
        again = celery_runner.start("ermua.kultura")
        done = celery_runner.wait("ermua.kultura", timeout=60)

    assert again.id == job.id  # the second start found the queued or running job
    assert done is not None and done.status == "ok" and done.error is None
    assert done.progress.phase == "done" and (done.progress.done, done.progress.total) == (40, 40)
    assert done.result is not None and done.result.new == 40
    assert done.worker.split(":")[1] != str(os.getpid())
    assert worker.process.pid != os.getpid()
    assert [j.username for j in celery_runner.jobs()] == ["ermua.kultura"]
    assert celery_runner.active() == []
    assert stored_count(archive, "ermua.kultura") == 40


def test_without_a_broker_syncs_run_in_the_dashboards_process(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCRAPER_BROKER_URL", raising=False)
    runner = make_runner(archive)
    assert isinstance(runner, SyncRunner)
    runner.shutdown()
    monkeypatch.setenv("SCRAPER_BROKER_URL", "redis://127.0.0.1:6390/2")
    archive.settings = dataclasses.replace(archive.settings, broker_url=load_settings().broker_url)
    assert isinstance(make_runner(archive), CeleryRunner)


def test_celery_finds_the_app_and_every_task_beat_names_in_scraper_tasks() -> None:
    """What ``celery -A scraper.tasks worker`` and ``beat`` load: the app of ``scraper.workers.queue``,
    with the sync task and every task beat's schedule names."""
    from scraper import tasks
    from scraper.workers import queue

    assert tasks.app is queue.app
    scheduled = {entry["task"] for entry in tasks.app.conf.beat_schedule.values()}
    assert {"scraper.sync_account", *scheduled} <= set(tasks.app.tasks)


@pytest.mark.celery
def test_a_cancelled_sync_stops_on_the_worker_and_the_next_one_finishes_it(
    env: dict[str, str], celery_runner: CeleryRunner, archive: Archive, tmp_path: Path
) -> None:
    with celery_worker.worker(["ermua.kultura:600"], env, tmp_path / "w"):
        celery_runner.start("ermua.kultura")
        eventually(
            lambda: (j := celery_runner.job("ermua.kultura")) and j.progress.done >= 24, what="progress"
        )
        assert celery_runner.cancel("ermua.kultura")
        stopped = celery_runner.wait("ermua.kultura", timeout=60)
        assert stopped is not None and stopped.status == "interrupted"
        assert stopped.error is not None and stopped.error.exit_code == ExitCode.INTERRUPTED
        kept = stored_count(archive, "ermua.kultura")
        assert 24 <= kept < 600

        celery_runner.start("ermua.kultura")
        finished = celery_runner.wait("ermua.kultura", timeout=120)

    assert finished is not None and finished.status == "ok", finished and finished.error
    assert finished.result is not None and finished.result.new == 600 - kept  # nothing stored twice
    assert stored_count(archive, "ermua.kultura") == 600


def _running_on(runner: CeleryRunner, username: str, after: int) -> int | None:
    """The pid of the pool process syncing ``username`` once it has stored ``after`` posts."""
    job = runner.job(username)
    if job is None or job.status != "running" or job.progress.done < after or not job.worker:
        return None
    return int(job.worker.split(":")[1])


@pytest.mark.celery
@pytest.mark.kill
def test_a_killed_pool_process_gives_its_task_back_and_the_sync_completes(
    env: dict[str, str], celery_runner: CeleryRunner, archive: Archive, tmp_path: Path
) -> None:
    with celery_worker.worker(["ermua.kultura:600"], env, tmp_path / "w") as worker:
        job = celery_runner.start("ermua.kultura")
        pid = eventually(lambda: _running_on(celery_runner, "ermua.kultura", 24), what="a running sync")
        os.kill(pid, signal.SIGKILL)  # the pool process, in the middle of the sync
        finished = celery_runner.wait("ermua.kultura", timeout=120)

    assert "exited with 'signal 9 (SIGKILL)'" in worker.output() or "SIGKILL" in worker.output()
    assert finished is not None and finished.id == job.id, "the same job was taken up again"
    assert finished.status == "ok", finished.error
    assert finished.worker != f"{os.uname().nodename}:{pid}"
    assert stored_count(archive, "ermua.kultura") == 600
    with archive.sessions() as session:
        assert session.scalar(select(func.count(func.distinct(Post.shortcode)))) == 600
        statuses = sorted(session.scalars(select(SyncRun.status)))
    assert statuses == ["interrupted", "ok"]  # the killed run was marked, the next one finished


@pytest.mark.celery
@pytest.mark.kill
def test_a_job_whose_worker_died_reads_interrupted_and_a_new_worker_finishes_the_account(
    env: dict[str, str], archive: Archive, tmp_path: Path
) -> None:
    # Lost after 3 s without a heartbeat instead of 30, so the test need not wait long.
    celery_runner = CeleryRunner(
        archive, JobBoard.from_url(env["SCRAPER_BROKER_URL"], stale_after=3.0), url=env["SCRAPER_BROKER_URL"]
    )
    with celery_worker.worker(["ermua.kultura:600"], env, tmp_path / "w1") as worker:
        celery_runner.start("ermua.kultura")
        eventually(lambda: _running_on(celery_runner, "ermua.kultura", 24), what="a running sync")
        worker.kill()  # the whole worker, main process and pool, at once

    lost = eventually(
        lambda: (j := celery_runner.job("ermua.kultura")) and j.finished and j,
        timeout=30,
        what="the job to read as lost",
    )
    assert lost.status == "interrupted"
    assert lost.error is not None and "stopped answering" in lost.error.message("en")
    assert "dejado de responder" in lost.error.message("es")
    kept = stored_count(archive, "ermua.kultura")

    with celery_worker.worker(["ermua.kultura:600"], env, tmp_path / "w2"):
        again = celery_runner.start("ermua.kultura")
        assert again.id != lost.id
        finished = celery_runner.wait("ermua.kultura", timeout=120)

    assert finished is not None and finished.status == "ok", finished and finished.error
    assert finished.result is not None and finished.result.new == 600 - kept
    assert stored_count(archive, "ermua.kultura") == 600


@pytest.mark.celery
def test_celery_beat_refreshes_the_watch_list(
    env: dict[str, str], archive: Archive, settings: Settings, tmp_path: Path
) -> None:
    cli_env = dict(env)
    added = cli(cli_env, "watch", "add", "ermua.kultura", "ermua.kirolak", "--every", "1h")
    assert added.returncode == 0, added.stderr
    beat_env = celery_worker.environment(settings, env["SCRAPER_BROKER_URL"], SCRAPER_WATCH_CHECK_SECONDS="1")
    with (
        celery_worker.worker(["ermua.kultura:30", "ermua.kirolak:12"], env, tmp_path / "w"),
        celery_worker.beat(beat_env, tmp_path / "beat"),
    ):

        def both_synced() -> bool:
            with archive.sessions() as session:
                ok = session.scalars(select(SyncRun.username).where(SyncRun.status == "ok")).all()
            return {"ermua.kultura", "ermua.kirolak"} <= set(ok)

        eventually(both_synced, timeout=90, what="beat to queue both accounts")
        listed = cli(cli_env, "watch", "list")

    assert stored_count(archive, "ermua.kultura") == 30 and stored_count(archive, "ermua.kirolak") == 12
    with archive.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Profile)) == 2
        # Queued once each: the accounts are not due again for an hour.
        assert session.scalar(select(func.count()).select_from(SyncRun)) == 2
    assert listed.returncode == 0 and listed.stdout.count("\tok\t") == 2


def test_an_unreachable_job_queue_gives_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    env = celery_worker.environment(settings, "redis://127.0.0.1:1/0")
    result = cli(env, "sync", "ermua.kultura")
    assert result.returncode == ExitCode.NETWORK
    assert "The job queue (SCRAPER_BROKER_URL) cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.celery
def test_the_dashboard_sends_its_sync_to_a_worker_and_shows_how_it_ended(
    env: dict[str, str],
    settings: Settings,
    celery_runner: CeleryRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import streamlit as st

    from tests.test_dashboard import app

    monkeypatch.setenv("DATABASE_URL", settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = app("accounts", account=None)
    at.sidebar.text_input[0].set_value("ermua.kultura")
    at.sidebar.button[0].click().run()
    # No worker yet: the job waits in the queue, and the sidebar says so.
    assert not at.exception
    assert [p.text for p in at.sidebar.get("progress")] == [
        "ermua.kultura: queued, waiting for a free worker"
    ]

    with celery_worker.worker(["ermua.kultura:40"], env, tmp_path / "w"):
        done = celery_runner.wait("ermua.kultura", timeout=60)
    assert done is not None and done.status == "ok"
    at.run()

    assert not at.exception
    assert [s.value for s in at.sidebar.success] == ["ermua.kultura: 40 new posts, 0 updated."]
    assert "ermua.kultura" in [b.label for b in at.sidebar.button]  # listed among the stored accounts
