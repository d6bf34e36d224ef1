"""Peak memory of a first sync of a large replayed account through the command line, with its time,
requests and posts stored.

    .venv/bin/python benchmarks/sync_memory.py [--posts 100000]

The sync runs in a child process, as ``python -m scraper.replay.offline`` runs one: Instagram replayed in
that process (``scraper.replay.InstagramReplay``), then ``scraper.__main__.main(["sync", NAME,
"--no-media", "--db", ...])``, the command line itself. Two things differ from ``scraper.replay.offline``,
which cannot run this case as it stands:

- The account. ``build_account`` spaces posts 2.5 days apart on average, going back from 2024, and
  Instagram's media ids count milliseconds since 2011, so it cannot make more than about 1,900 posts
  (an older one would get a negative id: ``build_account`` raises OverflowError). Here the account is ``build_account``'s first 1,000 posts repeated,
  each copy with its own time (about 50 minutes apart: 100,000 posts span 9 years), media id and
  shortcode. The copies share their media records (``--no-media`` fetches no file).
- The login. Logged out, every post costs a request of its own, and the replay finds the post by
  scanning the account's list, so a logged-out first sync of 100,000 posts makes 100,000 scans of up
  to 100,000 posts. Logged in, a timeline page carries its 12 posts whole (8,334 requests). A replayed
  session is valid in the process that made it only, so the child logs in (through the replay, as
  ``scraper login`` does) and then runs the sync command, both in one process.

Memory: the child's peak resident set (VmHWM from /proc, and ``getrusage(RUSAGE_CHILDREN)`` here, which
agree), and its resident set just before the sync starts, when the replayed account is built and
the modules imported: the difference is what the sync itself added. The ``responses`` library under
the replay keeps every answer it mocked, for tests' assertions (78 MB of answer bodies at 10,000 posts,
growing with the posts); the child turns that off, as it is no part of a sync (``--keep-mock-log`` keeps it).
The dashboard's peak is measured by ``benchmarks/dashboard.py`` (run by ``run_all.py``).

MB here are 10^6 bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import _summary  # noqa: E402

if TYPE_CHECKING:  # the replay is imported by the child process only
    from scraper.replay import FakeAccount

NAME = "bench.memory"
LOGIN, PASSWORD = "researcher", "bench-password"
TEMPLATE = 1_000
# Instagram's media ids: milliseconds since this moment (in 2011), shifted left 23 bits, then shard
# and sequence bits (as the replay makes them).
IG_EPOCH_MS = 1314220021721
MB = 1_000_000


def big_account(posts: int) -> FakeAccount:
    """A replayed account of ``posts`` posts, newest first, about 50 minutes apart."""
    from scraper.replay import DEFAULT_START, build_account, mediaid_to_shortcode

    account = build_account(NAME, min(posts, TEMPLATE), seed=1)
    template = account.posts
    rng = random.Random(posts)
    taken_at = int(DEFAULT_START.timestamp()) - 3600
    copies = []
    for i in range(posts):
        ms = taken_at * 1000 + rng.randrange(1000)
        pk = ((ms - IG_EPOCH_MS) << 23) | ((account.user_id % 8192) << 10) | (i % 1024)
        post = template[i % len(template)]
        copies.append(
            replace(post, pk=pk, shortcode=mediaid_to_shortcode(pk), taken_at=taken_at, pinned=False)
        )
        taken_at -= 600 + int(rng.expovariate(1 / 2400))
    account.posts = copies
    return account


def status_kb(field: str) -> int:
    """A field of this process's /proc/self/status, in kB (VmRSS: resident now, VmHWM: at peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def forget_mock_calls() -> None:
    """Stop the ``responses`` library, under the replay, from keeping every request and response it
    mocked (its ``CallList``): bookkeeping for tests' assertions that holds each answer's body, about
    8 KB a post here, which would be counted as the sync's. The replay's own list of calls stays."""
    import responses

    def forget(self: responses.CallList, *args: object) -> None:
        pass

    for name in ("add", "add_call"):
        setattr(responses.CallList, name, forget)


def child(posts: int, folder: Path, out: Path, *, keep_mock_log: bool) -> None:
    """In the child process: build the account, log in through the replay, run the sync command."""
    if not keep_mock_log:
        forget_mock_calls()
    started = time.perf_counter()
    account = big_account(posts)
    built = time.perf_counter() - started

    from scraper.__main__ import main as scraper_main
    from scraper.config import load_settings
    from scraper.instagram.login import login
    from scraper.replay import InstagramReplay

    db, media = folder / "a.db", folder / "media"
    with InstagramReplay([account], users={LOGIN: PASSWORD}) as replay:
        login(load_settings(str(db), media), LOGIN, PASSWORD, lambda: "")  # saved under DATA_DIR
        replay.reset_calls()
        before = status_kb("VmRSS")
        started = time.perf_counter()
        code = scraper_main(["sync", NAME, "--no-media", "--db", str(db), "--media-dir", str(media)])
        seconds = time.perf_counter() - started
        kinds = Counter(call.kind for call in replay.calls)
        api = replay.api_requests
    figures = {
        "code": code,
        "built": built,
        "seconds": seconds,
        "before_kb": before,
        "peak_kb": status_kb("VmHWM"),
        "api_requests": api,
        "kinds": dict(kinds.most_common()),
    }
    out.write_text(json.dumps(figures))


def stored(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # fixed table names
            for table in ("posts", "media_items", "post_metrics")
        }
    conn.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument(
        "--keep-mock-log",
        action="store_true",
        help="let the responses library keep every mocked answer, as in tests (counted in the peak)",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    _summary.add_option(parser)
    args = parser.parse_args()
    if args.child is not None:
        os.environ["SCRAPER_NO_WAIT"] = "1"
        child(args.posts, args.folder, args.child, keep_mock_log=args.keep_mock_log)
        return

    with tempfile.TemporaryDirectory(prefix="sync-memory-") as tmp_name:
        tmp = Path(tmp_name)
        out = tmp / "figures.json"
        env = {
            **os.environ,
            "DATA_DIR": str(tmp / "data"),
            "LOG_DIR": str(tmp / "logs"),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("DATABASE_URL", None)
        command = [
            sys.executable,
            __file__,
            "--posts",
            str(args.posts),
            "--child",
            str(out),
            "--folder",
            str(tmp),
        ]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        children_peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB on Linux
        if done.returncode != 0 or not out.is_file():
            print(done.stdout, done.stderr[-3000:], sep="\n")
            raise SystemExit(f"the sync's process failed (exit {done.returncode})")
        figures = json.loads(out.read_text())
        counts = stored(tmp / "a.db")
        db_bytes = sum(p.stat().st_size for p in tmp.glob("a.db*"))

    peak, before = figures["peak_kb"] * 1024, figures["before_kb"] * 1024
    seconds = figures["seconds"]
    print(f"first sync of a replayed {args.posts:,}-post account, logged in, --no-media, in a child process")
    print(f"  the command said: {done.stdout.strip()} (exit {figures['code']})")
    print(f"  account built in {figures['built']:.1f} s; process wall time {wall:.1f} s")
    print(
        f"  sync: {seconds:.1f} s, {counts['posts'] / seconds:,.0f} posts/s; "
        f"{figures['api_requests']:,} API requests ({', '.join(f'{k} {n:,}' for k, n in figures['kinds'].items())})"
    )
    print(
        f"  stored: {counts['posts']:,} posts, {counts['media_items']:,} media items, "
        f"{counts['post_metrics']:,} post counts; database {db_bytes / MB:.0f} MB"
    )
    print(
        f"  resident memory: {before / MB:.0f} MB before the sync (replayed account built, modules imported), "
        f"{peak / MB:.0f} MB at peak (getrusage of the child: {children_peak_kb * 1024 / MB:.0f} MB); "
        f"the sync added {(peak - before) / MB:.0f} MB"
    )
    complete = counts["posts"] == args.posts and figures["code"] == 0
    print(f"every post stored: {'yes' if complete else 'NO'}")
    rows = [
        _summary.Row(
            f"peak memory, first sync of {args.posts:,} posts (MB)",
            f"{peak / MB:.0f} (the sync added {(peak - before) / MB:.0f})",
            passed=None if complete else False,
        ),
        _summary.Row(
            f"first sync of {args.posts:,} posts: seconds, API requests, posts stored (logged in, --no-media)",
            f"{seconds:.1f} s, {figures['api_requests']:,} requests, {counts['posts']:,} posts",
            passed=None if complete else False,
        ),
    ]
    _summary.write(args.summary, rows)
    sys.exit(0 if complete else 1)


if __name__ == "__main__":
    main()
