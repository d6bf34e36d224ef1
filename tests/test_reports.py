"""Reports to share (``python -m scraper report`` and the Profile page's report panel), over the demo
accounts (Spanish and Basque captions and comments, stored by real syncs of the replay) with a group
of the three and a post with hostile text: what the HTML and the PDF hold, the period, the errors
and their exit codes; the HTML opened in Chromium with the network refused, the PDF rendered page by
page with Debian's poppler tools."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from i18n import format_number, t
from reports.content import build_report
from reports.html import html_bytes
from reports.model import Report
from scraper.__main__ import main
from scraper.archive import Archive
from scraper.config import Settings
from scraper.errors import ExitCode
from scraper.replay.demo import seed_demo
from scraper.store import groups
from scraper.store.models import Post, Profile
from tests.databases import Databases
from tests.helpers import shared_archive
from tests.server import CHROMIUM, CHROMIUM_ARGS

ACCOUNT = "demo.ermua.kultura"
OTHER = "demo.ermua.kirolak"
GROUP = "ermua"
MEMBERS = ["demo.ermua.gazteak", "demo.ermua.kirolak", "demo.ermua.kultura"]
# Would set window.__pwned, or load a picture "x", if the report ever ran or rendered it as markup.
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> #peligro'
HOSTILE_NAME = '<img src=y onerror="window.__pwned=3"> Ermua'
# Markers of two posts of OTHER, far apart, both with more likes than any other post: the period
# decides which of them is a top post of its report.
OLD_MARK = "ZAHARRA-KANPOAN"
NEW_MARK = "BERRIA-BARRUAN"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Settings]:
    """The demo accounts (two syncs each, with comments and pictures), the group ``ermua`` of the
    three, the hostile caption on the newest post of ACCOUNT (its top post), a hostile full name and
    biography of ACCOUNT, and the two marked posts
    of OTHER. Built once: the tests only read it."""
    with shared_archive(databases, tmp_path_factory.mktemp("reports")) as archive:
        seed_demo(archive.settings, only_if_empty=False)
        with archive.sessions() as session:
            groups.add(session, GROUP, MEMBERS)
            _mark(session, ACCOUNT, newest=True, caption=HOSTILE)
            profile = session.scalars(select(Profile).where(Profile.username == ACCOUNT)).one()
            profile.full_name = profile.biography = HOSTILE_NAME
            _mark(session, OTHER, newest=False, caption=f"{OLD_MARK} #zaharra")
            _mark(session, OTHER, newest=True, caption=f"{NEW_MARK} #berria")
            session.commit()
        yield archive.settings


def _mark(session: Any, username: str, *, newest: bool, caption: str) -> None:
    post = session.scalars(
        select(Post)
        .join(Profile)
        .where(Profile.username == username)
        .order_by(Post.taken_at.desc() if newest else Post.taken_at)
        .limit(1)
    ).one()
    post.caption = caption
    post.likes = 1_000_000 + (1 if newest else 0)


def taken_at(settings: Settings, username: str) -> list[datetime]:
    """The account's post times (UTC), oldest first."""
    archive = Archive(settings)
    try:
        with archive.sessions() as session:
            times = session.scalars(
                select(Post.taken_at)
                .join(Profile)
                .where(Profile.username == username)
                .order_by(Post.taken_at)
            ).all()
    finally:
        archive.engine.dispose()
    return [when if when.tzinfo else when.replace(tzinfo=UTC) for when in times]


def run(settings: Settings, *args: str) -> int:
    return main(["report", *args, "--db", settings.db_url, "--media-dir", str(settings.media_dir)])


def report(settings: Settings, **options: Any) -> Report:
    archive = Archive(settings)
    try:
        with archive.sessions() as session:
            return build_report(session, settings.media_dir, **options)
    finally:
        archive.engine.dispose()


@pytest.fixture(autouse=True)
def _log_dir(seeded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_DIR", str(seeded.log_dir))  # the command line's log file


# The command line


@pytest.mark.parametrize("subject", [[ACCOUNT], ["--group", GROUP]], ids=["account", "group"])
def test_the_html_report_is_one_file_with_charts_pictures_and_formulas(
    seeded: Settings, tmp_path: Path, subject: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert run(seeded, *subject, "--format", "html", "-o", str(out), "--lang", "en") == ExitCode.OK
    assert str(out) in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html")
    title = f"Report on @{ACCOUNT}" if subject == [ACCOUNT] else f"Report on the group {GROUP}"
    assert f"<title>{title}</title>" in html
    for heading in ("Profile" if subject == [ACCOUNT] else "The group&#39;s accounts", "Followers over time",
                    "Posting frequency", "Engagement", "Top posts", "Hashtags", "Comments",
                    "How each figure is computed"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in html
    if subject != [ACCOUNT]:
        assert "<h2>Community network</h2>" in html
        assert all(f"@{m}" in html for m in MEMBERS)
    assert html.count("<svg") >= 5
    assert html.count('src="data:image/jpeg;base64,') >= 6  # profile picture(s) and top posts
    # The formulas, in words, and the period and time of the data.
    assert "likes plus its comments, divided by the account&#39;s followers" in html
    assert "Period: every stored post, from " in html and "Data as of the last sync: " in html
    # Nothing to fetch: every src is a data: URI and no stylesheet, font or script is linked.
    assert "<script" not in html.replace("&lt;script", "")
    assert "<link" not in html and "@import" not in html
    assert re.findall(r"url\((?!#)", html) == []  # only the charts' own gradients, url(#gradient_0)
    assert 'src="http' not in html and "src='http" not in html


def test_hostile_caption_is_escaped_text(seeded: Settings, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert run(seeded, ACCOUNT, "-o", str(out)) == ExitCode.OK
    html = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=" in html
    assert "<img src=x" not in html and "window.__pwned=1</script>" not in html
    assert "&lt;img src=y onerror=&#34;window.__pwned=3&#34;&gt; Ermua" in html and "<img src=y" not in html


def test_the_period_limits_the_posts(seeded: Settings, tmp_path: Path) -> None:
    times = taken_at(seeded, OTHER)
    since, until = times[1].date() + timedelta(days=1), times[-1].date()
    out = tmp_path / "period.html"
    args = ["--since", since.isoformat(), "--until", until.isoformat(), "-o", str(out), "--lang", "en"]
    assert run(seeded, OTHER, *args) == ExitCode.OK
    html = out.read_text(encoding="utf-8")
    # Both marked posts have more likes than any other: each is a top post when in the period.
    assert NEW_MARK in html and "#berria" in html
    assert OLD_MARK not in html and "zaharra" not in html  # the oldest post is before the period
    inside = sum(since <= when.date() <= until for when in times)
    assert 0 < inside < len(times) - 1
    counted = re.search(r"<dt>Posts in the period</dt>\s*<dd class=\"value\">([^<]+)</dd>", html)
    assert counted is not None and counted.group(1) == format_number(inside, "en")
    assert f"Period: {since:%B} {since.day}, {since.year} to {until:%B} {until.day}, {until.year}" in html


def test_without_a_period_every_post_counts(seeded: Settings) -> None:
    found = report(seeded, username=OTHER, lang="en")
    top = next(s for s in found.sections if s.id == "top_posts")
    assert {p.caption for p in top.posts[:2]} == {f"{NEW_MARK} #berria", f"{OLD_MARK} #zaharra"}
    frequency = next(s for s in found.sections if s.id == "frequency")
    assert frequency.stats[0].value == format_number(len(taken_at(seeded, OTHER)), "en")
    assert found.period.startswith("Period: every stored post, from ")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["Bad/Name"], ExitCode.BAD_INPUT, "is not a valid"),
        (["nobody.here"], ExitCode.NOT_FOUND, "“nobody.here” is not in the archive"),
        ([ACCOUNT, "--since", "2026-02-30"], ExitCode.BAD_INPUT, "“2026-02-30” is not a date"),
        ([ACCOUNT, "--since", "2026-06-01", "--until", "2026-05-01"], ExitCode.BAD_INPUT, "comes before"),
        ([ACCOUNT, "--tz", "Mars/Olympus"], ExitCode.BAD_INPUT, "“Mars/Olympus” is not a time zone"),
        (["--group", "Bad Name!"], ExitCode.BAD_INPUT, "is not a group name"),
        (["--group", "no-such-group"], ExitCode.NOT_FOUND, "There is no group “no-such-group”"),
    ],
    ids=["bad-username", "not-stored", "bad-date", "bad-period", "bad-zone", "bad-group", "no-group"],
)
def test_bad_input_gives_its_message_and_exit_code_and_writes_nothing(
    seeded: Settings,
    tmp_path: Path,
    args: list[str],
    code: ExitCode,
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCRAPER_LANG", "en")
    out = tmp_path / "report.html"
    assert run(seeded, *args, "-o", str(out)) == code
    assert message in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_an_unwritable_output_says_so_with_exit_2(
    seeded: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCRAPER_LANG", "es")
    out = tmp_path / "missing" / "report.html"
    assert run(seeded, ACCOUNT, "-o", str(out)) == ExitCode.BAD_INPUT
    assert f"No se puede guardar el informe en {out}" in capsys.readouterr().err


@pytest.mark.slow
def test_the_report_speaks_basque_and_spanish(seeded: Settings) -> None:
    for lang, heading in (("eu", "Argitaratzeko maiztasuna"), ("es", "Frecuencia de publicación")):
        html = html_bytes(report(seeded, username=ACCOUNT, lang=lang, tz="Europe/Madrid")).decode()
        assert f'<html lang="{lang}">' in html
        assert f"<h2>{heading}</h2>" in html
        assert t("report.formula.engagement", lang).replace("'", "&#39;") in html


# The PDF (WeasyPrint) through poppler's tools


def _poppler(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def poppler() -> None:
    if not all(shutil.which(tool) for tool in ("pdfinfo", "pdftoppm", "pdftotext")) and not os.environ.get(
        "CI"
    ):
        pytest.skip("poppler-utils is not installed (./run installs it)")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("subject", "lang", "headings"),
    [
        ([ACCOUNT], "es", ["Informe de @demo.ermua.kultura", "Frecuencia de publicación", "Publicaciones destacadas",
                          "Cómo se calcula cada cifra"]),
        (["--group", GROUP], "eu", ["ermua taldearen txostena", "Argitaratzeko maiztasuna",
                                    "Komunitatearen sarea", "Zifra bakoitza nola kalkulatzen den"]),
    ],
    ids=["account-es", "group-eu"],
)  # fmt: skip
def test_the_pdf_is_a4_with_page_numbers_in_its_language(
    seeded: Settings, tmp_path: Path, poppler: None, subject: list[str], lang: str, headings: list[str]
) -> None:
    out = tmp_path / "report.pdf"
    assert (
        run(seeded, *subject, "--format", "pdf", "-o", str(out), "--lang", lang, "--tz", "Europe/Madrid") == 0
    )
    assert out.read_bytes().startswith(b"%PDF")
    info = _poppler("pdfinfo", str(out))
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 3
    _poppler("pdftoppm", "-png", "-r", "40", str(out), str(tmp_path / "page"))
    from PIL import Image, ImageStat

    rendered = sorted(tmp_path.glob("page-*.png"))
    assert len(rendered) == pages
    for png in rendered:
        with Image.open(png) as image:
            extremes = ImageStat.Stat(image.convert("L")).extrema[0]
            assert extremes[0] < 128 < extremes[1], f"{png.name} is blank"
    text = _poppler("pdftotext", "-layout", str(out), "-")
    for number in range(1, pages + 1):
        assert f"{number} / {pages}" in text
    assert t("report.page", lang) in text
    for heading in headings:
        assert heading in text


# The HTML opened in a browser with the network refused


@pytest.mark.e2e
def test_the_html_report_loads_nothing_runs_nothing_and_shows_its_charts(
    seeded: Settings, tmp_path: Path
) -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("playwright.sync_api")
        if not os.path.exists(CHROMIUM):
            pytest.skip("Debian's chromium is not installed (CI installs it)")
    from playwright.sync_api import Route, sync_playwright

    out = tmp_path / "group.html"
    assert run(seeded, "--group", GROUP, "-o", str(out), "--lang", "en") == ExitCode.OK
    own = out.resolve().as_uri()
    refused: list[str] = []
    requested: list[str] = []

    def guard(route: Route) -> None:
        if route.request.url == own:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", guard)
            page.on("request", lambda request: requested.append(request.url))
            page.goto(own, wait_until="load")
            page.wait_for_load_state("networkidle")
            found = page.evaluate(
                """() => ({
                    pwned: typeof window.__pwned,
                    svgs: document.querySelectorAll('figure.chart svg').length,
                    images: [...document.images].map(i => [i.src.slice(0, 23), i.naturalWidth > 0]),
                    img_x: document.querySelectorAll('img[src="x"], img[src="y"]').length,
                    scripts: document.scripts.length,
                    handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
                    text: document.body.innerText,
                })"""
            )
        finally:
            browser.close()
    assert refused == []
    assert [url for url in requested if url != own and not url.startswith("data:")] == []
    assert found["pwned"] == "undefined"
    assert found["img_x"] == 0 and found["scripts"] == 0 and found["handlers"] == 0
    assert found["svgs"] >= 6
    assert len(found["images"]) >= 6
    assert all(src == "data:image/jpeg;base64," and drawn for src, drawn in found["images"]), found["images"]
    assert '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">' in found["text"]
    assert found["text"].count(HOSTILE_NAME) >= 3  # the member's card (name, biography) and the table


# The dashboard's report panel


@pytest.fixture
def dashboard(seeded: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The dashboard on the seeded archive, with every download's data recorded by file name."""
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", seeded.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(seeded.media_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    files: dict[str, Any] = {}
    original = st.download_button

    def recorded(label: str, data: Any, *args: Any, **kwargs: Any) -> bool:
        files[kwargs.get("file_name", label)] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recorded)
    return files


def run_profile() -> None:
    from ui import profile, sidebar

    sidebar.render()
    profile.page()


def profile_page(lang: str = "en", **params: str) -> AppTest:
    at = AppTest.from_function(run_profile, default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["tz"] = "Europe/Madrid"
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def make(at: AppTest, subject: str, fmt: str) -> AppTest:
    at.radio(key="report_subject").set_value(subject).run()
    at.radio(key="report_format").set_value(fmt).run()
    assert not [b for b in at.get("download_button") if b.key == "report_download"]  # made only when asked
    return at.button(key="report_make").click().run()


@pytest.mark.parametrize(
    ("subject", "fmt", "start"),
    [
        (f"account:{ACCOUNT}", "html", b"<!DOCTYPE html"),
        pytest.param(f"group:{GROUP}", "html", b"<!DOCTYPE html", marks=pytest.mark.slow),
        pytest.param(f"account:{ACCOUNT}", "pdf", b"%PDF", marks=pytest.mark.slow),
    ],
    ids=["account-html", "group-html", "account-pdf"],
)
def test_the_profile_page_makes_the_report_of_the_account_or_group_in_view(
    dashboard: dict[str, Any], subject: str, fmt: str, start: bytes
) -> None:
    at = profile_page(account=ACCOUNT, group=GROUP)
    assert not at.exception
    assert at.radio(key="report_subject").options == [f"the account @{ACCOUNT}", f"the group {GROUP}"]
    at = make(at, subject, fmt)
    assert not at.exception
    [button] = [b for b in at.get("download_button") if b.key == "report_download"]
    name = next(n for n in dashboard if n.endswith(f"-report-{date.today():%Y-%m-%d}.{fmt}"))
    assert name.startswith(subject.partition(":")[2])
    assert getattr(button, "label", None) == f"Download {name}"
    assert bytes(dashboard[name]).startswith(start)


def test_without_a_group_the_panel_offers_the_account_in_basque(dashboard: dict[str, Any]) -> None:
    at = profile_page(lang="eu", account=OTHER)
    assert not at.exception
    assert at.radio(key="report_subject").options == [f"@{OTHER} kontua"]
    at = at.button(key="report_make").click().run()
    assert not at.exception
    html = bytes(next(v for k, v in dashboard.items() if k.startswith(f"{OTHER}-report-"))).decode()
    assert '<html lang="eu">' in html and f"@{OTHER} kontuaren txostena" in html


def run_community() -> None:
    from ui import community, sidebar

    sidebar.render()
    community.page()


def test_the_community_page_offers_the_report_of_its_group(dashboard: dict[str, Any]) -> None:
    at = AppTest.from_function(run_community, default_timeout=120)
    at.session_state["lang"] = "en"
    at.query_params["group"] = GROUP
    at = at.run()
    assert not at.exception
    assert at.radio(key="report_subject").options == [f"the group {GROUP}"]
