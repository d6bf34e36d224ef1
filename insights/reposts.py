"""Pictures posted again: sets of posts whose pictures are the same or nearly (re-encoded, resized).

Two pictures match when their 64-bit pHashes (``scraper.store.hashes``) differ in at most
``THRESHOLD`` bits. Matches link pictures into sets; a set names the posts of its pictures, oldest
first, and counts only when it holds two posts or more (the pictures of one carousel are never
matched with each other).

Finding the matches without comparing every pair: the 64 bits are cut into four bands of 16. Two
hashes at most 7 bits apart differ in at most one bit in one band at least (four bands with two
differing bits each would make 8), so every match is found by looking each hash's bands up, as they
are and with each one bit flipped (17 lookups a band), in the hashes sorted by that band; only those
candidates are compared in full. With numpy this takes about 2 s for 100,000 hashes
(``tests/test_reposts.py`` measures it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scraper.store import groups
from scraper.store.hashes import NO_HASH
from scraper.store.models import MediaItem, Post, Profile

# Bits two pHashes may differ in and still be one picture (distances are even: every pHash has 32 bits
# set). Re-encoded (JPEG quality 30-95) and resized (50 %-200 %) copies of the replay's pictures at
# Instagram's size are 0-4 bits apart but for about 1 in 200 (6, at quality 30 or a resize with it);
# of the 44,850 pairs of 300 different replay pictures one is 4 apart and 3 are 6 apart (flat
# backgrounds with a block in the same corner: real photos have far more to tell them apart), so 6
# would already make false sets among the pictures of three replayed accounts. The band lookup finds
# every match up to 7.
THRESHOLD = 4
_BANDS = 4
_BAND_BITS = 16
_FLIPS = np.array([0] + [1 << bit for bit in range(_BAND_BITS)], dtype=np.uint64)


@dataclass(frozen=True)
class RepostPost:
    """One post of a set."""

    username: str
    shortcode: str
    taken_at: datetime


def close_pairs(hashes: np.ndarray, threshold: int = THRESHOLD) -> np.ndarray:
    """Index pairs ``(i, j)``, ``i < j``, of the 64-bit ``hashes`` (uint64) at most ``threshold`` bits
    apart, as an ``(n, 2)`` array sorted by row. Exact up to a threshold of 7."""
    if not 0 <= threshold <= 2 * _BANDS - 1:
        raise ValueError(f"threshold must be 0 to {2 * _BANDS - 1}")
    hashes = np.asarray(hashes, dtype=np.uint64)
    n = len(hashes)
    found: list[np.ndarray] = []
    everyone = np.arange(n, dtype=np.int64)
    for band in range(_BANDS):
        keys = (hashes >> np.uint64(band * _BAND_BITS)) & np.uint64((1 << _BAND_BITS) - 1)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        for flip in _FLIPS:
            wanted = keys ^ flip
            lo = np.searchsorted(sorted_keys, wanted, side="left")
            hi = np.searchsorted(sorted_keys, wanted, side="right")
            counts = hi - lo
            total = int(counts.sum())
            if not total:
                continue
            left = np.repeat(everyone, counts)
            starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
            right = order[starts + np.arange(total)]
            keep = left < right
            left, right = left[keep], right[keep]
            close = np.bitwise_count(hashes[left] ^ hashes[right]) <= threshold
            found.append(left[close] * n + right[close])
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found))
    return np.stack([codes // n, codes % n], axis=1)


def repost_sets(
    session: Session, group: str | None = None, *, usernames: Sequence[str] | None = None
) -> list[list[RepostPost]]:
    """Sets of posts whose pictures match, each oldest first, ordered by their first post's time; with
    ``group``, among the posts of its accounts only (AccountNotFound for no such group); with
    ``usernames``, among those accounts' posts only."""
    query = (
        select(MediaItem.phash, Post.id, Post.shortcode, Post.taken_at, Profile.username)
        .join(Post, Post.id == MediaItem.post_id)
        .join(Profile, Profile.id == Post.profile_id)
        .where(MediaItem.phash.is_not(None), MediaItem.phash != NO_HASH)
        .order_by(MediaItem.id)
    )
    if group is not None:
        query = query.where(Profile.username.in_(groups.members(session, group)))
    if usernames is not None:
        query = query.where(Profile.username.in_(list(usernames)))
    rows = session.execute(query).all()
    if not rows:
        return []
    hashes = np.array([int(row.phash, 16) for row in rows], dtype=np.uint64)
    post_of = [row.id for row in rows]
    posts = {row.id: RepostPost(row.username, row.shortcode, row.taken_at) for row in rows}

    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in close_pairs(hashes).tolist():
        if post_of[i] != post_of[j]:  # a carousel's own pictures link nothing
            parent[root(i)] = root(j)
    members: dict[int, set[int]] = {}
    for i, post_id in enumerate(post_of):
        members.setdefault(root(i), set()).add(post_id)
    sets = {
        tuple(sorted(ids, key=lambda p: (posts[p].taken_at, posts[p].shortcode)))
        for ids in members.values()
        if len(ids) > 1
    }
    ordered = sorted(sets, key=lambda ids: [(posts[p].taken_at, posts[p].shortcode) for p in ids])
    return [[posts[p] for p in ids] for ids in ordered]


def unhashed_count(session: Session, usernames: Sequence[str]) -> int:
    """The accounts' stored pictures that have a file and no hash yet (``python -m scraper hashes
    --backfill`` hashes them): they are not compared until then."""
    query = (
        select(func.count())
        .select_from(MediaItem)
        .join(Post, Post.id == MediaItem.post_id)
        .join(Profile, Profile.id == Post.profile_id)
        .where(MediaItem.file.is_not(None), MediaItem.phash.is_(None), Profile.username.in_(list(usernames)))
    )
    return session.scalar(query) or 0


def hashed_count(session: Session, usernames: Sequence[str]) -> int:
    """The accounts' stored pictures that have a hash: how many ``repost_sets`` would compare."""
    query = (
        select(func.count())
        .select_from(MediaItem)
        .join(Post, Post.id == MediaItem.post_id)
        .join(Profile, Profile.id == Post.profile_id)
        .where(
            MediaItem.phash.is_not(None),
            MediaItem.phash != NO_HASH,
            Profile.username.in_(list(usernames)),
        )
    )
    return session.scalar(query) or 0
