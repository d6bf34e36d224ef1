"""Media downloads over replayed HTTP answers, thumbnails, and the sweep of unused files."""

from __future__ import annotations

import errno
import io
import os
import random
import struct
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import instaloader
import pytest
import requests
import responses
from PIL import Image
from sqlalchemy.orm import Session

from scraper.store import media
from scraper.store.db import open_engine
from scraper.store.hashes import NO_HASH
from scraper.store.media import (
    BAD_PATH,
    CONNECTION_ERROR,
    DISK_FULL,
    NOT_A_VIDEO,
    NOT_AN_IMAGE,
    TIMEOUT,
    TOO_LARGE,
    TRUNCATED,
    MediaDownloader,
    MediaJob,
    MediaResult,
    cleanup,
    human_size,
    make_thumbnail,
    referenced_files,
)
from scraper.store.models import MediaItem, Post, Profile

CDN = "https://scontent.cdninstagram.test/v/t51.2885-15"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def picture(fmt: str = "JPEG", size: tuple[int, int] = (1080, 1350), mode: str = "RGB", **save: Any) -> bytes:
    """Real image bytes; noisy, so a JPEG is big enough to cut short."""
    noise = random.Random(0).randbytes(size[0] * size[1] * len(mode))
    buf = io.BytesIO()
    Image.frombytes(mode, size, noise).save(buf, fmt, **save)
    return buf.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with almost no data behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


def plain_fetch(url: str) -> requests.Response:
    """A fetch that, unlike instaloader's, leaves the status code to the caller."""
    return requests.get(url, stream=True, timeout=5)


def instaloader_fetch() -> Callable[[str], requests.Response]:
    return instaloader.InstaloaderContext(sleep=False, quiet=True).get_raw


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return (tmp_path / "media").resolve()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def downloader(root: Path, sleeps: list[float]) -> MediaDownloader:
    return MediaDownloader(root, instaloader_fetch(), sleep=sleeps.append)


def test_jpeg_is_saved_with_a_thumbnail(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path
) -> None:
    body = picture("JPEG", (1080, 1350))
    url = f"{CDN}/123_n.jpg?stp=dst-jpg_e35&_nc_ht=x"
    rsps.get(url, body=body, content_type="image/jpeg", headers={"Content-Length": str(len(body))})

    result = downloader.download(MediaJob(url, "ermua/ABC123_0", "image", key=7))

    assert result == MediaResult(
        MediaJob(url, "ermua/ABC123_0", "image", key=7),
        "ermua/ABC123_0.jpg",
        "ermua/thumbs/ABC123_0.jpg",
        len(body),
        None,
        phash=NO_HASH,  # one colour: a plain picture has no hash to match (scraper.store.hashes)
    )
    assert (root / "ermua/ABC123_0.jpg").read_bytes() == body
    with Image.open(root / "ermua/thumbs/ABC123_0.jpg") as thumb:
        thumb.load()
        assert (thumb.format, thumb.mode, thumb.size) == ("JPEG", "RGB", (256, 320))
    assert files_under(root) == ["ermua/ABC123_0.jpg", "ermua/thumbs/ABC123_0.jpg"]


@pytest.mark.parametrize(
    ("body", "content_type", "url_name", "saved_as"),
    [
        (picture("PNG", (400, 300)), "image/png", "pic", "ermua/P_0.png"),
        (picture("WEBP", (400, 300)), "image/webp; charset=binary", "pic.jpg", "ermua/P_0.webp"),
        (picture("JPEG", (400, 300)), "application/octet-stream", "pic.jpeg", "ermua/P_0.jpg"),
        # The bytes decide when the header is wrong: a PNG labelled JPEG is kept as .png.
        (picture("PNG", (400, 300)), "image/jpeg", "pic.jpg", "ermua/P_0.png"),
    ],
)
def test_extension_follows_the_content(
    rsps: responses.RequestsMock,
    downloader: MediaDownloader,
    root: Path,
    body: bytes,
    content_type: str,
    url_name: str,
    saved_as: str,
) -> None:
    rsps.get(f"{CDN}/{url_name}", body=body, content_type=content_type)

    result = downloader.download(MediaJob(f"{CDN}/{url_name}", "ermua/P_0", "image"))

    assert (result.error, result.file, result.thumb) == (None, saved_as, "ermua/thumbs/P_0.jpg")
    assert (root / saved_as).read_bytes() == body


def test_video_is_saved_without_a_thumbnail(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path
) -> None:
    rsps.get(f"{CDN}/v.mp4?efg=1", body=VIDEO, content_type="video/mp4")

    result = downloader.download(MediaJob(f"{CDN}/v.mp4?efg=1", "ermua/V_0", "video"))

    assert (result.error, result.file, result.thumb, result.size) == (None, "ermua/V_0.mp4", None, len(VIDEO))
    assert files_under(root) == ["ermua/V_0.mp4"]


def test_profile_pic_is_checked_but_gets_no_thumbnail(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path
) -> None:
    rsps.get(f"{CDN}/pp.jpg", body=picture("JPEG", (320, 320)), content_type="image/jpeg")

    result = downloader.download(MediaJob(f"{CDN}/pp.jpg", "ermua/profile_pic_9f3a", "profile_pic"))

    assert (result.error, result.file, result.thumb) == (None, "ermua/profile_pic_9f3a.jpg", None)
    assert files_under(root) == ["ermua/profile_pic_9f3a.jpg"]


@pytest.mark.parametrize(
    ("kind", "body", "content_type", "error"),
    [
        ("image", b"<!DOCTYPE html><html>Log in</html>", "text/html; charset=utf-8", NOT_AN_IMAGE),
        ("image", b"<!DOCTYPE html><html>Log in</html>", "image/jpeg", NOT_AN_IMAGE),
        ("image", b"\x00\x00\x00\x18ftypheic", "image/heic", "unsupported type image/heic"),
        ("image", VIDEO, "video/mp4", NOT_AN_IMAGE),
        ("video", b"<!DOCTYPE html><html>Log in</html>", "text/html", NOT_A_VIDEO),
        ("video", picture("JPEG", (64, 64)), "image/jpeg", NOT_A_VIDEO),
    ],
)
def test_wrong_content_is_not_kept(
    rsps: responses.RequestsMock,
    downloader: MediaDownloader,
    root: Path,
    kind: str,
    body: bytes,
    content_type: str,
    error: str,
) -> None:
    rsps.get(f"{CDN}/x.jpg", body=body, content_type=content_type)

    result = downloader.download(MediaJob(f"{CDN}/x.jpg", "ermua/X_0", kind))

    assert (result.error, result.file, result.thumb, result.size) == (error, None, None, 0)
    assert len(rsps.calls) == 1  # not worth retrying
    assert files_under(root) == []


@pytest.mark.parametrize(
    ("kind", "body", "content_type"),
    [("image", picture("JPEG"), "image/jpeg"), ("video", VIDEO, "video/mp4")],
)
def test_body_shorter_than_content_length_is_retried_then_not_kept(
    rsps: responses.RequestsMock,
    downloader: MediaDownloader,
    root: Path,
    sleeps: list[float],
    kind: str,
    body: bytes,
    content_type: str,
) -> None:
    rsps.get(
        f"{CDN}/x",
        body=body[: len(body) // 2],
        content_type=content_type,
        headers={"Content-Length": str(len(body))},
    )

    result = downloader.download(MediaJob(f"{CDN}/x", "ermua/X_0", kind))

    assert (result.error, result.file) == (TRUNCATED, None)
    assert len(rsps.calls) == 3
    assert sleeps == [1.0, 2.0]
    assert files_under(root) == []  # no .part either


def test_truncated_jpeg_without_content_length_fails_to_decode(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path
) -> None:
    body = picture("JPEG")
    rsps.get(f"{CDN}/x.jpg", body=body[: len(body) * 3 // 4], content_type="image/jpeg")

    result = downloader.download(MediaJob(f"{CDN}/x.jpg", "ermua/X_0", "image"))

    assert (result.error, result.file) == (TRUNCATED, None)
    answer = rsps.calls[0].response
    assert isinstance(answer, requests.Response) and "Content-Length" not in answer.headers
    assert files_under(root) == []


@pytest.mark.parametrize("fetch", [instaloader_fetch(), plain_fetch], ids=["instaloader", "requests"])
@pytest.mark.parametrize("status", [403, 404])
def test_forbidden_and_missing_are_reported_without_retry(
    rsps: responses.RequestsMock, root: Path, sleeps: list[float], fetch: Any, status: int
) -> None:
    rsps.get(f"{CDN}/x.jpg", status=status, body="URL signature expired")

    result = MediaDownloader(root, fetch, sleep=sleeps.append).download(
        MediaJob(f"{CDN}/x.jpg", "u/X", "image")
    )

    assert (result.error, result.file) == (f"http {status}", None)
    assert len(rsps.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize("fetch", [instaloader_fetch(), plain_fetch], ids=["instaloader", "requests"])
@pytest.mark.parametrize(
    "failure",
    [{"status": 503}, {"body": requests.ConnectionError("reset by peer")}, {"body": requests.ReadTimeout()}],
    ids=["503", "connection", "timeout"],
)
def test_transient_failures_are_retried_until_it_works(
    rsps: responses.RequestsMock, root: Path, sleeps: list[float], fetch: Any, failure: dict[str, Any]
) -> None:
    body = picture("JPEG", (200, 200))
    rsps.get(f"{CDN}/x.jpg", **failure)
    rsps.get(f"{CDN}/x.jpg", **failure)
    rsps.get(f"{CDN}/x.jpg", body=body, content_type="image/jpeg")

    result = MediaDownloader(root, fetch, sleep=sleeps.append).download(
        MediaJob(f"{CDN}/x.jpg", "u/X", "image")
    )

    assert (result.error, result.file, result.size) == (None, "u/X.jpg", len(body))
    assert len(rsps.calls) == 3
    assert sleeps == [1.0, 2.0]


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        ({"status": 502}, "http 502"),
        ({"body": requests.ConnectionError("reset by peer")}, CONNECTION_ERROR),
        ({"body": requests.ReadTimeout()}, TIMEOUT),
    ],
)
def test_transient_failures_give_up_after_two_retries(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path, failure: dict[str, Any], error: str
) -> None:
    rsps.get(f"{CDN}/x.jpg", **failure)

    result = downloader.download(MediaJob(f"{CDN}/x.jpg", "u/X", "image"))

    assert (result.error, result.file) == (error, None)
    assert len(rsps.calls) == 3
    assert files_under(root) == []


@pytest.mark.parametrize(
    ("body", "max_pixels"),
    [
        (png_claiming(100_000, 100_000), 80_000_000),  # past twice Pillow's limit: DecompressionBombError
        (png_claiming(10_000, 10_000), 10**9),  # past Pillow's limit: the warning, caught as an error
        (picture("JPEG", (100, 100)), 5_000),  # past our own limit
    ],
    ids=["bomb-error", "bomb-warning", "max_image_pixels"],
)
def test_decompression_bombs_are_refused(
    rsps: responses.RequestsMock, root: Path, body: bytes, max_pixels: int
) -> None:
    rsps.get(f"{CDN}/x.png", body=body, content_type="image/png")
    filters_before, limit_before = list(warnings.filters), Image.MAX_IMAGE_PIXELS
    downloader = MediaDownloader(root, instaloader_fetch(), max_image_pixels=max_pixels)

    result = downloader.download(MediaJob(f"{CDN}/x.png", "u/X", "image"))

    assert (result.error, result.file) == (TOO_LARGE, None)
    assert files_under(root) == []
    assert (warnings.filters, Image.MAX_IMAGE_PIXELS) == (filters_before, limit_before)


def test_disk_full_removes_the_part_file_and_is_reported(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class FullDisk(io.BytesIO):
        def write(self, data: Any) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def create_part(path: Path) -> io.BytesIO:
        path.touch()  # the .part exists, as on a disk that filled up while writing
        return FullDisk()

    monkeypatch.setattr(media, "_create_part", create_part)
    rsps.get(f"{CDN}/x.jpg", body=picture("JPEG", (64, 64)), content_type="image/jpeg")

    result = downloader.download(MediaJob(f"{CDN}/x.jpg", "u/X", "image"))

    assert (result.error, result.file) == (DISK_FULL, None)
    assert len(rsps.calls) == 1
    assert files_under(root) == []


def test_existing_valid_file_is_skipped_without_a_request(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path
) -> None:
    (root / "ermua").mkdir(parents=True)
    (root / "ermua/ABC_0.png").write_bytes(picture("PNG", (640, 480)))
    (root / "ermua/V_0.mp4").write_bytes(VIDEO)

    image = downloader.download(MediaJob(f"{CDN}/a.jpg", "ermua/ABC_0", "image"))
    video = downloader.download(MediaJob(f"{CDN}/v.mp4", "ermua/V_0", "video"))

    assert len(rsps.calls) == 0
    assert (image.skipped, image.error, image.file, image.size) == (True, None, "ermua/ABC_0.png", 0)
    assert image.thumb == "ermua/thumbs/ABC_0.jpg"  # a missing thumbnail is made from the file
    with Image.open(root / image.thumb) as thumb:
        assert thumb.size == (320, 240)
    assert (video.skipped, video.error, video.file, video.thumb) == (True, None, "ermua/V_0.mp4", None)


def test_download_twice_downloads_once(rsps: responses.RequestsMock, downloader: MediaDownloader) -> None:
    rsps.get(f"{CDN}/a.jpg", body=picture("JPEG", (400, 400)), content_type="image/jpeg")
    job = MediaJob(f"{CDN}/a.jpg", "ermua/A_0", "image")

    first, second = downloader.download(job), downloader.download(job)

    assert (first.skipped, second.skipped) == (False, True)
    assert first.file == second.file == "ermua/A_0.jpg"
    assert first.thumb == second.thumb == "ermua/thumbs/A_0.jpg"
    assert len(rsps.calls) == 1


def test_broken_existing_file_is_downloaded_again(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path
) -> None:
    body = picture("JPEG", (400, 400))
    (root / "ermua").mkdir(parents=True)
    (root / "ermua/A_0.jpg").write_bytes(body[:500])
    rsps.get(f"{CDN}/a.jpg", body=body, content_type="image/jpeg")

    result = downloader.download(MediaJob(f"{CDN}/a.jpg", "ermua/A_0", "image"))

    assert (result.skipped, result.error, result.size) == (False, None, len(body))
    assert (root / "ermua/A_0.jpg").read_bytes() == body


@pytest.mark.parametrize("dest", ["../evil", "/tmp/evil", "ermua/../../evil", "", "  ", "ermua\\..\\evil"])
def test_dest_outside_the_root_is_refused(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path, dest: str
) -> None:
    result = downloader.download(MediaJob(f"{CDN}/a.jpg", dest, "image"))

    assert (result.error, result.file) == (BAD_PATH, None)
    assert len(rsps.calls) == 0


def test_dest_through_a_symlink_out_of_the_root_is_refused(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    root.mkdir()
    (root / "ermua").symlink_to(tmp_path / "elsewhere")

    result = downloader.download(MediaJob(f"{CDN}/a.jpg", "ermua/A_0", "image"))

    assert result.error == BAD_PATH
    assert len(rsps.calls) == 0
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="kind"):
        MediaJob(f"{CDN}/a.jpg", "u/A", "reel")


def test_download_all_runs_every_job_and_reports_each_in_the_calling_thread(
    rsps: responses.RequestsMock, downloader: MediaDownloader, root: Path
) -> None:
    body = picture("JPEG", (100, 100))
    jobs = [MediaJob(f"{CDN}/{i}.jpg", f"ermua/P{i}_0", "image", key=i) for i in range(30)]
    for job in jobs:
        rsps.get(job.url, body=body, content_type="image/jpeg")
    seen: list[tuple[object, int]] = []

    results = downloader.download_all(iter(jobs), lambda r: seen.append((r.job.key, threading.get_ident())))

    assert [r.job for r in results] == jobs  # in job order, whatever order they finished in
    assert all(r.error is None and r.file == f"{r.job.dest}.jpg" for r in results)
    assert sorted(key for key, _ in seen) == list(range(30))  # type: ignore[type-var]
    assert {thread for _, thread in seen} == {threading.get_ident()}
    assert len(rsps.calls) == 30
    assert len(files_under(root)) == 60


def test_download_all_fetches_a_repeated_dest_once(
    rsps: responses.RequestsMock, downloader: MediaDownloader
) -> None:
    rsps.get(f"{CDN}/a.jpg", body=picture("JPEG", (100, 100)), content_type="image/jpeg")
    job = MediaJob(f"{CDN}/a.jpg", "ermua/A_0", "image")

    results = downloader.download_all([job, job, job])

    assert sorted(r.skipped for r in results) == [False, True, True]
    assert {r.file for r in results} == {"ermua/A_0.jpg"}
    assert len(rsps.calls) == 1


class EndlessBody(io.RawIOBase):
    """A response body that never ends, in small reads; pauses half-way until told to go on."""

    def __init__(self, writing: threading.Event, resume: threading.Event) -> None:
        self.writing = writing
        self.resume = resume
        self.reads = 0
        self.ran_out = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self.reads += 1
        if self.reads == 2:  # the first chunk is in the .part file by now
            self.writing.set()
            assert self.resume.wait(5)
        if self.reads > 10_000:
            self.ran_out = True  # the downloader did not notice it was stopped
            return 0
        buffer[:16] = b"\0" * 16
        return 16


def streamed(raw: io.IOBase) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response.headers["Content-Type"] = "video/mp4"
    response.raw = raw
    return response


def test_interrupt_cancels_pending_jobs_and_leaves_no_partial_files(root: Path) -> None:
    writing, interrupted = threading.Event(), threading.Event()
    slow = EndlessBody(writing, interrupted)
    fetched: list[str] = []

    def fetch(url: str) -> requests.Response:
        fetched.append(url)
        if url.endswith("/slow"):
            return streamed(slow)
        if url.endswith("/fast"):
            assert writing.wait(5)  # finish while the slow one is half written
        return streamed(io.BytesIO(VIDEO))

    def on_result(result: MediaResult) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    jobs = [MediaJob(f"{CDN}/slow", "u/slow", "video"), MediaJob(f"{CDN}/fast", "u/fast", "video")]
    jobs += [MediaJob(f"{CDN}/{i}", f"u/{i}", "video") for i in range(20)]

    with pytest.raises(KeyboardInterrupt):
        MediaDownloader(root, fetch, workers=2).download_all(jobs, on_result)

    # At most 2 * workers jobs are handed to the pool at a time; the ones queued behind them never start.
    assert set(fetched) <= {job.url for job in jobs[:4]}
    assert not slow.ran_out
    assert not list(root.rglob("*.part"))
    assert not (root / "u/slow.mp4").exists()
    assert all((root / "u" / name).read_bytes() == VIDEO for name in os.listdir(root / "u"))


def test_make_thumbnail_turns_the_picture_upright(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    (tmp_path / "sideways.jpg").write_bytes(picture("JPEG", (640, 320), exif=exif))

    make_thumbnail(tmp_path / "sideways.jpg", tmp_path / "t/thumb.jpg")

    with Image.open(tmp_path / "t/thumb.jpg") as thumb:
        assert (thumb.format, thumb.mode, thumb.size) == ("JPEG", "RGB", (160, 320))
    assert sorted(os.listdir(tmp_path / "t")) == ["thumb.jpg"]


def test_make_thumbnail_puts_transparency_on_white_and_never_enlarges(tmp_path: Path) -> None:
    Image.new("RGBA", (100, 50), (0, 0, 0, 0)).save(tmp_path / "clear.png")

    make_thumbnail(tmp_path / "clear.png", tmp_path / "thumb.jpg", size=320)

    with Image.open(tmp_path / "thumb.jpg") as thumb:
        assert (thumb.mode, thumb.size) == ("RGB", (100, 50))
        assert all(channel > 250 for channel in thumb.getpixel((50, 25)))  # type: ignore[union-attr]


def test_fewer_bytes_than_content_length_without_a_broken_connection(root: Path) -> None:
    # requests enforces Content-Length on real connections; a fetch that does not is still checked.
    def fetch(url: str) -> requests.Response:
        response = streamed(io.BytesIO(VIDEO[:100]))
        response.headers["Content-Length"] = str(len(VIDEO))
        return response

    result = MediaDownloader(root, fetch, sleep=lambda _: None).download(MediaJob(f"{CDN}/v", "u/V", "video"))

    assert (result.error, result.file) == (TRUNCATED, None)
    assert files_under(root) == []


# Cleanup


OLD = time.time() - 86_400
KEPT = ["ermua/profile_pic_new.jpg", "ermua/ABC_0.jpg", "ermua/thumbs/ABC_0.jpg", "ermua/ABC_0.mp4"]
UNUSED = [
    "ermua/profile_pic_old.jpg",
    "ermua/OLD_0.jpg",
    "ermua/thumbs/OLD_0.jpg",
    "ermua/NEW_0.part",
    "gone/X_0.jpg",
    "gone/thumbs/X_0.jpg",
]


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = open_engine(db_url)
    with Session(engine) as session:
        session.add(Profile(id=1, username="ermua", profile_pic_file="ermua/profile_pic_new.jpg"))
        session.add(Profile(id=2, username="other"))
        post = Post(
            shortcode="ABC",
            media_id=10,
            profile_id=1,
            taken_at=datetime(2024, 5, 1, tzinfo=UTC),
            type="video",
        )
        post.media = [
            MediaItem(position=0, is_video=True, file=KEPT[1], thumb=KEPT[2], video_file=KEPT[3]),
            MediaItem(position=1),  # not downloaded yet
        ]
        session.add(post)
        session.commit()
        yield session
    engine.dispose()


@pytest.fixture
def archive(root: Path, tmp_path: Path) -> Path:
    """A media root with used and unused files, a hidden file, an empty folder and symlinks out."""
    for i, rel in enumerate(KEPT + UNUSED):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * (100 + i))
        os.utime(path, (OLD, OLD))
    (root / ".gitkeep").touch()
    (root / "empty").mkdir()
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "secret.jpg").write_bytes(b"not yours")
    (outside / "deep/more.jpg").write_bytes(b"not yours either")
    for path in (outside / "secret.jpg", outside / "deep/more.jpg"):
        os.utime(path, (OLD, OLD))
    (root / "ermua/escape").symlink_to(outside)
    (root / "linked.jpg").symlink_to(outside / "secret.jpg")
    return outside


def test_referenced_files(session: Session) -> None:
    assert referenced_files(session) == set(KEPT)


def test_cleanup_dry_run_lists_without_deleting(session: Session, root: Path, archive: Path) -> None:
    before = files_under(root)

    report = cleanup(session, root, dry_run=True)

    assert report.dry_run
    assert sorted(report.files) == sorted(root / rel for rel in UNUSED)
    assert report.bytes == sum((root / rel).stat().st_size for rel in UNUSED)
    assert sorted(report.dirs) == sorted([root / "empty", root / "gone", root / "gone/thumbs"])
    assert files_under(root) == before


def test_cleanup_deletes_exactly_the_unused_files_and_emptied_folders(
    session: Session, root: Path, archive: Path
) -> None:
    report = cleanup(session, root)

    assert not report.dry_run
    assert sorted(report.files) == sorted(root / rel for rel in UNUSED)
    assert report.bytes == sum(100 + len(KEPT) + i for i in range(len(UNUSED)))
    assert not any((root / rel).exists() for rel in UNUSED)
    assert all((root / rel).is_file() for rel in KEPT)
    assert not (root / "gone").exists() and not (root / "empty").exists()
    assert (root / ".gitkeep").exists() and (root / "ermua/thumbs").is_dir()
    # Symlinks out of the root are neither followed nor removed.
    assert (root / "ermua/escape").is_symlink() and (root / "linked.jpg").is_symlink()
    assert (archive / "secret.jpg").read_bytes() == b"not yours"
    assert (archive / "deep/more.jpg").exists()
    assert cleanup(session, root).files == []


def test_cleanup_keeps_files_a_running_sync_may_not_have_stored_yet(session: Session, root: Path) -> None:
    (root / "ermua").mkdir(parents=True)
    (root / "ermua/JUST_0.jpg").write_bytes(b"fresh")

    assert cleanup(session, root).files == []
    assert cleanup(session, root, min_age=timedelta(0)).files == [root / "ermua/JUST_0.jpg"]
    assert list(root.iterdir()) == []


def test_cleanup_of_a_missing_root_does_nothing(session: Session, tmp_path: Path) -> None:
    report = cleanup(session, tmp_path / "nowhere")

    assert (report.files, report.bytes) == ([], 0)
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1.0 kB"),
        (1_234_567, "1.2 MB"),
        (999_999, "1.0 MB"),
        (5 * 10**12, "5.0 TB"),
    ],
)
def test_human_size(n: int, text: str) -> None:
    assert human_size(n) == text
