"""Perceptual hashes of the stored pictures, so a picture posted again (re-encoded, resized) is found.

The hash is imagehash's pHash with ``hash_size=8``: 64 bits, the signs of the 8 x 8 lowest
frequencies of the picture's 32 x 32 grayscale DCT against their median, stored as 16 hex digits in
``media_items.phash``. pHash rather than dHash: over re-encoded (JPEG quality 30-95) and resized
(50 %-200 %) copies of the replay's pictures, pHash stays within 4 bits of the original but for
about 1 in 200 copies (6) while dHash drifts to 9 and puts far more pairs of *different* pictures close together
(gradients between neighbouring pixels follow JPEG's blocks; the low DCT frequencies do not). 64 bits
rather than 144 or 256: the bigger hashes were no steadier under re-encoding, and 64 bits fit one
integer, which keeps matching 100,000 pictures cheap (``insights.reposts``).

A plain picture (one colour, nearly) has no low frequencies to speak of: its hash is JPEG noise,
unstable under re-encoding and equal for every plain picture. It gets no hash, like a file that
cannot be read: ``NO_HASH`` in the column, which the backfill does not try again and matching skips.
NULL means "not hashed yet".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import imagehash
from PIL import Image, ImageOps, ImageStat
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scraper.store.models import MediaItem

log = logging.getLogger(__name__)

HASH_SIZE = 8
# Stored for a picture that has no usable hash: unreadable, missing, or plain.
NO_HASH = ""
# Grayscale standard deviation (0-255) of the 32 x 32 picture the hash is made from, below which a
# picture counts as plain. Real photos are at 20 and more; the replay's pictures at 2 and more.
PLAIN_STDDEV = 1.5
_SIDE = HASH_SIZE * 4
# JPEG decodes at 1/2, 1/4, 1/8 of its size when asked (draft): far faster, and ample for 32 x 32.
_DRAFT = 256


def picture_hash(path: Path) -> str:
    """The 64-bit pHash of the picture at ``path`` as 16 hex digits, or NO_HASH for a plain picture.

    The picture is turned upright per its EXIF first, as people see it; Pillow's errors (an unreadable
    or broken file) are raised."""
    with Image.open(path) as image:
        image.draft("RGB", (_DRAFT, _DRAFT))
        upright = ImageOps.exif_transpose(image)
        if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
            rgba = upright.convert("RGBA")
            upright = Image.new("RGB", rgba.size, "white")  # as the thumbnail shows it
            upright.paste(rgba, mask=rgba.getchannel("A"))
        gray = upright.convert("L")
    small = gray.resize((_SIDE, _SIDE), Image.Resampling.LANCZOS)
    if ImageStat.Stat(small).stddev[0] < PLAIN_STDDEV:
        return NO_HASH
    return str(imagehash.phash(gray, hash_size=HASH_SIZE))


def safe_picture_hash(path: Path) -> str:
    """``picture_hash``, or NO_HASH (logged) when the file cannot be read as a picture."""
    try:
        return picture_hash(path)
    except Exception:  # Pillow raises many types on broken data; the reason goes to the log
        log.warning("no picture hash for %s", path, exc_info=True)
        return NO_HASH


@dataclass
class BackfillReport:
    """What ``backfill`` did: pictures hashed, and the files it could not read (relative paths)."""

    hashed: int = 0
    plain: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.hashed + self.plain + len(self.failed)


def unhashed_count(session: Session) -> int:
    """Stored pictures with a file and no hash yet."""
    query = select(func.count()).where(MediaItem.file.is_not(None), MediaItem.phash.is_(None))
    return session.scalar(query) or 0


def backfill(
    sessions: Callable[[], Session],
    media_root: Path,
    *,
    batch: int = 200,
    on_batch: Callable[[BackfillReport], None] | None = None,
) -> BackfillReport:
    """Hash the stored pictures that have a file but no hash, ``batch`` at a time, each batch committed.

    A run killed halfway keeps the batches it committed, and the next run goes on with the rest. A
    missing or unreadable file is reported and gets NO_HASH, so it is not tried again on every run;
    setting the column back to NULL makes the next run try it again."""
    root = Path(media_root).resolve()
    report = BackfillReport()
    last_id = 0
    while True:
        with sessions() as session:
            items = list(
                session.scalars(
                    select(MediaItem)
                    .where(MediaItem.file.is_not(None), MediaItem.phash.is_(None), MediaItem.id > last_id)
                    .order_by(MediaItem.id)
                    .limit(batch)
                )
            )
            if not items:
                return report
            for item in items:
                item.phash = _hash_file(root, str(item.file), report)
            session.commit()
            last_id = items[-1].id
        if on_batch is not None:
            on_batch(report)


def _hash_file(root: Path, relative: str, report: BackfillReport) -> str:
    """The hash to store for ``relative`` under ``root``, counting the outcome in ``report``."""
    path = (root / relative).resolve()
    if root not in path.parents or path.is_symlink() or not path.is_file():
        report.failed.append((relative, "missing"))
        return NO_HASH
    try:
        value = picture_hash(path)
    except Exception:
        log.warning("no picture hash for %s", path, exc_info=True)
        report.failed.append((relative, "unreadable"))
        return NO_HASH
    if value == NO_HASH:
        report.plain += 1
    else:
        report.hashed += 1
    return value
