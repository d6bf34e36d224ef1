"""The accounts page: what the archive holds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import t
from ui.sidebar import accounts
from ui.state import language, timezone


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
