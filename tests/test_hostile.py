"""Hostile and broken input: user names, text from Instagram, media bytes and archive folders.

What is already covered elsewhere is not repeated here:
- media bytes that are not images, cut short, decompression bombs, HEIC, wrong Content-Type and
  destinations outside the media root: tests/test_media.py;
- damaged or empty .json.xz, invalid JSON, unknown node types (Reel, Hashtag), instaloader 3 files,
  incomplete metadata, a path in a shortcode, a bad user name in a profile file: tests/test_archive.py;
- any search text, hostile or not, gives a table: tests/test_search.py (captions and comments).

Comments are not normalized (instaloader's structures never see them): they are stored as sent, but
for NUL characters and lone surrogates, which become U+FFFD.

"Stored exactly" means equal after NFC normalization for captions and biographies: instaloader
itself NFC-normalizes ``Post.caption`` and ``Profile.biography`` (``structures.py``), so "e" + U+0301
arrives as "é". Full names are not normalized by instaloader and are compared byte for byte. On
every database a NUL character is stored as U+FFFD, since PostgreSQL's text cannot hold one.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import itertools
import json
import lzma
import random
import string
import tempfile
import textwrap
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import instaloader
import pytest
import requests
import responses
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from insights.comments import label
from scraper.archive import Archive
from scraper.config import Settings, normalize_username, path_under
from scraper.errors import BadInput
from scraper.folder_import import import_archive
from scraper.instagram import fetch
from scraper.instagram.login import Login, login
from scraper.replay import FakeAccount, InstagramReplay, add_comments, build_account, delete_comment
from scraper.store.db import open_engine, session_factory
from scraper.store.media import NOT_AN_IMAGE, MediaDownloader, MediaJob
from scraper.store.models import Comment, Post, Profile, utcnow
from scraper.sync import SyncOptions
from tests.databases import Databases
from tests.helpers import replayed, settings_in, shared_archive
from tests.test_archive import (
    OLD,
    PROFILE_NODE,
    T_IMAGE,
    USER,
    graphql_node,
    save_post,
    stem,
    structure,
    write_json,
)
from tests.test_media import png_claiming

CDN = "https://scontent.cdninstagram.test/v/t51.2885-15"


def kept(text: str) -> str:
    """``text`` as the archive stores it: a NUL becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")


def nfc(text: str) -> str:
    """A caption or biography as the archive stores it: NFC-normalized by instaloader, and kept."""
    return kept(unicodedata.normalize("NFC", text))


# User names


INSTAGRAM_CHARS = frozenset(string.ascii_lowercase + string.digits + "._")


def instagram_rules(name: str) -> bool:
    """Instagram's rules for a user name, written out apart from scraper.config.USERNAME: 1 to 30 of
    a-z, 0-9, "_" and ".", no dot first or last, no two dots in a row."""
    return (
        1 <= len(name) <= 30
        and set(name) <= INSTAGRAM_CHARS
        and not name.startswith(".")
        and not name.endswith(".")
        and ".." not in name
    )


# Pieces hostile names are built from: separators, dots, shell and Unicode look-alikes.
NAME_PIECES = [
    *"abzAZ09._-/\\@ :~$`;|&<>\"'*?!%#+=,()[]{}\t\n\r\x00\x1b\x7f",
    "..", "../", "..\\", "/etc/passwd", "C:\\", "instagram.com/", "https://www.instagram.com/",
    "$(id)", "`id`", "%2e%2e%2f", "\u212a", "ı", "İ", "ß", "ａ", "é", "e\u0301", "\u200b", "\u202e",
    "\u00a0", "\u3000", "\U0001f600", "а",  # the last is Cyrillic
]  # fmt: skip
hostile_names = st.one_of(
    st.lists(st.sampled_from(NAME_PIECES), max_size=12).map("".join),
    st.text(max_size=40),
    st.text(alphabet=sorted(INSTAGRAM_CHARS), min_size=25, max_size=40),  # around the length limit
)
valid_names = (
    st.lists(
        st.text(alphabet=string.ascii_lowercase + string.digits + "_", min_size=1, max_size=8), min_size=1
    )
    .map(".".join)
    .filter(lambda n: len(n) <= 30)
)


@pytest.mark.parametrize(
    "raw",
    [
        "", " ", "\n", "@", "@@ermua", ".", "..", "...", ".ermua", "ermua.", "ermua..udala", "a" * 31,
        "../etc", "..\\etc", "../../etc/passwd", "/etc/passwd", "ermua/udala", "ermua\\udala", "~", "~root",
        "ermua udala", "ermua;id", "$(id)", "`id`", "ermua|id", "ermua&&id", "ermua>x", "-ermua", "ermua-udala",
        "ermua\x00", "ermua\nudala", "%2e%2e", "ñandú", "ｅｒｍｕａ", "ermua\u200b", "\u202eaumre", "ermuа",
        "instagram.com/..", "instagram.com/../../etc", "https://www.instagram.com/",
        "https://www.instagram.com/ermua/udala/", "https://www.instagram.com/p/ABC/",
    ],
)  # fmt: skip
def test_invalid_user_names_are_refused(raw: str) -> None:
    with pytest.raises(BadInput):
        normalize_username(raw)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("ermua.udala", "ermua.udala"),
        ("Ermua.UDALA", "ermua.udala"),
        ("@ermua.udala", "ermua.udala"),
        ("  ermua.udala\n", "ermua.udala"),
        ("https://www.instagram.com/ermua.udala/", "ermua.udala"),
        ("instagram.com/ermua.udala?hl=es", "ermua.udala"),
        ("_", "_"),
        ("a" * 30, "a" * 30),
        ("a.b_c.9", "a.b_c.9"),
    ],
)
def test_valid_user_names_are_accepted(raw: str, name: str) -> None:
    assert normalize_username(raw) == name


@pytest.mark.parametrize(
    "raw",
    ["\u212a", "\u212aermua", "https://evil.example/ermua?instagram.com", "https://notinstagram.com/ermua"],
)
def test_names_that_only_look_valid_are_refused(raw: str) -> None:
    with pytest.raises(BadInput):
        normalize_username(raw)


@pytest.mark.parametrize("name", ["instagram.community", "fans.of.instagram.com", "instagram.com"])
def test_names_holding_instagram_com_are_accepted(name: str) -> None:
    assert normalize_username(name) == name


URL_GARBAGE = ["[instagram.com/", "https://[instagram.com/x", "instagram.com]", "instagram.com\uff0fx"]


@pytest.mark.parametrize("raw", URL_GARBAGE)
def test_url_like_garbage_is_bad_input(raw: str) -> None:
    with pytest.raises(BadInput):
        normalize_username(raw)


def test_the_sidebar_refuses_url_like_garbage_with_a_message(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = dashboard(settings, monkeypatch, "accounts")
    at.sidebar.text_input[0].set_value(URL_GARBAGE[0])  # in a form: the value goes with the click
    at.sidebar.button[0].click().run()

    assert not at.exception
    assert "is not a valid Instagram user name" in at.sidebar.error[0].value


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(raw=hostile_names)
@example(raw="\u212a")  # KELVIN SIGN: would lowercase to "k"
def test_an_accepted_name_follows_instagrams_rules_and_stays_in_the_media_root(raw: str) -> None:
    root = Path("/srv/archive/media")
    try:
        name = normalize_username(raw)
    except BadInput:
        return
    assert instagram_rules(name)
    assert normalize_username(name) == name
    assert path_under(root, name).parent == root.resolve()
    assert path_under(root, name, "thumbs", "ABC_0.jpg").is_relative_to(root.resolve() / name)


@settings(max_examples=300, deadline=None)
@given(raw=st.text(alphabet=string.printable.strip() + " ", max_size=40))
def test_ascii_names_are_accepted_exactly_when_instagram_would(raw: str) -> None:
    bare = raw.strip().removeprefix("@")
    if "instagram.com" in raw or bare.startswith("@"):
        return  # URLs and "@@..." have tests of their own
    try:
        name = normalize_username(raw)
    except BadInput:
        assert not instagram_rules(bare.lower())
    else:
        assert instagram_rules(bare.lower()) and name == bare.lower()


@settings(max_examples=200, deadline=None)
@given(name=valid_names, upper=st.booleans(), form=st.sampled_from(["{}", "@{}", " {} ", "{}\n"]))
def test_every_valid_name_is_accepted_in_every_spelling(name: str, upper: bool, form: str) -> None:
    spelled = name.upper() if upper else name
    assert normalize_username(form.format(spelled)) == name
    assert normalize_username(f"https://www.instagram.com/{spelled}/") == name


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.lists(st.sampled_from([p for p in NAME_PIECES if p != "\x00"])).map("".join), max_size=4
    )
)
def test_path_under_never_leaves_its_root(parts: list[str]) -> None:
    root = Path("/srv/archive/media")
    try:
        path = path_under(root, *parts)
    except BadInput:
        return
    assert path == root or path.is_relative_to(root)


# ui.state.media_file: the only way pages reach files


@dataclasses.dataclass(frozen=True)
class MediaTree:
    root: Path
    outside: Path


@pytest.fixture(scope="module")
def media_tree(tmp_path_factory: pytest.TempPathFactory) -> MediaTree:
    """A media root with files, and symlinks that lead in and out of it."""
    base = tmp_path_factory.mktemp("media_file")
    outside = base / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.txt").write_text("not for the dashboard")
    (outside / "dir" / "x.jpg").write_text("not for the dashboard")
    root = base / "media"
    (root / "acc" / "thumbs").mkdir(parents=True)
    (root / "acc" / "pic.jpg").write_bytes(b"jpeg")
    (root / "acc" / "thumbs" / "pic.jpg").write_bytes(b"jpeg")
    (root / "link_out").symlink_to(outside / "secret.txt")
    (root / "dir_out").symlink_to(outside / "dir")
    (root / "acc" / "link_in").symlink_to(root / "acc" / "pic.jpg")
    return MediaTree(root.resolve(), outside.resolve())


@pytest.fixture
def media_file(media_tree: MediaTree, monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None], Path | None]:
    """ui.state.media_file, over the media root of ``media_tree``."""
    import ui.state

    fake = SimpleNamespace(settings=SimpleNamespace(media_dir=media_tree.root))
    monkeypatch.setattr(ui.state, "archive", lambda: fake)
    return ui.state.media_file


@pytest.mark.parametrize(
    ("relative", "found"),
    [
        ("acc/pic.jpg", "acc/pic.jpg"),
        ("acc/./thumbs/pic.jpg", "acc/thumbs/pic.jpg"),
        ("acc/thumbs/../pic.jpg", "acc/pic.jpg"),
        ("acc/link_in", "acc/pic.jpg"),  # a symlink that stays inside is followed
        (None, None),
        ("", None),
        ("acc", None),  # a folder
        ("acc/missing.jpg", None),
        ("../outside/secret.txt", None),
        ("acc/../../outside/secret.txt", None),
        ("/etc/passwd", None),
        ("{outside}/secret.txt", None),  # absolute, outside the root
        ("link_out", None),  # a symlink to a file outside
        ("dir_out/x.jpg", None),  # through a symlinked folder
        ("acc\\..\\..\\outside\\secret.txt", None),
        ("~/secret.txt", None),
        ("%2e%2e/outside/secret.txt", None),
    ],
)
def test_media_file_gives_only_files_under_the_media_root(
    media_tree: MediaTree,
    media_file: Callable[[str | None], Path | None],
    relative: str | None,
    found: str | None,
) -> None:
    if relative is not None:
        relative = relative.replace("{outside}", str(media_tree.outside))
    assert media_file(relative) == (media_tree.root / found if found else None)


def test_media_file_with_a_nul_byte_is_none(media_file: Callable[[str | None], Path | None]) -> None:
    assert media_file("acc/pic.jpg\x00.png") is None


MEDIA_PIECES = [
    "..", ".", "acc", "pic.jpg", "thumbs", "link_out", "dir_out", "link_in", "x.jpg", "secret.txt",
    "outside", "media", "", "~", "\\", "/",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pieces=st.lists(st.sampled_from(MEDIA_PIECES), max_size=7),
    absolute=st.booleans(),
)
def test_media_file_never_answers_outside_the_root(
    media_tree: MediaTree, media_file: Callable[[str | None], Path | None], pieces: list[str], absolute: bool
) -> None:
    relative = "/".join(pieces)
    if absolute:
        relative = f"{media_tree.outside.parent}/{relative}"
    path = media_file(relative)
    if path is not None:
        assert path.is_file()
        assert path.resolve().is_relative_to(media_tree.root)


# Text from Instagram: stored exactly, shown as plain text

# Each kind of hostile text, as a full name, a biography and a caption.
HOSTILE = {
    "html-img": '<img src=x onerror="window.__pwned=1">',
    "script": "<script>window.__pwned=2</script>",
    "md-js-link": "[click](javascript:window.__pwned=3)",
    "html-js-link": '<a href="javascript:window.__pwned=4">x</a>',
    "md-image": "![t](https://tracker.example/p.png) <https://evil.example>",
    "markdown": "# Title\n**bold** _it_ `code`\n> quote\n- item\n\n---\n| a | b |\n|---|---|",
    "streamlit-md": ":red[red] :material/warning: :rainbow-background[x] $x^2$ $$\\int$$ :smile:",
    "entities": "&lt;b&gt; &amp;amp; &#60;script&#62; &quot; &#x3C;",
    "css-iframe": "<style>*{display:none}</style><iframe src=javascript:alert(1)></iframe><svg onload=alert(1)>",
    "ansi": "\x1b[31mred\x1b[0m \x1b[2J\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \x1b]0;title\x07",
    "controls": "nul\x00 bell\x07 back\x08space del\x7f c1\x85\x9b end",
    "zero-width": "a\u200bb\u200cc\u200dd\u2060e\ufeff f\u00ad",
    "bidi": "\u202etxt.exe\u202c \u2066iso\u2069 \u200f\u200e\u061c rtl",
    "decomposed": "Ermu\u0061\u0301 A\u030a \ufb01 \u2126",  # NFC turns these into é, Å, Ω
    "zalgo": "Z\u0351\u0367\u0312a\u035b\u0346l\u0344g\u0310o\u0336",
    "emoji": "👩‍👩‍👧‍👦 🏳️‍🌈 🇪🇸 \U000e0067\U000e0062",
    "newlines": "line1\r\nline2\rline3\n\n\tindented\u2028sep\u2029para\x0bvt\x0cff",
    "whitespace": "   spaces around   ",
    "sql": "'); DROP TABLE posts; -- \" OR 1=1 /*",
    "fts": 'fiesta* OR "x" NEAR(a b) NOT ^caption: -',
    "format": "{0} {user} {__class__} %s %(x)s %n {{}}",
    "paths": "../../etc/passwd C:\\Windows\\system32 /dev/null file:///etc/passwd",
    "shell": "$(rm -rf /) `id` ; | && > /tmp/x",
    "nonchars": "\uffff\ufffe\U0010ffff \ue000 \U000f0000",
    "scripts": "مرحبا שלום 你好 ｓｃｒｉｐｔ ＜script＞",
}
MEGABYTE = ("".join(HOSTILE.values()) * 2000)[: 1 << 20]  # 1 Mi characters, more bytes in UTF-8
# A lone UTF-16 surrogate: valid in JSON ("\ud83d", half an emoji), impossible to store as UTF-8.
SURROGATE = "cut emoji \ud83d here"


def name_of(kind: str) -> str:
    return f"hostile.{list(HOSTILE).index(kind):02d}"


@dataclasses.dataclass(frozen=True)
class Seeded:
    settings: Settings
    accounts: dict[str, FakeAccount]


COUNTER = itertools.count()


def sync_all(into: Settings | Archive, accounts: list[FakeAccount], options: SyncOptions) -> list[Any]:
    """Sync ``accounts`` into an archive against a replay of them (waits recorded, never slept)."""
    factory = functools.partial(fetch.make_loader, sleep=False, rate_sleep=lambda seconds: None)
    archive = into if isinstance(into, Archive) else Archive(into)
    try:
        with InstagramReplay(accounts):
            return [archive.sync(a.username, options, loader_factory=factory) for a in accounts]
    finally:
        if archive is not into:
            archive.engine.dispose()


def hostile_account(username: str, text: str, *, seed: int) -> FakeAccount:
    account = build_account(username, 1, seed=seed)
    account.full_name = account.biography = account.posts[0].caption = text
    return account


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Seeded]:
    """One account per kind of hostile text (as its name, biography and caption), and one with a
    megabyte of it; synced through the replay, without media."""
    tmp = tmp_path_factory.mktemp("hostile")
    with databases.database(tmp) as url:
        settings = settings_in(tmp, url)
        accounts = [
            hostile_account(name_of(kind), text, seed=i) for i, (kind, text) in enumerate(HOSTILE.items())
        ]
        accounts.append(hostile_account("hostile.megabyte", MEGABYTE, seed=99))
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SCRAPER_NO_WAIT", "1")
            results = sync_all(settings, accounts, SyncOptions(media=False))
        assert [r.error for r in results] == [None] * len(accounts)
        yield Seeded(settings, {a.username: a for a in accounts})


def stored(settings: Settings, username: str) -> tuple[Profile, list[Post]]:
    engine = open_engine(settings.db_url)
    try:
        with session_factory(engine)() as session:
            profile = session.scalars(select(Profile).where(Profile.username == username)).one()
            posts = list(session.scalars(select(Post).where(Post.profile_id == profile.id)))
            session.expunge_all()
            return profile, posts
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_text_is_stored_exactly(seeded: Seeded, kind: str) -> None:
    text = HOSTILE[kind]
    profile, posts = stored(seeded.settings, name_of(kind))

    assert profile.full_name == kept(text)  # not normalized by instaloader: byte for byte
    assert profile.biography == nfc(text)
    assert [p.caption for p in posts] == [nfc(text)]


def test_a_megabyte_of_text_is_stored_exactly(seeded: Seeded) -> None:
    profile, posts = stored(seeded.settings, "hostile.megabyte")

    assert len(MEGABYTE) == 1 << 20
    assert profile.full_name == kept(MEGABYTE)
    assert profile.biography == nfc(MEGABYTE)
    assert [p.caption for p in posts] == [nfc(MEGABYTE)]


hostile_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(list(HOSTILE.values())), st.text(max_size=12)), max_size=6).map(
        "".join
    ),
)


@pytest.fixture(scope="module")
def one_archive(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Archive]:
    """An archive shared by every example of a property test (each syncs an account of its own)."""
    tmp = tmp_path_factory.mktemp("any_text")
    with databases.database(tmp) as url:
        archive = Archive(settings_in(tmp, url))
        yield archive
        archive.engine.dispose()


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    full_name=hostile_text, biography=hostile_text, captions=st.lists(hostile_text, min_size=1, max_size=5)
)
def test_any_text_is_stored_exactly(
    one_archive: Archive, full_name: str, biography: str, captions: list[str]
) -> None:
    username = f"any.text{next(COUNTER)}"
    account = build_account(username, len(captions), seed=len(captions))
    account.full_name, account.biography = full_name, biography
    for post, caption in zip(account.posts, captions, strict=True):
        post.caption = caption

    [result] = sync_all(one_archive, [account], SyncOptions(media=False))

    assert result.error is None
    with one_archive.sessions() as session:
        profile = session.scalars(select(Profile).where(Profile.username == username)).one()
        assert (profile.full_name, profile.biography) == (kept(full_name), nfc(biography))
        by_code = {
            p.shortcode: p.caption for p in session.scalars(select(Post).where(Post.profile_id == profile.id))
        }
    assert [by_code[p.shortcode] for p in account.posts] == [nfc(c) for c in captions]


@pytest.mark.parametrize("where", ["caption", "biography"])
def test_a_lone_surrogate_does_not_stop_the_sync(tmp_path: Path, db_url: str, where: str) -> None:
    settings = settings_in(tmp_path, db_url)
    account = build_account("broken.emoji", 3, seed=1)
    if where == "caption":
        account.posts[1].caption = SURROGATE
    else:
        account.biography = SURROGATE

    [result] = sync_all(settings, [account], SyncOptions(media=False))

    assert result.error is None and result.new == 3


@pytest.mark.parametrize("likes", [float("inf"), 10**30], ids=["infinity", "huge"])
def test_absurd_counts_neither_stop_the_sync_nor_break_the_pages(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, likes: float
) -> None:
    settings = settings_in(tmp_path, db_url)
    account = build_account("absurd.counts", 3, seed=1)
    account.posts[1].likes = likes  # type: ignore[assignment]

    [result] = sync_all(settings, [account], SyncOptions(media=False))

    assert result.error is None
    at = dashboard(settings, monkeypatch, "gallery", account="absurd.counts")
    assert not at.exception


# The dashboard shows that text only as plain text

TEXT_ELEMENTS = {"text", "dataframe"}  # st.text and st.dataframe never interpret their content


def run_page(module: str) -> None:
    import importlib

    from ui import sidebar

    sidebar.render()
    importlib.import_module(f"ui.{module}").page()


def dashboard(settings: Settings, monkeypatch: pytest.MonkeyPatch, module: str, **params: str) -> AppTest:
    """An AppTest of one page over the archive of ``settings``, run once."""
    import streamlit

    monkeypatch.setenv("DATABASE_URL", settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))
    monkeypatch.setenv("LOG_DIR", str(settings.log_dir))
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    at = AppTest.from_function(run_page, args=(module,), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["tz"] = "UTC"
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def rerun(at: AppTest, **params: str) -> AppTest:
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def elements(node: Any) -> Iterator[Any]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from elements(child)


def strings(value: Any) -> Iterator[str]:
    """Every string in a protobuf message (or a field's value), however deep."""
    if isinstance(value, str):
        yield value
    elif hasattr(value, "ListFields"):
        for _, field_value in value.ListFields():
            yield from strings(field_value)
    elif hasattr(value, "items"):  # a map field
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, Iterable) and not isinstance(value, bytes):  # a repeated field
        for item in value:
            yield from strings(item)


def shown_as_text(at: AppTest) -> list[str]:
    return [e.value for e in at.text]


def as_st_text(text: str) -> str:
    """What st.text shows of ``text``: Streamlit dedents it and strips the ends (string_util.clean_text);
    nothing else changes."""
    return textwrap.dedent(text).strip()


def assert_nowhere_but_text(at: AppTest, text: str, also: frozenset[str] = frozenset()) -> None:
    """``text`` appears in no element that renders Markdown or HTML (markdown, caption, alerts,
    labels, help, html...); ``also`` names more element types allowed to hold it."""
    for element in elements(at._tree):
        proto = getattr(element, "proto", None)
        if element.type in TEXT_ELEMENTS | also or proto is None:
            continue
        leaked = [s for s in strings(proto) if text in s]
        assert not leaked, (element.type, leaked[:1])


def test_profile_page_shows_names_and_biographies_as_plain_text(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = dashboard(seeded.settings, monkeypatch, "profile", account=name_of("html-img"))
    for username, account in seeded.accounts.items():
        rerun(at, account=username)
        texts = shown_as_text(at)
        assert as_st_text(kept(account.full_name)) in texts
        assert as_st_text(nfc(account.biography)) in texts
        assert_nowhere_but_text(at, as_st_text(nfc(account.biography)))
    assert not at.markdown or all("window.__pwned" not in m.value for m in at.markdown)


def test_post_detail_shows_captions_as_plain_text(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    first = next(iter(seeded.accounts.values()))
    at = dashboard(seeded.settings, monkeypatch, "gallery", post=first.posts[0].shortcode)
    for account in seeded.accounts.values():
        caption = as_st_text(nfc(account.posts[0].caption or ""))
        rerun(at, post=account.posts[0].shortcode)
        assert caption in shown_as_text(at)
        assert_nowhere_but_text(at, caption)


@pytest.mark.slow
def test_captions_page_and_accounts_page_show_text_in_tables(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = dashboard(seeded.settings, monkeypatch, "captions", account=name_of("html-img"))
    for username, account in seeded.accounts.items():
        rerun(at, account=username)
        table = at.dataframe[0].value
        assert list(table["caption"]) == [nfc(account.posts[0].caption or "")]
        assert_nowhere_but_text(at, nfc(account.posts[0].caption or "").strip())
    rerun(at, account=name_of("html-img"))
    at.text_input(key="caption_query").set_value("onerror").run()
    assert list(at.dataframe[0].value["caption"]) == [HOSTILE["html-img"]]

    at = dashboard(seeded.settings, monkeypatch, "accounts")
    assert not at.exception
    names = dict(zip(at.dataframe[0].value["username"], at.dataframe[0].value["full_name"], strict=True))
    assert names == {u: kept(a.full_name) for u, a in seeded.accounts.items()}


# Comments: anyone can write them, so every kind of hostile text, as comments and as their authors

# Authors' names that would do something if rendered (each short enough for the user name column).
COMMENT_OWNERS = [
    '<img src=x onerror="window.__pwned=6">',
    "[x](javascript:window.__pwned=7)",
    "**bold** :red[x] $x$",
    "\u202eexe.txt",
]
CHARTS = frozenset({"vega_lite_chart"})  # drawn by Vega as text, never as HTML


@dataclasses.dataclass(frozen=True)
class Commented:
    settings: Settings
    username: str
    shortcode: str  # the post carrying every hostile comment
    texts: dict[str, str]  # kind -> the comment's text as sent
    vanished: str  # the kind whose comment was deleted from Instagram after it was stored


@pytest.fixture(scope="module")
def commented(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Commented]:
    """An account whose newest post has a comment of each kind of hostile text, one of a megabyte and
    one with a lone surrogate, and replies by authors with hostile names; synced logged in with its
    comments, then again after one comment was deleted."""
    texts = {**HOSTILE, "megabyte": MEGABYTE, "surrogate": SURROGATE}
    with shared_archive(databases, tmp_path_factory.mktemp("hostile_comments")) as archive:
        account = build_account("hostile.comments", 3, seed=5, start=utcnow())
        for other in account.posts:
            other.comments = 0
        post = account.posts[0]
        top = add_comments(account, post.shortcode, len(texts), seed=3)
        for comment, body in zip(top, texts.values(), strict=True):
            comment.owner, comment.text = "ane.one", body
        # Two replies by each hostile author, so that each is among the top commenters.
        owners = COMMENT_OWNERS * 2
        replies = add_comments(account, post.shortcode, 0, replies=len(owners), reply_to=top[-1].pk, seed=4)
        for reply, owner, body in zip(replies, owners, texts.values(), strict=False):
            reply.owner, reply.text = owner, body
        victim = top[0]
        with replayed(archive) as (replay, sync):
            saved = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
            researcher = Login("researcher", saved)
            replay.add_account(account)
            assert sync(account.username, login=researcher, comments=True, media=False).error is None
            delete_comment(account, victim.pk)
            assert sync(account.username, login=researcher, comments=True, media=False).error is None
        yield Commented(archive.settings, account.username, post.shortcode, texts, next(iter(texts)))


def stored_comments(settings: Settings) -> list[Comment]:
    engine = open_engine(settings.db_url)
    try:
        with session_factory(engine)() as session:
            rows = list(session.scalars(select(Comment).order_by(Comment.created_at, Comment.id)))
            session.expunge_all()
            return rows
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", [*HOSTILE, "megabyte"])
def test_hostile_comments_are_stored_exactly(commented: Commented, kind: str) -> None:
    texts = [c.text for c in stored_comments(commented.settings)]

    assert kept(commented.texts[kind]) in texts


def test_a_lone_surrogate_in_a_comment_becomes_a_replacement_character(commented: Commented) -> None:
    [text] = [c.text for c in stored_comments(commented.settings) if c.text.startswith("cut emoji")]

    assert text.startswith("cut emoji \ufffd") and text.endswith(" here")
    text.encode("utf-8")  # storable and showable: no surrogate left


def test_comments_page_shows_hostile_comments_and_authors_only_as_plain_text(
    commented: Commented, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = dashboard(commented.settings, monkeypatch, "comments", account=commented.username)

    assert not at.exception
    stored = stored_comments(commented.settings)
    people, found, gone = (frame.value for frame in at.dataframe)
    assert sorted(found["text"]) == sorted(c.text for c in stored)  # the newest, while nothing is searched
    assert list(gone["text"]) == [kept(commented.texts[commented.vanished])]
    for text in {c.text for c in stored}:
        assert_nowhere_but_text(at, as_st_text(text))
    # Authors: plain text in tables, text drawn by Vega in the chart (its label without control
    # characters), and nowhere else.
    assert set(COMMENT_OWNERS) <= set(people["owner"])
    _, people_chart = at.get("vega_lite_chart")
    [rows] = [
        dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in people_chart.proto.datasets
    ]
    names = set(rows["name"])
    assert {label(owner) for owner in COMMENT_OWNERS} <= names
    for owner in COMMENT_OWNERS:
        assert_nowhere_but_text(at, owner, also=CHARTS)
    assert not at.markdown or all("window.__pwned" not in m.value for m in at.markdown)

    at.text_input(key="comment_query").set_value("onerror").run()
    assert not at.exception
    assert set(at.dataframe[1].value["text"]) == {HOSTILE["html-img"], kept(MEGABYTE)}  # the deleted one too


def test_post_detail_shows_hostile_comments_and_authors_as_plain_text(
    commented: Commented, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = dashboard(commented.settings, monkeypatch, "gallery", post=commented.shortcode)

    assert not at.exception
    shown = shown_as_text(at)
    for text in {c.text for c in stored_comments(commented.settings)}:
        assert as_st_text(text) in shown
        assert_nowhere_but_text(at, as_st_text(text))
    for owner in COMMENT_OWNERS:
        assert_nowhere_but_text(at, owner)
    metas = [c.value for c in at.caption]
    assert sum("vanished" in meta for meta in metas) == 1
    assert not at.markdown or all("window.__pwned" not in m.value for m in at.markdown)


# Media bytes: only what tests/test_media.py does not cover


def picture(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, "red").save(buf, fmt)
    return buf.getvalue()


def download(root: Path, body: bytes, content_type: str, kind: str = "image") -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(f"{CDN}/x.jpg", body=body, content_type=content_type)
        fetch_raw = functools.partial(requests.get, stream=True, timeout=5)
        downloader = MediaDownloader(root, fetch_raw, sleep=lambda seconds: None)
        return downloader.download(MediaJob(f"{CDN}/x.jpg", "acc/X_0", kind))


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


@pytest.mark.parametrize("content_type", ["image/svg+xml", "image/jpeg", "application/octet-stream"])
def test_svg_with_script_is_not_kept(tmp_path: Path, content_type: str) -> None:
    result = download(tmp_path, SVG, content_type)

    assert (result.error, result.file) == (NOT_AN_IMAGE, None)
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("fmt", ["TIFF", "BMP", "ICO", "PPM", "PCX", "TGA", "SGI"])
def test_pictures_in_formats_outside_jpeg_png_webp_gif_are_refused(tmp_path: Path, fmt: str) -> None:
    result = download(tmp_path, picture(fmt), "image/jpeg")

    assert (result.error, result.file) == (f"unsupported image {fmt}", None)


def mangled(seed: int, body: bytes) -> bytes:
    """``body`` cut, with bytes flipped, dropped or repeated: deterministic per seed."""
    rng = random.Random(seed)
    data = bytearray(body[: rng.randrange(1, len(body) + 1)])
    for _ in range(rng.randrange(4)):
        if not data:
            break
        at = rng.randrange(len(data))
        choice = rng.randrange(3)
        if choice == 0:
            data[at] = rng.randrange(256)
        elif choice == 1:
            del data[at : at + rng.randrange(1, 64)]
        else:
            data[at:at] = data[at : at + rng.randrange(1, 64)]
    return bytes(data)


SEEDS = {fmt: picture(fmt, (40, 30)) for fmt in ("JPEG", "PNG", "WEBP", "GIF")}


@settings(max_examples=200, deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=600),
        st.builds(mangled, st.integers(0, 2**32), st.sampled_from(list(SEEDS.values()))),
    ),
    content_type=st.sampled_from(["image/jpeg", "image/png", "application/octet-stream", "image/gif"]),
)
def test_any_bytes_are_refused_or_kept_whole(body: bytes, content_type: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about odd headers
        root = Path(tmp).resolve()
        result = download(root, body, content_type)
        if result.error is not None:
            assert result.file is None and files_under(root) == []
            return
        assert result.file is not None and (root / result.file).is_relative_to(root)
        with Image.open(root / result.file) as image:
            image.load()
        assert not list(root.rglob("*.part"))


# Archive folders: only what tests/test_archive.py does not cover


@pytest.fixture
def ctx() -> instaloader.InstaloaderContext:
    return instaloader.InstaloaderContext(sleep=False, quiet=True)


def one_good_post_folder(ctx: instaloader.InstaloaderContext, root: Path) -> Path:
    folder = root / USER
    folder.mkdir()
    instaloader.save_structure_to_file(instaloader.Profile(ctx, dict(PROFILE_NODE)), str(folder / "p.json"))
    node = graphql_node("BGood000001", 9, T_IMAGE, caption="ok", likes={}, comments=0)
    save_post(ctx, folder, node, ".json")
    return folder


def import_folder(settings: Settings, folder: Path) -> Any:
    engine = open_engine(settings.db_url)
    try:
        return import_archive(session_factory(engine), settings, folder)
    finally:
        engine.dispose()


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("name", "write", "reason"),
    [
        ("a.json.xz", lambda p: p.write_text(json.dumps(structure(OLD))), "damaged .xz file"),  # not compressed
        ("b.json.xz", lambda p: p.write_bytes(lzma.compress(b"not json")), "invalid JSON"),
        ("c.json.xz", lambda p: p.write_bytes(lzma.compress(json.dumps(structure(OLD, "Reel")).encode())), "unknown node type Reel"),
        ("d.json", lambda p: p.write_text(nested(100_000)), "cannot be read"),  # RecursionError in json
        ("e.json", lambda p: write_json(p, {"node": OLD}), "not instaloader metadata"),
        ("f.json", lambda p: write_json(p, {"node": OLD, "instaloader": {"node_type": ["Post"]}}), "unknown node type ['Post']"),
        ("g.json", lambda p: write_json(p, {"node": None, "instaloader": {"node_type": "Post"}}), "incomplete metadata"),
        ("h.json", lambda p: write_json(p, structure({**OLD, "taken_at_timestamp": 10**20})), "cannot be read"),
        ("i.json", lambda p: write_json(p, structure({"id": "7", "username": "../../etc"}, "Profile")), "invalid user name"),
        ("j.json", lambda p: write_json(p, structure({**OLD, "edge_media_to_caption": {"edges": [{"node": {"text": 5}}]}})), "incomplete post metadata"),
    ],
)  # fmt: skip
def test_a_broken_metadata_file_is_reported_and_the_rest_imports(
    ctx: instaloader.InstaloaderContext,
    tmp_path: Path,
    settings: Settings,
    name: str,
    write: Callable[[Path], None],
    reason: str,
) -> None:
    folder = one_good_post_folder(ctx, tmp_path)
    write(folder / name)

    report = import_folder(settings, folder)

    assert report.errors == [(name, reason)]
    assert report.posts == 1


def test_an_id_out_of_range_is_a_per_file_error(
    ctx: instaloader.InstaloaderContext, tmp_path: Path, settings: Settings
) -> None:
    folder = one_good_post_folder(ctx, tmp_path)
    node = {**OLD, "shortcode": "BHuge000001", "id": str(10**30)}
    write_json(folder / "huge.json", structure(node))

    report = import_folder(settings, folder)

    assert report.posts == 1 and [name for name, _ in report.errors] == ["huge.json"]


def test_a_count_out_of_range_is_stored_as_unknown(
    ctx: instaloader.InstaloaderContext, tmp_path: Path, settings: Settings
) -> None:
    folder = one_good_post_folder(ctx, tmp_path)
    node = {**OLD, "shortcode": "BHuge000001", "edge_liked_by": {"count": 10**30}}
    write_json(folder / "huge.json", structure(node))

    report = import_folder(settings, folder)

    assert report.posts == 2 and report.errors == []
    archive = Archive(settings)
    with archive.sessions() as session:
        likes = session.scalar(select(Post.likes).where(Post.shortcode == "BHuge000001"))
    archive.engine.dispose()
    assert likes is None


@pytest.mark.parametrize(
    ("file", "body", "reason"),
    [
        ("{stem}.jpg", b"<!DOCTYPE html><script>alert(1)</script>", "not an image"),
        ("{stem}.png", SVG, "not an image"),
        ("{stem}.jpg", b"", "not an image"),
        ("{stem}.jpg", picture("TIFF"), "unsupported image TIFF"),
        ("{stem}.png", png_claiming(100_000, 100_000), "too large"),  # past twice Pillow's limit
    ],
    ids=["html", "svg", "empty", "tiff", "bomb"],
)
def test_a_bad_picture_in_an_archive_is_reported_and_the_post_imports(
    ctx: instaloader.InstaloaderContext,
    tmp_path: Path,
    settings: Settings,
    file: str,
    body: bytes,
    reason: str,
) -> None:
    folder = one_good_post_folder(ctx, tmp_path)
    name = file.format(stem=stem(T_IMAGE))
    (folder / name).write_bytes(body)

    report = import_folder(settings, folder)

    assert report.errors == [(name, reason)]
    assert report.posts == 1 and report.files == 0
    assert not settings.media_dir.exists() or files_under(settings.media_dir) == []


def test_an_archive_picture_past_pillows_limit_is_refused(
    ctx: instaloader.InstaloaderContext, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 40_000)  # so the bomb can be small: 250 x 250 px
    folder = one_good_post_folder(ctx, tmp_path)
    (folder / f"{stem(T_IMAGE)}.png").write_bytes(picture("PNG", (250, 250)))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        report = import_folder(settings, folder)

    assert report.files == 0 and len(report.errors) == 1


def test_hostile_text_in_an_archive_is_stored_exactly(
    ctx: instaloader.InstaloaderContext, tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / USER
    folder.mkdir()
    text = "".join(HOSTILE.values())
    profile = {**PROFILE_NODE, "full_name": text, "biography": text}
    instaloader.save_structure_to_file(instaloader.Profile(ctx, profile), str(folder / "p.json.xz"))
    save_post(
        ctx, folder, graphql_node("BHostile001", 9, T_IMAGE, caption=text, likes={}, comments=0), ".json"
    )

    report = import_folder(settings, folder)

    assert report.errors == [] and report.posts == 1
    stored_profile, posts = stored(settings, USER)
    assert (stored_profile.full_name, stored_profile.biography) == (kept(text), nfc(text))
    assert [p.caption for p in posts] == [nfc(text)]
