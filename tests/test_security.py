"""Security against the real server: hostile text runs nothing in a real browser (Debian's Chromium
driven by Playwright), the dashboard listens on this machine only, its media URLs give no file from
the disk, and no password or session cookie reaches the log or the database.

The browser test follows tests/test_e2e.py's rules: marked ``e2e``, skipped without Playwright or
/usr/bin/chromium, except in CI (where CI installs both). The other tests need neither.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import logging
import os
import pickle
import socket
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import pytest
from sqlalchemy.engine import make_url

from i18n import t
from insights.comments import label as chart_label
from scraper.archive import Archive
from scraper.config import Settings
from scraper.instagram import fetch
from scraper.instagram.login import Login, import_session, login, session_path
from scraper.logs import setup_logging
from scraper.replay import InstagramReplay, add_comments, build_account
from scraper.store.models import utcnow
from scraper.sync import SyncOptions
from tests.databases import Databases
from tests.server import CHROMIUM, CHROMIUM_ARGS, ROOT, dashboard

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTIFACTS = ROOT / "artifacts" / "security"
ACCOUNT = "hostile.xss"
# Each would set window.__pwned if the page ever ran or rendered it as markup.
PAYLOADS = (
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    "[click](javascript:window.__pwned=3)",
    '<a href="javascript:window.__pwned=4">x</a>',
)
PAYLOAD = " ".join(PAYLOADS)
CAPTION = PAYLOAD + " #xss"
COMMENT = PAYLOAD + " #comment"  # each of the hostile post's comments, one by each payload as author
SECRET = "b7e1c0de-not-for-the-browser"  # in a file beside the media root


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    pid: int
    shortcode: str  # of the post whose caption is hostile
    settings: Settings


def seed(settings: Settings) -> str:
    """Store an account whose name, biography and newest caption carry PAYLOAD, and whose newest post
    has a COMMENT by each of PAYLOADS as author, through a real sync of the replay, logged in, media
    and comments included; the hostile post's shortcode."""
    account = build_account(ACCOUNT, 3, seed=7, start=utcnow())
    account.full_name = account.biography = PAYLOAD
    account.posts[0].caption = CAPTION
    for post in account.posts:
        post.comments = 0
    for comment, author in zip(
        add_comments(account, account.posts[0].shortcode, len(PAYLOADS)), PAYLOADS, strict=True
    ):
        comment.owner, comment.text = author, COMMENT
    archive = Archive(settings)
    factory = functools.partial(fetch.make_loader, sleep=False, rate_sleep=lambda seconds: None)
    try:
        with InstagramReplay([account], users={"researcher": "s3cret-pw"}):
            saved = login(settings, "researcher", "s3cret-pw", lambda: "", loader=factory(settings=settings))
            options = SyncOptions(comments=True)
            result = archive.sync(ACCOUNT, options, login=Login("researcher", saved), loader_factory=factory)
    finally:
        archive.engine.dispose()
    assert result.error is None and result.new == 3 and result.media_downloaded > 0
    assert result.comments_new == len(PAYLOADS)
    return account.posts[0].shortcode


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Server]:
    """The dashboard over the seeded archive, started like ``./run dashboard`` (the repository's
    .streamlit/config.toml, no --server.address), on a free port, with Instagram replayed inside."""
    tmp = tmp_path_factory.mktemp("security")
    with databases.database(tmp) as url:
        settings = Settings(url, tmp / "media", tmp / "data", tmp / "logs")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SCRAPER_NO_WAIT", "1")
            shortcode = seed(settings)
        (tmp / "secret.txt").write_text(SECRET)
        env = {
            **os.environ,
            "DATABASE_URL": settings.db_url,
            "MEDIA_DIR": str(settings.media_dir),
            "LOG_DIR": str(settings.log_dir),
            "DATA_DIR": str(settings.data_dir),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("STREAMLIT_SERVER_ADDRESS", None)
        with dashboard(
            ["-m", "scraper.replay.offline", "--", "dashboard"], env, tmp / "server.log"
        ) as running:
            yield Server(running.url, running.port, running.pid, shortcode, settings)


# Hostile text in a real browser


@pytest.fixture(scope="module")
def page(server: Server) -> Iterator[Page]:
    if not os.environ.get("CI"):  # as tests/test_e2e.py: CI must have both, elsewhere they are optional
        pytest.importorskip("playwright.sync_api")
        if not os.path.exists(CHROMIUM):
            pytest.skip("Debian's chromium is not installed (CI installs it)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        yield context.new_page()
        browser.close()


# What the payload would have made, anywhere in the page; Streamlit's own <script> tags sit outside
# #root, so any script inside it, or any carrying the payload, is injected.
INJECTED = """() => ({
    pwned: typeof window.__pwned,
    img_x: document.querySelectorAll('img[src="x"]').length,
    handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
    scripts_in_app: document.querySelectorAll('#root script').length,
    scripts_with_payload: [...document.scripts].filter(s => s.text.includes('__pwned')).length,
    js_links: document.querySelectorAll('a[href^="javascript:" i], [src^="javascript:" i]').length,
    iframes: document.querySelectorAll('#root iframe').length,
})"""
CLEAN = {
    "pwned": "undefined",
    "img_x": 0,
    "handlers": 0,
    "scripts_in_app": 0,
    "scripts_with_payload": 0,
    "js_links": 0,
    "iframes": 0,
}


def assert_inert(page: Page, name: str) -> None:
    from playwright.sync_api import expect

    main = page.locator("[data-testid='stMain']")
    for label in ("click", "x"):  # the payload's links, had they been rendered as links
        expect(main.get_by_role("link", name=label, exact=True)).to_have_count(0)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    assert page.evaluate(INJECTED) == CLEAN


@pytest.mark.e2e
def test_hostile_text_runs_nothing_and_renders_no_markup(server: Server, page: Page) -> None:
    from playwright.sync_api import expect

    main = page.locator("[data-testid='stMain']")

    # Profile: the full name and the biography, each shown literally, as one text.
    page.goto(f"{server.url}/profile?account={ACCOUNT}")
    shown = main.get_by_text(PAYLOAD, exact=True)
    expect(shown).to_have_count(2, timeout=30_000)
    expect(shown.first).to_be_visible()
    shown.first.click()
    shown.last.dblclick()
    assert_inert(page, "1-profile")

    # Gallery detail view of the hostile post.
    page.goto(f"{server.url}/gallery?account={ACCOUNT}&post={server.shortcode}")
    caption = main.get_by_text(CAPTION, exact=True)
    expect(caption).to_be_visible(timeout=30_000)
    caption.click()
    caption.dblclick()
    expect(main.get_by_text(COMMENT, exact=True)).to_have_count(len(PAYLOADS))  # the thread
    for author in PAYLOADS:  # above each comment, with its time and likes
        expect(main.get_by_text("@" + author, exact=False)).to_have_count(1)
    assert_inert(page, "2-detail")

    # Captions page, searching the payload: the table (drawn on a canvas) keeps it as text.
    page.goto(f"{server.url}/captions?account={ACCOUNT}")
    search = main.get_by_role("textbox", name=t("ui.captions.search", "en"))
    search.fill("onerror")
    search.press("Enter")
    expect(main.get_by_text(t("ui.captions.matches", "en", count=1))).to_be_visible(timeout=30_000)
    cell = main.locator("[data-testid='stDataFrame'] td[role='gridcell']").filter(has_text="onerror")
    expect(cell).to_have_count(1)
    assert cell.text_content() == CAPTION
    grid = main.locator("[data-testid='stDataFrame']").first
    box = grid.bounding_box()
    assert box is not None
    for x in range(40, int(box["width"]) - 20, 120):  # every column of the one row, then its overlay
        grid.dblclick(position={"x": x, "y": 52})
        page.keyboard.press("Escape")
    assert_inert(page, "3-captions")

    # Comments page: the authors in a chart (drawn by Vega) and its tooltips, the texts in tables.
    page.goto(f"{server.url}/comments?account={ACCOUNT}")
    charts = main.locator(".vega-embed")
    expect(charts).to_have_count(2, timeout=30_000)
    people = charts.nth(1)
    people.scroll_into_view_if_needed()
    box = people.bounding_box()
    assert box is not None
    tooltip = page.locator("#vg-tooltip-element")  # vega-tooltip's one element, filled on each hover
    shown = set()
    for y in range(int(box["height"] * 0.15), int(box["height"] * 0.85), 6):  # across every bar
        people.hover(position={"x": box["width"] * 0.8, "y": y})  # right of the names, on the bars
        if tooltip.count():
            shown.add(tooltip.text_content() or "")
            assert tooltip.locator("img, script, a, iframe, style, svg").count() == 0
    for author in PAYLOADS:  # as the chart labels it: at most 40 characters
        assert any(chart_label(author) in text for text in shown), (author, shown)
    assert_inert(page, "4-comments")


def type_account(page: Page, typed: str) -> None:
    from playwright.sync_api import expect

    sidebar = page.locator("[data-testid='stSidebar']")
    # The start page's table shows once the script's first run is over; typing earlier may be lost.
    expect(page.locator("[data-testid='stMain'] [data-testid='stDataFrame']")).to_be_visible(timeout=30_000)
    box = sidebar.get_by_role("textbox", name=t("ui.sync.account", "en"))
    box.fill(typed)
    expect(box).to_have_value(typed)
    sidebar.get_by_role("button", name=t("ui.sync.start", "en"), exact=True).click()


@pytest.mark.e2e
def test_the_sidebar_repeats_a_typed_html_name_as_text(server: Server, page: Page) -> None:
    """The error message repeats what was typed: HTML in it stays text."""
    from playwright.sync_api import expect

    page.goto(server.url)
    alert = page.locator("[data-testid='stSidebar'] [data-testid='stAlertContentError']")
    for typed in (PAYLOADS[0], PAYLOADS[1], PAYLOADS[3]):
        type_account(page, typed)
        expect(alert).to_contain_text(f"“{typed}”", timeout=30_000)
        assert page.evaluate(INJECTED) == CLEAN
        expect(alert.get_by_role("link")).to_have_count(0)


@pytest.mark.e2e
def test_the_sidebar_repeats_a_typed_markdown_name_as_text(server: Server, page: Page) -> None:
    from playwright.sync_api import expect

    typed = "[click](javascript:window.__pwned=5) **bold**"
    page.goto(server.url)
    alert = page.locator("[data-testid='stSidebar'] [data-testid='stAlertContentError']")
    type_account(page, typed)
    expect(alert).to_contain_text("is not a valid", timeout=30_000)
    assert page.evaluate(INJECTED) == CLEAN  # nothing runs: Streamlit turns javascript: links into "#"
    expect(alert).to_contain_text(f"“{typed}”", timeout=2_000)


# The network


def listening(pid: int) -> set[tuple[str, int]]:
    """The (address, port) pairs that process ``pid`` listens on over TCP, from /proc."""
    sockets = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            sockets.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            continue
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or f"socket:[{inode}]" not in sockets:  # 0A: LISTEN
                continue
            address, port = local.split(":")
            raw = bytes.fromhex(address)  # 32-bit words in host (little-endian) order
            packed = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add((socket.inet_ntop(family, packed), int(port, 16)))
    return found


def own_addresses() -> set[str]:
    """This machine's non-loopback IPv4 addresses (none on a machine without a network)."""
    addresses = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: no packet is sent
            addresses.add(probe.getsockname()[0])
        except OSError:
            pass
    with contextlib.suppress(OSError):
        addresses |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    return {a for a in addresses if not a.startswith("127.") and a != "0.0.0.0"}


def test_the_config_names_the_loopback_address() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="needs Linux's /proc")
def test_the_dashboard_listens_on_127_0_0_1_only(server: Server) -> None:
    assert listening(server.pid) == {("127.0.0.1", server.port)}
    for address in own_addresses():
        with socket.socket() as s, pytest.raises(OSError):
            s.settimeout(2)
            s.connect((address, server.port))


# Files through the server's URLs


def get(server: Server, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no client-side normalization of '..' or '%2e')."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_media_urls_give_no_file_from_the_disk(server: Server) -> None:
    """Streamlit serves st.image bytes from memory under /media/<hash>.<ext>: no path on the disk,
    inside the media root or outside it, is ever served, however it is spelled."""
    media = server.settings.media_dir
    picture = next(p for p in sorted(media.rglob("*.jpg")) if "thumbs" not in p.parts)
    database = Path(make_url(server.settings.db_url).database or "")  # on PostgreSQL, only a name
    secret = media.parent / "secret.txt"
    relative_picture = picture.relative_to(media).as_posix()
    media_paths = [
        "/media/../../etc/passwd",
        "/media/..%2f..%2f..%2fetc%2fpasswd",
        "/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/media/....//....//etc/passwd",
        "/media//etc/passwd",
        "/media/%2fetc%2fpasswd",
        f"/media/{relative_picture}",
        f"/media/{quote(str(picture))}",
        f"/media/{quote(str(picture), safe='')}",
        f"/media/../{secret.name}",
        f"/media/..%2f{secret.name}",
        f"/media/{quote(str(secret), safe='')}",
        f"/media/{quote(str(database), safe='')}",
        f"/media/{'0' * 32}.jpg",
        "/media/",
    ]
    other_paths = [
        "/static/../../../../etc/passwd",
        "/app/static/../../etc/passwd",
        "/component/x/../../../../etc/passwd",
        f"/{secret.name}",
        f"/{database.name}",
        "/dashboard.py",
        "/.streamlit/config.toml",
        f"/{quote(str(secret))}",
    ]
    forbidden = [SECRET.encode(), b"SQLite format 3", picture.read_bytes()[:64], b"root:x:0:0", b"[server]"]

    for path in media_paths:
        status, body = get(server, path)
        assert status in (400, 404), (path, status)
        assert not any(secret_bytes in body for secret_bytes in forbidden), path
    for path in other_paths:  # Streamlit answers unknown paths with its index page, or 400/404
        status, body = get(server, path)
        assert status in (200, 400, 404), (path, status)
        assert status != 200 or body.lstrip().startswith((b"<!--", b"<!doctype", b"<!DOCTYPE")), path
        assert not any(secret_bytes in body for secret_bytes in forbidden), path


# Secrets


def test_no_password_or_session_cookie_reaches_the_log_or_the_database(
    settings: Settings, databases: Databases, _restore_logging: None
) -> None:
    password = "hunter2-s3cret-pw"
    setup_logging(settings.log_dir, logging.DEBUG)  # everything, instaloader's messages included
    account = build_account("ermua.kultura", 15, seed=3)
    factory = functools.partial(fetch.make_loader, sleep=False, rate_sleep=lambda seconds: None)
    archive = Archive(settings)
    with InstagramReplay([account], users={"researcher": password}) as replay:
        path = login(settings, "researcher", password, lambda: "", loader=factory(settings=settings))
        cookies = pickle.loads(path.read_bytes())
        researcher = Login("researcher", path)
        ok = archive.sync("ermua.kultura", SyncOptions(), login=researcher, loader_factory=factory)
        replay.expire_sessions()  # the next sync is refused and logs why
        expired = archive.sync(
            "ermua.kultura", SyncOptions(full=True), login=researcher, loader_factory=factory
        )
        uploaded = replay.make_session("researcher")
        import_session(settings, "uploader", pickle.dumps(uploaded))
        with pytest.raises(Exception, match="password"):
            login(settings, "researcher", password + "-wrong", lambda: "", loader=factory(settings=settings))
    archive.engine.dispose()

    assert ok.error is None and expired.error is not None
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(session_path(settings, "uploader").stat().st_mode & 0o777) == "0o600"
    assert oct(settings.sessions_dir.stat().st_mode & 0o777) == "0o700"
    secrets = [password]
    for jar in (cookies, uploaded):
        for name in ("sessionid", "csrftoken"):
            value = jar[name]
            parts = [part for part in unquote(value).split(":") if not part.isdigit()]  # not the user id
            secrets += [value, unquote(value), *parts]
    places = [p for p in settings.log_dir.rglob("*") if p.is_file()]
    places += [p for p in settings.data_dir.rglob("*") if p.is_file() and "sessions" not in p.parts]
    assert any(p.suffix == ".log" for p in places)
    contents = {place.name: place.read_bytes() for place in places}
    contents["the database"] = databases.dump(settings.db_url)
    assert b"ermua.kultura" in contents["the database"]
    for name, content in contents.items():
        for secret in secrets:
            assert secret.encode() not in content, (name, secret)
