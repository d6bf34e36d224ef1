"""Plain records passed from fetching (instaloader, archives) to saving (the database).

Fetching code turns instaloader's structures into these; ``scraper.store`` writes them. Nothing
here talks to Instagram or the database, so both sides can be tested on their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

POST_TYPES = ("image", "video", "carousel")


class SyncStatus(StrEnum):
    """Where a sync stands or how it ended: in the sync_runs table (running, ok, failed, interrupted),
    on the job board and in every runner's jobs (all of them). The values are what is stored."""

    QUEUED = "queued"  # a background job not started yet (never in the database)
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    REFUSED = "refused"  # another sync of the account held its lock (no run is recorded)


@dataclass(frozen=True)
class ProfileRecord:
    """What Instagram tells about an account at one moment."""

    user_id: int
    username: str
    full_name: str = ""
    biography: str = ""
    external_url: str | None = None
    is_private: bool = False
    is_verified: bool = False
    is_business: bool = False
    category: str | None = None
    followers: int | None = None
    followees: int | None = None
    post_count: int | None = None
    profile_pic_url: str | None = None


@dataclass(frozen=True)
class MediaRecord:
    """One image or video of a post: the single media, or one carousel item."""

    position: int
    is_video: bool
    image_url: str | None
    video_url: str | None = None
    width: int | None = None
    height: int | None = None
    accessibility_caption: str | None = None


@dataclass(frozen=True)
class PostRecord:
    """One post with its counts as seen at ``fetched_at``."""

    shortcode: str
    media_id: int
    owner_id: int
    taken_at: datetime  # timezone-aware, UTC
    type: str  # one of POST_TYPES
    caption: str | None = None
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    tagged_users: tuple[str, ...] = ()
    location_id: int | None = None
    location_name: str | None = None
    location_lat: float | None = None
    location_lng: float | None = None
    likes: int | None = None
    comments: int | None = None
    video_views: int | None = None
    video_plays: int | None = None
    video_duration: float | None = None
    is_pinned: bool = False
    accessibility_caption: str | None = None
    width: int | None = None
    height: int | None = None
    comments_disabled: bool | None = None  # None: the answer did not say
    media: tuple[MediaRecord, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CommentRecord:
    """One comment on a post, or a reply to one (``parent_id``), as read at one moment."""

    id: int
    parent_id: int | None  # the top-level comment a reply answers; None for a top-level comment
    owner_id: int | None  # the commenter's Instagram user id
    owner: str | None  # the commenter's user name
    text: str
    created_at: datetime  # timezone-aware, UTC
    likes: int | None = None


# What Instagram (or an archive file) sends is checked once, here, before it reaches the database:
# JSON allows lone surrogates, which UTF-8 cannot store, NUL characters, which PostgreSQL's text cannot
# hold, and numbers SQLite's INTEGER cannot hold.

INT64_MAX = 2**63 - 1
_COUNTS = {"likes", "comments", "video_views", "video_plays", "followers", "followees", "post_count"}
_SIZES = {"width", "height"}
_IDS = {"user_id", "media_id", "owner_id", "location_id", "id", "parent_id"}


def text(value: str | None) -> str | None:
    """``value`` storable in any database: a lone surrogate or a NUL becomes U+FFFD, everything else
    stays as sent. (SQLite could keep a NUL; replacing it everywhere keeps archives alike.)"""
    if value is None:
        return None
    value = value.replace("\x00", "\ufffd")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def count(value: object) -> int | None:
    """A count as an int, or None when it is missing, negative, not finite or too large to store."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return int(value) if 0 <= value <= INT64_MAX else None


def identifier(value: object) -> int:
    """An Instagram id as an int; ValueError when it is not one the database can hold."""
    number = int(value)  # type: ignore[call-overload]
    if not 0 <= number <= INT64_MAX:
        raise ValueError(f"id out of range: {value!r}")
    return number


def _clean(record: Any) -> Any:
    changes: dict[str, Any] = {}
    for item in fields(record):
        value = getattr(record, item.name)
        if isinstance(value, str):
            changes[item.name] = text(value)
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            changes[item.name] = tuple(text(v) for v in value)
        elif item.name in _COUNTS or item.name in _SIZES:
            changes[item.name] = count(value)
        elif item.name in _IDS and value is not None:
            changes[item.name] = identifier(value)
    if isinstance(record, PostRecord):
        changes["media"] = tuple(_clean(m) for m in record.media)
    return replace(record, **changes)


RecordT = TypeVar("RecordT", "ProfileRecord", "PostRecord", "CommentRecord")


def cleaned(record: RecordT) -> RecordT:
    """The record with its text storable and its numbers in range (ids out of range: ValueError)."""
    result: RecordT = _clean(record)
    return result
