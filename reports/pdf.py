"""A report as an A4 PDF with page numbers: the same HTML as ``reports.html``, with its print rules,
laid out by WeasyPrint. Only data: URIs may be read (the pictures): nothing is fetched."""

from __future__ import annotations

import logging

from reports.html import render_html
from reports.model import Report

# WeasyPrint and fontTools narrate every font subset at INFO; details belong in the debug log only.
for _name in ("weasyprint", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def pdf_bytes(report: Report) -> bytes:
    """The report as PDF bytes."""
    from weasyprint import HTML, URLFetcher  # imported when asked: it loads Pango and fonts

    fetcher = URLFetcher(allowed_protocols=["data"])
    document = HTML(string=render_html(report, for_print=True), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf
