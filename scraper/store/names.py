"""The names each post lists, as rows of ``post_names``: its hashtags, mentions and tagged accounts,
each once, with the post's account and month. The store writes them in the transaction that writes
the post (``writes.save_posts``): a new post's names are inserted with it, and a stored post whose
lists, account or month changed has its names replaced. A deleted post (``deleted_at``) keeps them,
as it keeps its JSON lists; a post removed from the archive takes them with it (ON DELETE CASCADE).

What counts as a name is what the community counts have always counted: a non-empty string of the
list, once per post; one longer than ``NAME_LENGTH`` is left out (it fits no index entry). The
migration that made the table (0013) filled it by the same rule from the JSON of the posts there were.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, delete
from sqlalchemy.orm import Session

from scraper.store.models import NAME_LENGTH, PostName

KINDS = ("hashtag", "mention", "tag")
# What decides a post's names: its account, its time and its three lists (in KINDS' order).
Listed = tuple[int, datetime, Sequence[Any], Sequence[Any], Sequence[Any]]

_table = cast(Table, PostName.__table__)
COLUMNS = ("post_id", "kind", "name", "profile_id", "month")
Row = tuple[int, str, str, int, str]
_INSERT = f"INSERT INTO post_names ({', '.join(COLUMNS)}) VALUES ({{}})"


def month(taken_at: datetime) -> str:
    """A post's month in UTC, "YYYY-MM" (as ``strftime('%Y-%m')`` and ``to_char(..., 'YYYY-MM')`` read
    the stored naive UTC time)."""
    return taken_at.astimezone(UTC).strftime("%Y-%m")


def rows(post_id: int, listed: Listed) -> list[Row]:
    """The ``post_names`` rows of one post, as tuples in ``COLUMNS``' order."""
    profile_id, taken_at, *lists = listed
    when = month(taken_at)
    found: list[Row] = []
    for kind, names in zip(KINDS, lists, strict=True):
        if not names or not isinstance(names, list | tuple):  # JSON of another kind lists nothing
            continue
        wanted = dict.fromkeys(n for n in names if isinstance(n, str) and n and len(n) <= NAME_LENGTH)
        found += [(post_id, kind, name, profile_id, when) for name in wanted]
    return found


def add(session: Session, posts: Iterable[tuple[int, Listed]]) -> None:
    """Insert the names of new posts: (post id, what decides its names) each. One executemany of
    tuples through the driver: a sync's page of 12 posts has some 40 names, and the Core statement's
    dictionaries cost as much again as the inserts (20,000 posts: 1.2 s against 0.6 s)."""
    found = [row for post_id, listed in posts for row in rows(post_id, listed)]
    if not found:
        return
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(_INSERT.format(", ".join([mark] * len(COLUMNS))), found)


def replace(session: Session, posts: Sequence[tuple[int, Listed]]) -> None:
    """Replace the names of stored posts whose lists, account or month changed."""
    if not posts:
        return
    ids = [post_id for post_id, _ in posts]
    session.connection().execute(delete(_table).where(_table.c.post_id.in_(ids)))
    add(session, posts)
