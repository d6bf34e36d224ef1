"""The accounts page: what the archive holds."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from i18n import format_datetime, t
from scraper.workers import watch
from ui.groups import group_editor
from ui.sidebar import accounts
from ui.state import archive, language, timezone, zone

# The intervals offered for scheduled refreshes, in minutes (the command line takes any of at least
# watch.MIN_EVERY); the one chosen at first is watch.DEFAULT_EVERY.
EVERY = {"1h": 60, "6h": 360, "12h": 720, "1d": 1440}
DEFAULT_EVERY = next(
    key for key, minutes in EVERY.items() if timedelta(minutes=minutes) == watch.DEFAULT_EVERY
)


def page() -> None:
    lang = language()
    st.header(t("ui.accounts.heading", lang))
    frame = accounts()
    if frame.empty:
        st.info(t("ui.pick.none", lang))
        return
    shown = frame.assign(
        username=[
            u + (" " + t("ui.demo", lang) if demo else "")
            for u, demo in zip(frame.username, frame.is_demo, strict=True)
        ],
        last_sync=pd.to_datetime(frame.last_sync, utc=True).dt.tz_convert(timezone()),
    ).drop(columns=["is_demo"])
    # Names are user content: st.dataframe shows them as plain text.
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            "username": t("ui.col.account", lang),
            "full_name": t("ui.col.name", lang),
            "posts": st.column_config.NumberColumn(t("ui.col.posts", lang)),
            "followers": st.column_config.NumberColumn(t("ui.col.followers", lang)),
            "last_sync": st.column_config.DatetimeColumn(
                t("ui.col.last_sync", lang), format="YYYY-MM-DD HH:mm"
            ),
            "status": t("ui.col.status", lang),
        },
    )
    if frame.is_demo.any():
        st.caption(t("ui.accounts.demo_note", lang))
    watch_list()
    group_editor()


def watch_list() -> None:
    """The accounts refreshed on a schedule, and a form to add or remove them."""
    lang = language()
    st.subheader(t("ui.watch.heading", lang))
    st.caption(t("ui.watch.how", lang))
    with archive().sessions() as session:
        entries = watch.entries(session)
    if entries:
        tz = zone()
        st.dataframe(
            pd.DataFrame(
                {
                    t("ui.col.account", lang): [e.username for e in entries],
                    t("ui.watch.every", lang): [
                        _every_label(e.every // timedelta(minutes=1), lang) for e in entries
                    ],
                    t("ui.col.last_sync", lang): [
                        format_datetime(e.last_started.astimezone(tz), lang, time_format="short")
                        if e.last_started
                        else "—"
                        for e in entries
                    ],
                    t("ui.col.status", lang): [e.last_status or "—" for e in entries],
                    t("ui.watch.next", lang): [
                        format_datetime(e.next_due.astimezone(tz), lang, time_format="short") for e in entries
                    ],
                }
            ),
            hide_index=True,
        )
    stored = [str(u) for u, demo in zip(accounts().username, accounts().is_demo, strict=True) if not demo]
    watched = [e.username for e in entries]
    with st.form("watch", border=False):
        chosen = st.multiselect(
            t("ui.watch.accounts", lang), stored, default=[u for u in watched if u in stored]
        )
        every = st.segmented_control(
            t("ui.watch.every", lang),
            list(EVERY),
            default=DEFAULT_EVERY,
            format_func=lambda key: _every_label(EVERY[key], lang),
        )
        if st.form_submit_button(t("ui.watch.save", lang)):
            with archive().sessions() as session:
                watch.remove(session, [u for u in watched if u not in chosen])
                if chosen:
                    watch.add(session, chosen, timedelta(minutes=EVERY[every or DEFAULT_EVERY]))
            st.rerun()


def _every_label(minutes: int, lang: str) -> str:
    if minutes % 1440 == 0:
        return t("ui.watch.days", lang, n=minutes // 1440)
    if minutes % 60 == 0:
        return t("ui.watch.hours", lang, n=minutes // 60)
    return t("ui.watch.minutes", lang, n=minutes)
