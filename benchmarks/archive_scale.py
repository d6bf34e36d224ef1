"""The dashboard over 1,000,000 posts and 5,000,000 comments of 200 accounts, against 10,000 posts: the
pages of one account cost what that account holds, not what the archive holds (issue 11).

    .venv/bin/python benchmarks/archive_scale.py [--database sqlite|postgresql|both] [--quick]
        [--big big|medium] [--firsts 3] [--reruns 5] [--trials 5] [--skip-browser] [--summary FILE]

1. Data: ``_scale.ensure`` builds (or reuses) two archives through the store layer, as syncs write
   them (on PostgreSQL: the SQLite ones, copied by ``python -m scraper copy``'s code; see ``_scale``):
   "small", 10,000 posts over 200 accounts with about 50,000 comments, and "big", 1,000,000 posts
   over 200 accounts with about 5,000,000 comments and replies. ``ermua.kultura`` has the same 1,000
   posts and comments in both; ``ermua.udala`` 20,000 in the big one; the group ``ermua`` holds 20
   accounts that mention, tag and comment on each other. SQLite in a folder under the temporary
   directory, PostgreSQL in a database of the test server (``SCALE_POSTGRES_URL``,
   default 127.0.0.1:5433, user scraper), both kept for the next run while the schema is the same.
   ``--quick``: 2,000 and 8,000 posts over 30 accounts (the largest 3,000), to check that it works;
   ``--big medium``: 100,000 posts and 500,000 comments stand in for the big archive.
2. Server-side, in Streamlit's AppTest (the sidebar, then the page, as ``dashboard.py`` measures):
   every page of the 1,000-post account in both archives, every page of the 20,000-post account, the
   start page, and the group's Compare, Community and Search pages. A first load clears
   st.cache_data and st.cache_resource first (``--firsts`` of them, the median is kept; a warm-up pass
   over every page on small accounts has paid the imports); then the median of ``--reruns`` warm reruns.
   The AppTests share one scan of the installed custom components, which the server makes once when
   it starts (``bench.new_app``): until 2026-12-03 each first load here paid it, 0.3-0.5 s.
   The 1,000-post account's pages, whose first loads are compared, are timed on the two archives
   taking turns, ``2 * --firsts + 1`` first loads each (``paired_pages``).
3. Search: ``insights.matches.matches_frame`` as the Search page calls it (a page of 20, newest first)
   over every account and over the group, and ``search_all`` as ``python -m scraper search`` calls it
   (time to its first 20 rows, then all of them), median of 5 per query.
4. A sync's write: 12 new posts of the 1,000-post account with 30 comments each, through the calls and
   commits ``scraper.sync`` makes, inside a transaction rolled back afterwards (each commit becomes a
   savepoint), median of ``--trials``; the two archives take turns, after one untimed write each.
5. Browser (big archive): ``streamlit run dashboard.py`` driven by Chromium over every page above, as
   ``dashboard.py`` does (``in_browser``), then the engagement page of each group member; the
   dashboard process's peak resident memory.

MB here are 10^6 bytes.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import _scale  # noqa: E402  (beside this script)
from sqlalchemy import Engine, event, func, select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks import _summary  # noqa: E402
from benchmarks import dashboard as bench  # noqa: E402  (its timing and browser machinery)
from insights.matches import matches_frame  # noqa: E402
from insights.search import count_all_matches, matches_per_week, search_all  # noqa: E402
from scraper.store import db  # noqa: E402
from scraper.store.models import Comment, Post, Profile  # noqa: E402

ACCOUNT_PAGES = ["profile", "gallery", "captions", "comments", "frequency", "engagement"]
GROUP_PAGES = ["compare", "community", "search"]
QUERIES = ["jaiak", "frontón lleno", "txosnak"]  # frequent; two words; comments only
SEARCH_PAGE = 20
SEARCH_RUNS = 5
MB = 1_000_000
RATIO_FIRST = 1.3
LIMIT_FIRST_1K = 1.0
LIMIT_FIRST_LARGEST = 2.0
LIMIT_WARM = 0.3
LIMIT_START = 0.5
LIMIT_GROUP = 2.0
LIMIT_SEARCH = 0.1
LIMIT_RSS = 600 * MB
RATIO_SYNC = 1.5
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Page(bench.Case):
    """A page as ``bench.Case``, with more of the URL's query (``?group=``, ``?q=``)."""

    params: tuple[tuple[str, str], ...] = ()

    @property
    def path(self) -> str:
        path = "" if self.module == "accounts" else self.module
        query = [("account", name) for name in self.accounts] + list(self.params)
        return f"/{path}?" + urlencode(query)


def pages(size: _scale.Size) -> list[Page]:
    """The pages timed on an archive of ``size``: those of the 1,000-post account, and on the big
    size those of the largest account, the start page and the group's pages."""
    found = [Page(f"1k {module}", module, (_scale.ONE_K,)) for module in ACCOUNT_PAGES]
    if size.largest:
        found += [Page(f"largest {module}", module, (_scale.LARGEST,)) for module in ACCOUNT_PAGES]
        found.append(Page("start page", "accounts", ()))
        for module in GROUP_PAGES:
            query = (("q", QUERIES[0]),) if module == "search" else ()
            found.append(Page(f"group {module}", module, (), params=(("group", _scale.GROUP), *query)))
    return found


def warm_up_page(page: Page, smallest: str) -> Page:
    """The same page on a small account, or on the small group: it pays the imports."""
    params = tuple((k, _scale.WARM_GROUP if k == "group" else v) for k, v in page.params)
    return Page(page.name, page.module, (smallest,) if page.accounts else (), params=params)


def app(page: Page) -> AppTest:
    at = bench.new_app(page.module)
    at.session_state["lang"] = bench.LANG
    at.session_state["tz"] = bench.TZ
    if page.accounts:
        at.query_params["account"] = list(page.accounts)
    for key, value in page.params:
        at.query_params[key] = value
    return at


@dataclass
class SlowQueries:
    """With ``--slow-sql MS``: the statements of first loads that took at least MS ms, by page."""

    threshold: float | None = None
    page: str | None = None
    found: list[tuple[float, str, str]] = field(default_factory=list)  # seconds, where, statement

    def watch(self) -> None:
        if self.threshold is None:
            return
        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)

    def _before(
        self, conn: Any, _cursor: Any, _statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        conn.info.setdefault("scale_started", []).append(time.perf_counter())

    def _after(
        self, conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        seconds = time.perf_counter() - conn.info["scale_started"].pop()
        if self.page is not None and self.threshold is not None and seconds * 1000 >= self.threshold:
            self.found.append((seconds, self.page, " ".join(statement.split())))

    def print(self) -> None:
        if self.threshold is None:
            return
        print(f"\nstatements of first loads that took at least {self.threshold:.0f} ms, slowest first:")
        for seconds, where, statement in sorted(self.found, reverse=True)[:25]:
            print(f"  {seconds * 1000:7.0f} ms  {where}: {statement[:600]}")


SLOW = SlowQueries()


def time_page(page: Page, firsts: int, reruns: int, where: str = "") -> bench.ServerTiming:
    """The median of ``firsts`` first loads (caches cleared before each), then ``reruns`` warm reruns."""
    loads = []
    for _ in range(firsts):
        at, load = first_load(page, where)
        loads.append(load)
    warm = [bench.timed(at.run) for _ in range(reruns)] if bench.failure(at) is None else []
    return timing(at, loads, warm)


def first_load(page: Page, where: str) -> tuple[AppTest, tuple[float, float]]:
    """The page run once with every cache cleared, and its seconds (clock, CPU)."""
    bench.clear_caches()
    at = app(page)
    SLOW.page = f"{where} {page.name}"
    load = bench.timed(at.run)
    SLOW.page = None
    return at, load


def paired(page: Page) -> bool:
    """Whether ``paired_pages`` times ``page``: those of the account both archives hold alike."""
    return page.accounts == (_scale.ONE_K,)


def timing(
    at: AppTest, loads: list[tuple[float, float]], warm: list[tuple[float, float]]
) -> bench.ServerTiming:
    """A page's figures: the median of its first loads, its warm reruns, and what its last run drew."""
    return bench.ServerTiming(
        first=statistics.median(wall for wall, _ in loads),
        first_cpu=statistics.median(cpu for _, cpu in loads),
        warm=[wall for wall, _ in warm],
        warm_cpu=[cpu for _, cpu in warm],
        charts=len(at.get("vega_lite_chart")),
        images=len(at.image),
        frames=len(at.dataframe),
        error=bench.failure(at),
    )


def paired_pages(small: Measured, big: Measured, firsts: int, reruns: int) -> None:
    """The pages of the account both archives hold alike (``ONE_K``), their first loads on the two
    archives taking turns, so that their ratio compares the sizes under the same load of this shared
    machine (measured minutes apart, a page of 0.3 s moved the ratio by 0.1-0.2); then each archive's
    warm reruns, after a run that fills its caches again (the other's first load cleared them).
    ``2 * firsts + 1`` first loads each: their ratio compares pages of 0.1-0.4 s, where one load's
    noise is as large as the difference measured (one run's worst of six pages read 1.31 from
    0.30 / 0.23 s for a page that takes 0.20-0.29 s on both archives when timed again)."""
    pair = (small, big)
    for page in filter(paired, pages(big.built.size)):
        bench.progress(f"{small.built.size.name} and {big.built.size.name}, taking turns: {page.name}")
        loads: dict[str, list[tuple[float, float]]] = {m.built.size.name: [] for m in pair}
        last: dict[str, AppTest] = {}
        for _ in range(2 * firsts + 1):
            for measured in pair:
                size = measured.built.size.name
                os.environ.update(measured.built.env())
                last[size], load = first_load(page, f"{NAMES[measured.built.database]} {size}")
                loads[size].append(load)
        for measured in pair:
            size = measured.built.size.name
            os.environ.update(measured.built.env())
            at = last[size]
            warm = []
            if bench.failure(at) is None:
                at.run()
                warm = [bench.timed(at.run) for _ in range(reruns)]
            measured.server[page.name] = timing(at, loads[size], warm)
    bench.clear_caches()


@dataclass
class Measured:
    """Everything measured on one archive."""

    built: _scale.Built
    seconds: float | None  # building it; None when reused
    server: dict[str, bench.ServerTiming] = field(default_factory=dict)
    search_page: dict[str, float] = field(default_factory=dict)  # "scope: query" -> median seconds
    search_other: dict[str, float] = field(default_factory=dict)  # count, weeks, CLI: median seconds
    search_found: dict[str, int] = field(default_factory=dict)  # query -> matches over all accounts
    sync_write: list[float] = field(default_factory=list)
    sync_rows: int = 0
    browser: bench.BrowserRun | None = None
    held: dict[str, tuple[int, int]] = field(default_factory=dict)  # account -> (posts, comments)


def holdings(measured: Measured) -> None:
    """The posts and comments stored of the two accounts the goals name, as the archive holds them."""
    engine = db.open_engine(measured.built.url)
    try:
        with Session(engine) as session:
            for name in (_scale.ONE_K, _scale.LARGEST):
                posts = select(func.count(Post.id)).join(Profile).where(Profile.username == name)
                comments = select(func.count(Comment.id)).join(Profile).where(Profile.username == name)
                measured.held[name] = (session.scalar(posts) or 0, session.scalar(comments) or 0)
    finally:
        engine.dispose()


def on_server(measured: Measured, firsts: int, reruns: int) -> None:
    """Every page of ``pages`` on the archive but those of ``paired_pages``, after a warm-up pass over
    all of them on small accounts."""
    built = measured.built
    os.environ.update(built.env())
    counts = built.size.counts()
    smallest = min(counts, key=lambda name: (counts[name], name))
    todo = pages(built.size)
    bench.progress(f"{built.size.name} on {built.database}: warm-up")
    bench.clear_caches()
    for page in todo:
        app(warm_up_page(page, smallest)).run()
    for page in todo:
        if paired(page):
            continue
        bench.progress(f"{built.size.name} on {built.database}: {page.name}")
        where = f"{NAMES[built.database]} {built.size.name}"
        measured.server[page.name] = time_page(page, firsts, reruns, where)
    bench.clear_caches()


def median_seconds(call: Callable[[], object], runs: int = SEARCH_RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def searches(measured: Measured) -> None:
    """The Search page's and the command line's search functions, over every account and the group."""
    built = measured.built
    engine = db.open_engine(built.url)
    members = _scale.group_members(built.size.accounts)
    bench.progress(f"{built.size.name} on {built.database}: search")
    try:
        with Session(engine) as session:
            for query in QUERIES:
                for scope, names in (("all accounts", None), ("group", members)):
                    measured.search_page[f"{scope}: {query}"] = median_seconds(
                        partial(matches_frame, session, query, usernames=names, limit=SEARCH_PAGE)
                    )
                measured.search_other[f"count, all accounts: {query}"] = median_seconds(
                    partial(count_all_matches, session, query), 3
                )
                measured.search_other[f"per week, group: {query}"] = median_seconds(
                    partial(matches_per_week, session, query, usernames=members), 3
                )

                def first_rows(q: str = query) -> None:
                    found = search_all(session, q)
                    for _ in zip(range(SEARCH_PAGE), found, strict=False):
                        pass
                    getattr(found, "close", lambda: None)()  # its cursor, as the command line's ends

                measured.search_other[f"command line, first {SEARCH_PAGE} rows: {query}"] = median_seconds(
                    first_rows
                )
                started = time.perf_counter()
                measured.search_found[query] = sum(1 for _ in search_all(session, query))
                measured.search_other[f"command line, every row: {query}"] = time.perf_counter() - started
    finally:
        engine.dispose()


def rolled_back(engine: Engine) -> None:
    """Let SQLite's driver leave transactions to SQLAlchemy, so savepoints work (SQLAlchemy's recipe)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(connection: Any, _record: Any) -> None:
        connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def sync_writes(small: Measured, big: Measured, trials: int) -> None:
    """``trials`` writes of a sync's page on each archive, each in a transaction rolled back afterwards,
    the two archives taking turns after one write each that is not timed (it fills the caches): the
    ratio then compares the two sizes under the same load of this shared machine, not minutes apart."""
    opened = []
    try:
        for measured in (small, big):
            bench.progress(f"{measured.built.size.name} on {measured.built.database}: a sync's write")
            db.open_engine(measured.built.url).dispose()  # the schema at head
            engine = db.create(measured.built.url)
            rolled_back(engine)
            opened.append((measured, engine, engine.connect()))
        for trial in range(trials + 1):
            for measured, _, connection in opened:
                outer = connection.begin()
                sessions = sessionmaker(
                    bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
                )
                started = time.perf_counter()
                measured.sync_rows = _scale.sync_write(sessions, measured.built.size.accounts, trial)
                if trial:
                    measured.sync_write.append(time.perf_counter() - started)
                outer.rollback()
    finally:
        for _, engine, connection in opened:
            connection.close()
            engine.dispose()


def browser(measured: Measured) -> None:
    """Every page of the big archive in Chromium, and the dashboard's memory (``bench.in_browser``)."""
    built = measured.built
    todo: list[bench.Case] = list(pages(built.size))
    server = dict(measured.server)
    server["profile"] = server["1k profile"]  # in_browser's warm-up visit draws the profile page
    members = _scale.group_members(built.size.accounts)
    members.sort(key=lambda name: name != _scale.LARGEST)  # the one that weighs most first
    bench.progress(f"{built.size.name} on {built.database}: browser")
    measured.browser = bench.in_browser(built, todo, server, members)


# The verdicts


@dataclass(frozen=True)
class Verdict:
    """One goal on one database: the figure shown and whether it was met (None: not measured)."""

    text: str
    ok: bool | None


def worst(values: dict[str, float]) -> tuple[str, float]:
    name = max(values, key=lambda key: values[key])
    return name, values[name]


def goals(small: Measured, big: Measured) -> list[tuple[str, str, Verdict]]:
    """(measure, goal, verdict) for every goal of issue 11 on one database."""
    s, b = small.server, big.server
    one_k = [f"1k {m}" for m in ACCOUNT_PAGES]
    errors = [name for name, timing in (*s.items(), *b.items()) if timing.error]
    ratios = {name.removeprefix("1k "): b[name].first / s[name].first for name in one_k}
    name, ratio = worst(ratios)
    rows = [
        (
            f"first load, 1,000-post account, {big.built.size.posts:,} / {small.built.size.posts:,} posts "
            "(worst page)",
            f"≤ {RATIO_FIRST}",
            Verdict(
                f"{ratio:.2f} ({name}: {b['1k ' + name].first:.2f} / {s['1k ' + name].first:.2f} s)",
                ratio <= RATIO_FIRST,
            ),
        ),
    ]
    name, value = worst({n.removeprefix("1k "): b[n].first for n in one_k})
    rows.append(
        (
            f"first load, any page of the 1,000-post account, {big.built.size.posts:,} posts (s)",
            f"≤ {LIMIT_FIRST_1K:.0f} s",
            Verdict(f"{value:.2f} ({name})", value <= LIMIT_FIRST_1K),
        )
    )
    largest = [f"largest {m}" for m in ACCOUNT_PAGES]
    name, value = worst({n.removeprefix("largest "): b[n].first for n in largest})
    rows.append(
        (
            f"first load, any page of the {big.built.size.largest:,}-post account (s)",
            f"≤ {LIMIT_FIRST_LARGEST:.0f} s",
            Verdict(f"{value:.2f} ({name})", value <= LIMIT_FIRST_LARGEST),
        )
    )
    name, value = worst({n: t.warm_median for n, t in b.items()})
    rows.append(
        (
            f"warm rerun median, any page, {big.built.size.posts:,} posts (s)",
            f"≤ {LIMIT_WARM} s",
            Verdict(f"{value:.2f} ({name})", value <= LIMIT_WARM),
        )
    )
    value = b["start page"].first
    rows.append(
        (
            f"start page and account list, {big.built.size.accounts} accounts, first load (s)",
            f"≤ {LIMIT_START} s",
            Verdict(f"{value:.2f}", value <= LIMIT_START),
        )
    )
    name, value = worst({n.removeprefix("group "): b[n].first for n in b if n.startswith("group ")})
    rows.append(
        (
            f"compare, community and search of a {_scale.GROUP_SIZE}-account group, first load (s)",
            f"≤ {LIMIT_GROUP:.0f} s",
            Verdict(f"{value:.2f} ({name})", value <= LIMIT_GROUP),
        )
    )
    name, value = worst(big.search_page)
    rows.append(
        (
            f"search of captions and comments ({big.built.rows('comments'):,} comments), a page of "
            f"{SEARCH_PAGE} (ms)",
            f"≤ {LIMIT_SEARCH * 1000:.0f} ms",
            Verdict(f"{value * 1000:.0f} ({name})", value <= LIMIT_SEARCH),
        )
    )
    run = big.browser
    rows.append(
        (
            "dashboard process peak resident memory, every page in Chromium (MB)",
            f"≤ {LIMIT_RSS / MB:.0f} MB",
            Verdict("not measured", None)
            if run is None
            else Verdict(f"{run.rss_peak / MB:.0f}", run.rss_peak <= LIMIT_RSS),
        )
    )
    ours, theirs = statistics.median(big.sync_write), statistics.median(small.sync_write)
    rows.append(
        (
            f"a sync's write of {_scale.SYNC_PAGE} posts with {_scale.SYNC_COMMENTS} comments each, "
            f"{big.built.size.posts:,} / {small.built.size.posts:,} posts",
            f"≤ {RATIO_SYNC}",
            Verdict(
                f"{ours / theirs:.2f} ({ours * 1000:.0f} / {theirs * 1000:.0f} ms)",
                ours / theirs <= RATIO_SYNC,
            ),
        )
    )
    rows.append(
        (
            "every page ran without an exception (AppTest), and drew in the browser",
            "all",
            Verdict(", ".join(errors) or "yes", not errors and not _browser_errors(big.browser)),
        )
    )
    return rows


def _browser_errors(run: bench.BrowserRun | None) -> list[str]:
    if run is None:
        return []
    return [name for name, v in (*run.first.items(), *run.again.items()) if v.error]


# Printing


def describe(measured: Measured) -> str:
    built = measured.built
    marker = built.marker()
    rows = marker.get("rows", {})
    how = f"built in {measured.seconds:.0f} s" if measured.seconds is not None else "reused"
    # An archive of an older schema, migrated (``_scale._upgrade``).
    for upgrade in marker.get("upgrades", []):
        how += f", upgraded from schema {upgrade['from']} by the migrations in {upgrade['seconds']} s"
    counts = ", ".join(f"{n:,} {what}" for what, n in rows.items())
    copied = marker.get("copy")
    if copied:  # PostgreSQL: the SQLite archive of the size, copied (``_scale.copy_from``)
        rate = copied["rows"] / copied["seconds"] if copied["seconds"] else 0
        sqlite_rate = copied["source_rows"] / copied["source_seconds"] if copied.get("source_seconds") else 0
        return (
            f"{built.size.name} on {NAMES[built.database]} ({how}; {counts}; copied from the SQLite archive: "
            f"{copied['rows']:,} rows of every table in {copied['seconds']:,.0f} s, {rate:,.0f} rows/s; the "
            f"SQLite build through the store took {copied.get('source_seconds')} s, {sqlite_rate:,.0f} posts, "
            "media items and comments/s)"
        )
    total = sum(rows.values())
    seconds = marker.get("seconds") or 0
    speed = f", {total / seconds:,.0f} rows/s" if seconds else ""
    return f"{built.size.name} on {NAMES[built.database]} ({how}; {counts}; building took {seconds} s{speed})"


def print_pages(small: Measured, big: Measured) -> None:
    """Every page's first load and warm rerun on both archives."""
    names = list(big.server)
    heads = [
        "page",
        f"first load, {small.built.size.posts:,} posts (s)",
        f"first load, {big.built.size.posts:,} (s)",
        "warm rerun (s)",
        "CPU first (s)",
        "browser drawn (s)",
    ]
    rows = []
    run = big.browser
    for name in names:
        timing, before = big.server[name], small.server.get(name)
        seen = run.first.get(name) if run else None
        cells = [
            bench.seconds(before.first) if before else "—",
            bench.seconds(timing.first),
            bench.seconds(timing.warm_median),
            bench.seconds(timing.first_cpu),
            bench.seconds(seen.seconds) if seen else "—",
        ]
        notes = [f"server: {t.error}" for t in (timing, before) if t and t.error]
        notes += [f"browser: {seen.error}"] if seen and seen.error else []
        rows.append((name, cells, "; ".join(notes)))
    bench.table(heads, rows)


def print_search(small: Measured, big: Measured) -> None:
    heads = ["search", f"{small.built.size.posts:,} posts (ms)", f"{big.built.size.posts:,} posts (ms)"]
    rows = []
    for name in [*big.search_page, *big.search_other]:
        values = [m.search_page.get(name, m.search_other.get(name)) for m in (small, big)]
        rows.append((name, [f"{v * 1000:.1f}" if v is not None else "—" for v in values], ""))
    bench.table(heads, rows)
    print("matches over every account: " + ", ".join(f"{q!r} {n:,}" for q, n in big.search_found.items()))


def report(results: dict[str, tuple[Measured, Measured]], load: tuple[float, ...]) -> list[_summary.Row]:
    """Print the archives, each database's pages and searches, and the table of goals; its rows."""
    print(f"machine: {bench.machine(load)}")
    for small, big in results.values():
        print(f"data: {describe(small)}\n      {describe(big)}")
        for name in (_scale.ONE_K, _scale.LARGEST):
            sizes = [f"{m.held[name][0]:,} posts and {m.held[name][1]:,} comments" for m in (small, big)]
            print(f"      {name}: {sizes[0]} at {small.built.size.name}, {sizes[1]} at {big.built.size.name}")
    for database, (small, big) in results.items():
        print(
            f"\n{NAMES[database]}: every page in AppTest (first load: median of the first loads, caches cleared)"
        )
        print_pages(small, big)
        print()
        print_search(small, big)
        print(
            f"a sync's write ({small.sync_rows} rows): {small.built.size.posts:,} posts "
            + ", ".join(f"{v * 1000:.0f}" for v in small.sync_write)
            + f" ms; {big.built.size.posts:,} posts "
            + ", ".join(f"{v * 1000:.0f}" for v in big.sync_write)
            + " ms"
        )
        if big.browser is not None:
            print()
            bench.print_browser(big.browser, list[bench.Case](pages(big.built.size)))
    verdicts = {database: goals(small, big) for database, (small, big) in results.items()}
    first = next(iter(verdicts.values()))
    heads = ["measure", "SQLite", "PostgreSQL", "goal", "pass"]
    print("\n| " + " | ".join(heads) + " |\n|" + "---|" * len(heads))
    summary = []
    for i, (measure, goal, _) in enumerate(first):
        cells = {db_name: verdicts[db_name][i][2] for db_name in verdicts}
        oks = [v.ok for v in cells.values() if v.ok is not None]
        passed = None if not oks else all(oks)
        shown = [cells[d].text if d in cells else "not run" for d in NAMES]
        print(f"| {measure} | {' | '.join(shown)} | {goal} | {_summary.verdict(passed)} |")
        ours = "; ".join(f"{NAMES[d]} {cells[d].text}" for d in cells)
        summary.append(_summary.Row(f"archive scale: {measure}", ours, goal=goal, passed=passed))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="small archives, to check that it works")
    parser.add_argument(
        "--big",
        choices=["big", "medium"],
        default="big",
        help="the large archive: big (1,000,000 posts) or medium (100,000 posts, 500,000 comments)",
    )
    parser.add_argument("--firsts", type=int, default=3, help="first loads per page (median; default 3)")
    parser.add_argument("--reruns", type=int, default=5, help="warm reruns per page (default 5)")
    parser.add_argument("--trials", type=int, default=5, help="sync writes per archive (default 5)")
    parser.add_argument("--skip-browser", action="store_true", help="AppTest timings only")
    parser.add_argument(
        "--slow-sql", type=float, metavar="MS", help="list the statements of first loads over MS ms"
    )
    _summary.add_option(parser)
    args = parser.parse_args()
    SLOW.threshold = args.slow_sql
    SLOW.watch()
    load = os.getloadavg()
    for name in bench.QUIET:
        logging.getLogger(name).disabled = True
    sizes = _scale.QUICK if args.quick else _scale.SIZES
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results: dict[str, tuple[Measured, Measured]] = {}
    for database in databases:
        measured = []
        for size in (sizes["small"], sizes["big" if args.quick else args.big]):
            bench.progress(f"data: {size.name} on {database}")
            built, seconds = _scale.ensure(size, database, log=bench.progress)
            one = Measured(built, seconds)
            holdings(one)
            on_server(one, args.firsts, args.reruns)
            searches(one)
            measured.append(one)
        paired_pages(measured[0], measured[1], args.firsts, args.reruns)
        sync_writes(measured[0], measured[1], args.trials)
        if not args.skip_browser:
            browser(measured[1])
        results[database] = (measured[0], measured[1])
    print()
    rows = report(results, load)
    SLOW.print()
    _summary.write(args.summary, rows)
    broken = any(any(t.error for t in m.server.values()) for pair in results.values() for m in pair)
    missed = [row.measure for row in rows if row.passed is False]
    if missed:
        print("goals missed: " + "; ".join(missed) + (" (--quick: not enforced)" if args.quick else ""))
    sys.exit(1 if broken or (missed and not args.quick) else 0)


if __name__ == "__main__":
    main()
