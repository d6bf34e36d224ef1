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

Comments are indexed the same way (on SQLite in the same FTS5 index, ``search_fts`` of migration
0012; on PostgreSQL ``comments.text_search``, migration 0007), so a query finds the comments holding
its words exactly as it finds captions; without an index comments fall back to LIKE too.

``search_all`` searches captions and comments together, over all accounts or some, in a period,
newest first (the command line's ``search`` and the search page); ``count_all_matches`` counts what
it finds and ``matches_per_week`` counts it per week, account and kind. "Newest first" is the order
of the search keys (``scraper.store.search_keys``): by the second of the text, then the account,
a caption before a comment. On SQLite the index's rowids are those keys, so these three read the
index alone: a page of 20 of 200,000 matches does not sort them, and the counts read no row of
``posts`` or ``comments``. A period is kept at whole seconds: since <= time < until.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict, TypeVar

import pandas as pd
from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    ScalarSelect,
    Select,
    String,
    Subquery,
    Text,
    case,
    cast,
    column,
    false,
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

from scraper.store import search_keys
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

# SQLite's one index of captions and comments (migration 0012): rowid = the text's search key; column
# ``text`` its words, ``facets`` one word of its kind and account ("caption1234", "comment1234").
search_fts = table("search_fts", column("search_fts"), column("rowid", BigInteger), column("rank"))
# PostgreSQL's words of each caption (migration 0004), a column no model describes.
caption_search = literal_column("posts.caption_search", TSVECTOR)
# The text search configuration, written into the SQL as in the index's expression: words as they are.
SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
# PostgreSQL's words of each comment (migration 0007).
comment_search = literal_column("comments.text_search", TSVECTOR)
# Accounts named inside an FTS5 query at most; a search of more is narrowed outside the index.
FACET_ACCOUNTS = 20
# Matches read from the index at a time while ``search_all`` goes through them.
WALK = 500
# PostgreSQL: a page of search results is first looked for in the newest WINDOW texts of the accounts
# searched, among the newest REACH texts of every account (``_kind_keys``).
WINDOW = 1_000
REACH = 100_000


@dataclass(frozen=True)
class TextIndex:
    """Where the words of one text column are indexed: on SQLite the rows of kind ``facet`` of
    ``search_fts`` (rowid = the row's search key ``key``), on PostgreSQL a generated tsvector column;
    ``text`` is what LIKE looks in without them."""

    facet: str
    tsvector: ColumnElement[Any]
    key: QueryableAttribute[int | None]
    text: QueryableAttribute[Any]
    table: str  # the table holding ``tsvector``, and that column's name
    column: str


# A post without a caption has no text to find.
CAPTIONED = (Post.caption.is_not(None), Post.caption != "")
CAPTIONS = TextIndex("caption", caption_search, Post.search_key, Post.caption, "posts", "caption_search")
COMMENTS = TextIndex("comment", comment_search, Comment.search_key, Comment.text, "comments", "text_search")


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


def fts_match(
    words: Sequence[str], facet: str | None = None, profile_ids: Sequence[int] | None = None
) -> str:
    """The FTS5 query of ``search_fts``: texts holding ``words`` (``fts_query``); with ``facet`` and
    ``profile_ids`` (not empty), only the texts of that kind of those accounts."""
    parts = [f"text : ({fts_query(words)})"] if words else []
    if facet is not None and profile_ids:
        parts.append("facets : (" + " OR ".join(f'"{facet}{int(pid)}"' for pid in profile_ids) + ")")
    return " AND ".join(parts)


def uses_fts(session: Session, index: TextIndex = CAPTIONS) -> bool:
    """Whether searches on this database use a caption index (or the comment index, with ``index``):
    FTS5 on SQLite, a tsvector index on PostgreSQL (else LIKE)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        found = session.scalar(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": "search_fts"}
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
    stmt, best = _matching(stmt, session, words, CAPTIONS, fallback, _few_ids(session, usernames))
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
    ids = _few_ids(session, usernames)
    stmt, _ = _matching(select(func.count()).select_from(Post), session, words, CAPTIONS, fallback, ids)
    if usernames is not None:
        stmt = stmt.join(Profile, Profile.id == Post.profile_id).where(Profile.username.in_(usernames))
    return session.scalar(stmt) or 0


def _few_ids(session: Session, usernames: Sequence[str] | None) -> list[int] | None:
    """The user ids of ``usernames`` when there are few enough to name in an FTS5 query, else None."""
    if usernames is None or len(usernames) > FACET_ACCOUNTS or session.get_bind().dialect.name != "sqlite":
        return None
    return sorted(session.scalars(select(Profile.id).where(Profile.username.in_(list(usernames)))))


def _matching(
    stmt: SelectT,
    session: Session,
    words: Sequence[str],
    index: TextIndex,
    fallback: bool,
    profile_ids: Sequence[int] | None = None,
) -> tuple[SelectT, ColumnElement[Any] | None]:
    """``stmt`` kept to the rows whose text (``index``) holds every word, through the index where
    there is one (and not ``fallback``), else LIKE; with the best-first order (None for LIKE).
    ``profile_ids``, when given, narrow the index's matches to those accounts' texts before they are
    ranked (the caller still keeps ``stmt`` to its accounts)."""
    if words and not fallback and uses_fts(session, index):
        return _indexed(stmt, session, words, index, profile_ids)
    return stmt.where(*_likes(words, index)), None


def _indexed(
    stmt: SelectT,
    session: Session,
    words: Sequence[str],
    index: TextIndex = CAPTIONS,
    profile_ids: Sequence[int] | None = None,
) -> tuple[SelectT, ColumnElement[Any] | None]:
    """``stmt`` kept to the rows the index finds for ``words``, and the best-first order."""
    if session.get_bind().dialect.name == "postgresql":
        query = _tsquery(words)
        # Normalization 1 divides by 1 + the log of the text's length, so that, as with FTS5's
        # bm25, a short caption naming the word beats a long one naming it a few times.
        best = func.ts_rank(index.tsvector, query, 1).desc()
        return stmt.where(index.tsvector.op("@@", return_type=Boolean)(query)), best
    if profile_ids is not None and not profile_ids:  # none of the accounts asked for is stored
        return stmt.where(false()), None
    stmt = stmt.join(search_fts, search_fts.c.rowid == index.key).where(
        _matches(fts_match(words, index.facet, profile_ids))
    )
    return stmt, search_fts.c.rank


def _matches(query: str) -> ColumnElement[bool]:
    """``search_fts`` matching the FTS5 query ``query`` (bound as a parameter, like all user text)."""
    return search_fts.c.search_fts.op("MATCH", return_type=Boolean)(query)


def _tsquery_value(words: Sequence[str]) -> ColumnElement[Any]:
    """PostgreSQL's query matching all ``words``, the last also as a prefix, as one value.

    Each word goes through the function that made the index's words (migration 0004), so both see
    the same words; a word that becomes several ("ermua.kultura") must match them one after the
    other, as in FTS5. The query text is bound as a parameter, and the tsquery is built from
    lexemes only, so no word is read as tsquery syntax. Made of immutable functions of the query
    text, it is folded into a constant when a statement is planned, so the planner can estimate how
    many rows it matches.
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
    return query


def _tsquery(words: Sequence[str]) -> ScalarSelect[Any]:
    """``_tsquery_value`` as a scalar subquery: computed once, not for every row that is ranked."""
    return select(_tsquery_value(words)).scalar_subquery()


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
    stmt, best = _matching(stmt, session, words, COMMENTS, fallback, [profile_id])
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
    stmt, _ = _matching(stmt, session, words, COMMENTS, fallback, [profile_id])
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


@dataclass(frozen=True)
class _Scope:
    """What a search over captions and comments keeps: the accounts (None: all; ``serials`` their
    serials, for the index) and the period as a range of search keys (None: open)."""

    usernames: list[str] | None
    serials: list[int] | None
    low: int | None
    high: int | None

    @property
    def empty(self) -> bool:
        return self.usernames is not None and not self.usernames

    def period(self, key: Any) -> list[ColumnElement[bool]]:
        """The conditions that keep search ``key`` (a column) to the period."""
        return [
            *([] if self.low is None else [key >= self.low]),
            *([] if self.high is None else [key < self.high]),
        ]

    def accounts(self, key: Any) -> list[ColumnElement[bool]]:
        """The condition that keeps search ``key`` to the accounts, by the serial in it (none: all)."""
        return [] if self.serials is None else [search_keys.key_serial(key).in_(self.serials)]

    def of(self, key: Any) -> list[ColumnElement[bool]]:
        """The conditions that keep search ``key`` to the accounts and the period."""
        return [*self.period(key), *self.accounts(key)]


def _scope(
    session: Session, usernames: Sequence[str] | None, since: datetime | None, until: datetime | None
) -> _Scope:
    names = None if usernames is None else sorted(set(usernames))
    serials = None
    if names is not None:
        rows = session.execute(
            select(Profile.username, Profile.serial).where(Profile.username.in_(names))
        ).all()
        names = [name for name, _ in rows]
        serials = sorted(int(serial) for _, serial in rows if serial is not None)
        if len(names) == session.scalar(select(func.count()).select_from(Profile)):
            names = serials = None  # every account: nothing to keep out
    low = None if since is None else search_keys.first_key(since)
    high = None if until is None else search_keys.first_key(until)
    return _Scope(names, serials, low, high)


def _in_index(session: Session, words: Sequence[str], fallback: bool) -> bool:
    """Whether ``search_all`` and its counts read SQLite's index alone (else a query of the tables)."""
    return bool(words) and not fallback and session.get_bind().dialect.name == "sqlite" and uses_fts(session)


def _index_keys(words: Sequence[str], scope: _Scope) -> tuple[Any, list[ColumnElement[bool]]]:
    """The rowid of ``search_fts`` and the conditions that keep it to ``scope``'s matches of ``words``."""
    key = search_fts.c.rowid
    return key, [_matches(fts_match(words)), *scope.of(key)]


def _caption_rows() -> Select[*tuple[Any, ...]]:
    """Every caption as a row of ``MATCH_COLUMNS`` and its search ``key``."""
    return select(
        literal_column("'caption'", String).label("kind"),
        Profile.username.label("username"),
        Post.shortcode.label("shortcode"),
        cast(null(), BigInteger).label("id"),
        cast(null(), String).label("owner"),
        Post.caption.label("text"),
        Post.taken_at.label("created_at"),
        Post.deleted_at.label("deleted_at"),
        Post.search_key.label("key"),
    ).join(Profile, Profile.id == Post.profile_id)


def _comment_rows() -> Select[*tuple[Any, ...]]:
    """Every comment and reply as a row of ``MATCH_COLUMNS`` and its search ``key``, in the order of
    ``_caption_rows`` (the two make one union)."""
    return (
        select(
            literal_column("'comment'", String).label("kind"),
            Profile.username.label("username"),
            Post.shortcode.label("shortcode"),
            Comment.id.label("id"),
            Comment.owner_username.label("owner"),
            Comment.text.label("text"),
            Comment.created_at.label("created_at"),
            Comment.deleted_at.label("deleted_at"),
            Comment.search_key.label("key"),
        )
        .join(Post, Post.id == Comment.post_id)
        .join(Profile, Profile.id == Comment.profile_id)
    )


def _all_matches(session: Session, words: Sequence[str], scope: _Scope, fallback: bool) -> Subquery:
    """The captions and the comments matching ``words`` as one table of ``MATCH_COLUMNS`` and their
    search ``key``: each kind through its own index (``_matching``; LIKE without words, without an
    index, or with ``fallback``), kept to ``scope``. For PostgreSQL, and SQLite without its index."""
    captions = _caption_rows().where(*CAPTIONED)
    captions, _ = _matching(captions, session, words, CAPTIONS, fallback)
    comments, _ = _matching(_comment_rows(), session, words, COMMENTS, fallback)
    parts = [
        part.where(*scope.of(key))
        for part, key in ((captions, Post.search_key), (comments, Comment.search_key))
    ]
    return union_all(*parts).subquery("matches")


def _matching_keys(session: Session, words: Sequence[str], scope: _Scope, fallback: bool) -> Subquery:
    """The search ``key`` of every caption and comment matching ``words`` in ``scope``, for counts:
    the keys alone, kept to the accounts by their serial, so neither posts (a comment's shortcode)
    nor profiles are joined (at 190,000 matching comments on PostgreSQL the join to their posts was
    half the time). For PostgreSQL, and SQLite without its index."""
    parts = []
    for index in (CAPTIONS, COMMENTS):
        stmt = select(index.key.label("key")).where(*(CAPTIONED if index is CAPTIONS else ()))
        stmt, _ = _matching(stmt, session, words, index, fallback)
        parts.append(stmt.where(*scope.of(index.key)))
    return union_all(*parts).subquery("found")


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
    """The captions and comments (replies too) holding every word of ``query``, newest first (the
    order of their search keys: see the module). Words match as in ``search_captions``.

    ``usernames`` keeps those accounts (an empty list keeps none); ``since`` and ``until`` (aware)
    keep since <= time < until, at whole seconds; ``limit`` and ``offset`` give a page (no limit:
    all). Posts and comments since deleted from Instagram are found too, with ``deleted_at``. An empty
    query finds every caption and comment. Rows are read from the database as they are consumed, so
    iterate while ``session`` is open.
    """
    words = search_words(query)
    scope = _scope(session, usernames, since, until)
    if scope.empty or (limit is not None and limit <= 0):
        return
    if _in_index(session, words, fallback):
        yield from _walk(session, words, scope, limit, max(offset, 0))
        return
    if limit is not None and _walks_keys(session, words, fallback):
        keys = _newest_keys(session, words, scope, offset + limit)[max(offset, 0) :]
        found = _rows_by_key(session, keys)
        yield from (found[k] for k in keys if k in found)
        return
    matches = _all_matches(session, words, scope, fallback)
    stmt = select(matches).order_by(matches.c.key.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset > 0:
        stmt = stmt.offset(offset)
    for row in session.execute(stmt.execution_options(yield_per=WALK)):
        yield _match(row)


def _walks_keys(session: Session, words: Sequence[str], fallback: bool) -> bool:
    """Whether a page of ``search_all`` on PostgreSQL is found as ``_newest_keys`` (with words and
    its tsvector indexes), rather than as one ordered union."""
    return (
        bool(words)
        and not fallback
        and session.get_bind().dialect.name == "postgresql"
        and uses_fts(session, CAPTIONS)
        and uses_fts(session, COMMENTS)
    )


def _newest_keys(session: Session, words: Sequence[str], scope: _Scope, want: int) -> list[int]:
    """PostgreSQL: the search keys of the newest ``want`` matches of ``words`` in ``scope``, one
    query per kind, merged here (see ``_kind_keys``)."""
    query = _tsquery_value(words)
    keys: list[int] = []
    for index in (CAPTIONS, COMMENTS):
        keys += _kind_keys(session, index, query, scope, want)
    return sorted(keys, reverse=True)[:want]


def _kind_keys(
    session: Session, index: TextIndex, query: ColumnElement[Any], scope: _Scope, want: int
) -> list[int]:
    """The keys of the newest ``want`` texts of one kind matching ``query`` in ``scope``.

    A frequent word is found among the newest texts: the newest ``WINDOW`` texts in scope (their keys
    read newest first from the keys' index, at most ``REACH`` of them) are read and matched, and
    when they hold ``want`` matches that is the answer (a page of 20 of 260,000 matches of "jaiak"
    at 5,000,000 comments: 20 ms). Else the matches come from the GIN index and are sorted, with the
    keys' index and whole-table scans kept out of the plan. Left to itself, PostgreSQL walked the
    keys' index for a word that is nowhere and read every row (3.5 s); and one ORDER BY over both
    kinds always sorted every match (1.2-2.0 s for a page of 20).
    """
    key = index.key

    def matches(words: ColumnElement[Any]) -> ColumnElement[bool]:
        return words.op("@@", return_type=Boolean)(query)

    reach = (
        select(key.label("key")).where(*scope.period(key)).order_by(key.desc()).limit(REACH).subquery("reach")
    )
    window = (
        select(reach.c.key)
        .where(*scope.accounts(reach.c.key))
        .order_by(reach.c.key.desc())
        .limit(WINDOW)
        .subquery("window")
    )
    newest = (
        select(window.c.key)
        .join(index.key.class_, key == window.c.key)
        .where(matches(index.tsvector))
        .order_by(window.c.key.desc())
        .limit(want)
    )
    found = list(session.scalars(newest))
    if len(found) >= want:
        return found
    kept = [*scope.of(key), *(CAPTIONED if index is CAPTIONS else ())]
    stmt = select(key).where(*kept, matches(index.tsvector)).order_by(key.desc()).limit(want)
    session.execute(text("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off"))
    try:
        return list(session.scalars(stmt))
    finally:
        session.execute(text("RESET enable_indexscan; RESET enable_seqscan"))


def _match(row: Any) -> Match:
    return Match(
        kind=row.kind,
        username=row.username,
        shortcode=row.shortcode,
        id=row.id,
        owner=row.owner,
        text=row.text,
        created_at=row.created_at,
        deleted_at=row.deleted_at,
    )


def _walk(
    session: Session, words: Sequence[str], scope: _Scope, limit: int | None, offset: int
) -> Iterator[Match]:
    """``search_all`` through SQLite's index: one query gives its keys newest first, read ``WALK`` at a
    time, and each batch's rows are read by key (one query per kind). One query, not one per batch
    resumed below the last key: FTS5 finds every match again for each query, so 260,000 matches read
    500 at a time took a minute instead of seconds."""
    key, where = _index_keys(words, scope)
    stmt = select(key).where(*where).order_by(key.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    for keys in session.execute(stmt.execution_options(yield_per=WALK)).scalars().partitions(WALK):
        found = _rows_by_key(session, keys)
        for k in keys:
            if k in found:  # a row written after the index was read is left for the next search
                yield found[k]


def _rows_by_key(session: Session, keys: Sequence[int]) -> dict[int, Match]:
    """The captions and comments of search ``keys``, by key: a caption's key has the kind bit."""
    captions = [k for k in keys if (k >> search_keys.KIND_SHIFT) & 1 == search_keys.CAPTION]
    comments = [k for k in keys if (k >> search_keys.KIND_SHIFT) & 1 == search_keys.COMMENT]
    found: dict[int, Match] = {}
    for rows, key, wanted in (
        (_caption_rows(), Post.search_key, captions),
        (_comment_rows(), Comment.search_key, comments),
    ):
        if wanted:
            found.update((row.key, _match(row)) for row in session.execute(rows.where(key.in_(wanted))))
    return found


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
    words = search_words(query)
    scope = _scope(session, usernames, since, until)
    if scope.empty:
        return 0
    if _in_index(session, words, fallback):
        _, where = _index_keys(words, scope)
        return session.scalar(select(func.count()).select_from(search_fts).where(*where)) or 0
    return (
        session.scalar(select(func.count()).select_from(_matching_keys(session, words, scope, fallback))) or 0
    )


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
    ``WEEK_COLUMNS``, ``week_start`` a naive UTC midnight; only weeks with matches, oldest first.
    Week, account and kind are read from each match's search key."""
    words = search_words(query)
    scope = _scope(session, usernames, since, until)
    rows: list[tuple[int, int, int, int]] = []
    if scope.empty:
        pass
    elif _in_index(session, words, fallback):
        key, where = _index_keys(words, scope)
        rows = _per_week(session, select(key.label("key")).where(*where).subquery("found"))
    else:
        rows = _per_week(session, _matching_keys(session, words, scope, fallback))
    names = {serial: name for serial, name in session.execute(select(Profile.serial, Profile.username))}
    frame = pd.DataFrame(
        [
            (
                datetime.fromtimestamp(search_keys.week_start(week), UTC).replace(tzinfo=None),
                names.get(serial, "?"),
                "caption" if kind == search_keys.CAPTION else "comment",
                count,
            )
            for week, serial, kind, count in rows
        ],
        columns=WEEK_COLUMNS,
    )
    frame = frame.sort_values(["week_start", "username", "kind"], ignore_index=True)
    frame["week_start"] = pd.to_datetime(frame["week_start"])
    return frame.astype({"username": "str", "kind": "str", "matches": "int64"})


def _per_week(session: Session, found: Subquery) -> list[tuple[int, int, int, int]]:
    """(week, account serial, kind, matches) of the search keys in ``found``'s column ``key``."""
    week = search_keys.key_week(found.c.key)
    serial = search_keys.key_serial(found.c.key)
    kind = search_keys.key_kind(found.c.key)
    return [
        (int(w), int(a), int(k), int(n))
        for w, a, k, n in session.execute(
            select(week, serial, kind, func.count()).group_by(week, serial, kind)
        )
    ]
