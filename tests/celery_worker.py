"""Real Celery workers (and beat) for the tests: separate processes on the test Redis, syncing
against replayed Instagram (``python -m scraper.replay.offline ... -- worker``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from celery import Celery

from scraper.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def environment(settings: Settings, broker: str, **extra: str) -> dict[str, str]:
    """The environment of a process of the archive ``settings`` with the job queue at ``broker``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPER_")}
    env.update(
        DATABASE_URL=settings.db_url,
        MEDIA_DIR=str(settings.media_dir),
        DATA_DIR=str(settings.data_dir),
        LOG_DIR=str(settings.log_dir),
        SCRAPER_BROKER_URL=broker,
        SCRAPER_NO_WAIT="1",
        **extra,
    )
    return env


@dataclass
class Worker:
    """A started worker: its main process, and its node name for Celery's control commands."""

    process: subprocess.Popen[bytes]
    name: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as a crash or an OOM kill would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def _ping(broker: str, name: str, timeout: float) -> bool:
    app = Celery("ping", broker=broker)
    try:
        replies = app.control.ping(destination=[name], timeout=timeout) or []
        return any(name in reply for reply in replies)
    finally:
        app.close()


@contextmanager
def worker(
    accounts: Sequence[str],
    env: Mapping[str, str],
    log_dir: Path,
    *,
    args: Sequence[str] = ("--concurrency", "1"),
    timeout: float = 60,
) -> Iterator[Worker]:
    """A Celery worker process serving ``accounts`` (offline specs like "name:40") until the block ends."""
    name = f"test-{uuid.uuid4().hex[:8]}@{os.uname().nodename}"
    log_path = log_dir / f"worker-{name.split('@')[0]}.log"
    log_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "scraper.replay.offline"]
    for spec in accounts:
        command += ["--account", spec]
    command += ["--", "worker", "-n", name, "--without-gossip", "--without-mingle", *args]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    running = Worker(process, name, log_path)
    try:
        deadline = time.monotonic() + timeout
        while not _ping(env["SCRAPER_BROKER_URL"], name, 1.0):  # ping waits up to 1 s for the answer
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{running.output()[-3000:]}")
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # warm shutdown: the running task is finished first
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def beat(env: Mapping[str, str], log_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Celery beat (the scheduler) in a process of its own, its schedule file in ``log_dir``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "celery", "-A", "scraper.tasks", "beat", "--loglevel", "INFO",
        "--schedule", str(log_dir / "beat-schedule"),
    ]  # fmt: skip
    with (log_dir / "beat.log").open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
