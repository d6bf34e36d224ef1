"""Changes and alerts: what a sync records as changed (profile, deleted posts, edited captions,
deleted comments), exactly once and never on a first sync; the notifications of ``sync --notify`` and
``watch run --notify`` to a local HTTP server (JSON, or ntfy's text), retried, logged without secrets,
never holding a sync back; and the Changes page."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from scraper.__main__ import main
from scraper.archive import Archive
from scraper.config import Settings, load_settings
from scraper.errors import ExitCode
from scraper.instagram.login import Login, login
from scraper.replay import (
    FakeAccount,
    InstagramReplay,
    build_account,
    change_profile_pic,
    comment_thread,
    delete_comment,
    delete_post,
)
from scraper.store import groups
from scraper.store.models import Change, Post, Profile, utcnow
from scraper.workers import notify
from tests.helpers import Syncer, stored_count
from tests.server import free_port

NAME = "ermua.udala"
ROOT = Path(__file__).resolve().parent.parent
HOSTILE = '<img src=x onerror="alert(1)"> **bold** [link](javascript:alert(1))'


def recorded(archive: Archive) -> list[tuple[object, ...]]:
    """Every stored change as (kind, old, new, shortcode, comment id), in the order found."""
    with archive.sessions() as session:
        rows = session.execute(
            select(Change.kind, Change.old, Change.new, Change.shortcode, Change.comment_id).order_by(
                Change.id
            )
        )
        return [tuple(row) for row in rows]


def researcher(archive: Archive, sync: Syncer) -> Login:
    """The replay's login, saved in the test archive."""
    saved = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
    return Login("researcher", saved)


# What each kind of change is: the owner's edit of the account, the options of the sync that sees
# it, and the change expected (kind, old, new, shortcode, comment id) from the account before.
Edit = Callable[[FakeAccount, InstagramReplay], tuple[object, ...]]


def _full_name(account: FakeAccount, replay: InstagramReplay) -> tuple[object, ...]:
    old, account.full_name = account.full_name, "Ermuko Udala"
    return ("full_name", old, "Ermuko Udala", None, None)


def _biography(account: FakeAccount, replay: InstagramReplay) -> tuple[object, ...]:
    old, account.biography = account.biography, HOSTILE
    return ("biography", old, HOSTILE, None, None)


def _external_url(account: FakeAccount, replay: InstagramReplay) -> tuple[object, ...]:
    old, account.external_url = account.external_url, "https://ermua.eus/"
    return ("external_url", old, "https://ermua.eus/", None, None)


def _profile_pic(account: FakeAccount, replay: InstagramReplay) -> tuple[object, ...]:
    old = account.profile_pic_url
    return ("profile_pic", old, change_profile_pic(account), None, None)


def _private(account: FakeAccount, replay: InstagramReplay) -> tuple[object, ...]:
    account.is_private = True
    return ("private", "public", "private", None, None)


def _followers(account: FakeAccount, replay: InstagramReplay) -> tuple[object, ...]:
    old, account.followers = account.followers, account.followers * 2 + 20
    return ("followers", str(old), str(account.followers), None, None)


def _username(account: FakeAccount, replay: InstagramReplay) -> tuple[object, ...]:
    replay.remove_account(account.username)
    old, account.username = account.username, "ermua.eus"
    replay.add_account(account)
    return ("username", old, "ermua.eus", None, None)


def _post_deleted(account: FakeAccount, replay: InstagramReplay) -> tuple[object, ...]:
    post = delete_post(account, account.posts[2].shortcode)
    return ("post_deleted", post.caption, None, post.shortcode, None)


def _caption(account: FakeAccount, replay: InstagramReplay) -> tuple[object, ...]:
    post = account.posts[0]
    old, post.caption = post.caption, "Jaiak 2025 #ermua"
    return ("caption", old, "Jaiak 2025 #ermua", post.shortcode, None)


def _comment_deleted(account: FakeAccount, replay: InstagramReplay) -> tuple[object, ...]:
    post = next(p for p in account.posts if comment_thread(account, p))
    victim = next(c for c in comment_thread(account, post) if not c.replies)
    delete_comment(account, victim.pk)
    return ("comment_deleted", victim.text, None, post.shortcode, victim.pk)


@dataclass(frozen=True)
class Case:
    edit: Edit
    options: dict[str, object] = field(default_factory=dict)
    logged_in: bool = False
    exit_code: ExitCode = ExitCode.OK


CASES = {
    "full_name": Case(_full_name),
    "biography": Case(_biography),
    "external_url": Case(_external_url),
    "profile_pic": Case(_profile_pic),
    # Gone private: the sync stops for a login (exit 4), after storing the profile that says so.
    "private": Case(_private, exit_code=ExitCode.LOGIN_NEEDED),
    "followers": Case(_followers),
    "username": Case(_username),
    "post_deleted": Case(_post_deleted, {"full": True}),
    "caption": Case(_caption, {"refresh_recent": 3}),
    "comment_deleted": Case(_comment_deleted, {"comments": True}, logged_in=True),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_sync_records_exactly_the_change_it_sees_once(
    kind: str, archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    case = CASES[kind]
    account = build_account(NAME, 8, seed=3)
    account.external_url = "https://ermua.example.com/"
    replay.add_account(account)
    who = researcher(archive, sync) if case.logged_in else None
    options = {"media": False, **case.options}

    assert sync(NAME, login=who, **options).error is None
    assert recorded(archive) == []  # the first sync has nothing to compare with
    assert sync(NAME, login=who, **options).error is None
    assert recorded(archive) == []  # nothing changed

    expected = case.edit(account, replay)
    result = sync(account.username, login=who, **options)

    assert result.exit_code == case.exit_code
    assert recorded(archive) == [expected]
    with archive.sessions() as session:
        change = session.scalars(select(Change)).one()
        assert change.sync_run_id == result.run_id
        assert change.profile_id == account.user_id
    sync(account.username, login=who, **options)
    assert recorded(archive) == [expected]  # seen again, not recorded again


def test_followers_are_a_change_past_the_threshold_since_the_last_recorded_count(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    account = build_account(NAME, 3, seed=3)
    account.followers = 1000
    replay.add_account(account)
    seen = []
    for followers in (1000, 1050, 1095, 1110, 1150, 1000):
        account.followers = followers
        assert sync(NAME, media=False).error is None
        seen.append([(old, new) for kind, old, new, *_ in recorded(archive) if kind == "followers"])

    # 1050 and 1095 stay within 10 % of the first count; 1110 passes it, and is the new base, which
    # 1150 (+3.6 %) does not pass and 1000 (-9.9 %) does not either.
    assert seen[-1] == [("1000", "1110")]
    assert seen[2] == []
    account.followers = 1020
    assert sync(NAME, media=False, follower_threshold=5).error is None
    assert [(old, new) for kind, old, new, *_ in recorded(archive) if kind == "followers"] == [
        ("1000", "1110"),
        ("1110", "1020"),
    ]


def test_a_sync_of_one_account_records_nothing_on_another(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    quiet = build_account("ermua.kultura", 3, seed=4)
    busy = build_account(NAME, 3, seed=3)
    replay.add_account(quiet)
    replay.add_account(busy)
    for name in (NAME, "ermua.kultura"):
        sync(name, media=False)
    busy.full_name = "Ermuko Udala"
    quiet.full_name = "Ermua Kultura"
    sync(NAME, media=False)

    with archive.sessions() as session:
        assert session.scalars(select(Change.profile_id)).all() == [busy.user_id]


# Notifications


@dataclass
class Hook:
    """A local HTTP server that records every request and answers those to ``/hook...`` with the
    statuses given in turn (then 200), the others with 200; ``hold`` keeps answers back until set."""

    url: str
    requests: list[tuple[str, dict[str, str], bytes]]
    statuses: list[int]
    hold: threading.Event

    def wait_for(self, n: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < n:
            assert time.monotonic() < deadline, f"{len(self.requests)} requests of {n}"
            time.sleep(0.02)

    def json(self, i: int = 0) -> Any:
        return json.loads(self.requests[i][2])


@pytest.fixture
def hook() -> Iterator[Hook]:
    requests: list[tuple[str, dict[str, str], bytes]] = []
    statuses: list[int] = []
    hold = threading.Event()
    hold.set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            requests.append((self.path, dict(self.headers.items()), body))
            hold.wait(30)
            failing = statuses and self.path.startswith("/hook")
            self.send_response(statuses.pop(0) if failing else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Hook(f"http://127.0.0.1:{server.server_port}", requests, statuses, hold)
    finally:
        hold.set()
        server.shutdown()
        server.server_close()


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float


@pytest.fixture
def cli(
    settings: Settings,
    replay: InstagramReplay,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    _restore_logging: None,
) -> Callable[..., Run]:
    """``python -m scraper ARGS`` in-process on the test archive, against the replay, in English;
    notifications retried without waiting."""
    monkeypatch.setenv("LOG_DIR", str(settings.log_dir))
    monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("SCRAPER_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "SCRAPER_NOTIFY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(notify, "DELAYS", (0.0, 0.0, 0.0))

    def run(*args: str) -> Run:
        capsys.readouterr()
        started = time.monotonic()
        code = main([*args, "--db", settings.db_url, "--media-dir", str(settings.media_dir)])
        seconds = time.monotonic() - started
        out, err = capsys.readouterr()
        return Run(code, out, err, seconds)

    return run


def log_text(settings: Settings) -> str:
    path = settings.log_dir / "scraper.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture
def changed(replay: InstagramReplay, cli: Callable[..., Run]) -> FakeAccount:
    """``NAME`` synced once, then renamed in full and given a new biography by its owner."""
    account = build_account(NAME, 5, seed=3)
    replay.add_account(account)
    assert cli("sync", NAME, "--no-media").code == 0
    account.full_name, account.biography = "Ermuko Udala", "Herriko berriak\nNoticias del pueblo"
    return account


def test_sync_notify_posts_one_json_body_with_the_changes(
    changed: FakeAccount, hook: Hook, cli: Callable[..., Run], archive: Archive
) -> None:
    before = build_account(NAME, 5, seed=3)

    run = cli("sync", NAME, "--no-media", "--notify", f"{hook.url}/hook")

    assert run.code == 0
    assert f"{NAME}: 2 changes since the last sync" in run.out
    hook.wait_for(1)
    path, headers, _ = hook.requests[0]
    assert path == "/hook" and headers["Content-Type"].startswith("application/json")
    body = hook.json()
    assert body["account"] == NAME
    assert [(c["kind"], c["old"], c["new"]) for c in body["changes"]] == [
        ("full_name", before.full_name, "Ermuko Udala"),
        ("biography", before.biography, "Herriko berriak\nNoticias del pueblo"),
    ]
    assert len(hook.requests) == 1  # one POST per sync, not per change
    assert cli("sync", NAME, "--no-media", "--notify", f"{hook.url}/hook").code == 0
    assert len(hook.requests) == 1  # a sync that found nothing new sends nothing


def test_an_ntfy_topic_gets_plain_text_with_a_title(
    changed: FakeAccount, hook: Hook, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCRAPER_LANG", "es")

    run = cli("sync", NAME, "--no-media", "--notify", f"{hook.url}/ermua-aldaketak?ntfy")

    assert run.code == 0
    hook.wait_for(1)
    path, headers, body = hook.requests[0]
    assert path == "/ermua-aldaketak"  # the mark is not sent
    assert headers["Content-Type"].startswith("text/plain")
    assert headers["Title"] == f"{NAME}: 2 cambios"
    lines = body.decode("utf-8").splitlines()
    assert lines[0].startswith("Nombre completo: ") and lines[0].endswith(" → Ermuko Udala")
    assert lines[1].endswith("→ Herriko berriak Noticias del pueblo")  # one line per change
    assert notify.is_ntfy("https://ntfy.sh/ermua") and not notify.is_ntfy("https://example.org/ntfy")


def test_a_failing_webhook_is_retried_and_logged_and_the_sync_goes_on(
    changed: FakeAccount, hook: Hook, cli: Callable[..., Run], settings: Settings, archive: Archive
) -> None:
    hook.statuses.extend([500, 503])
    secret = f"{hook.url}/hook/t0ken-SECRET?key=SECRET"

    run = cli("sync", NAME, "--no-media", "--notify", secret, "--notify", f"{hook.url}/other")

    assert run.code == 0
    hook.wait_for(4)  # one URL answered 500, 503, then 200; the other 200 at once
    assert sorted(path for path, *_ in hook.requests) == ["/hook/t0ken-SECRET?key=SECRET"] * 3 + ["/other"]
    assert all(hook.json(i) == hook.json(0) for i in range(4))
    log = log_text(settings)
    assert "failed (try 1 of 4): HTTP 500" in log and "failed (try 2 of 4): HTTP 503" in log
    assert f"notification of {NAME} sent to {hook.url}" in log
    assert "SECRET" not in log and "t0ken" not in log
    with archive.sessions() as session:
        assert session.scalar(select(Profile.full_name)) == "Ermuko Udala"


def test_an_unreachable_webhook_never_holds_the_sync_back(
    changed: FakeAccount, cli: Callable[..., Run], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notify, "DELAYS", (60.0, 60.0, 60.0))
    nobody = f"http://127.0.0.1:{free_port()}/hook?token=SECRET"

    run = cli("sync", NAME, "--no-media", "--notify", nobody)

    assert run.code == 0 and run.err == ""
    assert run.seconds < 8  # the retries, a minute away, are given up when the command ends
    log = log_text(settings)
    assert "failed (try 1 of 4): ConnectionError" in log and "given up after 1 tries" in log
    assert "SECRET" not in log
    assert stored_count(Archive(settings), NAME) == 5


def test_a_bad_notify_url_is_refused_before_any_request(
    cli: Callable[..., Run], replay: InstagramReplay
) -> None:
    run = cli("sync", NAME, "--notify", "ftp://example.org/secret-path")

    assert run.code == ExitCode.BAD_INPUT
    assert "ftp://example.org" in run.err and "secret-path" not in run.err
    assert replay.count() == 0


def test_a_notifier_returns_at_once_while_the_server_is_slow(hook: Hook) -> None:
    hook.hold.clear()
    notifier = notify.Notifier([f"{hook.url}/slow"], "en")
    batch = notify.Batch(NAME, 1, ())
    with_change = notify.Batch(NAME, 1, (Change(kind="full_name", old="a", new="b", detected_at=utcnow()),))

    started = time.monotonic()
    notifier.send(batch)  # nothing to tell: nothing sent
    notifier.send(with_change)
    hook.wait_for(1)
    assert time.monotonic() - started < 2 and notifier.delivered == 0  # the server still holds it
    hook.hold.set()
    notifier.close()
    assert notifier.delivered == 1 and len(hook.requests) == 1


def test_watch_run_notifies_each_account_with_changes(
    replay: InstagramReplay, hook: Hook, cli: Callable[..., Run], archive: Archive
) -> None:
    accounts = [
        build_account(name, 3, seed=n) for n, name in enumerate([NAME, "ermua.kultura", "ermua.kirolak"])
    ]
    for account in accounts:
        replay.add_account(account)
    assert cli("watch", "add", *(a.username for a in accounts), "--every", "10m").code == 0
    assert cli("watch", "run", "--once", "--notify", f"{hook.url}/hook").code == 0
    assert hook.requests == []  # first syncs: nothing to compare
    accounts[0].full_name = "Ermuko Udala"
    accounts[2].is_private = False
    accounts[2].biography = "Kirola Ermuan"
    _make_due(archive)

    run = cli("watch", "run", "--once", "--notify", f"{hook.url}/hook")

    assert run.code == 0
    hook.wait_for(2)
    bodies = sorted((hook.json(i) for i in range(len(hook.requests))), key=lambda b: str(b["account"]))
    assert [(b["account"], [c["kind"] for c in b["changes"]]) for b in bodies] == [
        ("ermua.kirolak", ["biography"]),
        (NAME, ["full_name"]),
    ]


def _make_due(archive: Archive) -> None:
    """Every watched account due now: its last sync and queueing pushed back a day."""
    from datetime import timedelta

    from scraper.store.models import SyncRun, WatchedAccount

    with archive.sessions() as session:
        for run in session.scalars(select(SyncRun)):
            run.started_at -= timedelta(days=1)
        for entry in session.scalars(select(WatchedAccount)):
            entry.queued_at = None
            entry.added_at -= timedelta(days=1)
        session.commit()


# The Changes page


@pytest.fixture
def page_archive(
    archive: Archive, replay: InstagramReplay, sync: Syncer, monkeypatch: pytest.MonkeyPatch
) -> Archive:
    """Two accounts of a group "town" with changes (one a hostile biography), a third without; the
    dashboard's environment naming the archive, Streamlit's caches empty."""
    import streamlit as st

    first, second = build_account(NAME, 4, seed=3), build_account("ermua.kultura", 4, seed=4)
    third = build_account("ermua.kirolak", 4, seed=5)
    for account in (first, second, third):
        replay.add_account(account)
        assert sync(account.username, media=False).error is None
    first.biography = HOSTILE
    second.full_name = "Ermuko Kultura Etxea"
    delete_post(second, second.posts[1].shortcode)
    assert sync(NAME, media=False).error is None
    assert sync("ermua.kultura", media=False, full=True).error is None
    with archive.sessions() as session:
        groups.add(session, "town", [NAME, "ermua.kultura"])
    monkeypatch.setenv("DATABASE_URL", archive.settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(archive.settings.media_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    return archive


def run_page(query: dict[str, str], lang: str = "en") -> AppTest:
    """The Changes page opened at ``/changes?QUERY``."""
    at = AppTest.from_function(_changes_app, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["tz"] = "UTC"
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def _changes_app() -> None:
    from ui import changes, sidebar

    sidebar.render()
    changes.page()


def table(at: AppTest) -> list[dict[str, Any]]:
    frame = at.dataframe[0].value
    return list(frame.to_dict("records"))


def test_the_page_lists_an_accounts_changes_newest_first_as_plain_text(page_archive: Archive) -> None:
    at = run_page({"account": NAME})

    rows = table(at)
    assert [(r["username"], r["kind"], r["new"]) for r in rows] == [(NAME, "Biography", HOSTILE)]
    markdown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "<img" not in markdown and "onerror" not in markdown  # only in the table, as text


def test_the_page_of_a_group_lists_its_accounts_changes_filtered_by_kind(page_archive: Archive) -> None:
    at = run_page({"group": "town"})

    rows = table(at)
    assert sorted((r["username"], r["kind"]) for r in rows) == [
        ("ermua.kultura", "Full name"),
        ("ermua.kultura", "Post deleted"),
        (NAME, "Biography"),
    ]
    deleted = next(r for r in rows if r["kind"] == "Post deleted")
    assert str(deleted["url"]).startswith("https://www.instagram.com/p/")
    assert list(rows[0]) == ["detected_at", "username", "kind", "shortcode", "old", "new", "url"]

    at.multiselect[0].unselect("post_deleted").run()

    assert sorted(r["kind"] for r in table(at)) == ["Biography", "Full name"]


@pytest.mark.parametrize(
    ("lang", "kinds", "count"),
    [
        ("es", ["Nombre completo", "Publicación borrada"], "2 cambios"),
        ("eu", ["Argitalpena ezabatuta", "Izen osoa"], "2 aldaketa"),
    ],
)
def test_the_page_speaks_spanish_and_basque(
    page_archive: Archive, lang: str, kinds: list[str], count: str
) -> None:
    at = run_page({"account": "ermua.kultura"}, lang=lang)

    assert sorted(r["kind"] for r in table(at)) == kinds
    assert any(count in c.value for c in at.caption)


def test_an_account_without_changes_says_why(page_archive: Archive) -> None:
    at = run_page({"account": "ermua.kirolak"})

    assert not at.dataframe
    assert "first sync of an account records none" in at.info[0].value


def test_the_changes_page_is_in_the_navigation() -> None:
    source = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    assert '(changes.page, "ui.page.changes", "changes", "history")' in source


def test_settings_read_notify_urls_from_the_environment() -> None:
    settings = load_settings(environ={"SCRAPER_NOTIFY": "https://ntfy.sh/ermua, http://127.0.0.1:9/hook"})
    assert settings.notify_urls == ("https://ntfy.sh/ermua", "http://127.0.0.1:9/hook")
    with pytest.raises(ValueError, match="SCRAPER_NOTIFY"):
        load_settings(environ={"SCRAPER_NOTIFY": "mailto:someone@example.org"})


def test_every_kind_of_change_is_posted_in_one_batch(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    account = build_account(NAME, 6, seed=3)
    replay.add_account(account)
    assert sync(NAME, media=False).error is None
    account.full_name = "Ermuko Udala"
    account.followers = account.followers * 3 + 50
    delete_post(account, account.posts[1].shortcode)
    result = sync(NAME, media=False, full=True)

    batch = notify.batch_of_run(archive.sessions, result.run_id)

    assert batch is not None and batch.account == NAME
    payload = batch.payload()
    kinds = [c["kind"] for c in payload["changes"]]
    assert kinds == ["full_name", "followers", "post_deleted"]
    followers = payload["changes"][1]
    assert isinstance(followers["old"], int) and followers["new"] == account.followers
    with archive.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Post).where(Post.deleted_at.is_not(None))) == 1


def test_a_celery_workers_sync_tells_scraper_notify_and_the_urls_queued_with_it(
    settings: Settings,
    archive: Archive,
    replay: InstagramReplay,
    sync: Syncer,
    hook: Hook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a worker does with a task that beat (SCRAPER_NOTIFY) or ``watch run --notify`` queued: the
    task is run here, in-process, against the replay, on the test Redis."""
    import redis

    from scraper.sync import SyncOptions
    from scraper.workers import queue
    from scraper.workers.board import options_to_json

    base = os.environ.get("TEST_REDIS_URL")
    if not base:
        pytest.skip("TEST_REDIS_URL is not set (./run tests starts a Redis server and sets it)")
    broker = base.rsplit("/", 1)[0] + "/5"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    for name, value in {
        "DATABASE_URL": settings.db_url,
        "MEDIA_DIR": str(settings.media_dir),
        "DATA_DIR": str(settings.data_dir),
        "LOG_DIR": str(settings.log_dir),
        "SCRAPER_BROKER_URL": broker,
        "SCRAPER_NOTIFY": f"{hook.url}/beat",
        "NO_PROXY": "127.0.0.1,localhost",
    }.items():
        monkeypatch.setenv(name, value)
    account = build_account(NAME, 4, seed=3)
    replay.add_account(account)
    assert sync(NAME, media=False).error is None
    account.full_name = "Ermuko Udala"
    options = SyncOptions(media=False)
    try:
        job = queue.CeleryRunner(archive, url=broker).start(NAME, options, notify_urls=[f"{hook.url}/extra"])

        status = queue.sync_account(job.id, NAME, options_to_json(options), None, [f"{hook.url}/extra"])

        assert status == "ok"
        hook.wait_for(2)
        assert sorted(path for path, *_ in hook.requests) == ["/beat", "/extra"]
        assert {(c["kind"], c["new"]) for c in hook.json()["changes"]} == {("full_name", "Ermuko Udala")}
    finally:
        for opened in queue._archives.values():
            opened.engine.dispose()
        queue._archives.clear()
        client.flushdb()
        client.close()


def test_a_watched_account_renamed_on_instagram_is_followed_by_its_user_id(
    replay: InstagramReplay, hook: Hook, cli: Callable[..., Run], archive: Archive, sync: Syncer
) -> None:
    account = build_account(NAME, 3, seed=3)
    replay.add_account(account)
    researcher(archive, sync)  # the only saved login: watch run uses it
    assert cli("watch", "add", NAME, "--every", "10m").code == 0
    assert cli("watch", "run", "--once").code == 0
    _username(account, replay)  # now "ermua.eus"; the old name is gone
    _make_due(archive)

    run = cli("watch", "run", "--once", "--notify", f"{hook.url}/hook")

    assert run.code == 0
    hook.wait_for(1)
    assert [(c["kind"], c["old"], c["new"]) for c in hook.json()["changes"]] == [
        ("username", NAME, "ermua.eus")
    ]
    assert cli("watch", "list").out.splitlines()[1].startswith("ermua.eus\t")
    with archive.sessions() as session:
        assert session.scalars(select(Profile.username)).all() == ["ermua.eus"]


def test_logged_out_a_renamed_account_is_not_found_under_its_old_name(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    account = build_account(NAME, 3, seed=3)
    replay.add_account(account)
    assert sync(NAME, media=False).error is None
    _username(account, replay)

    assert sync(NAME, media=False).exit_code == ExitCode.NOT_FOUND  # Instagram answers by id only logged in
    assert recorded(archive) == []
    assert sync("ermua.eus", media=False).error is None
    assert recorded(archive) == [("username", NAME, "ermua.eus", None, None)]


def test_a_sync_that_fails_halfway_keeps_its_changes_and_the_next_does_not_repeat_them(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    account = build_account(NAME, 40, seed=3)
    replay.add_account(account)
    assert sync(NAME, media=False).error is None
    account.full_name = "Ermuko Udala"
    deleted = delete_post(account, account.posts[30].shortcode)
    replay.fail("timeline", status=500, times=None)  # the walk stops after the profile page

    failed = sync(NAME, media=False, full=True)

    assert failed.error is not None
    assert [r[0] for r in recorded(archive)] == ["full_name"]  # committed with the profile
    replay.clear_faults()
    assert sync(NAME, media=False, full=True).error is None
    assert [(r[0], r[3]) for r in recorded(archive)] == [
        ("full_name", None),
        ("post_deleted", deleted.shortcode),
    ]


def test_picking_an_account_of_the_group_narrows_the_list_and_the_url(page_archive: Archive) -> None:
    at = run_page({"group": "town"})
    at.multiselect[0].unselect("biography").run()

    at.selectbox[1].select("ermua.kultura").run()

    assert not at.exception
    assert at.query_params["account"] in ("ermua.kultura", ["ermua.kultura"])
    assert sorted(r["kind"] for r in table(at)) == ["Full name", "Post deleted"]
    at.selectbox[1].select_index(0).run()  # all the group's accounts
    assert "account" not in at.query_params
    assert len(table(at)) >= 2


def test_changes_are_counted_per_week_in_the_chosen_time_zone() -> None:
    import pandas as pd

    from insights import changes as insight

    frame = pd.DataFrame(
        {
            # Sunday 23:30 UTC is already Monday in Madrid: the next week there.
            "detected_at": pd.to_datetime(
                ["2026-11-29T23:30:00Z", "2026-11-30T10:00:00Z", "2026-11-02T08:00:00Z"]
            ),
            "kind": ["biography", "biography", "followers"],
        }
    )

    weeks = insight.changes_per_week(frame, "Europe/Madrid")
    utc = insight.changes_per_week(frame, "UTC")

    assert [(str(w.date()), k, n) for w, k, n in weeks.itertuples(index=False)] == [
        ("2026-11-02", "followers", 1),
        ("2026-11-30", "biography", 2),
    ]
    assert sorted(utc["changes"]) == [1, 1, 1]
    spec = insight.changes_chart(weeks, "en").to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"][0] == "2026-10-12"  # eight weeks at least, empty ones too
    assert len(spec["encoding"]["x"]["scale"]["domain"]) == 8
