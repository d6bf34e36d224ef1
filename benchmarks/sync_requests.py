"""API requests and wall time of syncs over a replayed account, next to instaloader's own CLI.

    .venv/bin/python benchmarks/sync_requests.py [--posts 300] [--new 5] [--summary FILE]

For a replayed account of N posts, logged out and logged in, it prints: the requests of our first
sync and of an incremental sync after `--new` new posts, beside instaloader's own command line with
`--fast-update` run on the same replay (its waits recorded instead of slept, as in ours), the wall
time of each, and what a sync killed halfway re-requested when run again.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["SCRAPER_NO_WAIT"] = "1"

import instaloader  # noqa: E402
import instaloader.__main__ as instaloader_cli  # noqa: E402

from benchmarks import _summary  # noqa: E402
from scraper.archive import Archive  # noqa: E402
from scraper.config import Settings  # noqa: E402
from scraper.instagram.login import Login, write_session  # noqa: E402
from scraper.instagram.login import login as save_login  # noqa: E402
from scraper.replay import InstagramReplay, add_new_posts, build_account  # noqa: E402

NAME = "bench.town"
LOGIN, PASSWORD = "researcher", "bench-password"
GOAL = 1.0  # requests of an incremental sync, ours per instaloader's --fast-update (issue)


def kinds(replay: InstagramReplay, *, api_only: bool = True) -> str:
    counts = Counter(c.kind for c in replay.calls if not api_only or c.kind not in ("cdn", "profile_pic"))
    return ", ".join(f"{kind} {n}" for kind, n in counts.most_common())


def our_sync(archive: Archive, replay: InstagramReplay, login: Login | None) -> tuple[int, float]:
    replay.reset_calls()
    started = time.perf_counter()
    result = archive.sync(NAME, login=login)
    seconds = time.perf_counter() - started
    assert result.error is None, result.error
    return replay.api_requests, seconds


def instaloader_fast_update(replay: InstagramReplay, folder: Path, session: Path | None) -> tuple[int, float]:
    """instaloader's own CLI: `instaloader --fast-update [--login USER --sessionfile F] NAME`."""
    replay.reset_calls()
    argv = [
        "instaloader",
        "--no-sleep",
        "--quiet",
        "--fast-update",
        "--dirname-pattern",
        str(folder / "{target}"),
    ]
    if session is not None:
        argv += ["--login", LOGIN, "--sessionfile", str(session)]
    started = time.perf_counter()
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        _patched(sys, "argv", [*argv, NAME]),
        _patched(instaloader.RateController, "sleep", lambda self, secs: None),
        contextlib.suppress(SystemExit),
    ):
        instaloader_cli.main()
    return replay.api_requests, time.perf_counter() - started


@contextlib.contextmanager
def _patched(obj: object, name: str, value: object) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def compare(posts: int, new: int, logged_in: bool) -> list[_summary.Row]:
    """Print both first syncs and both incremental syncs; the summary rows."""
    label = "logged in" if logged_in else "logged out"
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        settings = Settings(
            f"sqlite:///{tmp / 'a.db'}", tmp / "media", tmp / "data", tmp / "logs", no_wait=True
        )
        archive = Archive(settings)
        ours_account = build_account(NAME, posts, seed=1, pinned=1)
        theirs_account = build_account(NAME, posts, seed=1, pinned=1)
        login: Login | None = None
        with InstagramReplay([ours_account], users={LOGIN: PASSWORD}) as replay:
            if logged_in:
                login = Login(LOGIN, save_login(settings, LOGIN, PASSWORD, lambda: ""))
            first, first_s = our_sync(archive, replay, login)
            first_kinds = kinds(replay)
            add_new_posts(ours_account, new)
            incr, incr_s = our_sync(archive, replay, login)
            incr_kinds = kinds(replay)
        with InstagramReplay([theirs_account], users={LOGIN: PASSWORD}) as replay:
            their_session = None
            if logged_in:  # a session this replay knows, in instaloader's session-file format
                their_session = tmp / "instaloader-session"
                write_session(their_session, replay.make_session(LOGIN))
            t_first, t_first_s = instaloader_fast_update(replay, tmp / "il", their_session)
            t_first_kinds = kinds(replay)
            add_new_posts(theirs_account, new)
            t_incr, t_incr_s = instaloader_fast_update(replay, tmp / "il", their_session)
            t_incr_kinds = kinds(replay)
        archive.engine.dispose()
    print(f"\n{posts}-post account, {label}")
    print(f"  first sync          ours {first:4d} requests {first_s:6.2f} s   ({first_kinds})")
    print(f"                instaloader {t_first:4d} requests {t_first_s:6.2f} s   ({t_first_kinds})")
    print(f"  after {new} new posts  ours {incr:4d} requests {incr_s:6.2f} s   ({incr_kinds})")
    print(f"                instaloader {t_incr:4d} requests {t_incr_s:6.2f} s   ({t_incr_kinds})")
    print(f"  ratio ours/instaloader: first {first / t_first:.2f}, incremental {incr / t_incr:.2f}")
    passed = incr / t_incr <= GOAL
    print(f"  incremental ratio at most {GOAL}: {_summary.verdict(passed)}")
    return [
        _summary.Row(
            f"API requests per incremental sync ({new} new posts), {label}",
            str(incr),
            f"{t_incr} instaloader --fast-update",
            f"{incr / t_incr:.2f}",
            f"≤ {GOAL}",
            passed,
        ),
        _summary.Row(
            f"first sync of {posts} posts, {label}: API requests",
            str(first),
            f"{t_first} instaloader --fast-update",
            f"{first / t_first:.2f}",
        ),
    ]


def killed_halfway(posts: int) -> _summary.Row:
    """Kill a first sync with SIGKILL when half the posts are stored; report what the rerun asked."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "a.db"
        command = [sys.executable, "-m", "scraper.replay.offline", "--account", f"{NAME}:{posts}:1:1"]
        tail = ["--", "sync", NAME, "--db", str(db), "--media-dir", str(tmp / "media")]
        env = {**os.environ, "LOG_DIR": str(tmp / "logs"), "PYTHONPATH": str(ROOT)}
        victim = subprocess.Popen([*command, *tail], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)

        def stored() -> set[str]:
            with contextlib.suppress(sqlite3.OperationalError), sqlite3.connect(db, timeout=30) as conn:
                return {r[0] for r in conn.execute("SELECT shortcode FROM posts")}
            return set()

        while len(stored()) < posts // 2 and victim.poll() is None:
            time.sleep(0.005)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        at_kill = stored()
        calls_file = tmp / "calls.json"
        started = time.perf_counter()
        subprocess.run(
            [*command, "--calls", str(calls_file), *tail], cwd=ROOT, env=env, check=True, capture_output=True
        )
        seconds = time.perf_counter() - started
        calls = json.loads(calls_file.read_text())
        asked = [c["variables"]["shortcode"] for c in calls if c["kind"] == "post"]
        api = Counter(c["kind"] for c in calls if c["kind"] not in ("cdn", "profile_pic"))
        after = stored()
    print(f"\n{posts}-post first sync killed (SIGKILL) with {len(at_kill)} posts stored")
    print(
        f"  rerun: {sum(api.values())} API requests ({', '.join(f'{k} {n}' for k, n in api.most_common())}), {seconds:.2f} s"
    )
    print(f"  posts asked again that were stored before the kill: {len(set(asked) & at_kill)}")
    print(f"  posts stored after the rerun: {len(after)} of {posts}")
    again = len(set(asked) & at_kill)
    return _summary.Row(
        f"stored posts asked again after a sync killed halfway ({posts} posts)",
        f"{again} ({len(after)} of {posts} stored)",
        goal="0",
        passed=again == 0 and len(after) == posts,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--new", type=int, default=5)
    _summary.add_option(parser)
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, instaloader {instaloader.__version__}"
    )
    rows = compare(args.posts, args.new, logged_in=False)
    rows += compare(args.posts, args.new, logged_in=True)
    rows.append(killed_halfway(args.posts))
    _summary.write(args.summary, rows)


if __name__ == "__main__":
    main()
