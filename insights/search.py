"""Caption search: the posts whose captions hold every word of a query, as a table; and comment
search, which matches comments the same way (``search_comments``).

Where the database has a caption index a search uses it: SQLite's FTS5 index of migration 0003, or
PostgreSQL's tsvector index of migration 0004, which sees the same words. Case and accents do not
matter ("dia" finds "Día"), words match whole words, the last word also as a prefix ("fiest" finds
"fiestas"), and results come best match first. Elsewhere (SQLite built without FTS5, a database not
upgraded yet, or another database) each word is matched as a case-insensitive substring (``LIKE``),
newest first; there accents count, and SQLite folds only ASCII case.

A query is split on whitespace. Punctuation at either end of a word is dropped, so "#ermua" and
"@ermua" look for the word "ermua" (finding "#ermua" and "Ermua" alike), and a word of only
punctuation or emoji, which the index does not store, is ignored. Inside a word punctuation stays:
"foo-bar" finds the two words one after the other. Stored posts are all searched, those since
deleted from Instagram too.

Comments have the same two indexes (migration 0007: FTS5 ``comments_fts``, PostgreSQL's
``comments.text_search``), made with the same tokenizer and function, so a query finds the comments
holding its words exactly as it finds captions; without them comments fall back to LIKE too.

``search_all`` searches captions and comments together, over all accounts or some, in a period,
newest first (the command line's ``search``); ``matches_per_week`` counts what it finds per week,
account and kind.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict, TypeVar

import pandas as pd
from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    ScalarSelect,
    Select,
    String,
    Subquery,
    TableClause,
    Text,
    case,
    cast,
    column,
    func,
    literal_column,
    null,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.orm import QueryableAttribute, Session

from scraper.store.models import Comment, Post, Profile

COLUMNS = ["post_id", "shortcode", "username", "taken_at", "caption", "likes", "comments", "type"]
COMMENT_COLUMNS = [
    "comment_id", "shortcode", "owner", "created_at", "text", "likes", "is_reply", "deleted_at",
]  # fmt: skip
# What ``search_all`` gives (a ``Match`` each) and what ``matches_per_week`` counts.
MATCH_COLUMNS = ["kind", "username", "shortcode", "id", "owner", "text", "created_at", "deleted_at"]
WEEK_COLUMNS = ["week_start", "username", "kind", "matches"]
SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])  # a SELECT of any columns
# More words than a search box needs; the cap keeps a pasted essay from becoming thousands of terms.
MAX_WORDS = 64
# The matches a search gives at a time (the captions page shows one such page).
RESULTS = 200

posts_fts = table("posts_fts", column("posts_fts"), column("rowid"), column("rank"))
# PostgreSQL's words of each caption (migration 0004), a column no model describes.
caption_search = literal_column("posts.caption_search", TSVECTOR)
# The text search configuration, written into the SQL as in the index's expression: words as they are.
SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
comments_fts = table("comments_fts", column("comments_fts"), column("rowid"), column("rank"))
# PostgreSQL's words of each comment (migration 0007).
comment_search = literal_column("comments.text_search", TSVECTOR)


@dataclass(frozen=True)
class TextIndex:
    """Where the words of one text column are indexed: an FTS5 table on SQLite (rowid = the row's
    id), a generated tsvector column on PostgreSQL; ``text`` is what LIKE looks in without them."""

    fts: TableClause
    tsvector: ColumnElement[Any]
    key: QueryableAttribute[int]
    text: QueryableAttribute[Any]
    table: str  # the table holding ``tsvector``, and that column's name
    column: str


CAPTIONS = TextIndex(posts_fts, caption_search, Post.id, Post.caption, "posts", "caption_search")
COMMENTS = TextIndex(comments_fts, comment_search, Comment.id, Comment.text, "comments", "text_search")


def search_words(query: str) -> list[str]:
    """The words a search looks for, in order, without repeats; at most ``MAX_WORDS``."""
    # NFC so a decomposed accent compares like the stored (composed) text under LIKE. Control
    # characters become spaces: a NUL would end the FTS5 query early ("unterminated string").
    # Lone surrogates (never typed, but possible in a str) would fail to encode to UTF-8.
    cleaned = query.encode("utf-8", "replace").decode("utf-8")
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in cleaned)
    cleaned = unicodedata.normalize("NFC", cleaned)
    words: list[str] = []
    for raw in cleaned.split():
        word = _trim(raw)
        if word:
            words.append(word)
    if len(words) > 1:
        # A repeated word adds nothing (the words are ANDed); the last stays last for its prefix.
        firsts: dict[str, str] = {}
        for word in words[:-1]:
            firsts.setdefault(word.casefold(), word)
        words = [*firsts.values(), words[-1]]
    return words[:MAX_WORDS]


def _trim(word: str) -> str:
    """``word`` without the non-alphanumeric characters at its ends ('#', '@', '!', emoji...)."""
    start, end = 0, len(word)
    while start < end and not word[start].isalnum():
        start += 1
    while end > start and not word[end - 1].isalnum():
        end -= 1
    return word[start:end]


def fts_query(words: Sequence[str]) -> str:
    """An FTS5 query matching all ``words``, the last also as a prefix; no word is read as syntax."""
    # A double-quoted string is always plain text to FTS5 (NEAR, OR, ':', '-', '^' and '*' inside it
    # are only characters); a '"' inside is written twice. Strings side by side are ANDed.
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    return " ".join(quoted) + "*" if quoted else ""


def uses_fts(session: Session, index: TextIndex = CAPTIONS) -> bool:
    """Whether searches on this database use a caption index (or the comment index, with ``index``):
    FTS5 on SQLite, a tsvector index on PostgreSQL (else LIKE)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        found = session.scalar(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": index.fts.name},
        )
    elif dialect == "postgresql":
        found = session.scalar(
            text(
                "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(:table)"
                " AND attname = :column AND NOT attisdropped"
            ),
            {"table": index.table, "column": index.column},
        )
    else:
        return False
    return found is not None


def search_captions(
    session: Session,
    query: str,
    *,
    usernames: Sequence[str] | None = None,
    limit: int = RESULTS,
    offset: int = 0,
    fallback: bool = False,
) -> pd.DataFrame:
    """Posts whose caption holds every word of ``query``: best match then newest (LIKE: newest).

    An empty query gives the newest posts. ``usernames`` keeps the accounts of those current names
    (an empty list keeps none); ``fallback`` uses LIKE even where the index exists.
    """
    words = search_words(query)
    stmt = select(
        Post.id.label("post_id"),
        Post.shortcode,
        Profile.username,
        Post.taken_at,
        Post.caption,
        Post.likes,
        Post.comments,
        Post.type,
    ).join(Profile, Profile.id == Post.profile_id)
    stmt, best = _matching(stmt, session, words, CAPTIONS, fallback)
    stmt = stmt.order_by(*([] if best is None else [best]), Post.taken_at.desc(), Post.id.desc())
    if usernames is not None:
        stmt = stmt.where(Profile.username.in_(usernames))
    rows = session.execute(stmt.limit(max(limit, 0)).offset(max(offset, 0))).all()
    return _frame(rows)


def count_matches(
    session: Session, query: str, usernames: Sequence[str] | None = None, *, fallback: bool = False
) -> int:
    """How many posts ``search_captions`` finds for ``query`` over all pages."""
    words = search_words(query)
    stmt, _ = _matching(select(func.count()).select_from(Post), session, words, CAPTIONS, fallback)
    if usernames is not None:
        stmt = stmt.join(Profile, Profile.id == Post.profile_id).where(Profile.username.in_(usernames))
    return session.scalar(stmt) or 0


def _matching(
    stmt: SelectT, session: Session, words: Sequence[str], index: TextIndex, fallback: bool
) -> tuple[SelectT, ColumnElement[Any] | None]:
    """``stmt`` kept to the rows whose text (``index``) holds every word, through the index where
    there is one (and not ``fallback``), else LIKE; with the best-first order (None for LIKE)."""
    if words and not fallback and uses_fts(session, index):
        return _indexed(stmt, session, words, index)
    return stmt.where(*_likes(words, index)), None


def _indexed(
    stmt: SelectT, session: Session, words: Sequence[str], index: TextIndex = CAPTIONS
) -> tuple[SelectT, ColumnElement[Any]]:
    """``stmt`` kept to the rows the index finds for ``words``, and the best-first order."""
    if session.get_bind().dialect.name == "postgresql":
        query = _tsquery(words)
        # Normalization 1 divides by 1 + the log of the text's length, so that, as with FTS5's
        # bm25, a short caption naming the word beats a long one naming it a few times.
        best = func.ts_rank(index.tsvector, query, 1).desc()
        return stmt.where(index.tsvector.op("@@", return_type=Boolean)(query)), best
    stmt = stmt.join(index.fts, index.fts.c.rowid == index.key).where(_matches(words, index))
    return stmt, index.fts.c.rank


def _matches(words: Sequence[str], index: TextIndex = CAPTIONS) -> ColumnElement[bool]:
    """The FTS5 index matching ``words`` (the query bound as a parameter, like all user text)."""
    return index.fts.c[index.fts.name].op("MATCH", return_type=Boolean)(fts_query(words))


def _tsquery(words: Sequence[str]) -> ScalarSelect[Any]:
    """PostgreSQL's query matching all ``words``, the last also as a prefix, as one value.

    Each word goes through the function that made the index's words (migration 0004), so both see
    the same words; a word that becomes several ("ermua.kultura") must match them one after the
    other, as in FTS5. The query text is bound as a parameter, and the tsquery is built from
    lexemes only, so no word is read as tsquery syntax. A scalar subquery is computed once, not
    for every row that is ranked.
    """
    query: ColumnElement[Any] | None = None
    for position, word in enumerate(words, start=1):
        phrase: ColumnElement[Any] = func.phraseto_tsquery(
            SIMPLE, func.caption_search_text(word), type_=TSQUERY
        )
        if position == len(words):  # the last word: its last lexeme is also a prefix
            phrase = case(
                (func.numnode(phrase) == 0, phrase),  # no word in it: nothing to extend
                else_=cast(cast(phrase, Text) + ":*", TSQUERY),
            )
        query = phrase if query is None else query.op("&&", return_type=TSQUERY)(phrase)
    assert query is not None, "no words to search for"
    return select(query).scalar_subquery()


def _likes(words: Sequence[str], index: TextIndex = CAPTIONS) -> list[ColumnElement[bool]]:
    """One case-insensitive substring test per word, with '%', '_' and '/' escaped (ESCAPE '/')."""
    return [index.text.icontains(word, autoescape=True) for word in words]


def _frame(rows: Sequence[Any]) -> pd.DataFrame:
    """The search result table, with the same column types when it is empty."""
    frame = pd.DataFrame([tuple(row) for row in rows], columns=COLUMNS)
    frame["taken_at"] = pd.to_datetime(frame["taken_at"], utc=True)
    return frame.astype({"post_id": "int64", "likes": "Int64", "comments": "Int64"})


def search_comments(
    session: Session,
    query: str,
    profile_id: int,
    *,
    limit: int = RESULTS,
    offset: int = 0,
    fallback: bool = False,
) -> pd.DataFrame:
    """The comments and replies on account ``profile_id`` holding every word of ``query``, matched as
    ``search_captions`` matches captions: best match then newest (LIKE: newest). An empty query gives
    the newest comments; deleted ones are searched too. Columns: ``COMMENT_COLUMNS``."""
    words = search_words(query)
    stmt = (
        select(
            Comment.id,
            Post.shortcode,
            Comment.owner_username,
            Comment.created_at,
            Comment.text,
            Comment.likes,
            Comment.parent_id.is_not(None),
            Comment.deleted_at,
        )
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.profile_id == profile_id)
    )
    stmt, best = _matching(stmt, session, words, COMMENTS, fallback)
    stmt = stmt.order_by(*([] if best is None else [best]), Comment.created_at.desc(), Comment.id.desc())
    rows = session.execute(stmt.limit(max(limit, 0)).offset(max(offset, 0))).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=COMMENT_COLUMNS)
    for name in ("created_at", "deleted_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame.astype(
        {"comment_id": "int64", "shortcode": "str", "text": "str", "likes": "Int64", "is_reply": "bool"}
    )


def count_comment_matches(session: Session, query: str, profile_id: int, *, fallback: bool = False) -> int:
    """How many comments ``search_comments`` finds for ``query`` over all pages."""
    words = search_words(query)
    stmt = select(func.count()).select_from(Comment).where(Comment.profile_id == profile_id)
    stmt, _ = _matching(stmt, session, words, COMMENTS, fallback)
    return session.scalar(stmt) or 0


class Match(TypedDict):
    """A caption or a comment (or reply) holding every word of a query, as ``search_all`` gives it."""

    kind: str  # "caption" | "comment"
    username: str  # the account (current name) whose post it is on
    shortcode: str
    id: int | None  # the comment's id; None for a caption
    owner: str | None  # the comment's author; None for a caption
    text: str
    created_at: datetime  # the post's taken_at for a caption; aware, UTC
    deleted_at: datetime | None  # when a sync found the post (caption) or the comment gone


def _all_matches(
    session: Session,
    query: str,
    usernames: Sequence[str] | None,
    since: datetime | None,
    until: datetime | None,
    fallback: bool,
) -> Subquery:
    """The captions and the comments matching ``query`` as one table of ``MATCH_COLUMNS``: each kind
    through its own index (``_matching``), kept to ``usernames`` and to since <= created_at < until."""
    words = search_words(query)
    captions = (
        select(
            literal_column("'caption'", String).label("kind"),
            Profile.username.label("username"),
            Post.shortcode.label("shortcode"),
            cast(null(), BigInteger).label("id"),
            cast(null(), String).label("owner"),
            Post.caption.label("text"),
            Post.taken_at.label("created_at"),
            Post.deleted_at.label("deleted_at"),
        )
        .join(Profile, Profile.id == Post.profile_id)
        .where(Post.caption.is_not(None), Post.caption != "")  # a post without a caption has no text
    )
    captions, _ = _matching(captions, session, words, CAPTIONS, fallback)
    comments = (
        select(
            literal_column("'comment'", String),
            Profile.username,
            Post.shortcode,
            Comment.id,
            Comment.owner_username,
            Comment.text,
            Comment.created_at,
            Comment.deleted_at,
        )
        .join(Post, Post.id == Comment.post_id)
        .join(Profile, Profile.id == Comment.profile_id)
    )
    comments, _ = _matching(comments, session, words, COMMENTS, fallback)
    parts = []
    for part, when in ((captions, Post.taken_at), (comments, Comment.created_at)):
        if usernames is not None:
            part = part.where(Profile.username.in_(list(usernames)))
        if since is not None:
            part = part.where(when >= since)
        if until is not None:
            part = part.where(when < until)
        parts.append(part)
    return union_all(*parts).subquery("matches")


def search_all(
    session: Session,
    query: str,
    *,
    usernames: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
    fallback: bool = False,
) -> Iterator[Match]:
    """The captions and comments (replies too) holding every word of ``query``, newest first: a
    caption at its post's time, a comment at its own. Words match as in ``search_captions``.

    ``usernames`` keeps those accounts (an empty list keeps none); ``since`` and ``until`` (aware)
    keep since <= time < until; ``limit`` and ``offset`` give a page (no limit: all). Posts and
    comments since deleted from Instagram are found too, with ``deleted_at``. An empty query finds
    every caption and comment. Rows are read from the database as they are consumed, so iterate
    while ``session`` is open.
    """
    matches = _all_matches(session, query, usernames, since, until, fallback)
    stmt = select(matches).order_by(
        matches.c.created_at.desc(), matches.c.kind, matches.c.shortcode, matches.c.id.desc()
    )
    if limit is not None:
        stmt = stmt.limit(max(limit, 0))
    if offset > 0:
        stmt = stmt.offset(offset)
    for row in session.execute(stmt.execution_options(yield_per=500)):
        yield Match(
            kind=row.kind,
            username=row.username,
            shortcode=row.shortcode,
            id=row.id,
            owner=row.owner,
            text=row.text,
            created_at=row.created_at,
            deleted_at=row.deleted_at,
        )


def count_all_matches(
    session: Session,
    query: str,
    *,
    usernames: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    fallback: bool = False,
) -> int:
    """How many rows ``search_all`` gives for these arguments over all pages."""
    matches = _all_matches(session, query, usernames, since, until, fallback)
    return session.scalar(select(func.count()).select_from(matches)) or 0


def matches_per_week(
    session: Session,
    query: str,
    *,
    usernames: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    fallback: bool = False,
) -> pd.DataFrame:
    """What ``search_all`` finds, counted in SQL per week (from Monday, UTC), account and kind: columns
    ``WEEK_COLUMNS``, ``week_start`` a naive UTC midnight; only weeks with matches, oldest first."""
    matches = _all_matches(session, query, usernames, since, until, fallback)
    week: ColumnElement[Any]
    if session.get_bind().dialect.name == "postgresql":
        week = cast(func.date_trunc("week", matches.c.created_at), Date)  # times are stored naive UTC
    else:  # SQLite: back 6 days, then on to the next Monday (the same day if it is one)
        week = func.date(matches.c.created_at, "-6 days", "weekday 1")
    week = week.label("week_start")
    rows = session.execute(
        select(week, matches.c.username, matches.c.kind, func.count())
        .group_by(week, matches.c.username, matches.c.kind)
        .order_by(week, matches.c.username, matches.c.kind)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=WEEK_COLUMNS)
    frame["week_start"] = pd.to_datetime(frame["week_start"])
    return frame.astype({"username": "str", "kind": "str", "matches": "int64"})
