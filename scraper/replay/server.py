"""Fake Instagram accounts, and a replay of Instagram's web answers about them for instaloader 4.16.

Nothing here reaches the network: ``InstagramReplay`` answers at the ``requests`` level (with the
``responses`` library), in the shapes that Instagram sends and instaloader 4.16 parses, so that
instaloader's own request and parsing code runs for real in tests and in the demo seeder.
The shapes follow real recorded answers (media records of ``api/v1/media/{id}/info/``, the
``web_profile_info`` reply, the logged-out start page) and instaloader's parser.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import io
import json
import random
import re
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import responses
from PIL import Image, ImageDraw
from requests import PreparedRequest

__all__ = [
    "API_HOSTS",
    "DEFAULT_START",
    "DOC_ID_POST",
    "DOC_ID_PROFILE",
    "DOC_ID_TIMELINE",
    "DOC_ID_TIMELINE_LOGGED_IN",
    "KINDS",
    "LOGIN_PAGE",
    "PAGE_LENGTH",
    "QUERY_HASH_TEST_LOGIN",
    "FakeAccount",
    "FakeMedia",
    "FakePost",
    "InstagramReplay",
    "ReplayCall",
    "add_new_posts",
    "build_account",
    "change_profile_pic",
    "delete_post",
    "fake_mp4",
    "media_item",
    "mediaid_to_shortcode",
    "profile_page_html",
    "render_jpeg",
    "start_page_html",
]

DOC_ID_POST = "27128499623469141"
DOC_ID_TIMELINE = "28904005159232689"
DOC_ID_TIMELINE_LOGGED_IN = "29104886249145907"
DOC_ID_PROFILE = "27937681195819736"
QUERY_HASH_TEST_LOGIN = "d6f4427fbe92d846298cf93df0b937d3"
LOGIN_PAGE = "https://www.instagram.com/accounts/login/"
API_HOSTS = frozenset({"www.instagram.com", "i.instagram.com"})
KINDS = (
    "profile_page", "start_page", "post", "timeline", "timeline_logged_in", "profile_query",
    "profile_info_iphone", "web_profile_info", "media_info_iphone", "location", "login", "two_factor",
    "test_login", "cdn", "profile_pic", "other",
)  # fmt: skip
PAGE_LENGTH = 12
_MENTION = re.compile(r"(?:^|\W|_)(?:@)(\w(?:(?:\w|(?:\.(?!\.))){0,28}(?:\w))?)", re.ASCII)
# Instagram's media ids are 41 bits of milliseconds since this moment, 13 bits of shard, 10 of sequence.
_IG_EPOCH_MS = 1314220021721
DEFAULT_START = datetime(2024, 11, 15, 19, 30, tzinfo=UTC)
_APP_ID = "936619743392459"
_PRODUCT_TYPES = {"image": "feed", "video": "clips", "carousel": "carousel_container"}
_JSON = "application/json; charset=utf-8"
_HTML = "text/html; charset=utf-8"

Response = tuple[int, list[tuple[str, str]], bytes | str]


# --- Fake accounts ------------------------------------------------------------------------------


@dataclass
class FakeMedia:
    """One image or video of a post: the single media, or a carousel child."""

    is_video: bool
    width: int
    height: int
    image_url: str
    video_url: str | None = None
    accessibility_caption: str | None = None
    pk: int = 0  # media id of a carousel child; 0 for the single media of a post
    video_duration: float | None = None


@dataclass
class FakePost:
    """One post of a fake account."""

    pk: int
    shortcode: str
    taken_at: int
    kind: str  # "image" | "video" | "carousel"
    caption: str | None
    likes: int
    comments: int
    views: int | None
    pinned: bool
    media: list[FakeMedia]
    tagged_users: list[str] = field(default_factory=list)
    location: dict[str, Any] | None = None
    plays: int | None = None  # play_count of a video (reels count replays, so plays >= views)

    @property
    def media_type(self) -> int:
        """Instagram's media_type: 1 image, 2 video, 8 carousel."""
        return {"image": 1, "video": 2, "carousel": 8}[self.kind]

    @property
    def typename(self) -> str:
        """instaloader's typename: GraphImage, GraphVideo or GraphSidecar."""
        return {"image": "GraphImage", "video": "GraphVideo", "carousel": "GraphSidecar"}[self.kind]

    @property
    def date_utc(self) -> datetime:
        """The time of posting, timezone-aware UTC."""
        return datetime.fromtimestamp(self.taken_at, UTC)

    @property
    def hashtags(self) -> list[str]:
        """Lowercased hashtags of the caption, in order, as instaloader extracts them."""
        return re.findall(r"#(\w{1,150})", (self.caption or "").lower())

    @property
    def mentions(self) -> list[str]:
        """Lowercased mentions of the caption, in order."""
        return _MENTION.findall((self.caption or "").lower())

    @property
    def accessibility_caption(self) -> str | None:
        """The post's own accessibility caption (the single image's; none for videos and carousels)."""
        return self.media[0].accessibility_caption if self.kind == "image" else None


@dataclass
class FakeAccount:
    """A fake Instagram account and its timeline."""

    username: str
    user_id: int
    full_name: str
    biography: str
    external_url: str | None
    is_private: bool
    is_verified: bool
    is_business: bool
    category: str | None
    followers: int
    followees: int
    profile_pic_url: str
    posts: list[FakePost] = field(default_factory=list)  # timeline order: pinned, then newest first
    followed_by: set[str] = field(default_factory=set)  # login names that follow (and so see) the account
    profile_pic_time: int = 0  # unix time the CDN gives as Last-Modified of the profile picture

    @property
    def page_id(self) -> str:
        """The id that the profile page gives the account's timeline (its fbid), not the user id."""
        return str(17841400000000000 + self.user_id % 10**9)

    @property
    def media_count(self) -> int:
        """Number of posts."""
        return len(self.posts)

    def post(self, shortcode: str) -> FakePost | None:
        """The post with this shortcode, if the account has it."""
        return next((p for p in self.posts if p.shortcode == shortcode), None)


def mediaid_to_shortcode(mediaid: int) -> str:
    """The shortcode of a media id, as ``instaloader.Post.mediaid_to_shortcode`` computes it."""
    return (
        base64.b64encode(mediaid.to_bytes(9, "big"), b"-_")
        .decode()
        .replace("A", " ")
        .lstrip()
        .replace(" ", "A")
    )


_FIRST_NAMES = ["Lucía", "Carmen", "Marta", "Elena", "Pablo", "Javier", "Sergio", "Alba", "Nerea", "Iñaki"]
_LAST_NAMES = ["García", "Martín", "López", "Sánchez", "Ruiz", "Moreno", "Navarro", "Iglesias", "Ortega"]
_CATEGORIES = ["Fotógrafo/a", "Artista", "Blog personal", "Cocinero/a", "Viajes y turismo", "Músico/a"]
_FRIENDS = [
    "lucia.martin", "carlos_garcia", "marta.fotografia", "pablo.viajes", "ana_lopez_", "jorge.ruiz",
    "elena.sanz", "david_moreno", "nerea.cocina", "iker_surf",
]  # fmt: skip
_TAGS = [
    "verano", "viaje", "madrid", "barcelona", "fotografía", "atardecer", "amigos", "familia", "comida",
    "naturaleza", "montaña", "playa", "arte", "música", "domingo", "café", "sevilla", "españa", "otoño",
]  # fmt: skip
_PLACES = [
    (213385402, "Madrid, Spain", 40.4168, -3.7038),
    (213050058, "Sevilla, Spain", 37.3891, -5.9845),
    (110845095613400, "Valencia, Spain", 39.4699, -0.3763),
    (215245914, "Granada, Spain", 37.1773, -3.5986),
    (224389738, "Playa de la Concha", 43.3183, -1.9871),
    (106412836056006, "Parque del Retiro", 40.4153, -3.6845),
    (234839157, "Mercado de San Miguel", 40.4154, -3.7090),
    (1017812091, "Bilbao, Spain", 43.2630, -2.9350),
]
_CAPTIONS = [
    "Atardecer increíble en {place} 🌅 #{t1} #{t2}",
    "Nada como un café por la mañana con @{friend} ☕ #{t1}",
    "Gracias a todos por venir ayer, fue un día inolvidable. #{t1} #{t2} #{t3}",
    "Domingo de mercado y paseo por {place}. ¿Quién se apunta la próxima vez? @{friend}\n\n#{t1} #{t2}",
    "Nuevo proyecto en marcha 💪 Pronto os cuento más… #{t1}",
    "Receta de la abuela: tortilla de patatas 🥔 ¡Qué rica! #comida #{t1}",
    "Últimos días de luz en {place} con @{friend} y @{friend2} #{t1} #{t2}",
    "Sin palabras.",
    "Volver siempre a {place} ❤️ #{t1}",
]
_THINGS = ["una persona", "2 personas", "el mar", "comida", "un edificio", "el cielo y una montaña", "texto"]
_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"]  # fmt: skip
_POPS = ["mad1-1", "mad2-1", "mad1-2", "bcn1-1", "lis1-8"]
_TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _tok(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(_TOKEN_CHARS, k=n))


def _cdn_url(rng: random.Random, folder: str, ext: str, stp: str) -> str:
    """A signed-looking CDN url; the path is unique, the query imitates Instagram's."""
    host = f"scontent-{rng.choice(_POPS)}.cdninstagram.com"
    numbers = (rng.randrange(10**8, 10**9), rng.randrange(10**14, 10**16), rng.randrange(10**18, 10**19))
    name = "_".join(map(str, numbers)) + f"_n.{ext}"
    query = urlencode({
        "stp": stp, "_nc_ht": host, "_nc_cat": str(rng.randrange(100, 111)), "_nc_ohc": _tok(rng, 23),
        "_nc_gid": rng.randbytes(16).hex(), "edm": "AP4sbd4BAAAA", "ccb": "7-5", "oh": "00_" + _tok(rng, 44),
        "oe": f"{rng.randrange(0x67000000, 0x69000000):X}", "_nc_sid": "8b3546",
    })  # fmt: skip
    return f"https://{host}/v/{folder}/{name}?{query}"


def _with_stp(url: str, stp: str) -> str:
    """The same CDN file in another size variant (Instagram varies the ``stp`` parameter)."""
    parts = urlsplit(url)
    query = [(k, stp if k == "stp" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    if not any(k == "stp" for k, _ in query):
        query.insert(0, ("stp", stp))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _low_quality(url: str) -> str:
    """The url of a smaller version of a video (another file on the CDN)."""
    parts = urlsplit(url)
    head, _, name = parts.path.rpartition("/")
    return urlunsplit(parts._replace(path=f"{head}/lq_{name}"))


def _media_pk(rng: random.Random, user_id: int, ms: int) -> int:
    return ((ms - _IG_EPOCH_MS) << 23) | ((user_id % 8192) << 10) | rng.randrange(1024)


def _make_media(
    rng: random.Random,
    account: FakeAccount,
    is_video: bool,
    size: tuple[int, int],
    taken_at: int,
    pk: int = 0,
) -> FakeMedia:
    width, height = size
    day = datetime.fromtimestamp(taken_at, UTC)
    alt = None
    if not is_video and rng.random() < 0.75:
        alt = (
            f"Foto de {account.full_name} el {day.day} de {_MONTHS[day.month - 1]} de {day.year}. "
            f"Puede ser una imagen de {rng.choice(_THINGS)}."
        )
    return FakeMedia(
        is_video=is_video,
        width=width,
        height=height,
        image_url=_cdn_url(rng, "t51.2885-15", "jpg", f"dst-jpg_e35_p{width}x{height}_tt6"),
        video_url=_cdn_url(rng, "t50.2886-16", "mp4", "dst-mp4") if is_video else None,
        accessibility_caption=alt,
        pk=pk,
        video_duration=round(rng.uniform(4.0, 59.0), 3) if is_video else None,
    )


def _caption(rng: random.Random) -> str | None:
    if rng.random() < 0.15:
        return None
    tags = rng.sample(_TAGS, 3)
    friends = rng.sample(_FRIENDS, 2)
    return rng.choice(_CAPTIONS).format(
        place=rng.choice(_PLACES)[1].split(",")[0], t1=tags[0], t2=tags[1], t3=tags[2],
        friend=friends[0], friend2=friends[1],
    )  # fmt: skip


def _make_post(
    rng: random.Random, account: FakeAccount, kind: str, taken_at: int, taken: set[int]
) -> FakePost:
    ms = taken_at * 1000 + rng.randrange(1000)
    pk = _media_pk(rng, account.user_id, ms)
    while pk in taken:
        pk += 1
    taken.add(pk)
    likes = int(rng.lognormvariate(5.0, 1.1)) + 3
    if kind == "image":
        size = rng.choice([(1080, 1080), (1080, 1350), (1080, 566), (1440, 1800)])
        media = [_make_media(rng, account, False, size, taken_at)]
    elif kind == "video":
        size = rng.choice([(720, 1280), (1080, 1920), (720, 900)])
        media = [_make_media(rng, account, True, size, taken_at)]
    else:
        size = rng.choice([(1080, 1080), (1080, 1350)])
        count = rng.randint(2, 5)
        media = []
        for i in range(count):
            child_pk = _media_pk(rng, account.user_id, ms - (count - i) * rng.randrange(400, 4000))
            media.append(_make_media(rng, account, rng.random() < 0.25, size, taken_at, child_pk))
    views = int(likes * rng.uniform(6, 30)) if kind == "video" else None
    location = None
    if rng.random() < 0.3:
        loc_pk, name, lat, lng = rng.choice(_PLACES)
        location = {"pk": loc_pk, "name": name, "lat": lat, "lng": lng}
    return FakePost(
        pk=pk,
        shortcode=mediaid_to_shortcode(pk),
        taken_at=taken_at,
        kind=kind,
        caption=_caption(rng),
        likes=likes,
        comments=int(likes * rng.uniform(0.0, 0.08)),
        views=views,
        pinned=False,
        media=media,
        tagged_users=sorted(rng.sample(_FRIENDS, rng.choice([0, 0, 0, 1, 2, 3]))),
        location=location,
        plays=int(views * rng.uniform(1.1, 1.8)) if views is not None else None,
    )


def _profile_pic_url(rng: random.Random) -> str:
    return _cdn_url(rng, "t51.2885-19", "jpg", "dst-jpg_s320x320_tt6")


def build_account(
    username: str,
    n_posts: int,
    *,
    seed: int = 0,
    pinned: int = 0,
    private: bool = False,
    start: datetime | None = None,
) -> FakeAccount:
    """Deterministic account of n_posts mixing all three types (about 60% image, 20% video, 20%
    carousel), posted at irregular intervals going back from `start` (default a fixed date), with
    varied likes/comments."""
    rng = random.Random(f"{username}|{seed}")
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    is_business = rng.random() < 0.5
    start_ts = int((start or DEFAULT_START).timestamp())
    emoji, place = rng.choice(["📷", "✈️", "🎨", "🍳"]), rng.choice(_PLACES)[1].split(",")[0]
    biography = f"{emoji} {place} · #{rng.choice(_TAGS)} · colaboraciones: @{rng.choice(_FRIENDS)}"
    site = f"https://{username.lower().replace('_', '')}.example.com/"
    account = FakeAccount(
        username=username.lower(),
        user_id=rng.randrange(10**9, 6 * 10**10),
        full_name=f"{first} {last}",
        biography=biography,
        external_url=site if rng.random() < 0.6 else None,
        is_private=private,
        is_verified=rng.random() < 0.2,
        is_business=is_business,
        category=rng.choice(_CATEGORIES) if is_business else None,
        followers=int(rng.lognormvariate(8.0, 1.5)) + 10,
        followees=rng.randrange(50, 2000),
        profile_pic_url=_profile_pic_url(rng),
        profile_pic_time=start_ts - rng.randrange(30, 400) * 86400,
    )
    n_videos = n_carousels = round(n_posts * 0.2)
    kinds = ["video"] * n_videos + ["carousel"] * n_carousels + ["image"] * (n_posts - n_videos - n_carousels)
    rng.shuffle(kinds)
    taken: set[int] = set()
    t = start_ts - rng.randrange(600, 7200)
    posts = []
    for kind in kinds:
        posts.append(_make_post(rng, account, kind, t, taken))
        t -= 3600 + int(rng.expovariate(1 / (2.5 * 86400)))
    pinned_posts = sorted(
        rng.sample(posts[min(3, len(posts)) :], min(pinned, max(len(posts) - 3, 0))),
        key=lambda p: -p.taken_at,
    )
    for post in pinned_posts:
        post.pinned = True
    account.posts = pinned_posts + [p for p in posts if not p.pinned]
    return account


def add_new_posts(account: FakeAccount, n: int, *, seed: int = 1) -> list[FakePost]:
    """Publish n newer posts (inserted after the pinned ones, newest first); returns them."""
    rng = random.Random(f"{account.username}|{seed}|new|{len(account.posts)}")
    taken = {p.pk for p in account.posts}
    t = max((p.taken_at for p in account.posts), default=int(DEFAULT_START.timestamp()))
    new: list[FakePost] = []
    for _ in range(n):
        t += 1800 + int(rng.expovariate(1 / 86400))
        kind = rng.choices(["image", "video", "carousel"], weights=[6, 2, 2])[0]
        new.append(_make_post(rng, account, kind, t, taken))
    new.reverse()
    n_pinned = next((i for i, p in enumerate(account.posts) if not p.pinned), len(account.posts))
    account.posts[n_pinned:n_pinned] = new
    return new


def delete_post(account: FakeAccount, shortcode: str) -> FakePost:
    """Remove a post from the account, as its owner deleting it; returns it."""
    post = account.post(shortcode)
    if post is None:
        raise KeyError(shortcode)
    account.posts.remove(post)
    return post


def change_profile_pic(account: FakeAccount, *, seed: int = 1) -> str:
    """Give the account a new profile picture (a new CDN file, newer Last-Modified); returns its url."""
    account.profile_pic_url = _profile_pic_url(random.Random(f"{account.username}|pic|{seed}"))
    account.profile_pic_time += 86400 + seed
    return account.profile_pic_url


# --- Instagram's answers ------------------------------------------------------------------------


def _candidates(media: FakeMedia) -> list[dict[str, Any]]:
    """image_versions2.candidates: the original first, then smaller variants of the same file."""
    out = [{"width": media.width, "height": media.height, "url": media.image_url}]
    for width in (640, 320):
        if width < media.width:
            height = round(media.height * width / media.width)
            out.append(
                {
                    "width": width,
                    "height": height,
                    "url": _with_stp(media.image_url, f"dst-jpg_e35_p{width}x{width}_tt6"),
                }
            )
    return out


def _video_versions(media: FakeMedia, pk: int) -> list[dict[str, Any]]:
    """video_versions: the full-size file first, then a smaller one, as in the real records."""
    assert media.video_url is not None
    small = (round(media.width * 0.6), round(media.height * 0.6))
    return [
        {"type": 101, "width": media.width, "height": media.height, "url": media.video_url, "id": f"{pk}1v"},
        {
            "type": 102,
            "width": small[0],
            "height": small[1],
            "url": _low_quality(media.video_url),
            "id": f"{pk}2v",
        },
    ]


def _dash_manifest(media: FakeMedia) -> str | None:
    """A short DASH manifest naming the video file, as video records carry one."""
    if not media.is_video or media.video_url is None:
        return None
    duration = f"PT{media.video_duration or 0:.3f}S"
    url = media.video_url.replace("&", "&amp;")
    return (
        f'<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" minBufferTime="PT1.500S" type="static" '
        f'mediaPresentationDuration="{duration}" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">'
        f'<Period duration="{duration}"><AdaptationSet segmentAlignment="true" maxWidth="{media.width}" '
        f'maxHeight="{media.height}" maxFrameRate="30"><Representation id="{media.pk or 1}v" '
        f'mimeType="video/mp4" codecs="avc1.64001F" width="{media.width}" height="{media.height}" '
        f'frameRate="30" bandwidth="1200000"><BaseURL>{url}</BaseURL></Representation></AdaptationSet>'
        "</Period></MPD>"
    )


def _mini_user(account: FakeAccount, viewer: str | None) -> dict[str, Any]:
    """The ``user`` of a media record."""
    return {
        "pk": account.user_id,
        "username": account.username,
        "full_name": account.full_name,
        "is_private": account.is_private,
        "profile_pic_url": _with_stp(account.profile_pic_url, "dst-jpg_s150x150_tt6"),
        "profile_pic_id": f"{account.user_id * 7 % 10**18}_{account.user_id}",
        "friendship_status": {
            "following": viewer in account.followed_by,
            "outgoing_request": False,
            "is_bestie": False,
            "is_restricted": False,
            "is_feed_favorite": False,
        },
        "is_verified": account.is_verified,
        "follow_friction_type": 0,
        "has_anonymous_profile_picture": False,
        "is_unpublished": False,
        "is_favorite": False,
        "latest_reel_media": 0,
        "has_highlight_reels": False,
    }


def _tag_user(username: str) -> dict[str, Any]:
    pk = zlib.crc32(username.encode()) + 10**9
    full_name = username.replace(".", " ").replace("_", " ").title().strip()
    pic = f"https://scontent-mad1-1.cdninstagram.com/v/t51.2885-19/{pk}_n.jpg?stp=dst-jpg_s150x150"
    return {
        "pk": pk, "username": username, "full_name": full_name, "is_private": False, "is_verified": False,
        "follow_friction_type": -1, "profile_pic_id": f"{pk * 3}_{pk}", "profile_pic_url": pic,
    }  # fmt: skip


def _carousel_child(post: FakePost, owner_id: int, media: FakeMedia, rest: bool) -> dict[str, Any]:
    child: dict[str, Any] = {
        "id": f"{media.pk}_{owner_id}",
        "media_type": 2 if media.is_video else 1,
        "image_versions2": {"candidates": _candidates(media)},
        "original_width": media.width,
        "original_height": media.height,
        "accessibility_caption": media.accessibility_caption,
        "video_versions": _video_versions(media, media.pk) if media.is_video else None,
        "video_duration": media.video_duration,
        "is_dash_eligible": 1 if media.is_video else None,
        "video_dash_manifest": _dash_manifest(media),
        "video_codec": "avc1.64001F" if media.is_video else None,
        "number_of_qualities": 2 if media.is_video else None,
        "pk": media.pk,
        "carousel_parent_id": f"{post.pk}_{owner_id}",
        "commerciality_status": "not_commercial",
    }
    return _drop_nulls(child) if rest else child


def _drop_nulls(record: dict[str, Any]) -> dict[str, Any]:
    """The REST API leaves out what the GraphQL API answers with null."""
    return {k: v for k, v in record.items() if v is not None}


def media_item(
    account: FakeAccount, post: FakePost, *, viewer: str | None = None, rest: bool = False
) -> dict[str, Any]:
    """The media record of a post, as in ``xdt_api__v1__media__shortcode__web_info.items[0]``.

    ``rest`` gives the ``api/v1/media/{id}/info/`` flavour, which leaves out null fields.
    """
    owner = account.user_id
    first = post.media[0]
    caption = None
    if post.caption is not None:
        caption = {
            "pk": post.pk // 1000 * 7 % 10**17 + 17800000000000000, "user_id": owner, "text": post.caption,
            "type": 1, "created_at": post.taken_at + 1, "created_at_utc": post.taken_at + 1,
            "content_type": "comment", "status": "Active", "bit_flags": 0, "did_report_as_spam": False,
            "share_enabled": False, "user": _mini_user(account, viewer), "is_covered": False,
            "media_id": post.pk, "private_reply_status": 0,
        }  # fmt: skip
    location = None
    if post.location is not None:
        loc = post.location
        location = {
            "pk": loc["pk"], "id": str(loc["pk"]), "short_name": loc["name"].split(",")[0],
            "facebook_places_id": loc["pk"], "external_source": "facebook_places", "name": loc["name"],
            "address": "", "city": "", "has_viewer_saved": False, "lng": loc["lng"], "lat": loc["lat"],
            "is_eligible_for_guides": True,
        }  # fmt: skip
    is_video = post.kind == "video"
    item: dict[str, Any] = {
        "taken_at": post.taken_at,
        "pk": post.pk,
        "id": f"{post.pk}_{owner}",
        "device_timestamp": post.taken_at * 1000000 - 13000000,
        "media_type": post.media_type,
        "code": post.shortcode,
        "client_cache_key": base64.b64encode(str(post.pk).encode()).decode() + ".2",
        "filter_type": 0,
        "carousel_media_count": len(post.media) if post.kind == "carousel" else None,
        "carousel_media": (
            [_carousel_child(post, owner, m, rest) for m in post.media] if post.kind == "carousel" else None
        ),
        "can_see_insights_as_brand": False,
        "is_unified_video": False,
        "user": _mini_user(account, viewer),
        "can_viewer_reshare": True,
        "caption_is_edited": False,
        "like_and_view_counts_disabled": False,
        "featured_products_cta": None,
        "commerciality_status": "not_commercial",
        "is_paid_partnership": False,
        "is_visual_reply_commenter_notice_enabled": True,
        "original_media_has_visual_reply_media": False,
        "comment_likes_enabled": True,
        "comment_threading_enabled": True,
        "has_more_comments": post.comments > 0,
        "next_max_id": None,
        "max_num_visible_preview_comments": 2,
        "preview_comments": [],
        "comments": [],
        "can_view_more_preview_comments": post.comments > 0,
        "comment_count": post.comments,
        "hide_view_all_comment_entrypoint": False,
        "inline_composer_display_condition": "impression_trigger",
        # A carousel's cover is its first child's image (the REST records leave it out).
        "image_versions2": None if rest and post.kind == "carousel" else {"candidates": _candidates(first)},
        "original_width": first.width,
        "original_height": first.height,
        "like_count": post.likes,
        "has_liked": False,
        "top_likers": [],
        "facepile_top_likers": [],
        "photo_of_you": False,
        "usertags": (
            {
                "in": [
                    {
                        "user": _tag_user(u),
                        "position": [0.3 + 0.1 * i, 0.6],
                        "start_time_in_video_in_sec": None,
                        "duration_in_video_in_sec": None,
                    }
                    for i, u in enumerate(post.tagged_users)
                ]
            }
            if post.tagged_users
            else None
        ),
        "is_organic_product_tagging_eligible": False,
        "is_dash_eligible": 1 if is_video else None,
        "video_dash_manifest": _dash_manifest(first),
        "video_codec": "avc1.64001F" if is_video else None,
        "number_of_qualities": 2 if is_video else None,
        "video_versions": _video_versions(first, post.pk) if is_video else None,
        "has_audio": True if is_video else None,
        "video_duration": first.video_duration if is_video else None,
        "view_count": post.views if is_video else None,
        "play_count": post.plays if is_video else None,
        "caption": caption,
        "accessibility_caption": post.accessibility_caption,
        "location": location,
        "lat": post.location["lat"] if post.location else None,
        "lng": post.location["lng"] if post.location else None,
        "timeline_pinned_user_ids": [owner] if post.pinned else [],
        "can_viewer_save": True,
        "organic_tracking_token": base64.b64encode(f'{{"version":5,"media":"{post.pk}"}}'.encode()).decode(),
        "sharing_friction_info": {"should_have_sharing_friction": False, "bloks_app_url": None},
        "comment_inform_treatment": {"should_have_inform_treatment": False, "text": ""},
        "product_type": _PRODUCT_TYPES[post.kind],
        "is_in_profile_grid": False,
        "profile_grid_control_enabled": False,
        "deleted_reason": 0,
        "integrity_review_decision": "pending",
        "music_metadata": None,
        "title": None,
    }
    return _drop_nulls(item) if rest else item


def _profile_fields(account: FakeAccount) -> dict[str, Any]:
    """The profile as the web app's GraphQL queries give it (XDTUserDict)."""
    pk = str(account.user_id)
    return {
        "pk": pk,
        "id": pk,
        "username": account.username,
        "full_name": account.full_name,
        "biography": account.biography,
        "bio_links": (
            [{"url": account.external_url, "title": "", "link_type": "external"}]
            if account.external_url
            else []
        ),
        "external_url": account.external_url,
        "is_private": account.is_private,
        "is_verified": account.is_verified,
        "is_business": account.is_business,
        "is_professional_account": account.is_business,
        "account_type": 2 if account.is_business else 1,
        "category": account.category,
        "follower_count": account.followers,
        "following_count": account.followees,
        "profile_pic_url": _with_stp(account.profile_pic_url, "dst-jpg_s150x150_tt6"),
        "hd_profile_pic_url_info": {"url": account.profile_pic_url},
        "is_embeds_disabled": False,
        "is_memorialized": False,
        "is_regulated_c18": False,
        "pronouns": [],
        "text_post_app_is_private": False,
        "__typename": "XDTUserDict",
    }


def _profile_page_user(account: FakeAccount) -> dict[str, Any]:
    # The logged-out page counts posts as all_media_count (instaloader's normalizer knows it).
    return {**_profile_fields(account), "all_media_count": account.media_count, "friendship_status": None}


def _friendship(account: FakeAccount, viewer: str) -> dict[str, Any]:
    return {
        "following": viewer in account.followed_by, "followed_by": False, "blocking": False,
        "muting": False, "is_private": account.is_private, "incoming_request": False,
        "outgoing_request": False, "is_bestie": False, "is_restricted": False, "is_feed_favorite": False,
    }  # fmt: skip


def _profile_query_user(account: FakeAccount, viewer: str) -> dict[str, Any]:
    return {
        **_profile_fields(account), "media_count": account.media_count,
        "friendship_status": _friendship(account, viewer), "mutual_followers_count": 0,
        "has_story_archive": None, "latest_reel_media": 0, "is_favorite": False,
    }  # fmt: skip


def _iphone_user(account: FakeAccount) -> dict[str, Any]:
    """``user`` of ``i.instagram.com/api/v1/users/{id}/info/``."""
    return {
        "pk": account.user_id, "pk_id": str(account.user_id), "id": str(account.user_id),
        "strong_id__": str(account.user_id), "username": account.username, "full_name": account.full_name,
        "biography": account.biography, "external_url": account.external_url or "",
        "is_private": account.is_private, "is_verified": account.is_verified,
        "is_business": account.is_business, "category": account.category,
        "follower_count": account.followers, "following_count": account.followees,
        "media_count": account.media_count,
        "profile_pic_url": _with_stp(account.profile_pic_url, "dst-jpg_s150x150_tt6"),
        "profile_pic_id": f"{account.user_id * 7 % 10**18}_{account.user_id}",
        "hd_profile_pic_url_info": {"url": account.profile_pic_url, "width": 320, "height": 320},
        "hd_profile_pic_versions": [{"width": 320, "height": 320, "url": account.profile_pic_url}],
        "has_anonymous_profile_picture": False, "account_type": 2 if account.is_business else 1,
    }  # fmt: skip


def _web_profile_info_user(account: FakeAccount) -> dict[str, Any]:
    """``data.user`` of ``api/v1/users/web_profile_info/``: the legacy node, as in profile.json."""
    pic_small = _with_stp(account.profile_pic_url, "dst-jpg_s150x150_tt6")
    empty = {"count": 0, "page_info": {"has_next_page": False, "end_cursor": None}, "edges": []}
    return {
        "biography": account.biography, "blocked_by_viewer": False, "restricted_by_viewer": False,
        "country_block": False, "external_url": account.external_url, "external_url_linkshimmed": None,
        "edge_followed_by": {"count": account.followers}, "fbid": account.page_id,
        "followed_by_viewer": False, "edge_follow": {"count": account.followees}, "follows_viewer": False,
        "full_name": account.full_name, "has_ar_effects": False, "has_clips": True, "has_guides": False,
        "has_channel": False, "has_blocked_viewer": False, "highlight_reel_count": 0,
        "has_requested_viewer": False, "hide_like_and_view_counts": False, "id": str(account.user_id),
        "is_business_account": account.is_business, "is_professional_account": account.is_business,
        "is_embeds_disabled": False, "is_joined_recently": False,
        "business_category_name": account.category, "category_name": account.category,
        "is_private": account.is_private, "is_verified": account.is_verified,
        "edge_mutual_followed_by": {"count": 0, "edges": []}, "profile_pic_url": pic_small,
        "profile_pic_url_hd": account.profile_pic_url, "requested_by_viewer": False,
        "should_show_category": account.is_business, "username": account.username, "pronouns": [],
        "edge_felix_video_timeline": empty,
        "edge_owner_to_timeline_media": {**empty, "count": account.media_count,
                                         "page_info": {"has_next_page": account.media_count > 0,
                                                       "end_cursor": None}},
        "edge_saved_media": empty, "edge_media_collections": empty,
    }  # fmt: skip


def _cursor(account: FakeAccount, post: FakePost) -> str:
    """An end cursor: the id of the last post on the page, so it survives newer posts (like Instagram's)."""
    return f"{post.pk}_{account.user_id}"


def _page(
    account: FakeAccount, after: str | None, length: int = PAGE_LENGTH
) -> tuple[list[FakePost], int, bool]:
    """The posts after the cursor: (page, index of its first post, whether more follow)."""
    posts = account.posts
    start = 0
    if after:
        try:
            pk = int(after.split("_")[0])
        except ValueError:
            pk = None
        if pk is not None:
            start = next((i + 1 for i, p in enumerate(posts) if p.pk == pk), -1)
            if start < 0:  # that post is gone: continue with the older ones
                start = next((i for i, p in enumerate(posts) if not p.pinned and p.pk < pk), len(posts))
    page = posts[start : start + length]
    return page, start, start + length < len(posts)


def _page_info(account: FakeAccount, page: list[FakePost], more: bool) -> dict[str, Any]:
    return {
        "end_cursor": _cursor(account, page[-1]) if page else None,
        "has_next_page": more,
        "has_previous_page": False,
        "start_cursor": None,
    }


def _timeline_node(account: FakeAccount, post: FakePost) -> dict[str, Any]:
    """A post as the logged-out profile page lists it (instaloader reads only ``code``)."""
    return {
        "code": post.shortcode, "pk": str(post.pk), "id": f"{post.pk}_{account.user_id}",
        "taken_at": post.taken_at, "media_type": post.media_type, "product_type": _PRODUCT_TYPES[post.kind],
        "timeline_pinned_user_ids": [account.user_id] if post.pinned else [],
        "like_and_view_counts_disabled": False, "__typename": "XDTMediaDict",
    }  # fmt: skip


def _timeline_connection(account: FakeAccount, page: list[FakePost], more: bool) -> dict[str, Any]:
    return {
        "edges": [{"node": _timeline_node(account, p), "cursor": _cursor(account, p)} for p in page],
        "page_info": _page_info(account, page, more),
    }


def _script(payload: Any) -> str:
    text = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json" data-content-len="{len(text)}" data-sjs>{text}</script>\n'


def _preloaded(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """A query result that a page embeds, as the web app's RelayPrefetchedStreamCache receives it."""
    key = f"adp_{name}RelayPreloader_{hashlib.md5(name.encode()).hexdigest()[:20]}"
    result = {
        "__bbox": {
            "complete": True,
            "result": {"data": data, "extensions": {"is_final": True}},
            "sequence_number": 0,
        }
    }
    return {
        "require": [
            [
                "ScheduledServerJS",
                "handle",
                None,
                [{"__bbox": {"require": [["RelayPrefetchedStreamCache", "next", [], [key, result]]]}}],
            ]
        ]
    }


def _defines(lsd: str, dtsg: str | None, user_id: int) -> str:
    uid = str(user_id)
    user_data = {
        "ACCOUNT_ID": uid,
        "USER_ID": uid,
        "NAME": "",
        "SHORT_NAME": None,
        "IS_BUSINESS_PERSON_ACCOUNT": False,
        "HAS_SECONDARY_BUSINESS_PERSON": False,
        "IS_FACEBOOK_WORK_ACCOUNT": False,
        "IS_INSTAGRAM_BUSINESS_PERSON": False,
        "APP_ID": _APP_ID,
        "IS_BUSINESS_DOMAIN": False,
        "NON_FACEBOOK_USER_ID": uid,
        "IG_USER_EIMU": uid,
    }
    defines = [
        ["CurrentUserInitialData", [], user_data, 270],
        ["DTSGInitialData", [], {"token": dtsg} if dtsg else {}, 258],
        ["ISB", [], {}, 330],
        ["LSD", [], {"token": lsd}, 323],
        ["CookieDomain", [], {"domain": "instagram.com"}, 6421],
    ]
    body = json.dumps({"define": defines}, separators=(",", ":"))
    return (
        '<script>requireLazy(["JSScheduler","ServerJS","ScheduledApplyEach"],function(JSScheduler,ServerJS,'
        f"ScheduledApplyEach){{(new ServerJS()).handleWithCustomApplyEach(ScheduledApplyEach,{body});}});"
        "</script>\n"
    )


def _html(title: str, lsd: str, dtsg: str | None, user_id: int, blocks: Iterable[dict[str, Any]]) -> str:
    head = (
        '<!DOCTYPE html><html class="_9dls" lang="es" dir="ltr"><head><meta charset="utf-8" />'
        f'<meta name="robots" content="noarchive, noimageindex" /><title>{title}</title>\n'
    )
    timing = _script({"require": [["qplTimingsServerJS", None, None, ["7164150367282353788", "htmlStart"]]]})
    scripts = "".join(_script(b) for b in blocks)
    return f"{head}{timing}{_defines(lsd, dtsg, user_id)}</head><body>{scripts}</body></html>"


def profile_page_html(account: FakeAccount, *, lsd: str = "AVpkoQVhvlQ") -> str:
    """The logged-out profile page, embedding the profile query and (if public) its first posts."""
    blocks = [
        _preloaded("PolarisProfilePageContentQuery", {"xig_user_by_username": _profile_page_user(account)})
    ]
    if not account.is_private:
        page, _, more = _page(account, None)
        timeline = {
            "id": account.page_id,
            "username": account.username,
            "polaris_ordered_timeline_connection": _timeline_connection(account, page, more),
        }
        blocks.append(
            _preloaded(
                "PolarisLoggedOutDesktopWWWProfilePostsTabContentQuery", {"xig_user_by_username": timeline}
            )
        )
    title = f"{account.full_name} (@{account.username}) • Fotos y vídeos de Instagram"
    return _html(title, lsd, None, 0, blocks)


def start_page_html(*, lsd: str, dtsg: str | None = None, user_id: int = 0) -> str:
    """The start page ``https://www.instagram.com/``; logged in, it carries fb_dtsg and the user id."""
    return _html("Instagram", lsd, dtsg, user_id, [])


# --- CDN files ----------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def render_jpeg(width: int, height: int, seed: int, max_side: int = 128) -> bytes:
    """A small JPEG of the given aspect ratio, with colours that depend on the seed."""
    scale = min(1.0, max_side / max(width, height))
    w, h = max(8, round(width * scale)), max(8, round(height * scale))
    rng = random.Random(seed)

    def colour(low: int, high: int) -> tuple[int, int, int]:
        return rng.randrange(low, high), rng.randrange(low, high), rng.randrange(low, high)

    image = Image.new("RGB", (w, h), colour(40, 220))
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        draw.rectangle((x0, y0, x0 + rng.randrange(4, w), y0 + rng.randrange(4, h)), fill=colour(0, 256))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


@lru_cache(maxsize=1024)
def fake_mp4(seed: int, size: int = 6000) -> bytes:
    """A few KB that start like an MP4 file (ftyp box), deterministic per seed."""
    head = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41\x00\x00\x00\x08free"
    body = random.Random(seed).randbytes(max(size - len(head) - 8, 0))
    return head + (len(body) + 8).to_bytes(4, "big") + b"mdat" + body


@dataclass(frozen=True)
class _Asset:
    kind: str  # "image" | "video" | "profile_pic"
    width: int
    height: int
    seed: int
    modified: int
    size: int = 6000


def _crc(text: str) -> int:
    return zlib.crc32(text.encode())


def _assets(accounts: Iterable[FakeAccount]) -> dict[str, _Asset]:
    """Every CDN file the accounts refer to, by url path."""
    index: dict[str, _Asset] = {}
    for account in accounts:
        pic = account.profile_pic_url
        index[urlsplit(pic).path] = _Asset(
            "profile_pic", 320, 320, _crc(pic), account.profile_pic_time + _crc(pic) % 3600
        )
        for post in account.posts:
            for media in post.media:
                path = urlsplit(media.image_url).path
                index[path] = _Asset("image", media.width, media.height, _crc(path), post.taken_at + 5)
                if media.video_url:
                    path = urlsplit(media.video_url).path
                    index[path] = _Asset("video", media.width, media.height, _crc(path), post.taken_at + 5)
                    path = urlsplit(_low_quality(media.video_url)).path
                    index[path] = _Asset(
                        "video", media.width, media.height, _crc(path), post.taken_at + 5, 3000
                    )
    return index


# --- The replay ---------------------------------------------------------------------------------


@dataclass
class ReplayCall:
    """One request that the replay saw."""

    method: str
    url: str
    kind: str
    status: int | None  # None when the request raised an exception
    logged_in: bool = False
    variables: dict[str, Any] | None = None
    error: str | None = None

    @property
    def host(self) -> str:
        """The host the request went to."""
        return urlsplit(self.url).hostname or ""


@dataclass
class _Fault:
    kind: str
    status: int | None
    body: str | bytes | None
    exception: Exception | None
    headers: dict[str, str] | None
    after: int
    times: int | None
    match: Callable[[PreparedRequest], bool] | None
    seen: int = 0
    fired: int = 0


@dataclass
class _Session:
    login: str
    user_id: int


def _fresh(exc: Exception) -> Exception:
    """A new instance of the exception, so that raising it again does not pile up tracebacks."""
    try:
        return type(exc)(*exc.args)
    except Exception:
        return exc


def _cookies(request: PreparedRequest) -> dict[str, str]:
    """The request's cookies; of a repeated name (instaloader sends empty placeholders) the last non-empty."""
    out: dict[str, str] = {}
    for part in str(request.headers.get("Cookie") or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name and (value or name not in out):
            out[name] = value
    return out


def _json(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return status, [("Content-Type", _JSON), *(headers or [])], json.dumps(payload)


def _set_cookie(name: str, value: str, max_age: int = 31449600) -> tuple[str, str]:
    return "Set-Cookie", f"{name}={value}; Domain=.instagram.com; Max-Age={max_age}; Path=/; Secure"


class InstagramReplay:
    """Replays Instagram for the given accounts with responses.RequestsMock.

    It never asserts that all requests were fired, and answers from callbacks, so changes to the
    accounts after start show up in later answers.
    """

    def __init__(
        self,
        accounts: Iterable[FakeAccount] = (),
        *,
        users: dict[str, str] | None = None,
        two_factor: dict[str, str] | None = None,
        anonymous_page_limit: int | None = None,
    ) -> None:
        self.accounts: dict[str, FakeAccount] = {}
        for account in accounts:
            self.add_account(account)
        self.users = dict(users or {})
        self.two_factor = dict(two_factor or {})
        self.anonymous_page_limit = anonymous_page_limit
        self.calls: list[ReplayCall] = []
        self._faults: list[_Fault] = []
        self._sessions: dict[str, _Session] = {}
        self._pending_2fa: dict[str, str] = {}
        self._assets: dict[str, _Asset] = {}
        self._serial = 0
        self._lock = threading.RLock()
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        # One catch-all callback per method: responses pops the first of several matching entries.
        for method in ("GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"):
            self._mock.add_callback(method, re.compile(r".*"), callback=cast(Any, self._callback))

    # -- set-up -----------------------------------------------------------------------------------

    def add_account(self, account: FakeAccount) -> None:
        """Serve this account (replacing one of the same username)."""
        self.accounts[account.username.lower()] = account

    def remove_account(self, username: str) -> None:
        """Stop serving the account, as if it had been deleted or renamed."""
        self.accounts.pop(username.lower(), None)

    def start(self) -> None:
        """Start intercepting requests."""
        self._mock.start()

    def stop(self) -> None:
        """Stop intercepting requests."""
        self._mock.stop(allow_assert=False)

    def __enter__(self) -> InstagramReplay:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- observation and control ------------------------------------------------------------------

    def count(self, kind: str | None = None) -> int:
        """Number of requests seen of that kind (all if None)."""
        return sum(1 for c in self.calls if kind is None or c.kind == kind)

    def counts(self) -> dict[str, int]:
        """Number of requests seen, by kind."""
        out: dict[str, int] = {}
        for call in self.calls:
            out[call.kind] = out.get(call.kind, 0) + 1
        return out

    @property
    def api_requests(self) -> int:
        """Requests to www.instagram.com and i.instagram.com (not the CDN)."""
        return sum(1 for c in self.calls if c.host in API_HOSTS)

    def reset_calls(self) -> None:
        """Forget the requests seen so far."""
        with self._lock:
            self.calls.clear()

    def fail(
        self,
        kind: str,
        *,
        status: int | None = None,
        body: str | bytes | None = None,
        exception: Exception | None = None,
        headers: dict[str, str] | None = None,
        after: int = 0,
        times: int | None = 1,
        match: Callable[[PreparedRequest], bool] | None = None,
    ) -> None:
        """Fault injection: the requests of `kind` number after+1 .. after+times answer with this status/body.

        Or they raise the exception, e.g. requests.ConnectionError / requests.ReadTimeout. Requests are
        counted from this call on (only those that `match`, if given); times=None = forever.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown request kind {kind!r}")
        with self._lock:
            self._faults.append(_Fault(kind, status, body, exception, headers, after, times, match))

    def clear_faults(self) -> None:
        """Drop all injected faults."""
        with self._lock:
            self._faults.clear()

    def expire_sessions(self) -> None:
        """Forget every login: their session cookies now get redirected to the login page."""
        with self._lock:
            self._sessions.clear()

    def make_session(self, login: str) -> dict[str, str]:
        """Cookies of a fresh valid session of that login, as ``Instaloader.load_session`` takes them."""
        return dict(self._new_session(login)[0])

    # -- the request handler ----------------------------------------------------------------------

    def _callback(self, request: PreparedRequest) -> Response | Exception:
        parts = urlsplit(request.url or "")
        host = parts.hostname or ""
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        raw = request.body
        body = raw.decode() if isinstance(raw, bytes) else str(raw or "")
        form = dict(parse_qsl(body, keep_blank_values=True)) if request.method == "POST" else {}
        params = form or query
        variables: dict[str, Any] | None = None
        if "variables" in params:
            try:
                variables = json.loads(params["variables"])
            except ValueError:
                variables = None
        method = request.method or "GET"
        with self._lock:
            kind = self._classify(method, host, parts.path, params)
            session = self._session_of(request)
            call = ReplayCall(method, request.url or "", kind, None, session is not None, variables)
            self.calls.append(call)
            fault = self._fault_for(kind, request)
            if fault is not None:
                if fault.exception is not None:
                    call.error = repr(fault.exception)
                    return _fresh(fault.exception)
                result = self._fault_response(fault, host)
            else:
                result = self._answer(
                    kind, request, method, host, parts.path, params, variables or {}, session
                )
            call.status = result[0]
            return result

    def _classify(self, method: str, host: str, path: str, params: dict[str, str]) -> str:
        if host == "www.instagram.com":
            doc_id = params.get("doc_id")
            if method == "POST" and path in (
                "/api/graphql",
                "/api/graphql/",
                "/graphql/query",
                "/graphql/query/",
            ):
                return {
                    DOC_ID_POST: "post",
                    DOC_ID_TIMELINE: "timeline",
                    DOC_ID_TIMELINE_LOGGED_IN: "timeline_logged_in",
                    DOC_ID_PROFILE: "profile_query",
                }.get(doc_id or "", "other")
            if method == "GET" and path.rstrip("/") == "/graphql/query":
                return "test_login" if params.get("query_hash") == QUERY_HASH_TEST_LOGIN else "other"
            if method == "GET" and path == "/":
                return "start_page"
            if method == "POST" and path == "/api/v1/web/accounts/login/ajax/":
                return "login"
            if method == "POST" and path == "/accounts/login/ajax/two_factor/":
                return "two_factor"
            if method == "GET" and path == "/api/v1/users/web_profile_info/":
                return "web_profile_info"
            if method == "GET" and re.fullmatch(r"/explore/locations/\d+/", path):
                return "location"
            if method == "GET" and re.fullmatch(r"/[A-Za-z0-9._]{1,30}/", path):
                return "profile_page"
            return "other"
        if host == "i.instagram.com" and method == "GET":
            if re.fullmatch(r"/api/v1/users/\d+/info/", path):
                return "profile_info_iphone"
            if re.fullmatch(r"/api/v1/media/\d+/info/", path):
                return "media_info_iphone"
            return "other"
        if host.endswith((".cdninstagram.com", ".fbcdn.net")):
            asset = self._asset(path)
            return "profile_pic" if asset is not None and asset.kind == "profile_pic" else "cdn"
        return "other"

    def _session_of(self, request: PreparedRequest) -> _Session | None:
        """The valid session a request carries, in its cookies or (iPhone API) its bearer token."""
        sessionid = _cookies(request).get("sessionid", "")
        auth = str(request.headers.get("authorization") or "")
        if not sessionid and auth.startswith("Bearer IGT:2:"):
            try:
                sessionid = json.loads(base64.b64decode(auth[len("Bearer IGT:2:") :])).get("sessionid", "")
            except ValueError:
                sessionid = ""
        return self._sessions.get(sessionid)

    def _presents_session(self, request: PreparedRequest) -> bool:
        """Whether the request carries any sessionid (valid or not)."""
        return bool(_cookies(request).get("sessionid")) or "authorization" in request.headers

    def _fault_for(self, kind: str, request: PreparedRequest) -> _Fault | None:
        chosen = None
        for fault in self._faults:
            if fault.kind != kind or (fault.match is not None and not fault.match(request)):
                continue
            fault.seen += 1
            if (
                chosen is None
                and fault.seen > fault.after
                and (fault.times is None or fault.fired < fault.times)
            ):
                fault.fired += 1
                chosen = fault
        return chosen

    def _fault_response(self, fault: _Fault, host: str) -> Response:
        # Without a status: 200 if a body is given (a malformed answer), else 500.
        status = fault.status or (500 if fault.body is None else 200)
        headers = list((fault.headers or {}).items())
        if fault.body is not None:
            if not any(k.lower() == "content-type" for k, _ in headers):
                text = fault.body.decode(errors="replace") if isinstance(fault.body, bytes) else fault.body
                headers.append(("Content-Type", _JSON if text.lstrip()[:1] in ("{", "[") else "text/plain"))
            return status, headers, fault.body
        if host not in API_HOSTS:
            return status, [("Content-Type", "text/plain"), *headers], f"{status} error"
        # As Instagram words them; a 400 with "checkpoint_required" (pass it as body) aborts instaloader.
        messages = {
            429: "Please wait a few minutes before you try again.",
            401: "Please wait a few minutes before you try again.",
            403: "login_required",
        }
        payload: dict[str, Any] = {
            "message": messages.get(status, "Sorry, something went wrong"),
            "status": "fail",
        }
        if status in (401, 403, 429):
            payload["require_login"] = True
        return _json(status, payload, headers)

    def _login_redirect(self, path: str) -> Response:
        return 302, [("Location", f"{LOGIN_PAGE}?next={quote(path)}"), ("Content-Type", _HTML)], ""

    def _account_by(
        self,
        *,
        username: str | None = None,
        user_id: str | int | None = None,
        page_id: str | None = None,
        media_pk: int | None = None,
        shortcode: str | None = None,
    ) -> tuple[FakeAccount, FakePost | None] | None:
        for account in self.accounts.values():
            if username is not None and account.username == username.lower():
                return account, None
            if user_id is not None and str(account.user_id) == str(user_id):
                return account, None
            if page_id is not None and account.page_id == str(page_id):
                return account, None
            for post in account.posts if media_pk is not None or shortcode is not None else ():
                if post.pk == media_pk or post.shortcode == shortcode:
                    return account, post
        return None

    def _visible(self, account: FakeAccount, session: _Session | None) -> bool:
        """Whether the viewer may see the account's posts."""
        if not account.is_private:
            return True
        return session is not None and (
            session.login in account.followed_by or session.login.lower() == account.username
        )

    def _answer(
        self,
        kind: str,
        request: PreparedRequest,
        method: str,
        host: str,
        path: str,
        params: dict[str, str],
        variables: dict[str, Any],
        session: _Session | None,
    ) -> Response:
        handler = getattr(self, f"_on_{kind}")
        return handler(
            request=request,
            method=method,
            host=host,
            path=path,
            params=params,
            variables=variables,
            session=session,
        )

    # -- handlers, one per kind -------------------------------------------------------------------

    def _on_other(self, *, host: str, **_: Any) -> Response:
        if host in API_HOSTS:
            return (
                404,
                [("Content-Type", _HTML)],
                "<!DOCTYPE html><html><title>Page not found • Instagram</title></html>",
            )
        return 404, [("Content-Type", "text/plain")], "Not Found"

    def _next_token(self, prefix: str, n: int) -> str:
        self._serial += 1
        return prefix + _tok(random.Random(f"{prefix}|{self._serial}"), n)

    def _on_start_page(self, *, request: PreparedRequest, session: _Session | None, **_: Any) -> Response:
        headers = [("Content-Type", _HTML)]
        if not _cookies(request).get("csrftoken"):
            headers.append(_set_cookie("csrftoken", self._next_token("", 32)))
        lsd = self._next_token("AV", 9)
        if session is None:
            return 200, headers, start_page_html(lsd=lsd)
        dtsg = self._next_token("NAc", 40) + f":17843{session.user_id % 10**11:011d}:1731000000"
        return 200, headers, start_page_html(lsd=lsd, dtsg=dtsg, user_id=session.user_id)

    def _on_profile_page(self, *, path: str, **_: Any) -> Response:
        found = self._account_by(username=path.strip("/"))
        if found is None:
            return (
                404,
                [("Content-Type", _HTML)],
                (
                    "<!DOCTYPE html><html><head><title>Página no encontrada • "
                    "Instagram</title></head><body></body></html>"
                ),
            )
        return 200, [("Content-Type", _HTML)], profile_page_html(found[0], lsd=self._next_token("AV", 9))

    def _is_web_api(self, path: str) -> bool:
        return path.startswith("/api/graphql")

    def _graphql(self, path: str, data: dict[str, Any]) -> Response:
        """A GraphQL answer: api/graphql carries no status, graphql/query does."""
        if self._is_web_api(path):
            return _json(200, {"data": data, "extensions": {"is_final": True}})
        return _json(200, {"data": data, "status": "ok"})

    def _needs_session(self, path: str, session: _Session | None) -> bool:
        """The legacy graphql/query endpoint serves logged-in sessions only."""
        return not self._is_web_api(path) and session is None

    def _on_post(
        self, *, path: str, variables: dict[str, Any], session: _Session | None, **_: Any
    ) -> Response:
        if self._needs_session(path, session):
            return self._login_redirect(path)
        found = self._account_by(shortcode=str(variables.get("shortcode")))
        items: list[dict[str, Any]] = []
        if found is not None and found[1] is not None and self._visible(found[0], session):
            items = [media_item(found[0], found[1], viewer=session.login if session else None)]
        return self._graphql(path, {"xdt_api__v1__media__shortcode__web_info": {"items": items}})

    def _on_timeline(
        self, *, path: str, variables: dict[str, Any], session: _Session | None, **_: Any
    ) -> Response:
        found = self._account_by(page_id=str(variables.get("id")))
        if found is None:
            return self._graphql(path, {"node": None})
        account = found[0]
        if not self._visible(account, session):
            return self._graphql(
                path,
                {
                    "node": {
                        "id": account.page_id,
                        "polaris_ordered_timeline_connection": {
                            "edges": [],
                            "page_info": _page_info(account, [], False),
                        },
                    }
                },
            )
        page, start, more = _page(account, variables.get("after"), int(variables.get("first") or PAGE_LENGTH))
        limit = self.anonymous_page_limit
        if session is None and limit is not None and start // PAGE_LENGTH + 1 > limit:
            return _json(403, {"message": "login_required", "require_login": True, "status": "fail"})
        connection = _timeline_connection(account, page, more)
        return self._graphql(
            path,
            {
                "node": {
                    "__typename": "XDTUserDict",
                    "id": account.page_id,
                    "polaris_ordered_timeline_connection": connection,
                }
            },
        )

    def _on_timeline_logged_in(
        self, *, path: str, variables: dict[str, Any], session: _Session | None, **_: Any
    ) -> Response:
        if session is None:
            return self._login_redirect(path)
        found = self._account_by(username=str(variables.get("username")))
        key = "xdt_api__v1__feed__user_timeline_graphql_connection"
        if found is None:
            return self._graphql(path, {key: None})
        account = found[0]
        if not self._visible(account, session):
            return self._graphql(path, {key: {"edges": [], "page_info": _page_info(account, [], False)}})
        page, _start, more = _page(
            account, variables.get("after"), int(variables.get("first") or PAGE_LENGTH)
        )
        edges = [
            {"node": media_item(account, p, viewer=session.login), "cursor": _cursor(account, p)}
            for p in page
        ]
        return self._graphql(path, {key: {"edges": edges, "page_info": _page_info(account, page, more)}})

    def _on_profile_query(
        self, *, path: str, variables: dict[str, Any], session: _Session | None, **_: Any
    ) -> Response:
        if session is None:
            return self._login_redirect(path)
        found = self._account_by(user_id=str(variables.get("id")))
        user = _profile_query_user(found[0], session.login) if found else None
        return self._graphql(path, {"user": user})

    def _on_test_login(
        self, *, request: PreparedRequest, path: str, session: _Session | None, **_: Any
    ) -> Response:
        if session is None:
            if self._presents_session(request):
                return self._login_redirect(path)
            return _json(200, {"data": {"user": None}, "status": "ok"})
        found = self._account_by(user_id=session.user_id)
        user = {
            "id": str(session.user_id),
            "username": session.login,
            "full_name": found[0].full_name if found else "",
            "is_private": False,
            "profile_pic_url": found[0].profile_pic_url if found else "",
        }
        return _json(200, {"data": {"user": user}, "status": "ok"})

    def _on_web_profile_info(self, *, params: dict[str, str], **_: Any) -> Response:
        found = self._account_by(username=params.get("username", ""))
        if found is None:
            return _json(404, {"message": "User not found", "status": "fail"})
        return _json(200, {"data": {"user": _web_profile_info_user(found[0])}, "status": "ok"})

    def _on_profile_info_iphone(self, *, path: str, session: _Session | None, **_: Any) -> Response:
        if session is None:
            return self._login_redirect(path)
        found = self._account_by(user_id=path.split("/")[4])
        if found is None:
            return _json(404, {"message": "User not found", "status": "fail"})
        return _json(200, {"user": _iphone_user(found[0]), "status": "ok"})

    def _on_media_info_iphone(self, *, path: str, session: _Session | None, **_: Any) -> Response:
        if session is None:
            return self._login_redirect(path)
        found = self._account_by(media_pk=int(path.split("/")[4]))
        if found is None or found[1] is None or not self._visible(found[0], session):
            return _json(400, {"message": "Media not found or unavailable", "status": "fail"})
        item = media_item(found[0], found[1], viewer=session.login, rest=True)
        return _json(
            200,
            {
                "items": [item],
                "num_results": 1,
                "more_available": False,
                "auto_load_more_enabled": False,
                "status": "ok",
            },
        )

    def _on_location(self, *, path: str, session: _Session | None, **_: Any) -> Response:
        if session is None:
            return self._login_redirect(path)
        loc_id = int(path.split("/")[3])
        for account in self.accounts.values():
            for post in account.posts:
                if post.location and post.location["pk"] == loc_id:
                    loc = post.location
                    info = {
                        "location_id": str(loc_id),
                        "name": loc["name"],
                        "lat": loc["lat"],
                        "lng": loc["lng"],
                        "slug": re.sub(r"[^a-z0-9]+", "-", loc["name"].lower()).strip("-"),
                        "has_public_page": True,
                        "location_address": "",
                        "location_city": "",
                    }
                    return _json(200, {"native_location_data": {"location_info": info}, "status": "ok"})
        return _json(404, {"message": "Location not found", "status": "fail"})

    def _new_session(self, login: str) -> tuple[list[tuple[str, str]], int]:
        found = self._account_by(username=login)
        user_id = found[0].user_id if found else 10**9 + _crc(login.lower()) % (5 * 10**10)
        self._serial += 1
        sessionid = f"{user_id}%3A{_tok(random.Random(f'{login}|{self._serial}'), 14)}%3A{self._serial % 30}"
        self._sessions[sessionid] = _Session(login, user_id)
        cookies = [
            ("sessionid", sessionid),
            ("ds_user_id", str(user_id)),
            ("csrftoken", self._next_token("", 32)),
            ("mid", self._next_token("Z", 27)),
        ]
        return cookies, user_id

    def _logged_in(self, login: str) -> Response:
        cookies, user_id = self._new_session(login)
        body = {
            "user": True,
            "userId": str(user_id),
            "authenticated": True,
            "oneTapPrompt": True,
            "status": "ok",
        }
        return _json(200, body, [_set_cookie(k, v) for k, v in cookies])

    def _on_login(self, *, request: PreparedRequest, params: dict[str, str], **_: Any) -> Response:
        if not request.headers.get("X-CSRFToken"):
            return _json(403, {"message": "CSRF token missing or incorrect", "status": "fail"})
        login = params.get("username", "")
        password = params.get("enc_password", "").split(":", 3)[-1]
        if login not in self.users:
            return _json(200, {"user": False, "authenticated": False, "status": "ok"})
        if self.users[login] != password:
            return _json(
                200, {"user": True, "authenticated": False, "showAccountRecoveryModal": False, "status": "ok"}
            )
        if login in self.two_factor:
            identifier = self._next_token("", 40)
            self._pending_2fa[identifier] = login
            info = {
                "username": login,
                "two_factor_identifier": identifier,
                "totp_two_factor_on": True,
                "sms_two_factor_on": False,
                "whatsapp_two_factor_on": False,
                "obfuscated_phone_number": "",
                "show_messenger_code_option": False,
                "show_new_login_screen": True,
            }
            return _json(
                400,
                {
                    "message": "",
                    "two_factor_required": True,
                    "two_factor_info": info,
                    "status": "fail",
                    "error_type": "two_factor_required",
                },
            )
        return self._logged_in(login)

    def _on_two_factor(self, *, params: dict[str, str], **_: Any) -> Response:
        login = self._pending_2fa.get(params.get("identifier", ""))
        if login is None or login != params.get("username"):
            return _json(
                400,
                {
                    "message": "Please check the code we sent you and try again.",
                    "status": "fail",
                    "error_type": "invalid_identifier",
                },
            )
        if params.get("verificationCode") != self.two_factor.get(login):
            return _json(
                400,
                {
                    "message": "Please check the security code and try again.",
                    "status": "fail",
                    "error_type": "invalid_verification_code",
                },
            )
        del self._pending_2fa[params["identifier"]]
        return self._logged_in(login)

    def _asset(self, path: str) -> _Asset | None:
        asset = self._assets.get(path)
        if asset is None:
            self._assets = _assets(self.accounts.values())
            asset = self._assets.get(path)
        elif asset.kind == "profile_pic":
            # The picture's url may have been edited in place: recompute its seed and date.
            self._assets = _assets(self.accounts.values())
            asset = self._assets.get(path, asset)
        return asset

    def _cdn(self, *, method: str, path: str, **_: Any) -> Response:
        asset = self._asset(path)
        if asset is None:
            return 404, [("Content-Type", "text/plain")], "URL signature mismatch"
        if asset.kind == "video":
            data, content_type = fake_mp4(asset.seed, asset.size), "video/mp4"
        else:
            data = render_jpeg(
                asset.width, asset.height, asset.seed, 96 if asset.kind == "profile_pic" else 128
            )
            content_type = "image/jpeg"
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(data))),
            ("Last-Modified", email.utils.formatdate(asset.modified, usegmt=True)),
            ("Cache-Control", "max-age=1209600, no-transform"),
            ("Accept-Ranges", "bytes"),
        ]
        return 200, headers, b"" if method == "HEAD" else data

    _on_cdn = _cdn
    _on_profile_pic = _cdn
