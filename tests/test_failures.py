"""How a sync fails: the exit code and message a person gets, the details in the log, a database
left consistent, and a next run that completes the account once the cause is gone."""

from __future__ import annotations

import functools
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

import scraper.sync
from scraper.archive import Archive
from scraper.config import Settings
from scraper.errors import BadInput, RateLimited, SyncBusy
from scraper.instagram.login import Login, login
from scraper.logs import setup_logging
from scraper.replay import FakeAccount, InstagramReplay, build_account, render_jpeg
from scraper.store import writes
from scraper.store.media import MediaDownloader
from scraper.store.models import MediaItem, Post, SyncLock, SyncRun, utcnow
from tests.helpers import Syncer, stored_count

USER = "ermua.kultura"
N_POSTS = 15  # the profile page carries 12, so a timeline page follows
PLEASE_WAIT = json.dumps({"message": "Please wait a few minutes before you try again.", "status": "fail"})
CHECKPOINT = json.dumps({"message": "checkpoint_required", "status": "fail"})


@pytest.fixture
def log_file(settings: Settings, _restore_logging: None) -> Path:
    """The log file, set up as the command line does; the logger is put back afterwards."""
    return setup_logging(settings.log_dir)


@dataclass
class Scene:
    """The replay and the archive a failure happens to, with a way to log in."""

    replay: InstagramReplay
    settings: Settings
    sync: Syncer

    @property
    def account(self) -> FakeAccount:
        return self.replay.accounts[USER]

    def login(self) -> Login:
        path = login(self.settings, "researcher", "s3cret-pw", lambda: "", loader=self.sync.factory())
        return Login("researcher", path)


SessionUsed = Login | None


def fault(kind: str, **how: object) -> Callable[[Scene], SessionUsed]:
    """Break: requests of `kind` fail this way until the faults are cleared."""

    def inject(scene: Scene) -> SessionUsed:
        scene.replay.fail(kind, times=None, **how)  # type: ignore[arg-type]
        return None

    return inject


def clear_faults(scene: Scene) -> SessionUsed:
    """Heal: Instagram answers again."""
    scene.replay.clear_faults()
    return None


def account_gone(scene: Scene) -> SessionUsed:
    scene.replay.remove_account(USER)
    return None


def account_back(scene: Scene) -> SessionUsed:
    scene.replay.add_account(build_account(USER, N_POSTS))
    return None


def account_private(scene: Scene) -> SessionUsed:
    scene.replay.add_account(build_account(USER, N_POSTS, private=True))
    return None


def follow_and_log_in(scene: Scene) -> SessionUsed:
    scene.account.followed_by.add("researcher")
    return scene.login()


def anonymous_page_limit(scene: Scene) -> SessionUsed:
    scene.replay.anonymous_page_limit = 1
    return None


def log_in(scene: Scene) -> SessionUsed:
    return scene.login()


def expired_session(scene: Scene) -> SessionUsed:
    session = scene.login()
    scene.replay.expire_sessions()
    return session


@dataclass(frozen=True)
class Failure:
    """A way a sync fails, what a person is told, and what puts it right."""

    exit_code: int
    message: str  # a distinctive part of the English message (i18n/locale/en/LC_MESSAGES/messages.po)
    detail: str  # what the log's traceback names
    break_: Callable[[Scene], SessionUsed]
    heal: Callable[[Scene], SessionUsed] = clear_faults
    kept: int = 0  # posts stored before the failure


FAILURES = {
    "unknown account": Failure(
        3, "does not exist on Instagram", "ProfileNotExistsException", account_gone, account_back
    ),
    "private account, anonymously": Failure(
        4,
        "is private: log in with an account that follows it",
        "LoginNeeded",
        account_private,
        follow_and_log_in,
    ),
    "429 on post queries": Failure(
        5,
        "Instagram is limiting requests. Try again after",
        "429 Too Many Requests",
        fault("post", status=429),
    ),
    "401 please wait": Failure(
        5, "Try again after", "401 Unauthorized", fault("post", status=401, body=PLEASE_WAIT)
    ),
    "connection error on the profile page": Failure(
        6,
        "Instagram could not be reached",
        "requests.exceptions.ConnectionError",
        fault("profile_page", exception=requests.ConnectionError("connection refused")),
    ),
    "read timeout on timeline pages": Failure(
        6,
        "Instagram could not be reached",
        "requests.exceptions.ReadTimeout",
        fault("timeline", exception=requests.ReadTimeout("read timed out")),
        kept=12,
    ),
    "connection broken mid-answer": Failure(
        6,
        "Instagram could not be reached",
        "ChunkedEncodingError",
        fault(
            "post", exception=requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead")
        ),
    ),
    "500 on post queries": Failure(
        6, "Instagram answered with an error (500)", "500 Internal Server Error", fault("post", status=500)
    ),
    "502 page on timeline pages": Failure(
        6,
        "Instagram answered with an error (502)",
        "502 Bad Gateway",
        fault("timeline", status=502, body="<html>Bad Gateway</html>", headers={"Content-Type": "text/html"}),
        kept=12,
    ),
    "400 checkpoint_required": Failure(
        4,
        "confirm this login (checkpoint)",
        "checkpoint_required",
        fault("post", status=400, body=CHECKPOINT),
    ),
    "anonymous page limit": Failure(
        4,
        "Instagram asks for a login to show more of “ermua.kultura”",
        "403 Forbidden",
        anonymous_page_limit,
        log_in,
        kept=12,
    ),
    "expired session": Failure(
        4, "The saved login has expired or was logged out", "You've been logged out", expired_session, log_in
    ),
}


def assert_consistent(archive: Archive) -> None:
    """No post twice, every post with its media, no run left running, no lock left behind."""
    with archive.sessions() as session:
        codes = list(session.scalars(select(Post.shortcode)))
        assert len(codes) == len(set(codes))
        without_media = session.scalar(select(func.count()).select_from(Post).where(~Post.media.any()))
        assert without_media == 0
        assert session.scalar(select(func.count()).where(SyncRun.status == "running")) == 0
        assert session.scalar(select(func.count()).select_from(SyncLock)) == 0


def runs(archive: Archive) -> list[SyncRun]:
    with archive.sessions() as session:
        return list(session.scalars(select(SyncRun).order_by(SyncRun.id)))


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_failed_sync_says_why_logs_details_and_the_next_run_completes(
    failure: Failure,
    replay: InstagramReplay,
    sync: Syncer,
    archive: Archive,
    settings: Settings,
    log_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    scene = Scene(replay, settings, sync)
    replay.add_account(build_account(USER, N_POSTS))
    used = failure.break_(scene)

    result = sync(USER, login=used)

    assert (result.status, result.exit_code) == ("failed", failure.exit_code)
    assert result.error is not None
    message = result.error.message("en")
    assert failure.message in message
    log = log_file.read_text(encoding="utf-8")
    assert f"sync of {USER} stopped: {message}" in log
    assert "Traceback" in log and failure.detail in log
    assert capsys.readouterr() == ("", "")  # nothing on the screen but what the caller prints
    (run,) = runs(archive)
    assert (run.status, run.error, run.error_code) == ("failed", message, failure.exit_code)
    assert stored_count(archive) == failure.kept
    assert_consistent(archive)

    again = sync(USER, login=failure.heal(scene))

    assert (again.status, again.error) == ("ok", None)
    with archive.sessions() as db:
        assert set(db.scalars(select(Post.shortcode))) == {p.shortcode for p in scene.account.posts}
    assert [r.status for r in runs(archive)] == ["failed", "ok"]
    assert_consistent(archive)


def test_rate_limit_message_says_when_to_retry(
    replay: InstagramReplay, sync: Syncer, waits: list[float]
) -> None:
    replay.add_account(build_account(USER, N_POSTS))
    replay.fail("post", status=429, times=None)
    before = utcnow()

    result = sync(USER)

    assert isinstance(result.error, RateLimited)
    assert before + timedelta(minutes=14) < result.error.retry_at < utcnow() + timedelta(minutes=16)
    local = result.error.retry_at.astimezone()
    assert f"Try again after {local:%H:%M} (in about 15 min)" in result.error.message("en")
    assert f"después de las {local:%H:%M}" in result.error.message("es")
    assert waits and all(w > 0 for w in waits)  # instaloader's backoff was asked for, not slept


def test_ctrl_c_during_a_retry_interrupts_the_sync(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    """instaloader turns a Ctrl-C while it retries a query into a ConnectionException about the
    failure it was retrying; the person pressed Ctrl-C all the same."""
    replay.add_account(build_account(USER, N_POSTS))
    replay.fail("post", status=500, times=1)
    queries = 0

    def ctrl_c_on_the_retry(_request: object) -> bool:
        nonlocal queries
        queries += 1
        if queries == 2:
            raise KeyboardInterrupt
        return False

    replay.fail("post", status=500, match=ctrl_c_on_the_retry, times=None)

    result = sync(USER)

    assert (result.status, result.exit_code) == ("interrupted", 130)
    assert [(r.status, r.error_code) for r in runs(archive)] == [("interrupted", 130)]
    replay.clear_faults()
    assert sync(USER).status == "ok" and stored_count(archive) == N_POSTS


@pytest.mark.parametrize("username", ["../etc", "a b", "x" * 31, "", "ermua..kultura", ".ermua", "@"])
def test_invalid_username_is_refused_before_any_request(
    username: str, replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    with pytest.raises(BadInput) as refused:
        sync(username)

    assert refused.value.exit_code == 2
    assert "is not a valid Instagram user name" in refused.value.message("en")
    assert replay.api_requests == 0 and replay.calls == []
    assert runs(archive) == []


# Media: a file that does not come is reported, nothing broken is kept, and the next run gets it.


def broken_image(replay: InstagramReplay) -> str:
    """The shortcode of an image post whose picture the CDN answers badly (set by the caller)."""
    return next(p.shortcode for p in replay.accounts[USER].posts if p.kind == "image")


def image_path(replay: InstagramReplay, shortcode: str) -> str:
    post = replay.accounts[USER].post(shortcode)
    assert post is not None
    return urlsplit(post.media[0].image_url).path


WHOLE = render_jpeg(1080, 1350, 7, 512)
MEDIA_FAULTS = {
    "403 forbidden": {"status": 403},
    "truncated JPEG": {"status": 200, "body": WHOLE[: len(WHOLE) // 2], "headers": {"Content-Type": "image/jpeg"}},
    "login page instead of a picture": {"status": 200, "body": "<html>Login</html>", "headers": {"Content-Type": "text/html"}},
    "connection reset": {"exception": requests.ConnectionError("connection reset by peer")},
}  # fmt: skip


@pytest.mark.parametrize("how", MEDIA_FAULTS.values(), ids=MEDIA_FAULTS.keys())
def test_a_media_file_that_fails_is_not_kept_and_the_next_run_gets_it(
    how: dict[str, object],
    replay: InstagramReplay,
    sync: Syncer,
    archive: Archive,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backoffs: list[float] = []  # the downloader's pauses between retries, recorded instead of slept
    monkeypatch.setattr(
        scraper.sync, "MediaDownloader", functools.partial(MediaDownloader, sleep=backoffs.append)
    )
    replay.add_account(build_account(USER, N_POSTS))
    code = broken_image(replay)
    path = image_path(replay, code)
    replay.fail("cdn", times=None, match=lambda r: urlsplit(r.url).path == path, **how)  # type: ignore[arg-type]

    result = sync(USER)

    assert (result.status, result.exit_code) == ("ok", 0)
    assert result.media_failed == 1 and any(code in f for f in result.failures)
    assert stored_count(archive) == N_POSTS
    with archive.sessions() as session:
        assert item_of(session, code).file is None
        others = session.scalars(select(MediaItem).join(Post).where(Post.shortcode != code))
        assert all(item.file is not None for item in others)
    assert list(settings.media_dir.rglob(f"{code}_*")) == []  # neither a broken file nor a .part
    replay.clear_faults()

    again = sync(USER)

    assert again.status == "ok" and again.media_downloaded == 1
    with archive.sessions() as session:
        item = item_of(session, code)
        assert item.file is not None and item.thumb is not None
        with Image.open(settings.media_dir / item.file) as picture:
            picture.load()
    assert_consistent(archive)


def item_of(session: Session, shortcode: str) -> MediaItem:
    return session.scalars(select(MediaItem).join(Post).where(Post.shortcode == shortcode)).one()


# Locks: one sync of an account at a time; a lock left by a dead process does not block forever.

LOCK_HOLDERS = {
    "this live process": (lambda: writes.lock_owner(), timedelta(0), True),
    "a dead process on this host": (lambda: f"{socket.gethostname()}:999999:x", timedelta(0), False),
    "another host, alive": (lambda: "elsewhere.example:123:y", timedelta(minutes=1), True),
    "another host, silent for 11 minutes": (lambda: "elsewhere.example:123:y", timedelta(minutes=11), False),
}


@pytest.mark.parametrize(("owner", "silent_for", "busy"), LOCK_HOLDERS.values(), ids=LOCK_HOLDERS.keys())
def test_a_held_lock_refuses_the_sync_and_an_abandoned_one_is_taken_over(
    owner: Callable[[], str],
    silent_for: timedelta,
    busy: bool,
    replay: InstagramReplay,
    sync: Syncer,
    archive: Archive,
) -> None:
    replay.add_account(build_account(USER, N_POSTS))
    holder = owner()
    with archive.sessions() as session:
        writes.acquire_lock(session, USER, holder)
        session.execute(update(SyncLock).values(heartbeat_at=utcnow() - silent_for))
        session.commit()

    result = sync(USER)

    if busy:
        assert (result.status, result.exit_code) == ("refused", 7)
        assert isinstance(result.error, SyncBusy)
        assert f"“{USER}” is already being synced" in result.error.message("en")
        assert replay.api_requests == 0 and stored_count(archive) == 0
        assert runs(archive) == []  # no run was started
        with archive.sessions() as session:
            assert session.scalars(select(SyncLock.owner)).one() == holder  # not taken from its holder
            writes.release_lock(session, USER, holder)
        result = sync(USER)
    assert (result.status, result.new) == ("ok", N_POSTS)
    assert stored_count(archive) == N_POSTS
    assert_consistent(archive)
