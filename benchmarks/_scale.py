"""Archives of 200 accounts for ``archive_scale.py``, built through the store layer as syncs write them.

Every row comes from generated records (``scraper.records``) passed to the calls a sync makes, in its
order: a ``SyncRun``, ``writes.upsert_profile`` (with its snapshot), ``writes.save_posts`` (posts, media
items, counts, caption index), the media files and hashes set on the items as the sync's
``_save_media`` sets them, ``comments.save_comments`` for each post with comments, then the run
finished; a second run refreshes the newest posts' counts; ``groups.add`` makes the groups. Nothing
here writes SQL of its own, so the archive follows the models and the store's own bookkeeping (counts,
revisions, search indexes) whatever they become. Pages of thousands of posts go in one call and one
transaction where a sync commits twelve: the store accepts any number.

One account (``ONE_K``) has exactly 1,000 posts, the same posts and comments at every size, so its
pages can be compared between sizes; at the big size another (``LARGEST``) has 20,000. The group
``ermua`` holds 20 accounts that mention and tag each other and comment on each other's posts (so the
Community page has a network), and a few of their pictures are posted again by others (equal hashes).
Pictures are a small pool of real JPEGs (``_synthetic.draw_images``) that every media item points to.

The PostgreSQL archive of a size is not built this way: writing 1,000,000 posts through the store on
PostgreSQL takes hours on two cores. It is the SQLite archive of the same size (built as above, or
reused) copied by ``scraper.store.copy``, the command line's ``copy``. That still follows the models:
the copy writes every table the models describe, with the columns they describe, into a schema the
migrations made, converting each value as the columns' types do; what the models do not describe
(PostgreSQL's tsvector columns and their GIN indexes) the server computes from the rows as it does for
a sync's. So the archive holds what the store wrote, and every row a sync's write would hold; only its
physical order differs (each table loaded in key order, not interleaved as syncs write), and the copy
gives the planner the tables' statistics (ANALYZE) at its end.

Built archives are kept (SQLite: a folder under the temporary directory; PostgreSQL: a database on the
test server named by the size) and reused while their marker holds this ``FORMAT`` and the schema's
Alembic head. One of an older head is upgraded by the migrations, as a user's archive is when the
tool is updated (the marker keeps the upgrades and their seconds); one of another format is built (or
copied) again.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import _synthetic  # beside this module
from sqlalchemy import Engine, event, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from scraper.records import CommentRecord, MediaRecord, PostRecord, ProfileRecord, SyncStatus
from scraper.replay import mediaid_to_shortcode
from scraper.store import comments as comments_store
from scraper.store import db, groups, writes
from scraper.store.copy import copy_archive
from scraper.store.models import MediaItem, Profile, SyncRun, utcnow

# Bump when the generated data changes: an archive built by another format is built again.
FORMAT = 1
MARKER = "benchmark.json"
POSTGRES_SERVER = os.environ.get(
    "SCALE_POSTGRES_URL", "postgresql+psycopg://scraper:scraper@127.0.0.1:5433/postgres"
)
TMP = Path(os.environ.get("TMPDIR", "/tmp"))
PREFIX = "instagram-dashboard-scale"
POST_BATCH = 4_000  # posts per save_posts call and transaction
COMMENT_COMMIT = 2_000  # posts' comments per transaction
REFRESHED = 50  # newest posts whose counts the second sync refreshes
GROUP = "ermua"
GROUP_SIZE = 20
WARM_GROUP = "txikia"  # three small accounts: the group pages' warm-up pass runs on them
LAST_POST = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
COMMENTED = 0.1  # share of posts with comments
REPLIES = 0.3  # share of comments that answer another
REPOSTS = 40  # pictures that several members post (equal hashes)

TOWNS = [
    "ermua", "eibar", "mallabia", "durango", "elgoibar", "zaldibar", "berriz", "abadino", "soraluze",
    "arrasate", "bergara", "onati", "azkoitia", "azpeitia", "zarautz", "zumaia", "getxo", "gernika",
    "bermeo", "mungia", "amorebieta", "igorre", "ondarroa", "lekeitio", "markina",
]  # fmt: skip
KINDS = ["udala", "kultura", "kirolak", "gazteria", "liburutegia", "jaiak", "euskara", "turismoa"]
ONE_K = "ermua.kultura"
LARGEST = "ermua.udala"
COMMENT_TEXTS = [
    "¡Qué bonito!", "Zorionak!", "Eskerrik asko!", "¿A qué hora empieza?", "Allí estaremos 💚",
    "Ederra benetan", "¡Enhorabuena a todos!", "Qué ganas de fiestas", "Jaiak iritsi dira!",
    "¿Hay que apuntarse antes?", "Bikain!", "Me encanta este pueblo", "Zenbat balio du sarrerak?",
    "¡Gracias por organizarlo!", "Oso polita", "El año pasado fue genial", "Animo!!", "👏👏👏",
    "¿Y si llueve?", "Ondo pasa!", "Precioso el frontón así de lleno", "Txosnak noiz zabaltzen dira?",
    "Qué recuerdos", "Hurrengo urtean gehiago", "Ya tengo las entradas", "Mila esker zuei",
]  # fmt: skip


@dataclass(frozen=True)
class Size:
    """An archive's size: posts over accounts, comments and replies, and the largest account's posts
    (None: no account singled out)."""

    name: str
    posts: int
    accounts: int
    comments: int
    largest: int | None = None

    def counts(self) -> dict[str, int]:
        """Posts per account name: ``ONE_K`` 1,000, ``LARGEST`` ``largest``, the rest from 1 to 10 times
        the smallest of them."""
        names = usernames(self.accounts)
        fixed = {ONE_K: 1_000} | ({LARGEST: self.largest} if self.largest else {})
        rest = [name for name in names if name not in fixed]
        spread = _synthetic.posts_per_account(self.posts - sum(fixed.values()), len(rest))
        random.Random(self.accounts).shuffle(spread)
        return {name: fixed.get(name) or spread[rest.index(name)] for name in names}


SIZES = {
    "small": Size("small", 10_000, 200, 50_000),
    "big": Size("big", 1_000_000, 200, 5_000_000, largest=20_000),
    # A tenth of the big one, for a machine (or a server) where building that takes too long.
    "medium": Size("medium", 100_000, 200, 500_000, largest=20_000),
}
# --quick: the same shapes at sizes a test can build in seconds.
QUICK = {
    "small": Size("quick-small", 2_000, 30, 10_000),
    "big": Size("quick-big", 8_000, 30, 40_000, largest=3_000),
}


def usernames(accounts: int) -> list[str]:
    """Town-and-topic names, the same for the same count: the group's towns first."""
    names = [f"{town}.{kind}" for town in TOWNS for kind in KINDS]
    if not GROUP_SIZE <= accounts <= len(names):
        raise ValueError(f"between {GROUP_SIZE} and {len(names)} accounts, not {accounts}")
    return names[:accounts]


def group_members(accounts: int) -> list[str]:
    return usernames(accounts)[:GROUP_SIZE]


@dataclass(frozen=True)
class Built(_synthetic.Dataset):
    """A built archive: the folder of its media (and, on SQLite, its database), its URL, its size."""

    address: str = ""
    size: Size = SIZES["small"]
    database: str = "sqlite"  # "sqlite" | "postgresql"

    @property
    def url(self) -> str:
        return self.address

    def rows(self, kind: str) -> int:
        """How many rows of ``kind`` ("posts", "media items", "comments") the build wrote."""
        return int(self.marker().get("rows", {}).get(kind, 0))


def wanted(size: Size, database: str) -> dict[str, Any]:
    """What a marker says of an archive that can be reused."""
    return {"format": FORMAT, "head": db.head_revision(), "size": size.__dict__, "database": database}


def locate(size: Size, database: str) -> Built:
    """Where the archive of ``size`` on ``database`` lives (built or not)."""
    root = TMP / f"{PREFIX}-{size.name}-{database}"
    if database == "sqlite":
        return Built(root, f"sqlite:///{root / 'instagram.db'}", size, database)
    name = f"scale_{size.name.replace('-', '_')}_f{FORMAT}_r{db.head_revision()}"
    url = make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    return Built(root, url, size, database)


def ensure(size: Size, database: str, log: Any = print) -> tuple[Built, float | None]:
    """The archive of ``size`` on ``database``, built unless a reusable one exists; and the seconds
    building took (None when reused). PostgreSQL's is the SQLite archive of the size, copied."""
    built = locate(size, database)
    marker = built.marker()
    if {k: marker.get(k) for k in ("format", "head", "size", "database", "url")} == wanted(size, database) | {
        "url": built.url
    } and _exists(built):
        return built, None
    if _upgrade(built, marker, log):
        return built, None
    source = ensure(size, "sqlite", log)[0] if database == "postgresql" else None
    _wipe(built)
    built.root.mkdir(parents=True, exist_ok=True)
    (built.root / MARKER).write_text(json.dumps({"building": True}))
    if database == "postgresql":
        _create_database(built.url)
    started = time.perf_counter()
    extra: dict[str, Any] = {}
    if source is None:
        rows = build(built, log)
    else:
        rows = source.marker()["rows"]
        extra = {"copy": copy_from(source, built, log)}
    seconds = time.perf_counter() - started
    log(
        f"built {size.name} on {database} in {seconds:.0f} s: "
        + ", ".join(f"{n:,} {what}" for what, n in rows.items())
        + ("" if source else f"; {sum(rows.values()) / seconds:,.0f} rows/s")
    )
    (built.root / MARKER).write_text(
        json.dumps(
            wanted(size, database) | {"url": built.url, "seconds": round(seconds), "rows": rows} | extra
        )
    )
    return built, seconds


def _upgrade(built: Built, marker: dict[str, Any], log: Any) -> bool:
    """Bring an archive built at an older schema to the head by the migrations, as ``db.open_engine``
    does to a user's archive, when it is otherwise the one wanted; whether it was. PostgreSQL's database
    is renamed for the new head and its tables vacuumed and analysed (as autovacuum would, soon)."""
    old = wanted(built.size, built.database) | {"head": marker.get("head")}
    if marker.get("head") in (None, db.head_revision()) or {k: marker.get(k) for k in old} != old:
        return False
    before = Built(built.root, str(marker.get("url")), built.size, built.database)
    if not _exists(before):
        return False
    started = time.perf_counter()
    db.open_engine(before.url).dispose()
    if built.database == "postgresql":
        with _admin() as conn:
            conn.execute(
                f'ALTER DATABASE "{make_url(before.url).database}" RENAME TO "{make_url(built.url).database}"'
            )
        engine = db.create(built.url)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM (ANALYZE)")
        engine.dispose()
    seconds = time.perf_counter() - started
    log(
        f"upgraded {built.size.name} on {built.database} from {marker['head']} to {db.head_revision()} in {seconds:.0f} s"
    )
    upgrades = [*marker.get("upgrades", []), {"from": marker["head"], "seconds": round(seconds)}]
    (built.root / MARKER).write_text(
        json.dumps(marker | wanted(built.size, built.database) | {"url": built.url, "upgrades": upgrades})
    )
    return True


def copy_from(source: Built, built: Built, log: Any) -> dict[str, Any]:
    """Copy the SQLite archive ``source`` into ``built``'s empty database (and its pictures into its
    folder); the copy's figures: rows of every table, seconds, and the SQLite build's seconds and rows."""
    pool(built.media_dir)
    done: set[str] = set()

    def progress(_report: Any, table: Any) -> None:
        if table.done >= table.total and table.name not in done:
            done.add(table.name)
            log(f"  copied {table.name}: {table.done:,} rows, {table.rate:,.0f} rows/s")

    report = copy_archive(source.url, built.url, on_progress=progress)
    built_from = source.marker()
    log(
        f"copied {source.size.name} from SQLite into PostgreSQL in {report.seconds:.0f} s: {report.copied:,} rows, "
        f"{report.copied / report.seconds:,.0f} rows/s (the SQLite build took {built_from.get('seconds')} s)"
    )
    return {
        "rows": report.copied,
        "seconds": round(report.seconds, 1),
        "source_seconds": built_from.get("seconds"),
        "source_rows": sum(built_from.get("rows", {}).values()),
    }


def _exists(built: Built) -> bool:
    if built.database == "sqlite":
        return built.db_path.is_file()
    return _database_exists(built.url)


def _admin() -> Any:
    import psycopg

    url = make_url(POSTGRES_SERVER)
    return psycopg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, dbname=url.database,
        autocommit=True,
    )  # fmt: skip


def _database_exists(url: str) -> bool:
    with _admin() as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [make_url(url).database]).fetchone()
            is not None
        )


def _create_database(url: str) -> None:
    """A new, empty database for ``url``; older scale databases of the same size are dropped."""
    name = make_url(url).database
    assert name is not None
    stem = name.split("_f")[0] + "_f"
    with _admin() as conn:
        old = [
            r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [stem + "%"])
        ]
        for other in old:  # names made by locate(): letters, digits and underscores only
            conn.execute(f'DROP DATABASE "{other}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _wipe(built: Built) -> None:
    """Remove what an earlier or unfinished build left (only folders of ours)."""
    if built.root.exists():
        if not (built.root / MARKER).exists():
            raise SystemExit(f"{built.root} holds something else than benchmark data")
        shutil.rmtree(built.root)


def pool(root: Path) -> None:
    """The shared pictures under ``root/pool``: drawn once into the temporary folder, copied per archive."""
    drawn = TMP / f"{PREFIX}-pool"
    if not (drawn / "done").exists():
        shutil.rmtree(drawn, ignore_errors=True)
        _synthetic.draw_images(str(drawn / "pool"), 7)
        (drawn / "done").write_text("")
    shutil.copytree(drawn / "pool", root / "pool", dirs_exist_ok=True)


# Building


def build(built: Built, log: Any) -> dict[str, int]:
    """Every account of the size, then the groups; the number of rows written by kind. On PostgreSQL
    the accounts are written by a process per core at once (each its own transactions, as syncs of
    different accounts are); SQLite takes one writer at a time, so there they go one after another."""
    pool(built.media_dir)
    db.open_engine(built.url).dispose()  # the schema, once, before any writer
    counts = built.size.counts()
    names = list(counts)
    jobs = [(built.url, built.size, name) for name in names]
    workers = (os.cpu_count() or 1) if built.database == "postgresql" else 1
    totals = {"posts": 0, "media items": 0, "comments": 0}
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) if workers > 1 else nullcontext() as executor:
        written = executor.map(write_account, jobs) if executor else map(write_account, jobs)
        for number, done in enumerate(written):
            for key, value in done.items():
                totals[key] += value
            if number % 20 == 19 or number == len(names) - 1:
                elapsed = time.perf_counter() - started
                log(
                    f"  {number + 1} of {len(names)} accounts: {totals['posts']:,} posts, "
                    f"{totals['comments']:,} comments, {elapsed:.0f} s"
                )
    engine = db.create(built.url)
    with db.session_factory(engine)() as session:
        groups.add(session, GROUP, group_members(built.size.accounts))
        smallest = sorted(names, key=lambda n: (counts[n], n))[:3]
        groups.add(session, WARM_GROUP, smallest)
    engine.dispose()
    for opened in _ENGINES.values():
        opened.dispose()
    _ENGINES.clear()
    return totals


_ENGINES: dict[str, Engine] = {}  # per process: a writer's engine, kept from one account to the next


def write_account(job: tuple[str, Size, str]) -> dict[str, int]:
    """Write one account of an archive whose schema is ready (in this process or a worker's)."""
    url, size, name = job
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = db.create(url)
        if engine.dialect.name == "sqlite":  # the indexes of millions of rows: a larger page cache
            event.listen(engine, "connect", lambda conn, _record: conn.execute("PRAGMA cache_size=-262144"))
    counts = size.counts()
    members = group_members(size.accounts)
    shared = [f"{random.Random(i).getrandbits(64):016x}" for i in range(REPOSTS)]
    with db.session_factory(engine)() as session:
        return Writer(session, list(counts).index(name), name, counts[name], members, shared).write()


class Writer:
    """One account's two syncs, written as ``scraper.sync`` writes them."""

    def __init__(
        self, session: Session, number: int, username: str, count: int, members: list[str], shared: list[str]
    ) -> None:
        self.session = session
        self.number = number
        self.username = username
        self.count = count
        self.user_id = 17_000_000_000 + number
        self.members = members
        self.in_group = username in members
        self.shared = shared
        # Seeded by the name and count only: the 1,000-post account is the same at every size.
        self.rng = random.Random(f"{username}:{count}")
        self.followers = int(self.rng.lognormvariate(9.0, 0.8)) + 800
        self.comment_ids = (18_000 + number) * 10**12  # the last comment id given

    def profile(self, followers: int) -> ProfileRecord:
        town, kind = self.username.split(".")
        return ProfileRecord(
            user_id=self.user_id,
            username=self.username,
            full_name=f"{town.capitalize()} {kind.capitalize()}",
            biography=f"{town.capitalize()}ko {kind} 📍 Euskadi\nInformación y agenda ⬇️",
            external_url=f"https://www.{town}.eus/{kind}",
            is_business=True,
            category="Government organization" if kind == "udala" else "Community",
            followers=followers,
            followees=300 + self.number,
            post_count=self.count,
            profile_pic_url=f"https://{_synthetic.CDN}/v/t51.2885-19/{self.user_id}_n.jpg",
        )

    def write(self) -> dict[str, int]:
        session = self.session
        # The first sync: its run, the profile and its picture, the whole timeline, the comments.
        run = self._start_run()
        row = writes.upsert_profile(session, self.profile(int(self.followers * 0.97)), run_id=run.id)
        run.profile_id = row.id
        session.commit()
        row.profile_pic_key = f"{self.user_id}_n.jpg"
        row.profile_pic_file = "pool/profile_pic.jpg"
        row.profile_pic_changed_at = utcnow()
        writes.touch(session, self.user_id)
        session.commit()
        records = self.posts()
        post_ids: list[int] = []
        media_items = 0
        for batch in chunks(records, POST_BATCH):
            saved = writes.save_posts(session, self.user_id, batch, run_id=run.id)
            post_ids += saved.new_ids
            row.complete_until = max(r.taken_at for r in records if not r.is_pinned)
            session.commit()
            media_items += self._files(saved.new_ids)
        row.history_complete = True
        row.backfill_state = None
        session.commit()
        comments = self._comments(records, post_ids)
        self._finish_run(run, new=len(records), comments=comments)
        # A second sync a fortnight later: counts of the newest posts refreshed.
        run = self._start_run()
        writes.upsert_profile(session, self.profile(self.followers), run_id=run.id)
        run.profile_id = self.user_id
        session.commit()
        grown = [
            replace(r, likes=None if r.likes is None else int(r.likes * 1.1)) for r in records[:REFRESHED]
        ]
        saved = writes.save_posts(session, self.user_id, grown, run_id=run.id)
        session.commit()
        self._finish_run(run, new=0, updated=len(saved.updated), comments=0)
        return {"posts": len(records), "media items": media_items, "comments": comments}

    def _start_run(self) -> SyncRun:
        run = SyncRun(username=self.username, source="instagram")
        self.session.add(run)
        writes.touch(self.session, username=self.username)
        self.session.commit()
        return run

    def _finish_run(self, run: SyncRun, *, new: int, comments: int, updated: int = 0) -> None:
        run.finished_at = utcnow()
        run.status = SyncStatus.OK
        run.api_requests = 2 + new + new // 12
        run.posts_new = new
        run.posts_updated = updated
        run.media_downloaded = new
        run.comments_new = comments
        profile = self.session.get(Profile, self.user_id)
        assert profile is not None
        profile.last_synced_at = run.finished_at
        writes.touch(self.session, username=self.username)
        self.session.commit()

    def posts(self, start: int = 0, newest: datetime | None = None) -> list[PostRecord]:
        """The account's posts, newest first; ``start``: the number of the first (its media id)."""
        rng = self.rng
        newest = newest or LAST_POST - timedelta(days=self.rng.randrange(30))
        times = _synthetic.post_times(rng, self.count, newest)
        oldest = times[-1]
        records = []
        others = [m for m in self.members if m != self.username]
        town, kind = self.username.split(".")
        for k, taken_at in enumerate(times):
            media_id = 3_000_000_000_000_000_000 + (self.number << 24) + start + k
            post_type = rng.choices(("image", "video", "carousel"), weights=(60, 20, 20))[0]
            text, tags, mentions = _synthetic.caption(rng, town + kind)
            tagged = sorted(rng.sample(_synthetic.PEOPLE, rng.choice((0, 0, 0, 0, 1, 2))))
            if self.in_group and rng.random() < 0.15:  # a neighbour named: the group's network
                other = rng.choice(others)
                text = f"{text or ''} @{other}".strip()
                mentions = [*mentions, other]
            if self.in_group and rng.random() < 0.08:
                tagged = sorted({*tagged, rng.choice(others)})
            growth = 0.4 + 0.6 * (taken_at - oldest) / max(LAST_POST - oldest, timedelta(seconds=1))
            likes: int | None = int(self.followers * growth * rng.lognormvariate(-3.6, 0.6))
            if rng.random() < 0.01:
                likes = None
            comments = _comment_count(rng)
            place = rng.choice(_synthetic.PLACES) if rng.random() < 0.3 else None
            width, height = rng.choice(((1080, 1080), (1080, 1350))) if post_type != "video" else (1080, 1920)
            items = 1 if post_type != "carousel" else rng.randint(2, 5)
            records.append(
                PostRecord(
                    shortcode=mediaid_to_shortcode(media_id),
                    media_id=media_id,
                    owner_id=self.user_id,
                    taken_at=taken_at,
                    type=post_type,
                    caption=text,
                    hashtags=tuple(tags),
                    mentions=tuple(mentions),
                    tagged_users=tuple(tagged),
                    location_id=place[0] if place else None,
                    location_name=place[1] if place else None,
                    location_lat=place[2] if place else None,
                    location_lng=place[3] if place else None,
                    likes=likes,
                    comments=comments,
                    video_views=int((likes or 0) * rng.uniform(6, 30)) if post_type == "video" else None,
                    video_duration=round(rng.uniform(5, 90), 2) if post_type == "video" else None,
                    is_pinned=k == 0 and rng.random() < 0.5,
                    width=width,
                    height=height,
                    comments_disabled=False,
                    media=tuple(
                        MediaRecord(
                            position=p,
                            is_video=post_type == "video",
                            image_url=f"https://{_synthetic.CDN}/v/t51.29350-15/{media_id}_{p}_n.jpg",
                            video_url=f"https://{_synthetic.CDN}/o1/v/t16/{media_id}_{p}.mp4"
                            if post_type == "video"
                            else None,
                            width=width,
                            height=height,
                        )
                        for p in range(items)
                    ),
                )
            )
        return records

    def _files(self, post_ids: list[int]) -> int:
        """The files and hashes of the new posts' media, as the sync sets them once downloaded."""
        if not post_ids:
            return 0
        rng = self.rng
        items = self.session.execute(
            select(MediaItem.id, MediaItem.post_id, MediaItem.position).where(MediaItem.post_id.in_(post_ids))
        ).all()
        rows = []
        for item_id, post_id, position in items:
            reposted = self.in_group and rng.random() < 0.004
            rows.append(
                {
                    "id": item_id,
                    "file": f"pool/full_{(post_id + position) % _synthetic.FULL_POOL:02d}.jpg",
                    "thumb": f"pool/thumbs/pool_{(post_id + 37 * position) % _synthetic.THUMB_POOL:03d}.jpg",
                    "phash": rng.choice(self.shared) if reposted else f"{rng.getrandbits(64):016x}",
                }
            )
        for batch in chunks(rows, 5_000):
            self.session.execute(update(MediaItem), list(batch))
        writes.touch(self.session, self.user_id)
        self.session.commit()
        return len(rows)

    def _comments(self, records: list[PostRecord], post_ids: list[int], every: int = COMMENT_COMMIT) -> int:
        """Every post's comments and replies, a ``save_comments`` call per post as the sync makes; a
        commit every ``every`` posts (a sync commits each)."""
        rng = self.rng
        others = [m for m in self.members if m != self.username]
        next_id = self.comment_ids
        stored = 0
        pending = 0
        for record, post_id in zip(records, post_ids, strict=True):
            n = record.comments or 0
            if not n:
                continue
            found: list[CommentRecord] = []
            tops: list[int] = []
            for _ in range(n):
                next_id += 1
                parent = rng.choice(tops) if tops and rng.random() < REPLIES else None
                if parent is None:
                    tops.append(next_id)
                if self.in_group and rng.random() < 0.06:
                    owner = rng.choice(others)
                    owner_id: int = 17_000_000_000 + self.members.index(
                        owner
                    )  # the first names: their numbers
                else:
                    person = min(int(rng.paretovariate(0.9)), 40_000)
                    owner, owner_id = f"bizilaguna_{person}", 40_000_000_000 + person
                found.append(
                    CommentRecord(
                        id=next_id,
                        parent_id=parent,
                        owner_id=owner_id,
                        owner=owner,
                        text=rng.choice(COMMENT_TEXTS),
                        created_at=record.taken_at + timedelta(minutes=rng.expovariate(1 / 600)),
                        likes=int(rng.expovariate(0.5)),
                    )
                )
            target = comments_store.CommentTarget(post_id, record.shortcode, record.media_id, n, None)
            saved = comments_store.save_comments(
                self.session, target, self.user_id, found, complete=True, full=True, cursor=None, now=utcnow()
            )
            stored += saved.new
            pending += 1
            if pending >= every:
                self.session.commit()
                pending = 0
        self.session.commit()
        self.comment_ids = next_id
        return stored


SYNC_PAGE = 12  # posts of a timeline page
SYNC_COMMENTS = 30  # comments and replies of each


def sync_write(sessions: Any, accounts: int, trial: int) -> int:
    """A sync of ``ONE_K`` that finds a page of new posts with their comments, written with the calls
    and commits ``scraper.sync`` makes (run, profile, the stored posts read, the page, its files, each
    post's comments, the run finished); the rows it stored. ``trial`` makes the posts new each time."""
    number = usernames(accounts).index(ONE_K)
    with sessions() as session:
        writer = Writer(session, number, ONE_K, SYNC_PAGE, group_members(accounts), [])
        writer.rng = random.Random(f"sync:{trial}")
        writer.comment_ids = (19_000 + trial) * 10**12
        run = writer._start_run()
        row = writes.upsert_profile(session, writer.profile(writer.followers), run_id=run.id)
        run.profile_id = row.id
        session.commit()
        known = writes.known_posts(session, writer.user_id)
        records = writer.posts(start=10**6 + trial * SYNC_PAGE, newest=LAST_POST + timedelta(days=1 + trial))
        records = [replace(r, comments=SYNC_COMMENTS) for r in records if r.shortcode not in known]
        saved = writes.save_posts(session, writer.user_id, records, run_id=run.id)
        row.complete_until = max(r.taken_at for r in records)
        session.commit()
        items = writer._files(saved.new_ids)
        comments = writer._comments(records, saved.new_ids, every=1)
        writer._finish_run(run, new=len(records), comments=comments)
        return len(records) + items + comments


def _comment_count(rng: random.Random) -> int:
    """Comments and replies of one post: none on most, a skewed number on the rest (mean about 50, so
    5 a post in all)."""
    if rng.random() >= COMMENTED:
        return 0
    return min(1 + int(rng.lognormvariate(math.log(49) - 0.72, 1.2)), 5_000)


def chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
