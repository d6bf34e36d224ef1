"""The fake accounts: their profiles and posts, built deterministically from a name and a seed, and
what their owners do to them later (new posts, a deleted post, a new profile picture); the comments
and replies of their posts, made up from each post's count unless set, and changes to them.

Also the urls of their files on the CDN, made up to look like Instagram's signed urls.
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

_MENTION = re.compile(r"(?:^|\W|_)(?:@)(\w(?:(?:\w|(?:\.(?!\.))){0,28}(?:\w))?)", re.ASCII)
# Instagram's media ids are 41 bits of milliseconds since this moment, 13 bits of shard, 10 of sequence.
_IG_EPOCH_MS = 1314220021721
DEFAULT_START = datetime(2024, 11, 15, 19, 30, tzinfo=UTC)


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
class FakeComment:
    """A comment on a post, or a reply to one (``parent_pk`` set). Ids grow with time, per post."""

    pk: int
    owner: str  # user name
    text: str
    created_at: int
    likes: int
    parent_pk: int | None = None
    replies: list[FakeComment] = field(default_factory=list)  # oldest first; replies have none


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
    # Its comments and their replies, oldest first. None: made up on demand from `comments` and the
    # post's id (see ``comment_thread``); ``add_comments`` and ``delete_comment`` set it.
    thread: list[FakeComment] | None = None
    comments_disabled: bool = False  # the owner turned comments off: none shown, 0 counted

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


# -- comments ------------------------------------------------------------------------------------------

_COMMENTERS = [
    "ane.etxebarria", "mikel_ermua", "itziar.goikoetxea", "jon.arrieta", "maite_zubizarreta",
    "unai.agirre", "leire.urkiza", "asier_bilbao", "nahia.lasa", "aitor.eibar", "amaia_otxoa",
    "ermua.udala", "gorka.txirrindulari", "carmen.ruiz_", "pilar.moreno", "javi.navarro", "sara.iglesias",
]  # fmt: skip
VERIFIED_COMMENTERS = frozenset({"ermua.udala"})
_COMMENT_TEXTS = [
    "Zorionak!", "Oso polita 😍", "¡Qué bonito!", "Eskerrik asko", "Bihar arte", "Gora Ermua!",
    "Zoragarria ❤️", "¡Qué pasada! 🔥", "Me encanta 😍😍", "Ederra benetan", "¡Enhorabuena! 👏",
    "Polita, polita 👏👏", "¿Dónde es esto?", "Hurrengoan ni ere bai!", "Qué recuerdos…", "Ondo pasa! 🙌",
    "👏👏👏", "❤️❤️", "Ikusi arte!", "¡Qué ganas de volver!", "Precioso 🌅", "Primeran 💪",
]  # fmt: skip
_REPLY_TEXTS = [
    "Eskerrik asko! 😊", "¡Gracias!", "Bai, noski!", "jajaja 😂", "¡Totalmente de acuerdo!", "Hori da!",
    "¡Gracias a ti! ❤️", "Laster elkartuko gara", "¡Sí! 🙌", "Zu ere bai!",
]  # fmt: skip
_EMOJI = ["😍", "❤️", "🔥", "👏", "🙌", "😂", "🥰", "✨"]
# Comment ids look like Instagram's (17-digit numbers). Each post has its own block of ids, from the
# millisecond of its media id, so ids are unique across an account whose posts are a second apart.
_COMMENT_ID_BASE = 17_800_000_000_000_000
_COMMENT_BLOCK = 10_000


def _comment_base(post: FakePost) -> int:
    return _COMMENT_ID_BASE + (post.pk >> 23) % 10**12 * _COMMENT_BLOCK


def iter_comments(thread: list[FakeComment]) -> Iterator[FakeComment]:
    """Every comment of a thread and, after each, its replies."""
    for comment in thread:
        yield comment
        yield from comment.replies


def thread_size(thread: list[FakeComment]) -> int:
    """Comments plus replies, as Instagram counts a post's comments (``Post.comments``)."""
    return sum(1 + len(c.replies) for c in thread)


def _append(
    rng: random.Random,
    account: FakeAccount,
    thread: list[FakeComment],
    parent: FakeComment | None,
    pk: int,
    created_at: int,
) -> FakeComment:
    """A new comment (parent None) or reply at the end of the thread, by a commenter of the pool."""
    if parent is None:
        owner = rng.choice(_COMMENTERS)
        text = rng.choice(_COMMENT_TEXTS)
        roll = rng.random()
        if roll < 0.15:
            text = f"@{rng.choice([u for u in _COMMENTERS + _FRIENDS if u != owner])} {text}"
        elif roll < 0.3:
            text = f"{text} {rng.choice(_EMOJI)}"
        likes = int(rng.paretovariate(1.3)) - 1
    else:
        if parent.owner != account.username and rng.random() < 0.3:
            owner = account.username  # the account answers
        else:
            owner = rng.choice([u for u in _COMMENTERS if u != parent.owner])
        text = rng.choice(_REPLY_TEXTS)
        if parent.owner != owner and rng.random() < 0.7:
            text = f"@{parent.owner} {text}"
        likes = (int(rng.paretovariate(1.3)) - 1) // 2
    comment = FakeComment(pk, owner, text, created_at, min(likes, 5000), parent.pk if parent else None)
    (parent.replies if parent is not None else thread).append(comment)
    return comment


def _after_newest(post: FakePost, thread: list[FakeComment]) -> tuple[int, int]:
    """The id and time of the newest comment of the thread (the post's, before the first)."""
    newest = max(iter_comments(thread), key=lambda c: c.pk, default=None)
    if newest is None:
        return _comment_base(post) - 1, post.taken_at + 30
    return newest.pk, newest.created_at


def _grow(
    account: FakeAccount, post: FakePost, thread: list[FakeComment], n: int, rng: random.Random
) -> None:
    """Append n comments and replies, each newer than the last. The first k of n are those of k."""
    pk, t = _after_newest(post, thread)
    conversation: FakeComment | None = None
    for _ in range(n):
        pk, t = pk + 1, t + 1 + int(rng.expovariate(1 / 1800))
        parent = None
        if thread and rng.random() < 0.3:
            # Replies come in conversations: half of them go on with the last one.
            parent = conversation if conversation is not None and rng.random() < 0.5 else rng.choice(thread)
            conversation = parent
        _append(rng, account, thread, parent, pk, t)


def _thread(account: FakeAccount, post: FakePost) -> list[FakeComment]:
    """The post's thread, also while comments are off (then hidden)."""
    if post.thread is None:
        thread: list[FakeComment] = []
        _grow(account, post, thread, post.comments, random.Random(f"comments|{post.pk}"))
        return thread
    if not post.comments_disabled:
        # Someone changed `comments` by hand: newer comments come, or the newest go.
        size = thread_size(post.thread)
        if size < post.comments:
            _grow(account, post, post.thread, post.comments - size, random.Random(f"more|{post.pk}|{size}"))
        while thread_size(post.thread) > post.comments:
            newest = max(iter_comments(post.thread), key=lambda c: c.pk)  # a reply is newer than its parent
            _remove(post.thread, newest)
    return post.thread


def comment_thread(account: FakeAccount, post: FakePost) -> list[FakeComment]:
    """The comments that Instagram shows on the post, oldest first, each with its replies.

    Unless the thread was set (``post.thread``, as the mutators below do), it is made up on demand,
    deterministically from the post's id and its count: ``thread_size`` of it is always
    ``post.comments``, and when the count grows, the comments made up before stay as they were. Empty
    while comments are off. A made-up thread is new on every call: change it through the mutators.
    """
    return [] if post.comments_disabled else _thread(account, post)


def find_comment(account: FakeAccount, comment_id: int) -> tuple[FakePost, FakeComment] | None:
    """The shown comment or reply with this id, and its post."""
    for post in account.posts:
        for comment in iter_comments(comment_thread(account, post)):
            if comment.pk == comment_id:
                return post, comment
    return None


def _own_thread(account: FakeAccount, post: FakePost) -> list[FakeComment]:
    """The post's thread, set on the post so that changes to it stay."""
    post.thread = _thread(account, post)
    return post.thread


def _remove(thread: list[FakeComment], comment: FakeComment) -> None:
    for top in thread:
        if top.pk == comment.parent_pk:
            top.replies[:] = [r for r in top.replies if r.pk != comment.pk]
    thread[:] = [c for c in thread if c.pk != comment.pk]


def _post_of(account: FakeAccount, shortcode: str) -> FakePost:
    post = account.post(shortcode)
    if post is None:
        raise KeyError(shortcode)
    return post


def add_comments(
    account: FakeAccount,
    shortcode: str,
    n: int,
    *,
    replies: int = 0,
    seed: int = 1,
    reply_to: int | None = None,
) -> list[FakeComment]:
    """n new comments on the post, then `replies` new replies: to `reply_to` (a comment's id) if
    given, else each to one of the new comments (or, with n = 0, of the older ones). All newer than
    the comments before; the post's count grows by n + replies. Returns them, oldest first."""
    post = _post_of(account, shortcode)
    if post.comments_disabled:
        raise ValueError(f"comments are off on {shortcode}")
    taken = {c.pk for p in account.posts for c in iter_comments(_thread(account, p))}
    thread = _own_thread(account, post)
    rng = random.Random(f"{account.username}|{post.pk}|{seed}|add|{thread_size(thread)}")
    target = None
    if reply_to is not None:
        hit = next((c for c in iter_comments(thread) if c.pk == reply_to), None)
        if hit is None:
            raise KeyError(reply_to)
        target = next(c for c in thread if c.pk == (hit.parent_pk or hit.pk))  # replies are one level deep
    pk, t = _after_newest(post, thread)
    new: list[FakeComment] = []
    for i in range(n + replies):
        pk, t = pk + 1, t + 1 + int(rng.expovariate(1 / 600))
        while pk in taken:
            pk += 1
        parent = None
        if i >= n:
            candidates = [c for c in new if c.parent_pk is None] or thread
            if target is None and not candidates:
                raise ValueError(f"no comment to reply to on {shortcode}")
            parent = target or rng.choice(candidates)
        new.append(_append(rng, account, thread, parent, pk, t))
    post.comments += n + replies
    return new


def delete_comment(account: FakeAccount, comment_id: int) -> FakeComment:
    """Delete a comment (with its replies) or a reply, as its author would; returns it. The post's
    count goes down by as many."""
    for post in account.posts:
        thread = _thread(account, post)  # also while comments are off
        if any(c.pk == comment_id for c in iter_comments(thread)):
            thread = _own_thread(account, post)
            comment = next(c for c in iter_comments(thread) if c.pk == comment_id)
            _remove(thread, comment)
            if not post.comments_disabled:
                post.comments -= 1 + len(comment.replies)
            return comment
    raise KeyError(comment_id)


def set_comments_disabled(account: FakeAccount, shortcode: str, disabled: bool = True) -> FakePost:
    """Turn comments off on the post (its answers say ``comments_disabled``, its count is 0, no comment
    is served), or on again (its comments come back). Returns the post."""
    post = _post_of(account, shortcode)
    if disabled and not post.comments_disabled:
        _own_thread(account, post)
        post.comments_disabled, post.comments = True, 0
    elif not disabled and post.comments_disabled:
        post.comments_disabled = False
        post.comments = thread_size(post.thread or [])
    return post
