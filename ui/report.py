"""The report panel: an HTML or PDF report on the account or the group in view, made only when asked
(a PDF takes seconds), then offered as a download."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from i18n import t
from reports.content import build_report, file_name
from reports.html import html_bytes
from scraper.errors import ScraperError
from ui.state import archive, language, timezone
from ui.text import inert

FORMATS = ("html", "pdf")
MIME = {"html": "text/html", "pdf": "application/pdf"}
# The last report made in this browser session: its bytes, file name and what it was made of.
MADE = "report_made"


def make_report(
    kind: str, subject: str, fmt: str, since: date | None, until: date | None, lang: str, tz: str
) -> tuple[bytes, str]:
    """The report's bytes and file name."""
    settings = archive().settings
    with archive().sessions() as session:
        made = build_report(
            session,
            settings.media_dir,
            username=subject if kind == "account" else None,
            group=subject if kind == "group" else None,
            since=since,
            until=until,
            lang=lang,
            tz=tz,
        )
    if fmt == "pdf":
        from reports.pdf import pdf_bytes  # WeasyPrint loads fonts: only when a PDF is asked for

        return pdf_bytes(made), file_name(made, "pdf")
    return html_bytes(made), file_name(made, "html")


def report_panel(username: str | None, group: str | None) -> None:
    """Report buttons for the account ``username`` and, when one is in view, the group ``group``."""
    lang = language()
    subjects = [("account", username)] if username else []
    if group:
        subjects.append(("group", group))
    if not subjects:
        return
    with st.expander(t("report.ui.heading", lang), icon=":material/description:"):
        st.caption(t("report.ui.help", lang))
        labels = {
            f"{kind}:{name}": t(f"report.ui.{kind}", lang, user=name, group=name) for kind, name in subjects
        }
        picked = st.radio(
            t("report.ui.subject", lang),
            list(labels),
            format_func=labels.__getitem__,
            horizontal=True,
            key="report_subject",
        )
        kind, _, subject = str(picked or next(iter(labels))).partition(":")
        fmt = st.radio(
            t("report.ui.format", lang), FORMATS, format_func=str.upper, horizontal=True, key="report_format"
        )
        left, right = st.columns(2)
        since = left.date_input(t("report.ui.since", lang), value=None, key="report_since")
        until = right.date_input(t("report.ui.until", lang), value=None, key="report_until")
        wanted: tuple[Any, ...] = (kind, subject, fmt, since, until, lang, timezone())
        if st.button(t("report.ui.make", lang), key="report_make", icon=":material/description:"):
            if isinstance(since, date) and isinstance(until, date) and until < since:
                st.error(t("report.ui.bad_period", lang))
                return
            try:
                with st.spinner(t("report.ui.making", lang)):
                    content, name = make_report(*wanted)
            except ScraperError as err:  # the account or group went away since the page was drawn
                st.error(inert(err.message(lang)))
                return
            st.session_state[MADE] = {"wanted": wanted, "content": content, "name": name}
        made = st.session_state.get(MADE)
        if made is not None and made["wanted"] == wanted:
            st.download_button(
                t("report.ui.download", lang, name=made["name"]),
                made["content"],
                file_name=made["name"],
                mime=MIME[fmt],
                key="report_download",
                icon=":material/download:",
                on_click="ignore",
            )
