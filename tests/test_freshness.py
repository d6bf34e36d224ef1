"""What any process stores shows in a running dashboard on its next rerun, and nothing else is read
again: the revision of each account (``profiles.revision``) grows with every write that changes what
the pages show of it, and the dashboard's caches key on the revisions of the accounts they read.

The dashboard runs under Streamlit's AppTest; the other process is a sync run from the command line
against the same database (``python -m scraper.replay.offline ... -- sync``), as cron's ``watch run``,
a Celery worker or another dashboard would store it. The browser's side is in tests/test_e2e.py."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import insights.data
from insights.accounts import archive_revision, post_revision, revisions
from scraper.archive import Archive
from scraper.config import Settings
from scraper.records import MediaRecord, PostRecord
from scraper.replay import InstagramReplay, add_new_posts, build_account, delete_post
from scraper.store import writes
from scraper.store.models import Post, Profile
from tests.helpers import Syncer

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
# (name, posts, seed) of the accounts stored before the dashboard opens; the process syncing "from
# elsewhere" builds the same replayed accounts from the same figures.
KULTURA = ("ermua.kultura", 20, 1)
KIROLAK = ("ermua.kirolak", 12, 2)


@pytest.fixture
def seeded(
    settings: Settings, replay: InstagramReplay, sync: Syncer, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """Two accounts synced once; the dashboard reads this archive (DATABASE_URL, MEDIA_DIR)."""
    monkeypatch.setenv("DATABASE_URL", settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))
    for name, posts, seed in (KULTURA, KIROLAK):
        replay.add_account(build_account(name, posts, seed=seed))
        assert sync(name).status == "ok"
    return settings


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test reads its own archive: drop what Streamlit cached for the previous one."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def sync_elsewhere(settings: Settings, tmp_path: Path, account: tuple[str, int, int], *, new: int = 0) -> str:
    """Sync ``account`` in a process of its own against the same archive, ``new`` newer posts
    published first; what it printed."""
    name, posts, seed = account
    command = [sys.executable, "-m", "scraper.replay.offline", "--account", f"{name}:{posts}:{seed}"]
    if new:
        command += ["--new", f"{name}:{new}"]
    command += ["--", "sync", name, "--db", settings.db_url, "--media-dir", str(settings.media_dir)]
    env = {
        **os.environ,
        "LOG_DIR": str(tmp_path / "elsewhere" / "logs"),
        "DATA_DIR": str(tmp_path / "elsewhere" / "data"),
        "PYTHONPATH": str(ROOT),
        "SCRAPER_LANG": "en",
    }
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def run_page(module: str) -> None:
    """A test script: the sidebar and one page, as dashboard.py would show them."""
    import importlib

    from ui import sidebar

    sidebar.render()
    importlib.import_module(f"ui.{module}").page()


def app(module: str, account: str) -> AppTest:
    at = AppTest.from_function(run_page, args=(module,), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["tz"] = "Europe/Madrid"
    at.query_params["account"] = account
    return at.run()


def shown_count(at: AppTest) -> str:
    """The gallery's "N of M posts"."""
    assert not at.exception
    return next(c.value for c in at.caption if c.value.endswith(" posts") and " of " in c.value)


def sidebar_posts(at: AppTest) -> list[str]:
    """The sidebar's "N posts · last sync" lines, one per stored account."""
    return [c.value.split(" · ")[0] for c in at.sidebar.caption if " posts · " in c.value]


@pytest.fixture
def frame_loads(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, ...]]:
    """How often the dashboard read an account's posts from the database, by the accounts asked for."""
    loads: Counter[tuple[str, ...]] = Counter()
    real = insights.data.posts_frame

    def counted(session: Any, usernames: list[str], *args: Any, **kwargs: Any) -> Any:
        loads[tuple(sorted(usernames))] += 1
        return real(session, usernames, *args, **kwargs)

    monkeypatch.setattr(insights.data, "posts_frame", counted)
    return loads


def test_a_sync_from_another_process_shows_on_the_next_rerun_and_leaves_other_accounts_cached(
    seeded: Settings, tmp_path: Path, frame_loads: Counter[tuple[str, ...]]
) -> None:
    kultura, kirolak = app("gallery", "ermua.kultura"), app("gallery", "ermua.kirolak")
    assert (shown_count(kultura), shown_count(kirolak)) == ("20 of 20 posts", "12 of 12 posts")
    assert sorted(sidebar_posts(kultura)) == ["12 posts", "20 posts"]
    kultura.run()
    kirolak.run()  # nothing stored meanwhile: nothing read again
    assert frame_loads == {("ermua.kultura",): 1, ("ermua.kirolak",): 1}

    assert "5 new" in sync_elsewhere(seeded, tmp_path, KULTURA, new=5)
    kultura.run()

    assert shown_count(kultura) == "24 of 25 posts"
    assert sorted(sidebar_posts(kultura)) == ["12 posts", "25 posts"]
    kirolak.run()
    assert shown_count(kirolak) == "12 of 12 posts"
    # The other account's frame came from the cache: its revision did not change.
    assert frame_loads == {("ermua.kultura",): 2, ("ermua.kirolak",): 1}


def over_time_points(at: AppTest) -> int:
    """The points of the engagement page's chart of likes over time (one per post with likes)."""
    assert not at.exception
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            rows = dataframe_util.convert_arrow_bytes_to_pandas_df(dataset.data.data)
            if "rolling_median" in rows.columns:
                return len(rows)
    raise AssertionError("no chart over time")


def test_the_charts_a_page_keeps_are_drawn_again_after_a_sync_from_another_process(
    seeded: Settings, tmp_path: Path, frame_loads: Counter[tuple[str, ...]]
) -> None:
    engagement = app("engagement", "ermua.kultura")
    before = over_time_points(engagement)
    assert before > 0
    engagement.run()  # nothing stored meanwhile: the kept chart, nothing read again
    assert over_time_points(engagement) == before
    assert frame_loads == {("ermua.kultura",): 1}

    assert "5 new" in sync_elsewhere(seeded, tmp_path, KULTURA, new=5)
    engagement.run()

    assert over_time_points(engagement) == before + 5
    assert frame_loads == {("ermua.kultura",): 2}


def test_the_start_page_and_the_sidebar_list_an_account_another_process_synced(
    seeded: Settings, tmp_path: Path
) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert sorted(at.dataframe[0].value["username"]) == ["ermua.kirolak", "ermua.kultura"]

    sync_elsewhere(seeded, tmp_path, ("ermua.berria", 8, 3))
    at.run()

    assert not at.exception
    frame = at.dataframe[0].value.set_index("username")
    assert sorted(frame.index) == ["ermua.berria", "ermua.kirolak", "ermua.kultura"]
    assert (frame.loc["ermua.berria", "posts"], frame.loc["ermua.berria", "status"]) == (8, "ok")
    assert "ermua.berria" in [b.label for b in at.sidebar.button]
    assert sorted(sidebar_posts(at)) == ["12 posts", "20 posts", "8 posts"]


def test_a_post_opened_alone_shows_a_change_stored_outside_the_dashboard(
    seeded: Settings, replay: InstagramReplay, sync: Syncer
) -> None:
    """The post view keys on the revision of the post's account (a sync here, not the dashboard's)."""
    archive = Archive(seeded)
    with archive.sessions() as session:
        newest = select(Post.shortcode).join(Profile).where(Profile.username == "ermua.kultura")
        shortcode = session.scalars(newest.order_by(Post.taken_at.desc()).limit(1)).one()
    at = app("gallery", "ermua.kultura")
    at.query_params["post"] = shortcode
    at.run()
    assert not at.exception and not at.warning

    delete_post(replay.accounts["ermua.kultura"], shortcode)
    assert sync("ermua.kultura", full=True).status == "ok"  # marks the post deleted
    at.run()

    assert not at.exception
    assert at.warning and "Deleted from Instagram" in at.warning[0].value
    archive.engine.dispose()


# The revisions themselves


def revision_of(archive: Archive, username: str) -> int:
    with archive.sessions() as session:
        return dict(revisions(session, [username]))[username]


def test_every_write_a_page_shows_grows_its_accounts_revision_and_no_other(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    kultura = build_account("ermua.kultura", 15, seed=1)
    kirolak = build_account("ermua.kirolak", 5, seed=2)
    for account in (kultura, kirolak):
        replay.add_account(account)
        sync(account.username)
    with archive.sessions() as session:
        assert archive_revision(session)[0] == 2
        before = revisions(session, ["ermua.kultura", "ermua.kirolak", "nobody.here"])
        whole = archive_revision(session)
    assert [name for name, _ in before] == ["ermua.kirolak", "ermua.kultura"]  # a name not stored is absent

    steps: list[tuple[str, Any]] = [
        ("new posts", lambda: add_new_posts(kultura, 2)),
        ("nothing new (the run itself shows)", lambda: None),
        ("a deleted post", lambda: delete_post(kultura, kultura.posts[-1].shortcode)),
    ]
    kirolak_revision = revision_of(archive, "ermua.kirolak")
    last = revision_of(archive, "ermua.kultura")
    for what, change in steps:
        change()
        assert sync("ermua.kultura", full=True).status == "ok", what
        now = revision_of(archive, "ermua.kultura")
        assert now > last, what
        last = now
    assert revision_of(archive, "ermua.kirolak") == kirolak_revision
    with archive.sessions() as session:
        assert archive_revision(session)[1] > whole[1]
        deleted = session.scalars(select(Post.shortcode).where(Post.deleted_at.is_not(None))).one()
        assert post_revision(session, deleted) == last
        assert post_revision(session, "NoSuchPost1") is None


def test_a_page_of_posts_costs_one_revision_update(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    replay.add_account(build_account("ermua.kultura", 1, seed=1))
    sync("ermua.kultura")
    with archive.sessions() as session:
        profile = session.scalars(select(Profile)).one()
        profile_id, start = profile.id, profile.revision
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE PROFILES"):
            statements.append(statement)

    event.listen(archive.engine, "before_cursor_execute", seen)
    try:
        with archive.sessions() as session:
            page = [page_record(i) for i in range(12)]
            writes.save_posts(session, profile_id, page)
            writes.save_posts(session, profile_id, page)  # now all stored: updated
            session.commit()
    finally:
        event.remove(archive.engine, "before_cursor_execute", seen)

    assert len(statements) == 2
    assert revision_of(archive, "ermua.kultura") == start + 2


def page_record(i: int) -> PostRecord:
    return PostRecord(
        shortcode=f"CPage{i:06d}",
        media_id=10_000 + i,
        owner_id=0,
        taken_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=i),
        type="image",
        caption=f"post {i}",
        media=(MediaRecord(position=0, is_video=False, image_url=f"https://cdn.test/{i}.jpg"),),
    )
