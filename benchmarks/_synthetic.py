"""A synthetic archive for benchmarks: accounts, posts, media and counts shaped like real syncs.

``ensure(folder, posts, accounts)`` builds (or reuses) a folder holding ``instagram.db`` (SQLite,
opened through ``scraper.store.db.open_engine``, so the migrations and the FTS5 caption triggers run) and
``media/``. Accounts get 1 to 10 times as many posts as the smallest one; posts are about 60% images,
20% videos and 20% carousels of 2 to 5 items, with Spanish, Basque and bilingual captions carrying
hashtags and mentions. Every account has 2 or 3 syncs: a profile snapshot each, and post counts for
every post the first sync saw plus the new and the 100 newest posts at each later one.

Images are real JPEGs made with Pillow, as the scraper stores them: a pool of thumbnails (at most
320 px, quality 85) and a smaller pool of 1080 px "full-size" files per account, which the rows
share, so that generating 150,000 media items does not mean drawing 150,000 pictures.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import sqlite3
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageOps
from sqlalchemy import insert
from sqlalchemy.orm import Session

from scraper.instagram.fetch import PAGE_LENGTH
from scraper.records import SyncStatus
from scraper.replay import mediaid_to_shortcode
from scraper.store import db, search_keys
from scraper.store.models import (
    CaptionVersion,
    MediaItem,
    Post,
    PostMetrics,
    Profile,
    ProfileSnapshot,
    SyncRun,
)

# Bump when the generated data changes: a folder made by another format is rebuilt.
FORMAT = 4
MARKER = "benchmark.json"
THUMB_POOL = 240
FULL_POOL = 8
REFRESHED = 100  # newest posts whose counts a later sync refreshes (--refresh-recent 100)
LAST_SYNC = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)
BATCH = 10_000

# Instagram user names are ASCII: Abadiño's accounts write it "abadino".
TOWNS = ["ermua", "eibar", "durango", "elgoibar", "mallabia", "zaldibar", "berriz", "abadino", "soraluze"]
KINDS = ["udala", "kultura", "kirolak", "gazteria", "liburutegia", "jaiak", "euskara", "turismoa"]
TOWN_NAMES = {
    "ermua": "Ermua", "eibar": "Eibar", "durango": "Durango", "elgoibar": "Elgoibar", "mallabia": "Mallabia",
    "zaldibar": "Zaldibar", "berriz": "Berriz", "abadino": "Abadiño", "soraluze": "Soraluze",
}  # fmt: skip
KIND_NAMES = {
    "udala": "Udala", "kultura": "Kultura", "kirolak": "Kirolak", "gazteria": "Gazteria",
    "liburutegia": "Liburutegia", "jaiak": "Jaiak", "euskara": "Euskara Zerbitzua", "turismoa": "Turismoa",
}  # fmt: skip

ES_OPENINGS = [
    "¡Buenos días!", "Hoy", "Este fin de semana", "Mañana", "Ayer", "El próximo sábado", "Esta tarde",
    "Recordad:", "¡Ya está aquí!", "Un año más,", "Por fin", "Atención:", "Este domingo", "El viernes",
]  # fmt: skip
ES_EVENTS = [
    "las fiestas de San Pedro", "el concierto de la banda municipal", "la feria de artesanía",
    "el mercado de productores locales", "la exposición de fotografía antigua",
    "el campeonato de pelota a mano", "la carrera popular", "el taller de cocina tradicional",
    "la presentación del nuevo libro de poesía", "el cine de verano", "la jornada de puertas abiertas",
    "el festival de teatro de calle", "la romería de Santiago", "el torneo de ajedrez",
    "la marcha montañera al Urko", "el concurso de pintxos", "la sesión de cuentacuentos",
    "el encuentro de coros", "la fiesta del euskera", "la limpieza del río", "la feria del libro",
    "el campus de fútbol", "la semana de la juventud", "el desfile de Olentzero", "la cabalgata de Reyes",
    "el concurso de fotografía", "la charla sobre salud mental", "el curso de primeros auxilios",
]  # fmt: skip
ES_PLACES = [
    "en la plaza del Ayuntamiento", "en el frontón municipal", "en la biblioteca", "en la casa de cultura",
    "en el polideportivo", "en el parque de Betzuen", "junto al río", "en el barrio de Santa Ana",
    "en el monte", "en el mercado cubierto", "en el teatro Cervantes", "en la ikastola", "en el casco viejo",
]  # fmt: skip
ES_TIMES = [
    "a las 18:00", "a las 19:30", "a partir de las 11:00", "durante toda la mañana", "por la tarde",
    "a las 20:00", "a mediodía", "desde las 10:00 hasta las 14:00",
]  # fmt: skip
ES_DETAILS = [
    "La entrada es gratuita y no hace falta inscribirse.",
    "Las plazas son limitadas: apuntaos cuanto antes en la web municipal.",
    "Habrá actividades para niños y niñas de todas las edades.",
    "Gracias a todas las personas voluntarias que lo hacen posible.",
    "Si llueve, la actividad se trasladará al polideportivo.",
    "Traed ropa cómoda, agua y muchas ganas de pasarlo bien.",
    "Os esperamos con muchísimas ganas.",
    "Las fotos de la jornada ya están en nuestra web.",
    "¡Qué bonito ver la plaza llena de gente!",
    "Más información en la oficina de turismo y en el tablón de anuncios.",
    "Colaboran las asociaciones del barrio y el comercio local.",
    "Enhorabuena a todos los participantes y gracias al público por su apoyo.",
    "El programa completo se puede consultar en la agenda cultural.",
    "No olvidéis compartir vuestras fotos con nosotros.",
    "Una tarde inolvidable con música, baile y buena compañía.",
    "Seguimos trabajando para mejorar los servicios del pueblo.",
]  # fmt: skip
EU_EVENTS = [
    "San Pedro jaiak", "herri bazkaria", "euskara ikastaroa", "pilota txapelketa", "kontzertua",
    "antzerki emanaldia", "liburu aurkezpena", "mendi irteera", "artisau azoka", "ipuin kontalaria",
    "bertso saioa", "dantza emanaldia", "herri lasterketa", "Olentzeroren kalejira", "Euskararen Eguna",
]  # fmt: skip
EU_PLACES = [
    "udaletxe plazan", "kultur etxean", "liburutegian", "frontoian", "kiroldegian", "parkean",
    "ibai ondoan", "mendian", "alde zaharrean",
]  # fmt: skip
EU_TIMES = ["arratsaldeko 6etan", "goizeko 11etan", "iluntzean", "eguerdian", "arratsaldeko 7etan"]
EU_DETAILS = [
    "Sarrera doakoa da.", "Izena emateko epea zabalik dago.", "Etorri eta ondo pasa!",
    "Eskerrik asko parte hartu duzuen guztioi!", "Zorionak irabazleei!", "Argazki gehiago gure webgunean.",
    "Euskaraz bizi nahi dugu.", "Ez galdu!", "Zuen zain gaude.", "Giro ederra egon zen atzo.",
]  # fmt: skip
EMOJI = ["🎉", "📸", "🎶", "⚽", "🏃‍♀️", "📚", "🌞", "🍂", "❄️", "🌸", "💚", "👏", "🙌", "📅", "📍", "❤️"]
HASHTAGS = [
    "ermua", "eibar", "euskadi", "bizkaia", "gipuzkoa", "kultura", "jaiak", "fiestas", "musika", "música",
    "kirolak", "deportes", "pelota", "euskara", "udaberria", "uda", "udazkena", "negua", "liburutegia",
    "biblioteca", "teatro", "antzerkia", "zinema", "cine", "gazteak", "juventud", "mendia", "montaña",
    "azoka", "mercado", "bertsoak", "dantza", "igandea", "sanpedro", "herria", "comerciolocal",
    "naturaleza", "argazkia", "fotografía", "euskalherria", "tradición", "familia", "haurrak", "niños",
]  # fmt: skip
PEOPLE = [
    "lucia.martin", "carlos_garcia", "marta.argazkiak", "iker_surf", "nerea.sukaldea", "ane.bertsolari",
    "jon_mendizale", "elena.sanz", "kulturetxea", "ermuko.abesbatza", "pilota.eskola", "gaztetxea",
]  # fmt: skip
PLACES = [
    (213385402, "Ermua", 43.1869, -2.5024),
    (213050058, "Eibar", 43.1840, -2.4736),
    (110845095613400, "Durango", 43.1705, -2.6307),
    (215245914, "Elgoibar", 43.2156, -2.4136),
    (224389738, "Urko mendia", 43.1806, -2.4586),
    (106412836056006, "Plaza del Ayuntamiento, Ermua", 43.1872, -2.5008),
]
THINGS = ("2 personas", "texto", "una multitud", "el cielo")
CDN = "scontent-mad1-1.cdninstagram.com"


@dataclass(frozen=True)
class Dataset:
    """A benchmark folder: the database, the media root, and the environment a dashboard reads them from."""

    root: Path

    @property
    def db_path(self) -> Path:
        return self.root / "instagram.db"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def media_dir(self) -> Path:
        return self.root / "media"

    def env(self) -> dict[str, str]:
        """DATABASE_URL, MEDIA_DIR, DATA_DIR and LOG_DIR pointing into the folder."""
        return {
            "DATABASE_URL": self.url,
            "MEDIA_DIR": str(self.media_dir),
            "DATA_DIR": str(self.root / "data"),
            "LOG_DIR": str(self.root / "logs"),
        }

    def marker(self) -> dict[str, Any]:
        """What the folder says it holds: its counts once built, ``{"building": true}`` before; empty
        when the folder is not benchmark data."""
        try:
            return dict(json.loads((self.root / MARKER).read_text()))
        except (OSError, ValueError):
            return {}


def default_folder(posts: int, accounts: int) -> Path:
    """Where the data lives without ``--data``: a stable temporary folder, so a rerun reuses it."""
    return Path(os.environ.get("TMPDIR", "/tmp")) / f"instagram-dashboard-bench-{posts}x{accounts}"


def posts_per_account(total: int, accounts: int) -> list[int]:
    """``total`` posts over ``accounts`` accounts, the largest ten times the smallest, summing exactly."""
    weights = [1 + 9 * i / max(1, accounts - 1) for i in range(accounts)]
    counts = [math.floor(total * w / sum(weights)) for w in weights]
    counts[-1] += total - sum(counts)
    return counts


MAX_ACCOUNTS = len(TOWNS) * len(KINDS)


def usernames(accounts: int) -> list[str]:
    """Town-and-topic account names (``ermua.kultura``), the same for the same count (at most
    ``MAX_ACCOUNTS``)."""
    if not 0 < accounts <= MAX_ACCOUNTS:
        raise ValueError(f"between 1 and {MAX_ACCOUNTS} accounts, not {accounts}")
    pairs = [f"{town}.{kind}" for kind in KINDS for town in TOWNS]
    random.Random(5).shuffle(pairs)
    return pairs[:accounts]


def caption(rng: random.Random, own_tag: str) -> tuple[str | None, list[str], list[str]]:
    """A caption in Spanish, Basque or both, and its hashtags and mentions as instaloader lists them."""
    if rng.random() < 0.05:
        return None, [], []
    sentences: list[str] = []
    language = rng.choices(("es", "eu", "both"), weights=(5, 3, 2))[0]
    mentions = rng.sample(PEOPLE, rng.choice((0, 0, 0, 1, 1, 2)))
    if language in ("es", "both"):
        event = rng.choice(ES_EVENTS)
        sentences.append(
            f"{rng.choice(ES_OPENINGS)} {event} {rng.choice(ES_PLACES)} {rng.choice(ES_TIMES)}."
            + (f" {rng.choice(EMOJI)}" if rng.random() < 0.5 else "")
        )
        sentences += rng.sample(ES_DETAILS, rng.randint(0, 3))
        if mentions:
            sentences.append("Gracias a " + " y ".join("@" + m for m in mentions) + " por las fotos.")
    if language in ("eu", "both"):
        sentences.append(
            f"{rng.choice(('Gaur', 'Bihar', 'Larunbatean', 'Igandean'))} {rng.choice(EU_EVENTS)} "
            f"{rng.choice(EU_PLACES)} {rng.choice(EU_TIMES)}!"
        )
        sentences += rng.sample(EU_DETAILS, rng.randint(0, 2))
        if mentions and language == "eu":
            sentences.append("Eskerrik asko " + " eta ".join("@" + m for m in mentions) + "!")
    tags = [own_tag] if rng.random() < 0.6 else []
    # A Zipf-like draw: a few tags in most posts, a long tail now and then, some with a year in them.
    for _ in range(rng.choice((0, 1, 2, 3, 3, 4, 5))):
        tag = HASHTAGS[min(int(rng.paretovariate(1.1)) - 1, len(HASHTAGS) - 1)]
        if rng.random() < 0.1:
            tag += str(rng.randint(2014, 2025))
        if tag not in tags:
            tags.append(tag)
    text = (
        "\n\n".join((" ".join(sentences), " ".join("#" + tag for tag in tags)))
        if tags
        else " ".join(sentences)
    )
    return text, [tag.lower() for tag in tags], [m.lower() for m in mentions]


def ensure(folder: Path, posts: int, accounts: int) -> tuple[Dataset, float | None]:
    """The data set in ``folder``, built unless it already holds these counts; and the seconds building
    took (None when it was reused)."""
    dataset = Dataset(folder)
    wanted = {"format": FORMAT, "posts": posts, "accounts": accounts}
    marker = dataset.marker()
    if marker == wanted | {"seconds": marker.get("seconds")} and dataset.db_path.is_file():
        return dataset, None
    if folder.exists() and any(folder.iterdir()) and not marker:
        raise SystemExit(f"{folder} holds something else than benchmark data: choose another --data")
    # A folder of ours with other counts, or an unfinished build: start again.
    for stale in folder.glob("instagram.db*"):
        stale.unlink()
    shutil.rmtree(dataset.media_dir, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text(json.dumps({"building": True}))
    started = time.perf_counter()
    build(dataset, posts, accounts)
    seconds = time.perf_counter() - started
    (folder / MARKER).write_text(json.dumps(wanted | {"seconds": round(seconds, 1)}))
    return dataset, seconds


def build(dataset: Dataset, posts: int, accounts: int, seed: int = 11) -> None:
    """Write the accounts' rows and images into ``dataset`` (the images in worker processes meanwhile)."""
    names = usernames(accounts)
    counts = posts_per_account(posts, accounts)
    random.Random(seed).shuffle(counts)  # the largest account is not the last by name
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        drawn = [
            pool.submit(draw_images, str(dataset.media_dir / name), seed + i) for i, name in enumerate(names)
        ]
        tables = Tables()
        for i, (name, count) in enumerate(zip(names, counts, strict=True)):
            add_account(tables, random.Random(seed * 1000 + i), name, 17_000_000_000 + i, count)
        engine = db.open_engine(dataset.url)
        with Session(engine) as session:
            for model, rows in tables.in_order():
                if model is Profile:  # as the store numbers new accounts
                    for serial, row in enumerate(rows, start=1):
                        row["serial"] = serial
                for batch in chunks(rows, BATCH):
                    if model is Post:  # keys as the store gives them (scraper.store.search_keys)
                        search_keys.fill(session, model.__tablename__, batch)
                    session.execute(insert(model), batch)
            session.commit()
        engine.dispose()
        for future in drawn:
            future.result()


class Tables:
    """The rows to insert, per table (a new row's id is the count of rows before it, plus one)."""

    def __init__(self) -> None:
        self.profiles: list[dict[str, Any]] = []
        self.runs: list[dict[str, Any]] = []
        self.snapshots: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.media: list[dict[str, Any]] = []
        self.metrics: list[dict[str, Any]] = []
        self.versions: list[dict[str, Any]] = []

    def in_order(self) -> list[tuple[type[Any], list[dict[str, Any]]]]:
        """Each model with its rows, parents before children (foreign keys are on)."""
        return [
            (Profile, self.profiles),
            (SyncRun, self.runs),
            (ProfileSnapshot, self.snapshots),
            (Post, self.posts),
            (MediaItem, self.media),
            (PostMetrics, self.metrics),
            (CaptionVersion, self.versions),
        ]


@dataclass(frozen=True)
class Account:
    """What an account's rows share: its names, followers and syncs."""

    username: str
    user_id: int
    followers: int
    run_ids: list[int]
    run_times: list[datetime]

    @property
    def town(self) -> str:
        return self.username.split(".")[0]

    @property
    def kind(self) -> str:
        return self.username.split(".")[1]


def add_account(tables: Tables, rng: random.Random, username: str, user_id: int, count: int) -> None:
    """One account's profile, syncs, snapshots, posts, media items, post counts and caption edits."""
    followers = int(rng.lognormvariate(9.0, 0.8)) + 800
    syncs = rng.choice((2, 3))
    account = Account(
        username=username,
        user_id=user_id,
        followers=followers,
        run_ids=[len(tables.runs) + k + 1 for k in range(syncs)],
        run_times=[
            LAST_SYNC - timedelta(days=14 * (syncs - 1 - k), minutes=rng.randrange(600)) for k in range(syncs)
        ],
    )
    times = post_times(rng, count, account.run_times[-1] - timedelta(hours=1))
    # How many posts came after each sync: the newest posts a sync refreshes come right after those.
    later = [sum(t > when for t in times) for when in account.run_times]
    for k, taken_at in enumerate(times):
        post = post_row(rng, account, len(tables.posts) + 1, k, taken_at, times[-1])
        tables.posts.append(post)
        tables.media += media_rows(rng, account, post, k)
        tables.metrics += metric_rows(account, post, k, later)
        if post["caption"] and rng.random() < 0.005:
            earlier = post["caption"].split("\n\n")[0]  # the hashtags were added later
            tables.versions.append(
                {"post_id": post["id"], "caption": earlier, "replaced_at": account.run_times[-1]}
            )
    for k, (run, when, newer) in enumerate(zip(account.run_ids, account.run_times, later, strict=True)):
        seen = count - newer
        new = seen - (count - later[k - 1] if k else 0)
        tables.runs.append(sync_row(account, run, when, new, first=k == 0))
        tables.snapshots.append(
            {
                "profile_id": user_id,
                "sync_run_id": run,
                "taken_at": when,
                "followers": int(followers * (1 - 0.02 * (syncs - 1 - k))),
                "followees": 300 + user_id % 500,
                "post_count": seen,
            }
        )
    tables.profiles.append(profile_row(rng, account, count, newest=times[0]))


def post_times(rng: random.Random, count: int, newest: datetime) -> list[datetime]:
    """``count`` posting times up to ``newest``, newest first: more lately than years ago, at the hours
    a town hall posts (UTC, an hour or two behind Madrid)."""
    span_days = rng.randint(5 * 365, 11 * 365)
    weights = [1, 1, 1, 1, 1, 1, 3, 8, 12, 14, 12, 10, 6, 4, 5, 8, 12, 14, 12, 8, 5, 3, 2, 1]
    hours = rng.choices(range(24), weights=weights, k=count)
    ages = sorted(
        timedelta(days=span_days * rng.random() ** 1.4, hours=h, minutes=rng.randrange(60)) for h in hours
    )
    return [newest - age for age in ages]


def post_row(
    rng: random.Random, account: Account, post_id: int, k: int, taken_at: datetime, oldest: datetime
) -> dict[str, Any]:
    """The ``k``-th newest post of the account."""
    media_id = 3_000_000_000_000_000_000 + post_id * 4096 + account.user_id % 4096
    post_type = rng.choices(("image", "video", "carousel"), weights=(60, 20, 20))[0]
    text, tags, mentions = caption(rng, account.town + account.kind)
    last_sync = account.run_times[-1]
    growth = 0.4 + 0.6 * (taken_at - oldest) / (last_sync - oldest)  # the account had fewer followers
    boost = 1.3 if post_type == "carousel" else 1.0
    likes: int | None = int(account.followers * growth * rng.lognormvariate(-3.6, 0.6) * boost)
    comments = int((likes or 0) * rng.uniform(0.005, 0.06))
    if rng.random() < 0.01:  # the account hid its like counts on this post
        likes = None
    place = rng.choice(PLACES) if rng.random() < 0.3 else None
    sizes = ((1080, 1080), (1080, 1350), (1080, 566))
    width, height = rng.choice(sizes) if post_type != "video" else (1080, 1920)
    video = post_type == "video"
    return {
        "id": post_id,
        "shortcode": mediaid_to_shortcode(media_id),
        "media_id": media_id,
        "profile_id": account.user_id,
        "taken_at": taken_at,
        "type": post_type,
        "caption": text,
        "hashtags": tags,
        "mentions": mentions,
        "tagged_users": sorted(rng.sample(PEOPLE, rng.choice((0, 0, 0, 0, 1, 2)))),
        "location_id": place[0] if place else None,
        "location_name": place[1] if place else None,
        "location_lat": place[2] if place else None,
        "location_lng": place[3] if place else None,
        "likes": likes,
        "comments": comments,
        "video_views": int((likes or 0) * rng.uniform(6, 30)) if video else None,
        "video_plays": None,
        "video_duration": round(rng.uniform(5, 90), 2) if video else None,
        "is_pinned": k == 0 and rng.random() < 0.5,
        "accessibility_caption": f"Puede ser una imagen de {rng.choice(THINGS)}."
        if post_type == "image" and rng.random() < 0.7
        else None,
        "width": width,
        "height": height,
        "first_seen_at": next((t for t in account.run_times if t > taken_at), last_sync),
        "last_seen_at": last_sync,
        "deleted_at": last_sync if rng.random() < 0.004 else None,
    }


def media_rows(rng: random.Random, account: Account, post: dict[str, Any], k: int) -> list[dict[str, Any]]:
    """The post's image, video or carousel items, with files from the account's pools."""
    media_id, width, height = post["media_id"], post["width"], post["height"]
    rows = []
    for position in range(1 if post["type"] != "carousel" else rng.randint(2, 5)):
        is_video = post["type"] == "video" or (post["type"] == "carousel" and rng.random() < 0.2)
        signature = f"oh=00_{rng.getrandbits(64):016x}&oe={rng.getrandbits(32):08X}"
        rows.append(
            {
                "post_id": post["id"],
                "position": position,
                "is_video": is_video,
                "image_url": f"https://{CDN}/v/t51.29350-15/{media_id}_{position}_n.jpg"
                f"?stp=dst-jpg_e35_p{width}x{height}&_nc_ht={CDN}&{signature}",
                "video_url": f"https://{CDN}/o1/v/t16/{media_id}_{position}.mp4" if is_video else None,
                "width": width,
                "height": height,
                "accessibility_caption": None,
                # Neighbouring posts get different pictures, so a page of the gallery shows 24 files.
                "file": f"{account.username}/full_{(k + position) % FULL_POOL:02d}.jpg",
                "thumb": f"{account.username}/thumbs/pool_{(k + 37 * position) % THUMB_POOL:03d}.jpg",
                "video_file": None,
            }
        )
    return rows


def metric_rows(account: Account, post: dict[str, Any], k: int, later: list[int]) -> list[dict[str, Any]]:
    """The counts of the ``k``-th newest post at the sync that found it, and at each later sync that
    refreshed it (the ``REFRESHED`` newest posts stored before it); ``later``: how many posts are newer
    than each sync."""
    rows = []
    likes, comments, taken_at = post["likes"], post["comments"], post["taken_at"]
    for run, when, newer in zip(account.run_ids, account.run_times, later, strict=True):
        if when == post["first_seen_at"] or (when > post["first_seen_at"] and k < newer + REFRESHED):
            share = 1 - math.exp(
                -(when - taken_at).total_seconds() / 3600 / 30
            )  # fast at first, then settles
            rows.append(
                {
                    "post_id": post["id"],
                    "sync_run_id": run,
                    "taken_at": when,
                    "likes": None if likes is None else int(likes * share),
                    "comments": int(comments * share),
                    "views": None,
                }
            )
    return rows


def sync_row(account: Account, run: int, when: datetime, new: int, *, first: bool) -> dict[str, Any]:
    """A successful sync that stored ``new`` posts: the first took the whole timeline, later ones also
    refreshed the newest posts (a request each, logged out)."""
    return {
        "id": run,
        "username": account.username,
        "profile_id": account.user_id,
        "started_at": when - timedelta(minutes=3),
        "finished_at": when,
        "status": SyncStatus.OK,
        "error": None,
        "error_code": None,
        "api_requests": 2 + new + new // PAGE_LENGTH + (0 if first else REFRESHED),
        "posts_new": new,
        "posts_updated": 0 if first else REFRESHED,
        "media_downloaded": new,
        "source": "instagram",
    }


def profile_row(rng: random.Random, account: Account, count: int, newest: datetime) -> dict[str, Any]:
    """The account's profile as its last sync left it."""
    town, kind = TOWN_NAMES[account.town], KIND_NAMES[account.kind]
    return {
        "id": account.user_id,
        "username": account.username,
        "full_name": f"{town} {kind}",
        "biography": f"{town}ko {kind.lower()} 📍 Bizkaia\nInformación y agenda ⬇️",
        "external_url": f"https://www.{account.town}.eus/{account.kind}",
        "is_private": False,
        "is_verified": rng.random() < 0.2,
        "is_business": True,
        "category": "Government organization" if account.kind == "udala" else "Community",
        "followers": account.followers,
        "followees": 300 + account.user_id % 500,
        "post_count": count,
        "profile_pic_url": f"https://{CDN}/v/t51.2885-19/{account.user_id}_n.jpg",
        "profile_pic_key": f"{account.user_id}_n.jpg",
        "profile_pic_file": f"{account.username}/profile_pic.jpg",
        "profile_pic_changed_at": account.run_times[0],
        "is_demo": False,
        "complete_until": newest,
        "history_complete": True,
        "backfill_state": None,
        "first_seen_at": account.run_times[0],
        "updated_at": account.run_times[-1],
        "last_synced_at": account.run_times[-1],
    }


def chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    """``rows`` in slices of at most ``size``."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def photo(rng: random.Random, width: int, height: int) -> Image.Image:
    """A made-up picture with the detail of a photo (gradient, shapes, grain), so JPEG sizes are real."""
    base = Image.linear_gradient("L").resize((width, height)).rotate(rng.choice((0, 90, 180, 270)))
    colours = [tuple(rng.randrange(256) for _ in range(3)) for _ in range(2)]
    picture = ImageOps.colorize(base, colours[0], colours[1])
    draw = ImageDraw.Draw(picture)
    for _ in range(rng.randint(6, 14)):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randint(width // 12, width // 3)
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    picture = picture.filter(ImageFilter.BoxBlur(max(1, width // 300)))
    return Image.blend(picture, Image.effect_noise((width, height), 40).convert("RGB"), 0.2)


def draw_images(folder: str, seed: int) -> int:
    """An account's pools of thumbnails and full-size files and its profile picture; bytes written."""
    rng = random.Random(seed)
    root = Path(folder)
    (root / "thumbs").mkdir(parents=True, exist_ok=True)
    jobs = [(root / "profile_pic.jpg", (320, 320))]
    jobs += [
        (root / "thumbs" / f"pool_{i:03d}.jpg", ((320, 320), (256, 320), (320, 167))[i % 3])
        for i in range(THUMB_POOL)
    ]
    jobs += [(root / f"full_{i:02d}.jpg", ((1080, 1080), (1080, 1350))[i % 2]) for i in range(FULL_POOL)]
    written = 0
    for path, (width, height) in jobs:
        photo(rng, width, height).save(path, "JPEG", quality=85, optimize=True)
        written += path.stat().st_size
    return written


def describe(dataset: Dataset) -> dict[str, int]:
    """Row counts, the largest account's posts, and sizes on disk of the database and the media."""
    with sqlite3.connect(f"file:{dataset.db_path}?mode=ro", uri=True) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # fixed table names
            for table in ("profiles", "posts", "media_items", "post_metrics", "profile_snapshots")
        }
    files = [p for p in dataset.media_dir.rglob("*") if p.is_file()]
    db_files = [dataset.db_path, *dataset.root.glob("instagram.db-*")]
    return counts | {
        "db_bytes": sum(p.stat().st_size for p in db_files if p.exists()),
        "media_files": len(files),
        "media_bytes": sum(p.stat().st_size for p in files),
    }


def accounts_by_size(dataset: Dataset) -> list[tuple[str, int]]:
    """(username, posts) of every account, the largest first."""
    with sqlite3.connect(f"file:{dataset.db_path}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT username, count(posts.id) AS n FROM profiles JOIN posts ON posts.profile_id = profiles.id"
            " GROUP BY profiles.id ORDER BY n DESC, username"
        ).fetchall()
    return [(str(name), int(n)) for name, n in rows]
