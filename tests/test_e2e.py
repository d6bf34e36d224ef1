"""End to end in a real browser: Debian's Chromium driven by Playwright against `streamlit run`,
with Instagram replayed inside the server process. Screenshots go to artifacts/e2e/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.databases import Databases
from tests.server import CHROMIUM, CHROMIUM_ARGS, ROOT, dashboard

ARTIFACTS = ROOT / "artifacts" / "e2e"
ACCOUNT = "ermua.kultura"

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api") if not os.environ.get("CI") else None
if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (CI installs it)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[tuple[str, dict[str, str]]]:
    """The dashboard on a free port, over an empty archive, with a 40-post account replayed; its URL
    and environment (the archive's DATABASE_URL and MEDIA_DIR)."""
    tmp = tmp_path_factory.mktemp("e2e")
    with databases.database(tmp) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "MEDIA_DIR": str(tmp / "media"),
            "LOG_DIR": str(tmp / "logs"),
            "DATA_DIR": str(tmp / "data"),
            "PYTHONPATH": str(ROOT),
        }
        args = ["-m", "scraper.replay.offline", "--account", f"{ACCOUNT}:40:1:1", "--", "dashboard"]
        with dashboard([*args, "--server.address", "127.0.0.1"], env, tmp / "server.log") as running:
            yield running.url, env
    if ARTIFACTS.exists():
        shutil.copy(tmp / "server.log", ARTIFACTS / "server.log")


@pytest.fixture(scope="module")
def server(served: tuple[str, dict[str, str]]) -> str:
    return served[0]


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Page]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        yield context.new_page()
        browser.close()


def no_error(page: Page) -> None:
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.locator("[data-testid='stAlertContentError']")).to_have_count(0)


@pytest.fixture(autouse=True)
def _screenshot_on_failure(request: pytest.FixtureRequest, page: Page) -> Iterator[None]:
    """Keep what the browser showed when a test failed, next to the other artifacts."""
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed > failed_before:
        page.screenshot(path=ARTIFACTS / f"failed-{request.node.name}.png", full_page=True)


def test_sync_from_the_sidebar_then_every_page_draws(server: str, page: Page) -> None:
    page.goto(server)
    # The first run of the script is over when the start page says the archive is empty.
    expect(page.get_by_text("No account stored yet")).to_be_visible(timeout=30_000)
    sidebar = page.locator("[data-testid='stSidebar']")
    box = sidebar.get_by_role("textbox", name="Instagram account")
    box.fill(ACCOUNT)
    expect(box).to_have_value(ACCOUNT)
    sidebar.get_by_role("button", name="Sync", exact=True).click()
    expect(sidebar.get_by_text(f"{ACCOUNT}: 40 new posts")).to_be_visible(timeout=90_000)
    # The start page lists what the sync stored.
    expect(page.locator("[data-testid='stMain'] [data-testid='stDataFrame']")).to_be_visible(timeout=30_000)
    expect(sidebar.get_by_text("40 posts ·")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "1-synced.png", full_page=True)
    # A second sync gives follower growth its second point. Click once the progress panel is gone.
    expect(sidebar.get_by_role("button", name="Cancel")).to_have_count(0)
    sidebar.get_by_role("button", name="Update").first.click()
    expect(sidebar.get_by_text(f"{ACCOUNT}: 0 new posts")).to_be_visible(timeout=90_000)
    no_error(page)

    main = page.locator("[data-testid='stMain']")
    page.goto(f"{server}/gallery?account={ACCOUNT}")
    expect(main.locator("[data-testid='stImage'] img")).to_have_count(24, timeout=30_000)
    # A picture still loading has no width yet: wait until the browser is done with every one.
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stMain'] [data-testid='stImage'] img\")]"
        ".every(img => img.complete)",
        timeout=30_000,
    )
    sources = main.locator("[data-testid='stImage'] img").evaluate_all("els => els.map(e => e.naturalWidth)")
    assert all(0 < width <= 320 for width in sources), sources  # thumbnails, never full-size files
    no_error(page)
    page.screenshot(path=ARTIFACTS / "2-gallery.png", full_page=True)

    for path, charts in [
        ("profile", 1),
        ("captions", 4),
        ("frequency", 3),
        ("engagement", 3),  # growth curves need counts seen twice: anonymous updates skip stored posts
        ("compare", 4),
    ]:
        page.goto(f"{server}/{path}?account={ACCOUNT}")
        expect(main.locator(".vega-embed")).to_have_count(charts, timeout=30_000)
        expect(main.locator(".vega-embed svg, .vega-embed canvas")).to_have_count(charts, timeout=30_000)
        no_error(page)
        page.screenshot(path=ARTIFACTS / f"3-{path}.png", full_page=True)
    # Syncs from the sidebar here were logged out: no comments yet, and the page says how to get them.
    page.goto(f"{server}/comments?account={ACCOUNT}")
    expect(main.get_by_text(f"python -m scraper sync {ACCOUNT} --comments")).to_be_visible(timeout=30_000)
    no_error(page)
    # One search over every stored account, from its link: the week chart, then the matches
    # (the last word is also a prefix: "a" finds the captions' words starting with it).
    page.goto(f"{server}/search?q=a")
    expect(main.locator(".vega-embed svg, .vega-embed canvas")).to_have_count(1, timeout=30_000)
    expect(main.get_by_role("link", name="Open on Instagram").first).to_be_visible()
    expect(main.get_by_role("textbox", name="Search the captions and comments")).to_have_value("a")
    no_error(page)
    page.screenshot(path=ARTIFACTS / "3-search.png", full_page=True)


def test_the_open_link_keeps_account_and_view(server: str, page: Page) -> None:
    page.goto(f"{server}/frequency?account={ACCOUNT}")
    expect(page.locator("[data-testid='stMain'] .vega-embed")).to_have_count(3, timeout=30_000)
    assert "/frequency" in page.url and f"account={ACCOUNT}" in page.url


def sync_elsewhere(env: dict[str, str], account: str, posts: int, seed: int, *, new: int = 0) -> None:
    """A sync of the archive the dashboard shows, in a process of its own (as the command line, cron's
    ``watch run`` or a worker would run it), against Instagram replayed there; ``new`` newer posts
    are published first."""
    command = [sys.executable, "-m", "scraper.replay.offline", "--account", f"{account}:{posts}:{seed}"]
    if new:
        command += ["--new", f"{account}:{new}"]
    command += ["--", "sync", account]
    logs = {"LOG_DIR": env["LOG_DIR"] + "-elsewhere", "SCRAPER_LANG": "en"}
    done = subprocess.run(command, cwd=ROOT, env={**env, **logs}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_reload_shows_what_another_process_stored(served: tuple[str, dict[str, str]], page: Page) -> None:
    server, env = served
    other = "ermua.kirolak"
    sync_elsewhere(env, other, 20, 2)
    page.goto(f"{server}/gallery?account={other}")
    main, sidebar = page.locator("[data-testid='stMain']"), page.locator("[data-testid='stSidebar']")
    expect(main.get_by_text("20 of 20 posts")).to_be_visible(timeout=30_000)
    expect(sidebar.get_by_role("button", name=other, exact=True)).to_be_visible()

    sync_elsewhere(env, other, 20, 2, new=5)
    page.reload()

    # The first run after the reload reads the new revision: no cache to wait out.
    expect(main.get_by_text("24 of 25 posts")).to_be_visible(timeout=10_000)
    expect(sidebar.get_by_text("25 posts ·")).to_be_visible()
    no_error(page)
    page.screenshot(path=ARTIFACTS / "4-synced-elsewhere.png", full_page=True)


def test_compare_opens_a_group_from_its_link(served: tuple[str, dict[str, str]], page: Page) -> None:
    server, env = served
    # A group made elsewhere (the command line) of the two accounts synced so far.
    command = [sys.executable, "-m", "scraper", "groups", "add", "ermua", ACCOUNT, "ermua.kirolak"]
    logs = {"LOG_DIR": env["LOG_DIR"] + "-groups", "SCRAPER_LANG": "en"}
    done = subprocess.run(command, cwd=ROOT, env={**env, **logs}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

    page.goto(f"{server}/compare?group=ermua")
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_text("Comparing the 2 accounts of the group ermua")).to_be_visible(timeout=30_000)
    expect(main.locator(".vega-embed svg, .vega-embed canvas")).to_have_count(4, timeout=30_000)
    assert "group=ermua" in page.url
    no_error(page)
    page.screenshot(path=ARTIFACTS / "6-compare-group.png", full_page=True)

    # The group's network: the accounts tag people around them (their comments are not stored yet).
    page.goto(f"{server}/community?group=ermua")
    expect(main.get_by_text("The network of the 2 accounts of the group ermua.")).to_be_visible(
        timeout=30_000
    )
    expect(main.locator(".vega-embed svg, .vega-embed canvas").first).to_be_visible(timeout=30_000)
    expect(main.get_by_role("button", name="Download GEXF")).to_be_visible()
    assert "group=ermua" in page.url
    no_error(page)
    page.screenshot(path=ARTIFACTS / "7-community-group.png", full_page=True)


def test_the_comments_page_after_a_sync_with_comments(served: tuple[str, dict[str, str]], page: Page) -> None:
    server, env = served
    command = [sys.executable, "-m", "scraper.replay.offline", "--account", f"{ACCOUNT}:40:1:1"]
    command += ["--login", "researcher:s3cret-pw", "--", "sync", ACCOUNT, "--comments"]
    logs = {"LOG_DIR": env["LOG_DIR"] + "-comments", "SCRAPER_LANG": "en"}
    done = subprocess.run(command, cwd=ROOT, env={**env, **logs}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

    page.goto(f"{server}/comments?account={ACCOUNT}")
    main = page.locator("[data-testid='stMain']")
    expect(main.locator(".vega-embed")).to_have_count(2, timeout=30_000)  # per week, who comments most
    expect(main.locator(".vega-embed svg, .vega-embed canvas")).to_have_count(2, timeout=30_000)
    expect(main.locator("[data-testid='stDataFrame']").first).to_be_visible()
    expect(main.locator("[data-testid='stImage'] img").first).to_be_visible()  # most discussed posts
    no_error(page)
    page.screenshot(path=ARTIFACTS / "5-comments.png", full_page=True)
