"""The benchmark scripts still run, at the tiny sizes of ``run_all.py --quick``, and their figures add
up: correctness, not timings. One quick run of the whole suite serves every test here."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks/ is a folder of scripts, not an installed package

from benchmarks.run_all import BENCHMARKS, NAMES  # noqa: E402

pytestmark = [
    pytest.mark.benchmark,
    pytest.mark.sqlite_only("the benchmarks make SQLite archives of their own, whatever TEST_DATABASE"),
]


@dataclass(frozen=True)
class QuickRun:
    """``run_all --quick``: its exit status and output, the summary table's rows, each script's output."""

    code: int
    stdout: str
    rows: dict[str, list[str]]
    outputs: dict[str, str]

    def row(self, start: str) -> list[str]:
        """The cells of the summary row whose measure starts with ``start``."""
        found = [cells for measure, cells in self.rows.items() if measure.startswith(start)]
        assert len(found) == 1, (start, list(self.rows))
        return found[0]


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> QuickRun:
    results = tmp_path_factory.mktemp("benchmarks") / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run_all", "--quick", "--results", str(results)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    text = results.read_text() if results.exists() else ""
    rows = {}
    summary = text.split("\n### ", 1)[0]  # the suite's table; a script's own output may hold tables too
    for line in summary.splitlines():
        if line.startswith("| ") and not line.startswith("| measure |"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            rows[cells[0]] = cells[1:]
    sections = re.findall(r"^### (\w+)\n\n`[^`]*`\n\n```\n(.*?)^```$", text, re.M | re.S)
    return QuickRun(done.returncode, done.stdout + done.stderr, rows, dict(sections))


def quick_option(name: str, option: str) -> int:
    """The value ``run_all --quick`` gives a script's option."""
    args = next(b.quick for b in BENCHMARKS if b.name == name)
    return int(args[args.index(option) + 1])


def test_every_script_is_in_the_suite() -> None:
    scripts = {p.stem for p in (ROOT / "benchmarks").glob("*.py") if not p.stem.startswith("_")}
    assert scripts - {"run_all"} == set(NAMES)


def test_the_quick_run_writes_the_machine_the_table_and_every_output(quick: QuickRun) -> None:
    assert quick.code == 0, quick.stdout[-5000:]
    assert "== summary (--quick: goals not enforced)" in quick.stdout
    assert sorted(quick.outputs) == sorted(NAMES)
    assert not [measure for measure, cells in quick.rows.items() if cells[0].startswith("exit status")]
    for cells in quick.rows.values():
        assert len(cells) == 5 and cells[4] in ("PASS", "FAIL", "—")


def test_media_download_saves_every_file_whole_both_ways(quick: QuickRun) -> None:
    files = quick_option("media_download", "--files")
    output = quick.outputs["media_download"]
    assert "every file saved, byte for byte, whole, with its thumbnail: yes" in output
    runs = {
        m["label"].strip(): [int(m[k]) for k in ("requests", "in_flight", "saved", "problems")]
        for m in re.finditer(
            r"^(?P<label>.+?)\s+[\d.]+\s+[\d.]+\s+(?P<requests>\d+)\s+(?P<in_flight>\d+)\s+(?P<saved>\d+)"
            r"\s+(?P<problems>\d+)$",
            output,
            re.M,
        )
    }
    # Each way asked for each file once and saved it; only ours had several requests in flight.
    assert runs["sequential: 1 worker"] == [files, 1, files, 0]
    requests, in_flight, saved, problems = runs["ours, 8 workers"]
    assert (requests, saved, problems) == (files, files, 0)
    assert in_flight > 1
    ours, reference, ratio, goal, _ = quick.row(f"media download, {files} files")
    assert goal == "≥ 4x"
    speed_up = float(ratio.removesuffix("x faster"))  # of the seconds before they were rounded
    assert speed_up == pytest.approx(float(reference.split()[0]) / float(ours), rel=0.15)


def test_store_throughput_stores_the_same_rows_both_ways(quick: QuickRun) -> None:
    posts = quick_option("store_throughput", "--posts")
    compared = re.findall(
        r"^  (\S+(?: \S+)?)\s+ours\s+([\d,]+) rows, reference\s+([\d,]+): (.+)$",
        quick.outputs["store_throughput"],
        re.M,
    )
    assert [table for table, *_ in compared] == [
        "posts",
        "media_items",
        "post_metrics",
        "post_names",
        "search index",
    ]
    assert all(verdict == "the same" and ours == reference for _, ours, reference, verdict in compared)
    assert compared[0][1] == compared[2][1] == str(posts)  # a post count per post
    ours, reference, ratio, goal, _ = quick.row("stored posts per second")
    assert goal == "≥ 0.3"
    assert float(ratio) == pytest.approx(
        float(ours.replace(",", "")) / float(reference.split()[0].replace(",", "")), abs=0.01
    )


def test_sync_memory_stores_every_post_through_the_command_line(quick: QuickRun) -> None:
    posts = quick_option("sync_memory", "--posts")
    output = quick.outputs["sync_memory"]
    assert "every post stored: yes" in output
    assert f"stored: {posts} posts" in output
    assert f"bench.memory: {posts} new" in output
    # Logged in: 12 posts a page, and no request of a post's own.
    assert f"timeline_logged_in {-(-posts // 12)}," in output
    assert "post " not in output.split("API requests (")[1].split(")")[0]
    peak = re.search(r"(\d+) MB at peak \(getrusage of the child: (\d+) MB\)", output)
    assert peak is not None and 0 < int(peak[1]) <= int(peak[2]) + 1


@pytest.mark.parametrize(
    "measure",
    [
        "API requests per incremental sync (3 new posts), logged out",
        "API requests per incremental sync (3 new posts), logged in",
        "stored posts asked again after a sync killed halfway",
        "dashboard, 200 posts, 5 accounts: warm rerun median",
        "caption search at 2,000 posts, a page of results",
        "syncs of 120 posts killed (SIGKILL) at random moments",
    ],
)
def test_the_older_scripts_hand_their_figures_to_the_summary(quick: QuickRun, measure: str) -> None:
    assert quick.row(measure)[0]


def test_comments_reads_every_comment_both_ways_without_a_post_request_of_ours(quick: QuickRun) -> None:
    posts = quick_option("comments", "--posts")
    old = quick_option("comments", "--old")
    output = quick.outputs["comments"]
    assert "every comment and reply read: ours yes, instaloader yes" in output
    ours = re.search(r"^  first sync with comments\s+ours\s+(\d+) requests .*\((.*)\)$", output, re.M)
    theirs = re.search(r"^\s+instaloader --comments\s+(\d+) requests .*\((.*)\)$", output, re.M)
    assert ours is not None and theirs is not None
    # Ours asks the comment endpoints instaloader asks, without its metadata request for each post.
    assert not re.search(r"(^|, )post \d", ours[2])
    assert f"post {posts}" in theirs[2].split(", ")
    alone = re.search(r"comment requests alone: ours (\d+), instaloader (\d+)", output)
    assert alone is not None and 0 < int(alone[1]) <= int(alone[2])
    for start in (
        f"API requests of a first sync with comments ({posts} posts",
        f"API requests of an update with comments ({old} old posts",
    ):
        ours_n, reference, ratio, goal, _ = quick.row(start)
        assert goal == "≤ 1.0"
        assert float(ratio) == pytest.approx(int(ours_n) / int(reference.split()[0]), abs=0.01)
    assert quick.row(f"comments stored per second, first sync of {posts} posts")[0]


def test_archive_scale_builds_both_archives_and_judges_every_goal(quick: QuickRun) -> None:
    output = quick.outputs["archive_scale"]
    built = dict(re.findall(r"(quick-small|quick-big) on SQLite \([^;]*; ([\d,]+) posts,", output))
    assert built == {"quick-small": "2,000", "quick-big": "8,000"}
    # The account whose pages are compared holds the same posts and comments at both sizes.
    same = re.search(
        r"ermua\.kultura: (1,000 posts and [\d,]+ comments) at quick-small, (.*) at quick-big", output
    )
    assert same is not None and same[1] == same[2]
    assert re.search(r"ermua\.udala: .* 3,000 posts and [\d,]+ comments at quick-big", output)
    assert "| every page ran without an exception (AppTest), and drew in the browser | yes |" in output
    for measure in (
        "first load, 1,000-post account",
        "first load, any page of the 1,000-post account",
        "first load, any page of the 3,000-post account",
        "warm rerun median, any page",
        "start page and account list",
        "compare, community and search of a 20-account group",
        "search of captions and comments",
        "a sync's write of 12 posts",
    ):
        ours, _, _, goal, verdict = quick.row(f"archive scale: {measure}")
        assert ours.startswith("SQLite ") and verdict in ("PASS", "FAIL") and goal != "—"
