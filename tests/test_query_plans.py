"""Cost follows the account: every query a page runs for one account (or a group) reads only those
accounts' rows, through an index. Each page runs under AppTest over an archive of three accounts
(comments, a group, picture hashes) while every statement sent to the database is recorded; then the
planner of an empty archive on the same database (which plans as for a large one) is asked how it would
run each of them (``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN`` with sequential scans and whole-table
joins priced out on PostgreSQL). A plan that reads a whole table of posts,
media, captions, counts or comments fails, naming the statement.

The start page lists every account: it may read the profiles table whole, and nothing larger."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Connection, Engine
from streamlit.testing.v1 import AppTest

from scraper.archive import Archive
from scraper.instagram.login import Login, login
from scraper.replay import InstagramReplay, add_comments, add_new_posts, build_account, delete_post
from scraper.store import groups, writes
from scraper.store.models import Post
from tests.databases import Databases
from tests.helpers import Syncer, replayed, shared_archive

ACCOUNTS = {"ermua.kultura": 14, "ermua.udala": 9, "ermua.kirolak": 7}
ACCOUNT = "ermua.kultura"
GROUP = "udalerria"  # ermua.kultura and ermua.udala
# Tables whose rows grow with the posts of every account: a plan may reach them only through an index
# that narrows them to the accounts asked for.
BIG = (
    "posts",
    "post_names",
    "media_items",
    "caption_versions",
    "post_metrics",
    "profile_snapshots",
    "comments",
    "sync_runs",
    "changes",
)


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Archive]:
    """Three accounts synced logged in with their comments, twice (so counts have a history; the
    pictures are hashed as they are stored), and a group of two of them."""
    with shared_archive(databases, tmp_path_factory.mktemp("plans")) as archive:
        with replayed(archive) as (replay, sync):
            saved = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
            researcher = Login("researcher", saved)
            for seed, (name, posts) in enumerate(ACCOUNTS.items()):
                account = build_account(name, posts, seed=seed)
                add_comments(account, account.posts[1].shortcode, 6, replies=2, seed=seed)
                replay.add_account(account)
                assert sync(name, login=researcher, comments=True).error is None
                assert sync(name, login=researcher, comments=True).error is None
        with archive.sessions() as session:
            groups.add(session, GROUP, ["ermua.kultura", "ermua.udala"])
            session.commit()
        yield archive


@pytest.fixture(scope="module")
def planner(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Archive]:
    """An empty archive on the same database: its planner knows nothing of how few rows the tests hold,
    so it plans as for a large archive (PostgreSQL would rightly read the tests' tiny tables whole)."""
    with shared_archive(databases, tmp_path_factory.mktemp("planner")) as archive:
        yield archive


@dataclass
class Recorded:
    """The statements sent to the database while a page ran, with their parameters."""

    statements: list[tuple[str, Any]] = field(default_factory=list)

    def __call__(self, conn: Connection, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append((statement, parameters))


def run_page(module: str) -> None:
    import importlib

    from ui import sidebar

    sidebar.render()
    importlib.import_module(f"ui.{module}").page()


def page_statements(archive: Archive, module: str, **params: str) -> list[tuple[str, Any]]:
    """Every SELECT the page ``module`` sent on its first load, with the given query parameters."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    recorded = Recorded()
    event.listen(Engine, "before_cursor_execute", recorded)
    try:
        at = AppTest.from_function(run_page, args=(module,), default_timeout=60)
        at.session_state["lang"] = "en"
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
    finally:
        event.remove(Engine, "before_cursor_execute", recorded)
    assert not at.exception, at.exception
    return recorded.statements


def whole_table_reads(archive: Archive, statement: str, parameters: Any) -> list[str]:
    """The tables of ``BIG`` that the planner of ``archive`` would read whole to run ``statement``."""
    with archive.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            found = []
            for row in rows:
                detail = str(row[-1])
                match = re.match(r"SCAN (\w+)", detail)
                if match and match.group(1) in BIG:
                    found.append(detail)
            return found
        # Sequential scans, and the joins that read both sides whole, priced out: the tables here are
        # tiny, so the planner would rightly read them whole; a plan that still does has no index to
        # narrow them to the accounts asked for.
        for method in ("seqscan", "mergejoin", "hashjoin"):
            conn.execute(text(f"SET enable_{method} = off"))
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar_one()
        conn.rollback()
        return [f"{node['Node Type']} on {node['Relation Name']}" for node in _whole_reads(plan[0]["Plan"])]


def _whole_reads(node: dict[str, Any], parent: str = "") -> Iterator[dict[str, Any]]:
    """The nodes of a PostgreSQL plan that read a table of ``BIG`` whole: a sequential scan, or an
    index scan without a condition (the whole index, in order) unless a Limit right above it stops it
    after so many rows and it filters none out (search's window of the newest keys: a cost that does
    not grow with the table; with a filter, the walk could go through the whole index to fill it)."""
    if node.get("Relation Name") in BIG and (
        node["Node Type"] == "Seq Scan"
        or (
            node["Node Type"] in ("Index Scan", "Index Only Scan")
            and "Index Cond" not in node
            and (parent != "Limit" or "Filter" in node)
        )
    ):
        yield node
    for child in node.get("Plans", []):
        yield from _whole_reads(child, node["Node Type"])


PAGES = [
    ("profile", {"account": ACCOUNT}),
    ("gallery", {"account": ACCOUNT}),
    ("captions", {"account": ACCOUNT}),
    ("comments", {"account": ACCOUNT}),
    ("frequency", {"account": ACCOUNT}),
    ("engagement", {"account": ACCOUNT}),
    ("compare", {"group": GROUP}),
    ("community", {"group": GROUP}),
    ("search", {"group": GROUP, "q": "ermua"}),
    ("accounts", {}),
]


@pytest.mark.parametrize(("module", "params"), PAGES, ids=[module for module, _ in PAGES])
def test_a_page_reads_only_the_rows_of_the_accounts_it_shows(
    town: Archive, planner: Archive, module: str, params: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", town.settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(town.settings.media_dir))
    statements = page_statements(town, module, **params)
    assert statements, "the page ran no query: the recorder saw nothing"
    offending = {}
    for statement, parameters in statements:
        scans = whole_table_reads(planner, statement, parameters)
        if scans:
            offending[" ".join(statement.split())[:400]] = scans
    if offending:
        pytest.fail("\n\n".join(f"{sql}\n  -> {scans}" for sql, scans in offending.items()), pytrace=False)


def live_posts(archive: Archive, username: str) -> tuple[int, int]:
    """(the account's kept count, its live posts counted now)."""
    with archive.sessions() as session:
        profile = writes.profile_by_username(session, username)
        assert profile is not None
        counted = session.scalar(
            select(func.count())
            .select_from(Post)
            .where(Post.profile_id == profile.id, Post.deleted_at.is_(None))
        )
        return profile.posts_stored, int(counted or 0)


def test_the_kept_count_of_posts_follows_every_write(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    account = build_account("ermua.jaiak", 10, seed=7)
    replay.add_account(account)
    assert sync("ermua.jaiak").status == "ok"
    assert live_posts(archive, "ermua.jaiak") == (10, 10)

    gone = [delete_post(account, account.posts[i].shortcode) for i in (2, 5)]
    assert sync("ermua.jaiak", full=True).status == "ok"  # marks them deleted
    assert live_posts(archive, "ermua.jaiak") == (8, 8)

    account.posts.insert(2, gone[0])  # back on Instagram (an archived post restored)
    add_new_posts(account, 3)
    assert sync("ermua.jaiak", full=True).status == "ok"
    assert live_posts(archive, "ermua.jaiak") == (12, 12)
    assert archive.account_lines("en")[1].split("\t")[1] == "12"  # what `accounts` prints


def test_the_community_page_counts_the_members_lists_from_their_names_in_one_statement(
    town: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mentions, tags and hashtags (with their months) come from one statement over the members' rows
    of ``post_names``, never by parsing the posts' JSON lists: a second of CPU for the 114,000 posts
    of a group of 20 accounts on PostgreSQL."""
    monkeypatch.setenv("DATABASE_URL", town.settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(town.settings.media_dir))
    statements = page_statements(town, "community", group=GROUP)
    assert not [s for s, _ in statements if re.search(r"\b(hashtags|mentions|tagged_users)\b", s)]
    lists = [s for s, _ in statements if re.search(r"\bpost_names\b", s)]
    assert len(lists) == 1, lists


def test_the_comments_page_reads_only_the_posts_it_shows(
    town: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its most discussed posts, by id: not every post of the account (0.5-0.9 s at 20,000 posts)."""
    monkeypatch.setenv("DATABASE_URL", town.settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(town.settings.media_dir))
    statements = page_statements(town, "comments", account=ACCOUNT)
    frames = [s for s, _ in statements if "posts.hashtags" in s]
    assert frames, "the page read no posts: its most discussed posts are missing"
    assert all(re.search(r"posts\.id IN", s) for s in frames), frames
