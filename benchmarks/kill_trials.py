"""Crash safety: replayed syncs killed with SIGKILL at seeded random moments, then run again.

    .venv/bin/python benchmarks/kill_trials.py [--trials 30] [--seed 1] [--posts 500] [--summary FILE]

Each trial runs a first sync of a replayed account in its own process (``python -m scraper.replay.offline``)
and kills it when a seeded random threshold of something observable is crossed: the sync's lock
taken (profile phase), k posts committed (right after a page's commit, as its media downloads
start), k posts committed and their media saved (fetching the next page's posts), k media files
saved, or a ``.part`` file present while a download is being written. Then it syncs again, recording
the requests (``--calls``), and checks the archive: every post exactly once, media items unique,
every referenced file present and a whole image, no ``.part`` and no unreferenced file left, the
rerun asked for exactly the posts not stored at the kill, and the dead process's lock did not stand
in its way. It prints the totals, which are all 0 when syncs are crash-safe.

``tests/test_crash.py`` runs three of these trials in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import _summary  # noqa: E402

NAME = "crash.town"
# Kinds of kill moment, each tied to an observable state of the running sync.
MOMENTS = ("profile", "commit", "fetch", "download", "partial")
# Requests that are not Instagram's API (files from its CDN).
FILE_KINDS = ("cdn", "profile_pic")


@dataclass(frozen=True)
class Moment:
    """When to kill: once ``threshold`` of the kind's quantity is observed, after ``delay`` seconds.

    profile: the sync holds its lock (threshold unused); commit: ``threshold`` posts stored; fetch:
    ``threshold`` posts stored and every stored media item saved; download: ``threshold`` media files
    saved; partial: ``threshold`` posts stored and a ``.part`` file present.
    """

    kind: str
    threshold: int
    delay: float = 0.0

    @classmethod
    def draw(cls, rng: random.Random, posts: int, kind: str | None = None) -> Moment:
        """A random moment of ``kind`` (a random kind if None) in a sync of ``posts`` posts."""
        kind = kind or rng.choice(MOMENTS)
        if kind == "profile":
            return cls(kind, 0, rng.uniform(0.0, 0.05))
        if kind == "commit":
            return cls(kind, rng.randrange(1, posts))
        if kind == "fetch":
            return cls(kind, rng.randrange(12, posts - 12), rng.uniform(0.0, 0.03))
        if kind == "download":
            return cls(kind, rng.randrange(1, posts))  # files outnumber posts: carousels
        if kind == "partial":
            return cls(kind, rng.randrange(0, posts - 60))
        raise ValueError(f"kind must be one of {MOMENTS}, not {kind!r}")

    def __str__(self) -> str:
        return f"{self.kind}@{self.threshold}+{self.delay * 1000:.0f}ms"


class Watch:
    """The state of a running sync as another process sees it: its database and media folder."""

    def __init__(self, db: Path, media: Path, account: str) -> None:
        self.db = db
        self.folder = media / account
        self._conn: sqlite3.Connection | None = None

    def count(self, sql: str) -> int:
        """The single number ``sql`` returns; 0 while the database or its tables do not exist."""
        if self._conn is None:
            if not self.db.exists():
                return 0
            self._conn = sqlite3.connect(f"file:{self.db}?mode=rw", uri=True, timeout=30)
        try:
            return int(self._conn.execute(sql).fetchone()[0])
        except sqlite3.OperationalError as err:
            if "no such table" in str(err):
                return 0
            raise

    def posts(self) -> int:
        return self.count("SELECT count(*) FROM posts")

    def files(self) -> int:
        """Media files saved under their final names (profile picture and thumbnails aside)."""
        return sum(
            1
            for entry in _entries(self.folder)
            if not entry.name.endswith(".part") and not entry.name.startswith("profile_pic")
        )

    def parts(self) -> int:
        """``.part`` files in the account's folder and its thumbnails."""
        return sum(
            1
            for folder in (self.folder, self.folder / "thumbs")
            for entry in _entries(folder)
            if entry.name.endswith(".part")
        )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _entries(folder: Path) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            yield from (e for e in entries if e.is_file(follow_symlinks=False))
    except FileNotFoundError:
        return


def reached(moment: Moment, watch: Watch) -> bool:
    """Whether the running sync is at ``moment`` (before its delay)."""
    if moment.kind == "profile":
        return watch.count("SELECT count(*) FROM sync_locks") > 0
    if moment.kind == "commit":
        return watch.posts() >= moment.threshold
    if moment.kind == "fetch":
        return (
            watch.posts() >= moment.threshold
            and watch.count("SELECT count(*) FROM media_items WHERE file IS NULL") == 0
        )
    if moment.kind == "download":
        return watch.files() >= moment.threshold
    return watch.posts() >= moment.threshold and watch.parts() > 0


def wait_for(moment: Moment, watch: Watch, victim: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait until the sync is at ``moment`` (True) or has ended before it (False)."""
    deadline = time.monotonic() + timeout
    while not reached(moment, watch):
        if victim.poll() is not None:
            return False
        if time.monotonic() > deadline:
            raise TimeoutError(f"{moment} not reached in {timeout} s")
        time.sleep(0.0002 if moment.kind == "partial" else 0.001)  # a .part lives for a moment
    return True


@dataclass
class ArchiveCheck:
    """What an archive holds after a sync: its posts, duplicates, and the state of its files and locks."""

    posts: int = 0
    duplicate_posts: int = 0
    duplicate_media: int = 0  # media items sharing (post_id, position)
    media_without_file: int = 0  # an image or thumbnail never saved
    bad_files: list[str] = field(default_factory=list)  # referenced but missing or not a whole image
    stray_parts: list[str] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)
    locks: int = 0

    def problems(self, posts: int) -> list[str]:
        """Every way the archive falls short of holding ``posts`` posts, whole and once each."""
        checks = {
            f"{self.posts} posts stored, not {posts}": self.posts != posts,
            f"{self.duplicate_posts} duplicate posts": self.duplicate_posts > 0,
            f"{self.duplicate_media} duplicate media items": self.duplicate_media > 0,
            f"{self.media_without_file} media items without a file": self.media_without_file > 0,
            f"missing or invalid files: {self.bad_files[:5]}": bool(self.bad_files),
            f"stray partial files: {self.stray_parts[:5]}": bool(self.stray_parts),
            f"unreferenced files: {self.unreferenced[:5]}": bool(self.unreferenced),
            f"{self.locks} sync locks left": self.locks > 0,
        }
        return [problem for problem, bad in checks.items() if bad]


@dataclass
class Trial:
    """What one trial saw: the state at the kill, the rerun, and the checks of the archive after it."""

    seed: int
    moment: Moment
    posts_expected: int
    killed: bool = False
    victim_pid: int = 0
    lock_pid: int | None = None  # the pid named by the lock left at the kill
    at_kill: set[str] = field(default_factory=set)
    files_at_kill: int = 0
    parts_at_kill: int = 0
    rerun_code: int | None = None
    rerun_stderr: str = ""
    rerun_requests: int = 0
    killed_run_status: str | None = None
    archive: ArchiveCheck = field(default_factory=ArchiveCheck)
    re_requested: set[str] = field(default_factory=set)  # stored at the kill, asked again
    asked_twice: set[str] = field(default_factory=set)
    not_asked: set[str] = field(default_factory=set)  # missing at the kill, stored, never asked for
    seconds: float = 0.0

    @property
    def posts_lost(self) -> int:
        return max(self.posts_expected - self.archive.posts, 0)

    @property
    def problems(self) -> list[str]:
        """Every way the rerun and the archive after it fall short; empty when the trial recovered."""
        checks = {
            f"the sync ended before its kill moment {self.moment}": not self.killed,
            f"the rerun exited {self.rerun_code}: {self.rerun_stderr.strip()}": self.rerun_code != 0,
            f"posts stored at the kill asked again: {sorted(self.re_requested)[:5]}": bool(self.re_requested),
            f"posts asked twice: {sorted(self.asked_twice)[:5]}": bool(self.asked_twice),
            f"posts stored without being asked for: {sorted(self.not_asked)[:5]}": bool(self.not_asked),
            f"the lock at the kill named pid {self.lock_pid}, not {self.victim_pid}": self.killed
            and self.lock_pid != self.victim_pid,
            f"the killed run is still {self.killed_run_status!r}": self.killed_run_status == "running",
        }
        failed = [problem for problem, bad in checks.items() if bad]
        return failed + self.archive.problems(self.posts_expected)


def offline_sync(tmp: Path, account: str, calls: Path | None = None) -> list[str]:
    """The command line of a sync of ``account`` in its own process, against the replay."""
    name = account.split(":")[0]
    command = [sys.executable, "-m", "scraper.replay.offline", "--account", account]
    if calls is not None:
        command += ["--calls", str(calls)]
    return [*command, "--", "sync", name, "--db", str(tmp / "a.db"), "--media-dir", str(tmp / "media")]


def offline_env(tmp: Path) -> dict[str, str]:
    """The environment of those processes: logs and saved logins in ``tmp``, this checkout importable."""
    return {
        **os.environ,
        "LOG_DIR": str(tmp / "logs"),
        "DATA_DIR": str(tmp / "data"),
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
        "SCRAPER_LANG": "en",
    }


def run_trial(tmp: Path, seed: int, moment: Moment, posts: int = 500, timeout: float = 120) -> Trial:
    """Kill a first sync of a ``posts``-post account at ``moment``, sync again, and check the archive."""
    started = time.perf_counter()
    account = f"{NAME}:{posts}:{seed}:1"
    trial = Trial(seed, moment, posts)
    db, media = tmp / "a.db", tmp / "media"
    env = offline_env(tmp)
    watch = Watch(db, media, NAME)
    victim = subprocess.Popen(
        offline_sync(tmp, account), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    trial.victim_pid = victim.pid
    try:
        if wait_for(moment, watch, victim, timeout):
            time.sleep(moment.delay)
            trial.killed = victim.poll() is None
            victim.send_signal(signal.SIGKILL)
    finally:
        if victim.poll() is None:
            victim.kill()
        victim.wait()
    trial.at_kill = set(_column(db, "SELECT shortcode FROM posts"))
    trial.files_at_kill, trial.parts_at_kill = watch.files(), watch.parts()
    owners = _column(db, f"SELECT owner FROM sync_locks WHERE username = '{NAME}'")
    if owners:
        pid = owners[0].split(":")[1]
        trial.lock_pid = int(pid) if pid.isdigit() else None
    killed_run = _column(db, "SELECT max(id) FROM sync_runs")
    watch.close()

    calls_file = tmp / "calls.json"
    rerun = subprocess.run(
        offline_sync(tmp, account, calls_file),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    trial.rerun_code, trial.rerun_stderr = rerun.returncode, rerun.stderr[-2000:]
    if calls_file.exists():
        calls = json.loads(calls_file.read_text())
        trial.rerun_requests = sum(1 for c in calls if c["kind"] not in FILE_KINDS)
        asked = Counter(c["variables"]["shortcode"] for c in calls if c["kind"] == "post")
        trial.re_requested = set(asked) & trial.at_kill
        trial.asked_twice = {code for code, n in asked.items() if n > 1}
    else:
        asked = Counter()
    trial.archive = check_archive(f"sqlite:///{db}", media)
    trial.not_asked = set(_column(db, "SELECT shortcode FROM posts")) - trial.at_kill - set(asked)
    if killed_run and killed_run[0] is not None:
        status = _column(db, f"SELECT status FROM sync_runs WHERE id = {int(killed_run[0])}")
        trial.killed_run_status = status[0] if status else None
    trial.seconds = time.perf_counter() - started
    return trial


def check_archive(url: str, media: Path) -> ArchiveCheck:
    """Look at the archive in the database of ``url`` (any SQLAlchemy URL) and ``media`` once no sync
    runs (every referenced file decoded)."""
    check = ArchiveCheck()
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            one = lambda sql: int(conn.exec_driver_sql(sql).scalar_one())  # noqa: E731
            check.posts = one("SELECT count(*) FROM posts")
            check.duplicate_posts = check.posts - one("SELECT count(DISTINCT shortcode) FROM posts")
            check.duplicate_media = one(
                "SELECT count(*) FROM (SELECT 1 FROM media_items GROUP BY post_id, position HAVING count(*) > 1)"
                " AS d"
            )
            check.media_without_file = one(
                "SELECT count(*) FROM media_items WHERE file IS NULL OR thumb IS NULL"
            )
            check.locks = one("SELECT count(*) FROM sync_locks")
            referenced = {
                str(row[0])
                for row in conn.exec_driver_sql(
                    "SELECT file FROM media_items UNION SELECT thumb FROM media_items "
                    "UNION SELECT video_file FROM media_items UNION SELECT profile_pic_file FROM profiles"
                )
                if row[0]
            }
    finally:
        engine.dispose()
    check.bad_files = sorted(path for path in referenced if not _whole_image(media / path))
    on_disk = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}
    check.stray_parts = sorted(p for p in on_disk if p.endswith(".part"))
    check.unreferenced = sorted(on_disk - referenced - set(check.stray_parts))
    return check


def _whole_image(path: Path) -> bool:
    try:
        with Image.open(path) as image:
            image.load()
    except Exception:  # missing, truncated or not an image at all
        return False
    return True


def _column(db: Path, sql: str) -> list[str]:
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=30)
    try:
        return [row[0] for row in conn.execute(sql)]
    except sqlite3.OperationalError:  # tables not created yet
        return []
    finally:
        conn.close()


def summarize(trials: list[Trial], seconds: float, out: Callable[[str], None] = print) -> None:
    """Print the totals of ``trials``."""
    n = len(trials)
    mean = sum(t.rerun_requests for t in trials) / n if n else 0.0
    kinds = Counter(t.moment.kind for t in trials)
    out(f"trials run:                   {n} ({', '.join(f'{k} {kinds[k]}' for k in MOMENTS if kinds[k])})")
    out(f"killed before the end:        {sum(t.killed for t in trials)}")
    out(f"  with a .part on disk:       {sum(t.parts_at_kill > 0 for t in trials)}")
    out(f"  posts stored at the kill:   {_spread([len(t.at_kill) for t in trials])}")
    out(f"recovered:                    {sum(not t.problems for t in trials)}")
    out(f"posts lost:                   {sum(t.posts_lost for t in trials)}")
    checks = [t.archive for t in trials]
    out(f"duplicates:                   {sum(c.duplicate_posts + c.duplicate_media for c in checks)}")
    out(f"missing/invalid files:        {sum(len(c.bad_files) + c.media_without_file for c in checks)}")
    out(f"stray partial files:          {sum(len(c.stray_parts) for c in checks)}")
    out(f"unreferenced files:           {sum(len(c.unreferenced) for c in checks)}")
    out(f"re-requested stored posts:    {sum(len(t.re_requested) for t in trials)}")
    out(f"locks blocking the rerun:     {sum(t.rerun_code == 7 for t in trials)}")
    out(f"mean rerun requests:          {mean:.1f} (API, files aside)")
    out(f"time:                         {seconds:.1f} s ({seconds / max(n, 1):.1f} s a trial)")


def _spread(values: list[int]) -> str:
    if not values:
        return "-"
    return f"min {min(values)}, median {sorted(values)[len(values) // 2]}, max {max(values)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--posts", type=int, default=500)
    _summary.add_option(parser)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    trials: list[Trial] = []
    started = time.perf_counter()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; {args.posts}-post account")
    for number in range(args.trials):
        seed = rng.randrange(1, 10**6)
        moment = Moment.draw(rng, args.posts, MOMENTS[number % len(MOMENTS)])
        with tempfile.TemporaryDirectory(prefix="kill-trial-") as tmp:
            trial = run_trial(Path(tmp), seed, moment, args.posts)
        trials.append(trial)
        at_kill = (
            f"{len(trial.at_kill):3d} posts, {trial.files_at_kill:3d} files, {trial.parts_at_kill} .part"
        )
        rerun = f"{trial.rerun_requests:3d} requests, {trial.seconds:4.1f} s"
        verdict = "; ".join(trial.problems) or "ok"
        print(
            f"  {number + 1:2d} seed {seed:6d} {moment!s:22} killed at {at_kill}; rerun {rerun}: {verdict}",
            flush=True,
        )
    summarize(trials, time.perf_counter() - started)
    recovered = sum(not t.problems for t in trials)
    row = _summary.Row(
        f"syncs of {args.posts} posts killed (SIGKILL) at random moments, then rerun: recovered",
        f"{recovered} of {len(trials)}",
        goal="all",
        passed=recovered == len(trials),
    )
    _summary.write(args.summary, [row])
    sys.exit(0 if recovered == len(trials) else 1)


if __name__ == "__main__":
    main()
