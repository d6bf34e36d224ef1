"""Media download time: the sync's concurrent downloader against downloading one file after another,
from a real local HTTP server that answers each file after a simulated CDN latency.

    .venv/bin/python benchmarks/media_download.py [--files 200] [--latency 0.1] [--size 1080] [--workers 8]

1. Pictures: ``--files`` distinct JPEGs made with Pillow (``_synthetic.photo``: gradient, shapes and
   grain; ``--size`` px wide, quality 70, so about 150-200 KB each at 1080 px, as Instagram's).
2. Server: a child process running http.server's ThreadingHTTPServer on 127.0.0.1 and a free port
   (HTTP/1.1); every GET waits ``--latency`` seconds, then sends the file with its Content-Type and
   Content-Length. It counts requests and the most it had in flight at once.
3. Ours: ``MediaDownloader`` built as ``AccountSync`` builds it (instaloader's ``get_raw`` as fetch,
   ``--workers`` threads), ``download_all`` of one image job per file, named as the sync names them:
   each file streamed to ``.part``, decoded in full, renamed, and thumbnailed.
4. Reference, judged: the same downloader with one worker, so files come one after another through
   the same requests, checks, renames and thumbnails: the ratio is what concurrency alone gains.
5. For information: instaloader's own sequential download, ``get_and_write_raw`` for each file (the
   bytes only: no check, no thumbnail).

The project's media path takes any http(s) URL (no host allow-list), so the local server needs no
special case: the URLs only look like Instagram's. Each run writes into a fresh media root, and every
file saved is checked: present, byte for byte the file served, a whole picture, with its thumbnail.
The goal (issue): at least 4 times faster than sequential with 200 files and 100 ms of latency.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["SCRAPER_NO_WAIT"] = "1"  # as in the replayed syncs: no back-off sleeps between retries
# The server is on loopback: never send its requests through a proxy from the environment.
os.environ["NO_PROXY"] = ",".join(filter(None, (os.environ.get("NO_PROXY"), "127.0.0.1")))

from PIL import Image  # noqa: E402

from benchmarks import _summary, _synthetic  # noqa: E402
from scraper.config import load_settings  # noqa: E402
from scraper.instagram import fetch  # noqa: E402
from scraper.store.media import MediaDownloader, MediaJob, MediaResult, picture_format  # noqa: E402

NAME = "bench.media"
GOAL = 4.0
THUMB_PX = 320
QUALITY = 70
STATS = "/_stats"


# The server (run as ``--serve FOLDER LATENCY`` in a child process, so it takes no GIL from the
# downloads it answers)


class _Counter:
    """Requests answered, and the most in flight at once, since the last reset."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = self.in_flight = self.most = 0

    def enter(self) -> None:
        with self.lock:
            self.requests += 1
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def take(self) -> dict[str, int]:
        """The counts so far, then start again from zero."""
        with self.lock:
            counts = {"requests": self.requests, "most_in_flight": self.most}
            self.requests = self.most = 0
            return counts


def serve(folder: Path, latency: float) -> None:
    """Serve the JPEGs in ``folder`` by name, each after ``latency`` seconds; print the port, then run."""
    files = {path.name: path.read_bytes() for path in folder.glob("*.jpg")}
    counter = _Counter()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == STATS:
                self._send(200, "application/json", json.dumps(counter.take()).encode())
                return
            counter.enter()
            try:
                time.sleep(latency)  # the CDN's time to first byte
                body = files.get(path.rsplit("/", 1)[-1])
                if body is None:
                    self._send(404, "text/plain", b"not found")
                else:
                    self._send(200, "image/jpeg", body)
            finally:
                counter.leave()

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


@contextmanager
def cdn(folder: Path, latency: float) -> Iterator[str]:
    """The server over ``folder`` in a child process: its base URL while the block runs."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(folder), "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        port = child.stdout.readline().strip()
        if not port.isdigit():
            raise RuntimeError("the test server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        child.wait(timeout=10)


def server_counts(base: str) -> dict[str, int]:
    """What the server counted since it was last asked (and reset)."""
    import requests

    counts: dict[str, int] = requests.get(base + STATS, timeout=10).json()
    return counts


# The pictures and the jobs


@dataclass(frozen=True)
class Picture:
    """A file on the server: its name, digest and size."""

    name: str
    sha256: str
    size: int


def make_pictures(folder: Path, files: int, size: int, seed: int = 7) -> list[Picture]:
    """``files`` distinct JPEGs in ``folder``, square and portrait in turn, ``size`` px wide."""
    rng = random.Random(seed)
    pictures = []
    for i in range(files):
        width, height = (size, size) if i % 2 == 0 else (size, round(size * 1.25))
        out = io.BytesIO()
        _synthetic.photo(rng, width, height).save(out, "JPEG", quality=QUALITY)
        data = out.getvalue()
        name = f"{1000 + i}_{rng.getrandbits(48):012x}_n.jpg"
        (folder / name).write_bytes(data)
        pictures.append(Picture(name, hashlib.sha256(data).hexdigest(), len(data)))
    return pictures


def url(base: str, picture: Picture) -> str:
    """A URL shaped like Instagram's CDN's (a signed query the server ignores)."""
    return f"{base}/v/t51.2885-15/{picture.name}?stp=dst-jpg_e35_tt6&_nc_ohc=bench&oh=00_bench&oe=6A000000"


def jobs(base: str, pictures: list[Picture]) -> list[MediaJob]:
    """One image job per picture, named as ``AccountSync._download`` names them."""
    return [
        MediaJob(url(base, p), f"{NAME}/BENCH{i:05d}_0", "image", key=(i, "image"))
        for i, p in enumerate(pictures)
    ]


# The runs


@dataclass
class Run:
    """One way of downloading every file: seconds, what the server saw, and what was saved."""

    label: str
    seconds: float
    requests: int
    most_in_flight: int
    saved: int
    problems: list[str]


def with_downloader(
    base: str, label: str, media_root: Path, workers: int, todo: list[MediaJob], pictures: list[Picture]
) -> Run:
    """``download_all`` as a sync calls it, timed, then its files checked."""
    loader = fetch.make_loader(settings=load_settings())
    downloader = MediaDownloader(
        media_root, fetch.context_of(loader).get_raw, workers=workers, sleep=lambda _seconds: None
    )
    done: list[MediaResult] = []
    server_counts(base)  # the server's counts start from zero
    started = time.perf_counter()
    downloader.download_all(todo, on_result=done.append)
    seconds = time.perf_counter() - started
    counts = server_counts(base)
    loader.close()
    problems = check_downloads(media_root, pictures, done)
    return Run(label, seconds, counts["requests"], counts["most_in_flight"], saved(media_root), problems)


def with_instaloader(base: str, media_root: Path, todo: list[MediaJob], pictures: list[Picture]) -> Run:
    """instaloader's own way, ``get_and_write_raw`` of one file after another, timed, then checked."""
    loader = fetch.make_loader(settings=load_settings())
    context = fetch.context_of(loader)
    server_counts(base)
    started = time.perf_counter()
    for job in todo:
        target = media_root / f"{job.dest}.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        context.get_and_write_raw(job.url, str(target))
    seconds = time.perf_counter() - started
    counts = server_counts(base)
    loader.close()
    problems = check_plain(media_root, pictures, todo)
    label = "instaloader get_and_write_raw"
    return Run(label, seconds, counts["requests"], counts["most_in_flight"], saved(media_root), problems)


def saved(media_root: Path) -> int:
    """Pictures saved under the media root (thumbnails aside)."""
    return sum(1 for p in media_root.rglob("*.jpg") if p.parent.name != "thumbs")


def check_downloads(media_root: Path, pictures: list[Picture], results: list[MediaResult]) -> list[str]:
    """What is wrong with a downloader's results: failures, files that differ from the served ones or do
    not decode, missing or oversized thumbnails, leftover ``.part`` files."""
    problems = [f"{r.job.dest}: {r.error}" for r in results if r.error]
    if len(results) != len(pictures):
        problems.append(f"{len(results)} results for {len(pictures)} files")
    for result in results:
        if result.error:
            continue
        assert isinstance(result.job.key, tuple)
        picture = pictures[result.job.key[0]]
        path = media_root / (result.file or "")
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != picture.sha256:
            problems.append(f"{result.file}: not the file served")
        elif picture_format(path)[0] != "JPEG":
            problems.append(f"{result.file}: not a whole JPEG")
        thumb = media_root / (result.thumb or "")
        if result.thumb is None or not thumb.is_file():
            problems.append(f"{result.job.dest}: no thumbnail")
        else:
            with Image.open(thumb) as image:
                if max(image.size) > THUMB_PX:
                    problems.append(f"{result.thumb}: {image.size} is larger than {THUMB_PX} px")
    problems += [f"{p.relative_to(media_root)}: left behind" for p in media_root.rglob("*.part")]
    return problems


def check_plain(media_root: Path, pictures: list[Picture], todo: list[MediaJob]) -> list[str]:
    """What is wrong with instaloader's plain downloads: missing files or other bytes."""
    problems = []
    for job, picture in zip(todo, pictures, strict=True):
        path = media_root / f"{job.dest}.jpg"
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != picture.sha256:
            problems.append(f"{job.dest}: missing or not the file served")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds before each answer (default 0.1)")
    parser.add_argument("--size", type=int, default=1080, help="width of the pictures in px (default 1080)")
    parser.add_argument(
        "--workers", type=int, default=8, help="our downloader's threads (default 8, as a sync)"
    )
    parser.add_argument("--skip-instaloader", action="store_true", help="leave out the informative third run")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    _summary.add_option(parser)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.latency)
        return

    with tempfile.TemporaryDirectory(prefix="media-bench-") as tmp_name:
        tmp = Path(tmp_name)
        served = tmp / "cdn"
        served.mkdir()
        started = time.perf_counter()
        pictures = make_pictures(served, args.files, args.size)
        made = time.perf_counter() - started
        total = sum(p.size for p in pictures)
        print(
            f"{args.files} JPEGs, {args.size} px wide, {total / 1e6:.1f} MB "
            f"({min(p.size for p in pictures) / 1e3:.0f}-{max(p.size for p in pictures) / 1e3:.0f} KB each), "
            f"made in {made:.1f} s; {args.latency * 1000:.0f} ms of latency before each answer"
        )
        with cdn(served, args.latency) as base:
            todo = jobs(base, pictures)
            runs = [
                with_downloader(
                    base, f"ours, {args.workers} workers", tmp / "ours", args.workers, todo, pictures
                ),
                with_downloader(base, "sequential: 1 worker", tmp / "sequential", 1, todo, pictures),
            ]
            if not args.skip_instaloader:
                runs.append(with_instaloader(base, tmp / "instaloader", todo, pictures))
    correct = report(runs, args)
    sys.exit(0 if correct else 1)  # a missed goal is reported in the figures, wrong files here


def report(runs: list[Run], args: argparse.Namespace) -> bool:
    """Print each run and the verdict; write the summary rows. Whether every file came out right."""
    ours, sequential = runs[0], runs[1]
    print(f"\n{'run':<32}{'seconds':>9}{'files/s':>9}{'requests':>10}{'in flight':>11}{'saved':>7}  problems")
    for run in runs:
        print(
            f"{run.label:<32}{run.seconds:9.2f}{args.files / run.seconds:9.1f}{run.requests:10d}"
            f"{run.most_in_flight:11d}{run.saved:7d}  {len(run.problems)}"
        )
        for problem in run.problems[:10]:
            print(f"    {problem}")
    ratio = sequential.seconds / ours.seconds
    correct = all(not run.problems and run.saved == args.files for run in runs)
    passed = ratio >= GOAL and correct
    print(
        f"\nspeed-up against sequential (same checks, renames and thumbnails): {ratio:.2f}x "
        f"(goal at least {GOAL:.0f}x): {_summary.verdict(passed)}"
    )
    plain = runs[2] if len(runs) > 2 else None
    if plain is not None:
        print(
            f"speed-up against instaloader's sequential get_and_write_raw (bytes only): {plain.seconds / ours.seconds:.2f}x"
        )
    print(f"every file saved, byte for byte, whole, with its thumbnail: {'yes' if correct else 'NO'}")
    rows = [
        _summary.Row(
            f"media download, {args.files} files, {args.latency * 1000:.0f} ms latency (s)",
            f"{ours.seconds:.2f}",
            f"{sequential.seconds:.2f} sequential",
            f"{ratio:.2f}x faster",
            f"≥ {GOAL:.0f}x",
            passed,
        )
    ]
    if plain is not None:
        rows.append(
            _summary.Row(
                f"media download, {args.files} files, against instaloader's get_and_write_raw, bytes only (s)",
                f"{ours.seconds:.2f}",
                f"{plain.seconds:.2f}",
                f"{plain.seconds / ours.seconds:.2f}x faster",
            )
        )
    _summary.write(args.summary, rows)
    return correct


if __name__ == "__main__":
    main()
