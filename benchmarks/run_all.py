"""Every benchmark in turn, then the machine and a summary table of their figures.

    .venv/bin/python -m benchmarks.run_all [--quick] [--only NAME]... [--results FILE]
    .venv/bin/python benchmarks/run_all.py ...

Each script runs in a process of its own (so that one's memory or threads do not weigh on the next),
with its output shown as it comes. Each hands its figures back as summary rows (``--summary``, see
``_summary.py``): ours, the reference measured side by side in the same run where there is one, the
ratio, the goal and PASS or FAIL. The summary is printed as a Markdown table and, after a full run of
every benchmark, written to ``benchmarks/results.md`` with the machine and each script's output, for
the README to quote. ``--results FILE`` writes it elsewhere (or after a partial run).

``--quick`` runs tiny sizes, to check that the scripts still work: goals are shown but not enforced,
since timings of toy sizes mean nothing. Exit status: 1 when a script failed (each fails on wrong
results: files or rows missing or different), or, without ``--quick``, when a goal was missed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
sys.path.insert(0, str(ROOT))

from benchmarks import _summary  # noqa: E402

RESULTS = HERE / "results.md"
HEADS = ["measure", "ours", "reference", "ratio", "goal", "pass"]


@dataclass(frozen=True)
class Benchmark:
    """A script in this folder, with its options for a full run and for ``--quick``."""

    name: str
    about: str
    full: tuple[str, ...] = ()
    quick: tuple[str, ...] = ()


BENCHMARKS = [
    Benchmark(
        "sync_requests",
        "API requests of syncs, next to instaloader's --fast-update",
        quick=("--posts", "40", "--new", "3"),
    ),
    Benchmark(
        "media_download",
        "200 files at 100 ms latency: 8 workers against sequential",
        quick=("--files", "12", "--latency", "0.02", "--size", "320", "--skip-instaloader"),
    ),
    Benchmark(
        "store_throughput",
        "posts stored per second, against raw executemany",
        quick=("--posts", "300"),
    ),
    Benchmark("sync_memory", "peak memory of a 100,000-post first sync", quick=("--posts", "300")),
    Benchmark(
        "dashboard",
        "the dashboard over 100,000 posts: page times, gallery bytes, peak memory",
        quick=("--posts", "200", "--accounts", "5", "--reruns", "1", "--skip-browser"),
    ),
    Benchmark(
        "caption_search", "caption search, FTS5 against LIKE", quick=("--posts", "2000", "--runs", "2")
    ),
    Benchmark(
        "kill_trials", "syncs killed with SIGKILL, then rerun", quick=("--trials", "2", "--posts", "120")
    ),
    Benchmark(
        "comments",
        "API requests of syncs with comments, next to instaloader's --comments",
        quick=("--posts", "40", "--comments", "600", "--old", "3", "--new", "2"),
    ),
    Benchmark(
        "archive_scale",
        # PostgreSQL at 1,000,000 posts: `python -m benchmarks.archive_scale --database postgresql`
        # (building that archive through the store takes hours on 2 cores; --big medium measures 100,000).
        "1,000,000 posts and 5,000,000 comments against 10,000 (SQLite)",
        full=("--database", "sqlite"),
        quick=("--quick", "--database", "sqlite", "--skip-browser", "--firsts", "1", "--reruns", "1"),
    ),
]
NAMES = [b.name for b in BENCHMARKS]


@dataclass
class Outcome:
    """What one script did: its exit status, seconds, output and summary rows."""

    benchmark: Benchmark
    command: list[str]
    code: int
    seconds: float
    output: str
    rows: list[_summary.Row] = field(default_factory=list)


def machine() -> list[tuple[str, str]]:
    """What the figures were measured on."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
        platform.processor() or platform.machine(),
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    ram = next(
        (int(line.split()[1]) * 1024 for line in meminfo.splitlines() if line.startswith("MemTotal")), 0
    )
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        release = dict(
            line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
        )
        system = release.get("PRETTY_NAME", "").strip('"')
    except OSError:
        system = platform.system()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return [
        ("CPU", f"{model}, {usable} cores usable ({os.cpu_count()} in the machine)"),
        ("RAM", f"{ram / 1e9:.1f} GB"),
        ("OS", f"{system}, Linux {platform.release()}" if platform.system() == "Linux" else system),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("instaloader", importlib.metadata.version("instaloader")),
        ("load average at start", load),
    ]


def run(benchmark: Benchmark, quick: bool, folder: Path) -> Outcome:
    """Run one script, showing its output as it comes; what it did."""
    summary = folder / f"{benchmark.name}.json"
    command = [
        sys.executable,
        str(HERE / f"{benchmark.name}.py"),
        *(benchmark.quick if quick else benchmark.full),
    ]
    if quick and benchmark.name == "dashboard":  # its data in the throwaway folder, not a cached one
        command += ["--data", str(folder / "dashboard-data")]
    shown = " ".join(["benchmarks/" + benchmark.name + ".py", *command[2:]])
    print(f"\n== {benchmark.name}: {benchmark.about}\n   {shown}", flush=True)
    started = time.perf_counter()
    lines = []
    with subprocess.Popen(
        [*command, "--summary", str(summary)], cwd=ROOT, stdout=subprocess.PIPE, text=True, bufsize=1
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    seconds = time.perf_counter() - started
    print(f"   ({benchmark.name}: exit {child.returncode}, {seconds:.0f} s)", flush=True)
    rows = _summary.read(summary)
    return Outcome(benchmark, [shown], child.returncode, seconds, "".join(lines), rows)


def table(outcomes: list[Outcome]) -> str:
    """The summary rows of every script, and a row for each script that failed, as Markdown."""
    lines = ["| " + " | ".join(HEADS) + " |", "|" + "---|" * len(HEADS)]
    for outcome in outcomes:
        rows = list(outcome.rows)
        if outcome.code != 0:
            rows.append(
                _summary.Row(f"{outcome.benchmark.name}.py", f"exit status {outcome.code}", passed=False)
            )
        for row in rows:
            cells = [row.measure, row.ours, row.reference, row.ratio, row.goal, _summary.verdict(row.passed)]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def results_text(
    facts: list[tuple[str, str]], outcomes: list[Outcome], summary: str, quick: bool, when: datetime
) -> str:
    """``results.md``: when, the machine, the summary, the wall times and every script's output."""
    times = ", ".join(f"`{o.benchmark.name}` {o.seconds:.0f} s" for o in outcomes)
    total = sum(o.seconds for o in outcomes)
    parts = [
        "# Benchmark results",
        "",
        f"Written by `.venv/bin/python -m benchmarks.run_all{' --quick' if quick else ''}` on "
        f"{when:%Y-%m-%d %H:%M} UTC. Ratios compare figures measured side by side in the same run.",
        "",
        "**Machine:** " + "; ".join(f"{name} {value}" for name, value in facts) + ".",
        "",
        summary,
        "",
        f"**Wall time:** {times}; {total / 60:.1f} min in all.",
        "",
        "## Output of each script",
    ]
    for outcome in outcomes:
        parts += ["", f"### {outcome.benchmark.name}", "", f"`{outcome.command[0]}`", "", "```"]
        parts += [outcome.output.rstrip("\n"), "```"]
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, goals not enforced (smoke test)")
    parser.add_argument(
        "--only", action="append", choices=NAMES, metavar="NAME", help=f"run only these: {', '.join(NAMES)}"
    )
    parser.add_argument(
        "--results",
        type=Path,
        help="write the results here (default: benchmarks/results.md after a full run)",
    )
    args = parser.parse_args()
    chosen = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    results = args.results or (RESULTS if not args.quick and not args.only else None)

    when = datetime.now(UTC)
    facts = machine()
    print("machine: " + "; ".join(f"{name} {value}" for name, value in facts))
    with tempfile.TemporaryDirectory(prefix="benchmarks-") as folder:
        outcomes = [run(benchmark, args.quick, Path(folder)) for benchmark in chosen]

    summary = table(outcomes)
    print("\n== summary" + (" (--quick: goals not enforced)" if args.quick else "") + "\n")
    print(summary)
    print("\nwall time: " + ", ".join(f"{o.benchmark.name} {o.seconds:.0f} s" for o in outcomes))
    if results is not None:
        results.write_text(results_text(facts, outcomes, summary, args.quick, when))
        print(f"written to {results}")
    failed = [o.benchmark.name for o in outcomes if o.code != 0]
    missed = [row.measure.strip() for o in outcomes for row in o.rows if row.passed is False]
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    if missed and not args.quick:
        print(f"goals missed: {'; '.join(missed)}")
    sys.exit(1 if failed or (missed and not args.quick) else 0)


if __name__ == "__main__":
    main()
