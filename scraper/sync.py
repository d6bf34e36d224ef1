"""Syncing one account: profile, posts page by page, and media, resumable at every page.

The walk goes through the timeline from the newest post. Posts already stored cost no request;
new ones are fetched and committed a page at a time, together with the point to resume from.
Where the walk reaches the stored part of the account it either stops (the history is complete:
an incremental sync) or jumps to where an earlier, unfinished walk stopped (instaloader's frozen
iterator), so an interrupted sync continues without asking again for what is stored.

Invariant kept in ``Profile``: every non-pinned post from ``complete_until`` back to the end of the
timeline (``history_complete``) or to the position in ``backfill_state`` is stored.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

import instaloader
from instaloader import FrozenNodeIterator, NodeIterator, Post
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from scraper.config import Settings, normalize_username
from scraper.errors import DiskFull, ExitCode, Interrupted, LoginNeeded, ScraperError, SyncBusy, classify
from scraper.instagram import comments, fetch
from scraper.records import PostRecord, SyncStatus
from scraper.store import changes as changes_store
from scraper.store import comments as comments_store
from scraper.store import writes
from scraper.store.media import DISK_FULL, MediaDownloader, MediaJob, MediaResult
from scraper.store.models import MediaItem, Profile, SyncRun, utcnow

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 60.0

# How far back an incremental sync with comments refreshes the counts of stored posts: comments
# mostly come in the first weeks. Older posts are refreshed by --full or --comments-days.
COMMENTS_DAYS = 30

# What the CDN answers for a URL whose signature expired (Instagram's media URLs carry an expiry).
EXPIRED = "http 403"


@dataclass(frozen=True)
class SyncOptions:
    """What to fetch. ``max_posts`` bounds the posts fetched in this run; ``since`` the oldest date."""

    max_posts: int | None = None
    since: datetime | None = None
    videos: bool = False
    refresh_recent: int = 0
    full: bool = False
    media: bool = True
    # Comments (logged in only): read those of new posts and of posts whose comment count moved.
    # The walk refreshes the counts of stored posts taken in the last ``comments_days`` days (free,
    # logged in: they are on the timeline pages walked); ``refresh_comments`` reads every post's again.
    comments: bool = False
    max_comments: int | None = None  # per post and run; the rest is read by later syncs
    refresh_comments: bool = False
    comments_days: int = COMMENTS_DAYS
    # How much the follower count must move (percent, since the last change recorded) to be a change.
    follower_threshold: float = changes_store.FOLLOWER_THRESHOLD


class SyncPhase(StrEnum):
    """The part of its work a sync is in (the values are what the job board stores)."""

    PROFILE = "profile"
    POSTS = "posts"
    MEDIA = "media"
    COMMENTS = "comments"
    DONE = "done"


@dataclass
class Progress:
    """Where a running sync stands, for progress bars."""

    username: str
    phase: SyncPhase = SyncPhase.PROFILE
    done: int = 0
    total: int | None = None
    media_done: int = 0
    media_total: int = 0
    wait_seconds: float = 0.0
    wait_until: datetime | None = None


@dataclass
class SyncResult:
    """How a sync ended and what it cost."""

    username: str
    run_id: int | None = None
    status: SyncStatus = SyncStatus.RUNNING
    new: int = 0
    updated: int = 0
    skipped: int = 0
    media_downloaded: int = 0
    media_failed: int = 0
    comments_new: int = 0
    comments_updated: int = 0
    comments_deleted: int = 0
    api_requests: int = 0
    seconds: float = 0.0
    stop_reason: str = ""
    error: ScraperError | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return self.error.exit_code if self.error else ExitCode.OK


ProgressCallback = Callable[[Progress], None]
# Called as fetch.make_loader is, with the sync's settings (where the rate budget is, whether waits are slept).
LoaderFactory = Callable[..., instaloader.Instaloader]


class AccountSync:
    """One sync of one account. Use ``run()``; it never raises for Instagram's failures."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        username: str,
        options: SyncOptions = SyncOptions(),
        *,
        loader_factory: LoaderFactory = fetch.make_loader,
        session_file: Any = None,
        session_user: str | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        is_demo: bool = False,
        media_workers: int = 8,
    ) -> None:
        self.username = normalize_username(username)  # bad input fails before any request
        self.sessions = sessions
        self.settings = settings
        self.options = options
        self.cancel = cancel or threading.Event()
        self.progress = Progress(self.username)
        self.result = SyncResult(self.username)
        self._on_progress = on_progress
        self._is_demo = is_demo
        self._media_workers = media_workers
        self.loader = loader_factory(
            settings=settings,
            on_wait=self._on_wait,
            cancel=self.cancel,
            session_file=session_file,
            session_user=session_user,
        )
        self.ctx = fetch.context_of(self.loader)

    # Reporting

    def _report(self, **changes: Any) -> None:
        for key, value in changes.items():
            setattr(self.progress, key, value)
        if self._on_progress is not None:
            self._on_progress(self.progress)

    def _on_wait(self, seconds: float) -> None:
        until = utcnow() + timedelta(seconds=seconds) if seconds else None
        self._report(wait_seconds=seconds, wait_until=until)

    # The run

    def run(self) -> SyncResult:
        """Sync the account; failures end up in ``result.error`` and in the sync run's row."""
        started = time.monotonic()
        owner = writes.lock_owner()
        try:
            with self.sessions() as session:
                writes.acquire_lock(session, self.username, owner)
        except SyncBusy as busy:
            log.info("sync of %s refused: another sync holds its lock", self.username)
            self.result.status, self.result.error = SyncStatus.REFUSED, busy
            return self.result
        alive = self._keep_lock_alive(owner)
        try:
            with self.sessions() as session:
                run = SyncRun(username=self.username, source="demo" if self._is_demo else "instagram")
                session.add(run)
                writes.touch(session, username=self.username)  # the accounts page shows the run
                session.commit()
                self.result.run_id = run.id
            try:
                self._sync(owner)
                self.result.status = SyncStatus.OK
                log.info(
                    "sync of %s done: %d new, %d updated, %d files, %d files not downloaded%s",
                    self.username,
                    self.result.new,
                    self.result.updated,
                    self.result.media_downloaded,
                    self.result.media_failed,
                    "".join(f"\n  {failure}" for failure in self.result.failures[:20]),
                )
            except BaseException as exc:  # every failure is recorded, then mapped
                self.result.error = classify(exc, self.username)
                interrupted = self.result.error.exit_code == ExitCode.INTERRUPTED
                self.result.status = SyncStatus.INTERRUPTED if interrupted else SyncStatus.FAILED
                log.log(
                    logging.INFO if interrupted else logging.ERROR,
                    "sync of %s stopped: %s",
                    self.username,
                    self.result.error.message(),
                    exc_info=not interrupted,
                )
                if not isinstance(exc, Exception | KeyboardInterrupt):
                    raise
            finally:
                self.result.seconds = time.monotonic() - started
                self.result.api_requests = self.ctx.rate.requests
                self._finish_run()
        finally:
            alive.set()
            with self.sessions() as session:
                writes.release_lock(session, self.username, owner)
        self._report(phase=SyncPhase.DONE)
        return self.result

    def _keep_lock_alive(self, owner: str) -> threading.Event:
        """Refresh the lock's heartbeat every minute until the returned event is set: a rate-limit
        wait can last longer than the time after which another machine takes a silent lock over."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(HEARTBEAT_SECONDS):
                try:
                    with self.sessions() as session:
                        writes.heartbeat(session, self.username, owner)
                        session.commit()
                except Exception:
                    log.warning("heartbeat of the %s lock failed", self.username, exc_info=True)

        threading.Thread(target=beat, name=f"lock-{self.username}", daemon=True).start()
        return stop

    def _finish_run(self) -> None:
        with self.sessions() as session:
            run = session.get(SyncRun, self.result.run_id)
            assert run is not None
            run.finished_at = utcnow()
            run.status = self.result.status
            run.api_requests = self.result.api_requests
            run.posts_new = self.result.new
            run.posts_updated = self.result.updated
            run.media_downloaded = self.result.media_downloaded
            run.comments_new = self.result.comments_new
            if self.result.error is not None:
                run.error = self.result.error.message()
                run.error_code = self.result.error.exit_code
            if self.result.status == SyncStatus.OK and run.profile_id is not None:
                profile = session.get(Profile, run.profile_id)
                if profile is not None:
                    profile.last_synced_at = run.finished_at
            writes.touch(session, username=self.username)  # its status shows on the accounts page
            session.commit()

    def _sync(self, owner: str) -> None:
        if self.options.comments and not self.ctx.is_logged_in:
            raise LoginNeeded("error.comments_login", user=self.username)  # before any request
        self._report(phase=SyncPhase.PROFILE)
        profile = self._instagram_profile()
        record = fetch.profile_record(profile)
        with self.sessions() as session:
            row = writes.upsert_profile(
                session,
                record,
                run_id=self.result.run_id,
                is_demo=self._is_demo,
                follower_threshold=self.options.follower_threshold,
            )
            if self.options.comments:
                row.sync_comments = True  # the sidebar offers comments for this account from now on
            run = session.get(SyncRun, self.result.run_id)
            assert run is not None
            run.profile_id = row.id
            session.commit()
        self.profile_id = record.user_id
        self.downloader = MediaDownloader(
            self.settings.media_dir,
            self.ctx.get_raw,
            workers=self._media_workers,
            # A loader that makes no pauses (SCRAPER_NO_WAIT, or tests: Instagram replayed) needs no
            # back-off between retries either.
            sleep=time.sleep if self.ctx.sleep else (lambda _seconds: None),
        )
        if self.options.media:
            self._profile_picture()
            # Files that an earlier, interrupted run did not get.
            with self.sessions() as session:
                leftovers = writes.media_missing_files(session, self.profile_id, videos=self.options.videos)
            self._download(leftovers, refresh_expired=True)
        if record.is_private and not self.ctx.is_logged_in:
            raise LoginNeeded("error.private", user=self.username)
        self._walk(profile, record.post_count)
        if self.options.comments:
            self._comments()

    def _instagram_profile(self) -> instaloader.Profile:
        """The account's profile. A user name Instagram no longer knows, of an account the archive holds,
        is followed by its user id, as instaloader follows renamed profiles (logged in: Instagram
        answers that query only then); the store then records the new name as a change, and the watch
        list takes it."""
        try:
            return instaloader.Profile.from_username(self.ctx, self.username)
        except instaloader.ProfileNotExistsException:
            with self.sessions() as session:
                row = writes.profile_by_username(session, self.username)
                known = row.id if row is not None else None
            if known is None:
                raise
            try:
                profile = instaloader.Profile.from_id(self.ctx, known)
            except (
                instaloader.ProfileNotExistsException,
                instaloader.LoginRequiredException,
                instaloader.QueryReturnedNotFoundException,
                instaloader.QueryReturnedBadRequestException,
            ) as err:  # anything else (a rate limit, a network failure) is what it is
                log.info("%s: not found by user id %d either (%s)", self.username, known, type(err).__name__)
                raise instaloader.ProfileNotExistsException(self.username) from None
            log.info("%s is now called %s (user id %d)", self.username, profile.username, known)
            with self.sessions() as session:
                writes.follow_rename(session, self.username, profile.username)
                session.commit()
            return profile

    # Profile picture: downloaded again only when its URL names another file.

    def _profile_picture(self) -> None:
        with self.sessions() as session:
            row = session.get(Profile, self.profile_id)
            assert row is not None
            key = writes.picture_key(row.profile_pic_url)
            on_disk = row.profile_pic_file and (self.settings.media_dir / row.profile_pic_file).is_file()
            if not row.profile_pic_url or not key or (key == row.profile_pic_key and on_disk):
                return
            stem = PurePosixPath(key).stem[:80]
            job = MediaJob(row.profile_pic_url, f"{self.username}/profile_pic_{stem}", "profile_pic")
        result = self.downloader.download(job)
        if result.error == DISK_FULL:
            raise DiskFull()
        if result.error:
            self.result.failures.append(f"profile picture: {result.error}")
            log.warning("profile picture of %s not saved: %s", self.username, result.error)
            return
        with self.sessions() as session:
            row = session.get(Profile, self.profile_id)
            assert row is not None
            if row.profile_pic_key != key:
                row.profile_pic_changed_at = utcnow()
            row.profile_pic_key = key
            row.profile_pic_file = result.file
            writes.touch(session, self.profile_id)
            session.commit()

    # Posts

    def _walk(self, profile: instaloader.Profile, post_count: int | None) -> None:
        opts = self.options
        with self.sessions() as session:
            row = session.get(Profile, self.profile_id)
            assert row is not None
            known = writes.known_posts(session, self.profile_id)
            boundary = None if opts.full else row.complete_until
            history_complete = row.history_complete
            saved_state = row.backfill_state
        estimate = max((post_count or 0) - len(known), 0)
        if opts.max_posts is not None:
            estimate = min(estimate, opts.max_posts)
        self._report(phase=SyncPhase.POSTS, done=0, total=estimate or None)

        walk = _Walk(iterator=fetch.timeline(profile), boundary=boundary)
        seen: set[str] = set()
        position = 0
        end_reached = False
        try:
            while True:
                if self.cancel.is_set():
                    raise Interrupted()
                try:
                    post = next(walk.iterator)
                except StopIteration:
                    end_reached = True
                    break
                position += 1
                if walk.page != fetch.page_of(walk.iterator):
                    self._flush(walk, keep_item=True)
                    walk.page = fetch.page_of(walk.iterator)
                seen.add(post.shortcode)
                stored = known.get(post.shortcode)
                if stored is not None:
                    maybe_pinned = stored.is_pinned or position <= fetch.MAX_PINNED
                    if not maybe_pinned:
                        walk.see(stored.taken_at)
                    if boundary is not None and not maybe_pinned and stored.taken_at <= boundary:
                        walk.contiguous = True
                        if (
                            history_complete
                            and position > opts.refresh_recent
                            and not self._refreshing_counts(stored.taken_at)
                        ):
                            self.result.stop_reason = "caught up"
                            break
                        if saved_state is not None and not walk.jumped:
                            self._flush(walk, keep_item=True)
                            if self._jump(walk, profile, saved_state):
                                position = max(position, fetch.MAX_PINNED + 1)
                                continue
                    if fetch.is_complete(post) or position <= opts.refresh_recent:
                        # Logged in, the page carries the post's counts: refreshing them is free.
                        refreshed = self._fetch_post(post)
                        if refreshed is not None:
                            walk.buffer.append(refreshed)
                    continue
                if opts.max_posts is not None and walk.fetched >= opts.max_posts:
                    self.result.stop_reason = "max posts"
                    break
                record = self._fetch_post(post)
                if record is None:
                    continue
                if opts.since is not None and record.taken_at < opts.since and not record.is_pinned:
                    self.result.stop_reason = "since"
                    break
                walk.buffer.append(record)
                walk.fetched += 1
                if not record.is_pinned:
                    walk.see(record.taken_at)
                self._report(done=walk.fetched, total=max(self.progress.total or 0, walk.fetched) or None)
        except BaseException:
            self._flush(walk, keep_item=True)
            raise
        if end_reached:
            walk.contiguous = True
            self._flush(walk, keep_item=False, history_complete=True)
            if opts.full and not walk.jumped:
                with self.sessions() as session:
                    gone = writes.mark_deleted(session, self.profile_id, seen, run_id=self.result.run_id)
                    session.commit()
                log.info("%s: %d stored posts no longer on Instagram", self.username, gone)
            self.result.stop_reason = self.result.stop_reason or "end of timeline"
        else:
            self._flush(walk, keep_item=True)

    def _refreshing_counts(self, taken_at: datetime) -> bool:
        """Whether the walk goes on past the stored part to refresh this post's counts, so that new
        comments on it are noticed (logged in, at no cost but the pages walked)."""
        opts = self.options
        if not opts.comments or not fetch.counts_on_pages(self.ctx):
            return False
        return taken_at >= utcnow() - timedelta(days=opts.comments_days)

    # Comments

    def _comments(self) -> None:
        """Read and store the comments of the posts whose comments changed, one post a transaction,
        so a sync stopped here goes on with the posts not done yet."""
        with self.sessions() as session:
            targets = comments_store.comment_targets(
                session, self.profile_id, refresh=self.options.refresh_comments
            )
        self._report(phase=SyncPhase.COMMENTS, done=0, total=len(targets) or None)
        for done, target in enumerate(targets, start=1):
            if self.cancel.is_set():
                raise Interrupted()
            restart = self.options.refresh_comments and target.cursor is None
            with self.sessions() as session:
                # --refresh-comments reads every thread again; otherwise a thread holding as many
                # replies as the archive costs no request.
                known = {} if restart else comments_store.replies_stored(session, target.post_id)
            try:
                read = comments.read_comments(
                    self.ctx,
                    target.shortcode,
                    target.media_id,
                    target.count,
                    cursor=None if restart else target.cursor,
                    limit=self.options.max_comments,
                    replies_stored=known,
                )
            except (
                instaloader.QueryReturnedNotFoundException,
                instaloader.QueryReturnedBadRequestException,
            ) as err:
                log.warning("comments of %s skipped: %s", target.shortcode, err)
                self.result.skipped += 1
                continue
            with self.sessions() as session:
                saved = comments_store.save_comments(
                    session,
                    target,
                    self.profile_id,
                    read.comments,
                    complete=read.complete,
                    full=read.full,
                    cursor=read.cursor,
                    now=utcnow(),
                    known_threads=read.known_threads,
                    run_id=self.result.run_id,
                )
                session.commit()
            self.result.comments_new += saved.new
            self.result.comments_updated += saved.updated
            self.result.comments_deleted += saved.deleted
            self._report(done=done)

    def _fetch_post(self, post: Post) -> PostRecord | None:
        """The post's record, fetching it if needed; None for a post that vanished meanwhile or that
        Instagram describes in a way that can't be stored."""
        try:
            # On PostChangedException instaloader has updated the node to the post it was redirected to.
            with contextlib.suppress(instaloader.PostChangedException):
                fetch.ensure_full(post)
            return fetch.post_record(post)
        except instaloader.BadResponseException as err:
            log.warning("post %s skipped: %s", post.shortcode, err)
            self.result.skipped += 1
            return None

    def _jump(self, walk: _Walk, profile: instaloader.Profile, state: dict[str, Any]) -> bool:
        """Continue the walk where an earlier one stopped; False if that point can't be used."""
        walk.jumped = True
        try:
            frozen = FrozenNodeIterator(**state)
            if frozen.best_before is None or datetime.fromtimestamp(frozen.best_before) < datetime.now():
                raise instaloader.InvalidArgumentException("resume point expired")
            resumed = fetch.timeline(profile)
            resumed.thaw(frozen)
        except (instaloader.InvalidArgumentException, TypeError) as err:
            log.info("%s: not resuming from the saved point (%s); walking on", self.username, err)
            return False
        log.info("%s: resuming the walk at post %d", self.username, frozen.total_index + 1)
        walk.iterator = resumed
        walk.page = fetch.page_of(resumed)
        return True

    def _flush(self, walk: _Walk, *, keep_item: bool, history_complete: bool = False) -> None:
        """Commit the buffered posts and the resume point in one transaction, then get their media.

        ``keep_item``: the post the iterator returned last is not stored yet, so a resumed walk must
        return it again (instaloader's freeze() does exactly that).
        """
        with self.sessions() as session:
            saved = writes.save_posts(session, self.profile_id, walk.buffer, run_id=self.result.run_id)
            row = session.get(Profile, self.profile_id)
            assert row is not None
            if walk.contiguous or walk.boundary is None:
                if walk.newest is not None and (
                    row.complete_until is None or walk.newest > row.complete_until
                ):
                    row.complete_until = walk.newest
                if history_complete:
                    row.history_complete = True
                    row.backfill_state = None
                elif walk.tracks_cursor:
                    row.backfill_state = walk.iterator.freeze()._asdict() if keep_item else None
            session.commit()
            self.result.new += len(saved.new_ids)
            self.result.updated += len(saved.updated)
            items: list[MediaItem] = []
            if self.options.media:
                fresh = writes.media_of(session, saved.new_ids)
                items = [m for m in [*fresh, *(m for p in saved.updated for m in p.media)] if self._wants(m)]
        walk.buffer.clear()
        if self.options.media:
            self._download(items)

    # Media

    def _wants(self, item: MediaItem) -> bool:
        return item.file is None or (self.options.videos and item.is_video and item.video_file is None)

    def _download(self, items: list[MediaItem], *, refresh_expired: bool = False) -> None:
        """Fetch the items' missing files. With ``refresh_expired``, items whose stored CDN URL is
        refused (403, as Instagram answers once a URL's signature expired) get their post fetched
        again for fresh URLs, one request each, and are tried once more."""
        jobs: list[MediaJob] = []
        for item in items:
            stem = f"{self.username}/{item.post.shortcode}_{item.position}"
            if item.file is None and item.image_url:
                jobs.append(MediaJob(item.image_url, stem, "image", key=(item.id, "image")))
            if self.options.videos and item.is_video and item.video_file is None and item.video_url:
                jobs.append(MediaJob(item.video_url, stem, "video", key=(item.id, "video")))
        if not jobs:
            return
        self._report(phase=SyncPhase.MEDIA, media_done=0, media_total=len(jobs))
        done: list[MediaResult] = []

        def save(result: MediaResult) -> None:
            done.append(result)
            self._report(media_done=len(done))
            if result.error == DISK_FULL:
                raise DiskFull()  # stops the downloads still to come: they would fail the same way

        def refused(result: MediaResult) -> bool:
            return refresh_expired and result.error == EXPIRED

        try:
            self.downloader.download_all(jobs, on_result=save)
        finally:
            self._save_media([r for r in done if not refused(r)])
        expired = [r for r in done if refused(r)]
        if expired:
            self._download(self._refresh_posts(expired))
        self._report(phase=SyncPhase.POSTS)

    def _refresh_posts(self, expired: list[MediaResult]) -> list[MediaItem]:
        """Fetch again the posts of media whose URLs expired; their items, with fresh URLs. The media
        of a post that is gone meanwhile count as failed."""
        with self.sessions() as session:
            ids = [result.job.key[0] for result in expired if isinstance(result.job.key, tuple)]
            post_of = {
                item.id: item.post.shortcode
                for item in session.scalars(select(MediaItem).where(MediaItem.id.in_(ids)))
            }
        shortcodes = sorted(set(post_of.values()))
        log.info("%s: media URLs refused, fetching posts again: %s", self.username, ", ".join(shortcodes))
        records = [self._fetch_post(Post(self.ctx, {"shortcode": code})) for code in shortcodes]
        found = [record for record in records if record is not None]
        refreshed = {record.shortcode for record in found}
        with self.sessions() as session:
            saved = writes.save_posts(session, self.profile_id, found, run_id=self.result.run_id)
            session.commit()
            self.result.updated += len(saved.updated)
            missing = writes.media_missing_files(session, self.profile_id, videos=self.options.videos)
            items = [item for item in missing if item.post.shortcode in refreshed]
        for result in expired:
            assert isinstance(result.job.key, tuple)
            if post_of.get(result.job.key[0]) not in refreshed:
                self._failed(result)
        return items

    def _save_media(self, results: list[MediaResult]) -> None:
        with self.sessions() as session:
            for result in results:
                assert isinstance(result.job.key, tuple)
                item_id, kind = result.job.key
                if result.error:
                    self._failed(result)
                    continue
                item = session.get(MediaItem, item_id)
                if item is None:
                    continue
                if kind == "video":
                    item.video_file = result.file
                else:
                    item.file, item.thumb = result.file, result.thumb
                    if result.phash is not None:
                        item.phash = result.phash
                if not result.skipped:
                    self.result.media_downloaded += 1
            if session.dirty:
                writes.touch(session, self.profile_id)  # the pages show the files: once per batch
            session.commit()
        if any(r.error == DISK_FULL for r in results):
            raise DiskFull()

    def _failed(self, result: MediaResult) -> None:
        self.result.media_failed += 1
        self.result.failures.append(f"{result.job.dest}: {result.error}")


@dataclass
class _Walk:
    """The moving parts of one walk through the timeline."""

    iterator: NodeIterator[Post]
    boundary: datetime | None
    page: int = 0
    buffer: list[PostRecord] = field(default_factory=list)
    fetched: int = 0
    newest: datetime | None = None
    contiguous: bool = False
    jumped: bool = False

    def __post_init__(self) -> None:
        self.page = fetch.page_of(self.iterator)
        self.contiguous = self.boundary is None

    @property
    def tracks_cursor(self) -> bool:
        """Whether the walk's position is the account's resume point: everything above it is stored
        and nothing further down was stored by an earlier walk that this one has not passed."""
        return self.boundary is None or self.jumped

    def see(self, taken_at: datetime) -> None:
        if self.newest is None or taken_at > self.newest:
            self.newest = taken_at
