"""A sync killed with SIGKILL halfway: the next run finishes it, asking only for what was not stored.
On SQLite and on PostgreSQL (where the server rolls back what the dead process had not committed)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.exc import DBAPIError

from tests.databases import rows

pytestmark = pytest.mark.kill

ROOT = Path(__file__).resolve().parent.parent
POSTS = 150


def offline(
    tmp_path: Path, db: str, *command: str, calls: Path | None = None, login: str | None = None
) -> list[str]:
    """The command line of a scraper command run in its own process against the replay (logged in
    to it first as ``login``, "USER:PASSWORD", if given)."""
    args = [sys.executable, "-m", "scraper.replay.offline", "--account", f"town:{POSTS}:5:1"]
    if calls is not None:
        args += ["--calls", str(calls)]
    if login is not None:
        args += ["--login", login]
    return [*args, "--", *command, "--db", db, "--media-dir", str(tmp_path / "media")]


def stored(db: str) -> list[str]:
    """The shortcodes stored; none while the database or its tables are not created yet."""
    try:
        return [str(code) for (code,) in rows(db, "SELECT shortcode FROM posts")]
    except DBAPIError:
        return []


def test_killed_sync_is_finished_by_the_next_run(tmp_path: Path, empty_db_url: str) -> None:
    env = {**os.environ, "LOG_DIR": str(tmp_path / "logs"), "PYTHONPATH": str(ROOT)}
    db = empty_db_url
    victim = subprocess.Popen(
        offline(tmp_path, db, "sync", "town"), cwd=ROOT, env=env, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while len(stored(db)) < POSTS // 3:
        assert victim.poll() is None, "the sync ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    at_kill = set(stored(db))
    assert POSTS // 3 <= len(at_kill) < POSTS

    calls = tmp_path / "calls.json"
    rerun = subprocess.run(
        offline(tmp_path, db, "sync", "town", calls=calls), cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert rerun.returncode == 0, rerun.stderr
    codes = stored(db)
    assert len(codes) == len(set(codes)) == POSTS
    asked = Counter(c["variables"]["shortcode"] for c in json.loads(calls.read_text()) if c["kind"] == "post")
    assert not set(asked) & at_kill, "the rerun asked again for posts stored before the kill"
    assert set(asked) == set(codes) - at_kill and max(asked.values()) == 1
    files = [
        str(file)
        for (file,) in rows(db, "SELECT file FROM media_items UNION ALL SELECT thumb FROM media_items")
    ]
    assert rows(db, "SELECT count(*) FROM media_items WHERE file IS NULL") == [(0,)]
    media = tmp_path / "media"
    for file in files:
        with Image.open(media / file) as image:
            image.load()
    assert not list(media.rglob("*.part"))


def test_a_sync_killed_during_comments_goes_on_without_reading_finished_posts_again(
    tmp_path: Path, empty_db_url: str
) -> None:
    env = {
        **os.environ,
        "LOG_DIR": str(tmp_path / "logs"),
        "DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    db = empty_db_url
    command = ("sync", "town", "--comments", "--no-media")

    def comments_read() -> dict[str, object]:
        try:
            found = rows(
                db, "SELECT shortcode, comments_read_at FROM posts WHERE comments_read_at IS NOT NULL"
            )
        except DBAPIError:
            return {}
        return {str(code): at for code, at in found}

    victim = subprocess.Popen(
        offline(tmp_path, db, *command, login="researcher:pw"),
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while len(comments_read()) < 20:
        assert victim.poll() is None, "the sync ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    at_kill = comments_read()
    with_comments = rows(db, "SELECT count(*) FROM posts WHERE comments > 0")[0][0]
    assert 20 <= len(at_kill) < with_comments
    stored_at_kill = rows(db, "SELECT count(*) FROM comments")[0][0]

    calls = tmp_path / "calls.json"
    rerun = subprocess.run(
        offline(tmp_path, db, *command, calls=calls, login="researcher:pw"),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert rerun.returncode == 0, rerun.stderr
    after = comments_read()
    assert len(after) == with_comments
    assert all(after[code] == at for code, at in at_kill.items()), "finished posts were read again"
    asked = {c["variables"]["shortcode"] for c in json.loads(calls.read_text()) if c["kind"] == "comments"}
    assert not asked & set(at_kill)
    total, distinct = rows(db, "SELECT count(*), count(DISTINCT id) FROM comments")[0]
    assert total == distinct > stored_at_kill
