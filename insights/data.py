"""The archive's rows as pandas frames: posts, profiles, snapshots and metrics, and the gallery's
filtering, sorting and paging."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypedDict

import numpy as np
import pandas as pd
from sqlalchemy import Select, Text, cast, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from insights.charts import empty, local_times
from insights.comments import ThreadComment, post_thread
from scraper.store import writes
from scraper.store.models import CaptionVersion, MediaItem, Post, PostMetrics, Profile, ProfileSnapshot

POST_COLUMNS = [
    "post_id", "shortcode", "username", "profile_id", "taken_at", "type", "caption", "hashtags", "mentions",
    "tagged_users", "likes", "comments", "views", "is_pinned", "deleted", "caption_edited", "media_count",
    "thumb", "followers", "engagement",
]  # fmt: skip
SNAPSHOT_COLUMNS = ["username", "taken_at", "followers", "followees", "post_count"]
METRIC_COLUMNS = [
    "post_id",
    "shortcode",
    "username",
    "post_taken_at",
    "taken_at",
    "likes",
    "comments",
    "views",
]
SORT_COLUMNS: dict[str, str] = {
    "date": "taken_at",
    "likes": "likes",
    "comments": "comments",
    "engagement": "engagement",
}
PAGE_SIZE = 24


def post_url(shortcode: str) -> str:
    """The post's page on Instagram."""
    return f"https://www.instagram.com/p/{shortcode}/"


def _counts(values: Sequence[Any] | pd.Series) -> pd.Series:
    """Nullable integers (Int64) from ints and Nones."""
    return pd.Series(pd.array(list(values), dtype="Int64"))


def _utc(values: Sequence[Any] | pd.Series) -> pd.Series:
    """Aware datetimes (or Nones) as a UTC datetime column."""
    return pd.Series(pd.to_datetime(pd.Series(list(values), dtype=object), utc=True, format="ISO8601"))


def _lists(values: Sequence[Any]) -> pd.Series:
    """JSON list columns as Python lists. The query casts them to text, so that the database's text is
    decoded here in one call: many times faster than a call per row at 100,000 posts (psycopg decodes a
    JSON column one value at a time: 0.64 s of the 0.96 s of 20,000 posts on PostgreSQL)."""
    if all(v is None or isinstance(v, str) for v in values):
        decoded = json.loads("[" + ",".join(v or "null" for v in values) + "]")
    else:  # lists as given to ``posts_from_rows``
        decoded = list(values)
    return pd.Series([[] if v is None else v for v in decoded], dtype=object)


def engagement(likes: pd.Series, comments: pd.Series, followers: pd.Series) -> pd.Series:
    """(likes + comments) / followers as floats; NaN where a count is missing or followers is 0."""
    interactions = (likes.astype("Float64") + comments.astype("Float64")).to_numpy(
        dtype=float, na_value=np.nan
    )
    base = followers.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    base[base == 0] = np.nan
    return pd.Series(interactions / base, index=likes.index, dtype=float)


def _posts_query(
    usernames: Sequence[str] | None, post_ids: Sequence[int] | None = None
) -> Select[*tuple[Any, ...]]:
    """Every stored post of the accounts ``usernames`` (None: of all), or only those of ``post_ids``,
    with its profile, media count, first thumbnail and whether its caption changed.

    The media and caption counts are grouped over the posts of those accounts only (through the index on
    ``posts.profile_id``), so an account's page costs what its own posts cost, whatever the archive holds.
    """
    media_select = select(
        MediaItem.post_id,
        func.count().label("media_count"),
        func.min(MediaItem.position).label("first_position"),
    ).group_by(MediaItem.post_id)
    edits_select = select(CaptionVersion.post_id, func.count().label("edits")).group_by(
        CaptionVersion.post_id
    )
    if post_ids is not None:
        media_select = media_select.where(MediaItem.post_id.in_(list(post_ids)))
        edits_select = edits_select.where(CaptionVersion.post_id.in_(list(post_ids)))
    elif usernames is not None:
        owners = select(Profile.id).where(Profile.username.in_(list(usernames)))
        owned = select(Post.id).where(Post.profile_id.in_(owners))
        media_select = media_select.where(MediaItem.post_id.in_(owned))
        edits_select = edits_select.where(CaptionVersion.post_id.in_(owned))
    media = media_select.subquery()
    edits = edits_select.subquery()
    first = aliased(MediaItem)
    query: Select[*tuple[Any, ...]] = (
        select(
            Post.id,
            Post.shortcode,
            Profile.username,
            Post.profile_id,
            Post.taken_at,
            Post.type,
            Post.caption,
            cast(Post.hashtags, Text),
            cast(Post.mentions, Text),
            cast(Post.tagged_users, Text),
            Post.likes,
            Post.comments,
            func.coalesce(Post.video_views, Post.video_plays),
            Post.is_pinned,
            Post.deleted_at.is_not(None),
            edits.c.edits,
            media.c.media_count,
            # A missing thumbnail falls back to the full image, so the gallery still has a picture.
            func.coalesce(first.thumb, first.file),
            Profile.followers,
        )
        .join(Profile, Profile.id == Post.profile_id)
        .outerjoin(media, media.c.post_id == Post.id)
        .outerjoin(first, (first.post_id == Post.id) & (first.position == media.c.first_position))
        .outerjoin(edits, edits.c.post_id == Post.id)
        .order_by(Post.taken_at.desc(), Post.id.desc())
    )
    if usernames is not None:
        query = query.where(Profile.username.in_(list(usernames)))
    if post_ids is not None:
        query = query.where(Post.id.in_(list(post_ids)))
    return query


_QUERY_COLUMNS = [
    "post_id", "shortcode", "username", "profile_id", "taken_at", "type", "caption", "hashtags", "mentions",
    "tagged_users", "likes", "comments", "views", "is_pinned", "deleted", "caption_edited", "media_count",
    "thumb", "followers",
]  # fmt: skip


def posts_frame(
    session: Session, usernames: Sequence[str] | None = None, post_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """One row per stored post (deleted ones too) of the accounts ``usernames`` (None: of all), or only
    of those among ``post_ids``, newest first, with the columns of ``POST_COLUMNS``.

    ``views`` is set for videos only; ``followers`` is the profile's current count; ``engagement`` is
    (likes + comments) / followers, NaN when followers is missing or 0; ``thumb`` is the first media
    item's thumbnail (its full image when it has no thumbnail).
    """
    # Through the connection: the ORM's row handling would add a third to the time of 20,000 posts.
    rows = session.connection().execute(_posts_query(usernames, post_ids)).all()
    if not rows:
        return empty_posts()
    return _posts(dict(zip(_QUERY_COLUMNS, zip(*rows, strict=True), strict=True)))


def posts_from_rows(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """A posts frame (the columns and dtypes of ``posts_frame``) from plain dicts, for tests and for data
    from elsewhere. ``taken_at`` is required (an aware datetime or an ISO string with zone); other fields
    default to an image post of account "a" without counts."""
    if not rows:
        return empty_posts()
    defaults: dict[str, Any] = {
        "username": "a", "profile_id": 1, "type": "image", "caption": "", "hashtags": None, "mentions": None,
        "tagged_users": None, "likes": None, "comments": None, "views": None, "is_pinned": False,
        "deleted": False, "caption_edited": False, "media_count": 1, "thumb": None, "followers": None,
    }  # fmt: skip
    columns: dict[str, list[Any]] = {name: [] for name in _QUERY_COLUMNS}
    for i, row in enumerate(rows):
        fields = defaults | {"post_id": i + 1, "shortcode": f"p{i + 1}"} | dict(row)
        for name in _QUERY_COLUMNS:
            columns[name].append(fields[name])
    return _posts(columns)


def _posts(columns: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """The posts frame from one sequence of raw values per column of ``_QUERY_COLUMNS``."""
    kinds = list(columns["type"])
    frame = pd.DataFrame(
        {
            "post_id": np.array(columns["post_id"], dtype="int64"),
            "shortcode": pd.Series(columns["shortcode"], dtype="str"),
            "username": pd.Series(columns["username"], dtype="str"),
            "profile_id": np.array(columns["profile_id"], dtype="int64"),
            "taken_at": _utc(columns["taken_at"]),
            "type": pd.Series(kinds, dtype="str"),
            "caption": pd.Series([c or "" for c in columns["caption"]], dtype="str"),
            "hashtags": _lists(columns["hashtags"]),
            "mentions": _lists(columns["mentions"]),
            "tagged_users": _lists(columns["tagged_users"]),
            "likes": _counts(columns["likes"]),
            "comments": _counts(columns["comments"]),
            "views": _counts(
                [v if k == "video" else None for v, k in zip(columns["views"], kinds, strict=True)]
            ),
            "is_pinned": np.array(columns["is_pinned"], dtype=bool),
            "deleted": np.array(columns["deleted"], dtype=bool),
            "caption_edited": np.array([bool(n) for n in columns["caption_edited"]], dtype=bool),
            "media_count": np.array([n or 0 for n in columns["media_count"]], dtype="int64"),
            "thumb": pd.Series(columns["thumb"], dtype=object),
            "followers": _counts(columns["followers"]),
        }
    )
    frame["engagement"] = engagement(frame["likes"], frame["comments"], frame["followers"])
    return frame[POST_COLUMNS]


def empty_posts() -> pd.DataFrame:
    """A posts frame without rows, with the dtypes of ``posts_frame``."""
    dtypes = {
        "post_id": "int64", "shortcode": "str", "username": "str", "profile_id": "int64",
        "taken_at": "datetime64[us, UTC]", "type": "str", "caption": "str", "likes": "Int64", "comments": "Int64",
        "views": "Int64", "is_pinned": "bool", "deleted": "bool", "caption_edited": "bool",
        "media_count": "int64", "followers": "Int64", "engagement": "float64",
    }  # fmt: skip
    return empty(POST_COLUMNS, dtypes)


class ProfileSummary(TypedDict):
    """A stored profile with its post counts and first and last post times (``profile_summary``)."""

    username: str
    full_name: str
    biography: str
    external_url: str | None
    is_private: bool
    is_verified: bool
    is_business: bool
    category: str | None
    followers: int | None
    followees: int | None
    post_count: int | None  # Instagram's count
    posts_stored: int  # the stored posts not deleted
    profile_pic_file: str | None  # relative to the media root
    last_synced_at: datetime | None
    is_demo: bool
    first_post_at: datetime | None
    last_post_at: datetime | None


def profile_summary(session: Session, username: str) -> ProfileSummary | None:
    """The stored profile under ``username`` with its post counts and first and last post times, or None.

    ``post_count`` is Instagram's count; ``posts_stored`` counts the stored posts not deleted.
    """
    profile = writes.profile_by_username(session, username)
    if profile is None:
        return None
    stored, first, last = session.execute(
        select(
            func.count(Post.id).filter(Post.deleted_at.is_(None)),
            func.min(Post.taken_at),
            func.max(Post.taken_at),
        ).where(Post.profile_id == profile.id)
    ).one()
    return {
        "username": profile.username,
        "full_name": profile.full_name,
        "biography": profile.biography,
        "external_url": profile.external_url,
        "is_private": profile.is_private,
        "is_verified": profile.is_verified,
        "is_business": profile.is_business,
        "category": profile.category,
        "followers": profile.followers,
        "followees": profile.followees,
        "post_count": profile.post_count,
        "posts_stored": stored,
        "profile_pic_file": profile.profile_pic_file,
        "last_synced_at": profile.last_synced_at,
        "is_demo": profile.is_demo,
        "first_post_at": first,
        "last_post_at": last,
    }


def snapshots_frame(session: Session, usernames: Sequence[str] | None = None) -> pd.DataFrame:
    """The profiles' counts at each sync: username, taken_at (UTC), followers, followees, post_count."""
    query = (
        select(
            Profile.username,
            ProfileSnapshot.taken_at,
            ProfileSnapshot.followers,
            ProfileSnapshot.followees,
            ProfileSnapshot.post_count,
        )
        .join(Profile, Profile.id == ProfileSnapshot.profile_id)
        .order_by(Profile.username, ProfileSnapshot.taken_at)
    )
    if usernames is not None:
        query = query.where(Profile.username.in_(list(usernames)))
    rows = session.execute(query).all()
    if not rows:
        dtypes = {"username": "str", "taken_at": "datetime64[us, UTC]"} | dict.fromkeys(
            SNAPSHOT_COLUMNS[2:], "Int64"
        )
        return empty(SNAPSHOT_COLUMNS, dtypes)
    username, taken_at, followers, followees, post_count = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "username": pd.Series(username, dtype="str"),
            "taken_at": _utc(taken_at),
            "followers": _counts(followers),
            "followees": _counts(followees),
            "post_count": _counts(post_count),
        }
    )


def metrics_frame(session: Session, usernames: Sequence[str] | None = None) -> pd.DataFrame:
    """Every post's counts at each sync: post_id, shortcode, username, post_taken_at, taken_at (the sync's
    time), likes, comments, views."""
    query = (
        select(
            Post.id,
            Post.shortcode,
            Profile.username,
            Post.taken_at,
            PostMetrics.taken_at,
            PostMetrics.likes,
            PostMetrics.comments,
            PostMetrics.views,
        )
        .join(Post, Post.id == PostMetrics.post_id)
        .join(Profile, Profile.id == Post.profile_id)
        .order_by(Profile.username, Post.taken_at, Post.id, PostMetrics.taken_at)
    )
    if usernames is not None:
        query = query.where(Profile.username.in_(list(usernames)))
    rows = session.execute(query).all()
    if not rows:
        dtypes = {
            "post_id": "int64", "shortcode": "str", "username": "str", "post_taken_at": "datetime64[us, UTC]",
            "taken_at": "datetime64[us, UTC]", "likes": "Int64", "comments": "Int64", "views": "Int64",
        }  # fmt: skip
        return empty(METRIC_COLUMNS, dtypes)
    post_id, shortcode, username, post_taken_at, taken_at, likes, comments, views = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "post_id": np.array(post_id, dtype="int64"),
            "shortcode": pd.Series(shortcode, dtype="str"),
            "username": pd.Series(username, dtype="str"),
            "post_taken_at": _utc(post_taken_at),
            "taken_at": _utc(taken_at),
            "likes": _counts(likes),
            "comments": _counts(comments),
            "views": _counts(views),
        }
    )


class MediaDetail(TypedDict):
    """One image or video of a post; files relative to the media root."""

    position: int
    is_video: bool
    file: str | None
    thumb: str | None
    video_file: str | None
    width: int | None
    height: int | None
    accessibility_caption: str | None


class EarlierCaption(TypedDict):
    caption: str
    replaced_at: datetime


class PostDetail(TypedDict):
    """One post with its media items, earlier captions, comments and Instagram URL (``post_detail``)."""

    post_id: int
    shortcode: str
    username: str
    full_name: str
    profile_id: int
    taken_at: datetime
    type: str
    caption: str
    hashtags: list[str]
    mentions: list[str]
    tagged_users: list[str]
    likes: int | None
    comments: int | None
    views: int | None
    video_duration: float | None
    is_pinned: bool
    deleted: bool
    deleted_at: datetime | None
    caption_edited: bool
    location_name: str | None
    location_lat: float | None
    location_lng: float | None
    accessibility_caption: str | None
    first_seen_at: datetime
    last_seen_at: datetime
    followers: int | None
    engagement: float | None
    media_count: int
    thumb: str | None
    media: list[MediaDetail]
    caption_history: list[EarlierCaption]  # oldest first
    thread: list[ThreadComment]  # the stored comments, oldest first, each with its replies
    url: str


def post_detail(session: Session, shortcode: str) -> PostDetail | None:
    """One post with its media items, earlier captions (oldest first), stored comments (``thread``)
    and Instagram URL, or None."""
    post = session.scalars(
        select(Post)
        .where(Post.shortcode == shortcode)
        .options(selectinload(Post.media), selectinload(Post.caption_history), selectinload(Post.profile))
    ).first()
    if post is None:
        return None
    profile = post.profile
    views = (
        (post.video_views if post.video_views is not None else post.video_plays)
        if post.type == "video"
        else None
    )
    rate = None
    if post.likes is not None and post.comments is not None and profile.followers:
        rate = (post.likes + post.comments) / profile.followers
    return {
        "post_id": post.id,
        "shortcode": post.shortcode,
        "username": profile.username,
        "full_name": profile.full_name,
        "profile_id": post.profile_id,
        "taken_at": post.taken_at,
        "type": post.type,
        "caption": post.caption or "",
        "hashtags": list(post.hashtags or []),
        "mentions": list(post.mentions or []),
        "tagged_users": list(post.tagged_users or []),
        "likes": post.likes,
        "comments": post.comments,
        "views": views,
        "video_duration": post.video_duration,
        "is_pinned": post.is_pinned,
        "deleted": post.deleted_at is not None,
        "deleted_at": post.deleted_at,
        "caption_edited": bool(post.caption_history),
        "location_name": post.location_name,
        "location_lat": post.location_lat,
        "location_lng": post.location_lng,
        "accessibility_caption": post.accessibility_caption,
        "first_seen_at": post.first_seen_at,
        "last_seen_at": post.last_seen_at,
        "followers": profile.followers,
        "engagement": rate,
        "media_count": len(post.media),
        "thumb": next((m.thumb or m.file for m in post.media), None),
        "media": [
            {
                "position": m.position,
                "is_video": m.is_video,
                "file": m.file,
                "thumb": m.thumb,
                "video_file": m.video_file,
                "width": m.width,
                "height": m.height,
                "accessibility_caption": m.accessibility_caption,
            }
            for m in post.media
        ],
        "caption_history": [
            {"caption": v.caption or "", "replaced_at": v.replaced_at} for v in post.caption_history
        ],
        "thread": post_thread(session, post.id, post.profile_id),
        "url": post_url(post.shortcode),
    }


def filter_posts(
    frame: pd.DataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
    types: Sequence[str] | None = None,
    hashtag: str | None = None,
    text: str | None = None,
    include_deleted: bool = True,
    tz: str = "UTC",
) -> pd.DataFrame:
    """The posts that match every filter given.

    ``start`` and ``end`` are inclusive days in ``tz``; ``types`` keeps those post types (None or empty
    keeps all); ``hashtag`` (with or without '#') and ``text`` (a substring of the caption) ignore case.
    """
    keep = pd.Series(True, index=frame.index)
    if start is not None or end is not None:
        days = local_times(frame["taken_at"], tz).dt.normalize()
        if start is not None:
            keep &= days >= pd.Timestamp(start)
        if end is not None:
            keep &= days <= pd.Timestamp(end)
    if types:
        keep &= frame["type"].isin(list(types))
    wanted = (hashtag or "").strip().lstrip("#").casefold()
    if wanted:
        keep &= (
            frame["hashtags"]
            .map(lambda tags: any(str(tag).casefold() == wanted for tag in tags))
            .astype(bool)
        )
    needle = (text or "").strip().casefold()
    if needle:
        keep &= frame["caption"].astype(str).str.casefold().str.contains(needle, regex=False)
    if not include_deleted:
        keep &= ~frame["deleted"].astype(bool)
    return frame[keep]


def sort_posts(frame: pd.DataFrame, by: str = "date", descending: bool = True) -> pd.DataFrame:
    """The posts ordered by date, likes, comments or engagement; posts without the value go last, and
    ties go newest first."""
    column = SORT_COLUMNS[by]
    if column == "taken_at":
        return frame.sort_values(["taken_at", "shortcode"], ascending=not descending, kind="stable")
    values = frame[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    ordered = frame.assign(_value=values).sort_values(
        ["_value", "taken_at"], ascending=[not descending, False], na_position="last", kind="stable"
    )
    return ordered.drop(columns="_value")


def page_count(n: int, size: int = PAGE_SIZE) -> int:
    """How many pages ``n`` rows fill; at least 1, so an empty result is one empty page."""
    return max(1, math.ceil(n / size))


def page(frame: pd.DataFrame, number: int, size: int = PAGE_SIZE) -> pd.DataFrame:
    """Page ``number`` (counting from 1) of ``size`` rows; a number out of range gives the nearest page."""
    number = min(max(1, number), page_count(len(frame), size))
    return frame.iloc[(number - 1) * size : number * size]
