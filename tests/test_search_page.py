"""The search page (``/search?q=...&group=...``), run by AppTest over an archive of three accounts whose
captions and comments (from logged-in syncs of the replay) share a word: the search from the URL, the
chart and the rows, accents and case, groups, paging, the hint, hostile texts and Spanish."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from insights.search import search_all
from scraper.archive import Archive
from scraper.instagram.login import Login, login
from scraper.replay import add_comments, build_account
from scraper.store import groups
from tests.databases import Databases
from tests.helpers import replayed, shared_archive

# Quotes, markup, a formula, a new line and a tab, an emoji, a right-to-left override, '\', '%'.
HOSTILE = (
    'Txosna "entre comillas" =HYPERLINK("http://x.example") <script>alert(1)</script> **bold** [a](b)'
    "\n\tsegunda línea 🎉 \u202eacitsoh \\ 100% a_b"
)
CAPTIONS = {
    "ermua.kultura": ["Hoy abre la TXOSNA de fiestas 🎉", "Nada que ver aquí", "Txosnas y conciertos"],
    "ermua.udala": ["Pleno municipal", "La txósna cierra a las 3"],
    "ermua.kirolak": [HOSTILE, "Partido el domingo"],
}
COMMENTS = {
    "ermua.kultura": ["¿Dónde está la txosna?", "Bihar arte", "txosna bai"],
    "ermua.udala": ["TXÓSNAK behar ditugu!", "Ez"],
    "ermua.kirolak": ["txoko berria", "Txosna!"],
}
GROUP = "clubs"  # ermua.kultura and ermua.kirolak


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Archive]:
    """Three accounts synced logged in with their comments and pictures; a group of two of them."""
    with shared_archive(databases, tmp_path_factory.mktemp("search-page")) as archive:
        with replayed(archive) as (replay, sync):
            saved = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
            researcher = Login("researcher", saved)
            for seed, (name, captions) in enumerate(CAPTIONS.items()):
                account = build_account(name, 4, seed=seed)
                for post, caption in zip(account.posts, captions, strict=False):
                    post.caption = caption
                bodies = COMMENTS[name]
                for comment, body in zip(
                    add_comments(account, account.posts[1].shortcode, len(bodies), seed=seed),
                    bodies,
                    strict=True,
                ):
                    comment.text = body
                replay.add_account(account)
                assert sync(name, login=researcher, comments=True).error is None
        with archive.sessions() as session:
            groups.add(session, GROUP, ["ermua.kultura", "ermua.kirolak"])
        yield archive


@pytest.fixture
def shown(town: Archive, monkeypatch: pytest.MonkeyPatch) -> Archive:
    """The archive, as the dashboard's environment names it, with Streamlit's caches empty."""
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", town.settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(town.settings.media_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    return town


def run_page() -> None:
    from ui import search, sidebar

    sidebar.render()
    search.page()


def app(lang: str = "en", **params: str) -> AppTest:
    at = AppTest.from_function(run_page, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["tz"] = "Europe/Madrid"
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def expected(archive: Archive, query: str = "txosna", usernames: list[str] | None = None) -> list[str]:
    """The texts the engine finds (it is tested against the texts themselves in test_search_all)."""
    with archive.sessions() as session:
        return [m["text"] for m in search_all(session, query, usernames=usernames)]


def shown_texts(at: AppTest) -> list[str]:
    return [element.value for element in at.text]


def captions(at: AppTest) -> list[str]:
    return [c.value.replace("\\", "") for c in at.caption]


def test_the_query_in_the_url_runs_the_search(shown: Archive) -> None:
    at = app(q="txosna")

    assert not at.exception
    assert at.text_input(key="search_query").value == "txosna"
    want = expected(shown)
    assert 8 <= len(want) <= 20  # every match on one page
    assert shown_texts(at) == want  # newest first, as the engine gives them
    assert all(re.search(r"\btxosn", fold(text)) for text in want)
    assert f"1–{len(want)} of {len(want)} captions and comments" in captions(at)
    assert len(at.get("vega_lite_chart")) == 1
    assert len(at.get("link_button")) == len(want)  # each to its post on Instagram
    assert at.image  # the posts' thumbnails
    assert len(at.get("download_button")) == 2  # the weeks, the matches
    meta = captions(at)
    assert any(m.startswith("comment by @") and " on @ermua.udala · " in m for m in meta)
    assert any(m.startswith("caption of @ermua.kultura · ") for m in meta)
    assert "Searching the 3 stored accounts." in meta


def test_the_chart_counts_every_match_per_week_and_account(shown: Archive) -> None:
    from insights.matches import matches_chart, weekly_matches
    from insights.search import matches_per_week
    from tests.vega import spec, values

    with shown.sessions() as session:
        weeks = matches_per_week(session, "txosna")
    rows = values(spec(matches_chart(weekly_matches(weeks, "all", "en"), "en")))
    assert sum(row["matches"] for row in rows) == len(expected(shown))
    assert {row["account"] for row in rows} == {"ermua.kultura", "ermua.udala", "ermua.kirolak"}
    for week in {row["week"] for row in rows}:  # each week's bars stacked from 0, one on the other
        bars = sorted((row["bottom"], row["top"]) for row in rows if row["week"] == week)
        assert bars[0][0] == 0 and all(low == high for (_, high), (low, _) in itertools.pairwise(bars))
    comments = values(spec(matches_chart(weekly_matches(weeks, "comment", "en"), "en")))
    with shown.sessions() as session:
        kinds = [m["kind"] for m in search_all(session, "txosna")]
    assert sum(row["matches"] for row in comments) == kinds.count("comment")


@pytest.mark.parametrize("query", ["TXOSNA", "txósna", "Txósná", "TXOS"])
def test_accents_and_case_are_ignored(shown: Archive, query: str) -> None:
    at = app(q=query)

    assert not at.exception
    assert shown_texts(at) == expected(shown)


def test_typing_a_query_keeps_it_in_the_url(shown: Archive) -> None:
    at = app()
    at.text_input(key="search_query").set_value("txoko").run()

    assert not at.exception
    assert at.query_params["q"] == "txoko"
    assert shown_texts(at) == ["txoko berria"]


def test_a_group_keeps_its_accounts(shown: Archive) -> None:
    at = app(q="txosna", group=GROUP)

    assert not at.exception
    members = ["ermua.kultura", "ermua.kirolak"]
    want = expected(shown, usernames=members)
    assert want and shown_texts(at) == want
    assert not any("txósna cierra" in text or "TXÓSNAK" in text for text in shown_texts(at))
    assert not any("@ermua.udala" in m for m in captions(at))
    assert "Searching the 2 accounts of the group clubs." in captions(at)


def test_matches_come_a_page_at_a_time(shown: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ui.search.PAGE", 3)
    want = expected(shown)
    at = app(q="txosna")
    assert shown_texts(at) == want[:3]
    assert f"1–3 of {len(want)} captions and comments" in captions(at)

    at.number_input[0].set_value(2).run()

    assert not at.exception
    assert shown_texts(at) == want[3:6]
    assert f"4–6 of {len(want)} captions and comments" in captions(at)


def test_an_empty_query_shows_a_hint(shown: Archive) -> None:
    for at in (app(), app(q="   "), app(q="#!? 🎉")):
        assert not at.exception
        assert not at.error
        assert "Type one or more words" in at.info[0].value
        assert not at.get("vega_lite_chart")


def test_a_query_without_matches_says_so(shown: Archive) -> None:
    at = app(q="zzzzzz")

    assert not at.exception
    assert at.info[0].value == "No caption or comment holds those words."


def test_hostile_texts_stay_text(shown: Archive) -> None:
    at = app(q='txosna <script>"')  # the query's words: "txosna" and "script"
    assert not at.exception

    at = app(q="txosna comillas")

    assert not at.exception
    assert shown_texts(at) == [HOSTILE]
    rendered = " ".join(str(element.value) for element in at.markdown)
    assert "<script>" not in rendered and "**bold**" not in rendered


def test_a_match_opens_its_post(shown: Archive) -> None:
    at = app(q="txoko")
    [button] = [b for b in at.button if b.key and b.key.startswith("search-open-comment-")]
    button.click().run()

    assert not at.exception
    assert at.query_params["post"]
    assert at.button[0].label == "Back to the search"

    at.button[0].click().run()
    assert not at.exception
    assert shown_texts(at) == ["txoko berria"]


def test_a_period_in_the_url_keeps_those_days(shown: Archive) -> None:
    at = app(q="txosna", since="2011-01-01", until="2011-12-31")

    assert not at.exception
    assert at.info[0].value == "No caption or comment holds those words."
    assert at.date_input(key="search_since").value.isoformat() == "2011-01-01"


def test_the_page_in_spanish(shown: Archive) -> None:
    at = app(lang="es", q="txosna")

    assert not at.exception
    want = expected(shown)
    assert f"1–{len(want)} de {len(want)} textos y comentarios" in captions(at)
    assert "Coincidencias, las más recientes primero" in [h.value for h in at.subheader]
    hint = app(lang="es")
    assert "Escribe una o más palabras" in hint.info[0].value
