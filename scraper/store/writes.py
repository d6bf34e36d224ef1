"""Saving records to the archive: idempotent upserts of profiles and posts, snapshots of counts,
caption history, deletions, sync runs and per-account locks.

Functions take an open ``Session`` and leave committing to the caller, so a page of posts and the
sync's resume point are written in one transaction.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, cast
from urllib.parse import urlparse

from sqlalchemy import ColumnElement, Table, case, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from scraper.errors import Interrupted, SyncBusy
from scraper.records import MediaRecord, PostRecord, ProfileRecord, SyncStatus
from scraper.store import changes, names, search_keys
from scraper.store.models import (
    Base,
    CaptionVersion,
    MediaItem,
    Post,
    PostMetrics,
    Profile,
    ProfileSnapshot,
    SyncLock,
    SyncRun,
    WatchedAccount,
    utcnow,
)

# A lock whose holder has not shown a sign of life for this long is considered abandoned.
LOCK_STALE_AFTER = timedelta(minutes=10)


def touch(
    session: Session,
    *profile_ids: int,
    username: str | None = None,
    live_posts: Mapping[int, int] | None = None,
) -> None:
    """Grow the revision of the profiles ``profile_ids`` (and of the one named ``username``): what
    the pages show of them changed. Called in the transaction of the change, so a reader that sees
    the new revision sees the change too; one UPDATE, whatever the number of rows written.

    ``live_posts``: by profile id, how many live (not deleted) posts the change added (or, negative,
    took away): ``posts_stored`` moves by as much in the same UPDATE, so keeping the count costs
    nothing more, whatever the account's size."""
    where: list[ColumnElement[bool]] = []
    if profile_ids:
        where.append(Profile.id.in_(set(profile_ids)))
    if username is not None:
        where.append(Profile.username == username)
    if not where:
        return
    session.flush()  # a profile added in this transaction is touched too
    values: dict[str, Any] = {"revision": Profile.revision + 1}
    moved = {pid: n for pid, n in (live_posts or {}).items() if n}
    if moved:
        values["posts_stored"] = Profile.posts_stored + case(
            *((Profile.id == pid, n) for pid, n in moved.items()), else_=0
        )
    session.execute(
        update(Profile).where(or_(*where)).values(**values),
        execution_options={"synchronize_session": False},
    )


def picture_key(url: str | None) -> str | None:
    """The part of a profile-picture URL that changes when the picture does (its file name)."""
    if not url:
        return None
    return PurePosixPath(urlparse(url).path).name or None


def remember_comments(session: Session, username: str, comments: bool) -> None:
    """Whether the dashboard's next syncs of the stored account ``username`` read comments too."""
    session.execute(update(Profile).where(Profile.username == username).values(sync_comments=comments))


def upsert_profile(
    session: Session,
    rec: ProfileRecord,
    *,
    run_id: int | None = None,
    is_demo: bool = False,
    follower_threshold: float = changes.FOLLOWER_THRESHOLD,
) -> Profile:
    """Insert or update the profile of ``rec`` (by user id) and snapshot its counts for ``run_id``;
    what changed since the profile was stored is recorded (``scraper.store.changes``)."""
    now = utcnow()
    profile = session.get(Profile, rec.user_id)
    if profile is None:
        profile = Profile(id=rec.user_id, username=rec.username, first_seen_at=now)
        session.add(profile)
    else:
        found = changes.profile_changes(
            session,
            profile,
            rec,
            picture_key(rec.profile_pic_url),
            picture_key(profile.profile_pic_url),
            threshold=follower_threshold,
        )
        changes.record(session, rec.user_id, found, run_id=run_id, now=now)
    profile.username = rec.username
    profile.full_name = rec.full_name
    profile.biography = rec.biography
    profile.external_url = rec.external_url
    profile.is_private = rec.is_private
    profile.is_verified = rec.is_verified
    profile.is_business = rec.is_business
    profile.category = rec.category
    profile.followers = rec.followers
    profile.followees = rec.followees
    profile.post_count = rec.post_count
    profile.profile_pic_url = rec.profile_pic_url
    profile.is_demo = profile.is_demo or is_demo
    profile.updated_at = now
    touch(session, rec.user_id)
    exists = run_id is not None and session.scalar(
        select(ProfileSnapshot.id).where(
            ProfileSnapshot.profile_id == rec.user_id, ProfileSnapshot.sync_run_id == run_id
        )
    )
    if not exists:
        session.add(
            ProfileSnapshot(
                profile_id=rec.user_id,
                sync_run_id=run_id,
                taken_at=now,
                followers=rec.followers,
                followees=rec.followees,
                post_count=rec.post_count,
            )
        )
    return profile


@dataclass
class SaveResult:
    """What saving a batch of posts changed: the ids of the posts inserted (``posts_with_media`` and
    ``media_of`` load them when needed) and the posts updated."""

    new_ids: list[int] = field(default_factory=list)
    updated: list[Post] = field(default_factory=list)


def save_posts(
    session: Session,
    profile_id: int,
    records: Sequence[PostRecord],
    *,
    run_id: int | None = None,
    seen_at: Mapping[str, datetime] | None = None,
) -> SaveResult:
    """Insert or update posts by shortcode, with their media items, caption history and a metrics
    snapshot for ``run_id``. Saving the same records twice changes nothing more.

    ``seen_at`` gives, by shortcode, when a post was seen (an imported archive's time); default now.
    New posts, most of a first sync, are written as bulk INSERTs (posts with RETURNING of their ids,
    then media items and counts as executemany): the unit of work would insert them one row at a time.
    """
    result = SaveResult()
    if not records:
        return result
    now = utcnow()
    records = list({r.shortcode: r for r in records}.values())  # the last of a repeated post wins
    when = {r.shortcode: (seen_at or {}).get(r.shortcode, now) for r in records}
    existing = {
        p.shortcode: p
        for p in session.scalars(
            select(Post)
            .where(Post.shortcode.in_([r.shortcode for r in records]))
            .options(selectinload(Post.media))
        )
    }
    fresh = [r for r in records if r.shortcode not in existing]
    owners = {profile_id, *(p.profile_id for p in existing.values())}  # a post may change hands
    edited: list[changes.Found] = []
    live: dict[int, int] = {profile_id: len(fresh)}  # the change of each account's live posts
    # A moved post's key names its account: it gets one of its new account.
    moved: list[dict[str, Any]] = [
        {"profile_id": profile_id, "taken_at": r.taken_at, "media_id": r.media_id, "shortcode": r.shortcode}
        for r in records
        if r.shortcode in existing and existing[r.shortcode].profile_id != profile_id
    ]
    search_keys.fill(session, "posts", moved)
    new_keys: dict[str, int] = {row["shortcode"]: row["search_key"] for row in moved}
    renamed: list[tuple[int, names.Listed]] = []  # stored posts whose names change
    for rec in records:
        post = existing.get(rec.shortcode)
        if post is None:
            continue
        if _listed(post, post.profile_id) != (listed := _listed(rec, profile_id)):
            renamed.append((post.id, listed))
        if rec.shortcode in new_keys:
            post.search_key = new_keys[rec.shortcode]
        if post.caption != rec.caption:
            session.add(
                CaptionVersion(post_id=post.id, caption=post.caption, replaced_at=when[rec.shortcode])
            )
            edited.append(changes.Found(changes.CAPTION, post.caption, rec.caption, shortcode=post.shortcode))
        if post.deleted_at is None:  # a live post changing hands leaves its old account
            live[post.profile_id] = live.get(post.profile_id, 0) - 1
        live[profile_id] = live.get(profile_id, 0) + 1  # live (again) under this account
        _apply(post, rec, profile_id, when[rec.shortcode])
        _merge_media(post, rec)
        result.updated.append(post)
    session.flush()
    names.replace(session, renamed)
    ids = {p.shortcode: p.id for p in result.updated}
    if fresh:
        # Core statements on the tables: the ORM's bulk INSERT would still send one statement per row.
        posts = _table(Post)
        rows = [_post_row(rec, profile_id, when[rec.shortcode]) for rec in fresh]
        search_keys.fill(session, "posts", rows)
        rows.sort(key=search_keys.insert_order)
        inserted = session.execute(insert(posts).returning(posts.c.shortcode, posts.c.id), rows)
        ids.update({code: post_id for code, post_id in inserted})
        names.add(session, ((ids[rec.shortcode], _listed(rec, profile_id)) for rec in fresh))
        media_rows = [_media_row(ids[rec.shortcode], m) for rec in fresh for m in rec.media]
        if media_rows:
            session.execute(insert(_table(MediaItem)), media_rows)
    counted: set[int] = set()
    if run_id is not None and result.updated:
        counted = set(
            session.scalars(
                select(PostMetrics.post_id).where(
                    PostMetrics.sync_run_id == run_id, PostMetrics.post_id.in_([p.id for p in result.updated])
                )
            )
        )
    metric_rows = [
        {
            "post_id": ids[rec.shortcode],
            "sync_run_id": run_id,
            "taken_at": when[rec.shortcode],
            "likes": rec.likes,
            "comments": rec.comments,
            "views": rec.video_views if rec.video_views is not None else rec.video_plays,
        }
        for rec in records
        if ids[rec.shortcode] not in counted
    ]
    if metric_rows:
        session.execute(insert(_table(PostMetrics)), metric_rows)
    result.new_ids = [ids[r.shortcode] for r in fresh]
    changes.record(session, profile_id, edited, run_id=run_id, now=now)
    touch(session, *owners, live_posts=live)  # posts added, brought back or moved to another account
    return result


def posts_with_media(session: Session, post_ids: Sequence[int]) -> list[Post]:
    """The posts of ``post_ids``, their media items loaded."""
    if not post_ids:
        return []
    query = select(Post).where(Post.id.in_(post_ids)).options(selectinload(Post.media))
    return list(session.scalars(query))


def media_of(session: Session, post_ids: Sequence[int]) -> list[MediaItem]:
    """The media items of the posts ``post_ids``, each with its post loaded (one query)."""
    if not post_ids:
        return []
    query = (
        select(MediaItem)
        .where(MediaItem.post_id.in_(post_ids))
        .options(joinedload(MediaItem.post))
        .order_by(MediaItem.post_id, MediaItem.position)
    )
    return list(session.scalars(query))


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _post_row(rec: PostRecord, profile_id: int, now: datetime) -> dict[str, object]:
    """The columns of a new post."""
    return {
        "shortcode": rec.shortcode,
        "media_id": rec.media_id,
        "profile_id": profile_id,
        "taken_at": rec.taken_at,
        "type": rec.type,
        "caption": rec.caption,
        "hashtags": list(rec.hashtags),
        "mentions": list(rec.mentions),
        "tagged_users": list(rec.tagged_users),
        "location_id": rec.location_id,
        "location_name": rec.location_name,
        "location_lat": rec.location_lat,
        "location_lng": rec.location_lng,
        "likes": rec.likes,
        "comments": rec.comments,
        "video_views": rec.video_views,
        "video_plays": rec.video_plays,
        "video_duration": rec.video_duration,
        "is_pinned": rec.is_pinned,
        "accessibility_caption": rec.accessibility_caption,
        "width": rec.width,
        "height": rec.height,
        "comments_disabled": rec.comments_disabled,
        "first_seen_at": now,
        "last_seen_at": now,
        "deleted_at": None,
    }


def _listed(post: Post | PostRecord, profile_id: int) -> names.Listed:
    """What decides the names of a post saved under ``profile_id``."""
    return (
        profile_id,
        post.taken_at,
        list(post.hashtags or ()),
        list(post.mentions or ()),
        list(post.tagged_users or ()),
    )


def _media_row(post_id: int, media: MediaRecord) -> dict[str, object]:
    """The columns of a new post's media item (no files yet)."""
    return {
        "post_id": post_id,
        "position": media.position,
        "is_video": media.is_video,
        "image_url": media.image_url,
        "video_url": media.video_url,
        "width": media.width,
        "height": media.height,
        "accessibility_caption": media.accessibility_caption,
        "file": None,
        "thumb": None,
        "video_file": None,
    }


def _apply(post: Post, rec: PostRecord, profile_id: int, now: datetime) -> None:
    post.media_id = rec.media_id
    post.profile_id = profile_id
    post.taken_at = rec.taken_at
    post.type = rec.type
    post.caption = rec.caption
    post.hashtags = list(rec.hashtags)
    post.mentions = list(rec.mentions)
    post.tagged_users = list(rec.tagged_users)
    if rec.location_id is not None or rec.location_name is not None:
        post.location_id = rec.location_id
        post.location_name = rec.location_name
        post.location_lat = rec.location_lat
        post.location_lng = rec.location_lng
    post.likes = rec.likes
    post.comments = rec.comments
    post.video_views = rec.video_views
    post.video_plays = rec.video_plays
    post.video_duration = rec.video_duration
    post.is_pinned = rec.is_pinned
    post.accessibility_caption = rec.accessibility_caption
    post.width = rec.width
    post.height = rec.height
    if rec.comments_disabled is not None or post.comments_disabled:
        post.comments_disabled = rec.comments_disabled
    post.last_seen_at = now
    post.deleted_at = None


def _merge_media(post: Post, rec: PostRecord) -> None:
    """Match media items by position; keep downloaded files, refresh the (expiring) CDN URLs."""
    by_position = {m.position: m for m in post.media}
    for media in rec.media:
        item = by_position.get(media.position)
        if item is None:
            item = MediaItem(position=media.position)
            post.media.append(item)
        item.is_video = media.is_video
        item.image_url = media.image_url
        item.video_url = media.video_url
        item.width = media.width
        item.height = media.height
        item.accessibility_caption = media.accessibility_caption
    wanted = {m.position for m in rec.media}
    for item in list(post.media):
        if item.position not in wanted:
            post.media.remove(item)


@dataclass(frozen=True)
class KnownPost:
    """What the sync needs to know of a stored post to decide where to stop."""

    taken_at: datetime
    is_pinned: bool


def known_posts(session: Session, profile_id: int) -> dict[str, KnownPost]:
    """Every stored post of the profile by shortcode."""
    rows = session.execute(
        select(Post.shortcode, Post.taken_at, Post.is_pinned).where(Post.profile_id == profile_id)
    )
    return {code: KnownPost(taken_at, pinned) for code, taken_at, pinned in rows}


def mark_deleted(session: Session, profile_id: int, seen: Iterable[str], *, run_id: int | None = None) -> int:
    """Set ``deleted_at`` on the profile's stored posts not in ``seen`` (after a full walk), and record
    each as a change of ``run_id``."""
    seen_set = set(seen)
    now = utcnow()
    gone = [
        (post_id, code, caption)
        for post_id, code, caption in session.execute(
            select(Post.id, Post.shortcode, Post.caption).where(
                Post.profile_id == profile_id, Post.deleted_at.is_(None)
            )
        )
        if code not in seen_set
    ]
    # A post marked deleted that the walk saw again was hidden (archived) and shown again by its owner:
    # it is live again, even when the walk had no reason to save it anew.
    back = [
        post_id
        for post_id, code in session.execute(
            select(Post.id, Post.shortcode).where(Post.profile_id == profile_id, Post.deleted_at.is_not(None))
        )
        if code in seen_set
    ]
    if back:
        session.execute(update(Post).where(Post.id.in_(back)).values(deleted_at=None))
    if gone:
        session.execute(update(Post).where(Post.id.in_([g[0] for g in gone])).values(deleted_at=now))
        found = [
            changes.Found(changes.POST_DELETED, caption, None, shortcode=code) for _, code, caption in gone
        ]
        changes.record(session, profile_id, found, run_id=run_id, now=now)
    if gone or back:
        touch(session, profile_id, live_posts={profile_id: len(back) - len(gone)})
    return len(gone)


def media_missing_files(session: Session, profile_id: int, *, videos: bool = False) -> list[MediaItem]:
    """Media items of the profile whose image (or, with ``videos``, video) is not downloaded yet."""
    query = (
        select(MediaItem)
        .join(Post)
        .where(Post.profile_id == profile_id, Post.deleted_at.is_(None))
        .options(selectinload(MediaItem.post))
        .order_by(Post.taken_at.desc(), MediaItem.position)
    )
    missing: ColumnElement[bool] = MediaItem.file.is_(None)
    if videos:
        missing = missing | (MediaItem.is_video & MediaItem.video_file.is_(None))
    return list(session.scalars(query.where(missing)))


def follow_rename(session: Session, old: str, new: str) -> None:
    """The watch list's entry of ``old`` goes on under ``new``, the account's user name now (unless
    ``new`` is watched already: then the entry of ``old`` goes)."""
    entry = session.get(WatchedAccount, old)
    if entry is None or old == new:
        return
    if session.get(WatchedAccount, new) is not None:
        session.delete(entry)
    else:
        session.execute(update(WatchedAccount).where(WatchedAccount.username == old).values(username=new))


def profile_by_username(session: Session, username: str) -> Profile | None:
    """The stored profile now or last known under ``username``."""
    return session.scalars(
        select(Profile).where(Profile.username == username).order_by(Profile.updated_at.desc())
    ).first()


def post_counts(session: Session) -> dict[int, int]:
    """Number of stored (not deleted) posts by profile id (kept in ``profiles.posts_stored``)."""
    rows = session.execute(select(Profile.id, Profile.posts_stored))
    return {profile_id: count for profile_id, count in rows}


def last_runs(session: Session, usernames: Iterable[str] | None = None) -> dict[str, SyncRun]:
    """The latest sync run of each user name (of ``usernames`` only, when given: through the index on
    ``sync_runs.username``, so the cost follows the accounts asked for, not every run ever made)."""
    latest = select(SyncRun.username, func.max(SyncRun.id).label("id"))
    if usernames is not None:
        latest = latest.where(SyncRun.username.in_(sorted(set(usernames))))
    ids = latest.group_by(SyncRun.username).subquery()
    runs = session.scalars(select(SyncRun).join(ids, SyncRun.id == ids.c.id))
    return {run.username: run for run in runs}


# Locks: one sync per account at a time, across threads, processes and machines sharing the database.

# A holder on this host is alive while its process is; a process younger than the lock (by more than
# this margin for clock rounding) only reuses the pid of a dead holder.
_PID_REUSE_MARGIN = timedelta(seconds=2)


def lock_owner() -> str:
    """An owner string naming this host and process, unique per acquisition."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _process_started(pid: int) -> datetime | None:
    """When process ``pid`` started, where the system tells (Linux's /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        ticks = int(fields[19])  # field 22, starttime: clock ticks after boot
        return datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), UTC)
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _holder_alive(owner: str, acquired_at: datetime, heartbeat_at: datetime) -> bool:
    host, pid, _ = [*owner.split(":"), "", "", ""][:3]
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # a live process of another user: it may still be the holder
        started = _process_started(int(pid))
        if started is not None:
            # The holder itself, however long it has been silent (instaloader waits out Instagram's
            # rate limit for 11 minutes in one sleep); or a newer process that got a dead holder's pid.
            return started <= acquired_at + _PID_REUSE_MARGIN
        # Where a process's age is unknown: trust the heartbeat.
    return utcnow() - heartbeat_at < LOCK_STALE_AFTER


def acquire_lock(session: Session, username: str, owner: str) -> None:
    """Take the sync lock of ``username`` or raise SyncBusy; a lock left by a dead process is taken over,
    and the runs it left "running" are marked interrupted."""
    now = utcnow()
    held = session.get(SyncLock, username, populate_existing=True)
    if held is not None:
        if _holder_alive(held.owner, held.acquired_at, held.heartbeat_at):
            session.rollback()
            raise SyncBusy(user=username)
        taken = session.execute(
            delete(SyncLock).where(SyncLock.username == username, SyncLock.owner == held.owner)
        )
        if getattr(taken, "rowcount", 0) == 1:
            # Runs are only started under the lock, so the account's running ones were the dead holder's.
            marked = session.execute(
                update(SyncRun)
                .where(SyncRun.username == username, SyncRun.status == SyncStatus.RUNNING)
                .values(
                    status=SyncStatus.INTERRUPTED,
                    finished_at=now,
                    error=Interrupted().message(),
                    error_code=Interrupted.exit_code,
                )
            )
            if getattr(marked, "rowcount", 0):
                touch(session, username=username)  # the accounts page shows the run's status
    session.add(SyncLock(username=username, owner=owner, acquired_at=now, heartbeat_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise SyncBusy(user=username) from None


def heartbeat(session: Session, username: str, owner: str) -> None:
    """Show that the lock's holder is alive."""
    session.execute(
        update(SyncLock)
        .where(SyncLock.username == username, SyncLock.owner == owner)
        .values(heartbeat_at=utcnow())
    )


def release_lock(session: Session, username: str, owner: str) -> None:
    """Give the lock back (only if still ours)."""
    session.execute(delete(SyncLock).where(SyncLock.username == username, SyncLock.owner == owner))
    session.commit()
