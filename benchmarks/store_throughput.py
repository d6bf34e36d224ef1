"""Stored posts per second on SQLite: the sync's writes against a raw ``sqlite3`` ``executemany`` of the
same rows.

    .venv/bin/python benchmarks/store_throughput.py [--posts 20000] [--page 12]

1. Records: ``--posts`` ``PostRecord``s of one account, with their ``MediaRecord``s, shaped as the
   dashboard benchmark's data (``_synthetic``: about 60% images, 20% videos, 20% carousels of 2 to 5
   items; Spanish and Basque captions with hashtags and mentions; CDN URLs with signatures).
2. Ours: a fresh SQLite file opened with ``scraper.store.db.open_engine`` (the migrations: tables, indexes,
   the caption index and its triggers), the profile and a sync run stored first; then, for each page of
   ``--page`` posts (12: a timeline page), what ``AccountSync._flush`` does: ``writes.save_posts`` (the
   upsert of posts, media items, post counts and the names the posts list), the profile's resume
   point, one commit.
3. Reference: another fresh file with the same schema (made by the same migrations, so the same
   columns, indexes and triggers) and the connection settings of ``scraper.store.db`` (WAL, synchronous
   NORMAL, foreign keys); for each page, ``executemany`` INSERTs of the same rows (posts with their ids
   given, media items, post counts, post names), the same UPDATE of the profile, one commit. Turning
   the records into row tuples (dates and JSON lists as SQLAlchemy stores them) is timed too.

Only the page loop is timed. Then both files are compared: the same posts, media items, post counts
and post names, column by column. The goal (issue): ours at least 0.3 times the reference's posts per second.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import _summary, _synthetic  # noqa: E402
from scraper.instagram.fetch import PAGE_LENGTH  # noqa: E402
from scraper.records import MediaRecord, PostRecord, ProfileRecord  # noqa: E402
from scraper.store import db, search_keys, writes  # noqa: E402
from scraper.store.models import Profile, SyncRun, utcnow  # noqa: E402

NAME = "ermua.kultura"
USER_ID = 17_000_000_001
GOAL = 0.3
NEWEST = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)

POST_COLUMNS = (
    "id, shortcode, media_id, profile_id, taken_at, type, caption, hashtags, mentions, tagged_users, "
    "location_id, location_name, location_lat, location_lng, likes, comments, video_views, video_plays, "
    "video_duration, is_pinned, accessibility_caption, width, height, first_seen_at, last_seen_at, search_key"
)
MEDIA_COLUMNS = "post_id, position, is_video, image_url, video_url, width, height, accessibility_caption"
METRIC_COLUMNS = "post_id, sync_run_id, taken_at, likes, comments, views"
# What is compared between the two files: every column a sync writes, but ids and the times of writing.
COMPARED = {
    "posts": "SELECT shortcode, media_id, profile_id, taken_at, type, caption, hashtags, mentions,"
    " tagged_users, location_id, location_name, location_lat, location_lng, likes, comments, video_views,"
    " video_plays, video_duration, is_pinned, accessibility_caption, width, height, deleted_at"
    " FROM posts ORDER BY shortcode",
    "media_items": "SELECT p.shortcode, m.position, m.is_video, m.image_url, m.video_url, m.width, m.height,"
    " m.accessibility_caption, m.file, m.thumb, m.video_file"
    " FROM media_items m JOIN posts p ON p.id = m.post_id ORDER BY p.shortcode, m.position",
    "post_metrics": "SELECT p.shortcode, c.sync_run_id, c.likes, c.comments, c.views"
    " FROM post_metrics c JOIN posts p ON p.id = c.post_id ORDER BY p.shortcode",
    "post_names": "SELECT p.shortcode, n.kind, n.name, n.profile_id, n.month"
    " FROM post_names n JOIN posts p ON p.id = n.post_id ORDER BY p.shortcode, n.kind, n.name",
    "search index": "SELECT rowid FROM search_fts WHERE search_fts MATCH 'text : (jaiak OR fiestas)' ORDER BY rowid",
}


def make_records(posts: int, seed: int = 3) -> list[PostRecord]:
    """``posts`` records of one account, newest first, with their media."""
    rng = random.Random(seed)
    account = _synthetic.Account(NAME, USER_ID, followers=25_000, run_ids=[1], run_times=[NEWEST])
    times = _synthetic.post_times(rng, posts, NEWEST - timedelta(hours=1))
    records = []
    for k, taken_at in enumerate(times):
        row = _synthetic.post_row(rng, account, k + 1, k, taken_at, times[-1])
        media = _synthetic.media_rows(rng, account, row, k)
        records.append(
            PostRecord(
                shortcode=row["shortcode"],
                media_id=row["media_id"],
                owner_id=USER_ID,
                taken_at=taken_at,
                type=row["type"],
                caption=row["caption"],
                hashtags=tuple(row["hashtags"]),
                mentions=tuple(row["mentions"]),
                tagged_users=tuple(row["tagged_users"]),
                location_id=row["location_id"],
                location_name=row["location_name"],
                location_lat=row["location_lat"],
                location_lng=row["location_lng"],
                likes=row["likes"],
                comments=row["comments"],
                video_views=row["video_views"],
                video_duration=row["video_duration"],
                is_pinned=row["is_pinned"],
                accessibility_caption=row["accessibility_caption"],
                width=row["width"],
                height=row["height"],
                media=tuple(
                    MediaRecord(
                        position=m["position"],
                        is_video=m["is_video"],
                        image_url=m["image_url"],
                        video_url=m["video_url"],
                        width=m["width"],
                        height=m["height"],
                    )
                    for m in media
                ),
            )
        )
    return records


def pages(records: Sequence[PostRecord], size: int) -> Iterator[Sequence[PostRecord]]:
    for start in range(0, len(records), size):
        yield records[start : start + size]


def fresh_database(path: Path) -> None:
    """A new SQLite file at ``path`` with the archive's schema, made by its migrations."""
    db.open_engine(f"sqlite:///{path}").dispose()


def with_store(path: Path, records: list[PostRecord], page: int) -> float:
    """The sync's way: seconds to store ``records`` a page at a time through ``scraper.store.writes``."""
    engine = db.open_engine(f"sqlite:///{path}")
    sessions = db.session_factory(engine)
    with sessions() as session:
        run = SyncRun(username=NAME, source="instagram")
        session.add(run)
        session.commit()
        run_id = run.id
        writes.upsert_profile(session, ProfileRecord(USER_ID, NAME, post_count=len(records)), run_id=run_id)
        session.commit()
    started = time.perf_counter()
    for batch in pages(records, page):
        # AccountSync._flush: the page's posts and the resume point in one transaction.
        with sessions() as session:
            writes.save_posts(session, USER_ID, batch, run_id=run_id)
            profile = session.get(Profile, USER_ID)
            assert profile is not None
            newest = max(r.taken_at for r in batch)
            if profile.complete_until is None or newest > profile.complete_until:
                profile.complete_until = newest
            session.commit()
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def stored_time(value: datetime) -> str:
    """A time as SQLAlchemy stores a ``UTCDateTime`` in SQLite: naive UTC, microseconds."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def with_executemany(path: Path, records: list[PostRecord], page: int) -> float:
    """The reference: seconds to store the same rows a page at a time with ``executemany``."""
    conn = sqlite3.connect(path, isolation_level="DEFERRED")
    for pragma in ("busy_timeout=30000", "journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    now = stored_time(utcnow())
    conn.execute(
        "INSERT INTO sync_runs (username, started_at, status, api_requests, posts_new, posts_updated,"
        " media_downloaded, source) VALUES (?, ?, 'running', 0, 0, 0, 0, 'instagram')",
        (NAME, now),
    )
    run_id = conn.execute("SELECT max(id) FROM sync_runs").fetchone()[0]
    conn.execute(
        "INSERT INTO profiles (id, username, full_name, biography, is_private, is_verified, is_business,"
        " post_count, is_demo, history_complete, first_seen_at, updated_at, serial)"
        " VALUES (?, ?, '', '', 0, 0, 0, ?, 0, 0, ?, ?, 1)",
        (USER_ID, NAME, len(records), now, now),
    )
    conn.commit()
    insert_post = f"INSERT INTO posts ({POST_COLUMNS}) VALUES ({', '.join('?' * 26)})"
    insert_media = f"INSERT INTO media_items ({MEDIA_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    insert_metrics = f"INSERT INTO post_metrics ({METRIC_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
    insert_names = "INSERT INTO post_names (post_id, kind, name, profile_id, month) VALUES (?, ?, ?, ?, ?)"
    update_profile = "UPDATE profiles SET complete_until = ? WHERE id = ? AND (complete_until IS NULL OR complete_until < ?)"
    started = time.perf_counter()
    post_id = 0
    for batch in pages(records, page):
        now = stored_time(utcnow())
        posts: list[tuple[Any, ...]] = []
        media: list[tuple[Any, ...]] = []
        metrics: list[tuple[Any, ...]] = []
        names: list[tuple[Any, ...]] = []
        for r in batch:
            post_id += 1
            posts.append(
                (
                    post_id, r.shortcode, r.media_id, USER_ID, stored_time(r.taken_at), r.type, r.caption,
                    json.dumps(list(r.hashtags)), json.dumps(list(r.mentions)), json.dumps(list(r.tagged_users)),
                    r.location_id, r.location_name, r.location_lat, r.location_lng, r.likes, r.comments,
                    r.video_views, r.video_plays, r.video_duration, int(r.is_pinned), r.accessibility_caption,
                    r.width, r.height, now, now,
                    # the key the store gives (search_keys), without its check for a taken one
                    search_keys.block(r.taken_at, 1, search_keys.CAPTION)
                    | (search_keys.hint(r.media_id or r.shortcode) & search_keys.SEQ_MASK),
                )
            )  # fmt: skip
            media += [
                (post_id, m.position, int(m.is_video), m.image_url, m.video_url, m.width, m.height,
                 m.accessibility_caption)
                for m in r.media
            ]  # fmt: skip
            views = r.video_views if r.video_views is not None else r.video_plays
            metrics.append((post_id, run_id, now, r.likes, r.comments, views))
            month = r.taken_at.astimezone(UTC).strftime("%Y-%m")
            for kind, listed in (("hashtag", r.hashtags), ("mention", r.mentions), ("tag", r.tagged_users)):
                names += [(post_id, kind, name, USER_ID, month) for name in dict.fromkeys(listed) if name]
        conn.executemany(insert_post, posts)
        conn.executemany(insert_media, media)
        conn.executemany(insert_metrics, metrics)
        conn.executemany(insert_names, names)
        newest = stored_time(max(r.taken_at for r in batch))
        conn.execute(update_profile, (newest, USER_ID, newest))
        conn.commit()
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def differences(ours: Path, reference: Path) -> dict[str, tuple[int, int, bool]]:
    """Per compared table: rows in ours, rows in the reference, and whether they are the same."""
    found = {}
    with sqlite3.connect(ours) as a, sqlite3.connect(reference) as b:
        for table, query in COMPARED.items():
            left, right = a.execute(query).fetchall(), b.execute(query).fetchall()
            found[table] = (len(left), len(right), left == right)
    a.close()
    b.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument(
        "--page",
        type=int,
        default=PAGE_LENGTH,
        help=f"posts per commit (default {PAGE_LENGTH}: a timeline page)",
    )
    _summary.add_option(parser)
    args = parser.parse_args()

    started = time.perf_counter()
    records = make_records(args.posts)
    items = sum(len(r.media) for r in records)
    print(f"{args.posts:,} posts with {items:,} media items, made in {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryDirectory(prefix="store-bench-") as tmp_name:
        tmp = Path(tmp_name)
        ours_db, raw_db = tmp / "ours.db", tmp / "raw.db"
        fresh_database(ours_db)
        fresh_database(raw_db)
        ours = with_store(ours_db, records, args.page)
        raw = with_executemany(raw_db, records, args.page)
        compared = differences(ours_db, raw_db)
        size = sum(p.stat().st_size for p in tmp.glob("ours.db*"))

    ours_rate, raw_rate = args.posts / ours, args.posts / raw
    ratio = ours_rate / raw_rate
    same = all(ok and n == m for n, m, ok in compared.values())
    passed = ratio >= GOAL and same and compared["posts"][0] == args.posts
    print(
        f"committed {args.page} posts at a time, into SQLite {sqlite3.sqlite_version} (WAL, synchronous NORMAL)"
    )
    print(f"  ours (scraper.store)   {ours:7.2f} s  {ours_rate:9,.0f} posts/s")
    print(f"  raw executemany        {raw:7.2f} s  {raw_rate:9,.0f} posts/s")
    print(f"  database after ours: {size / 1e6:.1f} MB")
    for table, (n, m, ok) in compared.items():
        print(f"  {table:<14} ours {n:7,} rows, reference {m:7,}: {'the same' if ok else 'DIFFERENT'}")
    print(f"ratio ours/raw: {ratio:.2f} (goal at least {GOAL}): {_summary.verdict(passed)}")
    row = _summary.Row(
        f"stored posts per second, {args.posts:,} posts on SQLite",
        f"{ours_rate:,.0f}",
        f"{raw_rate:,.0f} raw executemany",
        f"{ratio:.2f}",
        f"≥ {GOAL}",
        passed,
    )
    _summary.write(args.summary, [row])
    sys.exit(0 if same and compared["posts"][0] == args.posts else 1)  # wrong rows; a missed goal is a figure


if __name__ == "__main__":
    main()
