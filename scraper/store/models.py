"""The archive's tables, as SQLAlchemy 2 typed ORM classes.

A profile is identified by Instagram's user id, so a renamed account stays one profile. Times are
stored in UTC and come back timezone-aware. Schema changes go through the Alembic migrations in
``scraper/store/migrations``; a test checks that the migrations and these classes agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    false,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship

# Re-exported: what Post.type holds, for the readers of the store (insights does not import the records).
from scraper.records import POST_TYPES as POST_TYPES
from scraper.records import SyncStatus
from scraper.store import search_keys


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as naive UTC and read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the archive stores aware UTC times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


UserId = Annotated[int, mapped_column(BigInteger)]
When = Annotated[datetime, mapped_column(UTCDateTime)]
MaybeWhen = Annotated[datetime | None, mapped_column(UTCDateTime)]
Count = Annotated[int | None, mapped_column(BigInteger)]
StrList = Annotated[list[str], mapped_column(JSON, default=list)]
# The longest name ``post_names`` keeps (characters): a longer one would not fit a PostgreSQL index
# entry (2,704 bytes). Instagram's user names have 30; hashtags this long are not seen.
NAME_LENGTH = 500


class Base(DeclarativeBase):
    pass


class Profile(Base):
    """An Instagram account as last seen, plus where its sync stands."""

    __tablename__ = "profiles"
    __table_args__ = (Index("ix_profiles_serial", "serial", unique=True),)

    id: Mapped[UserId] = mapped_column(primary_key=True, autoincrement=False)
    username: Mapped[str] = mapped_column(String(30), index=True)
    full_name: Mapped[str] = mapped_column(Text, default="")
    biography: Mapped[str] = mapped_column(Text, default="")
    external_url: Mapped[str | None] = mapped_column(Text)
    is_private: Mapped[bool] = mapped_column(default=False)
    is_verified: Mapped[bool] = mapped_column(default=False)
    is_business: Mapped[bool] = mapped_column(default=False)
    category: Mapped[str | None] = mapped_column(Text)
    followers: Mapped[Count]
    followees: Mapped[Count]
    post_count: Mapped[Count]
    profile_pic_url: Mapped[str | None] = mapped_column(Text)
    profile_pic_key: Mapped[str | None] = mapped_column(
        Text
    )  # file name part of the URL: changes with the picture
    profile_pic_file: Mapped[str | None] = mapped_column(Text)  # relative to the media root
    profile_pic_changed_at: Mapped[MaybeWhen]
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Whether the dashboard's syncs of the account read its comments too (the sidebar remembers it).
    sync_comments: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Grows in the transaction of every write that changes what the pages show of the account (its
    # profile, posts, files, snapshots and sync runs), whichever process writes: readers key their
    # caches on it (``scraper.store.writes.touch``).
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # The stored posts not deleted, moved by the write that adds, deletes or brings back posts, in its
    # transaction (``scraper.store.writes.touch`` with ``live_posts``): lists of accounts read it.
    posts_stored: Mapped[int] = mapped_column(default=0, server_default="0")
    # The account's number in this archive (1, 2, ...), given when it is first stored: part of the
    # search keys of its texts (``scraper.store.search_keys``). NULL only before migration 0012 ends.
    serial: Mapped[int | None] = mapped_column(Integer)
    # Sync bookkeeping: the newest post time up to which every older post (back to the end of the
    # timeline, or to the backfill cursor) is stored, and instaloader's frozen iterator where an
    # unfinished walk through older posts stopped.
    complete_until: Mapped[MaybeWhen]
    history_complete: Mapped[bool] = mapped_column(default=False)
    backfill_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    first_seen_at: Mapped[When] = mapped_column(default=utcnow)
    updated_at: Mapped[When] = mapped_column(default=utcnow)
    last_synced_at: Mapped[MaybeWhen]

    posts: Mapped[list[Post]] = relationship(back_populates="profile")


class ProfileSnapshot(Base):
    """The counts of a profile at one sync, for follower-growth charts."""

    __tablename__ = "profile_snapshots"
    __table_args__ = (UniqueConstraint("profile_id", "sync_run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[UserId] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    sync_run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id", ondelete="SET NULL"))
    taken_at: Mapped[When]
    followers: Mapped[Count]
    followees: Mapped[Count]
    post_count: Mapped[Count]


class Post(Base):
    """One post, with its counts as last seen."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_profile_taken", "profile_id", "taken_at"),
        Index("ix_posts_search_key", "search_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shortcode: Mapped[str] = mapped_column(String(32), unique=True)
    media_id: Mapped[UserId]
    profile_id: Mapped[UserId] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    taken_at: Mapped[When]
    type: Mapped[str] = mapped_column(String(8))  # one of POST_TYPES: image | video | carousel
    caption: Mapped[str | None] = mapped_column(Text)
    hashtags: Mapped[StrList]
    mentions: Mapped[StrList]
    tagged_users: Mapped[StrList]
    location_id: Mapped[int | None] = mapped_column(BigInteger)
    location_name: Mapped[str | None] = mapped_column(Text)
    location_lat: Mapped[float | None]
    location_lng: Mapped[float | None]
    likes: Mapped[Count]
    comments: Mapped[Count]
    video_views: Mapped[Count]
    video_plays: Mapped[Count]
    video_duration: Mapped[float | None]
    is_pinned: Mapped[bool] = mapped_column(default=False)
    accessibility_caption: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    first_seen_at: Mapped[When] = mapped_column(default=utcnow)
    last_seen_at: Mapped[When] = mapped_column(default=utcnow)
    deleted_at: Mapped[MaybeWhen]
    # Comments: whether they are turned off, and the comment count when they were last read to the
    # end (a post whose count moved since is read again); where a read cut short by --max-comments
    # stopped.
    comments_disabled: Mapped[bool | None]
    comments_read_count: Mapped[Count]
    comments_read_at: Mapped[MaybeWhen]
    comments_cursor: Mapped[str | None] = mapped_column(Text)
    # The caption's place in searches, newest first (``scraper.store.search_keys``): set on insert, and
    # required there (migration 0012), though the column allows NULL as SQLite had to add it.
    search_key: Mapped[int | None] = mapped_column(BigInteger)

    profile: Mapped[Profile] = relationship(back_populates="posts")
    media: Mapped[list[MediaItem]] = relationship(
        back_populates="post", order_by="MediaItem.position", cascade="all, delete-orphan"
    )
    caption_history: Mapped[list[CaptionVersion]] = relationship(
        order_by="CaptionVersion.replaced_at", cascade="all, delete-orphan"
    )


class PostName(Base):
    """One name a post lists, once per post: a hashtag of its caption (``kind`` "hashtag"), an account
    it mentions ("mention") or tags ("tag"), with the post's account and month ("YYYY-MM", UTC). The
    store writes them with the post (``scraper.store.names``) beside its JSON lists, which stay the
    post's own record: a group's lists are counted from ``ix_post_names_profile`` alone, not by
    parsing the JSON of each of its posts. SQLite keeps the rows in their key (no rowid)."""

    __tablename__ = "post_names"
    __table_args__ = (
        # In the order new posts come (an account's months), so that a sync's names land together, not
        # scattered by name across the index (SQLite: 20,000 posts stored 35 % slower). Covering:
        # SQLite's holds the key (post_id, kind, name) of a table without rowid; PostgreSQL's includes
        # kind and name, so a group's names are read from the index alone.
        Index("ix_post_names_profile", "profile_id", "month", postgresql_include=["kind", "name"]),
        {"sqlite_with_rowid": False},
    )

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    profile_id: Mapped[UserId]
    month: Mapped[str] = mapped_column(String(7))


class CaptionVersion(Base):
    """An earlier caption of a post, kept when a sync saw the caption change."""

    __tablename__ = "caption_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    caption: Mapped[str | None] = mapped_column(Text)
    replaced_at: Mapped[When]


class MediaItem(Base):
    """One image or video of a post (each carousel child), with its files under the media root."""

    __tablename__ = "media_items"
    __table_args__ = (UniqueConstraint("post_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    position: Mapped[int]
    is_video: Mapped[bool] = mapped_column(default=False)
    image_url: Mapped[str | None] = mapped_column(Text)
    video_url: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int | None]
    height: Mapped[int | None]
    accessibility_caption: Mapped[str | None] = mapped_column(Text)
    file: Mapped[str | None] = mapped_column(Text)  # image (or video thumbnail), relative to the media root
    thumb: Mapped[str | None] = mapped_column(Text)  # about 320 px JPEG for galleries
    video_file: Mapped[str | None] = mapped_column(Text)
    # pHash of the picture in ``file`` (16 hex digits, ``scraper.store.hashes``): NULL not hashed
    # yet, "" none to be had (a plain picture, or a file that could not be read).
    phash: Mapped[str | None] = mapped_column(String(16))

    post: Mapped[Post] = relationship(back_populates="media")


class Comment(Base):
    """A comment on a post, or a reply to one. Commenters are people, not stored accounts: their id
    and user name are columns here. A comment gone from Instagram keeps its row, with ``deleted_at``."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post", "post_id", "created_at"),
        Index("ix_comments_profile_created", "profile_id", "created_at"),
        Index("ix_comments_search_key", "search_key", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Instagram's
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    profile_id: Mapped[UserId] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(BigInteger, index=True)  # None: a top-level comment
    owner_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    owner_username: Mapped[str | None] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[When]
    likes: Mapped[Count]
    first_seen_at: Mapped[When] = mapped_column(default=utcnow)
    last_seen_at: Mapped[When] = mapped_column(default=utcnow)
    deleted_at: Mapped[MaybeWhen]
    # The comment's place in searches, newest first (``scraper.store.search_keys``): set on insert, and
    # required there (migration 0012).
    search_key: Mapped[int | None] = mapped_column(BigInteger)


class PostMetrics(Base):
    """A post's counts as seen at one sync, for growth curves."""

    __tablename__ = "post_metrics"
    __table_args__ = (UniqueConstraint("post_id", "sync_run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    sync_run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id", ondelete="SET NULL"))
    taken_at: Mapped[When]
    likes: Mapped[Count]
    comments: Mapped[Count]
    views: Mapped[Count]


class SyncRun(Base):
    """One sync of one account: when, how it ended, and what it cost."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30), index=True)
    profile_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    started_at: Mapped[When] = mapped_column(default=utcnow)
    finished_at: Mapped[MaybeWhen]
    status: Mapped[str] = mapped_column(String(16), default=SyncStatus.RUNNING)  # a SyncStatus's value
    error: Mapped[str | None] = mapped_column(Text)  # the short message shown to the user
    error_code: Mapped[int | None]
    api_requests: Mapped[int] = mapped_column(default=0)
    posts_new: Mapped[int] = mapped_column(default=0)
    posts_updated: Mapped[int] = mapped_column(default=0)
    media_downloaded: Mapped[int] = mapped_column(default=0)
    comments_new: Mapped[int] = mapped_column(default=0, server_default="0")
    source: Mapped[str] = mapped_column(String(16), default="instagram")  # instagram | archive | demo


class SyncLock(Base):
    """Who is syncing an account right now; a row left by a dead process is taken over."""

    __tablename__ = "sync_locks"

    username: Mapped[str] = mapped_column(String(30), primary_key=True)
    owner: Mapped[str] = mapped_column(Text)  # host:pid:token
    acquired_at: Mapped[When]
    heartbeat_at: Mapped[When]


class WatchedAccount(Base):
    """An account on the watch list: synced again whenever ``every_minutes`` have passed since its
    last sync was started (by ``python -m scraper watch run`` or Celery beat)."""

    __tablename__ = "watched_accounts"

    username: Mapped[str] = mapped_column(String(30), primary_key=True)
    every_minutes: Mapped[int] = mapped_column(default=360)
    comments: Mapped[bool] = mapped_column(default=False, server_default=false())  # sync comments too
    added_at: Mapped[When] = mapped_column(default=utcnow)
    queued_at: Mapped[MaybeWhen]  # when the schedule last started or queued its sync


class Group(Base):
    """A named set of stored accounts looked at together (a town's council, clubs, festivals...)."""

    __tablename__ = "groups"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[When] = mapped_column(default=utcnow)
    members: Mapped[list[GroupMember]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class GroupMember(Base):
    """An account of a group, by its profile (so a renamed account stays in its groups)."""

    __tablename__ = "group_members"

    group_name: Mapped[str] = mapped_column(ForeignKey("groups.name", ondelete="CASCADE"), primary_key=True)
    profile_id: Mapped[UserId] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[When] = mapped_column(default=utcnow)


class Change(Base):
    """Something a sync saw change on an account since the sync before (``scraper.store.changes``):
    its profile, a post deleted or edited, a comment deleted. Recorded in the transaction of the write
    that revealed it, so a sync killed and run again neither loses nor repeats one."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_profile_detected", "profile_id", "detected_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[UserId] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    sync_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("sync_runs.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # one of scraper.store.changes.KINDS
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    shortcode: Mapped[str | None] = mapped_column(String(32))  # the post deleted or edited
    comment_id: Mapped[int | None] = mapped_column(BigInteger)  # the comment deleted
    detected_at: Mapped[When]


class ScheduledTask(Base):
    """When a periodic chore (the media cleanup) last ran."""

    __tablename__ = "scheduled_tasks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[When]


# A key for PostgreSQL's advisory lock taken while a new account gets its serial, so that two syncs
# storing new accounts at once do not both take the next number (any constant, the same everywhere).
SERIAL_LOCK = 0x5E_41A1


@event.listens_for(Profile, "before_insert")
def _number_new_account(_mapper: Mapper[Profile], connection: Connection, target: Profile) -> None:
    """A new account's serial: the next number, computed in its INSERT."""
    if target.serial is None:
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(SERIAL_LOCK)))
        target.serial = search_keys.next_serial()  # SQL, run by the INSERT


@event.listens_for(Post, "before_insert")
@event.listens_for(Comment, "before_insert")
def _key_new_text(_mapper: Mapper[Any], connection: Connection, target: Post | Comment) -> None:
    """A search key for a post or comment inserted one at a time, from the same rule as the store's
    bulk inserts (``search_keys.fill``), which give their own."""
    if target.search_key is None:
        when, _, hints = search_keys.TEXTS[target.__tablename__]
        row = {name: getattr(target, name) for name in ("profile_id", when, *hints)}
        search_keys.fill(connection, target.__tablename__, [row])
        target.search_key = row["search_key"]
