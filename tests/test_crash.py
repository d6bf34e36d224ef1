"""Crash safety: a 500-post sync killed with SIGKILL at seeded random moments, then run again.

The trials are ``benchmarks/kill_trials.py``'s (which runs many); here three, one per kind of moment
in a sync: fetching a page's posts, right after a page's commit, and writing a download's ``.part``.
``tests/test_kill.py`` is the plain case, killed halfway.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks/ is a folder of scripts, not an installed package

from benchmarks.kill_trials import Moment, run_trial  # noqa: E402

POSTS = 500

pytestmark = pytest.mark.kill


@pytest.mark.sqlite_only(
    "benchmarks/kill_trials.py watches the killed sync and checks the archive through SQLite's file;"
    " tests/test_kill.py kills a sync on PostgreSQL too"
)
@pytest.mark.parametrize("kind", ["fetch", "commit", "partial"])
def test_a_sync_killed_at_a_random_moment_is_finished_by_the_next_run(kind: str, tmp_path: Path) -> None:
    rng = random.Random(f"crash|{kind}")
    moment = Moment.draw(rng, POSTS, kind)

    trial = run_trial(tmp_path, rng.randrange(1, 10**6), moment, POSTS, timeout=60)

    assert trial.killed, f"the sync ended before {moment}"
    assert len(trial.at_kill) < POSTS
    assert trial.problems == []
    # Among the problems checked, spelled out as the issue states them:
    archive = trial.archive
    assert (archive.posts, archive.duplicate_posts, archive.duplicate_media) == (POSTS, 0, 0)
    assert archive.bad_files == archive.stray_parts == []
    assert not trial.re_requested
    # The dead process's lock was still there, did not refuse the rerun (exit 7), and is gone; its run
    # was closed as interrupted when the lock was taken over.
    assert (trial.lock_pid, trial.rerun_code) == (trial.victim_pid, 0)
    with sqlite3.connect(tmp_path / "a.db") as conn:
        assert conn.execute("SELECT count(*) FROM sync_locks").fetchone() == (0,)
        runs = conn.execute("SELECT status, error_code FROM sync_runs ORDER BY id").fetchall()
    conn.close()
    assert runs == [("interrupted", 130), ("ok", None)]
