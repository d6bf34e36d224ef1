"""Search keys: the order in which searches give captions and comments, newest first, and on SQLite
the rowids of the one FTS5 index that holds both (``search_fts``, migration 0012).

A key is one positive 63-bit integer made of, from the top:

- the text's time in whole seconds since 1970 (32 bits): a post's ``taken_at``, a comment's
  ``created_at``;
- the account's ``profiles.serial`` (17 bits), its number in this archive;
- the kind (1 bit): a caption (1) comes before a comment (0) of the same account and second;
- a number telling apart the texts of one account, second and kind (13 bits), picked from the post's
  media id or the comment's id and moved on when taken.

So keys sorted from the highest are texts newest first; a period is a range of keys; and the week,
account and kind of a text are read from its key alone. On SQLite the search page therefore pages,
counts and charts the matches of a word found in 200,000 texts inside the FTS5 index, without
reading a row of ``posts`` or ``comments``. Keys are given by the store as it inserts rows
(``assign``) and never change: a text's time does not, and a post moving to another account gets
a new one.

Imports nothing of the models (they import this module): tables are named with ``table()``.
"""

from __future__ import annotations

import calendar
import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Connection, Integer, column, func, literal, select, table
from sqlalchemy.orm import Session

SEQ_BITS = 13
KIND_SHIFT = SEQ_BITS
SERIAL_SHIFT = KIND_SHIFT + 1
SERIAL_BITS = 17
TIME_SHIFT = SERIAL_SHIFT + SERIAL_BITS  # 31
SEQ_MASK = (1 << SEQ_BITS) - 1
SERIAL_MASK = (1 << SERIAL_BITS) - 1
MAX_SECONDS = (1 << 32) - 1  # 2106-02-07
CAPTION, COMMENT = 1, 0
# A week starts on Monday; 1970-01-01, second 0, was a Thursday, three days after one.
WEEK = 7 * 86_400
WEEK_OFFSET = 3 * 86_400

_profiles = table("profiles", column("id", BigInteger), column("serial", BigInteger))
_keys = {name: table(name, column("search_key", BigInteger)) for name in ("posts", "comments")}


class KeysExhausted(RuntimeError):
    """More than 8,192 texts of one account, kind and second: no key left in their block."""


def seconds(when: datetime | None) -> int:
    """``when`` (aware, or naive UTC) in whole seconds since 1970, kept within what a key holds."""
    if when is None:
        return 0
    return min(max(calendar.timegm(when.utctimetuple()), 0), MAX_SECONDS)


def first_key(when: datetime | None) -> int:
    """The lowest key of the second ``when`` falls in (rounded up to the next whole second): the
    texts at or after ``when`` have keys from it on, those before it keys below it."""
    second = seconds(when)
    if when is not None and (when.microsecond or 0) and second < MAX_SECONDS:
        second += 1
    return second << TIME_SHIFT


def block(when: datetime | None, serial: int, kind: int) -> int:
    """The first key of the texts of account ``serial`` and ``kind`` at the second of ``when``."""
    if not 0 <= serial <= SERIAL_MASK:
        raise ValueError(f"account serial {serial} is beyond what a search key holds")
    return (seconds(when) << TIME_SHIFT) | (serial << SERIAL_SHIFT) | (kind << KIND_SHIFT)


def hint(value: int | str | None) -> int:
    """Where in its block a text's key is first tried: from a unique id (or a shortcode)."""
    if isinstance(value, str):
        return zlib.crc32(value.encode())
    return value or 0


def serial_of(session: Session | Connection, profile_id: int) -> int:
    """The serial of the stored account ``profile_id``."""
    found = session.execute(select(_profiles.c.serial).where(_profiles.c.id == profile_id)).scalar()
    if found is None:
        raise LookupError(f"no stored account {profile_id} with a serial")
    return int(found)


def assign(session: Session | Connection, kind: str, wanted: Sequence[tuple[int, int]]) -> list[int]:
    """A free key for each (block, hint) of ``wanted``, in order, for new rows of ``kind`` ("posts" or
    "comments"): the hint's place in the block, else the next free one after it (wrapping round).

    One query finds which of the first choices are taken; collisions, rare, take another per round.
    Keys are unique per table (an index says so); different accounts never share a block, and one
    account is written by one sync at a time, so two writers never pick in the same block.
    """
    keyed = _keys[kind].c.search_key
    chosen: list[int | None] = [None] * len(wanted)
    tries = [base | (h & SEQ_MASK) for base, h in wanted]
    steps = [0] * len(wanted)
    pending = list(range(len(wanted)))
    used: set[int] = set()
    while pending:
        taken: set[int] = set()
        for start in range(0, len(pending), 500):
            part = [tries[i] for i in pending[start : start + 500]]
            taken.update(session.execute(select(keyed).where(keyed.in_(part))).scalars())
        retry = []
        for i in pending:
            if tries[i] in taken or tries[i] in used:
                steps[i] += 1
                if steps[i] > SEQ_MASK:
                    raise KeysExhausted(f"no search key left in block {wanted[i][0]} of {kind}")
                base = wanted[i][0]
                tries[i] = base | ((tries[i] + 1) & SEQ_MASK)
                retry.append(i)
            else:
                chosen[i] = tries[i]
                used.add(tries[i])
        pending = retry
    return [key for key in chosen if key is not None]


# Of each table with texts: its time column, the kind of its texts and the columns a key's hint is
# taken from (the first one set).
TEXTS = {
    "posts": ("taken_at", CAPTION, ("media_id", "shortcode")),
    "comments": ("created_at", COMMENT, ("id",)),
}


def fill(session: Session | Connection, kind: str, rows: Sequence[dict[str, Any]]) -> None:
    """Set ``search_key`` in each row of new ``kind`` ("posts" or "comments") to be inserted: rows that
    give ``profile_id``, their time and their id (a post: its media id or shortcode)."""
    if not rows:
        return
    when, text_kind, hints = TEXTS[kind]
    serials = {pid: serial_of(session, pid) for pid in {row["profile_id"] for row in rows}}
    wanted = [
        (
            block(row[when], serials[row["profile_id"]], text_kind),
            hint(next((row[name] for name in hints if row.get(name)), None)),
        )
        for row in rows
    ]
    for row, key in zip(rows, assign(session, kind, wanted), strict=True):
        row["search_key"] = key


def insert_order(row: dict[str, Any]) -> int:
    """How rows of new texts are best inserted, after ``fill``: their keys ascending. SQLite's FTS5
    writes its pending terms to disk whenever a rowid (here the key) is not above the previous one of
    the transaction, so a page of posts inserted newest first made a segment per row (and merges):
    the INSERTs of 10,000 posts in pages of 12 took 1.29 s instead of 0.70 s."""
    return int(row["search_key"])


def key_seconds(key: Any) -> ColumnElement[int]:
    """SQL: the second (since 1970) of a key."""
    return key.op(">>", return_type=BigInteger)(literal(TIME_SHIFT, Integer))


def key_serial(key: Any) -> ColumnElement[int]:
    """SQL: the account serial of a key."""
    return key.op(">>", return_type=BigInteger)(literal(SERIAL_SHIFT, Integer)).op(
        "&", return_type=BigInteger
    )(SERIAL_MASK)


def key_kind(key: Any) -> ColumnElement[int]:
    """SQL: the kind of a key (``CAPTION`` or ``COMMENT``)."""
    return key.op(">>", return_type=BigInteger)(literal(KIND_SHIFT, Integer)).op("&", return_type=BigInteger)(
        1
    )


def key_week(key: Any) -> ColumnElement[int]:
    """SQL: the number of a key's week (from Monday, UTC); ``week_start`` gives its first second."""
    return (key_seconds(key) + literal(WEEK_OFFSET, BigInteger)) // literal(WEEK, BigInteger)


def week_start(number: int) -> int:
    """The first second (since 1970) of week ``number`` of ``key_week``."""
    return number * WEEK - WEEK_OFFSET


def next_serial() -> ColumnElement[int]:
    """SQL: the serial a new account gets, in the INSERT itself (on SQLite under its write lock)."""
    return select(func.coalesce(func.max(_profiles.c.serial), 0) + 1).scalar_subquery()
