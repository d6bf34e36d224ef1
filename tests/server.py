"""The dashboard as a real server for browser tests and benchmarks: started on a free port,
polled until it answers, stopped afterwards."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Debian's chromium, headless, as root, with the background traffic this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]  # fmt: skip


@dataclass(frozen=True)
class Running:
    """A started dashboard."""

    url: str
    port: int
    pid: int


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def dashboard(
    args: Sequence[str], env: Mapping[str, str], log_path: Path, *, timeout: float = 60
) -> Iterator[Running]:
    """Run ``python ARGS --server.port PORT --server.headless true`` (a Streamlit entry: ``-m streamlit
    run dashboard.py`` or ``-m scraper.replay.offline ... -- dashboard``) until the block ends."""
    port = free_port()
    command = [sys.executable, *args, "--server.port", str(port), "--server.headless", "true"]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:  # poll until the server answers
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the dashboard did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.2)
            yield Running(url, port, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
