"""Changes: what a sync saw change on an account since the sync before, recorded by the writes that
reveal them (``writes.upsert_profile``, ``writes.save_posts``, ``writes.mark_deleted``,
``comments.save_comments``) in their own transaction; and reading them back.

The first sync of an account records none: there is nothing to compare with. The follower count is
a change only once it moved by at least ``threshold`` percent (and at least ``FOLLOWER_MINIMUM``
followers) since the last follower count recorded as a change (or, before any, the first one seen),
so a slow drift is reported once it adds up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from scraper.records import ProfileRecord
from scraper.store.models import Change, Profile, ProfileSnapshot, SyncRun

USERNAME = "username"
FULL_NAME = "full_name"
BIOGRAPHY = "biography"
EXTERNAL_URL = "external_url"
PROFILE_PIC = "profile_pic"
PRIVATE = "private"
FOLLOWERS = "followers"
POST_DELETED = "post_deleted"
CAPTION = "caption"
COMMENT_DELETED = "comment_deleted"
KINDS = (
    USERNAME,
    FULL_NAME,
    BIOGRAPHY,
    EXTERNAL_URL,
    PROFILE_PIC,
    PRIVATE,
    FOLLOWERS,
    POST_DELETED,
    CAPTION,
    COMMENT_DELETED,
)
# The follower count is a change once it moved by this many percent, and by this many followers.
FOLLOWER_THRESHOLD = 10.0
FOLLOWER_MINIMUM = 10


@dataclass(frozen=True)
class Found:
    """One change, before it is stored."""

    kind: str
    old: str | None
    new: str | None
    shortcode: str | None = None
    comment_id: int | None = None


def visibility(is_private: bool) -> str:
    """How the ``private`` change names an account's state."""
    return "private" if is_private else "public"


def profile_changes(
    session: Session,
    profile: Profile,
    rec: ProfileRecord,
    new_picture_key: str | None,
    old_picture_key: str | None,
    *,
    threshold: float = FOLLOWER_THRESHOLD,
) -> list[Found]:
    """What ``rec`` changes of the stored ``profile`` (read before it is updated)."""
    found = [
        Found(kind, old or None, new or None)
        for kind, old, new in (
            (USERNAME, profile.username, rec.username),
            (FULL_NAME, profile.full_name, rec.full_name),
            (BIOGRAPHY, profile.biography, rec.biography),
            (EXTERNAL_URL, profile.external_url, rec.external_url),
        )
        if (old or "") != (new or "")
    ]
    if old_picture_key != new_picture_key and new_picture_key is not None:
        found.append(Found(PROFILE_PIC, profile.profile_pic_url, rec.profile_pic_url))
    if bool(profile.is_private) != rec.is_private:
        found.append(Found(PRIVATE, visibility(bool(profile.is_private)), visibility(rec.is_private)))
    base = follower_baseline(session, profile)
    if base is not None and rec.followers is not None:
        moved = abs(rec.followers - base)
        if moved >= FOLLOWER_MINIMUM and moved >= base * threshold / 100:
            found.append(Found(FOLLOWERS, str(base), str(rec.followers)))
    return found


def follower_baseline(session: Session, profile: Profile) -> int | None:
    """The follower count a new one is compared with: the last one recorded as a change, else the
    first one seen (the first snapshot), else the stored one."""
    last = session.scalar(
        select(Change.new)
        .where(Change.profile_id == profile.id, Change.kind == FOLLOWERS)
        .order_by(Change.id.desc())
        .limit(1)
    )
    if last is not None and last.isdigit():
        return int(last)
    first = session.scalar(
        select(ProfileSnapshot.followers)
        .where(ProfileSnapshot.profile_id == profile.id, ProfileSnapshot.followers.is_not(None))
        .order_by(ProfileSnapshot.id)
        .limit(1)
    )
    return first if first is not None else profile.followers


def record(
    session: Session, profile_id: int, found: Iterable[Found], *, run_id: int | None, now: datetime
) -> int:
    """Store the changes ``found`` of the profile (one executemany); the caller commits. Returns how
    many."""
    rows = [
        {
            "profile_id": profile_id,
            "sync_run_id": run_id,
            "kind": f.kind,
            "old": f.old,
            "new": f.new,
            "shortcode": f.shortcode,
            "comment_id": f.comment_id,
            "detected_at": now,
        }
        for f in found
    ]
    if rows:
        session.execute(insert(Change), rows)
    return len(rows)


def of_run(session: Session, run_id: int) -> list[Change]:
    """The changes a sync run recorded, in the order found."""
    return list(session.scalars(select(Change).where(Change.sync_run_id == run_id).order_by(Change.id)))


def run_account(session: Session, run_id: int) -> str | None:
    """The account a run's changes belong to, by its user name now."""
    return session.scalar(
        select(Profile.username).join(SyncRun, SyncRun.profile_id == Profile.id).where(SyncRun.id == run_id)
    )
