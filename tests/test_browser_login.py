"""``login --from-browser`` and the sidebar's browser login: cookie stores built here (a Firefox
``cookies.sqlite``, a Chromium profile made by Chromium itself), checked against the replay; what the
user reads and the exit code when the browser, its Instagram login or its cookies are out of reach;
and no cookie value in any output or log."""

from __future__ import annotations

import hashlib
import json
import pickle
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from i18n import t
from scraper.__main__ import main
from scraper.config import Settings
from scraper.instagram import browser
from scraper.instagram.login import session_path
from scraper.replay import InstagramReplay, add_comments, build_account

CHROMIUM = Path("/usr/bin/chromium")
OTHER_SITE = {"sessionid": "example-org-secret-0001"}
LOGGED_OUT = {"csrftoken": "Zx8csrfLoggedOut0000000000000000", "mid": "Z-loggedout-mid-000000000000"}


@dataclass
class Run:
    """What a command returned and printed."""

    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _main_restores_logging(_restore_logging: None) -> None:
    """main() sets up the log file under LOG_DIR; each test gets the logger back as it was."""


@pytest.fixture(autouse=True)
def _no_desktop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No browser of this machine's user is read, and no D-Bus session: a test names its own profile,
    or an empty home."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)


@pytest.fixture
def cli(
    settings: Settings,
    replay: InstagramReplay,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Run]:
    """Runs ``python -m scraper ARGS`` in-process on the test archive, against the replay, in English."""
    monkeypatch.setenv("LOG_DIR", str(settings.log_dir))
    monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
    for name in ("SCRAPER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main([*args, "--db", settings.db_url, "--media-dir", str(settings.media_dir)])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def firefox_profile(
    folder: Path,
    cookies: dict[str, str],
    *,
    expiry: float | None = None,
    host: str = ".instagram.com",
) -> Path:
    """A Firefox profile folder whose ``cookies.sqlite`` (Firefox's schema, WAL mode) holds ``cookies``
    for ``host``, and a session cookie of another site."""
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / "cookies.sqlite")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', "
        "name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, "
        "creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, "
        "sameSite INTEGER DEFAULT 0, rawSameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, "
        "isPartitionedAttributeSet INTEGER DEFAULT 0, "
        "CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes))"
    )
    write_firefox_cookies(db, cookies, expiry=expiry, host=host)
    write_firefox_cookies(db, OTHER_SITE, host=".example.org")
    db.close()
    return folder


def write_firefox_cookies(
    db: sqlite3.Connection,
    cookies: dict[str, str],
    *,
    expiry: float | None = None,
    host: str = ".instagram.com",
) -> None:
    now = time.time()
    until = int(expiry if expiry is not None else now + 365 * 86400)
    db.executemany(
        "INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed, creationTime, isSecure, "
        "isHttpOnly) VALUES (?, ?, ?, '/', ?, ?, ?, 1, ?)",
        [
            (name, value, host, until, int(now * 1e6), int(now * 1e6), name == "sessionid")
            for name, value in cookies.items()
        ],
    )
    db.commit()


def secrets_of(cookies: dict[str, str]) -> list[str]:
    """The values that must never be printed or logged."""
    return [cookies[k] for k in ("sessionid", "csrftoken") if k in cookies] + [OTHER_SITE["sessionid"]]


def assert_no_secret(run: Run, settings: Settings, cookies: dict[str, str]) -> None:
    log = (settings.log_dir / "scraper.log").read_text(encoding="utf-8")
    assert log  # the check reads something
    for secret in secrets_of(cookies):
        assert secret not in run.out + run.err
        assert secret not in log


def saved_cookies(path: Path) -> dict[str, str]:
    with path.open("rb") as file:
        saved: dict[str, str] = pickle.load(file)
    return saved


# Firefox


def test_a_firefox_login_is_saved_and_a_logged_in_sync_uses_it(
    cli: Callable[..., Run], replay: InstagramReplay, settings: Settings, tmp_path: Path
) -> None:
    account = build_account("ermua.kultura", 4)
    add_comments(account, account.posts[0].shortcode, 3)
    replay.add_account(account)
    cookies = replay.make_session("researcher")
    profile = firefox_profile(tmp_path / "firefox" / "abcd1234.default-release", cookies)

    run = cli("login", "--from-browser", "firefox", "--profile", str(profile))

    path = session_path(settings, "researcher")
    assert run.code == 0, run.err
    assert run.out.strip() == t(
        "cli.login.browser_done", "en", user="researcher", browser="Firefox", path=path
    )
    assert replay.count("test_login") == 1
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    saved = saved_cookies(path)
    assert {k: saved[k] for k in ("sessionid", "ds_user_id", "csrftoken")} == {
        k: cookies[k] for k in ("sessionid", "ds_user_id", "csrftoken")
    }
    assert OTHER_SITE["sessionid"] not in saved.values()  # only Instagram's cookies
    assert_no_secret(run, settings, cookies)

    replay.reset_calls()
    synced = cli("sync", "ermua.kultura", "--comments")  # needs a login: the only saved one is used

    assert synced.code == 0, synced.err
    comment_reads = [c for c in replay.calls if c.kind in ("comments", "comments_iphone")]
    assert comment_reads and all(c.logged_in for c in comment_reads)  # comments are read logged in only
    assert_no_secret(synced, settings, cookies)


def test_a_login_firefox_has_not_written_out_yet_is_found(
    cli: Callable[..., Run], replay: InstagramReplay, settings: Settings, tmp_path: Path
) -> None:
    """A running Firefox holds its cookie store locked, with the newest cookies still in its
    write-ahead log: a login made a minute ago is there."""
    profile = firefox_profile(tmp_path / "profile", LOGGED_OUT)
    cookies = replay.make_session("researcher")
    running = sqlite3.connect(profile / "cookies.sqlite")
    running.execute("PRAGMA locking_mode=EXCLUSIVE")
    try:
        write_firefox_cookies(
            running, {"sessionid": cookies["sessionid"], "ds_user_id": cookies["ds_user_id"]}
        )
        assert (profile / "cookies.sqlite-wal").stat().st_size > 0

        run = cli("login", "--from-browser", "firefox", "--profile", str(profile / "cookies.sqlite"))
    finally:
        running.close()

    assert run.code == 0, run.err
    assert saved_cookies(session_path(settings, "researcher"))["sessionid"] == cookies["sessionid"]


@pytest.mark.parametrize(
    "case",
    [
        "no sessionid",
        "expired cookie",
        "session Instagram forgot",
        "test_login anonymous",
        "user of another site",
    ],
)
def test_a_browser_not_logged_in_to_instagram(
    case: str, cli: Callable[..., Run], replay: InstagramReplay, settings: Settings, tmp_path: Path
) -> None:
    cookies = {**LOGGED_OUT, **replay.make_session("researcher")}
    expiry = None
    host = ".instagram.com"
    if case == "no sessionid":
        cookies = dict(LOGGED_OUT)
    elif case == "expired cookie":
        expiry = time.time() - 3600
    elif case == "session Instagram forgot":
        replay.expire_sessions()
    elif case == "test_login anonymous":
        replay.fail("test_login", status=200, body=json.dumps({"data": {"user": None}, "status": "ok"}))
    else:
        host = ".notinstagram.com"
    profile = firefox_profile(tmp_path / "profile", cookies, expiry=expiry, host=host)

    run = cli("login", "--from-browser", "firefox", "--profile", str(profile))

    assert (run.code, run.out) == (4, "")
    assert run.err.strip() == t("error.browser_not_logged_in", "en", browser="Firefox")
    assert not settings.sessions_dir.exists() or not any(settings.sessions_dir.iterdir())
    # Only a session that looks valid is put to Instagram.
    asked = case in ("session Instagram forgot", "test_login anonymous")
    assert replay.count("test_login") == (1 if asked else 0)
    assert_no_secret(run, settings, cookies)


def test_the_account_named_must_be_the_one_logged_in(
    cli: Callable[..., Run], replay: InstagramReplay, settings: Settings, tmp_path: Path
) -> None:
    cookies = replay.make_session("researcher")
    profile = firefox_profile(tmp_path / "profile", cookies)

    run = cli("login", "someone.else", "--from-browser", "firefox", "--profile", str(profile))

    assert run.code == 4
    expected = t("error.browser_wrong_user", "en", browser="Firefox", found="researcher", user="someone.else")
    assert run.err.strip() == expected
    assert not session_path(settings, "researcher").exists()
    assert cli("login", "researcher", "--from-browser", "firefox", "--profile", str(profile)).code == 0


# Not found


@pytest.mark.parametrize("name", list(browser.BROWSERS))
def test_a_browser_that_is_not_on_this_computer(
    name: str, cli: Callable[..., Run], replay: InstagramReplay
) -> None:
    run = cli("login", "--from-browser", name)

    assert (run.code, run.out) == (9, "")
    assert run.err.strip() == t("error.browser_not_found", "en", browser=browser.BROWSERS[name])
    assert replay.calls == []


@pytest.mark.parametrize(
    ("name", "make", "file"),
    [
        ("firefox", lambda p: None, "cookies.sqlite"),
        ("firefox", lambda p: p.mkdir(), "cookies.sqlite"),
        ("chromium", lambda p: (p / "Network").mkdir(parents=True), "Network/Cookies"),
    ],
    ids=["firefox missing folder", "firefox empty folder", "chromium folder without cookies"],
)
def test_a_profile_that_is_not_there(
    name: str, make: Callable[[Path], None], file: str, cli: Callable[..., Run], tmp_path: Path
) -> None:
    profile = tmp_path / "profile"
    make(profile)

    run = cli("login", "--from-browser", name, "--profile", str(profile))

    assert run.code == 9
    label = browser.BROWSERS[name]
    assert run.err.strip() == t(
        "error.browser_profile_not_found", "en", browser=label, path=profile, file=file
    )


# Out of reach


def chromium_cookies(file: Path, cookies: dict[str, str], password: str) -> None:
    """A Chromium cookie store (schema version 24) whose values are encrypted as Chromium does on Linux
    with the key ``password`` from the system keyring (v11)."""
    from Cryptodome.Cipher import AES
    from Cryptodome.Protocol.KDF import PBKDF2
    from Cryptodome.Util.Padding import pad

    key = PBKDF2(password, b"saltysalt", 16, 1)
    file.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(file)
    db.execute("CREATE TABLE meta (key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)")
    db.execute("INSERT INTO meta VALUES ('version', '24')")
    db.execute(
        "CREATE TABLE cookies (creation_utc INTEGER, host_key TEXT, top_frame_site_key TEXT, name TEXT, "
        "value TEXT, encrypted_value BLOB, path TEXT, expires_utc INTEGER, is_secure INTEGER, "
        "is_httponly INTEGER)"
    )
    expires = int((time.time() + 11644473600 + 86400 * 30) * 1e6)
    for name, value in cookies.items():
        plain = hashlib.sha256(b".instagram.com").digest() + value.encode()
        encrypted = b"v11" + AES.new(key, AES.MODE_CBC, b" " * 16).encrypt(pad(plain, 16))
        db.execute(
            "INSERT INTO cookies VALUES (0, '.instagram.com', '', ?, '', ?, '/', ?, 1, 1)",
            (name, encrypted, expires),
        )
    db.commit()
    db.close()


@pytest.fixture
def silent_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A D-Bus session bus that accepts connections and never answers, as a keyring waiting for a
    password nobody types."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(tmp_path / "bus"))
    server.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'bus'}")
    monkeypatch.setattr(browser, "KEYRING_TIMEOUT", 1.0)
    yield
    for connection in accepted:  # the reader left behind gets its answer: the end of the stream
        connection.close()
    server.close()


@pytest.mark.parametrize(
    "case", ["damaged store", "another browser's store", "key in the keyring", "keyring never answers"]
)
def test_a_cookie_store_out_of_reach(
    case: str,
    cli: Callable[..., Run],
    replay: InstagramReplay,
    settings: Settings,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    cookies = replay.make_session("researcher")
    if case == "damaged store":
        name = "firefox"
        profile = tmp_path / "profile"
        profile.mkdir()
        (profile / "cookies.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
    elif case == "another browser's store":
        name = "firefox"
        profile = tmp_path / "chromium" / "Default" / "Cookies"
        chromium_cookies(profile, cookies, password="peanuts")
    else:
        name = "chromium"
        profile = tmp_path / "chromium" / "Default"
        chromium_cookies(profile / "Cookies", cookies, password="a-secret-of-the-gnome-keyring")
        if case == "keyring never answers":
            request.getfixturevalue("silent_keyring")

    started = time.monotonic()
    run = cli("login", "--from-browser", name, "--profile", str(profile))

    assert (run.code, run.out) == (10, "")
    label = browser.BROWSERS[name]
    if case == "keyring never answers":
        assert run.err.strip() == t("error.browser_keyring_timeout", "en", browser=label)
        assert time.monotonic() - started < 30  # given up on, not waited for
    else:
        log = str(settings.log_dir / "scraper.log")
        assert run.err.strip() == t("error.browser_cookies_unreadable", "en", browser=label, log=log)
    assert replay.calls == []
    assert "Traceback" not in run.err
    if case != "keyring never answers":
        assert "Traceback" in (settings.log_dir / "scraper.log").read_text(encoding="utf-8")
    assert_no_secret(run, settings, cookies)


def test_profile_needs_from_browser_and_login_needs_a_user(cli: Callable[..., Run], tmp_path: Path) -> None:
    assert cli("login", "--profile", str(tmp_path)).code == 2
    run = cli("login")
    assert run.code == 2 and run.err.strip() == t("error.login_needs_user", "en")


# Chromium, for real


def chromium_profile(user_data: Path, cookies: dict[str, str]) -> None:
    """A profile made by Chromium itself holding ``cookies`` for .instagram.com, encrypted as Chromium
    does without a keyring (``--password-store=basic``)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    expires = time.time() + 30 * 86400
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(user_data), executable_path=str(CHROMIUM), headless=True, args=["--password-store=basic"]
        )
        context.add_cookies(
            [
                {
                    "name": name,
                    "value": value,
                    "domain": ".instagram.com",
                    "path": "/",
                    "expires": expires,
                    "secure": True,
                    "httpOnly": name == "sessionid",
                }
                for name, value in cookies.items()
            ]
        )
        context.close()


@pytest.mark.parametrize("where", ["Default", "user data folder", "cookie file"])
def test_a_chromium_profile_made_by_chromium(
    where: str, cli: Callable[..., Run], replay: InstagramReplay, settings: Settings, tmp_path: Path
) -> None:
    cookies = replay.make_session("researcher")
    user_data = tmp_path / "chromium"
    chromium_profile(user_data, cookies)
    stored = next(
        p
        for p in (user_data / "Default" / "Network" / "Cookies", user_data / "Default" / "Cookies")
        if p.exists()
    )
    assert cookies["sessionid"].encode() not in stored.read_bytes()  # encrypted on disk
    profile = {"Default": user_data / "Default", "user data folder": user_data, "cookie file": stored}[where]

    run = cli("login", "--from-browser", "chromium", "--profile", str(profile))

    assert run.code == 0, run.err
    saved = saved_cookies(session_path(settings, "researcher"))
    assert saved["sessionid"] == cookies["sessionid"] and saved["csrftoken"] == cookies["csrftoken"]
    assert_no_secret(run, settings, cookies)


# The dashboard


def _sidebar() -> None:
    from ui import sidebar

    sidebar.render()


@pytest.fixture
def dashboard_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in [
        ("DATABASE_URL", settings.db_url),
        ("MEDIA_DIR", str(settings.media_dir)),
        ("DATA_DIR", str(settings.data_dir)),
        ("LOG_DIR", str(settings.log_dir)),
    ]:
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("logged_in", [True, False], ids=["logged in", "not logged in"])
def test_the_login_panel_takes_the_login_of_a_browser(
    logged_in: bool, dashboard_env: None, replay: InstagramReplay, settings: Settings, tmp_path: Path
) -> None:
    from streamlit.testing.v1 import AppTest

    from ui.text import inert

    cookies = replay.make_session("researcher") if logged_in else dict(LOGGED_OUT)
    profile = firefox_profile(tmp_path / "profile", cookies)
    at = AppTest.from_function(_sidebar, default_timeout=60)
    at.session_state["lang"] = "es"
    at.run()
    assert [o for o in at.sidebar.selectbox(key="browser_pick").options] == list(browser.BROWSERS.values())

    at.sidebar.selectbox(key="browser_pick").select("firefox")
    at.sidebar.text_input(key="browser_profile").input(f"  {profile}  ")
    at.sidebar.button(key="browser_submit").click().run()

    assert not at.exception
    shown = " ".join(str(e.value) for e in [*at.sidebar.error, *at.sidebar.success, *at.toast])
    if logged_in:
        assert session_path(settings, "researcher").is_file()
        assert at.sidebar.selectbox(key="sync_as").value == "researcher"  # the new login is chosen
        assert t("ui.login.done", "es", user="researcher") in shown
    else:
        assert not session_path(settings, "researcher").exists()
        message = t("error.browser_not_logged_in", "es", browser="Firefox")
        assert [e.value for e in at.sidebar.error] == [inert(message)]
    for secret in secrets_of(cookies):
        assert secret not in shown


def test_instagram_unreachable_is_not_taken_for_a_missing_login(
    cli: Callable[..., Run], replay: InstagramReplay, settings: Settings, tmp_path: Path
) -> None:
    cookies = replay.make_session("researcher")
    profile = firefox_profile(tmp_path / "profile", cookies)
    replay.fail("test_login", exception=requests.ConnectionError("no route to host"), times=None)

    run = cli("login", "--from-browser", "firefox", "--profile", str(profile))

    assert (run.code, run.out) == (6, "")
    assert run.err.strip() == t("error.network", "en")
    assert not session_path(settings, "researcher").exists()
    assert_no_secret(run, settings, cookies)
