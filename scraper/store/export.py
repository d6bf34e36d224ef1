"""Every stored post of an account as JSON or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scraper.store.models import Post

FIELDS = [
    "shortcode", "url", "taken_at", "type", "caption", "hashtags", "mentions", "tagged_users", "likes",
    "comments", "views", "media_count", "media_files", "thumbnails", "location", "is_pinned",
    "deleted_at", "first_seen_at", "last_seen_at",
]  # fmt: skip


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def post_rows(session: Session, profile_id: int) -> Iterator[dict[str, Any]]:
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
            "taken_at": _iso(post.taken_at),
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
            "deleted_at": _iso(post.deleted_at),
            "first_seen_at": _iso(post.first_seen_at),
            "last_seen_at": _iso(post.last_seen_at),
        }


def write_json(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """Write the rows as one JSON list; returns how many."""
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_csv(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """Write the rows as CSV with a header; lists are joined with spaces."""
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: " ".join(v) if isinstance(v, list) else v for k, v in row.items()})
        count += 1
    return count
