"""The Community page, run by AppTest over the three accounts of tests/test_network.py (synced logged in
with their comments, one with a hostile full name) and a stored account outside their group: the
network chart and its filters, the downloads, the tables, a picture posted again, no group, hostile
text, Spanish."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import networkx as nx
import pandas as pd
import pytest
from PIL import Image
from sqlalchemy import select
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from i18n import format_datetime
from insights.comments import label
from scraper.archive import Archive
from scraper.config import Settings
from scraper.instagram.login import Login, login
from scraper.replay import render_jpeg
from scraper.store import groups, hashes
from scraper.store.models import MediaItem, Post, Profile
from tests.databases import Databases
from tests.helpers import replayed, shared_archive
from tests.test_network import EDGES, HALL, HOSTILE, MEMBERS, PLANS, SHOP, _planned
from ui.text import inert

FEST = "town.fest"
GROUP = "town"
SHOPS = "shops"  # the shop alone: a picture with a file and no hash yet
# Elements that render Markdown: what people wrote may reach them only made inert.
MARKDOWN = ("markdown", "caption", "success", "info", "warning", "error", "subheader", "header")


@pytest.fixture(scope="module")
def seeded_archive(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Settings]:
    """The accounts of tests/test_network.py synced with their comments (without media), the group
    ``town`` of three of them and the group ``shops`` of the fourth; the oldest post of town.hall has a
    picture that the newest post of town.fest posts again (re-encoded), both hashed, and a post of the
    shop has a picture not hashed yet. Built once: the tests only read it."""
    with shared_archive(databases, tmp_path_factory.mktemp("community")) as archive:
        accounts = {name: _planned(name, plan, i) for i, (name, plan) in enumerate(PLANS.items())}
        accounts[FEST].full_name = HOSTILE
        with replayed(archive) as (replay, sync):
            saved = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
            researcher = Login("researcher", saved)
            for name, account in accounts.items():
                replay.add_account(account)
                assert sync(name, login=researcher, comments=True, media=False).error is None
        _pictures(archive)
        with archive.sessions() as session:
            groups.add(session, GROUP, MEMBERS)
            groups.add(session, SHOPS, [SHOP])
        yield archive.settings


def _pictures(archive: Archive) -> None:
    """Files under the media root for three synced posts (synced without media): a picture of the
    oldest post of town.hall posted again by town.fest's newest, hashed; then one of the shop's."""
    media = archive.settings.media_dir
    picture = Image.open(io.BytesIO(render_jpeg(1080, 1350, 41, 1080)))

    def first_item(session: Any, username: str, newest: bool) -> MediaItem:
        order = Post.taken_at.desc() if newest else Post.taken_at
        post = session.scalars(
            select(Post).join(Profile).where(Profile.username == username).order_by(order).limit(1)
        ).one()
        return session.scalars(
            select(MediaItem).where(MediaItem.post_id == post.id, MediaItem.position == 0)
        ).one()

    def store(item: MediaItem, relative: str, quality: int) -> None:
        path = media / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        picture.convert("RGB").save(path, "JPEG", quality=quality)
        item.file = relative

    with archive.sessions() as session:
        store(first_item(session, HALL, newest=False), f"{HALL}/original.jpg", 90)
        store(first_item(session, FEST, newest=True), f"{FEST}/copy.jpg", 40)
        session.commit()
    hashes.backfill(archive.sessions, media)
    with archive.sessions() as session:
        store(first_item(session, SHOP, newest=True), f"{SHOP}/unhashed.jpg", 85)
        session.commit()


def reposted(settings: Settings) -> list[tuple[str, str, str]]:
    """The hashed posts (user name, shortcode, time in Madrid), oldest first."""
    archive = Archive(settings)
    try:
        with archive.sessions() as session:
            rows = session.execute(
                select(Profile.username, Post.shortcode, Post.taken_at)
                .join(Post, Post.profile_id == Profile.id)
                .join(MediaItem, MediaItem.post_id == Post.id)
                .where(MediaItem.phash.is_not(None))
                .order_by(Post.taken_at)
            ).all()
    finally:
        archive.engine.dispose()
    madrid = ZoneInfo("Europe/Madrid")
    return [(u, code, when.astimezone(madrid).strftime("%Y-%m-%d %H:%M")) for u, code, when in rows]


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


def run_page() -> None:
    from ui import community, sidebar

    sidebar.render()
    community.page()


def app(*, lang: str = "en", **params: str) -> AppTest:
    at = AppTest.from_function(run_page, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["tz"] = "Europe/Madrid"
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def chart_rows(at: AppTest, column: str) -> pd.DataFrame:
    """The rows of the first chart data set with ``column`` (edges: kind; nodes: role)."""
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            rows = dataframe_util.convert_arrow_bytes_to_pandas_df(dataset.data.data)
            if column in rows.columns:
                return rows
    raise AssertionError(f"no chart data with {column}")


def edges_shown(at: AppTest) -> list[tuple[str, str, str, int]]:
    rows = chart_rows(at, "kind")
    found = zip(rows["source"], rows["target"], rows["kind"], rows["weight"], strict=True)
    return sorted((s, t, k, int(w)) for s, t, k, w in found)


def expected(kinds: set[str], min_weight: int = 1) -> list[tuple[str, str, str, int]]:
    return sorted(
        (e.source, e.target, e.kind.capitalize(), e.weight)
        for e in EDGES
        if e.kind in kinds and e.weight >= min_weight
    )


def shown_as_markdown(at: AppTest) -> list[str]:
    return [str(getattr(e, "value", "")) for kind in MARKDOWN for e in at.get(kind)]


def test_a_group_draws_its_network_tables_and_downloads(
    seeded: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    files: dict[str, Any] = {}
    original = st.download_button

    def recorded(label: str, data: Any, *args: Any, **kwargs: Any) -> bool:
        files[kwargs.get("file_name", label)] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recorded)
    at = app(group=GROUP)

    assert not at.exception
    assert at.selectbox[0].value == GROUP
    assert len(at.get("vega_lite_chart")) == 2  # the network, a shared hashtag per month
    assert edges_shown(at) == expected({"mention", "tag", "comment"})
    nodes = chart_rows(at, "role")
    assert set(nodes[nodes["role"] == "Member"]["name"]) == set(MEMBERS)
    assert set(nodes[nodes["role"] == "Around the group"]["name"]) == {
        "other.shop",
        "vecino.dos",
        "vecino.uno",
    }
    assert nodes["x"].notna().all() and nodes["y"].notna().all()
    assert any("6 accounts and 20 links shown; 0 people around" in c.value for c in at.caption)

    connectors, hashtags = (frame.value for frame in at.dataframe)
    assert connectors["person"].tolist() == ["vecino.uno", "town.club", "town.hall", "vecino.dos"]
    assert hashtags["hashtag"].tolist() == ["fiestas", "ermua"]
    assert at.selectbox(key="community_hashtag").value == "fiestas"
    assert sorted(files) == [
        "town-connectors.csv",
        "town-hashtag-months.csv",
        "town-hashtags.csv",
        "town-network.gexf",
        "town-network.graphml",
        "town-reposts.csv",
    ]
    graph = nx.read_gexf(io.BytesIO(files["town-network.gexf"]()))
    assert set(graph.nodes) == set(MEMBERS) | {"other.shop", "vecino.dos", "vecino.uno"}
    assert graph.number_of_edges() == len(EDGES)
    assert nx.read_graphml(io.BytesIO(files["town-network.graphml"]())).number_of_edges() == len(EDGES)

    at.selectbox(key="community_hashtag").set_value("ermua").run()
    assert not at.exception
    months = chart_rows(at, "member")
    assert set(months["member"]) <= {"town.club", "town.hall"} and months["posts"].sum() == 3


def test_kind_and_minimum_weight_filter_the_edges(seeded: Settings) -> None:
    at = app(group=GROUP)

    at.multiselect(key="community_kinds").set_value(["tag"]).run()
    assert not at.exception
    assert edges_shown(at) == expected({"tag"})

    at.multiselect(key="community_kinds").set_value(["mention", "tag", "comment"])
    at.number_input(key="community_min_weight").set_value(2).run()
    assert not at.exception
    assert edges_shown(at) == expected({"mention", "tag", "comment"}, min_weight=2)
    assert len(edges_shown(at)) == 3
    # The connectors follow the filters: only town.club still links two members.
    assert at.dataframe[0].value["person"].tolist() == ["town.club"]

    at.number_input(key="community_min_weight").set_value(5).run()
    assert not at.exception
    assert any("No links of these kinds and weight" in i.value for i in at.info)


def test_the_people_around_shown_are_the_heaviest(seeded: Settings) -> None:
    at = app(group=GROUP)

    at.slider(key="community_top").set_value(0).run()
    assert not at.exception
    assert set(chart_rows(at, "role")["name"]) == set(MEMBERS)
    assert any("3 people around with less weight hidden" in c.value for c in at.caption)


def test_no_group_says_how_to_make_one(seeded: Settings) -> None:
    at = app()

    assert not at.exception
    assert "Choose a group to see its network" in at.info[0].value
    assert "Stored accounts page" in at.info[0].value
    assert not at.get("vega_lite_chart") and not at.dataframe


def test_a_hostile_full_name_stays_text(seeded: Settings) -> None:
    at = app(group=GROUP)

    assert not at.exception
    nodes = chart_rows(at, "role")
    fest = nodes[nodes["name"] == FEST].iloc[0]
    # Drawn by Vega as text, as stored but without control characters, cut short.
    assert fest["full_name"].startswith("<script>alert(\"x\")</script> & 'q'")
    assert not any(unicodedata.category(c) == "Cc" for c in fest["full_name"])
    assert len(fest["full_name"]) <= len(label(HOSTILE))
    for shown in shown_as_markdown(at):
        assert "<script>" not in shown and "alert" not in shown


def test_the_page_in_spanish(seeded: Settings) -> None:
    at = app(lang="es", group=GROUP)

    assert not at.exception
    assert at.selectbox[0].label == "Grupo"
    assert {"Red", "Las personas que conectan más cuentas", "Hashtags compartidos por varias cuentas"} <= {
        s.value for s in at.subheader
    }
    assert at.multiselect(key="community_kinds").label == "Tipos de relación"
    assert set(chart_rows(at, "kind")["kind"]) == {"Mención", "Etiqueta", "Comentario"}
    assert {d.label for d in at.get("download_button")} >= {"Descargar GEXF", "Descargar GraphML"}


def test_a_picture_posted_again_shows_its_set_oldest_first(
    seeded: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    files: dict[str, Any] = {}
    original = st.download_button

    def recorded(label: str, data: Any, *args: Any, **kwargs: Any) -> bool:
        files[kwargs.get("file_name", label)] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recorded)
    first, second = reposted(seeded)
    assert (first[0], second[0]) == (HALL, FEST) and first[2] < second[2]
    at = app(group=GROUP)

    assert not at.exception
    assert "Pictures posted again" in {s.value for s in at.subheader}
    assert not at.warning  # every picture with a file has its hash
    captions = [c.value for c in at.caption]
    assert "Sets 1-1 of 1, newest first (by their first post)." in captions
    assert "2 posts with the same picture, oldest first:" in captions
    shown = {
        when: format_datetime(datetime.fromisoformat(when), "en", time_format="short")
        for *_, when in (first, second)
    }
    posts = [inert(f"{user} · {shown[when]}") for user, _, when in (first, second)]
    assert [c for c in captions if c in posts] == posts  # who posted it first, first
    assert captions.index(posts[0]) < captions.index("Posted it first") < captions.index(posts[1])
    pictures = at.image
    assert len(pictures) == 2
    links = [b.proto.url for b in at.get("link_button")]
    assert links == [f"https://www.instagram.com/p/{code}/" for _, code, _ in (first, second)]
    rows = list(csv.DictReader(io.StringIO(files["town-reposts.csv"]().decode("utf-8-sig"))))
    assert [(r["set"], r["username"], r["shortcode"]) for r in rows] == [
        ("1", first[0], first[1]),
        ("1", second[0], second[1]),
    ]
    assert rows[0]["url"] == links[0] and rows[0]["taken_at"].startswith(first[2])


def test_reposts_in_spanish(seeded: Settings) -> None:
    at = app(lang="es", group=GROUP)

    assert not at.exception
    assert "Imágenes publicadas de nuevo" in {s.value for s in at.subheader}
    captions = [c.value for c in at.caption]
    assert "2 publicaciones con la misma imagen, de la más antigua a la más reciente:" in captions
    assert "La publicó primero" in captions
    assert {b.label for b in at.get("link_button")} == {"Abrir en Instagram"}


def test_pictures_without_a_hash_are_hinted(seeded: Settings) -> None:
    at = app(group=SHOPS)

    assert not at.exception
    assert len(at.warning) == 1
    assert "with no hash yet, so not compared: 1" in at.warning[0].value
    assert "python -m scraper hashes --backfill" in at.warning[0].value
    assert any("No picture of these accounts was posted again" in i.value for i in at.info)
    assert not at.image

    spanish = app(lang="es", group=SHOPS)
    assert "aún sin hash" in spanish.warning[0].value
    assert any("Ninguna imagen de estas cuentas" in i.value for i in spanish.info)


def test_a_big_group_compares_its_pictures_only_when_asked(
    seeded: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.community

    monkeypatch.setattr(ui.community, "AUTO_COMPARE", 1)  # this group's few pictures count as many
    at = app(group=GROUP)

    assert not at.exception
    assert any("pictures with a hash; comparing them all takes a while" in c.value for c in at.caption)
    assert not any("same picture" in c.value for c in at.caption)  # not compared yet

    at.button(key="community_reposts_compare").click().run()
    assert not at.exception
    assert "2 posts with the same picture, oldest first:" in [c.value for c in at.caption]
    at.run()  # a rerun (another filter) keeps them shown
    assert "2 posts with the same picture, oldest first:" in [c.value for c in at.caption]
