"""Pictures posted again: hashes stored by the sync and by the backfill, the threshold against
re-encoded and resized copies and against different pictures, and the ``reposts`` command."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from insights.reposts import THRESHOLD, close_pairs, repost_sets
from scraper.__main__ import main
from scraper.archive import Archive
from scraper.errors import ExitCode
from scraper.replay import InstagramReplay, build_account, render_jpeg
from scraper.store import groups, hashes
from scraper.store.hashes import NO_HASH, picture_hash
from scraper.store.models import MediaItem, Post, Profile
from tests.helpers import Syncer

SIZES = [(1080, 1350), (1080, 1080), (1080, 566)]


def run(archive: Archive, *args: str) -> int:
    return main([*args, "--db", archive.settings.db_url, "--media-dir", str(archive.settings.media_dir)])


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _jpeg(image: Image.Image, path: Path, quality: int = 85) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").save(path, "JPEG", quality=quality)
    return path


def _picture(seed: int, side: int = 1080) -> Image.Image:
    return Image.open(io.BytesIO(render_jpeg(*SIZES[seed % 3], seed, side)))


def _scaled(image: Image.Image, scale: float) -> Image.Image:
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BICUBIC)


# -- the hash and the threshold -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_re_encoded_and_resized_copies_stay_within_the_threshold(seed: int, tmp_path: Path) -> None:
    original = _picture(seed)
    first = picture_hash(_jpeg(original, tmp_path / "original.jpg", 90))
    assert first != NO_HASH
    copies = [_jpeg(original, tmp_path / f"q{q}.jpg", q) for q in (30, 45, 60, 75, 95)]
    for scale in (0.5, 0.66, 0.8, 1.25, 1.5, 2.0):
        for quality in (30, 85):
            copies.append(_jpeg(_scaled(original, scale), tmp_path / f"s{scale}q{quality}.jpg", quality))
    copies.append(tmp_path / "copy.png")
    original.save(copies[-1], "PNG")
    far = {path.name: distance(first, picture_hash(path)) for path in copies}
    assert max(far.values()) <= THRESHOLD, far


def test_different_pictures_of_the_replay_are_not_within_the_threshold(tmp_path: Path) -> None:
    found = []
    for seed in range(300):  # as the replay's CDN serves them
        path = tmp_path / f"{seed}.jpg"
        path.write_bytes(render_jpeg(*SIZES[seed % 3], seed, 128))
        found.append(picture_hash(path))
    values = np.array([int(h, 16) for h in found if h != NO_HASH], dtype=np.uint64)
    assert len(values) > 290
    # One pair of the 44,850: two pictures of nearly one layout (a flat background, a block in the
    # same corner), 4 bits apart; no other pair comes within the threshold (the next are at 6).
    assert close_pairs(values).tolist() == [[33, 87]]
    assert close_pairs(values, THRESHOLD + 1).tolist() == [[33, 87]]


def test_a_plain_picture_gets_no_hash(tmp_path: Path) -> None:
    for colour in ("white", "black", (200, 30, 40)):
        assert picture_hash(_jpeg(Image.new("RGB", (640, 800), colour), tmp_path / "plain.jpg")) == NO_HASH


def test_the_band_lookup_finds_what_comparing_every_pair_finds() -> None:
    rng = np.random.default_rng(7)
    values = rng.integers(0, 2**63, size=3000, dtype=np.uint64)
    for k in range(200):  # near copies: 0 to 8 bits flipped
        bits = rng.choice(64, size=k % 9, replace=False)
        values[2000 + k] = values[k] ^ np.uint64(sum(1 << int(b) for b in bits))
    for threshold in (0, 4, THRESHOLD, 7):
        every = np.bitwise_count(values[:, None] ^ values[None, :]) <= threshold
        expected = [[i, j] for i, j in zip(*np.nonzero(np.triu(every, 1)), strict=True)]
        assert close_pairs(values, threshold).tolist() == expected


@pytest.mark.slow
def test_matching_100000_hashes(capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(1)
    values = rng.integers(0, 2**63, size=100_000, dtype=np.uint64) | np.uint64(1 << 63)
    values[-500:] = values[:500] ^ np.uint64(0b100100)
    started = time.perf_counter()
    pairs = close_pairs(values)
    seconds = time.perf_counter() - started
    assert {(i, j) for i, j in pairs.tolist()} >= {(i, 99_500 + i) for i in range(500)}
    with capsys.disabled():
        print(f"\nreposts: {len(values):,} hashes matched in {seconds:.2f} s")


# -- the sync and the backfill ---------------------------------------------------------------------


def _items(archive: Archive) -> list[MediaItem]:
    with archive.sessions() as session:
        return list(
            session.scalars(select(MediaItem).where(MediaItem.file.is_not(None)).order_by(MediaItem.id))
        )


def test_a_sync_stores_the_hash_of_every_downloaded_picture(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    replay.add_account(build_account("ermua.udala", 12, seed=3))
    assert sync("ermua.udala").error is None
    items = _items(archive)
    assert len(items) >= 12
    for item in items:
        assert item.phash == picture_hash(archive.settings.media_dir / str(item.file))
        assert item.phash is not None and len(item.phash) == 16


def test_the_backfill_hashes_a_cleared_archive_goes_on_after_a_crash_and_skips_bad_files(
    replay: InstagramReplay,
    sync: Syncer,
    archive: Archive,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LOG_DIR", str(archive.settings.log_dir))
    replay.add_account(build_account("ermua.udala", 20, seed=4))
    assert sync("ermua.udala").error is None
    expected = {item.id: item.phash for item in _items(archive)}
    with archive.sessions() as session:
        session.execute(update(MediaItem).values(phash=None))
        session.commit()
    items = _items(archive)
    media = archive.settings.media_dir
    assert len(items) >= 16
    (media / str(items[12].file)).unlink()
    (media / str(items[15].file)).write_bytes(b"not a picture at all")
    bad = {items[12].id, items[15].id}

    calls: list[Path] = []
    real = hashes.picture_hash

    def crashing(path: Path) -> str:
        calls.append(path)
        if len(calls) == 13:
            raise KeyboardInterrupt  # killed in the middle of the third batch of 5, at item 13
        return real(path)

    monkeypatch.setattr(hashes, "picture_hash", crashing)
    with pytest.raises(KeyboardInterrupt):
        hashes.backfill(archive.sessions, media, batch=5)
    with archive.sessions() as session:
        assert hashes.unhashed_count(session) == len(items) - 10  # two batches committed
    calls.clear()
    monkeypatch.setattr(hashes, "picture_hash", lambda path: (calls.append(path), real(path))[1])

    assert run(archive, "hashes", "--backfill", "--batch", "5") == 0
    out, err = capsys.readouterr()
    assert len(calls) == len(items) - 10 - 1  # not the ten committed, nor the missing file
    assert f"Skipped {items[12].file}: the file is missing" in err
    assert f"Skipped {items[15].file}: the file is not a picture that can be read" in err
    assert "2 files skipped" in out.strip().splitlines()[-1]
    for item in _items(archive):
        assert item.phash == (NO_HASH if item.id in bad else expected[item.id])

    calls.clear()  # bad files are not tried again
    assert run(archive, "hashes", "--backfill") == 0
    assert calls == []
    assert "Hashed 0 pictures" in capsys.readouterr().out


def test_no_sets_among_the_different_pictures_of_synced_accounts(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    for seed, name in enumerate(("ermua.udala", "ermua.kultura", "ermua.kirolak")):
        replay.add_account(build_account(name, 40, seed=seed))
        assert sync(name).error is None
    with archive.sessions() as session:
        assert repost_sets(session) == []


def test_a_picture_served_again_by_another_account_makes_a_set(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    first, second = build_account("ermua.udala", 6, seed=1), build_account("ermua.kultura", 6, seed=2)
    original = next(p for p in first.posts if p.kind == "image")
    copy = next(p for p in second.posts if p.kind == "image" and p.taken_at < original.taken_at)
    picture = original.media[0]  # the CDN serves the same picture for the other account's post
    copy.media[0].image_url, copy.media[0].width, copy.media[0].height = (
        picture.image_url, picture.width, picture.height,
    )  # fmt: skip
    for account in (first, second):
        replay.add_account(account)
        assert sync(account.username).error is None
    with archive.sessions() as session:
        sets = repost_sets(session)
    assert [[p.shortcode for p in s] for s in sets] == [[copy.shortcode, original.shortcode]]


# -- reposts across accounts, from the command line ------------------------------------------------

T0 = datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def three_accounts(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> Archive:
    """Three accounts written through the store with pictures at Instagram's size: "kultura" posts
    "udala"'s picture re-encoded and "kirolak" a resized copy; "udala" later posts a picture of
    "kirolak" at double size; every other picture differs, and a carousel holds one picture twice."""
    monkeypatch.setenv("LOG_DIR", str(archive.settings.log_dir))
    media = archive.settings.media_dir
    originals = {seed: _picture(seed) for seed in (20, 21, 22, 23, 24, 25, 26, 27, 28)}

    def post(
        session: Session, profile: Profile, code: str, hours: int, pictures: list[tuple[Image.Image, int]]
    ) -> None:
        row = Post(
            shortcode=code, media_id=hours + 1, profile_id=profile.id, type="image",
            taken_at=T0 + timedelta(hours=hours),
        )  # fmt: skip
        session.add(row)
        session.flush()
        for position, (image, quality) in enumerate(pictures):
            relative = f"{profile.username}/{code}_{position}.jpg"
            _jpeg(image, media / relative, quality)
            session.add(MediaItem(post_id=row.id, position=position, file=relative))

    with archive.sessions() as session:
        udala, kultura, kirolak = (
            Profile(id=100 + n, username=name)
            for n, name in enumerate(("ermua.udala", "ermua.kultura", "ermua.kirolak"))
        )
        session.add_all([udala, kultura, kirolak])
        session.flush()
        post(session, kirolak, "K1", 0, [(originals[20], 90)])
        post(session, udala, "U1", 5, [(originals[21], 90)])
        post(session, udala, "U2", 6, [(originals[22], 90)])
        post(session, kultura, "C1", 8, [(originals[21], 35)])  # re-encoded
        post(session, kultura, "C2", 9, [(originals[23], 80), (originals[23], 60)])  # one picture twice
        post(session, kirolak, "K2", 10, [(_scaled(originals[21], 0.5), 70), (originals[24], 85)])
        post(session, udala, "U3", 12, [(_scaled(originals[20], 2.0), 80)])
        for n, seed in enumerate((25, 26, 27, 28)):
            post(session, (udala, kultura, kirolak)[n % 3], f"X{n}", 20 + n, [(originals[seed], 85)])
        session.commit()
    assert run(archive, "hashes", "--backfill") == 0
    return archive


def test_reposts_across_accounts_as_json_and_csv(
    three_accounts: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(three_accounts, "reposts", "--format", "json") == 0
    found = json.loads(capsys.readouterr().out)
    assert found == [
        {
            "posts": [
                {"username": "ermua.kirolak", "shortcode": "K1", "taken_at": "2025-03-01T12:00:00Z"},
                {"username": "ermua.udala", "shortcode": "U3", "taken_at": "2025-03-02T00:00:00Z"},
            ]
        },
        {
            "posts": [
                {"username": "ermua.udala", "shortcode": "U1", "taken_at": "2025-03-01T17:00:00Z"},
                {"username": "ermua.kultura", "shortcode": "C1", "taken_at": "2025-03-01T20:00:00Z"},
                {"username": "ermua.kirolak", "shortcode": "K2", "taken_at": "2025-03-01T22:00:00Z"},
            ]
        },
    ]
    assert run(three_accounts, "reposts", "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["set", "username", "shortcode", "taken_at"]
    assert [(r["set"], r["shortcode"]) for r in rows] == [
        ("1", "K1"), ("1", "U3"), ("2", "U1"), ("2", "C1"), ("2", "K2"),
    ]  # fmt: skip


def test_reposts_of_a_group_and_bad_groups(
    three_accounts: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    with three_accounts.sessions() as session:
        groups.add(session, "town", ["ermua.udala", "ermua.kultura"])
    capsys.readouterr()
    assert run(three_accounts, "reposts", "--group", "Town") == 0
    found = json.loads(capsys.readouterr().out)
    assert [[p["shortcode"] for p in s["posts"]] for s in found] == [["U1", "C1"]]
    assert run(three_accounts, "reposts", "--group", "bad/name") == ExitCode.BAD_INPUT
    assert run(three_accounts, "reposts", "--group", "nobody") == ExitCode.NOT_FOUND
    assert run(three_accounts, "reposts", "--group", "town", "--format", "csv") == 0
    assert capsys.readouterr().out.splitlines()[0] == "set,username,shortcode,taken_at"
