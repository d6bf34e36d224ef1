"""A report as one self-contained HTML file: the Jinja template ``templates/report.html.j2`` with its
CSS inlined, charts as inline SVG and pictures as data: URIs. Autoescape is on, so captions, comments,
biographies and names are always text; only the charts' SVG (drawn by Vega, text escaped) goes in as
markup. A Content-Security-Policy forbids anything else from loading or running."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from reports.model import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value is escaped unless marked safe: user text can never be markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def render_html(report: Report, *, for_print: bool = False) -> str:
    """The report as an HTML document; ``for_print`` adds the A4 page rules with page numbers."""
    template = _environment().get_template("report.html.j2")
    return template.render(report=report, css=_css(), for_print=for_print)


def html_bytes(report: Report) -> bytes:
    """The HTML file's bytes (UTF-8)."""
    return render_html(report).encode("utf-8")
