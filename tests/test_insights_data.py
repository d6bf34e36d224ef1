"""Posts, profiles, snapshots and metrics as frames, read from real synced archives; the gallery's
filtering, sorting and paging on hand-made frames."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select, text, update

from insights.data import (
    POST_COLUMNS,
    filter_posts,
    metrics_frame,
    page,
    page_count,
    post_detail,
    posts_frame,
    posts_from_rows,
    profile_summary,
    snapshots_frame,
    sort_posts,
)
from scraper.archive import Archive
from scraper.replay import FakeAccount, InstagramReplay, add_new_posts, build_account
from scraper.store import db
from scraper.store.models import CaptionVersion, Post, Profile
from tests.databases import Databases
from tests.helpers import Syncer, replayed, shared_archive


def sync_two_accounts(replay: InstagramReplay, sync: Syncer) -> dict[str, FakeAccount]:
    accounts = {"alpha": build_account("alpha", 30, seed=1), "beta": build_account("beta", 12, seed=2)}
    for name, account in accounts.items():
        replay.add_account(account)
        assert sync(name).error is None
    return accounts


@pytest.fixture
def two_accounts(replay: InstagramReplay, sync: Syncer) -> dict[str, FakeAccount]:
    """Two accounts synced into the test's own archive, for a test that changes it."""
    return sync_two_accounts(replay, sync)


@dataclasses.dataclass(frozen=True)
class Synced:
    archive: Archive
    accounts: dict[str, FakeAccount]


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Synced]:
    """The same two accounts synced once for the module, for the tests that only read them."""
    with shared_archive(databases, tmp_path_factory.mktemp("two_accounts")) as archive:
        with replayed(archive) as (replay, sync):
            accounts = sync_two_accounts(replay, sync)
        yield Synced(archive, accounts)


def test_posts_frame_has_one_row_per_stored_post_with_its_fields(synced: Synced) -> None:
    archive, two_accounts = synced.archive, synced.accounts
    with archive.sessions() as session:
        frame = posts_frame(session)
        profiles = {p.username: p for p in session.scalars(select(Profile))}

    assert list(frame.columns) == POST_COLUMNS
    assert len(frame) == 42 and frame["shortcode"].is_unique
    assert str(frame["taken_at"].dt.tz) == "UTC"
    assert frame["taken_at"].is_monotonic_decreasing
    assert {str(frame[c].dtype) for c in ("likes", "comments", "views", "followers")} == {"Int64"}
    rows = frame.set_index("shortcode")
    for username, account in two_accounts.items():
        for fake in account.posts:
            row = rows.loc[fake.shortcode]
            assert row["username"] == username and row["profile_id"] == account.user_id
            assert row["taken_at"] == pd.Timestamp(fake.date_utc)
            assert row["type"] == fake.kind
            assert row["caption"] == (fake.caption or "")
            assert row["hashtags"] == fake.hashtags and row["mentions"] == fake.mentions
            assert row["tagged_users"] == fake.tagged_users
            assert (row["likes"], row["comments"]) == (fake.likes, fake.comments)
            if fake.kind == "video":
                assert row["views"] == fake.views
            else:
                assert row["views"] is pd.NA
            assert row["media_count"] == len(fake.media)
            assert row["followers"] == account.followers
            assert row["engagement"] == pytest.approx((fake.likes + fake.comments) / account.followers)
            assert not row["deleted"] and not row["caption_edited"] and not row["is_pinned"]
            assert isinstance(row["thumb"], str)
            assert (archive.settings.media_dir / row["thumb"]).is_file()
    assert set(profiles) == {"alpha", "beta"}


def test_posts_frame_picks_accounts_and_handles_an_empty_archive(synced: Synced) -> None:
    with synced.archive.sessions() as session:
        beta = posts_frame(session, ["beta"])
        none = posts_frame(session, [])
        unknown = posts_frame(session, ["nobody"])
    assert set(beta["username"]) == {"beta"} and len(beta) == 12
    for frame in (none, unknown):
        assert frame.empty and list(frame.columns) == POST_COLUMNS
        assert str(frame["taken_at"].dtype) == "datetime64[us, UTC]"


def test_deleted_edited_pinned_and_missing_followers_show_in_the_frame(
    archive: Archive, two_accounts: dict[str, FakeAccount]
) -> None:
    first, second = two_accounts["beta"].posts[:2]
    with archive.sessions() as session:
        ids = {code: post_id for code, post_id in session.execute(select(Post.shortcode, Post.id))}
        session.execute(
            update(Post).where(Post.id == ids[first.shortcode]).values(deleted_at=datetime.now(UTC))
        )
        session.execute(update(Post).where(Post.id == ids[second.shortcode]).values(is_pinned=True))
        for _ in range(2):  # two edits still make one row
            session.add(
                CaptionVersion(post_id=ids[second.shortcode], caption="old", replaced_at=datetime.now(UTC))
            )
        session.execute(update(Profile).where(Profile.username == "beta").values(followers=0))
        session.execute(update(Profile).where(Profile.username == "alpha").values(followers=None))
        session.commit()
        frame = posts_frame(session).set_index("shortcode")
    assert frame.loc[first.shortcode, "deleted"] and not frame.loc[second.shortcode, "deleted"]
    assert frame.loc[second.shortcode, "caption_edited"] and frame.loc[second.shortcode, "is_pinned"]
    assert frame["caption_edited"].sum() == 1 and frame["deleted"].sum() == 1
    assert frame["engagement"].isna().all()
    assert frame.loc[first.shortcode, "followers"] == 0
    assert frame["followers"][frame["username"] == "alpha"].isna().all()


def test_profile_summary(synced: Synced) -> None:
    archive, account = synced.archive, synced.accounts["alpha"]
    with archive.sessions() as session:
        summary = profile_summary(session, "alpha")
        assert profile_summary(session, "nobody") is None
    assert summary is not None
    assert set(summary) == {
        "username", "full_name", "biography", "external_url", "is_private", "is_verified", "is_business",
        "category", "followers", "followees", "post_count", "posts_stored", "profile_pic_file",
        "last_synced_at", "is_demo", "first_post_at", "last_post_at",
    }  # fmt: skip
    assert (summary["username"], summary["full_name"], summary["followers"]) == (
        "alpha",
        account.full_name,
        account.followers,
    )
    assert summary["posts_stored"] == 30 and summary["post_count"] == 30
    assert summary["first_post_at"] == min(p.date_utc for p in account.posts)
    assert summary["last_post_at"] == max(p.date_utc for p in account.posts)
    assert summary["last_synced_at"] is not None and summary["last_synced_at"].tzinfo is not None
    assert (archive.settings.media_dir / summary["profile_pic_file"]).is_file()


def test_snapshots_and_metrics_grow_with_each_sync(
    archive: Archive, replay: InstagramReplay, sync: Syncer, two_accounts: dict[str, FakeAccount]
) -> None:
    new = add_new_posts(two_accounts["alpha"], 2)
    assert sync("alpha", refresh_recent=4, media=False).error is None
    with archive.sessions() as session:
        snapshots = snapshots_frame(session, ["alpha", "beta"])
        metrics = metrics_frame(session, ["alpha"])
        assert snapshots_frame(session, []).empty and metrics_frame(session, ["nobody"]).empty

    assert list(snapshots.columns) == ["username", "taken_at", "followers", "followees", "post_count"]
    assert snapshots.groupby("username").size().to_dict() == {"alpha": 2, "beta": 1}
    assert str(snapshots["taken_at"].dt.tz) == "UTC"
    assert list(metrics.columns) == [
        "post_id", "shortcode", "username", "post_taken_at", "taken_at", "likes", "comments", "views",
    ]  # fmt: skip
    assert set(metrics["username"]) == {"alpha"}
    per_post = metrics.groupby("shortcode").size()
    assert per_post[[p.shortcode for p in new]].eq(1).all()  # seen at the second sync only
    assert per_post.max() == 2 and per_post.sum() == 32 + (per_post == 2).sum()
    fake = {p.shortcode: p for p in two_accounts["alpha"].posts}
    last = metrics.groupby("shortcode").last()
    assert all(last.loc[code, "likes"] == fake[code].likes for code in last.index)
    assert (metrics["taken_at"] >= metrics["post_taken_at"]).all()


def test_post_detail(archive: Archive, two_accounts: dict[str, FakeAccount]) -> None:
    fake = next(p for p in two_accounts["alpha"].posts if p.kind == "carousel")
    with archive.sessions() as session:
        post_id = session.scalar(select(Post.id).where(Post.shortcode == fake.shortcode))
        when = datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
        session.add(CaptionVersion(post_id=post_id, caption="first words", replaced_at=when))
        session.commit()
        detail = post_detail(session, fake.shortcode)
        assert post_detail(session, "missing") is None
    assert detail is not None
    assert detail["url"] == f"https://www.instagram.com/p/{fake.shortcode}/"
    assert (detail["username"], detail["type"], detail["likes"]) == ("alpha", "carousel", fake.likes)
    assert detail["caption"] == (fake.caption or "") and detail["caption_edited"]
    assert detail["caption_history"] == [{"caption": "first words", "replaced_at": when}]
    assert [m["position"] for m in detail["media"]] == list(range(len(fake.media)))
    assert [m["is_video"] for m in detail["media"]] == [m.is_video for m in fake.media]
    assert all(
        set(m) >= {"file", "thumb", "video_file", "width", "height", "accessibility_caption"}
        for m in detail["media"]
    )
    assert all((archive.settings.media_dir / m["thumb"]).is_file() for m in detail["media"])
    assert detail["thumb"] == detail["media"][0]["thumb"]


# Hand-made frames -------------------------------------------------------------------------------


def gallery() -> pd.DataFrame:
    return posts_from_rows(
        [
            {"taken_at": "2024-03-04T10:00:00Z", "type": "image", "caption": "Día de PLAYA", "hashtags": ["verano"],
             "likes": 10, "comments": 2, "followers": 100},
            {"taken_at": "2024-03-04T23:30:00Z", "type": "video", "caption": "noche", "hashtags": ["Verano", "mar"],
             "likes": 30, "comments": 0, "followers": 100, "deleted": True},
            {"taken_at": "2024-03-06T12:00:00Z", "type": "carousel", "caption": "", "likes": None, "comments": 1,
             "followers": 100},
            {"taken_at": "2024-03-08T12:00:00Z", "type": "image", "caption": "playa otra vez", "likes": 10,
             "comments": 5, "followers": 100},
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["p1", "p2", "p3", "p4"]),
        ({"start": date(2024, 3, 5)}, ["p3", "p4"]),
        (
            {"start": date(2024, 3, 5), "tz": "Europe/Madrid"},
            ["p2", "p3", "p4"],
        ),  # 23:30 UTC is the 5th there
        ({"end": date(2024, 3, 4)}, ["p1", "p2"]),
        ({"end": date(2024, 3, 4), "tz": "Europe/Madrid"}, ["p1"]),
        ({"start": date(2024, 3, 6), "end": date(2024, 3, 6)}, ["p3"]),
        ({"types": ["image"]}, ["p1", "p4"]),
        ({"types": ["video", "carousel"]}, ["p2", "p3"]),
        ({"types": []}, ["p1", "p2", "p3", "p4"]),
        ({"hashtag": "verano"}, ["p1", "p2"]),
        ({"hashtag": "#VERANO"}, ["p1", "p2"]),
        ({"hashtag": "mar"}, ["p2"]),
        ({"hashtag": "ver"}, []),
        ({"text": "playa"}, ["p1", "p4"]),
        ({"text": "DÍA DE"}, ["p1"]),
        ({"text": "dia"}, []),  # accents are kept
        ({"text": ".*"}, []),  # a substring, not a pattern
        ({"include_deleted": False}, ["p1", "p3", "p4"]),
        ({"text": "playa", "types": ["image"], "end": date(2024, 3, 5)}, ["p1"]),
    ],
)
def test_filter_posts(filters: dict[str, object], expected: list[str]) -> None:
    assert list(filter_posts(gallery(), **filters)["shortcode"]) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("by", "descending", "expected"),
    [
        ("date", True, ["p4", "p3", "p2", "p1"]),
        ("date", False, ["p1", "p2", "p3", "p4"]),
        ("likes", True, ["p2", "p4", "p1", "p3"]),  # equal likes: newest first; unknown likes last
        ("likes", False, ["p4", "p1", "p2", "p3"]),
        ("comments", True, ["p4", "p1", "p3", "p2"]),
        ("engagement", True, ["p2", "p4", "p1", "p3"]),
    ],
)
def test_sort_posts(by: str, descending: bool, expected: list[str]) -> None:
    assert list(sort_posts(gallery(), by, descending)["shortcode"]) == expected


@pytest.mark.parametrize(
    ("n", "size", "pages"), [(0, 24, 1), (1, 24, 1), (24, 24, 1), (25, 24, 2), (100, 10, 10)]
)
def test_page_count(n: int, size: int, pages: int) -> None:
    assert page_count(n, size) == pages


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, ["p1", "p2"]), (2, ["p3", "p4"]), (3, ["p5"]), (9, ["p5"]), (0, ["p1", "p2"])],
)
def test_page(number: int, expected: list[str]) -> None:
    frame = posts_from_rows([{"taken_at": "2024-01-01T00:00:00Z"}] * 5)
    assert list(page(frame, number, 2)["shortcode"]) == expected


def test_page_of_nothing_is_empty() -> None:
    assert page(posts_from_rows([]), 1).empty


def test_posts_from_rows_computes_engagement_and_keeps_views_for_videos() -> None:
    frame = posts_from_rows(
        [
            {"taken_at": "2024-01-01T00:00:00Z", "likes": 8, "comments": 2, "followers": 40, "views": 99},
            {
                "taken_at": "2024-01-01T00:00:00Z",
                "type": "video",
                "likes": 8,
                "comments": None,
                "followers": 40,
                "views": 99,
            },
        ]
    )
    assert frame["engagement"].iloc[0] == 0.25 and math.isnan(frame["engagement"].iloc[1])
    assert frame["views"].iloc[0] is pd.NA and frame["views"].iloc[1] == 99


# Speed at 100,000 posts -------------------------------------------------------------------------

# The archive filled by the database itself, in its own SQL: a row at a time through the ORM would
# take longer than the reading timed here.
FILL = {
    "sqlite": [
        """INSERT INTO profiles (id, username, full_name, biography, is_private, is_verified, is_business, followers,
           is_demo, history_complete, first_seen_at, updated_at, serial)
           VALUES (1, 'big', '', '', 0, 0, 0, 5000, 0, 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1)""",
        """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :posts)
           INSERT INTO posts (id, shortcode, media_id, profile_id, taken_at, type, caption, hashtags, mentions,
           tagged_users, likes, comments, video_views, is_pinned, first_seen_at, last_seen_at, search_key)
           SELECT i, 'sc' || i, i, 1, datetime(1400000000 + i * 3000, 'unixepoch'),
                  CASE i % 3 WHEN 0 THEN 'image' WHEN 1 THEN 'video' ELSE 'carousel' END,
                  'Caption ' || i || ' #tag' || (i % 40), json_array('tag' || (i % 40)), json_array('friend' || (i % 9)),
                  '[]', i % 997, i % 31, CASE i % 3 WHEN 1 THEN i ELSE NULL END, 0,
                  '2024-01-01 00:00:00', '2024-01-01 00:00:00', ((1400000000 + i * 3000) << 31) | 24576
           FROM n""",
    ],
    "postgresql": [
        """INSERT INTO profiles (id, username, full_name, biography, is_private, is_verified, is_business, followers,
           is_demo, history_complete, first_seen_at, updated_at, serial)
           VALUES (1, 'big', '', '', false, false, false, 5000, false, true, '2024-01-01 00:00:00',
                   '2024-01-01 00:00:00', 1)""",
        """INSERT INTO posts (id, shortcode, media_id, profile_id, taken_at, type, caption, hashtags, mentions,
           tagged_users, likes, comments, video_views, is_pinned, first_seen_at, last_seen_at, search_key)
           SELECT i, 'sc' || i, i, 1, to_timestamp(1400000000 + i * 3000) AT TIME ZONE 'UTC',
                  CASE i % 3 WHEN 0 THEN 'image' WHEN 1 THEN 'video' ELSE 'carousel' END,
                  'Caption ' || i || ' #tag' || (i % 40), json_build_array('tag' || (i % 40)),
                  json_build_array('friend' || (i % 9)), '[]', i % 997, i % 31,
                  CASE i % 3 WHEN 1 THEN i ELSE NULL END, false, '2024-01-01 00:00:00', '2024-01-01 00:00:00',
                  ((1400000000 + i * 3000)::bigint << 31) | 24576
           FROM generate_series(1, :posts) AS i""",
    ],
}
MEDIA_AND_EDITS = [
    """INSERT INTO media_items (post_id, position, is_video, file, thumb)
       SELECT id, 0, false, 'f/' || id || '.jpg', 't/' || id || '.jpg' FROM posts""",
    """INSERT INTO media_items (post_id, position, is_video, file, thumb)
       SELECT id, 1, false, 'f/' || id || 'b.jpg', 't/' || id || 'b.jpg' FROM posts WHERE type = 'carousel'""",
    """INSERT INTO caption_versions (post_id, caption, replaced_at)
       SELECT id, 'old', '2024-01-01 00:00:00' FROM posts WHERE id % 50 = 0""",
]


@pytest.mark.slow
def test_posts_frame_reads_100_000_posts_quickly(db_url: str) -> None:
    engine = db.open_engine(db_url)
    n = 100_000
    with engine.begin() as conn:
        for statement in [*FILL[engine.dialect.name], *MEDIA_AND_EDITS]:
            conn.execute(text(statement), {"posts": n})
    sessions = db.session_factory(engine)
    with sessions() as session:
        started = time.perf_counter()
        frame = posts_frame(session)
        elapsed = time.perf_counter() - started
    engine.dispose()
    print(f"posts_frame: {n} posts in {elapsed:.2f} s")
    assert len(frame) == n and list(frame.columns) == POST_COLUMNS
    row = frame.set_index("post_id").loc[12346]
    assert row["taken_at"] == pd.Timestamp(1400000000 + 12346 * 3000, unit="s", tz="UTC")
    assert (row["type"], row["media_count"], row["thumb"]) == ("video", 1, "t/12346.jpg")
    assert row["hashtags"] == ["tag26"] and row["mentions"] == ["friend7"]
    assert row["views"] == 12346 and row["engagement"] == pytest.approx((12346 % 997 + 12346 % 31) / 5000)
    assert frame["caption_edited"].sum() == n // 50
    assert frame["media_count"].sum() == n + n // 3
    assert elapsed < 10, elapsed


def test_times_are_utc_and_the_day_boundary_moves_with_the_zone() -> None:
    frame = posts_from_rows([{"taken_at": datetime(2024, 3, 4, 23, 30, tzinfo=UTC)}])
    day = frame["taken_at"].dt.tz_convert("Europe/Madrid").dt.date.iloc[0]
    assert day == date(2024, 3, 4) + timedelta(days=1)
