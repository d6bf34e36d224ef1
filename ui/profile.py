"""The profile page: picture, name, biography, counts and follower growth."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import format_datetime, format_number, t
from insights.engagement import follower_growth_chart
from ui import data
from ui.common import chart, csv_download, image, pick_account
from ui.report import report_panel
from ui.state import group_in_url, language, zone


def page() -> None:
    lang = language()
    username = pick_account()
    if username is None:
        return
    profile = data.profile(username)
    if profile is None:
        st.info(t("ui.no_posts", lang))
        return
    if profile["is_demo"]:
        st.caption(t("ui.profile.demo", lang))
    left, right = st.columns([1, 4])
    with left:
        image(profile["profile_pic_file"], width=150)
    with right:
        # Names and biographies are user content: plain text, never Markdown or HTML.
        st.text(profile["full_name"] or username)
        st.text("@" + username)
        if profile["biography"]:
            st.text(profile["biography"])
        if profile["external_url"]:
            st.text(profile["external_url"])
        flags = [
            t("ui.profile.private", lang) if profile["is_private"] else "",
            t("ui.profile.verified", lang) if profile["is_verified"] else "",
            profile["category"] or "",
        ]
        if any(flags):
            st.text(" · ".join(f for f in flags if f))
    cols = st.columns(4)
    cols[0].metric(t("ui.profile.followers", lang), _number(profile["followers"], lang))
    cols[1].metric(t("ui.profile.followees", lang), _number(profile["followees"], lang))
    cols[2].metric(t("ui.profile.posts", lang), _number(profile["post_count"], lang))
    cols[3].metric(t("ui.profile.stored", lang), _number(profile["posts_stored"], lang))
    synced = profile["last_synced_at"]
    when = format_datetime(synced.astimezone(zone()), lang, time_format="short") if synced else None
    st.caption(t("ui.profile.last_sync", lang, when=when) if when else t("ui.profile.never", lang))

    st.subheader(t("ui.profile.growth", lang))
    snapshots = data.snapshots([username])
    if len(snapshots) < 2:
        st.caption(t("ui.profile.growth_one", lang))
    else:
        chart(follower_growth_chart(snapshots, lang))
        csv_download(snapshots, f"{username}-followers", "followers-csv")

    # The account in view, and its group when one is picked (checked: the URL may name any group).
    group = group_in_url()
    report_panel(username, group if group in data.groups() else None)


def _number(value: object, lang: str) -> str:
    return "—" if value is None or pd.isna(value) else format_number(int(value), lang)  # type: ignore[call-overload]
