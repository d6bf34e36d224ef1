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
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import (
    Boolean,
    ColumnElement,
    ScalarSelect,
    Select,
    TableClause,
    Text,
    case,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.orm import QueryableAttribute, Session

from scraper.store.models import Comment, Post, Profile

COLUMNS = ["post_id", "shortcode", "username", "taken_at", "caption", "likes", "comments", "type"]
COMMENT_COLUMNS = [
    "comment_id", "shortcode", "owner", "created_at", "text", "likes", "is_reply", "deleted_at",
]  # fmt: skip
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
    newest = (Post.taken_at.desc(), Post.id.desc())
    if words and not fallback and uses_fts(session):
        stmt, best = _indexed(stmt, session, words)
        stmt = stmt.order_by(best, *newest)
    else:
        stmt = stmt.where(*_likes(words)).order_by(*newest)
    if usernames is not None:
        stmt = stmt.where(Profile.username.in_(usernames))
    rows = session.execute(stmt.limit(max(limit, 0)).offset(max(offset, 0))).all()
    return _frame(rows)


def count_matches(
    session: Session, query: str, usernames: Sequence[str] | None = None, *, fallback: bool = False
) -> int:
    """How many posts ``search_captions`` finds for ``query`` over all pages."""
    words = search_words(query)
    stmt = select(func.count()).select_from(Post)
    if words and not fallback and uses_fts(session):
        stmt, _ = _indexed(stmt, session, words)
    else:
        stmt = stmt.where(*_likes(words))
    if usernames is not None:
        stmt = stmt.join(Profile, Profile.id == Post.profile_id).where(Profile.username.in_(usernames))
    return session.scalar(stmt) or 0


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
    newest = (Comment.created_at.desc(), Comment.id.desc())
    if words and not fallback and uses_fts(session, COMMENTS):
        stmt, best = _indexed(stmt, session, words, COMMENTS)
        stmt = stmt.order_by(best, *newest)
    else:
        stmt = stmt.where(*_likes(words, COMMENTS)).order_by(*newest)
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
    if words and not fallback and uses_fts(session, COMMENTS):
        stmt, _ = _indexed(stmt, session, words, COMMENTS)
    else:
        stmt = stmt.where(*_likes(words, COMMENTS))
    return session.scalar(stmt) or 0
