"""Every dashboard page, run by Streamlit's AppTest against an archive seeded by real syncs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from scraper.config import Settings
from scraper.replay import InstagramReplay, add_new_posts, build_account
from tests.databases import Databases
from tests.helpers import Syncer, replayed, shared_archive

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
HOSTILE = '<img src=x onerror="alert(1)"> [click](javascript:alert(2)) **bold**'


@pytest.fixture(scope="module")
def seeded_archive(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Settings]:
    """Two accounts, each synced twice (so growth charts have points), one with hostile text. Built
    once for the module: its tests only read it (a test that stores something uses an archive of its
    own)."""
    with shared_archive(databases, tmp_path_factory.mktemp("dashboard")) as archive:
        kultura = build_account("ermua.kultura", 40, seed=1, pinned=1)
        kultura.full_name = HOSTILE
        kultura.biography = HOSTILE
        kultura.posts[0].caption = HOSTILE + " #ermua"
        kirolak = build_account("ermua.kirolak", 20, seed=2)
        with replayed(archive) as (replay, sync):
            for account in (kultura, kirolak):
                replay.add_account(account)
                sync(account.username)
                add_new_posts(account, 2)
                account.followers += 10
                sync(account.username)
        yield archive.settings


@pytest.fixture
def seeded(seeded_archive: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The seeded archive, as the dashboard's environment names it."""
    monkeypatch.setenv("DATABASE_URL", seeded_archive.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(seeded_archive.media_dir))
    return seeded_archive


def run_page(module: str) -> None:
    """A test script: the sidebar and one page, as dashboard.py would show them."""
    import importlib

    from ui import sidebar

    sidebar.render()
    importlib.import_module(f"ui.{module}").page()


def app(module: str, *, account: str | None = "ermua.kultura", lang: str = "en", **params: str) -> AppTest:
    at = AppTest.from_function(run_page, args=(module,), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["tz"] = "Europe/Madrid"
    if account:
        at.query_params["account"] = account
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Drop what Streamlit cached for the previous test (its archive may have been another)."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def texts(at: AppTest) -> list[str]:
    return [e.value for e in at.text]


def test_entry_page_lists_the_stored_accounts(seeded: Settings) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()

    assert not at.exception
    assert sorted(at.dataframe[0].value["username"]) == ["ermua.kirolak", "ermua.kultura"]


def test_the_account_picker_keeps_every_pick(seeded: Settings) -> None:
    at = app("profile")
    picker = at.selectbox(key="picked_account")
    for name in ("ermua.kirolak", "ermua.kultura", "ermua.kirolak"):
        picker.set_value(name).run()
        assert not at.exception
        picker = at.selectbox(key="picked_account")
        assert picker.value == name
        assert at.query_params["account"] == name
        stored = {m.label: m.value for m in at.metric}
        assert stored["Posts stored"] == ("22" if name == "ermua.kirolak" else "42")  # that account's page


def test_profile_page(seeded: Settings) -> None:
    at = app("profile")

    assert not at.exception
    assert HOSTILE in texts(at)  # the name and biography, as plain text
    assert not at.markdown or all(HOSTILE not in m.value for m in at.markdown)
    stored = {m.label: m.value for m in at.metric}
    assert stored["Posts stored"] == "42"
    assert len(at.get("vega_lite_chart")) == 1  # follower growth


def test_gallery_page_shows_a_page_of_thumbnails(seeded: Settings) -> None:
    at = app("gallery")

    assert not at.exception
    images = at.image
    assert len(images) == 24
    assert "24 of 42 posts" in [c.value for c in at.caption] or "24 of 43 posts" in [
        c.value for c in at.caption
    ]


def test_gallery_filters_by_type_and_text(seeded: Settings) -> None:
    at = app("gallery")
    at.multiselect[0].set_value(["video"]).run()
    assert not at.exception
    shown = next(c.value for c in at.caption if " of " in c.value and c.value.endswith("posts"))
    videos = int(shown.split(" of ")[1].split()[0])
    assert 0 < videos < 24

    at.text_input[0].set_value("onerror").run()
    assert not at.exception


def test_post_detail_shows_caption_as_text(seeded: Settings) -> None:
    from scraper.archive import Archive

    archive = Archive(seeded)
    with archive.sessions() as session:
        from sqlalchemy import select

        from scraper.store.models import Post

        shortcode = session.scalars(select(Post.shortcode).where(Post.caption.like("%onerror%"))).one()
    archive.engine.dispose()

    at = app("gallery", post=shortcode)

    assert not at.exception
    assert HOSTILE + " #ermua" in texts(at)
    assert at.link_button[0].proto.url == f"https://www.instagram.com/p/{shortcode}/"


def test_captions_page_searches(seeded: Settings) -> None:
    at = app("captions")
    assert not at.exception
    at.text_input(key="caption_query").set_value("onerror").run()

    assert not at.exception
    assert "1 post matches" in [c.value for c in at.caption]  # the singular: one post
    assert len(at.get("vega_lite_chart")) == 4


@pytest.mark.parametrize("module", ["frequency", "engagement"])
def test_chart_pages_draw_their_charts(seeded: Settings, module: str) -> None:
    at = app(module)

    assert not at.exception
    assert len(at.get("vega_lite_chart")) >= 3
    assert at.download_button


def test_compare_page_with_two_accounts(seeded: Settings) -> None:
    at = AppTest.from_function(run_page, args=("compare",), default_timeout=60)
    at.session_state["lang"] = "es"
    at.query_params["account"] = ["ermua.kultura", "ermua.kirolak"]
    at.run()

    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 4
    assert at.multiselect[0].value == ["ermua.kultura", "ermua.kirolak"]


def test_accounts_page_lists_stored_accounts(seeded: Settings) -> None:
    at = app("accounts")

    assert not at.exception
    frame = at.dataframe[0].value
    assert sorted(frame["username"]) == ["ermua.kirolak", "ermua.kultura"]


def test_empty_archive_in_spanish(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))

    at = app("gallery", account=None, lang="es")

    assert not at.exception
    assert "Aún no hay cuentas" in at.info[0].value


def test_start_page_when_the_archive_is_empty(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))

    at = AppTest.from_file(APP, default_timeout=60).run()

    assert not at.exception
    assert at.info[0].value == "No account stored yet: type one in the sidebar to sync it."


def test_sidebar_refuses_a_bad_account_name(seeded: Settings) -> None:
    at = app("profile")
    at.sidebar.text_input[0].set_value("../../etc")  # in a form: the value goes with the click
    at.sidebar.button[0].click().run()

    assert not at.exception
    assert "is not a valid Instagram user name" in at.sidebar.error[0].value
    assert "../../etc" in at.sidebar.error[0].value.replace("\\", "")


def test_csv_downloads_keep_formulas_as_text() -> None:
    import io

    import pandas as pd

    from ui.common import spreadsheet_safe

    frame = pd.DataFrame(
        {
            "caption": [
                '=HYPERLINK("http://x.example","¡Pincha!")',
                "+34 600",
                "@ermua.udala",
                "Jaiak -",
                None,
            ],
            "likes": [-3, 4, 5, 6, 7],
        }
    )
    written = pd.read_csv(io.StringIO(spreadsheet_safe(frame).to_csv(index=False)))
    assert list(written["caption"][:4]) == [
        '\'=HYPERLINK("http://x.example","¡Pincha!")',
        "'+34 600",
        "'@ermua.udala",
        "Jaiak -",
    ]
    assert list(written["likes"]) == [-3, 4, 5, 6, 7]  # numbers stay numbers
    assert frame["caption"][0].startswith("=")  # the page's own frame is untouched


def listed_accounts(at: AppTest) -> list[str]:
    """The accounts the sidebar lists, by their buttons."""
    return [str(b.key).removeprefix("open-") for b in at.sidebar.button if str(b.key).startswith("open-")]


def test_a_long_account_list_shows_a_screenful_and_finds_the_others_by_name(
    settings: Settings, replay: InstagramReplay, sync: Syncer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.sidebar import LISTED

    names = [f"ermua.taldea{n:02d}" for n in range(LISTED + 3)]
    for n, name in enumerate(names):
        account = build_account(name, 1, seed=n)
        if n == 7:
            account.full_name = "Ermuko Udala"
        replay.add_account(account)
        assert sync(name).status == "ok"
    monkeypatch.setenv("DATABASE_URL", settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))

    at = app("accounts", account=None)
    assert not at.exception
    assert listed_accounts(at) == names[:LISTED]  # alphabetical, a screenful
    assert f"{LISTED} of {len(names)} accounts; type part of a name to find the others." in [
        c.value for c in at.sidebar.caption
    ]

    at.sidebar.text_input(key="account_filter").set_value("  UDALA ").run()  # its name, any case
    assert not at.exception
    assert listed_accounts(at) == [names[7]]

    at.sidebar.text_input(key="account_filter").set_value("taldea1").run()
    assert listed_accounts(at) == names[10:]
    assert not [c for c in at.sidebar.caption if "type part of a name" in c.value]

    typed = "<b>x</b> **[y](javascript:1)"
    at.sidebar.text_input(key="account_filter").set_value(typed).run()
    assert not at.exception
    assert listed_accounts(at) == []
    assert f"No stored account matches “{typed}”." in [c.value.replace("\\", "") for c in at.sidebar.caption]
    # escaped: Markdown shows it as typed, neither bold nor a link
    assert "\\*\\*\\[y\\]\\(javascript" in "".join(c.value for c in at.sidebar.caption)


def test_a_short_account_list_has_no_search_box(seeded: Settings) -> None:
    at = app("accounts", account=None)

    assert not at.exception
    assert listed_accounts(at) == ["ermua.kirolak", "ermua.kultura"]
    assert not [t for t in at.sidebar.text_input if t.key == "account_filter"]
