"""Importing a folder that instaloader downloaded (``instaloader PROFILE``) into the archive.

Each metadata file (``*.json``, ``*.json.xz``) is read on its own with instaloader's reader: a
Profile gives the account, a Post gives a post and the pictures and videos saved beside it, a resume
file is passed over, and a file that cannot be read is reported and skipped. Nothing is asked of
Instagram. The archive only replaces stored data older than itself (by the time its files were
written), so importing an old folder after a sync turns no counts back, and importing a folder twice
adds nothing.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import lzma
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import instaloader
from instaloader.exceptions import InstaloaderException, InvalidArgumentException
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from scraper.config import Settings, normalize_username, path_under
from scraper.errors import BadInput, ExitCode, ScraperError, classify
from scraper.instagram import fetch
from scraper.records import PostRecord, ProfileRecord, SyncStatus
from scraper.store import writes
from scraper.store.hashes import safe_picture_hash
from scraper.store.media import FORMAT_EXT, picture_format
from scraper.store.models import Post, Profile, ProfileSnapshot, SyncRun, utcnow

log = logging.getLogger(__name__)

# Posts written per transaction: an import that stops keeps what was committed before.
BATCH = 50
IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".webp")
VIDEO_EXT = ".mp4"
PROFILE_PIC = "_profile_pic.jpg"
# Pillow's name for a checked picture -> the extension it is stored with, as scraper.store.media names them.
SHORTCODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# What fetch.profile_record reads, for profile files saved without some of it (instaloader 4.13 kept
# no post count); a missing field would otherwise make instaloader ask Instagram.
PROFILE_DEFAULTS: dict[str, Any] = {
    "full_name": "",
    "biography": "",
    "external_url": None,
    "is_private": False,
    "is_verified": False,
    "is_business_account": False,
    "business_category_name": None,
    "edge_followed_by": {"count": None},
    "edge_follow": {"count": None},
    "edge_owner_to_timeline_media": {"count": None},
}


@dataclass
class ImportReport:
    """What an import did. ``posts`` counts the post files now stored (new, updated or already
    there), ``files`` the pictures and videos copied into the media root by this import, and
    ``errors`` the files skipped, as (path relative to the folder, short reason)."""

    username: str | None
    profile_id: int | None
    posts: int
    files: int
    errors: list[tuple[str, str]]
    posts_new: int = 0
    posts_updated: int = 0
    run_id: int | None = None


class _Skip(Exception):
    """A file that cannot be imported; the message is the short reason reported for it."""


class _NeedsNetwork(Exception):
    """Raised instead of a request: an archive is imported from the disk alone."""


class _OfflineContext(instaloader.InstaloaderContext):
    """A context that only holds loaded structures: every request fails with _NeedsNetwork."""

    def __init__(self) -> None:
        super().__init__(sleep=False, quiet=True, iphone_support=False)

    def log(self, *msg: Any, sep: str = "", end: str = "\n", flush: bool = False) -> None:
        pass

    def error(self, msg: str, repeat_at_end: bool = True) -> None:
        log.debug("instaloader: %s", msg)

    def get_json(self, *args: Any, **kwargs: Any) -> Any:
        raise _NeedsNetwork()

    def graphql_query(self, *args: Any, **kwargs: Any) -> Any:
        raise _NeedsNetwork()

    def doc_id_graphql_query(self, *args: Any, **kwargs: Any) -> Any:
        raise _NeedsNetwork()

    def get_iphone_json(self, *args: Any, **kwargs: Any) -> Any:
        raise _NeedsNetwork()

    def get_page_data(self, *args: Any, **kwargs: Any) -> Any:
        raise _NeedsNetwork()

    def get_raw(self, *args: Any, **kwargs: Any) -> Any:
        raise _NeedsNetwork()

    def head(self, *args: Any, **kwargs: Any) -> Any:
        raise _NeedsNetwork()


@dataclass
class _Found:
    """A metadata file read, with when instaloader wrote it (what it says was true then)."""

    path: Path
    seen_at: datetime
    profile: ProfileRecord | None = None
    post: PostRecord | None = None


@dataclass
class _Scan:
    profiles: list[_Found] = field(default_factory=list)
    posts: list[_Found] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def import_archive(
    sessions: sessionmaker[Session],
    settings: Settings,
    folder: Path,
    *,
    on_file: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import an instaloader download folder; ``on_file`` is called with each metadata file's name
    once it is handled. Raises BadInput if the folder holds no instaloader metadata."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInput("error.bad_archive", path=str(folder))
    notify = on_file or (lambda _name: None)
    scan = _scan(folder, notify)
    username, profile_id, found = _account(folder, scan)
    report = ImportReport(username, profile_id, 0, 0, scan.errors)
    owner = writes.lock_owner()
    with sessions() as session:
        writes.acquire_lock(session, username, owner)
    try:
        with sessions() as session:
            run = SyncRun(username=username, profile_id=profile_id, source="archive")
            session.add(run)
            writes.touch(session, profile_id, username=username)  # the accounts page shows the run
            session.commit()
            report.run_id = run.id
        status = SyncStatus.FAILED
        error: ScraperError | None = None
        try:
            _import(sessions, settings, folder, scan, found, report, owner, notify)
            status = SyncStatus.OK
        except BaseException as exc:  # recorded in the run, then raised on
            error = classify(exc, username)
            if error.exit_code == ExitCode.INTERRUPTED:
                status = SyncStatus.INTERRUPTED
            log.error("import of %s stopped: %s", folder, error.message(), exc_info=True)
            raise
        finally:
            _finish_run(sessions, report, status, error)
    finally:
        with sessions() as session:
            writes.release_lock(session, username, owner)
    log.info("imported %s from %s: %d posts, %d files", username, folder, report.posts, report.files)
    return report


# Reading the metadata


def _scan(folder: Path, notify: Callable[[str], None]) -> _Scan:
    """Every metadata file of the folder read: profiles and posts found, and the files that failed."""
    ctx = _OfflineContext()
    scan = _Scan()
    for path in sorted(folder.iterdir()):
        name = path.name
        # Comment files are lists of comments, not instaloader structures: not imported.
        if not name.endswith((".json", ".json.xz")) or name.endswith("_comments.json") or not path.is_file():
            continue
        try:
            found = _load(ctx, path)
        except _Skip as exc:
            scan.errors.append((name, str(exc)))
            found = None
        except Exception:  # any other surprise stays with its file
            log.warning("cannot import %s", path, exc_info=True)
            scan.errors.append((name, "cannot be read"))
            found = None
        if found is not None and found.post is not None:
            scan.posts.append(found)  # reported once its pictures are in
            continue
        if found is not None:
            scan.profiles.append(found)
        notify(name)
    return scan


def _load(ctx: _OfflineContext, path: Path) -> _Found | None:
    """The profile or post in ``path``, None for a resume file, or _Skip saying why not."""
    try:
        structure = instaloader.load_structure_from_file(ctx, str(path))
    except (lzma.LZMAError, EOFError) as exc:
        raise _Skip("damaged .xz file") from exc
    except UnicodeDecodeError as exc:
        raise _Skip("not a text file") from exc
    except json.JSONDecodeError as exc:
        raise _Skip("invalid JSON") from exc
    except InvalidArgumentException as exc:
        raise _Skip(_not_instaloader(path)) from exc
    except _NeedsNetwork as exc:
        raise _Skip("no metadata, only a shortcode (instaloader 3)") from exc
    except (AssertionError, KeyError, TypeError) as exc:
        raise _Skip("incomplete metadata") from exc
    except OSError as exc:
        raise _Skip("cannot be read") from exc
    seen_at = _file_time(path)
    if isinstance(structure, instaloader.FrozenNodeIterator):
        return None
    if isinstance(structure, instaloader.Profile):
        return _Found(path, seen_at, profile=_profile_record(ctx, structure))
    if isinstance(structure, instaloader.Post):
        return _Found(path, seen_at, post=_post_record(structure))
    raise _Skip(f"unknown node type {type(structure).__name__}")


def _not_instaloader(path: Path) -> str:
    """Why instaloader refused a JSON file: an unknown node type, or not its format at all."""
    try:
        with lzma.open(path, "rt") if path.name.endswith(".xz") else path.open() as fp:
            data = json.load(fp)
        node_type = data["instaloader"]["node_type"]
    except Exception:
        return "not instaloader metadata"
    return f"unknown node type {str(node_type)[:40]}"


def _profile_record(ctx: _OfflineContext, profile: instaloader.Profile) -> ProfileRecord:
    node = {**PROFILE_DEFAULTS, **profile._asdict()}
    for key in ("full_name", "biography"):
        node[key] = node[key] or ""
    node.setdefault("profile_pic_url_hd", node.get("profile_pic_url"))
    try:
        record = fetch.profile_record(instaloader.Profile(ctx, node))
        username = normalize_username(record.username)
    except _NeedsNetwork as exc:
        raise _Skip("incomplete profile metadata") from exc
    except BadInput as exc:
        raise _Skip("invalid user name") from exc
    except (KeyError, TypeError, ValueError, InstaloaderException) as exc:
        raise _Skip("incomplete profile metadata") from exc
    return dataclasses.replace(record, username=username)


def _post_record(post: instaloader.Post) -> PostRecord:
    try:
        record = fetch.post_record(post)
    except KeyError as exc:
        raise _Skip(f"incomplete post metadata (no {exc.args[0]})") from exc
    except (_NeedsNetwork, TypeError, ValueError, InstaloaderException) as exc:
        raise _Skip("incomplete post metadata") from exc
    if not SHORTCODE.fullmatch(record.shortcode):
        raise _Skip("invalid shortcode")
    return record


def _account(folder: Path, scan: _Scan) -> tuple[str, int, _Found | None]:
    """User name, user id and profile file of the folder's account, or BadInput if it has none.

    The newest profile file wins; without one, the user id comes from the ``id`` file or the posts'
    owner, and the user name from the folder's name (instaloader names it after the account)."""
    if scan.profiles:
        newest = max(scan.profiles, key=lambda f: f.seen_at)
        assert newest.profile is not None
        for other in scan.profiles:
            if other.profile is not None and other.profile.user_id != newest.profile.user_id:
                scan.errors.append((other.path.name, "profile of another account"))
        return newest.profile.username, newest.profile.user_id, newest
    owners = Counter(f.post.owner_id for f in scan.posts if f.post is not None and f.post.owner_id)
    user_id = _id_file(folder) or (owners.most_common(1)[0][0] if owners else None)
    if not scan.posts or user_id is None:
        raise BadInput("error.bad_archive", path=str(folder))
    return normalize_username(folder.name), user_id, None


def _id_file(folder: Path) -> int | None:
    """The user id instaloader keeps in the folder's ``id`` file."""
    try:
        text = (folder / "id").read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    return int(text) if text.isdigit() else None


def _file_time(path: Path) -> datetime:
    """When a file was last written, in whole seconds (and never in the future)."""
    written = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    return min(written, utcnow().replace(microsecond=0))


def _name_time(name: str) -> datetime | None:
    """The time in an instaloader file name (``{date_utc}_UTC...``), if it starts with one."""
    try:
        return datetime.strptime(name[:23], "%Y-%m-%d_%H-%M-%S_UTC").replace(tzinfo=UTC)
    except ValueError:
        return None


def _stem(meta: Path) -> str:
    """The name shared by a post's files: its metadata file's name without ``.json[.xz]``."""
    return meta.name.removesuffix(".xz").removesuffix(".json")


# Writing


def _import(
    sessions: sessionmaker[Session],
    settings: Settings,
    folder: Path,
    scan: _Scan,
    found: _Found | None,
    report: ImportReport,
    owner: str,
    notify: Callable[[str], None],
) -> None:
    assert report.username is not None and report.profile_id is not None and report.run_id is not None
    media = _MediaCopier(folder, settings.media_dir, report.username, report.errors)
    with sessions() as session:
        profile, newer = _save_profile(session, report.profile_id, report.username, found, report.run_id)
        _profile_picture(profile, media, replace=newer)
        writes.touch(session, report.profile_id)
        session.commit()
        report.files += media.pop_copied()
    posts = []
    for item in scan.posts:
        assert item.post is not None
        if item.post.owner_id not in (0, report.profile_id):
            report.errors.append((item.path.name, "post of another account"))
            notify(item.path.name)
        else:
            posts.append(item)
    for batch in _chunks(posts, BATCH):
        with sessions() as session:
            new, updated = _save_batch(session, batch, report.profile_id, report.run_id, media)
            writes.heartbeat(session, report.username, owner)
            session.commit()
        report.posts += len(batch)
        report.posts_new += new
        report.posts_updated += updated
        report.files += media.pop_copied()
        for item in batch:
            notify(item.path.name)


def _save_profile(
    session: Session, profile_id: int, username: str, found: _Found | None, run_id: int
) -> tuple[Profile, bool]:
    """The stored profile, updated from the archive's profile file if that is newer than it; and
    whether it was. Older counts still become a snapshot, for the growth charts."""
    row = session.get(Profile, profile_id)
    if found is None or found.profile is None:
        if row is None:
            row = Profile(id=profile_id, username=username)
            session.add(row)
        return row, False
    rec, seen_at = found.profile, found.seen_at
    if row is None or row.updated_at < seen_at:
        row = writes.upsert_profile(session, rec, run_id=run_id)
        row.updated_at = seen_at
        session.flush()
        snapshot = session.scalar(
            select(ProfileSnapshot).where(
                ProfileSnapshot.profile_id == profile_id, ProfileSnapshot.sync_run_id == run_id
            )
        )
        if snapshot is not None:
            snapshot.taken_at = seen_at
        return row, True
    known = session.scalar(
        select(ProfileSnapshot.id).where(
            ProfileSnapshot.profile_id == profile_id, ProfileSnapshot.taken_at == seen_at
        )
    )
    if known is None:
        session.add(
            ProfileSnapshot(
                profile_id=profile_id,
                sync_run_id=run_id,
                taken_at=seen_at,
                followers=rec.followers,
                followees=rec.followees,
                post_count=rec.post_count,
            )
        )
    return row, False


def _profile_picture(profile: Profile, media: _MediaCopier, *, replace: bool) -> None:
    """Make the newest ``*_profile_pic.jpg`` the profile picture, unless a newer one is stored."""
    pictures = sorted(media.folder.glob(f"*{PROFILE_PIC}"), key=lambda p: p.name, reverse=True)
    on_disk = media.exists(profile.profile_pic_file)
    for picture in pictures:
        if on_disk and (profile.profile_pic_key == picture.name or not replace):
            return
        stem = picture.name.removesuffix(PROFILE_PIC)[:80]
        stored = media.image(picture, f"profile_pic_{stem}")
        if stored is None:
            continue  # broken: the next newest, if any
        if profile.profile_pic_key != picture.name:
            profile.profile_pic_changed_at = _name_time(picture.name) or _file_time(picture)
        profile.profile_pic_file = stored
        profile.profile_pic_key = picture.name
        return


def _save_batch(
    session: Session, batch: Sequence[_Found], profile_id: int, run_id: int, media: _MediaCopier
) -> tuple[int, int]:
    """Save a batch of posts and their files; the numbers of new and updated posts."""
    records = {f.post.shortcode: f for f in batch if f.post is not None}
    stored = {
        p.shortcode: p
        for p in session.scalars(
            select(Post).where(Post.shortcode.in_(list(records))).options(selectinload(Post.media))
        )
    }
    # A post stored since the archive was written (or found deleted since) keeps what is stored.
    fresh = [
        f
        for code, f in records.items()
        if code not in stored or max(stored[code].last_seen_at, stored[code].deleted_at or _EPOCH) < f.seen_at
    ]
    # Seen when the archive was written: first and last seen, and the counts' time.
    seen_at = {f.post.shortcode: f.seen_at for f in fresh if f.post}
    result = writes.save_posts(
        session, profile_id, [f.post for f in fresh if f.post], run_id=run_id, seen_at=seen_at
    )
    if not fresh:
        writes.touch(session, profile_id)  # files may be attached below; else save_posts touched it
    for post in [*writes.posts_with_media(session, result.new_ids), *result.updated]:
        stored[post.shortcode] = post
    for f in batch:
        assert f.post is not None
        _attach_files(stored[f.post.shortcode], f.post, _stem(f.path), media)
    return len(result.new_ids), len(result.updated)


def _attach_files(post: Post, record: PostRecord, stem: str, media: _MediaCopier) -> None:
    """Copy the pictures and videos saved beside a post's metadata to its media items.

    instaloader names them ``<stem>.jpg`` / ``.mp4``, or ``<stem>_1.jpg``, ``_2``... in a carousel."""
    items = {item.position: item for item in post.media}
    for rec in record.media:
        item = items.get(rec.position)
        if item is None:
            continue
        base = f"{stem}_{rec.position + 1}" if record.type == "carousel" else stem
        dest = f"{post.shortcode}_{rec.position}"
        if not media.exists(item.file):
            source = media.find(base, IMAGE_EXTS)
            stored = media.image(source, dest) if source else None
            if stored is not None:
                item.file, item.thumb = stored, None
                item.phash = safe_picture_hash(media.root / stored)
        if item.file and not media.exists(item.thumb):
            item.thumb = media.thumbnail(item.file, dest)
        if item.is_video and not media.exists(item.video_file):
            source = media.find(base, (VIDEO_EXT,))
            item.video_file = (media.video(source, dest) if source else None) or item.video_file


class _MediaCopier:
    """Copies checked files of the archive folder to ``<username>/`` under the media root."""

    def __init__(self, folder: Path, root: Path, username: str, errors: list[tuple[str, str]]) -> None:
        self.folder = folder
        self.root = root.resolve()
        self.username = username
        self.errors = errors
        self.copied = 0

    def pop_copied(self) -> int:
        """The number of files copied since the last call."""
        copied, self.copied = self.copied, 0
        return copied

    def exists(self, relative: str | None) -> bool:
        return bool(relative) and (self.root / str(relative)).is_file()

    def find(self, base: str, exts: Sequence[str]) -> Path | None:
        return next((p for ext in exts if (p := self.folder / f"{base}{ext}").is_file()), None)

    def image(self, source: Path, dest: str) -> str | None:
        """The stored path of picture ``source`` checked and copied to ``dest`` + its type's
        extension, or None (error recorded) if it is no whole picture."""
        try:
            ext = _picture_ext(source)
            return self._copy(source, self._path(dest + ext))
        except _Skip as exc:
            self.errors.append((source.name, str(exc)))
            return None

    def video(self, source: Path, dest: str) -> str | None:
        """Like ``image`` for an MP4 video."""
        try:
            with source.open("rb") as fp:
                head = fp.read(12)
            if len(head) < 12 or head[4:8] != b"ftyp":
                raise _Skip("not a video")
            return self._copy(source, self._path(dest + VIDEO_EXT))
        except OSError as exc:
            self.errors.append((source.name, "cannot be read"))
            log.warning("cannot read %s: %s", source, exc)
        except _Skip as exc:
            self.errors.append((source.name, str(exc)))
        return None

    def thumbnail(self, relative: str, dest: str) -> str | None:
        """The stored path of a thumbnail of stored picture ``relative``, made if missing."""
        from scraper.store.media import make_thumbnail  # imported late: media.py is written alongside

        try:
            thumb = self._path("thumbs", f"{dest}.jpg")
            make_thumbnail(self.root / relative, thumb)
        except Exception as exc:  # a picture already checked: only the disk can fail the import
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise
            log.warning("no thumbnail for %s", relative, exc_info=True)
            return None
        return thumb.relative_to(self.root).as_posix()

    def _path(self, *parts: str) -> Path:
        """``<root>/<username>/<parts>``, or _Skip if it would lead out of the media root."""
        try:
            return path_under(self.root, self.username, *parts)
        except BadInput as exc:
            raise _Skip("outside the media folder") from exc

    def _copy(self, source: Path, dest: Path) -> str:
        """Copy ``source`` to ``dest`` unless a file of the same size is there; its stored path."""
        relative = dest.relative_to(self.root).as_posix()
        try:
            if dest.is_file() and dest.stat().st_size == source.stat().st_size:
                return relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            part = dest.with_name(dest.name + ".part")
            try:
                shutil.copy2(source, part)  # keeps instaloader's time stamp (the post's date)
                os.replace(part, dest)
            finally:
                part.unlink(missing_ok=True)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise
            raise _Skip("cannot be copied") from exc
        self.copied += 1
        return relative


def _picture_ext(path: Path) -> str:
    """The extension for picture ``path`` after the same checks a download gets, or _Skip saying why not."""
    kind, reason = picture_format(path)
    if kind is None:
        raise _Skip(reason or "not an image")
    return FORMAT_EXT[kind]


def _finish_run(
    sessions: sessionmaker[Session], report: ImportReport, status: SyncStatus, error: ScraperError | None
) -> None:
    with sessions() as session:
        run = session.get(SyncRun, report.run_id)
        assert run is not None
        run.finished_at = utcnow()
        run.status = status
        run.posts_new = report.posts_new
        run.posts_updated = report.posts_updated
        run.media_downloaded = report.files
        if error is not None:
            run.error = error.message()
            run.error_code = error.exit_code
        if report.profile_id is not None:
            writes.touch(session, report.profile_id, username=report.username)
        session.commit()


def _chunks(items: Sequence[_Found], size: int) -> Iterator[Sequence[_Found]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
