"""Importing instaloader download folders, built here with instaloader's own writer."""

from __future__ import annotations

import io
import json
import lzma
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import instaloader
import pytest
import requests
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from scraper import folder_import
from scraper.config import Settings
from scraper.errors import BadInput
from scraper.folder_import import import_archive
from scraper.store import writes
from scraper.store.db import open_engine, session_factory
from scraper.store.models import (
    CaptionVersion,
    MediaItem,
    Post,
    PostMetrics,
    Profile,
    ProfileSnapshot,
    SyncLock,
    SyncRun,
)
from tests.helpers import SHARED_FIXTURES

UID = 305701719
USER = "lunar.cafe"
CDN = "https://scontent.cdninstagram.test/v/t51.2885-15"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
REAL_FOLDER = SHARED_FIXTURES / "instaloader-folder"

# Taken-at times of the posts in the folder built below.
T_IMAGE = 1700000000  # 2023-11-14 22:13:20 UTC
T_VIDEO = 1700100000
T_CAROUSEL = 1700200000
T_OLD_IMAGE = 1500000000
T_OLD_SIDECAR = 1500100000
T_BROKEN_PIC = 1700300000


class NetworkUsed(BaseException):
    """Raised on any HTTP request; a BaseException, so that no `except Exception` hides it."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    tried: list[str] = []

    def refuse(session: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> None:
        tried.append(str(request.url))
        raise NetworkUsed(request.url)

    monkeypatch.setattr(requests.Session, "send", refuse)
    yield
    assert tried == []


@pytest.fixture
def sessions(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = open_engine(settings.db_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def ctx() -> instaloader.InstaloaderContext:
    return instaloader.InstaloaderContext(sleep=False, quiet=True)


# Building folders as `instaloader PROFILE` writes them


def stem(timestamp: int) -> str:
    """instaloader's default file name for a post: ``{date_utc}_UTC``."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d_%H-%M-%S_UTC")


def picture(size: tuple[int, int], fmt: str = "JPEG", seed: int = 0) -> bytes:
    """Real image bytes; noisy, so that a JPEG is big enough to cut short."""
    noise = random.Random(seed).randbytes(size[0] * size[1] * 3)
    buf = io.BytesIO()
    Image.frombytes("RGB", size, noise).save(buf, fmt)
    return buf.getvalue()


def candidates(code: str, size: tuple[int, int]) -> dict[str, Any]:
    return {"candidates": [{"url": f"{CDN}/{code}_n.jpg?stp=dst", "width": size[0], "height": size[1]}]}


def media_record(
    code: str,
    pk: int,
    taken_at: int,
    *,
    media_type: int = 1,
    caption: str | None = None,
    likes: int = 0,
    comments: int = 0,
    children: int = 0,
) -> dict[str, Any]:
    """A media record shaped like Instagram's web API items (fixtures/instagram-web/media*.json)."""
    item: dict[str, Any] = {
        "code": code,
        "pk": pk,
        "id": f"{pk}_{UID}",
        "media_type": media_type,
        "taken_at": taken_at,
        "caption": {"text": caption, "pk": pk + 7} if caption is not None else None,
        "like_count": likes,
        "comment_count": comments,
        "has_liked": False,
        "user": {"pk": UID, "username": USER, "full_name": "Lunar Café", "is_private": False},
        "product_type": "carousel_container" if children else "feed",
    }
    if children:
        item["carousel_media_count"] = children
        item["carousel_media"] = [
            {
                "pk": pk + i + 1,
                "id": f"{pk + i + 1}_{UID}",
                "media_type": 1,
                "image_versions2": candidates(f"{code}{i}", (1080, 1080)),
                "original_width": 1080,
                "original_height": 1080,
                "accessibility_caption": f"slide {i + 1}",
            }
            for i in range(children)
        ]
    else:
        item["image_versions2"] = candidates(code, (1080, 1350))
        item["original_width"], item["original_height"] = 1080, 1350
    if media_type == 2:
        item["video_versions"] = [{"type": 101, "width": 720, "height": 900, "url": f"{CDN}/{code}.mp4"}]
        item["video_duration"] = 16.266
        item["view_count"] = 4048603
    return item


def graphql_node(
    code: str,
    media_id: int,
    taken_at: int,
    *,
    caption: str,
    likes: dict[str, Any],
    comments: int,
    children: int = 0,
) -> dict[str, Any]:
    """A post in the GraphQL node shape older instaloader versions saved (instagram-web/medias.json)."""
    node: dict[str, Any] = {
        "__typename": "GraphSidecar" if children else "GraphImage",
        "id": str(media_id),
        "shortcode": code,
        "dimensions": {"height": 810, "width": 1080},
        "display_url": f"{CDN}/{code}.jpg",
        "is_video": False,
        "taken_at_timestamp": taken_at,
        "edge_media_to_caption": {"edges": [{"node": {"text": caption}}]},
        "edge_media_to_comment": {"count": comments, "page_info": {"has_next_page": False}},
        "comments_disabled": False,
        "owner": {"id": str(UID), "username": USER},
        "location": None,
        **likes,
    }
    if children:
        node["edge_sidecar_to_children"] = {
            "edges": [
                {
                    "node": {
                        "__typename": "GraphImage",
                        "id": str(media_id + i + 1),
                        "shortcode": f"{code}{i}",
                        "dimensions": {"height": 600, "width": 800},
                        "display_url": f"{CDN}/{code}{i}.jpg",
                        "is_video": False,
                    }
                }
                for i in range(children)
            ]
        }
    return node


PROFILE_NODE: dict[str, Any] = {
    # As instaloader 4.13 saved profiles: no post count (edge_owner_to_timeline_media).
    "id": str(UID),
    "username": USER,
    "full_name": "Lunar Café",
    "biography": "Coffee & moon pies #lunar",
    "external_url": "https://lunar.example",
    "is_private": False,
    "is_verified": True,
    "is_business_account": True,
    "business_category_name": "Restaurant",
    "edge_followed_by": {"count": 48213},
    "edge_follow": {"count": 321},
    "profile_pic_url": f"{CDN}/p_s150.jpg",
    "profile_pic_url_hd": f"{CDN}/p_s320.jpg",
}


@dataclass
class Folder:
    path: Path
    broken_xz: str
    garbage_json: str
    truncated_jpeg: str


def save_post(ctx: instaloader.InstaloaderContext, folder: Path, node: dict[str, Any], ext: str) -> None:
    post = instaloader.Post(ctx, node)
    instaloader.save_structure_to_file(post, str(folder / f"{stem(node['taken_at_timestamp'])}{ext}"))


def build_folder(ctx: instaloader.InstaloaderContext, root: Path) -> Folder:
    """An instaloader download of a profile: profile and posts, their files, and a few broken ones."""
    folder = root / USER
    folder.mkdir(parents=True)
    (folder / "id").write_text(str(UID))
    profile = instaloader.Profile(ctx, dict(PROFILE_NODE))
    instaloader.save_structure_to_file(profile, str(folder / f"{USER}_{UID}.json.xz"))
    (folder / "2023-03-01_10-00-00_UTC_profile_pic.jpg").write_bytes(picture((150, 150), seed=1))
    (folder / "2024-07-15_08-30-00_UTC_profile_pic.jpg").write_bytes(picture((320, 320), seed=2))

    # Media-record shape, as instaloader 4.16 saves posts.
    records = [
        media_record(
            "CImage11111", 3001, T_IMAGE, caption="Full moon #lunar @moonpie", likes=812, comments=34
        ),
        media_record("CVideo22222", 3002, T_VIDEO, media_type=2, caption="Latte art", likes=90, comments=5),
        media_record("CCarousel33", 3003, T_CAROUSEL, media_type=8, caption=None, likes=7, children=3),
        media_record("CBrokenPic4", 3004, T_BROKEN_PIC, caption="cut short", likes=1),
    ]
    for record in records:
        save_post(ctx, folder, instaloader.Post._normalize_post_data(record), ".json.xz")
    (folder / f"{stem(T_IMAGE)}.jpg").write_bytes(picture((1080, 1350)))
    (folder / f"{stem(T_IMAGE)}.txt").write_text("Full moon #lunar @moonpie")
    (folder / f"{stem(T_VIDEO)}.jpg").write_bytes(picture((720, 900), seed=3))
    (folder / f"{stem(T_VIDEO)}.mp4").write_bytes(VIDEO)
    (folder / f"{stem(T_CAROUSEL)}_1.jpg").write_bytes(picture((1080, 1080), seed=4))
    (folder / f"{stem(T_CAROUSEL)}_2.png").write_bytes(picture((200, 150), "PNG", seed=5))
    (folder / f"{stem(T_CAROUSEL)}_3.jpeg").write_bytes(picture((640, 480), seed=6))
    whole = picture((1080, 1350), seed=7)
    (folder / f"{stem(T_BROKEN_PIC)}.jpg").write_bytes(whole[: len(whole) // 2])

    # The GraphQL node shape of older instaloader versions, saved uncompressed.
    old_image = graphql_node(
        "BOldImage01",
        1500000000000000001,
        T_OLD_IMAGE,
        caption="Old times",
        likes={"edge_liked_by": {"count": 1265}},
        comments=17,
    )
    old_sidecar = graphql_node(
        "BOldSide002",
        1500000000000000002,
        T_OLD_SIDECAR,
        caption="Two of them",
        likes={"edge_media_preview_like": {"count": 44, "edges": []}},
        comments=2,
        children=2,
    )
    save_post(ctx, folder, old_image, ".json")
    save_post(ctx, folder, old_sidecar, ".json")
    (folder / f"{stem(T_OLD_IMAGE)}.jpg").write_bytes(picture((1080, 810), seed=8))
    (folder / f"{stem(T_OLD_SIDECAR)}_1.jpg").write_bytes(picture((800, 600), seed=9))
    (folder / f"{stem(T_OLD_SIDECAR)}_2.jpg").write_bytes(picture((800, 600), seed=10))
    (folder / f"{stem(T_OLD_SIDECAR)}_comments.json").write_text("[]")

    # What must not stop the rest: a cut-off .json.xz, a garbage .json, a resume file.
    broken_xz = "2019-05-05_05-05-05_UTC.json.xz"
    whole_xz = lzma.compress(json.dumps({"node": old_image, "instaloader": {"node_type": "Post"}}).encode())
    (folder / broken_xz).write_bytes(whole_xz[: len(whole_xz) // 2])
    garbage_json = "2019-06-06_06-06-06_UTC.json"
    (folder / garbage_json).write_text('{"node": {"shortcode": "X", ')
    resume = instaloader.FrozenNodeIterator(
        query_hash=None,
        query_variables={"id": str(UID)},
        query_referer=f"https://www.instagram.com/{USER}/",
        context_username=None,
        total_index=12,
        best_before=1800000000.0,
        remaining_data=None,
        first_node=None,
        doc_id="7950326061742207",
    )
    instaloader.save_structure_to_file(resume, str(folder / "iterator_4e1f0c.json.xz"))
    return Folder(folder, broken_xz, garbage_json, f"{stem(T_BROKEN_PIC)}.jpg")


def counts(session: Session) -> dict[str, int]:
    tables = (Profile, Post, MediaItem, PostMetrics, ProfileSnapshot, CaptionVersion)
    return {t.__name__: session.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


def files_under(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


def by_code(session: Session) -> dict[str, Post]:
    return {p.shortcode: p for p in session.scalars(select(Post))}


# Tests


def test_import_folder(
    ctx: instaloader.InstaloaderContext, tmp_path: Path, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    folder = build_folder(ctx, tmp_path / "downloads")
    handled: list[str] = []
    report = import_archive(sessions, settings, folder.path, on_file=handled.append)

    assert (report.username, report.profile_id) == (USER, UID)
    assert (report.posts, report.posts_new, report.posts_updated) == (6, 6, 0)
    # 1 image + video picture and video + 3 slides + 1 old image + 2 old slides + the profile picture
    assert report.files == 10
    assert sorted(report.errors) == sorted(
        [
            (folder.broken_xz, "damaged .xz file"),
            (folder.garbage_json, "invalid JSON"),
            (folder.truncated_jpeg, "truncated"),
        ]
    )
    assert sorted(handled) == sorted(p.name for p in folder.path.glob("*.json*") if "comments" not in p.name)

    media_root = settings.media_dir
    with sessions() as session:
        assert counts(session) == {
            "Profile": 1,
            "Post": 6,
            "MediaItem": 9,
            "PostMetrics": 6,
            "ProfileSnapshot": 1,
            "CaptionVersion": 0,
        }
        profile = session.get(Profile, UID)
        assert profile is not None
        assert (profile.username, profile.full_name, profile.followers, profile.followees) == (
            USER,
            "Lunar Café",
            48213,
            321,
        )
        assert profile.post_count is None and profile.is_verified and profile.category == "Restaurant"
        assert profile.profile_pic_key == "2024-07-15_08-30-00_UTC_profile_pic.jpg"
        assert profile.profile_pic_file == f"{USER}/profile_pic_2024-07-15_08-30-00_UTC.jpg"
        assert (media_root / profile.profile_pic_file).is_file()
        assert profile.profile_pic_changed_at == datetime(2024, 7, 15, 8, 30, tzinfo=UTC)
        assert not profile.history_complete
        assert profile.complete_until is None and profile.backfill_state is None

        posts = by_code(session)
        expected = {
            "CImage11111": ("image", "Full moon #lunar @moonpie", 812, 34, T_IMAGE, 1),
            "CVideo22222": ("video", "Latte art", 90, 5, T_VIDEO, 1),
            "CCarousel33": ("carousel", None, 7, 0, T_CAROUSEL, 3),
            "CBrokenPic4": ("image", "cut short", 1, 0, T_BROKEN_PIC, 1),
            "BOldImage01": ("image", "Old times", 1265, 17, T_OLD_IMAGE, 1),
            "BOldSide002": ("carousel", "Two of them", 44, 2, T_OLD_SIDECAR, 2),
        }
        for code, (kind, caption, likes, comments, taken, media_count) in expected.items():
            post = posts[code]
            assert (post.type, post.caption, post.likes, post.comments) == (kind, caption, likes, comments)
            assert post.taken_at == datetime.fromtimestamp(taken, UTC)
            assert post.taken_at.utcoffset() == timedelta(0)
            assert len(post.media) == media_count
            assert post.profile_id == UID
        assert posts["CImage11111"].hashtags == ["lunar"] and posts["CImage11111"].mentions == ["moonpie"]
        assert posts["CVideo22222"].video_duration == 16.266
        assert posts["CVideo22222"].video_views == 4048603

        video = posts["CVideo22222"].media[0]
        assert video.is_video and video.video_file == f"{USER}/CVideo22222_0.mp4"
        assert (media_root / video.video_file).read_bytes() == VIDEO
        slides = posts["CCarousel33"].media
        assert [m.file for m in slides] == [
            f"{USER}/CCarousel33_0.jpg",
            f"{USER}/CCarousel33_1.png",
            f"{USER}/CCarousel33_2.jpg",
        ]
        assert [m.accessibility_caption for m in slides] == ["slide 1", "slide 2", "slide 3"]
        broken = posts["CBrokenPic4"].media[0]
        assert broken.file is None and broken.thumb is None

        for post in posts.values():
            for item in post.media:
                if post.shortcode == "CBrokenPic4":
                    continue
                assert item.file and item.thumb == f"{USER}/thumbs/{post.shortcode}_{item.position}.jpg"
                assert (media_root / item.file).is_file()
                with (
                    Image.open(media_root / item.file) as source,
                    Image.open(media_root / item.thumb) as thumb,
                ):
                    assert thumb.format == "JPEG"
                    assert max(thumb.size) == min(320, max(source.size))
        assert slides[1].thumb is not None
        with Image.open(media_root / slides[1].thumb) as small:
            assert small.size == (200, 150)

        run = session.scalars(select(SyncRun)).one()
        assert (run.source, run.status, run.username, run.profile_id) == ("archive", "ok", USER, UID)
        assert (run.posts_new, run.posts_updated, run.media_downloaded) == (6, 0, 10)
        assert run.finished_at is not None
        assert session.scalars(select(SyncLock)).first() is None

    # Copied, not moved; nothing written outside the media root, nothing left half-written.
    assert (folder.path / f"{stem(T_IMAGE)}.jpg").is_file()
    assert not list(media_root.rglob("*.part"))
    assert {p.name for p in tmp_path.iterdir()} <= {"downloads", "media", "data"}  # data: SQLite's file
    assert {p.name for p in (tmp_path / "data").glob("*")} <= {
        "instagram.db",
        "instagram.db-wal",
        "instagram.db-shm",
    }


def test_second_import_changes_nothing(
    ctx: instaloader.InstaloaderContext, tmp_path: Path, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    folder = build_folder(ctx, tmp_path / "downloads")
    first = import_archive(sessions, settings, folder.path)
    with sessions() as session:
        before = counts(session)
    files = files_under(settings.media_dir)

    second = import_archive(sessions, settings, folder.path)

    assert (second.posts, second.files, second.posts_new, second.posts_updated) == (6, 0, 0, 0)
    assert sorted(second.errors) == sorted(first.errors)
    with sessions() as session:
        assert counts(session) == before
        runs = session.scalars(select(SyncRun).order_by(SyncRun.id)).all()
        assert [(r.status, r.posts_new, r.media_downloaded) for r in runs] == [("ok", 6, 10), ("ok", 0, 0)]
    assert files_under(settings.media_dir) == files


def test_an_import_grows_the_accounts_revision(
    ctx: instaloader.InstaloaderContext, tmp_path: Path, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    """The dashboard's caches key on an account's revision: what an import stores (even only its run,
    which the accounts page shows) is read again on the next rerun."""
    folder = build_folder(ctx, tmp_path / "downloads")

    def revision() -> int:
        with sessions() as session:
            profile = session.get(Profile, UID)
            assert profile is not None
            return profile.revision

    import_archive(sessions, settings, folder.path)
    first = revision()
    import_archive(sessions, settings, folder.path)

    assert 0 < first < revision()


def test_older_archive_keeps_newer_data(
    ctx: instaloader.InstaloaderContext, tmp_path: Path, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    """A sync after the download saw newer counts: importing the download again keeps them."""
    folder = build_folder(ctx, tmp_path / "downloads")
    import_archive(sessions, settings, folder.path)
    later = datetime.now(UTC) + timedelta(days=1)
    with sessions() as session:
        post = by_code(session)["CImage11111"]
        post.likes, post.caption, post.last_seen_at = 9999, "edited later", later
        profile = session.get(Profile, UID)
        assert profile is not None
        profile.followers, profile.updated_at = 50000, later
        session.commit()

    import_archive(sessions, settings, folder.path)

    with sessions() as session:
        post = by_code(session)["CImage11111"]
        assert (post.likes, post.caption) == (9999, "edited later")
        profile = session.get(Profile, UID)
        assert profile is not None and profile.followers == 50000
        assert counts(session)["ProfileSnapshot"] == 1


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data))


def structure(node: dict[str, Any], node_type: str = "Post") -> dict[str, Any]:
    return {"node": node, "instaloader": {"version": "4.16", "node_type": node_type}}


OLD = graphql_node("BOldImage01", 1, T_OLD_IMAGE, caption="x", likes={}, comments=0)


@pytest.mark.parametrize(
    ("name", "write", "reason"),
    [
        ("a.json.xz", lambda p: p.write_bytes(b"\xfd7zXZ\x00\x00garbage"), "damaged .xz file"),
        ("b.json.xz", lambda p: p.write_bytes(b""), "damaged .xz file"),
        ("c.json", lambda p: p.write_text("not json"), "invalid JSON"),
        ("d.json", lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), "not a text file"),
        ("e.json", lambda p: write_json(p, [1, 2]), "not instaloader metadata"),
        ("f.json", lambda p: write_json(p, structure(OLD, "Reel")), "unknown node type Reel"),
        ("g.json", lambda p: write_json(p, structure({"name": "x"}, "Hashtag")), "unknown node type Hashtag"),
        ("h.json", lambda p: write_json(p, {"shortcode": "B1"}), "no metadata, only a shortcode (instaloader 3)"),
        ("i.json", lambda p: write_json(p, structure({"id": "1"})), "incomplete metadata"),
        ("j.json", lambda p: write_json(p, structure({**OLD, "id": "x"})), "incomplete post metadata"),
        ("k.json", lambda p: write_json(p, structure({k: v for k, v in OLD.items() if k != "id"})), "incomplete post metadata (no id)"),
        ("l.json", lambda p: write_json(p, structure({**OLD, "taken_at_timestamp": None})), "incomplete post metadata"),
        ("m.json", lambda p: write_json(p, structure({**OLD, "__typename": "GraphReel"})), "incomplete post metadata"),
        ("n.json", lambda p: write_json(p, structure({**OLD, "shortcode": "../../etc"})), "invalid shortcode"),
        ("o.json", lambda p: write_json(p, structure({"id": "7"}, "Profile")), "incomplete metadata"),
        ("p.json", lambda p: write_json(p, structure({"id": "7", "username": "Bad Name!"}, "Profile")), "invalid user name"),
        ("q.json", lambda p: write_json(p, structure({"id": "x", "username": "other"}, "Profile")), "incomplete profile metadata"),
    ],
)  # fmt: skip
def test_each_file_on_its_own(
    ctx: instaloader.InstaloaderContext,
    tmp_path: Path,
    settings: Settings,
    sessions: sessionmaker[Session],
    name: str,
    write: Callable[[Path], None],
    reason: str,
) -> None:
    folder = tmp_path / USER
    folder.mkdir()
    instaloader.save_structure_to_file(instaloader.Profile(ctx, dict(PROFILE_NODE)), str(folder / "p.json"))
    save_post(
        ctx, folder, graphql_node("BGood000001", 9, T_IMAGE, caption="ok", likes={}, comments=0), ".json"
    )
    write(folder / name)

    report = import_archive(sessions, settings, folder)

    assert report.errors == [(name, reason)]
    assert report.posts == 1 and report.profile_id == UID


def test_folder_without_profile_file(
    ctx: instaloader.InstaloaderContext, tmp_path: Path, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    """The account comes from the ``id`` file and the folder's name."""
    folder = build_folder(ctx, tmp_path / "downloads")
    (folder.path / f"{USER}_{UID}.json.xz").unlink()
    report = import_archive(sessions, settings, folder.path)
    assert (report.username, report.profile_id, report.posts) == (USER, UID, 6)
    with sessions() as session:
        profile = session.get(Profile, UID)
        assert profile is not None and profile.username == USER and profile.full_name == ""
        assert profile.profile_pic_file == f"{USER}/profile_pic_2024-07-15_08-30-00_UTC.jpg"
        assert counts(session)["ProfileSnapshot"] == 0  # no counts known, so no snapshot


def test_post_of_another_account(
    ctx: instaloader.InstaloaderContext, tmp_path: Path, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    folder = tmp_path / USER
    folder.mkdir()
    (folder / "id").write_text(str(UID))
    save_post(ctx, folder, graphql_node("BMine000001", 1, T_IMAGE, caption="", likes={}, comments=0), ".json")
    other = graphql_node("BOther00001", 2, T_VIDEO, caption="", likes={}, comments=0)
    save_post(ctx, folder, {**other, "owner": {"id": "42", "username": "someone"}}, ".json")
    report = import_archive(sessions, settings, folder)
    assert report.posts == 1 and report.errors == [(f"{stem(T_VIDEO)}.json", "post of another account")]


@pytest.mark.parametrize("content", [None, "empty", "resume only", "broken only"])
def test_not_an_archive(
    tmp_path: Path, settings: Settings, sessions: sessionmaker[Session], content: str | None
) -> None:
    folder = tmp_path / "somebody"
    if content is not None:
        folder.mkdir()
        (folder / "notes.txt").write_text("hello")
    if content == "resume only":
        resume = instaloader.FrozenNodeIterator(None, {}, None, None, 0, None, None, None, "1")
        instaloader.save_structure_to_file(resume, str(folder / "iterator_0.json.xz"))
    if content == "broken only":
        (folder / "x.json").write_text("{")
    with pytest.raises(BadInput) as raised:
        import_archive(sessions, settings, folder)
    assert raised.value.key == "error.bad_archive" and str(folder) in str(raised.value)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(SyncRun)) == 0


def test_a_crash_keeps_committed_batches(
    ctx: instaloader.InstaloaderContext,
    tmp_path: Path,
    settings: Settings,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = build_folder(ctx, tmp_path / "downloads")
    monkeypatch.setattr(folder_import, "BATCH", 2)
    save_posts = writes.save_posts
    calls: list[int] = []

    def failing(*args: Any, **kwargs: Any) -> writes.SaveResult:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return save_posts(*args, **kwargs)

    monkeypatch.setattr(writes, "save_posts", failing)
    with pytest.raises(RuntimeError):
        import_archive(sessions, settings, folder.path)
    with sessions() as session:
        assert counts(session)["Post"] == 2
        run = session.scalars(select(SyncRun)).one()
        assert (run.status, run.posts_new) == ("failed", 2)
        assert run.error and session.scalars(select(SyncLock)).first() is None

    monkeypatch.setattr(writes, "save_posts", save_posts)
    report = import_archive(sessions, settings, folder.path)
    assert (report.posts, report.posts_new) == (6, 4)


@pytest.mark.skipif(not REAL_FOLDER.is_dir(), reason="instaloader fixture folder not available")
def test_real_instaloader_folder(settings: Settings, sessions: sessionmaker[Session]) -> None:
    """A profile saved by instaloader 4.13.1, with its ``id`` file and profile picture."""
    report = import_archive(sessions, settings, REAL_FOLDER)
    assert (report.username, report.profile_id, report.errors, report.files) == ("natgeo", 787132, [], 1)
    with sessions() as session:
        profile = session.get(Profile, 787132)
        assert profile is not None and profile.username == "natgeo"
        assert profile.full_name == "National Geographic" and profile.followers
        assert profile.profile_pic_key == "2025-02-06_17-56-48_UTC_profile_pic.jpg"
        assert profile.profile_pic_file and (settings.media_dir / profile.profile_pic_file).is_file()
        with Image.open(settings.media_dir / profile.profile_pic_file) as image:
            image.load()
