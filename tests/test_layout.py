"""The architecture as the README draws it: every import of the project's own modules points one way
(``ui -> insights -> scraper.store``; inside ``scraper``: ``__main__/workers -> sync -> instagram,
store``), nothing imports the replay but the demo, and there is no import cycle, not even through an
import inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scraper", "insights", "reports", "ui", "i18n")

# The bottom of the engine: settings, readable errors, plain records, the log file.
BASE = ("scraper.config", "scraper.errors", "scraper.records", "scraper.logs", "i18n")
ENGINE = (
    *BASE,
    "scraper.instagram",
    "scraper.store",
    "scraper.sync",
    "scraper.folder_import",
    "scraper.archive",
)

# Who may import whom: a module matches the longest prefix on the left and may import the project's
# modules under the prefixes on the right (and itself, and its own package).
ALLOWED: dict[str, tuple[str, ...]] = {
    "i18n": ("i18n",),
    "scraper.config": BASE,
    "scraper.errors": BASE,
    "scraper.records": BASE,
    "scraper.logs": BASE,
    "scraper.instagram": (*BASE, "scraper.instagram"),
    "scraper.store": (*BASE, "scraper.store"),
    "scraper.sync": (*BASE, "scraper.instagram", "scraper.store"),
    "scraper.folder_import": (*BASE, "scraper.instagram", "scraper.store"),
    "scraper.archive": ENGINE,
    "scraper.workers": (*ENGINE, "scraper.workers"),
    "scraper.tasks": ("scraper.workers",),
    # The command line's "demo" command is the one door from the engine to the replay; its "search"
    # and "network" read through insights, as the dashboard does.
    "scraper.__main__": (*ENGINE, "scraper.workers", "scraper.replay.demo", "insights", "reports"),
    "scraper.replay": ("scraper", "i18n"),
    "insights": ("insights", "scraper.store", "scraper.config", "i18n"),
    # A report (HTML or PDF) is made of the same frames and charts as the pages.
    "reports": ("reports", "insights", "scraper.store", "scraper.config", "scraper.errors", "i18n"),
    "ui": ("ui", "insights", "reports", *ENGINE, "scraper.workers"),
    "dashboard": ("ui", "i18n", "scraper.config", "scraper.logs"),
}
# The only modules that may import streamlit: the pages, and the replay's harness that serves them.
STREAMLIT = ("ui", "dashboard", "scraper.replay.offline")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {"dashboard": ROOT / "dashboard.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module named by an import anywhere in the file (inside functions too), resolved to the
    project's own modules; other imports as they are written."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # "from package import module" names the module; "from module import name", the module.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for target in targets:
            own = target
            while own and own not in MODULES:
                own = own.rpartition(".")[0]
            found.add(own or target)
    found.discard(name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _rule(name: str) -> tuple[str, ...]:
    if name == "scraper":  # the package's docstring, which draws this layout
        return ()
    prefix = max((p for p in ALLOWED if _under(name, p)), key=len, default=None)
    assert prefix is not None, f"{name} has no place in the layout: add it to ALLOWED"
    return ALLOWED[prefix]


def test_every_module_has_a_place() -> None:
    assert "scraper.sync" in MODULES and "scraper.store.writes" in MODULES and "ui.sidebar" in MODULES
    for name in MODULES:
        _rule(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_one_way(name: str) -> None:
    allowed = _rule(name)
    package = name.rpartition(".")[0]
    wrong = sorted(
        target
        for target in GRAPH[name]
        if target in MODULES
        and not _under(target, package or name)
        and not any(_under(target, prefix) for prefix in allowed)
        # Importing a module of a package names the package too (its __init__ is a docstring).
        and not _under(name, target)
    )
    assert not wrong, f"{name} imports {wrong}, against the layout in the README"


def test_only_the_pages_import_streamlit() -> None:
    importers = sorted(
        name for name, targets in GRAPH.items() if any(_under(t, "streamlit") for t in targets)
    )
    assert importers, "no module imports streamlit: the check reads nothing"
    assert [n for n in importers if not any(_under(n, p) for p in STREAMLIT)] == []


def test_no_import_cycles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in GRAPH[node]:
            if target not in MODULES:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in MODULES:
        if name not in index:
            visit(name)
    assert cycles == []


def test_the_checks_see_a_wrong_import(tmp_path: Path) -> None:
    """The reader of imports finds one inside a function, so a cycle cannot hide there."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from scraper.workers import watch\n    from .writes import save_posts\n")
    found = _imports("scraper.store.bad", bad)
    assert "scraper.workers.watch" in found and "scraper.store.writes" in found
    assert not any(_under(t, p) for t in ["scraper.workers.watch"] for p in _rule("scraper.store.bad"))
