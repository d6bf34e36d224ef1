"""Syncing accounts through instaloader over replayed Instagram answers."""

from __future__ import annotations

import threading
from collections import Counter

import requests
from PIL import Image
from sqlalchemy import func, select

from scraper.archive import Archive
from scraper.replay import InstagramReplay, add_new_posts, build_account, change_profile_pic, delete_post
from scraper.store.models import MediaItem, Post, PostMetrics, Profile, ProfileSnapshot, SyncRun
from scraper.sync import SyncOptions
from tests.helpers import Syncer, stored_count


def post_queries(replay: InstagramReplay) -> Counter[str]:
    """How often each shortcode was asked for."""
    return Counter(
        c.variables["shortcode"] for c in replay.calls if c.kind == "post" and c.variables is not None
    )


def test_first_sync_stores_everything(replay: InstagramReplay, sync: Syncer, archive: Archive) -> None:
    account = build_account("ermua.kultura", 30, seed=3)
    replay.add_account(account)

    result = sync("ermua.kultura")

    assert result.error is None and result.status == "ok"
    assert (result.new, result.updated) == (30, 0)
    assert result.api_requests == replay.api_requests
    with archive.sessions() as session:
        profile = session.scalars(select(Profile)).one()
        assert (profile.id, profile.full_name, profile.followers) == (
            account.user_id,
            account.full_name,
            account.followers,
        )
        assert profile.history_complete and profile.backfill_state is None
        posts = {p.shortcode: p for p in session.scalars(select(Post))}
        assert set(posts) == {p.shortcode for p in account.posts}
        for fake in account.posts:
            post = posts[fake.shortcode]
            assert post.type == fake.kind
            assert post.caption == fake.caption
            assert (post.likes, post.comments) == (fake.likes, fake.comments)
            assert post.taken_at == fake.date_utc
            assert len(post.media) == len(fake.media)
            assert post.video_views == (fake.views if fake.kind == "video" else None)
            assert post.hashtags == fake.hashtags
            assert post.tagged_users == fake.tagged_users
        assert Counter(p.type for p in posts.values()).keys() == {"image", "video", "carousel"}
        items = list(session.scalars(select(MediaItem)))
        assert all(item.file and item.thumb for item in items)
        for item in items:
            with Image.open(archive.settings.media_dir / item.thumb) as thumb:
                assert max(thumb.size) <= 320
            assert (archive.settings.media_dir / item.file).is_file()
        assert profile.profile_pic_file and (archive.settings.media_dir / profile.profile_pic_file).is_file()
        assert session.scalar(select(func.count()).select_from(PostMetrics)) == 30
        assert session.scalar(select(func.count()).select_from(ProfileSnapshot)) == 1
        run = session.scalars(select(SyncRun)).one()
        assert (run.status, run.posts_new, run.api_requests) == ("ok", 30, replay.api_requests)
    # One profile page, one start page, one query per post and the timeline pages after the first.
    assert replay.count("profile_page") == 1 and replay.count("start_page") == 1
    assert replay.count("post") == 30 and replay.count("timeline") == 2
    assert max(post_queries(replay).values()) == 1


def test_sync_twice_changes_nothing_and_costs_one_request(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    replay.add_account(build_account("ermua.kultura", 30))
    sync("ermua.kultura")
    files = sorted(p.name for p in archive.settings.media_dir.rglob("*") if p.is_file())
    replay.reset_calls()

    result = sync("ermua.kultura")

    assert (result.new, result.error) == (0, None)
    assert replay.api_requests == 1  # the profile page: it lists the newest posts, all stored
    assert replay.count("cdn") == 0 and replay.count("profile_pic") == 0
    assert stored_count(archive) == 30
    assert sorted(p.name for p in archive.settings.media_dir.rglob("*") if p.is_file()) == files
    with archive.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProfileSnapshot)) == 2


def test_incremental_sync_fetches_only_new_posts_past_pinned_ones(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    account = build_account("ermua.kultura", 30, pinned=2)
    replay.add_account(account)
    sync("ermua.kultura")
    new = add_new_posts(account, 5)
    replay.reset_calls()

    result = sync("ermua.kultura")

    assert (result.new, result.error) == (5, None)
    assert set(post_queries(replay)) == {p.shortcode for p in new}
    assert replay.api_requests == 1 + 1 + 5  # profile page, start page, five posts
    assert stored_count(archive) == 35


def test_interrupted_sync_resumes_without_asking_again(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    account = build_account("ermua.kultura", 40)
    replay.add_account(account)
    replay.fail("post", exception=requests.ConnectionError("connection reset"), after=17, times=None)

    first = sync("ermua.kultura")

    assert first.error is not None and first.exit_code == 6
    assert stored_count(archive) == 17  # what was fetched before the failure is kept
    with archive.sessions() as session:
        stored_first = set(session.scalars(select(Post.shortcode)))
    replay.clear_faults()
    replay.reset_calls()

    second = sync("ermua.kultura")

    assert second.error is None and stored_count(archive) == 40
    asked_after = post_queries(replay)
    assert not stored_first & set(asked_after), "a post stored by the first run was asked for again"
    assert sum(asked_after.values()) == 40 - 17
    assert replay.count("timeline") <= 2  # pages already walked are not asked again
    with archive.sessions() as session:
        assert session.scalar(select(func.count(func.distinct(Post.shortcode)))) == 40
        statuses = [r.status for r in session.scalars(select(SyncRun).order_by(SyncRun.id))]
        assert statuses == ["failed", "ok"]


def test_cancelled_sync_stops_and_the_next_run_finishes(
    replay: InstagramReplay, archive: Archive, sync: Syncer
) -> None:
    replay.add_account(build_account("ermua.kultura", 30))
    cancel = threading.Event()

    def stop_after_ten(progress: object) -> None:
        if getattr(progress, "done", 0) >= 10:
            cancel.set()

    result = archive.sync(
        "ermua.kultura", on_progress=stop_after_ten, cancel=cancel, loader_factory=sync.factory
    )

    assert result.status == "interrupted" and result.exit_code == 130
    assert stored_count(archive) == 10
    replay.reset_calls()
    assert sync("ermua.kultura").error is None
    assert stored_count(archive) == 30
    assert replay.count("post") == 20


def test_new_posts_left_by_an_interrupted_incremental_sync_are_filled(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    account = build_account("ermua.kultura", 30)
    replay.add_account(account)
    sync("ermua.kultura")
    new = add_new_posts(account, 10)
    replay.fail("post", status=500, after=4, times=None)
    assert sync("ermua.kultura").exit_code == 6
    assert stored_count(archive) == 34
    replay.clear_faults()
    replay.reset_calls()

    assert sync("ermua.kultura").error is None

    assert stored_count(archive) == 40
    assert set(post_queries(replay)) == {p.shortcode for p in new[4:]}


def test_max_posts_then_a_later_sync_fills_the_older_posts(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    account = build_account("ermua.kultura", 40)
    replay.add_account(account)

    assert sync("ermua.kultura", max_posts=10).new == 10
    with archive.sessions() as session:
        profile = session.scalars(select(Profile)).one()
        assert not profile.history_complete and profile.backfill_state is not None
    add_new_posts(account, 3)
    replay.reset_calls()

    result = sync("ermua.kultura")

    assert result.new == 33 and stored_count(archive) == 43
    assert replay.count("post") == 33
    with archive.sessions() as session:
        assert session.scalars(select(Profile)).one().history_complete


def test_since_skips_older_posts(replay: InstagramReplay, sync: Syncer, archive: Archive) -> None:
    account = build_account("ermua.kultura", 30)
    replay.add_account(account)
    cutoff = account.posts[9].date_utc

    sync("ermua.kultura", since=cutoff)

    with archive.sessions() as session:
        dates = list(session.scalars(select(Post.taken_at)))
    assert len(dates) == 10 and min(dates) >= cutoff


def test_full_sync_marks_deleted_posts(replay: InstagramReplay, sync: Syncer, archive: Archive) -> None:
    account = build_account("ermua.kultura", 20)
    replay.add_account(account)
    sync("ermua.kultura")
    gone = delete_post(account, account.posts[5].shortcode)

    sync("ermua.kultura", full=True)

    with archive.sessions() as session:
        deleted = list(session.scalars(select(Post.shortcode).where(Post.deleted_at.is_not(None))))
    assert deleted == [gone.shortcode]
    assert stored_count(archive) == 20  # kept, only marked


def test_refresh_recent_keeps_the_earlier_caption(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    account = build_account("ermua.kultura", 20)
    replay.add_account(account)
    sync("ermua.kultura")
    first = account.posts[0]
    before = first.caption
    first.caption = "Caption corregido #ermua"
    first.likes += 7

    sync("ermua.kultura", refresh_recent=3)

    with archive.sessions() as session:
        post = session.scalars(select(Post).where(Post.shortcode == first.shortcode)).one()
        assert post.caption == "Caption corregido #ermua" and post.likes == first.likes
        assert [v.caption for v in post.caption_history] == [before]
        metrics = session.scalars(select(PostMetrics.likes).where(PostMetrics.post_id == post.id)).all()
        assert sorted(metrics) == sorted([first.likes - 7, first.likes])


def test_profile_picture_downloaded_again_only_when_changed(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    account = build_account("ermua.kultura", 5)
    replay.add_account(account)
    sync("ermua.kultura")
    replay.reset_calls()
    sync("ermua.kultura")
    assert replay.count("profile_pic") == 0

    change_profile_pic(account)
    sync("ermua.kultura")

    assert replay.count("profile_pic") == 1
    with archive.sessions() as session:
        profile = session.scalars(select(Profile)).one()
        assert profile.profile_pic_changed_at is not None
        assert (archive.settings.media_dir / profile.profile_pic_file).is_file()
    pictures = list(archive.settings.media_dir.glob("ermua.kultura/profile_pic_*"))
    assert len(pictures) == 2  # the old one stays until cleanup


def test_logged_in_sync_uses_timeline_pages(
    replay: InstagramReplay, sync: Syncer, archive: Archive, tmp_path: object
) -> None:
    from scraper.instagram.login import Login, login

    replay.add_account(build_account("ermua.kultura", 30))
    path = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    replay.reset_calls()

    result = sync("ermua.kultura", login=Login("researcher", path))

    assert result.error is None and result.new == 30
    assert replay.count("post") == 0 and replay.count("timeline_logged_in") == 3
    assert replay.api_requests <= 6


def test_videos_downloaded_with_option(replay: InstagramReplay, sync: Syncer, archive: Archive) -> None:
    account = build_account("ermua.kultura", 10)
    replay.add_account(account)

    sync("ermua.kultura", videos=True)

    with archive.sessions() as session:
        videos = list(session.scalars(select(MediaItem).where(MediaItem.is_video)))
    assert videos and all(v.video_file and v.video_file.endswith(".mp4") for v in videos)


def test_sync_options_are_immutable() -> None:
    options = SyncOptions(max_posts=3)
    assert options.max_posts == 3
