"""The fault matrix of docs/faults.md: every fault, injected through the replayed HTTP answers at each
place it can happen, met by its policy, with its exit code, message and log entry, a consistent
database, and a next run that completes the account once the fault is gone.

One row here for every row of the table in docs/faults.md, in the same order; a test checks that
they agree."""

from __future__ import annotations

import errno
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from PIL import Image
from requests import ConnectionError, ReadTimeout
from sqlalchemy import select

from i18n import MESSAGES
from scraper.__main__ import ProgressLine
from scraper.archive import Archive
from scraper.config import Settings
from scraper.logs import setup_logging
from scraper.replay import (
    LOGIN_PAGE,
    InstagramReplay,
    build_account,
    profile_page_html,
    render_jpeg,
    start_page_html,
)
from scraper.store import media
from scraper.store.models import MediaItem, Post, Profile
from scraper.sync import SyncOptions
from tests.helpers import Syncer, WaitLog, stored_count
from tests.test_failures import (
    CHECKPOINT,
    PLEASE_WAIT,
    USER,
    Scene,
    SessionUsed,
    assert_consistent,
    broken_image,
    clear_faults,
    fault,
    image_path,
    runs,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "faults.md"
N_POSTS = 13  # the profile page carries 12, so one timeline page follows
BEFORE = 4  # post queries answered before a fault at the post query

PROFILE_PAGE, START_PAGE, POST_QUERY = "profile page", "start page", "post query"
TIMELINE, TIMELINE_LOGGED_IN = "timeline page", "timeline page, logged in"
CDN, PICTURE = "CDN download", "profile picture"

HTML = "<!DOCTYPE html><html><head><title>Instagram</title></head><body></body></html>"
HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}
HTML_ANSWER: dict[str, Any] = {"status": 200, "body": HTML, "headers": HTML_TYPE}
CUT_JSON: dict[str, Any] = {
    "status": 200,
    "body": '{"data": {"xdt_api__v1__media__shortcode__web_info": {"items": [{"code": "',
    "headers": {"Content-Type": "application/json"},
}
WHOLE = render_jpeg(1080, 1350, 7, 512)
CUT_IMAGE: dict[str, Any] = {
    "status": 200,
    "body": WHOLE[: len(WHOLE) // 2],
    "headers": {"Content-Type": "image/jpeg"},
}
TO_LOGIN: dict[str, Any] = {"status": 302, "body": "", "headers": {"Location": LOGIN_PAGE + "?next=/"}}
TO_CHALLENGE: dict[str, Any] = {
    "status": 302,
    "body": "",
    "headers": {"Location": "https://www.instagram.com/challenge/?next=/"},
}
CHALLENGE = json.dumps({"message": "challenge_required", "status": "fail"})
RESET = ConnectionError("('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))")
TIMEOUT = ReadTimeout("HTTPSConnectionPool(host='www.instagram.com', port=443): Read timed out.")


class FullDisk(io.BytesIO):
    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@dataclass
class Disk:
    """The media disk: writing a file whose name contains ``full_at`` finds it full."""

    full_at: str | None = None

    def create_part(self, path: Path, create: Callable[[Path], Any] = media._create_part) -> Any:
        if self.full_at is not None and self.full_at in path.name:
            path.touch()  # the .part exists, as on a disk that filled up while writing it
            return FullDisk()
        return create(path)


@dataclass
class MatrixScene(Scene):
    """test_failures' scene, with a disk that can fill up."""

    disk: Disk = field(default_factory=Disk)


Step = Callable[[MatrixScene], SessionUsed]


def once(kind: str, **how: Any) -> Step:
    """Break the next request of `kind` only."""

    def inject(scene: MatrixScene) -> SessionUsed:
        scene.replay.fail(kind, times=1, **how)
        return None

    return inject


def one_image(step: Callable[..., Step], **how: Any) -> Step:
    """Break the CDN for the picture of one image post only (``step`` is fault or once)."""

    def inject(scene: MatrixScene) -> SessionUsed:
        path = image_path(scene.replay, broken_image(scene.replay))
        return step("cdn", match=lambda r: urlsplit(r.url).path == path, **how)(scene)

    return inject


def truncated(kind: str, page: Callable[[MatrixScene], str]) -> Step:
    """Break: the page of `kind` comes cut in half."""

    def inject(scene: MatrixScene) -> SessionUsed:
        html = page(scene)
        scene.replay.fail(kind, times=None, status=200, body=html[: len(html) // 2], headers=HTML_TYPE)
        return None

    return inject


def logged_in(step: Step) -> Step:
    """Log in, then break."""

    def inject(scene: MatrixScene) -> SessionUsed:
        session = scene.login()
        step(scene)
        return session

    return inject


def disk_full(at: Callable[[MatrixScene], str]) -> Step:
    def inject(scene: MatrixScene) -> SessionUsed:
        scene.disk.full_at = at(scene)
        return None

    return inject


def space_freed(scene: MatrixScene) -> SessionUsed:
    scene.disk.full_at = None
    return None


def resign(url: str) -> str:
    """The same CDN file under a new signature, as Instagram hands out when an old one expired."""
    parts = urlsplit(url)
    query = [(k, {"oh": "00_fresh", "oe": "7FFFFFFF"}.get(k, v)) for k, v in parse_qsl(parts.query)]
    return parts._replace(query=urlencode(query)).geturl()


def refused(url: str) -> Callable[[Any], bool]:
    """Matches requests for exactly this signed URL."""
    return lambda request: request.url == url


def expired_image(scene: MatrixScene) -> SessionUsed:
    picture = scene.account.post(broken_image(scene.replay))
    assert picture is not None
    scene.replay.fail("cdn", times=None, status=403, match=refused(picture.media[0].image_url))
    return None


def image_resigned(scene: MatrixScene) -> SessionUsed:
    """The expired URL stays refused; the post, fetched again, names the file with a fresh one."""
    scene.replay.clear_faults()
    picture = scene.account.post(broken_image(scene.replay))
    assert picture is not None
    expired_image(scene)
    picture.media[0].image_url = resign(picture.media[0].image_url)
    return None


def expired_picture(scene: MatrixScene) -> SessionUsed:
    scene.replay.fail("profile_pic", times=None, status=403, match=refused(scene.account.profile_pic_url))
    return None


def picture_resigned(scene: MatrixScene) -> SessionUsed:
    scene.replay.clear_faults()
    expired_picture(scene)
    scene.account.profile_pic_url = resign(scene.account.profile_pic_url)
    return None


@dataclass(frozen=True)
class Row:
    """A fault at a place, what the sync does about it, and what a person and the log are told."""

    fault: str
    place: str
    policy: str
    exit_code: int
    key: str  # the message key (msgctxt in i18n/locale/*/messages.po): the error's, or for a sync that ends ok what is shown
    log: str  # what the log names besides the outcome
    kept: int  # posts stored by the sync that met the fault
    inject: Step
    heal: Step = clear_faults
    next_log: str = ""  # what the log names of the next run

    @property
    def docs(self) -> tuple[str, str, str, str, str]:
        """The columns that docs/faults.md states too."""
        return self.fault, self.place, self.policy, str(self.exit_code), self.key


STOP, RETRY_STOP, WAIT_STOP = "stop", "retry, then stop", "wait and retry, then stop"
RETRY, WAIT = "retry", "wait and retry"
SKIP, RETRY_SKIP = "skip the file", "retry, then skip the file"
DONE, WAITING = "cli.sync.done", "cli.sync.wait"
LIMITED, LOGIN, CHECKPOINT_KEY = "error.rate_limited", "error.login_required", "error.checkpoint"
DOWN, NETWORK = "error.instagram_down", "error.network"
ALL = N_POSTS

TOO_MANY, PLEASE = "429 Too Many Requests", '401 "Please wait a few minutes"'
SERVER, RESET_F, TIMEOUT_F = "5xx", "connection reset", "read timeout"
CUT_JSON_F, HTML_F = "truncated or malformed JSON", "HTML where JSON was expected"
LOGIN_F, CHALLENGE_F = "redirect to the login page", "checkpoint/challenge required"
CUT_IMAGE_F, NOT_IMAGE_F = "truncated image", "HTML where an image was expected"

ROWS = [
    Row(TOO_MANY, PROFILE_PAGE, STOP, 5, LIMITED, "429 Too Many Requests", 0, fault("profile_page", status=429)),
    Row(TOO_MANY, START_PAGE, STOP, 5, LIMITED, "429 Too Many Requests", 0, fault("start_page", status=429)),
    Row(TOO_MANY, POST_QUERY, WAIT_STOP, 5, LIMITED, "429 Too Many Requests", BEFORE, fault("post", status=429, after=BEFORE)),
    Row(TOO_MANY, TIMELINE, WAIT_STOP, 5, LIMITED, "429 Too Many Requests", 12, fault("timeline", status=429)),
    Row(TOO_MANY, CDN, SKIP, 0, DONE, "(http 429)", ALL, one_image(fault, status=429)),
    Row(TOO_MANY + ", once", POST_QUERY, WAIT, 0, WAITING, "rate limit: waiting", ALL, once("post", status=429, after=BEFORE)),
    Row(TOO_MANY + ", once", TIMELINE, WAIT, 0, WAITING, "rate limit: waiting", ALL, once("timeline", status=429)),
    Row(PLEASE, PROFILE_PAGE, STOP, 5, LIMITED, "401 Unauthorized", 0, fault("profile_page", status=401, body=PLEASE_WAIT)),
    Row(PLEASE, START_PAGE, STOP, 5, LIMITED, "401 Unauthorized", 0, fault("start_page", status=401, body=PLEASE_WAIT)),
    Row(PLEASE, POST_QUERY, RETRY_STOP, 5, LIMITED, "401 Unauthorized", BEFORE, fault("post", status=401, body=PLEASE_WAIT, after=BEFORE)),
    Row(PLEASE, TIMELINE, RETRY_STOP, 5, LIMITED, "401 Unauthorized", 12, fault("timeline", status=401, body=PLEASE_WAIT)),
    Row("403 after the first page", TIMELINE, RETRY_STOP, 4, LOGIN, "403 Forbidden", 12, fault("timeline", status=403)),
    Row("404", PROFILE_PAGE, STOP, 3, "error.not_found", "ProfileNotExistsException", 0, fault("profile_page", status=404)),
    Row("404", START_PAGE, STOP, 6, DOWN, "404 Not Found", 0, fault("start_page", status=404)),
    Row("404", POST_QUERY, RETRY_STOP, 6, DOWN, "404 Not Found", BEFORE, fault("post", status=404, after=BEFORE)),
    Row("404", TIMELINE, RETRY_STOP, 6, DOWN, "404 Not Found", 12, fault("timeline", status=404)),
    Row("404", CDN, SKIP, 0, DONE, "(http 404)", ALL, one_image(fault, status=404)),
    Row("404", PICTURE, SKIP, 0, DONE, "not saved: http 404", ALL, fault("profile_pic", status=404)),
    Row(SERVER, PROFILE_PAGE, RETRY_STOP, 6, DOWN, "503 Service Unavailable", 0, fault("profile_page", status=503)),
    Row(SERVER, START_PAGE, RETRY_STOP, 6, DOWN, "502 Bad Gateway", 0, fault("start_page", status=502, body="<html>Bad Gateway</html>", headers={"Content-Type": "text/html"})),
    Row(SERVER, POST_QUERY, RETRY_STOP, 6, DOWN, "500 Internal Server Error", BEFORE, fault("post", status=500, after=BEFORE)),
    Row(SERVER, TIMELINE, RETRY_STOP, 6, DOWN, "504 Gateway Timeout", 12, fault("timeline", status=504)),
    Row(SERVER, CDN, RETRY_SKIP, 0, DONE, "(http 503)", ALL, one_image(fault, status=503)),
    Row(SERVER, PICTURE, RETRY_SKIP, 0, DONE, "not saved: http 500", ALL, fault("profile_pic", status=500)),
    Row(SERVER + ", once", PROFILE_PAGE, RETRY, 0, DONE, "503 Service Unavailable", ALL, once("profile_page", status=503)),
    Row(SERVER + ", once", START_PAGE, RETRY, 0, DONE, "500 Internal Server Error", ALL, once("start_page", status=500)),
    Row(SERVER + ", once", POST_QUERY, RETRY, 0, DONE, "500 Internal Server Error", ALL, once("post", status=500, after=BEFORE)),
    Row(SERVER + ", once", TIMELINE, RETRY, 0, DONE, "502 Bad Gateway", ALL, once("timeline", status=502)),
    Row(SERVER + ", once", CDN, RETRY, 0, DONE, "(http 503)", ALL, one_image(once, status=503)),
    Row(SERVER + ", once", PICTURE, RETRY, 0, DONE, "(http 500)", ALL, once("profile_pic", status=500)),
    Row(RESET_F, PROFILE_PAGE, RETRY_STOP, 6, NETWORK, "Connection reset by peer", 0, fault("profile_page", exception=RESET)),
    Row(RESET_F, START_PAGE, RETRY_STOP, 6, NETWORK, "Connection reset by peer", 0, fault("start_page", exception=RESET)),
    Row(RESET_F, POST_QUERY, RETRY_STOP, 6, NETWORK, "Connection reset by peer", BEFORE, fault("post", exception=RESET, after=BEFORE)),
    Row(RESET_F, TIMELINE, RETRY_STOP, 6, NETWORK, "Connection reset by peer", 12, fault("timeline", exception=RESET)),
    Row(RESET_F, CDN, RETRY_SKIP, 0, DONE, "(connection error)", ALL, one_image(fault, exception=RESET)),
    Row(RESET_F, PICTURE, RETRY_SKIP, 0, DONE, "not saved: connection error", ALL, fault("profile_pic", exception=RESET)),
    Row(RESET_F + ", once", PROFILE_PAGE, RETRY, 0, DONE, "Connection reset by peer", ALL, once("profile_page", exception=RESET)),
    Row(RESET_F + ", once", TIMELINE, RETRY, 0, DONE, "Connection reset by peer", ALL, once("timeline", exception=RESET)),
    Row(RESET_F + ", once", CDN, RETRY, 0, DONE, "(connection error)", ALL, one_image(once, exception=RESET)),
    Row(TIMEOUT_F, PROFILE_PAGE, RETRY_STOP, 6, NETWORK, "Read timed out", 0, fault("profile_page", exception=TIMEOUT)),
    Row(TIMEOUT_F, START_PAGE, RETRY_STOP, 6, NETWORK, "Read timed out", 0, fault("start_page", exception=TIMEOUT)),
    Row(TIMEOUT_F, POST_QUERY, RETRY_STOP, 6, NETWORK, "Read timed out", BEFORE, fault("post", exception=TIMEOUT, after=BEFORE)),
    Row(TIMEOUT_F, TIMELINE, RETRY_STOP, 6, NETWORK, "Read timed out", 12, fault("timeline", exception=TIMEOUT)),
    Row(TIMEOUT_F, CDN, RETRY_SKIP, 0, DONE, "(timeout)", ALL, one_image(fault, exception=TIMEOUT)),
    Row(TIMEOUT_F, PICTURE, RETRY_SKIP, 0, DONE, "not saved: timeout", ALL, fault("profile_pic", exception=TIMEOUT)),
    Row(TIMEOUT_F + ", once", START_PAGE, RETRY, 0, DONE, "Read timed out", ALL, once("start_page", exception=TIMEOUT)),
    Row(TIMEOUT_F + ", once", POST_QUERY, RETRY, 0, DONE, "Read timed out", ALL, once("post", exception=TIMEOUT)),
    Row(TIMEOUT_F + ", once", PICTURE, RETRY, 0, DONE, "(timeout)", ALL, once("profile_pic", exception=TIMEOUT)),
    Row("truncated page", PROFILE_PAGE, STOP, 6, NETWORK, "did not contain its posts", 0, truncated("profile_page", lambda s: profile_page_html(s.account))),
    Row("truncated page", START_PAGE, STOP, 6, NETWORK, "did not contain the token lsd", 0, truncated("start_page", lambda s: start_page_html(lsd="AVx"))),
    Row(CUT_JSON_F, POST_QUERY, RETRY_STOP, 6, NETWORK, "JSONDecodeError", BEFORE, fault("post", after=BEFORE, **CUT_JSON)),
    Row(CUT_JSON_F, TIMELINE, RETRY_STOP, 6, NETWORK, "JSONDecodeError", 12, fault("timeline", **CUT_JSON)),
    Row(CUT_JSON_F + ", once", POST_QUERY, RETRY, 0, DONE, "Unterminated string", ALL, once("post", **CUT_JSON)),
    Row(CUT_JSON_F + ", once", TIMELINE, RETRY, 0, DONE, "Unterminated string", ALL, once("timeline", **CUT_JSON)),
    Row(HTML_F, POST_QUERY, RETRY_STOP, 6, NETWORK, "JSONDecodeError", BEFORE, fault("post", after=BEFORE, **HTML_ANSWER)),
    Row(HTML_F, TIMELINE, RETRY_STOP, 6, NETWORK, "JSONDecodeError", 12, fault("timeline", **HTML_ANSWER)),
    Row(HTML_F + ", once", POST_QUERY, RETRY, 0, DONE, "Expecting value", ALL, once("post", **HTML_ANSWER)),
    Row(NOT_IMAGE_F, CDN, SKIP, 0, DONE, "(not an image)", ALL, one_image(fault, **HTML_ANSWER)),
    Row(NOT_IMAGE_F, PICTURE, SKIP, 0, DONE, "not saved: not an image", ALL, fault("profile_pic", **HTML_ANSWER)),
    Row(LOGIN_F, PROFILE_PAGE, STOP, 4, LOGIN, "Redirected to login page", 0, fault("profile_page", **TO_LOGIN)),
    Row(LOGIN_F, START_PAGE, STOP, 4, LOGIN, "Redirected to login page", 0, fault("start_page", **TO_LOGIN)),
    Row(LOGIN_F, POST_QUERY, STOP, 4, LOGIN, "Redirected to login page", BEFORE, fault("post", after=BEFORE, **TO_LOGIN)),
    Row(LOGIN_F, TIMELINE, STOP, 4, LOGIN, "Redirected to login page", 12, fault("timeline", **TO_LOGIN)),
    Row(LOGIN_F, TIMELINE_LOGGED_IN, STOP, 4, "error.session_expired", "You've been logged out", 12, logged_in(fault("timeline_logged_in", after=1, **TO_LOGIN))),
    Row(LOGIN_F, CDN, SKIP, 0, DONE, "(http 404)", ALL, one_image(fault, **TO_LOGIN)),
    Row(CHALLENGE_F, PROFILE_PAGE, STOP, 4, CHECKPOINT_KEY, "checkpoint_required: redirected to", 0, fault("profile_page", **TO_CHALLENGE)),
    Row(CHALLENGE_F, START_PAGE, STOP, 4, CHECKPOINT_KEY, "checkpoint_required: redirected to", 0, fault("start_page", **TO_CHALLENGE)),
    Row(CHALLENGE_F, POST_QUERY, STOP, 4, CHECKPOINT_KEY, "checkpoint_required", BEFORE, fault("post", status=400, body=CHECKPOINT, after=BEFORE)),
    Row(CHALLENGE_F, TIMELINE, STOP, 4, CHECKPOINT_KEY, "challenge_required", 12, fault("timeline", status=400, body=CHALLENGE)),
    Row("expired CDN URL (403)", CDN, SKIP, 0, DONE, "(http 403)", ALL, expired_image, image_resigned, "media URLs refused, fetching posts again"),
    Row("expired CDN URL (403)", PICTURE, SKIP, 0, DONE, "not saved: http 403", ALL, expired_picture, picture_resigned),
    Row(CUT_IMAGE_F, CDN, RETRY_SKIP, 0, DONE, "(truncated)", ALL, one_image(fault, **CUT_IMAGE)),
    Row(CUT_IMAGE_F, PICTURE, RETRY_SKIP, 0, DONE, "not saved: truncated", ALL, fault("profile_pic", **CUT_IMAGE)),
    Row(CUT_IMAGE_F + ", once", CDN, RETRY, 0, DONE, "(truncated)", ALL, one_image(once, **CUT_IMAGE)),
    Row("disk full while writing media", CDN, STOP, 8, "error.disk_full", "(disk full)", 12, disk_full(lambda s: broken_image(s.replay)), space_freed),
    Row("disk full while writing media", PICTURE, STOP, 8, "error.disk_full", "(disk full)", 0, disk_full(lambda s: "profile_pic"), space_freed),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[f"{row.fault} at the {row.place}" for row in ROWS])
def test_fault_is_met_by_its_policy_and_the_next_run_completes_the_account(
    row: Row,
    replay: InstagramReplay,
    sync: Syncer,
    archive: Archive,
    settings: Settings,
    waits: WaitLog,
    monkeypatch: pytest.MonkeyPatch,
    _restore_logging: None,
) -> None:
    log_file = setup_logging(settings.log_dir)
    scene = MatrixScene(replay, settings, sync)
    monkeypatch.setattr(media, "_create_part", scene.disk.create_part)
    replay.add_account(build_account(USER, N_POSTS))
    used = row.inject(scene)
    screen = io.StringIO()

    result = archive.sync(
        USER,
        SyncOptions(),
        login=used,
        loader_factory=sync.factory,
        on_progress=ProgressLine("en", screen),
    )

    log = log_file.read_text(encoding="utf-8")
    assert result.exit_code == row.exit_code
    (run,) = runs(archive)
    assert run.error_code == (row.exit_code or None)
    if row.exit_code:
        assert result.error is not None and result.error.key == row.key
        message = result.error.message("en")
        assert MESSAGES[row.key]["en"].split("{")[0] in message
        assert (result.status, run.status, run.error) == ("failed", "failed", message)
        assert f"sync of {USER} stopped: {message}" in log and "Traceback" in log
    else:  # the command line shows its closing line (cli.sync.done), after any wait line
        assert (result.status, run.status, result.error) == ("ok", "ok", None)
        assert f"sync of {USER} done: " in log
    # instaloader's waits are asked for (recorded, not slept) and shown, whatever the outcome.
    waiting = MESSAGES[WAITING]["en"].format(user=USER, seconds=0, until="").split(" 0 s")[0]
    assert bool(waits) == (waiting in screen.getvalue()) == ("wait" in row.policy)
    assert row.log in log
    assert ("retrying" in log) == ("retry" in row.policy)
    assert stored_count(archive) == row.kept
    if "skip" in row.policy:
        assert result.media_failed == (0 if row.place == PICTURE else 1)
        with archive.sessions() as db:
            missing = list(db.scalars(select(Post.shortcode).join(MediaItem).where(MediaItem.file.is_(None))))
            picture = db.scalars(select(Profile.profile_pic_file)).one()
        if row.place == PICTURE:
            assert missing == [] and picture is None
            assert any(f.startswith("profile picture: ") for f in result.failures)
        else:
            assert missing == [broken_image(replay)]
    assert_files_whole(archive, settings.media_dir)

    healed = row.heal(scene)
    replay.reset_calls()
    again = sync(USER, login=healed or used)

    assert (again.status, again.error) == ("ok", None)
    assert [r.status for r in runs(archive)] == [run.status, "ok"]
    next_log = log_file.read_text(encoding="utf-8")[len(log) :]
    assert row.next_log in next_log
    if row.exit_code:  # what was stored is not asked for again: a walk that stopped is resumed
        assert replay.count("post") == (0 if used else N_POSTS - row.kept)
        if 0 < row.kept < N_POSTS:
            assert f"{USER}: resuming the walk at post " in next_log
    assert_complete(archive, settings.media_dir, replay)


def assert_files_whole(archive: Archive, root: Path) -> None:
    """The database is consistent, every file it names is there and whole, and no .part is left."""
    assert_consistent(archive)
    with archive.sessions() as db:
        files = [f for m in db.scalars(select(MediaItem)) for f in (m.file, m.thumb) if f]
        files += [p.profile_pic_file for p in db.scalars(select(Profile)) if p.profile_pic_file]
    for name in files:
        with Image.open(root / name) as picture:
            picture.load()
    assert list(root.rglob("*.part")) == []


def assert_complete(archive: Archive, root: Path, replay: InstagramReplay) -> None:
    """Every post of the account stored, with every file, and the profile picture."""
    assert_files_whole(archive, root)
    with archive.sessions() as db:
        assert set(db.scalars(select(Post.shortcode))) == {p.shortcode for p in replay.accounts[USER].posts}
        assert db.scalars(select(MediaItem).where(MediaItem.file.is_(None))).all() == []
        assert db.scalars(select(Profile.profile_pic_file)).one() is not None


# docs/faults.md and ROWS list the same rows.


def docs_rows(text: str) -> list[tuple[str, ...]]:
    """The fault table of docs/faults.md: fault, place, policy, exit code, message key of each row."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"\|\s*fault\s*\|\s*place\s*\|", line, re.I))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]
        rows.append(tuple(cells[:5]))
    return rows


def test_the_docs_table_lists_the_rows_that_are_tested() -> None:
    documented = docs_rows(DOCS.read_text(encoding="utf-8"))

    assert documented == [row.docs for row in ROWS]
    assert len(set(documented)) == len(documented)
