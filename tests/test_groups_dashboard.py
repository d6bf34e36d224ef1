"""Groups in the dashboard, run by AppTest: made, changed and deleted on the start page; picked beside
the account picker and in the URL (``?group=NAME``) on Compare and the single-account pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button, Multiselect

from scraper.archive import Archive
from scraper.config import Settings
from scraper.replay import InstagramReplay, build_account
from scraper.store import groups
from tests.databases import Databases
from tests.helpers import Syncer, replayed, shared_archive, stored_count
from ui.text import inert

HOSTILE = '<img src=x onerror="alert(1)"> [click](javascript:alert(2)) **bold**'
# A valid Instagram user name that Markdown would turn bold, and a name and biography that would run.
MARKDOWN_NAME = "__bold__"
CLUB = "ermua-clubs"
MEMBERS = ["__bold__", "ermua.kirolak"]  # sorted, as the group lists them
# Elements that render Markdown: a member's name may reach them only made inert.
MARKDOWN = ("markdown", "caption", "success", "info", "warning", "error", "subheader", "header")


@pytest.fixture(scope="module")
def seeded_archive(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Settings]:
    """Three accounts (one named in Markdown, one with a hostile full name) and the group ermua-clubs of
    two of them. Built once for the module: its tests only read it."""
    with shared_archive(databases, tmp_path_factory.mktemp("groups_dashboard")) as archive:
        kultura = build_account("ermua.kultura", 12, seed=1)
        kultura.full_name = kultura.biography = HOSTILE
        with replayed(archive) as (replay, sync):
            for account in (
                kultura,
                build_account("ermua.kirolak", 8, seed=2),
                build_account(MARKDOWN_NAME, 6),
            ):
                replay.add_account(account)
                sync(account.username)
        with archive.sessions() as session:
            groups.add(session, CLUB, MEMBERS)
        yield archive.settings


@pytest.fixture
def seeded(seeded_archive: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DATABASE_URL", seeded_archive.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(seeded_archive.media_dir))
    return seeded_archive


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def run_page(module: str) -> None:
    import importlib

    from ui import sidebar

    sidebar.render()
    importlib.import_module(f"ui.{module}").page()


def app(module: str, *, lang: str = "en", **params: str | list[str]) -> AppTest:
    at = AppTest.from_function(run_page, args=(module,), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["tz"] = "Europe/Madrid"
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def in_url(at: AppTest, key: str) -> list[str]:
    """The values of ``?key=`` in the app's URL after its run."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def shown_as_markdown(at: AppTest) -> list[str]:
    return [str(getattr(e, "value", "")) for kind in MARKDOWN for e in at.get(kind)]


def stored_groups(archive: Archive) -> dict[str, list[str]]:
    with archive.sessions() as session:
        return groups.groups(session)


def button(at: AppTest, label: str) -> Button:
    return next(b for b in at.button if b.label == label)


def members_picker(at: AppTest) -> Multiselect[str]:
    return next(m for m in at.multiselect if m.label == "Accounts in the group")


def test_make_change_and_delete_a_group_on_the_start_page(
    archive: Archive, replay: InstagramReplay, sync: Syncer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCRAPER_NO_WAIT", "1")
    for seed, name in enumerate(["ermua.kultura", "ermua.kirolak", "ermua.jaiak"]):
        replay.add_account(build_account(name, 3, seed=seed))
        sync(name)
    monkeypatch.setenv("DATABASE_URL", archive.settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(archive.settings.media_dir))

    at = app("accounts")
    assert not at.exception
    assert "Groups" in [s.value for s in at.subheader]

    # A bad name is refused, shown as typed, and nothing is stored.
    at.text_input[0].set_value("**Ermua** <b>clubs</b>")
    button(at, "Create group").click().run()
    assert not at.exception
    assert "is not a group name" in at.error[0].value
    assert "<b>" not in at.error[0].value and "\\<b\\>" in at.error[0].value
    assert stored_groups(archive) == {}

    at.text_input[0].set_value("Ermua-Clubs")  # case is ignored
    members_picker(at).set_value(["ermua.kultura", "ermua.kirolak"])
    button(at, "Create group").click().run()
    assert not at.exception
    assert stored_groups(archive) == {CLUB: ["ermua.kirolak", "ermua.kultura"]}
    assert "Group ermua\\-clubs created with 2 accounts\\." in [s.value for s in at.success]
    assert at.selectbox(key="group_edit").value == CLUB
    table = at.dataframe[-1].value
    assert table["Group"].tolist() == [CLUB] and table["Accounts"].tolist() == [2]

    # The same name again is refused: the group is changed through the editor.
    at.selectbox(key="group_edit").set_value("").run()
    at.text_input[0].set_value(CLUB)
    button(at, "Create group").click().run()
    assert "There is already a group" in at.error[0].value

    # Change its members.
    at.selectbox(key="group_edit").set_value(CLUB).run()
    assert members_picker(at).value == ["ermua.kirolak", "ermua.kultura"]
    members_picker(at).set_value(["ermua.kirolak", "ermua.jaiak"])
    button(at, "Save accounts").click().run()
    assert not at.exception
    assert stored_groups(archive) == {CLUB: ["ermua.jaiak", "ermua.kirolak"]}

    # Another process changes the group: the next rerun shows it.
    with archive.sessions() as session:
        groups.add(session, CLUB, ["ermua.kultura"])
    at.run()
    assert at.dataframe[-1].value["Accounts"].tolist() == [3]
    assert members_picker(at).value == ["ermua.jaiak", "ermua.kirolak", "ermua.kultura"]

    button(at, "Delete group").click().run()
    assert not at.exception
    assert stored_groups(archive) == {}
    assert at.selectbox(key="group_edit").value == ""
    assert "Group ermua\\-clubs deleted; its accounts stay in the archive\\." in [s.value for s in at.success]
    assert stored_count(archive, "ermua.kirolak") == 3


def test_compare_with_a_group_in_the_url_compares_its_members(seeded: Settings) -> None:
    at = app("compare", account="ermua.kultura", group=CLUB)

    assert not at.exception
    assert at.selectbox[0].label == "Group" and at.selectbox[0].value == CLUB
    picker = at.multiselect[0]
    assert picker.value == MEMBERS and picker.disabled
    assert len(at.get("vega_lite_chart")) == 4
    # The tables (and so their CSV downloads) hold the members' rows only.
    assert sorted(at.dataframe[0].value["username"]) == MEMBERS
    assert len(at.download_button) == 4
    assert in_url(at, "group") == [CLUB]

    # "No group" goes back to picking accounts one by one; the link then names none.
    at.selectbox[0].set_value("").run()
    assert not at.exception
    assert in_url(at, "group") == []
    assert at.multiselect[0].value == ["ermua.kultura"] and not at.multiselect[0].disabled


def test_a_group_in_spanish(seeded: Settings) -> None:
    at = app("compare", lang="es", group=CLUB)

    assert not at.exception
    assert at.selectbox[0].label == "Grupo"
    assert any("Se comparan las 2 cuentas del grupo" in c.value for c in at.caption)


def test_a_single_account_page_lists_the_group_members(seeded: Settings) -> None:
    at = app("profile", account="ermua.kultura", group=CLUB)  # an account not in the group

    assert not at.exception
    group, account = at.selectbox[0], at.selectbox[1]
    assert group.value == CLUB
    assert account.options == MEMBERS and account.value == MEMBERS[0]
    assert in_url(at, "account") == [MEMBERS[0]]

    account.set_value("ermua.kirolak").run()
    assert not at.exception
    assert in_url(at, "account") == ["ermua.kirolak"] and in_url(at, "group") == [CLUB]


@pytest.mark.parametrize("raw", ["no-such-group", '<img src=x onerror="alert(1)">', "**x**"])
def test_an_unknown_group_in_the_url_is_said_so(seeded: Settings, raw: str) -> None:
    at = app("compare", group=raw)

    assert not at.exception
    message = at.warning[0].value
    assert message.startswith("There is no group") and f"“{inert(raw)}”" in message  # shown as typed
    assert in_url(at, "group") == []  # the link no longer names it
    assert len(at.multiselect[0].value) == 3  # the accounts, as without a group

    at = app("gallery", group=raw, account="ermua.kirolak")
    assert not at.exception and at.warning
    assert at.selectbox[1].value == "ermua.kirolak"


def test_members_names_stay_text(seeded: Settings) -> None:
    for at in (app("accounts"), app("compare", group=CLUB), app("profile", group=CLUB)):
        assert not at.exception
        assert not [s for s in shown_as_markdown(at) if MARKDOWN_NAME in s or HOSTILE in s]
    at = app("accounts")
    assert at.dataframe[-1].value["Accounts in the group"].tolist() == [", ".join(MEMBERS)]
