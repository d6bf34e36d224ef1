"""Plain records passed from fetching (instaloader, archives) to saving (the database).

Fetching code turns instaloader's structures into these; ``scraper.store`` writes them. Nothing
here talks to Instagram or the database, so both sides can be tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

POST_TYPES = ("image", "video", "carousel")


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
    media: tuple[MediaRecord, ...] = field(default_factory=tuple)
