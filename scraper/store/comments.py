"""Comments in the archive: which posts need their comments read, and storing what a read found
(new, changed, vanished).

A post's comments are read again only when its comment count moved since they were last read to the
end, when they never were, when an earlier read stopped short (``comments_cursor``), or when asked
(``refresh``). A comment that is not there when a post's comments are read in full from the first
page gets ``deleted_at``; no comment is ever removed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from scraper.records import CommentRecord
from scraper.store import changes, search_keys
from scraper.store.models import Comment, Post
from scraper.store.writes import touch


@dataclass(frozen=True)
class CommentTarget:
    """A stored post whose comments are to be read."""

    post_id: int
    shortcode: str
    media_id: int
    count: int  # comments and replies, as last reported by Instagram
    cursor: str | None  # where an earlier read stopped


def comment_targets(session: Session, profile_id: int, *, refresh: bool = False) -> list[CommentTarget]:
    """The account's posts whose comments need reading, newest first. Posts with comments turned off
    and posts deleted from Instagram are left out; so are posts with no comment never read (they
    cost no request and have nothing to store)."""
    count = Post.comments
    wanted = or_(
        Post.comments_cursor.is_not(None),
        and_(Post.comments_read_count.is_(None), count > 0),
        Post.comments_read_count != count,
    )
    if refresh:
        wanted = or_(wanted, count > 0)
    rows = session.execute(
        select(Post.id, Post.shortcode, Post.media_id, Post.comments, Post.comments_cursor)
        .where(
            Post.profile_id == profile_id,
            Post.deleted_at.is_(None),
            or_(Post.comments_disabled.is_(None), Post.comments_disabled.is_(False)),
            count.is_not(None),
            wanted,
        )
        .order_by(Post.taken_at.desc())
    )
    return [CommentTarget(r.id, r.shortcode, r.media_id, r.comments or 0, r.comments_cursor) for r in rows]


@dataclass(frozen=True)
class CommentsSaved:
    """What storing one read changed."""

    new: int = 0
    updated: int = 0
    deleted: int = 0


def replies_stored(session: Session, post_id: int) -> dict[int, int]:
    """How many replies of each comment of the post the archive holds (deleted ones left out)."""
    rows = session.execute(
        select(Comment.parent_id, func.count())
        .where(Comment.post_id == post_id, Comment.parent_id.is_not(None), Comment.deleted_at.is_(None))
        .group_by(Comment.parent_id)
    )
    return {parent: n for parent, n in rows if parent is not None}


def save_comments(
    session: Session,
    target: CommentTarget,
    profile_id: int,
    records: Sequence[CommentRecord],
    *,
    complete: bool,
    full: bool,
    cursor: str | None,
    now: datetime,
    known_threads: Collection[int] = (),
    run_id: int | None = None,
) -> CommentsSaved:
    """Store the comments read from one post; the caller commits. ``complete``: the read reached the
    last page (the post is then up to date at ``target.count``); ``full``: it also began at the first,
    so a stored comment not among ``records`` has vanished, but for the stored replies of
    ``known_threads`` (threads whose replies were not read again: they are taken as still there).
    Each vanished comment is recorded as a change of ``run_id``."""
    seen: dict[int, CommentRecord] = {}
    for record in records:  # Instagram may repeat a comment across pages: keep the last seen
        seen[record.id] = record
    stored = {
        row.id: row
        for row in session.execute(
            select(
                Comment.id,
                Comment.parent_id,
                Comment.text,
                Comment.likes,
                Comment.owner_username,
                Comment.deleted_at,
            ).where(Comment.post_id == target.post_id)
        )
    }
    # An id seen on another post (Instagram never reuses one) is left where it is.
    elsewhere = (
        set(
            session.scalars(
                select(Comment.id).where(
                    Comment.id.in_([i for i in seen if i not in stored]), Comment.post_id != target.post_id
                )
            )
        )
        if len(seen) > len(stored)
        else set()
    )
    inserts = [
        {
            "id": r.id,
            "post_id": target.post_id,
            "profile_id": profile_id,
            "parent_id": r.parent_id,
            "owner_id": r.owner_id,
            "owner_username": r.owner,
            "text": r.text,
            "created_at": r.created_at,
            "likes": r.likes,
            "first_seen_at": now,
            "last_seen_at": now,
        }
        for r in seen.values()
        if r.id not in stored and r.id not in elsewhere
    ]
    updates = []
    changed = 0
    for comment_id, r in seen.items():
        old = stored.get(comment_id)
        if old is None:
            continue
        row = {
            "id": comment_id,
            "last_seen_at": now,
            "likes": r.likes,
            "text": r.text,
            "owner_username": r.owner,
        }
        if old.deleted_at is not None:
            row["deleted_at"] = None  # seen again: it had only been hidden
        if (old.text, old.likes, old.owner_username, old.deleted_at) != (r.text, r.likes, r.owner, None):
            changed += 1
        updates.append(row)
    if inserts:
        search_keys.fill(session, "comments", inserts)
        inserts.sort(key=lambda row: (row["parent_id"] is not None, row["search_key"]))  # parents first
        session.execute(insert(Comment), inserts)
    if updates:
        session.execute(update(Comment), updates)
    gone = 0
    if full:
        kept = set(known_threads)
        vanished = [
            i
            for i, row in stored.items()
            if i not in seen and row.deleted_at is None and row.parent_id not in kept
        ]
        for chunk in _chunks(vanished, 500):
            marked = session.execute(update(Comment).where(Comment.id.in_(chunk)).values(deleted_at=now))
            gone += getattr(marked, "rowcount", 0)
        found = [
            changes.Found(changes.COMMENT_DELETED, stored[i].text, None, target.shortcode, comment_id=i)
            for i in vanished
        ]
        changes.record(session, profile_id, found, run_id=run_id, now=now)
    values: dict[str, object] = {"comments_read_at": now}
    if complete:
        values.update(comments_read_count=target.count, comments_cursor=None)
    else:
        values.update(comments_cursor=cursor)
    session.execute(update(Post).where(Post.id == target.post_id).values(**values))
    if inserts or changed or gone:
        touch(session, profile_id)
    return CommentsSaved(new=len(inserts), updated=changed, deleted=gone)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
