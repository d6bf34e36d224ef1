"""The files of the fake accounts on the CDN: small JPEGs and MP4-looking bytes made up from a seed,
and the table of every file that the accounts' urls name.
"""

from __future__ import annotations

import io
import random
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from PIL import Image, ImageDraw

from scraper.replay.accounts import FakeAccount, _low_quality


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
