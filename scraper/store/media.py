"""Downloading media files and thumbnails under the media root, and sweeping away unused ones.

A download goes to ``<dest>.part`` and is renamed to its final name only once it is complete and,
for pictures, decodes in full; so a file under a final name is always whole, and a re-run skips it.
Paths handed in and stored are relative to the media root and never lead out of it.
"""

from __future__ import annotations

import errno
import logging
import os
import posixpath
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import urlparse

import instaloader.exceptions as ie
import requests
from PIL import Image, ImageOps
from sqlalchemy import select
from sqlalchemy.orm import Session

from scraper.store.hashes import safe_picture_hash
from scraper.store.models import MediaItem, Profile

log = logging.getLogger(__name__)

KINDS = ("image", "video", "profile_pic")

# Short reasons in MediaResult.error that callers act on; the others are "http <status>",
# "unsupported type <type>", "unsupported image <format>" and "failed" (traceback in the log).
DISK_FULL = "disk full"
TRUNCATED = "truncated"
NOT_AN_IMAGE = "not an image"
NOT_A_VIDEO = "not a video"
TOO_LARGE = "too large"
BAD_PATH = "bad path"
CONNECTION_ERROR = "connection error"
TIMEOUT = "timeout"
CANCELLED = "cancelled"

TYPE_EXT = {
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/pjpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
}
# Formats no browser shows and Pillow cannot check, so keeping them would store files nobody can view.
REFUSED_TYPES = ("image/heic", "image/heif")
# Pillow's name for what it decoded -> the extension the file is saved with.
FORMAT_EXT = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
IMAGE_EXTS = (".jpg", ".png", ".webp", ".gif")
VIDEO_EXTS = (".mp4", ".mov")
URL_EXT_ALIASES = {".jpeg": ".jpg"}
# Content types that never carry media (an error or login page answered with 200).
_TEXT_TYPES = ("text/", "application/json", "application/xml")

_CHUNK = 64 * 1024
_STATUS = re.compile(r"^(\d{3}) ")
# How long an interrupted download_all waits for running downloads to delete their .part files.
_STOP_GRACE = 10.0
# warnings.catch_warnings swaps process-wide state; concurrent blocks restoring out of order would
# leave the "error" filter installed for everyone, so ours take turns.
_WARNINGS_LOCK = threading.Lock()


@dataclass(frozen=True)
class MediaJob:
    """One file to fetch: its URL, where it goes (relative, no extension) and what it is."""

    url: str
    dest: str
    kind: str
    key: object = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")


@dataclass
class MediaResult:
    """What became of a job: the saved file and thumbnail (relative paths) and, for a post's picture,
    its perceptual hash (``scraper.store.hashes``); or why nothing was kept."""

    job: MediaJob
    file: str | None
    thumb: str | None
    size: int
    error: str | None
    skipped: bool = False
    phash: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# Larger pictures are refused: Instagram's are at most about 1440 x 1800 px.
MAX_IMAGE_PIXELS = 80_000_000


class _Failed(Exception):
    """A job's short failure reason, and whether trying again may help."""

    def __init__(self, reason: str, *, retry: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


class MediaDownloader:
    """Fetches media files concurrently into ``media_root``, checked and written atomically.

    ``fetch(url)`` returns a streamed response; in production it is instaloader's
    ``InstaloaderContext.get_raw``, whose exceptions (and requests' own) are reported per job.
    Connection errors, timeouts, 5xx answers and bodies cut short are tried ``retries`` more times,
    waiting ``backoff``, then twice that, ... through ``sleep``.
    """

    def __init__(
        self,
        media_root: Path,
        fetch: Callable[[str], requests.Response],
        *,
        workers: int = 8,
        thumb_size: int = 320,
        max_image_pixels: int = MAX_IMAGE_PIXELS,
        retries: int = 2,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.root = Path(media_root).resolve()
        self.fetch = fetch
        self.workers = workers
        self.thumb_size = thumb_size
        self.max_image_pixels = max_image_pixels
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def download(self, job: MediaJob) -> MediaResult:
        """Fetch one job (or find it already done); failures are reported in the result, not raised."""
        return self._download(job, threading.Event())

    def download_all(
        self, jobs: Iterable[MediaJob], on_result: Callable[[MediaResult], None] | None = None
    ) -> list[MediaResult]:
        """Fetch ``jobs`` on ``workers`` threads; results in job order, ``on_result`` called here per result.

        An exception in this thread (Ctrl-C, or one raised by ``on_result`` to stop early, e.g. on
        "disk full") cancels the jobs not started, makes running ones delete their ``.part`` files,
        and is re-raised.
        """
        stop = threading.Event()
        results: dict[int, MediaResult] = {}
        running: dict[Future[MediaResult], int] = {}
        todo = enumerate(jobs)
        exhausted = False
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="media")
        try:
            while True:
                # Submitting a few at a time keeps a lazy iterable lazy and leaves little to cancel.
                while not exhausted and len(running) < 2 * self.workers:
                    item = next(todo, None)
                    if item is None:
                        exhausted = True
                    else:
                        running[pool.submit(self._download, item[1], stop)] = item[0]
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    result = results[running.pop(future)] = future.result()
                    if on_result is not None:
                        on_result(result)
        except BaseException:
            stop.set()
            for future in running:
                future.cancel()
            # Bounded: a download stuck in a read must not hold Ctrl-C hostage; it still cleans up
            # when its read returns, and cleanup() removes a .part left by a killed process.
            wait(running, timeout=_STOP_GRACE)
            raise
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return [results[i] for i in range(len(results))]

    def _download(self, job: MediaJob, stop: threading.Event) -> MediaResult:
        try:
            target = self._target(job.dest)
            with self._lock(target):
                found = self._existing(job, target)
                if found is not None:
                    return found
                attempt = 0
                while True:
                    try:
                        return self._attempt(job, target, stop)
                    except _Failed as failed:
                        if stop.is_set():
                            return _failure(job, CANCELLED)
                        if not failed.retry or attempt >= self.retries:
                            log.info("not kept: %s (%s)", job.url, failed.reason)
                            return _failure(job, failed.reason)
                        log.info("retrying %s (%s)", job.url, failed.reason)
                    self.sleep(self.backoff * 2**attempt)
                    attempt += 1
        except _Failed as failed:
            return _failure(job, failed.reason)
        except Exception:
            if stop.is_set():
                return _failure(job, CANCELLED)
            log.exception("downloading %s to %s failed", job.url, job.dest)
            return _failure(job, "failed")

    def _attempt(self, job: MediaJob, target: Path, stop: threading.Event) -> MediaResult:
        part = target.with_name(target.name + ".part")
        try:
            try:
                ext, written = self._receive(job, part, stop)
                if job.kind != "video":
                    kind = _verify_image(part, self.max_image_pixels)
                    if kind not in FORMAT_EXT:  # browsers can't show it; Pillow's rarer decoders stay unused
                        raise _Failed(f"unsupported image {kind}")
                    ext = FORMAT_EXT[kind]
                final = target.with_name(target.name + ext)
                os.replace(part, final)
            except _Failed:
                raise
            except Exception as exc:
                failure = _classify(exc)
                if failure is None:
                    raise
                raise failure from exc
        finally:
            part.unlink(missing_ok=True)
        thumb = phash = None
        if job.kind == "image":
            try:
                thumb = self._thumbnail(final, target)
            except _Failed:
                final.unlink(missing_ok=True)  # a result with an error keeps nothing
                raise
            phash = safe_picture_hash(final)
        return MediaResult(job, self._relative(final), thumb, written, None, phash=phash)

    def _receive(self, job: MediaJob, part: Path, stop: threading.Event) -> tuple[str, int]:
        """Stream the answer into ``part``; the extension it suggests and the bytes written."""
        response = self.fetch(job.url)
        try:
            if response.status_code != 200:  # a plain requests fetch does not raise for status
                raise _Failed(f"http {response.status_code}", retry=response.status_code >= 500)
            ext = _extension(job, response)
            expected = _expected_length(response)
            part.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with _create_part(part) as fh:
                for chunk in response.iter_content(_CHUNK):
                    if stop.is_set():
                        raise _Failed(CANCELLED)
                    fh.write(chunk)
                    written += len(chunk)
            if expected is not None and written != expected:
                raise _Failed(TRUNCATED, retry=True)
            return ext, written
        finally:
            response.close()

    def _existing(self, job: MediaJob, target: Path) -> MediaResult | None:
        """The result for a complete file already saved for ``job``, making a missing thumbnail."""
        for ext in VIDEO_EXTS if job.kind == "video" else IMAGE_EXTS:
            path = target.with_name(target.name + ext)
            if path.is_symlink() or not path.is_file():
                continue
            if job.kind == "video":
                # Only whole files ever get a final name, so a non-empty one is complete.
                if path.stat().st_size == 0:
                    continue
            else:
                try:
                    _verify_image(path, self.max_image_pixels)
                except _Failed:
                    continue  # replaced by the download, or left for cleanup() if the type changed
            thumb = phash = None
            if job.kind == "image":
                thumb_path = self._thumb_path(target)
                thumb = self._relative(thumb_path) if _is_image(thumb_path) else self._thumbnail(path, target)
                phash = safe_picture_hash(path)
            return MediaResult(job, self._relative(path), thumb, 0, None, skipped=True, phash=phash)
        return None

    def _thumbnail(self, src: Path, target: Path) -> str | None:
        """Make the thumbnail of ``src``: its relative path, None if Pillow cannot, _Failed on a full disk."""
        dest = self._thumb_path(target)
        try:
            make_thumbnail(src, dest, self.thumb_size)
        except OSError as exc:
            if _is_disk_full(exc):
                raise _Failed(DISK_FULL) from exc
            log.warning("no thumbnail for %s", src, exc_info=True)
            return None
        except Exception:
            log.warning("no thumbnail for %s", src, exc_info=True)
            return None
        return self._relative(dest)

    def _thumb_path(self, target: Path) -> Path:
        return target.parent / "thumbs" / f"{target.name}.jpg"

    def _target(self, dest: str) -> Path:
        """The absolute path for ``dest`` (no extension), or _Failed if it would leave the media root."""
        path = PurePosixPath(dest)
        if (
            not dest.strip()
            or "\\" in dest
            or "\x00" in dest
            or path.is_absolute()
            or any(part in ("..", ".") for part in path.parts)
        ):
            raise _Failed(BAD_PATH)
        target = self.root.joinpath(*path.parts)
        # Resolving the folder catches symlinks inside the root that point out of it.
        parent = target.parent.resolve()
        if parent != self.root and self.root not in parent.parents:
            raise _Failed(BAD_PATH)
        return parent / target.name

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    @contextmanager
    def _lock(self, target: Path) -> Iterator[None]:
        """Serialise jobs for the same destination, so the second finds the first one's file."""
        with self._locks_guard:
            lock = self._locks.setdefault(str(target), threading.Lock())
        with lock:
            yield


def _failure(job: MediaJob, reason: str) -> MediaResult:
    return MediaResult(job, None, None, 0, reason)


def _classify(exc: Exception) -> _Failed | None:
    """The short reason for an exception met while fetching or writing; None for an unexpected one."""
    # Order matters: 404 is a ConnectionException, and requests' exceptions are OSErrors.
    if isinstance(exc, ie.QueryReturnedForbiddenException):
        return _Failed("http 403")
    if isinstance(exc, ie.QueryReturnedNotFoundException):
        return _Failed("http 404")
    if isinstance(exc, ie.ConnectionException):
        status = _STATUS.match(str(exc))
        if status:
            code = int(status.group(1))
            return _Failed(f"http {code}", retry=code >= 500)
        return _Failed(CONNECTION_ERROR, retry=True)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return _Failed(TRUNCATED, retry=True)  # the connection broke before Content-Length bytes came
    if isinstance(exc, requests.Timeout):
        return _Failed(TIMEOUT, retry=True)
    if isinstance(exc, requests.ConnectionError):
        return _Failed(CONNECTION_ERROR, retry=True)
    if isinstance(exc, requests.RequestException | ie.InstaloaderException):
        return _Failed("request failed")
    if isinstance(exc, OSError):
        if _is_disk_full(exc):
            return _Failed(DISK_FULL)
        return _Failed(f"write failed ({exc.strerror or type(exc).__name__})")
    return None


def _is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def _extension(job: MediaJob, response: requests.Response) -> str:
    """The file extension from the Content-Type, else the URL, else the kind's usual one."""
    ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype in REFUSED_TYPES:
        raise _Failed(f"unsupported type {ctype}")
    video = job.kind == "video"
    if ctype.startswith(_TEXT_TYPES) or ctype.startswith("image/" if video else "video/"):
        raise _Failed(NOT_A_VIDEO if video else NOT_AN_IMAGE)
    suffix = PurePosixPath(urlparse(job.url).path).suffix.lower()
    ext = TYPE_EXT.get(ctype) or URL_EXT_ALIASES.get(suffix, suffix)
    if ext in (".heic", ".heif"):
        raise _Failed(f"unsupported type image/{ext[1:]}")
    known = VIDEO_EXTS if video else IMAGE_EXTS
    return ext if ext in known else known[0]


def _expected_length(response: requests.Response) -> int | None:
    """Content-Length when it counts the bytes we write (not when the body is compressed)."""
    if response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity"):
        return None
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _create_part(path: Path) -> BinaryIO:
    """A new, empty temp file at ``path``: a stale one from a crash is replaced, a symlink never followed."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    return os.fdopen(fd, "wb")


def _verify_image(path: Path, max_pixels: int) -> str:
    """Pillow's format name for ``path`` after decoding it in full, or _Failed saying why not."""
    try:
        # Pillow raises a zoo of types on hostile or broken data (OSError, SyntaxError, struct.error,
        # ValueError...); any of them means the bytes are not a picture we can keep.
        with _WARNINGS_LOCK, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _Failed(TOO_LARGE) from exc
    except Exception as exc:
        raise _Failed(NOT_AN_IMAGE) from exc
    with image:
        width, height = image.size
        if width * height > max_pixels:
            raise _Failed(TOO_LARGE)
        try:
            image.load()  # LOAD_TRUNCATED_IMAGES stays False, so a cut-off file raises here
        except Image.DecompressionBombError as exc:
            raise _Failed(TOO_LARGE) from exc
        except Exception as exc:
            if "truncated" in str(exc).lower():
                raise _Failed(TRUNCATED, retry=True) from exc
            raise _Failed(NOT_AN_IMAGE) from exc
        return image.format or ""


def picture_format(path: Path, max_pixels: int = MAX_IMAGE_PIXELS) -> tuple[str | None, str | None]:
    """(Pillow's format name, None) for a picture we can keep, else (None, the short reason why not):
    decoded in full, with decompression bombs and formats outside FORMAT_EXT refused."""
    try:
        kind = _verify_image(path, max_pixels)
    except _Failed as failed:
        return None, failed.reason
    if kind not in FORMAT_EXT:
        return None, f"unsupported image {kind}"
    return kind, None


def _is_image(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    try:
        _verify_image(path, Image.MAX_IMAGE_PIXELS or 2**62)
    except _Failed:
        return False
    return True


def make_thumbnail(src: Path, dest: Path, size: int = 320) -> None:
    """Write a JPEG of ``src``, upright per its EXIF and RGB, with its longer side at most ``size`` px."""
    with Image.open(src) as image:
        image.draft("RGB", (size, size))  # JPEG decodes at 1/2, 1/4... scale: far faster for big photos
        upright = ImageOps.exif_transpose(image)
    upright.thumbnail((size, size), Image.Resampling.LANCZOS)
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        rgb = Image.new("RGB", rgba.size, "white")  # transparent parts would turn black in a JPEG
        rgb.paste(rgba, mask=rgba.getchannel("A"))
    else:
        rgb = upright.convert("RGB")
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    try:
        rgb.save(part, "JPEG", quality=85, optimize=True)
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)


def referenced_files(session: Session) -> set[str]:
    """Every path, relative to the media root, that a stored row uses."""
    columns = (MediaItem.file, MediaItem.thumb, MediaItem.video_file, Profile.profile_pic_file)
    paths: set[str] = set()
    for column in columns:
        for value in session.scalars(select(column).where(column.is_not(None))):
            if value:
                paths.add(posixpath.normpath(value.replace("\\", "/")))
    return paths


@dataclass
class CleanupReport:
    """What cleanup() deleted (or, in a dry run, would delete)."""

    files: list[Path]
    bytes: int
    dry_run: bool
    dirs: list[Path] = field(default_factory=list)


def cleanup(
    session: Session, media_root: Path, *, dry_run: bool = False, min_age: timedelta = timedelta(minutes=10)
) -> CleanupReport:
    """Delete files under ``media_root`` no stored row uses (stray ``.part`` files too) and emptied folders.

    Symlinks are neither followed nor deleted, and hidden entries (".gitkeep") are left alone. Files
    changed within ``min_age`` are kept: a running sync saves a file a moment before committing its row.
    """
    root = Path(media_root).resolve()
    report = CleanupReport(files=[], bytes=0, dry_run=dry_run)
    if not root.is_dir():
        return report
    keep = referenced_files(session)
    cutoff = time.time() - min_age.total_seconds()
    doomed: list[tuple[Path, int]] = []
    empty_dirs: list[Path] = []

    def sweep(folder: Path, prefix: str) -> bool:
        """Collect what goes in ``folder``, deepest first; whether the folder ends up empty."""
        empty = True
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                rel = prefix + entry.name
                if entry.name.startswith(".") or entry.is_symlink():
                    empty = False
                elif entry.is_dir(follow_symlinks=False):
                    if sweep(Path(entry.path), rel + "/"):
                        empty_dirs.append(Path(entry.path))
                    else:
                        empty = False
                elif entry.is_file(follow_symlinks=False):
                    stat = entry.stat(follow_symlinks=False)
                    if rel in keep or stat.st_mtime > cutoff:
                        empty = False
                    else:
                        doomed.append((Path(entry.path), stat.st_size))
                else:  # sockets, fifos: not ours
                    empty = False
        return empty

    sweep(root, "")
    for path, size in doomed:
        if not dry_run:
            try:
                path.unlink()
            except OSError:
                log.warning("could not delete %s", path, exc_info=True)
                continue
        report.files.append(path)
        report.bytes += size
    for folder in empty_dirs:  # children come before their parents
        if not dry_run:
            try:
                folder.rmdir()
            except OSError:  # something appeared meanwhile, or a file above could not be deleted
                continue
        report.dirs.append(folder)
    return report


def human_size(n: int) -> str:
    """A byte count for people, in powers of 1000: "512 B", "1.2 MB"."""
    if abs(n) < 1000:
        return f"{n} B"
    value = float(n)
    for unit in ("kB", "MB", "GB", "TB", "PB"):
        value /= 1000
        if abs(round(value, 1)) < 1000 or unit == "PB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")
