"""Median times of caption searches over a large archive: the FTS5 index against the LIKE fallback.

    .venv/bin/python benchmarks/caption_search.py [--posts 100000] [--profiles 20] [--runs 15] [--summary FILE]

It builds a throwaway SQLite archive of ``--posts`` posts (captions of 5 to 40 words drawn from a
Zipf-like vocabulary with accents, hashtags and mentions), then times ``search_captions`` (first
page of 200) and ``count_matches`` for a set of queries, once through the index and once forced to
LIKE, and prints the medians in milliseconds with the number of matches.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks import _summary  # noqa: E402
from insights.search import count_matches, search_captions, uses_fts  # noqa: E402
from scraper.store import db, search_keys  # noqa: E402
from scraper.store.models import Post, Profile  # noqa: E402

COMMON = [
    *("de", "la", "el", "en", "y", "a", "los", "que", "con", "por", "para", "un", "una", "las", "del"),
    *("se", "al", "es", "fiesta", "fiestas", "día", "noche", "música", "gracias", "hoy", "mañana"),
    *("kultura", "ermua", "herria", "jai", "eguna", "zorionak", "urte", "berri", "on", "gaur", "bihar"),
    *("euskara", "concierto", "teatro", "exposición", "cine", "niños", "familia", "plaza", "calle"),
    *("verano", "invierno", "primavera", "otoño"),
]
QUERIES = [
    ("rare word", "zorionak"),
    ("accented, no accent typed", "exposicion"),
    ("prefix while typing", "fiest"),
    ("two words", "musica plaza"),
    ("hashtag", "#ermua"),
    ("no match", "xylophone"),
    ("one-letter prefix", "a"),
    ("empty (newest)", ""),
]


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    """Common words first, then made-up ones, so a Zipf draw gives a realistic spread."""
    letters = "abcdefghijklmnopqrstuvwxyzáéíóúñ"
    made_up = {"".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(size)}
    return COMMON + sorted(made_up - set(COMMON))


def caption(rng: random.Random, words: list[str], cum_weights: list[float]) -> str:
    """A caption of 5 to 40 words, now and then with a hashtag or a mention."""
    chosen = rng.choices(words, cum_weights=cum_weights, k=rng.randint(5, 40))
    if rng.random() < 0.3:
        chosen.append("#" + rng.choice(COMMON[20:]))
    if rng.random() < 0.1:
        chosen.append("@" + rng.choice(words[:200]))
    return " ".join(w.capitalize() if rng.random() < 0.1 else w for w in chosen)


def build(url: str, posts: int, profiles: int, seed: int = 7) -> None:
    """An archive at ``url`` with ``profiles`` accounts and ``posts`` posts spread over them."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    cum_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    engine = db.open_engine(url)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    with Session(engine) as session:
        session.add_all(Profile(id=1000 + i, username=f"account{i:02d}") for i in range(profiles))
        session.flush()
        rows = [
            {
                "shortcode": f"SC{n:09d}",
                "media_id": n,
                "profile_id": 1000 + n % profiles,
                "taken_at": start + timedelta(minutes=37 * n),
                "type": "image",
                "caption": caption(rng, words, cum_weights),
                "hashtags": [],
                "mentions": [],
                "tagged_users": [],
                "likes": rng.randint(0, 5000),
                "comments": rng.randint(0, 200),
            }
            for n in range(posts)
        ]
        search_keys.fill(session, "posts", rows)
        session.execute(insert(Post), rows)
        session.commit()
    engine.dispose()


def median_ms(call: Callable[[], object], runs: int) -> float:
    """The median wall time of ``call`` in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def timings(session: Session, query: str, runs: int) -> list[float]:
    """Median ms of the first page, index then LIKE, and of the count, index then LIKE."""
    pages = [median_ms(partial(search_captions, session, query, fallback=f), runs) for f in (False, True)]
    counts = [median_ms(partial(count_matches, session, query, fallback=f), runs) for f in (False, True)]
    return pages + counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=20)
    parser.add_argument("--runs", type=int, default=15)
    _summary.add_option(parser)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        build(url, args.posts, args.profiles)
        print(f"built and indexed {args.posts:,} posts in {time.perf_counter() - started:.1f} s")
        print(f"median of {args.runs} runs; a page is the first 200 results\n")
        engine = db.open_engine(url)
        with Session(engine) as session:
            assert uses_fts(session), "this SQLite has no FTS5: only the fallback can be timed"
            heads = ["matches", "LIKE finds", "FTS page", "LIKE page", "FTS count", "LIKE count"]
            print(f"{'query':<36}" + "".join(f"{head:>12}" for head in heads))
            measured = []
            for label, query in QUERIES:
                found = [count_matches(session, query, fallback=f) for f in (False, True)]
                figures = timings(session, query, args.runs)
                measured.append(figures)
                print(
                    f"{label + ' ' + repr(query):<36}"
                    + "".join(f"{n:>12,}" for n in found)
                    + "".join(f"{ms:>10.1f}ms" for ms in figures)
                )
        engine.dispose()
    _summary.write(args.summary, summary_rows(args.posts, measured))


def summary_rows(posts: int, measured: list[list[float]]) -> list[_summary.Row]:
    """A page of results and a count, FTS5 against LIKE: the range over the queries, and the geometric
    mean of the per-query speed-ups."""
    rows = []
    for what, fts, like in (("a page of results", 0, 1), ("counting matches", 2, 3)):
        ours = [m[fts] for m in measured]
        reference = [m[like] for m in measured]
        speed_ups = [r / max(o, 1e-3) for o, r in zip(ours, reference, strict=True)]
        mean = math.exp(sum(math.log(x) for x in speed_ups) / len(speed_ups))
        rows.append(
            _summary.Row(
                f"caption search at {posts:,} posts, {what} (ms, {len(measured)} queries)",
                f"{min(ours):.1f}–{max(ours):.1f} FTS5",
                f"{min(reference):.1f}–{max(reference):.1f} LIKE",
                f"{mean:.1f}x faster (geometric mean)",
            )
        )
    return rows


if __name__ == "__main__":
    main()
