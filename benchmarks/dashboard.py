"""How fast the dashboard answers over a large archive, what a gallery page sends, and how much the
dashboard process holds.

    .venv/bin/python benchmarks/dashboard.py [--posts 100000] [--accounts 20] [--data DIR] [--skip-browser]
        [--summary FILE]

The limits checked (issue 3): with 100,000 posts over 20 accounts in SQLite, every page's warm rerun
(caches filled) takes at most 1 s server-side (median) and its first load at most 3 s; a gallery page
sends at most 2 MB of images for its 24 tiles; the dashboard process stays under 600 MB resident.

1. Data: ``_synthetic.ensure`` builds the archive in ``--data`` (default: a fixed folder under the
   temporary directory) or reuses it when it already holds these counts.
2. Server-side: each page runs in Streamlit's AppTest (the sidebar, then the page, as in
   tests/test_dashboard.py) for the largest account, and the compare page for the five largest.
   First load: st.cache_data and st.cache_resource cleared just before (modules already imported by
   a warm-up pass over every page with the smallest account). Then the median of ``--reruns``.
   The AppTests share one scan of the installed custom components, as the server makes it once
   (``new_app``).
   The compare page with every account is timed too, for information: no limit is checked on it.
3. Browser: ``streamlit run dashboard.py`` on a free port, Debian's Chromium driven by Playwright.
   A visit times from the navigation until the script has stopped and the page's charts, images and
   tables (as many as AppTest found) are drawn; the server's CPU time meanwhile comes from
   /proc/PID/stat. First visits each use a new browser context (empty browser cache) and meet the
   server's caches cold as a user browsing in the table's order would (the gallery reads the
   account's posts, later pages reuse them); then every page again in one context (Streamlit's own
   files cached), with the server's caches warm. The gallery's first visit sums the bytes of the
   images that Streamlit's media endpoint served. Last, the engagement page of every account, as a
   day of browsing would fill the caches. The server's resident memory (with any children) comes
   from /proc/PID/status: VmRSS after each step, VmHWM at peak.

MB here are 10^6 bytes.
"""

from __future__ import annotations

import argparse
import functools
import importlib.metadata
import logging
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import _synthetic  # noqa: E402  (beside this script)
import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks import _summary  # noqa: E402
from tests.server import CHROMIUM, CHROMIUM_ARGS, dashboard  # noqa: E402

TZ = "Europe/Madrid"
LANG = "es"
PAGES = ["accounts", "profile", "gallery", "captions", "frequency", "engagement"]
COMPARED = 5
GALLERY_TILES = 24
THUMB_PX = 320
MB = 1_000_000
LIMIT_WARM_S = 1.0
LIMIT_FIRST_S = 3.0
LIMIT_GALLERY_BYTES = 2 * MB
LIMIT_RSS_BYTES = 600 * MB
VISIT_TIMEOUT_MS = 120_000
SWEPT = "engagement"  # the page visited for every account at the end: it reads posts and post counts
# AppTest and clearing caches run without a server, and Streamlit says so every time.
QUIET = [
    "streamlit.runtime.caching.cache_data_api",
    "streamlit.runtime.scriptrunner_utils.script_run_context",
]

# Marks, in seconds from the navigation's start, when the page connected to the server and when its
# first script run began and ended (before its charts are drawn).
MARKS = """(() => {
  const marks = (window.__benchMarks = {});
  const mark = (name) => { if (!(name in marks)) marks[name] = performance.now() / 1000; };
  new MutationObserver(() => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app) return;
    if (app.dataset.testConnectionState === "CONNECTED") mark("connected");
    if (app.dataset.testScriptState === "running") mark("running");
    if ("running" in marks && app.dataset.testScriptState === "notRunning") mark("ran");
  }).observe(document, { subtree: true, childList: true, attributes: true,
    attributeFilter: ["data-test-script-state", "data-test-connection-state"] });
})();"""
# Once the script has stopped and the main area shows what the page drew: the time and whether an
# error is shown, with the marks above.
DRAWN = """([charts, images, frames]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.dataset.testScriptState !== "notRunning") return false;
  const main = document.querySelector("[data-testid='stMain']");
  if (!main) return false;
  const error = document.querySelector("[data-testid='stException'], [data-testid='stAlertContentError']");
  const drawn = main.querySelectorAll(".vega-embed svg, .vega-embed canvas").length;
  const loaded = [...main.querySelectorAll("[data-testid='stImage'] img")]
    .filter((img) => img.complete && img.naturalWidth > 0).length;
  const tables = main.querySelectorAll("[data-testid='stDataFrame']").length;
  if (!error && (drawn < charts || loaded < images || tables < frames)) return false;
  return { ...window.__benchMarks, drawn: performance.now() / 1000, error: Boolean(error) };
}"""


@dataclass(frozen=True)
class Case:
    """A page as benchmarked: its ui module and URL path, and the accounts in its URL."""

    name: str
    module: str
    accounts: tuple[str, ...]
    judged: bool = True  # False: measured server-side only, for information, against no limit

    @property
    def path(self) -> str:
        """The URL path and query, as st.navigation serves the page."""
        path = "" if self.module == "accounts" else self.module
        return f"/{path}?" + urlencode({"account": self.accounts}, doseq=True)


@dataclass
class ServerTiming:
    """One page run by AppTest: seconds of the first load and of warm reruns, on the clock and of CPU
    (the CPU time hardly changes when other processes compete for the cores), and what it drew."""

    first: float
    first_cpu: float
    warm: list[float]
    warm_cpu: list[float]
    charts: int
    images: int
    frames: int
    error: str | None = None

    @property
    def warm_median(self) -> float:
        return statistics.median(self.warm) if self.warm else float("nan")

    @property
    def warm_cpu_median(self) -> float:
        return statistics.median(self.warm_cpu) if self.warm_cpu else float("nan")


@dataclass
class Visit:
    """One page load in the browser: seconds from navigation to connected, to the end of the first
    script run, and to drawn; the server's CPU seconds meanwhile."""

    seconds: float
    connected: float = float("nan")
    ran: float = float("nan")
    server_cpu: float = float("nan")
    error: str | None = None
    rss: int = 0
    image_bytes: int = 0
    image_urls: int = 0
    widest: int = 0


@dataclass
class BrowserRun:
    """Both rounds of visits, the gallery's images, and the server's memory."""

    chromium: str = ""
    warm_up: float = float("nan")
    first: dict[str, Visit] = field(default_factory=dict)
    again: dict[str, Visit] = field(default_factory=dict)
    rss_start: int = 0
    rss_now: int = 0
    rss_swept: int = 0
    rss_peak: int = 0
    swept: int = 0


def run_page(module: str) -> None:
    """The AppTest script: the sidebar, then one page, as dashboard.py shows them."""
    import importlib

    from ui import sidebar

    sidebar.render()
    importlib.import_module(f"ui.{module}").page()


@functools.cache
def _components() -> Any:
    """One registry of the installed custom components, for every AppTest of the benchmarks (None
    when this Streamlit has none to share)."""
    try:
        from streamlit.components.v2.component_manager import BidiComponentManager
    except ImportError:
        return None
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def new_app(module: str) -> AppTest:
    """An AppTest of ``run_page(module)``. AppTest scans the installed packages for custom components
    on the first run of each AppTest (0.3-0.5 s here, reading 446 packages' metadata), which the
    server does once when it starts (``Runtime.__init__``): no page load pays it, so the AppTests
    share one scan and a first load is timed without it."""
    at = AppTest.from_function(run_page, args=(module,), default_timeout=600)
    if hasattr(at, "_bidi_component_manager") and _components() is not None:
        at._bidi_component_manager = _components()
    return at


def app(case: Case) -> AppTest:
    at = new_app(case.module)
    at.session_state["lang"] = LANG
    at.session_state["tz"] = TZ
    at.query_params["account"] = list(case.accounts)
    return at


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """Seconds ``call`` took on the clock, and of this process's CPU (AppTest runs the script in a thread)."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def failure(at: AppTest) -> str | None:
    """The first exception the page showed, in one line, or None."""
    if not at.exception:
        return None
    return at.exception[0].value.strip().splitlines()[0][:120]


def clear_caches() -> None:
    """Forget every cached query and the opened archive, as a freshly started server has none."""
    st.cache_data.clear()
    st.cache_resource.clear()


def time_on_server(case: Case, reruns: int) -> ServerTiming:
    """The first load of ``case`` with cold caches, then ``reruns`` warm reruns."""
    clear_caches()
    at = app(case)
    first, first_cpu = timed(at.run)
    warm = [timed(at.run) for _ in range(reruns)] if failure(at) is None else []
    return ServerTiming(
        first=first,
        first_cpu=first_cpu,
        warm=[wall for wall, _ in warm],
        warm_cpu=[cpu for _, cpu in warm],
        charts=len(at.get("vega_lite_chart")),
        images=len(at.image),
        frames=len(at.dataframe),
        error=failure(at),
    )


def on_server(
    cases: list[Case], smallest_first: list[str], reruns: int
) -> tuple[float, dict[str, ServerTiming]]:
    """The seconds of a warm-up pass (every judged page once on the smallest accounts, so that imports
    and first-use costs are paid), then each case timed."""
    progress("server-side warm-up")
    started = time.perf_counter()
    for case in cases:
        if case.judged:
            app(Case(case.name, case.module, tuple(smallest_first[: len(case.accounts)]))).run()
    warm_up = time.perf_counter() - started
    server = {}
    for case in cases:
        progress(f"server-side: {case.name}")
        server[case.name] = time_on_server(case, reruns)
    clear_caches()
    return warm_up, server


@contextmanager
def dashboard_server(dataset: _synthetic.Dataset) -> Iterator[tuple[str, int]]:
    """``streamlit run dashboard.py`` over the data set on a free port: its URL and process id."""
    env = {**os.environ, **dataset.env(), "PYTHONPATH": str(ROOT)}
    args = ["-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1"]
    with dashboard(args, env, dataset.root / "server.log") as running:
        yield running.url, running.pid


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with suppress(OSError):  # the task ended meanwhile
                pending += [int(child) for child in (task / "children").read_text().split()]
    return found


def resident_bytes(pid: int) -> tuple[int, int]:
    """Resident memory of ``pid`` and its descendants now (VmRSS) and at peak (VmHWM), in bytes."""
    now = peak = 0
    for member in process_tree(pid):
        try:
            lines = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
        now += int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
        peak += int(fields.get("VmHWM", "0 kB").split()[0]) * 1024
    return now, peak


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) used so far by ``pid`` and its descendants."""
    ticks = 0
    for member in process_tree(pid):
        with suppress(OSError):
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat
    return ticks / os.sysconf("SC_CLK_TCK")


def visit(context: Any, url: str, expected: ServerTiming, pid: int, *, images: bool = False) -> Visit:
    """Load ``url`` in a new tab of the browser ``context`` and time it until drawn; with ``images``, also
    sum the images the media endpoint served."""
    page = context.new_page()
    try:
        served: list[Any] = []
        page.on("response", lambda r: served.append(r) if "/media/" in r.url else None)
        cpu = cpu_seconds(pid)
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        try:
            marks = page.wait_for_function(
                DRAWN,
                arg=[expected.charts, expected.images, expected.frames],
                timeout=VISIT_TIMEOUT_MS,
                polling=50,
            ).json_value()
        except Exception as err:  # Playwright's TimeoutError: report it in the table, go on
            return Visit(time.perf_counter() - started, error=type(err).__name__)
        result = Visit(
            seconds=marks["drawn"],
            connected=marks.get("connected", float("nan")),
            ran=marks.get("ran", float("nan")),
            server_cpu=cpu_seconds(pid) - cpu,
            rss=resident_bytes(pid)[0],
            error="error shown" if marks["error"] else None,
        )
        if images:
            bodies = {
                r.url: r.body()
                for r in served
                if r.ok and (r.header_value("content-type") or "").startswith("image/")
            }
            result.image_bytes = sum(len(body) for body in bodies.values())
            result.image_urls = len(bodies)
            widths = page.locator("[data-testid='stMain'] [data-testid='stImage'] img").evaluate_all(
                "images => images.map((img) => img.naturalWidth)"
            )
            result.widest = max(widths, default=0)
        return result
    finally:
        page.close()


def sweep(context: Any, url: str) -> None:
    """Open ``url`` and wait until its script has run (what it keeps in memory is what counts here)."""
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_function("() => 'ran' in (window.__benchMarks || {})", timeout=VISIT_TIMEOUT_MS)
    finally:
        page.close()


def in_browser(
    dataset: _synthetic.Dataset, cases: list[Case], server: dict[str, ServerTiming], accounts: list[str]
) -> BrowserRun:
    """Both rounds of visits against a fresh ``streamlit run``, then one page of every account (the
    smallest first), and the server's memory."""
    smallest = accounts[0]
    from playwright.sync_api import sync_playwright

    run = BrowserRun()
    with dashboard_server(dataset) as (url, pid), sync_playwright() as playwright:
        run.rss_start = resident_bytes(pid)[0]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        run.chromium = browser.version

        def new_context() -> Any:
            context = browser.new_context(
                viewport={"width": 1400, "height": 1000}, locale="es-ES", timezone_id=TZ
            )
            context.add_init_script(MARKS)
            return context

        # The server's first run imports the dashboard's modules: done here, on the smallest account.
        with closing(new_context()) as context:
            warm_up = Case("warm-up", "profile", (smallest,))
            run.warm_up = visit(context, url + warm_up.path, server["profile"], pid).seconds
        for case in cases:  # a first visit: nothing in the browser's cache
            progress(f"browser, first visit: {case.name}")
            with closing(new_context()) as context:
                gallery = case.module == "gallery"
                run.first[case.name] = visit(context, url + case.path, server[case.name], pid, images=gallery)
        with closing(new_context()) as context:  # coming back: the browser has Streamlit's files
            for case in cases:
                progress(f"browser, again: {case.name}")
                run.again[case.name] = visit(context, url + case.path, server[case.name], pid)
        run.rss_now = resident_bytes(pid)[0]
        progress(f"browser: the {SWEPT} page of every account")
        with closing(new_context()) as context:
            for name in accounts:
                sweep(context, url + Case(name, SWEPT, (name,)).path)
        run.swept = len(accounts)
        run.rss_swept, run.rss_peak = resident_bytes(pid)
        browser.close()
    return run


def progress(text: str) -> None:
    print(f"... {text}", file=sys.stderr, flush=True)


def machine(load: tuple[float, ...]) -> str:
    """CPUs, memory, the load average ``load`` and versions of the machine and the software measured."""
    meminfo = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    ram = int(meminfo["MemTotal"].split()[0]) * 1024
    return (
        f"{len(os.sched_getaffinity(0))} CPUs (nproc), {ram / 1e9:.1f} GB RAM, load average {', '.join(f'{v:.1f}' for v in load)} at start; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"Streamlit {importlib.metadata.version('streamlit')}, pandas {importlib.metadata.version('pandas')}"
    )


def seconds(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value:.2f}"


def verdict(ok: bool | None) -> str:
    return "SKIP" if ok is None else "PASS" if ok else "FAIL"


def table(heads: list[str], rows: list[tuple[str, list[str], str]]) -> None:
    """Rows of a name, right-aligned cells and a note, under ``heads`` (the first names the rows)."""
    widths = [max(len(heads[0]), *(len(name) for name, _, _ in rows))] + [len(head) for head in heads[1:]]
    print(heads[0].ljust(widths[0]) + "".join(f"  {head}" for head in heads[1:]))
    for name, cells, note in rows:
        line = name.ljust(widths[0]) + "".join(
            f"  {cell:>{w}}" for cell, w in zip(cells, widths[1:], strict=True)
        )
        print(line + (f"  ({note})" if note else ""))


def report(
    dataset: _synthetic.Dataset,
    built: float | None,
    largest: tuple[str, int],
    cases: list[Case],
    server: dict[str, ServerTiming],
    warm_up: float,
    browser: BrowserRun | None,
    reruns: int,
    load: tuple[float, ...],
) -> None:
    """Print the data set, the timings, what the gallery sent, memory, and the verdict on each limit."""
    facts = _synthetic.describe(dataset)
    how = (
        f"built in {built:.1f} s"
        if built is not None
        else f"reused, built in {dataset.marker().get('seconds')} s"
    )
    print(f"data: {dataset.root} ({how})")
    print(
        f"  {facts['profiles']} accounts, {facts['posts']:,} posts, {facts['media_items']:,} media items, "
        f"{facts['post_metrics']:,} post counts, {facts['profile_snapshots']} profile snapshots"
    )
    print(
        f"  database {facts['db_bytes'] / MB:.1f} MB; "
        f"media {facts['media_files']:,} files, {facts['media_bytes'] / MB:.1f} MB"
    )
    print(f"  largest account {largest[0]} ({largest[1]:,} posts); compare shows the {COMPARED} largest")
    print(f"machine: {machine(load)}" + (f", Chromium {browser.chromium}" if browser else ""))
    print()
    print(
        f"server-side in AppTest, after a warm-up pass over every page on the smallest account ({warm_up:.1f} s)"
    )
    rows = []
    for case in cases:
        timing, seen = server[case.name], browser.first.get(case.name) if browser else None
        notes = [] if case.judged else ["not judged: AppTest only"]
        notes += [f"server: {timing.error}"] if timing.error else []
        notes += [f"browser: {seen.error}"] if seen and seen.error else []
        cells = [seconds(timing.first), seconds(timing.warm_median), seconds(seen.seconds) if seen else "—"]
        cells += [seconds(timing.first_cpu), seconds(timing.warm_cpu_median)]
        rows.append((case.name, cells, "; ".join(notes)))
    heads = ["page", "first load (s)", f"warm rerun median of {reruns} (s)", "browser time to drawn (s)"]
    table([*heads, "| CPU: first load", "warm rerun"], rows)
    print()
    if browser is None:
        print("browser: skipped (no browser times, gallery bytes or process memory)")
    else:
        print_browser(browser, [case for case in cases if case.judged])
    print()
    print_verdicts([case for case in cases if case.judged], server, browser)


def print_browser(browser: BrowserRun, cases: list[Case]) -> None:
    """The browser visits in detail, the gallery's images and the server's memory."""
    print(
        "in the browser, seconds from navigation: first visits (a new browser context each, server caches "
        "cold in this order)\nand again (one context, so Streamlit's own files are cached; server caches "
        f"warm); warm-up visit before them: {browser.warm_up:.1f} s"
    )
    heads = ["page", "connected", "script ran", "drawn", "server CPU", "RSS (MB)"]
    heads += ["| again: ran", "drawn", "server CPU"]
    rows = []
    for case in cases:
        first, again = browser.first[case.name], browser.again[case.name]
        cells = [seconds(v) for v in (first.connected, first.ran, first.seconds, first.server_cpu)]
        cells += [f"{first.rss / MB:.0f}"]
        cells += [seconds(v) for v in (again.ran, again.seconds, again.server_cpu)]
        rows.append((case.name, cells, "; ".join(v.error for v in (first, again) if v.error)))
    table(heads, rows)
    print()
    gallery = browser.first.get("gallery")
    if gallery is not None:
        print(
            f"gallery, {GALLERY_TILES} tiles: {gallery.image_urls} images sent, {gallery.image_bytes:,} bytes "
            f"({gallery.image_bytes / MB:.2f} MB), widest {gallery.widest} px"
        )
    print(
        f"dashboard process resident memory: {browser.rss_start / MB:.0f} MB at start, "
        f"{browser.rss_now / MB:.0f} MB after the visits above, {browser.rss_swept / MB:.0f} MB now "
        f"(after the {SWEPT} page of all {browser.swept} accounts), {browser.rss_peak / MB:.0f} MB at peak"
    )


def worst(values: dict[str, float]) -> tuple[str, float]:
    """The name with the highest value, and the value."""
    name = max(values, key=lambda key: values[key])
    return name, values[name]


def print_verdicts(cases: list[Case], server: dict[str, ServerTiming], browser: BrowserRun | None) -> None:
    """PASS, FAIL or SKIP for each limit, with the worst figure."""
    failed = [c.name for c in cases if server[c.name].error]
    warm_name, warm_s = worst({c.name: server[c.name].warm_median for c in cases})
    first_name, first_s = worst({c.name: server[c.name].first for c in cases})
    warm_cpu, first_cpu = server[warm_name].warm_cpu_median, server[first_name].first_cpu
    lines: list[tuple[bool | None, str]] = [
        (not failed, f"every page ran without an exception in AppTest {failed or ''}"),
        (
            warm_s <= LIMIT_WARM_S,
            f"warm rerun median ≤ {LIMIT_WARM_S:.0f} s, server-side "
            f"(worst: {warm_name}, {warm_s:.2f} s; CPU {warm_cpu:.2f} s)",
        ),
        (
            first_s <= LIMIT_FIRST_S,
            f"first load ≤ {LIMIT_FIRST_S:.0f} s, server-side "
            f"(worst: {first_name}, {first_s:.2f} s; CPU {first_cpu:.2f} s)",
        ),
    ]
    gallery = browser.first.get("gallery") if browser else None
    if browser is None or gallery is None:
        lines += [
            (None, f"gallery images for {GALLERY_TILES} tiles ≤ {LIMIT_GALLERY_BYTES / MB:.0f} MB"),
            (None, f"dashboard process resident < {LIMIT_RSS_BYTES / MB:.0f} MB"),
        ]
    else:
        errors = [name for name, v in (*browser.first.items(), *browser.again.items()) if v.error]
        thumbnails = gallery.image_bytes <= LIMIT_GALLERY_BYTES and gallery.widest <= THUMB_PX
        lines += [
            (not errors, f"every page drew in the browser without an error {errors or ''}"),
            (
                thumbnails,
                f"gallery images for {GALLERY_TILES} tiles ≤ {LIMIT_GALLERY_BYTES / MB:.0f} MB, thumbnails only "
                f"({gallery.image_bytes / MB:.2f} MB, widest {gallery.widest} px)",
            ),
            (
                browser.rss_peak < LIMIT_RSS_BYTES,
                f"dashboard process resident < {LIMIT_RSS_BYTES / MB:.0f} MB "
                f"(peak {browser.rss_peak / MB:.0f} MB)",
            ),
        ]
    for ok, text in lines:
        print(f"{verdict(ok)}  {text}")
    if browser is not None:
        name, slowest = worst({name: v.seconds for name, v in browser.first.items()})
        connect = statistics.median(v.connected for v in browser.first.values())
        print(
            f"INFO  not a limit of the issue: the slowest first visit drew in {slowest:.2f} s in the browser "
            f"({name}), of which about {connect:.1f} s is Streamlit's page loading and connecting"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--data", type=Path, help="folder for the data (reused when it holds these counts)")
    parser.add_argument("--reruns", type=int, default=7, help="warm reruns per page (default 7)")
    parser.add_argument("--skip-browser", action="store_true", help="AppTest timings only")
    _summary.add_option(parser)
    args = parser.parse_args()
    if not COMPARED <= args.accounts <= _synthetic.MAX_ACCOUNTS:
        parser.error(
            f"--accounts: from {COMPARED} (the compare page shows {COMPARED}) to {_synthetic.MAX_ACCOUNTS}"
        )
    if args.posts < args.accounts * 10:
        parser.error("--posts: at least 10 per account")

    load = os.getloadavg()  # other processes competing for the cores slow every figure down
    progress("data")
    folder = args.data or _synthetic.default_folder(args.posts, args.accounts)
    dataset, built = _synthetic.ensure(folder.resolve(), args.posts, args.accounts)
    os.environ.update(dataset.env())
    for name in QUIET:
        logging.getLogger(name).disabled = True
    by_size = _synthetic.accounts_by_size(dataset)
    largest = by_size[0]
    cases = [Case(name, name, (largest[0],)) for name in PAGES]
    cases.append(Case(f"compare ({COMPARED})", "compare", tuple(name for name, _ in by_size[:COMPARED])))
    # Nothing stops a user from comparing every account: how far that is from the limits.
    everyone = tuple(name for name, _ in by_size)
    cases.append(Case(f"compare (all {len(everyone)})", "compare", everyone, judged=False))

    warm_up, server = on_server(cases, [name for name, _ in reversed(by_size)], args.reruns)

    browser = None
    if not args.skip_browser:
        if not Path(CHROMIUM).exists():
            raise SystemExit(f"no {CHROMIUM}: install Debian's chromium, or pass --skip-browser")
        judged = [case for case in cases if case.judged]
        browser = in_browser(dataset, judged, server, [name for name, _ in reversed(by_size)])
    print()
    report(dataset, built, largest, cases, server, warm_up, browser, args.reruns, load)
    judged = [case for case in cases if case.judged]
    _summary.write(args.summary, summary_rows(args.posts, args.accounts, judged, server, browser))


def summary_rows(
    posts: int, accounts: int, cases: list[Case], server: dict[str, ServerTiming], browser: BrowserRun | None
) -> list[_summary.Row]:
    """The limits of ``print_verdicts`` as summary rows: the worst figure of each."""
    failed = [c.name for c in cases if server[c.name].error]
    warm_name, warm_s = worst({c.name: server[c.name].warm_median for c in cases})
    first_name, first_s = worst({c.name: server[c.name].first for c in cases})
    scale = f"{posts:,} posts, {accounts} accounts"
    rows = [
        _summary.Row(
            f"dashboard, {scale}: warm rerun median, worst page (s)",
            f"{warm_s:.2f} ({warm_name})",
            goal=f"≤ {LIMIT_WARM_S:.0f} s",
            passed=warm_s <= LIMIT_WARM_S and not failed,
        ),
        _summary.Row(
            f"dashboard, {scale}: first load, worst page (s)",
            f"{first_s:.2f} ({first_name})",
            goal=f"≤ {LIMIT_FIRST_S:.0f} s",
            passed=first_s <= LIMIT_FIRST_S and not failed,
        ),
    ]
    gallery = browser.first.get("gallery") if browser else None
    if browser is None or gallery is None:
        rows.append(_summary.Row("dashboard: gallery and memory", "not measured (no browser run)"))
        return rows
    errors = [name for name, v in (*browser.first.items(), *browser.again.items()) if v.error]
    rows += [
        _summary.Row(
            f"dashboard: images of a {GALLERY_TILES}-tile gallery page (MB)",
            f"{gallery.image_bytes / MB:.2f} (widest {gallery.widest} px)",
            goal=f"≤ {LIMIT_GALLERY_BYTES / MB:.0f} MB",
            passed=gallery.image_bytes <= LIMIT_GALLERY_BYTES and gallery.widest <= THUMB_PX,
        ),
        _summary.Row(
            f"peak memory of the dashboard, {scale} (MB resident)",
            f"{browser.rss_peak / MB:.0f}",
            goal=f"< {LIMIT_RSS_BYTES / MB:.0f} MB",
            passed=browser.rss_peak < LIMIT_RSS_BYTES and not errors,
        ),
    ]
    return rows


if __name__ == "__main__":
    main()
