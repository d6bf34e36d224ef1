"""Caption search: the caption index (SQLite's FTS5 with its triggers, PostgreSQL's tsvector column),
the LIKE fallback, hostile queries, 100,000 posts. The same queries find the same posts on both."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, MetaData, Table, delete, event, func, insert, select, text, update
from sqlalchemy.orm import Session

from insights.search import (
    COLUMNS,
    COMMENT_COLUMNS,
    count_comment_matches,
    count_matches,
    fts_match,
    fts_query,
    search_captions,
    search_comments,
    search_words,
    uses_fts,
)
from insights.search import COMMENTS as COMMENT_INDEX
from scraper.store import db, search_keys
from scraper.store.models import Comment, Post, Profile
from tests.databases import DATABASE, Databases

START = datetime(2024, 5, 1, 12, tzinfo=UTC)
PROFILES = {"ermua.kultura": 1, "eibar.udala": 2}
# shortcode, account, day (a later day is newer), caption
POSTS = [
    ("P1", "ermua.kultura", 1, "Fiestas de Ermua el día 5 #ermua"),
    ("P2", "ermua.kultura", 2, "Concierto en la plaza: MÚSICA para todos"),
    ("P3", "eibar.udala", 3, "Gaur fiesta handia plazan"),
    ("P4", "eibar.udala", 4, "Día de la música con @ermua.kultura"),
    ("P5", "ermua.kultura", 5, None),
    ("P6", "eibar.udala", 6, "Sarrera 100% doan, gratis_entrada"),
    ("P7", "ermua.kultura", 7, 'Taller "Tinta y papel" (niños)'),
]
ALL = {code for code, *_ in POSTS}
NEWEST_FIRST = [code for code, *_ in sorted(POSTS, key=lambda post: -post[2])]

HOSTILE = [
    "",
    "   \t\n ",
    "🎉",
    "🎉 fiesta",
    '"',
    '"fiesta',
    '""',
    "*",
    "fiesta*",
    ")",
    "(",
    "NEAR(",
    "NEAR(a b, 2)",
    "a OR b",
    "a AND NOT b",
    "caption:fiesta",
    "{caption}: fiesta",
    "-fiesta",
    "^fiesta",
    "fiesta + plaza",
    "%",
    "_",
    "/",
    "\\",
    "'; DROP TABLE posts; --",
    "fiesta & plaza | !musica",  # tsquery's operators
    "fiesta <-> plaza <2> dia",
    "fiest:* 'plaza':AB",
    "\x00",
    "fi\x00esta",
    "\ud800",
    "a" * 10_000,
    "fiesta " * 1_500,
    " ".join(f"w{n}" for n in range(2_000)),
    '"*)(NEAR^-:' * 1_000,
]


def add_posts(session: Session, posts: list[tuple[str, str, int, str | None]]) -> None:
    """Store ``posts`` (shortcode, account, day, caption), creating the accounts they need: into the
    tables as the database has them (reflected), since an archive here may be at an older schema
    than the models, which name columns added later."""
    tables = MetaData()
    profiles = Table("profiles", tables, autoload_with=session.connection())
    stored = Table("posts", tables, autoload_with=session.connection())
    seen = START.replace(tzinfo=None)
    known = set(session.scalars(select(profiles.c.id)))
    for username in sorted(
        {username for _, username, _, _ in posts} - {u for u in PROFILES if PROFILES[u] in known}
    ):
        flags = dict.fromkeys(
            ("is_private", "is_verified", "is_business", "is_demo", "history_complete"), False
        )
        if "serial" in profiles.c:  # from 0012 on
            flags["serial"] = search_keys.next_serial()
        session.execute(
            insert(profiles).values(
                id=PROFILES[username], username=username, full_name="", biography="", first_seen_at=seen,
                updated_at=seen, **flags,
            )
        )  # fmt: skip
    rows = [
        dict(
            shortcode=shortcode,
            media_id=day,
            profile_id=PROFILES[username],
            taken_at=(START + timedelta(days=day)).replace(tzinfo=None),
            type="image",
            caption=caption,
            hashtags=[],
            mentions=[],
            tagged_users=[],
            likes=10 * day,
            comments=day,
            is_pinned=False,
            first_seen_at=seen,
            last_seen_at=seen,
        )
        for shortcode, username, day, caption in posts
    ]
    if "search_key" in stored.c:  # from 0012 on, as the store writes them
        search_keys.fill(session, "posts", rows)
    for row in rows:
        session.execute(insert(stored).values(**row))
    session.commit()


def deny_fts5(dbapi_connection: Any, _record: Any) -> None:
    """Makes a connection behave like an SQLite built without FTS5: creating an FTS5 table fails."""

    def authorizer(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_CREATE_VTABLE and arg2 == "fts5":
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    dbapi_connection.set_authorizer(authorizer)


# Archives without the index: on SQLite one at head on a build without FTS5, on PostgreSQL one at the
# revision before its index; on both one at 0002, from before any index.
KINDS = ("index", "without index", "at 0002")


def open_archive(url: str, kind: str) -> Engine:
    """An empty archive at ``url`` (a database without tables), of one of the ``KINDS``."""
    if kind == "index":
        return db.open_engine(url)
    engine = db.create(url)
    if kind == "at 0002":
        db.upgrade(engine, "0002")
    elif DATABASE == "sqlite":
        event.listen(engine, "connect", deny_fts5)
        db.upgrade(engine)
    else:
        db.upgrade(engine, "0003")
    return engine


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[dict[str, Engine]]:
    """The same posts in an archive of each of the ``KINDS``."""
    engines = {}
    with contextlib.ExitStack() as stack:
        for kind in KINDS:
            folder = tmp_path_factory.mktemp(kind.replace(" ", "-"))
            engine = open_archive(stack.enter_context(databases.database(folder, migrated=False)), kind)
            stack.callback(engine.dispose)  # before its database is dropped
            with Session(engine) as session:
                add_posts(session, POSTS)
            engines[kind] = engine
        yield engines


@pytest.fixture
def session(archives: dict[str, Engine]) -> Iterator[Session]:
    with Session(archives["index"]) as session:
        yield session


@pytest.fixture
def fresh(db_url: str) -> Iterator[Session]:
    """A session on an archive of its own, holding POSTS, for tests that change posts."""
    engine = db.open_engine(db_url)
    with Session(engine) as session:
        add_posts(session, POSTS)
        yield session
    engine.dispose()


def codes(frame: pd.DataFrame) -> list[str]:
    return list(frame["shortcode"])


def found(session: Session, query: str, **options: Any) -> set[str]:
    """The shortcodes a search finds, checked against its count."""
    result = set(codes(search_captions(session, query, **options)))
    fallback = options.get("fallback", False)
    assert count_matches(session, query, options.get("usernames"), fallback=fallback) == len(result)
    return result


def index_is_consistent(session: Session) -> None:
    """A check that the index holds exactly the words of the captions now in ``posts``. On SQLite:
    FTS5's own check of the index, one caption per post, each found under its key by all its words
    (a contentless index keeps no text to compare); on PostgreSQL, each post's stored words against
    the words of its caption now."""
    if DATABASE == "sqlite":
        session.execute(text("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')"))
        captions = session.scalar(text("SELECT count(*) FROM search_fts WHERE (rowid >> 13) & 1 = 1"))
        assert captions == session.scalar(select(func.count()).select_from(Post))
        for key, caption in session.execute(select(Post.search_key, Post.caption)):
            words = search_words(caption or "")
            if words:
                query = text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q AND rowid = :key")
                assert session.scalar(query, {"q": fts_match(words), "key": key}) == key, caption
        return
    stale = session.scalar(
        text(
            "SELECT count(*) FROM posts WHERE caption_search IS DISTINCT FROM"
            " to_tsvector('simple', caption_search_text(caption))"
        )
    )
    assert stale == 0


def test_archives_get_the_index_where_the_database_has_one(archives: dict[str, Engine]) -> None:
    seen = {}
    for kind, engine in archives.items():
        with Session(engine) as session:
            seen[kind] = uses_fts(session)
    assert seen == {"index": True, "without index": False, "at 0002": False}
    if DATABASE == "sqlite":  # a build without FTS5 still gets every later migration
        assert db.current_revision(archives["without index"]) == db.head_revision()


@pytest.mark.postgresql_only("counts the scans of PostgreSQL's GIN index")
@pytest.mark.parametrize("query", ["fiest", "ermua.kultura musica", "dia de la m"])
def test_postgresql_searches_through_the_gin_index(session: Session, query: str) -> None:
    def scans() -> int:
        """Scans of the index in this transaction."""
        return session.scalar(text("SELECT pg_stat_get_xact_numscans('ix_posts_caption_search'::regclass)"))

    session.execute(text("SET LOCAL enable_seqscan = off"))  # 7 posts: a scan of the table is cheaper
    before = scans()
    search_captions(session, query)
    count_matches(session, query)
    after = scans()
    session.rollback()

    assert after == before + 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("dia", {"P1", "P4"}, id="accents ignored"),
        pytest.param("DÍA", {"P1", "P4"}, id="accents typed"),
        pytest.param("musica", {"P2", "P4"}, id="accented upper case stored"),
        pytest.param("ERMUA", {"P1", "P4"}, id="case ignored"),
        pytest.param("fiest", {"P1", "P3"}, id="last word as prefix"),
        pytest.param("plaza", {"P2", "P3"}, id="a lone word is a prefix too"),
        pytest.param("plaza con", {"P2"}, id="earlier words whole"),
        pytest.param("fiesta plaz", {"P3"}, id="words ANDed"),
        pytest.param("musica dia ermua", {"P4"}, id="three words ANDed"),
        pytest.param("#ermua", {"P1", "P4"}, id="hashtag finds the word"),
        pytest.param("@ermua.kultura", {"P4"}, id="mention"),
        pytest.param("tinta y papel", {"P7"}, id="quoted words"),
        pytest.param("gratis_entrada", {"P6"}, id="punctuation inside a word"),
        pytest.param("100%", {"P6"}, id="trailing percent"),
        pytest.param("xylophone", set(), id="no match"),
        pytest.param("", ALL, id="empty: everything"),
        pytest.param("🎉 !!", ALL, id="nothing searchable: everything"),
    ],
)
def test_the_index_finds(session: Session, query: str, expected: set[str]) -> None:
    assert found(session, query) == expected


def test_the_best_match_comes_first_then_the_newest(fresh: Session) -> None:
    add_posts(
        fresh,
        [
            ("R1", "eibar.udala", 10, "txosna"),
            ("R2", "eibar.udala", 11, "txosna txosna txosna eta beste gauza asko gaur gauean plazan"),
            ("R3", "eibar.udala", 12, "txosna"),
        ],
    )

    assert codes(search_captions(fresh, "txosna")) == ["R3", "R1", "R2"]
    assert codes(search_captions(fresh, "txosna", fallback=True)) == ["R3", "R2", "R1"]


def test_an_empty_query_gives_the_newest_posts(session: Session) -> None:
    assert codes(search_captions(session, "")) == NEWEST_FIRST
    assert codes(search_captions(session, "   ", limit=2)) == NEWEST_FIRST[:2]


def test_the_table_has_the_promised_columns_and_types(session: Session) -> None:
    frame = search_captions(session, "concierto")
    empty = search_captions(session, "xylophone")

    assert list(frame.columns) == list(empty.columns) == COLUMNS
    assert frame.iloc[0].to_dict() == {
        "post_id": session.scalar(select(Post.id).where(Post.shortcode == "P2")),
        "shortcode": "P2",
        "username": "ermua.kultura",
        "taken_at": pd.Timestamp(START + timedelta(days=2)),
        "caption": "Concierto en la plaza: MÚSICA para todos",
        "likes": 20,
        "comments": 2,
        "type": "image",
    }
    for result in (frame, empty):
        assert str(result["taken_at"].dtype).endswith(", UTC]")
        assert result["post_id"].dtype == "int64"
        assert result["likes"].dtype == "Int64"


@pytest.mark.parametrize("fallback", [False, True], ids=["index", "fallback"])
def test_usernames_keep_those_accounts(session: Session, fallback: bool) -> None:
    assert found(session, "plaza", usernames=["eibar.udala"], fallback=fallback) == {"P3"}
    assert found(session, "plaza", usernames=["eibar.udala", "ermua.kultura"], fallback=fallback) == {
        "P2",
        "P3",
    }
    assert found(session, "", usernames=["ermua.kultura"], fallback=fallback) == {"P1", "P2", "P5", "P7"}
    assert found(session, "", usernames=[], fallback=fallback) == set()
    assert found(session, "plaza", usernames=["nobody"], fallback=fallback) == set()


@pytest.mark.parametrize("query", ["", "e"])
@pytest.mark.parametrize("fallback", [False, True], ids=["index", "fallback"])
def test_pages_cover_the_results_once_and_the_count_covers_all_pages(
    session: Session, query: str, fallback: bool
) -> None:
    whole = codes(search_captions(session, query, fallback=fallback))
    pages = [
        codes(search_captions(session, query, limit=2, offset=n, fallback=fallback)) for n in range(0, 8, 2)
    ]

    assert len(whole) == count_matches(session, query, fallback=fallback) >= 4
    assert [code for page in pages for code in page] == whole
    assert all(len(page) <= 2 for page in pages)
    assert search_captions(session, query, offset=100, fallback=fallback).empty
    assert search_captions(session, query, limit=0, fallback=fallback).empty


def test_inserted_updated_and_deleted_posts_keep_the_index_right(fresh: Session) -> None:
    add_posts(fresh, [("N1", "eibar.udala", 20, "Azoka berria Ermuan")])
    assert found(fresh, "azoka") == {"N1"}

    fresh.execute(update(Post).where(Post.shortcode == "N1").values(caption="Mercado nuevo"))
    fresh.commit()
    assert found(fresh, "azoka") == set()
    assert found(fresh, "mercado") == {"N1"}

    post = fresh.scalars(select(Post).where(Post.shortcode == "P2")).one()
    post.caption = None  # through the ORM, as a sync does
    fresh.commit()
    assert found(fresh, "concierto") == set()

    fresh.execute(update(Post).where(Post.shortcode == "P3").values(likes=999))  # caption untouched
    fresh.commit()
    assert found(fresh, "handia") == {"P3"}

    fresh.execute(delete(Post).where(Post.shortcode == "N1"))
    fresh.commit()
    assert found(fresh, "mercado") == set()
    index_is_consistent(fresh)


def test_deleting_an_account_takes_its_posts_out_of_the_index(fresh: Session) -> None:
    fresh.execute(delete(Profile).where(Profile.username == "eibar.udala"))  # posts go by ON DELETE CASCADE
    fresh.commit()

    assert found(fresh, "dia") == {"P1"}
    assert found(fresh, "") == {"P1", "P2", "P5", "P7"}
    index_is_consistent(fresh)


@pytest.mark.parametrize("kind", ["fallback=True", "without index", "at 0002"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "fiest",
        "ERMUA",
        "#ermua",
        "plaza",
        "concierto plaz",
        "gratis_entrada",
        "100%",
        "xylophone",
        "_",
        "%",
    ],
)
def test_the_fallback_finds_what_the_index_finds(
    archives: dict[str, Engine], session: Session, kind: str, query: str
) -> None:
    with Session(archives["index" if kind == "fallback=True" else kind]) as other:
        frame = search_captions(other, query, fallback=kind == "fallback=True")
        assert count_matches(other, query, fallback=kind == "fallback=True") == len(frame)

    assert set(codes(frame)) == found(session, query)
    assert list(frame["taken_at"]) == sorted(frame["taken_at"], reverse=True)  # newest first


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("fallback", [False, True], ids=["index", "fallback"])
def test_no_query_breaks_the_search(session: Session, query: str, fallback: bool) -> None:
    frame = search_captions(session, query, fallback=fallback)

    assert list(frame.columns) == COLUMNS
    assert count_matches(session, query, fallback=fallback) >= len(frame)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ""),
        ("fiest", '"fiest"*'),
        ("#Ermua dia", '"Ermua" "dia"*'),
        ('a"b NEAR( c OR d', '"a""b" "NEAR" "c" "OR" "d"*'),
        ("caption:x -y ^z", '"caption:x" "y" "z"*'),
        ("fiesta Fiesta plaza fiesta", '"fiesta" "plaza" "fiesta"*'),
    ],
)
def test_queries_reach_fts5_as_quoted_strings_only(query: str, expected: str) -> None:
    assert fts_query(search_words(query)) == expected


def test_the_query_text_is_bound_never_spliced_into_the_sql(session: Session) -> None:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *_: object) -> None:
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        search_captions(session, "zzqx'ermua")
        count_matches(session, "zzqx'ermua", ["eibar.udala"], fallback=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert statements
    assert not any("zzqx" in statement or "eibar" in statement for statement in statements)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=200), fallback=st.booleans())
def test_any_text_gives_a_table(session: Session, query: str, fallback: bool) -> None:
    frame = search_captions(session, query, fallback=fallback)

    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == COLUMNS
    assert set(frame["shortcode"]) <= ALL
    assert count_matches(session, query, fallback=fallback) == len(frame)


# Comment search: the same matching over comments (migration 0007's indexes), one account at a time

# id, post, parent, author, day, text; the comments of P3 are on eibar.udala, the rest on ermua.kultura
COMMENTS = [
    (1, "P1", None, "ane", 1, "¡Qué FIESTA tan bonita!"),
    (2, "P1", 1, "ermua.kultura", 2, "Eskerrik asko, ane"),
    (3, "P2", None, "jon", 3, "La MÚSICA de la plaza"),
    (4, "P3", None, "mikel", 4, "Música y fiesta en Eibar"),
    (5, "P7", None, "nerea", 5, "¿Dónde es el taller? Día 5"),
    (6, "P7", 5, "ermua.kultura", 6, "En la casa de cultura: dia 5"),
]
KULTURA = {1, 2, 3, 5, 6}


@pytest.fixture(scope="module")
def commented(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Session]:
    """POSTS with COMMENTS, in an archive at the newest schema."""
    with databases.database(tmp_path_factory.mktemp("comments")) as url:
        engine = db.open_engine(url)
        with Session(engine) as session:
            add_posts(session, POSTS)
            posts = session.execute(select(Post.shortcode, Post.id, Post.profile_id)).all()
            ids = {code: post_id for code, post_id, _ in posts}
            owners = {code: profile_id for code, _, profile_id in posts}
            rows = [
                {
                    "id": comment_id,
                    "post_id": ids[code],
                    "profile_id": owners[code],
                    "parent_id": parent,
                    "owner_username": owner,
                    "text": body,
                    "created_at": START + timedelta(days=day),
                    "likes": day,
                    "first_seen_at": START,
                    "last_seen_at": START,
                }
                for comment_id, code, parent, owner, day, body in COMMENTS
            ]
            search_keys.fill(session, "comments", rows)
            session.execute(insert(Comment), rows)
            session.commit()
            yield session
        engine.dispose()


def comment_ids(session: Session, query: str, account: str = "ermua.kultura", **options: Any) -> set[int]:
    """The ids of the comments a search finds on ``account``, checked against its count."""
    profile_id = PROFILES[account]
    frame = search_comments(session, query, profile_id, **options)
    assert count_comment_matches(session, query, profile_id, fallback=options.get("fallback", False)) == len(
        frame
    )
    return set(frame["comment_id"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("fiesta", {1}, id="upper case stored"),
        pytest.param("FIESTA", {1}, id="upper case typed"),
        pytest.param("fiest", {1}, id="last word as prefix"),
        pytest.param("musica", {3}, id="accented upper case stored"),
        pytest.param("MÚSICA", {3}, id="accented upper case typed"),
        pytest.param("música", {3}, id="accented typed"),
        pytest.param("dia", {5, 6}, id="accents ignored"),
        pytest.param("DÍA", {5, 6}, id="accent typed, stored with and without"),
        pytest.param("¿donde?", {5}, id="punctuation around"),
        pytest.param("dia cultura", {6}, id="words ANDed"),
        pytest.param("eibar", set(), id="another account's comment"),
        pytest.param("xylophone", set(), id="no match"),
        pytest.param("", KULTURA, id="empty: every comment of the account"),
    ],
)
def test_comment_search_matches_as_caption_search(commented: Session, query: str, expected: set[int]) -> None:
    assert uses_fts(commented, COMMENT_INDEX)
    assert comment_ids(commented, query) == expected


def test_comment_search_keeps_to_the_account(commented: Session) -> None:
    assert comment_ids(commented, "fiesta", "eibar.udala") == {4}
    assert comment_ids(commented, "", "eibar.udala") == {4}
    assert comment_ids(commented, "musica", "eibar.udala", fallback=True) == set()  # LIKE sees accents


@pytest.mark.parametrize("query", ["", "fiest", "FIESTA", "plaza", "asko, ane", "xylophone", "%", "_"])
def test_the_comment_fallback_finds_what_the_index_finds(commented: Session, query: str) -> None:
    frame = search_comments(commented, query, PROFILES["ermua.kultura"], fallback=True)

    assert set(frame["comment_id"]) == comment_ids(commented, query)
    assert list(frame["created_at"]) == sorted(frame["created_at"], reverse=True)  # newest first


def test_the_comment_table_has_the_promised_columns_and_types(commented: Session) -> None:
    frame = search_comments(commented, "taller", PROFILES["ermua.kultura"])
    empty = search_comments(commented, "xylophone", PROFILES["ermua.kultura"])

    assert list(frame.columns) == list(empty.columns) == COMMENT_COLUMNS
    assert frame.iloc[0].to_dict() | {"deleted_at": None} == {
        "comment_id": 5,
        "shortcode": "P7",
        "owner": "nerea",
        "created_at": pd.Timestamp(START + timedelta(days=5)),
        "text": "¿Dónde es el taller? Día 5",
        "likes": 5,
        "is_reply": False,
        "deleted_at": None,
    }
    for result in (frame, empty):
        assert str(result["created_at"].dtype).endswith(", UTC]")
        assert str(result["deleted_at"].dtype).endswith(", UTC]")


@pytest.mark.postgresql_only("counts the scans of PostgreSQL's GIN index over comments")
def test_postgresql_searches_comments_through_their_gin_index(commented: Session) -> None:
    def scans() -> int:
        return commented.scalar(text("SELECT pg_stat_get_xact_numscans('ix_comments_text_search'::regclass)"))

    # At 6 comments the account's own index is as good a way in: dropped for this transaction only,
    # it leaves the GIN index as the one way in but a sequential scan, which is switched off.
    commented.execute(text("DROP INDEX ix_comments_profile_created"))
    commented.execute(text("SET LOCAL enable_seqscan = off"))
    before = scans()
    search_comments(commented, "fiest", PROFILES["ermua.kultura"])
    count_comment_matches(commented, "fiest", PROFILES["ermua.kultura"])
    after = scans()
    commented.rollback()

    assert after == before + 2


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("fallback", [False, True], ids=["index", "fallback"])
def test_no_query_breaks_the_comment_search(commented: Session, query: str, fallback: bool) -> None:
    frame = search_comments(commented, query, PROFILES["ermua.kultura"], fallback=fallback)

    assert list(frame.columns) == COMMENT_COLUMNS
    assert set(frame["comment_id"]) <= KULTURA
    assert count_comment_matches(commented, query, PROFILES["ermua.kultura"], fallback=fallback) >= len(frame)


TOPICS = ["Música en la plaza", "Teatro", "Día de Ermua", "Kultura", "Cine"]


@pytest.mark.slow
def test_a_search_of_100000_posts(db_url: str) -> None:
    engine = db.open_engine(db_url)
    started = time.perf_counter()
    with Session(engine) as session:
        session.add_all(Profile(id=1000 + n, username=f"account{n:02d}") for n in range(20))
        session.flush()
        rows = [
            {
                "shortcode": f"S{n:07d}",
                "media_id": n,
                "profile_id": 1000 + n % 20,
                "taken_at": START + timedelta(minutes=n),
                "type": "image",
                "caption": f"{TOPICS[n % 5]} {'fiestas' if n % 4 == 0 else 'eguna'} número {n}",
            }
            for n in range(100_000)
        ]
        search_keys.fill(session, "posts", rows)
        session.execute(insert(Post), rows)
        session.commit()
    print(f"\n100,000 posts stored and indexed in {time.perf_counter() - started:.1f} s")

    expected = [
        ("fiest", None, 25_000),
        ("musica plaza", None, 20_000),
        ("dia fiestas", None, 5_000),
        ("numero 12345", None, 1),
        ("fiest", ["account00"], 5_000),
        ("n", None, 100_000),  # every caption has "número": the widest one-letter prefix
        ("", None, 100_000),
    ]
    with Session(engine) as session:
        assert uses_fts(session)
        for query, usernames, count in expected:
            started = time.perf_counter()
            page = search_captions(session, query, usernames=usernames)
            page_seconds = time.perf_counter() - started
            assert count_matches(session, query, usernames) == count
            assert len(page) == min(count, 200)
            started = time.perf_counter()
            search_captions(session, query, usernames=usernames, fallback=True)
            like_seconds = time.perf_counter() - started
            print(f"{query!r:>16} {count:>7,} matches: index {page_seconds:.3f} s, LIKE {like_seconds:.3f} s")
        assert codes(search_captions(session, "numero 12345")) == ["S0012345"]
        assert count_matches(session, "fiest", fallback=True) == 25_000
        index_is_consistent(session)
    engine.dispose()
