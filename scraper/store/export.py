"""Every stored post of an account, or every comment and reply, as JSON or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scraper.store.models import Comment, Post

FIELDS = [
    "shortcode", "url", "taken_at", "type", "caption", "hashtags", "mentions", "tagged_users", "likes",
    "comments", "views", "media_count", "media_files", "thumbnails", "location", "is_pinned",
    "deleted_at", "first_seen_at", "last_seen_at",
]  # fmt: skip


class ExportRow(TypedDict):
    """One post as exported: times in ISO 8601 UTC ("Z"), files relative to the media root."""

    shortcode: str
    url: str
    taken_at: str | None
    type: str
    caption: str | None
    hashtags: list[str]
    mentions: list[str]
    tagged_users: list[str]
    likes: int | None
    comments: int | None
    views: int | None
    media_count: int
    media_files: list[str]
    thumbnails: list[str]
    location: str | None
    is_pinned: bool
    deleted_at: str | None
    first_seen_at: str | None
    last_seen_at: str | None


def iso(value: Any) -> str | None:
    """A time as ISO 8601 in UTC with "Z" (None stays None)."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def post_rows(session: Session, profile_id: int) -> Iterator[ExportRow]:
    """The profile's posts, newest first, as plain dicts with the export's fields."""
    posts = session.scalars(
        select(Post)
        .where(Post.profile_id == profile_id)
        .options(selectinload(Post.media))
        .order_by(Post.taken_at.desc())
        .execution_options(yield_per=500)
    )
    for post in posts:
        yield {
            "shortcode": post.shortcode,
            "url": f"https://www.instagram.com/p/{post.shortcode}/",
            "taken_at": iso(post.taken_at),
            "type": post.type,
            "caption": post.caption,
            "hashtags": post.hashtags,
            "mentions": post.mentions,
            "tagged_users": post.tagged_users,
            "likes": post.likes,
            "comments": post.comments,
            "views": (post.video_views if post.video_views is not None else post.video_plays)
            if post.type == "video"
            else None,
            "media_count": len(post.media),
            "media_files": [f for m in post.media for f in (m.file, m.video_file) if f],
            "thumbnails": [m.thumb for m in post.media if m.thumb],
            "location": post.location_name,
            "is_pinned": post.is_pinned,
            "deleted_at": iso(post.deleted_at),
            "first_seen_at": iso(post.first_seen_at),
            "last_seen_at": iso(post.last_seen_at),
        }


class CommentRow(TypedDict):
    """One comment or reply as ``export --comments`` writes it."""

    id: int
    shortcode: str
    parent_id: int | None
    owner: str | None
    owner_id: int | None
    text: str
    created_at: str
    likes: int | None
    first_seen_at: str
    deleted_at: str | None


def comment_rows(session: Session, profile_id: int) -> Iterator[CommentRow]:
    """Every stored comment and reply of the account: newest post first, then in the order they were
    written, each thread's replies after the comment they answer."""
    rows = session.execute(
        select(Comment, Post.shortcode)
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.profile_id == profile_id)
        .order_by(Post.taken_at.desc(), Post.id, Comment.created_at, Comment.id)
        .execution_options(yield_per=1000)
    )
    pending: dict[str, list[tuple[Comment, str]]] = {}
    current: str | None = None

    def flush(items: list[tuple[Comment, str]]) -> Iterator[CommentRow]:
        replies: dict[int, list[Comment]] = {}
        for comment, _ in items:
            if comment.parent_id is not None:
                replies.setdefault(comment.parent_id, []).append(comment)
        top = {c.id for c, _ in items if c.parent_id is None}
        for comment, shortcode in items:
            if comment.parent_id is None:
                yield _row(comment, shortcode)
                for reply in replies.get(comment.id, []):
                    yield _row(reply, shortcode)
            elif comment.parent_id not in top:  # its comment was never stored
                yield _row(comment, shortcode)

    for comment, shortcode in rows:
        if shortcode != current and current is not None:
            yield from flush(pending.pop(current))
        current = shortcode
        pending.setdefault(shortcode, []).append((comment, shortcode))
    if current is not None:
        yield from flush(pending.pop(current))


def _row(comment: Comment, shortcode: str) -> CommentRow:
    return CommentRow(
        id=comment.id,
        shortcode=shortcode,
        parent_id=comment.parent_id,
        owner=comment.owner_username,
        owner_id=comment.owner_id,
        text=comment.text,
        created_at=iso(comment.created_at) or "",
        likes=comment.likes,
        first_seen_at=iso(comment.first_seen_at) or "",
        deleted_at=iso(comment.deleted_at),
    )


COMMENT_FIELDS = list(CommentRow.__annotations__)


def write_json(rows: Iterable[Mapping[str, object]], out: IO[str]) -> int:
    """Write the rows as one JSON list; returns how many."""
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_csv(rows: Iterable[Mapping[str, object]], out: IO[str], fields: list[str] = FIELDS) -> int:
    """Write the rows as CSV with a header of ``fields``; lists are joined with spaces."""
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: " ".join(v) if isinstance(v, list) else v for k, v in row.items()})
        count += 1
    return count
