"""The figures a benchmark hands to ``run_all.py``: rows of the summary table, as JSON in a file.

Each script prints its figures for people and, given ``--summary FILE``, also writes its rows there:
a measure, our figure, the reference's figure measured side by side in the same run (where there is
one), their ratio, the goal and whether it was met.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

NONE = "—"


@dataclass(frozen=True)
class Row:
    """One line of the summary table; ``passed`` is None for a figure no goal applies to."""

    measure: str
    ours: str
    reference: str = NONE
    ratio: str = NONE
    goal: str = NONE
    passed: bool | None = None


def add_option(parser: argparse.ArgumentParser) -> None:
    """The ``--summary FILE`` option every benchmark takes."""
    parser.add_argument(
        "--summary",
        type=Path,
        metavar="FILE",
        help="also write the summary rows to FILE (JSON), for run_all.py",
    )


def write(path: Path | None, rows: list[Row]) -> None:
    """Write ``rows`` to ``path`` (nothing without a path)."""
    if path is not None:
        path.write_text(json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=1))


def read(path: Path) -> list[Row]:
    """The rows a benchmark wrote; none if it wrote nothing."""
    if not path.is_file() or not path.read_text().strip():
        return []
    return [Row(**fields) for fields in json.loads(path.read_text())]


def verdict(passed: bool | None) -> str:
    """PASS, FAIL, or a dash where no goal applies."""
    return NONE if passed is None else "PASS" if passed else "FAIL"
