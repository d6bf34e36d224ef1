"""The engagement page: counts over time, engagement rate, by type and time, top and bottom posts,
and growth between syncs."""

from __future__ import annotations

import streamlit as st

from i18n import format_percent, t
from insights import engagement
from ui import data
from ui.common import account_posts, chart, choice, csv_download, image
from ui.state import language, timezone

SHOWN = ["shortcode", "taken_at", "type", "likes", "comments", "views", "engagement"]


def page() -> None:
    lang = language()
    picked = account_posts()
    if picked is None:
        return
    username, posts = picked
    tz = timezone()
    rate = engagement.engagement_rate(posts)
    st.metric(t("ui.engagement.rate", lang), "—" if rate != rate else format_percent(rate, lang, decimals=2))
    st.caption(t("chart.engagement_formula", lang))

    metric = choice(t("ui.engagement.metric", lang), engagement.METRICS, "likes", "chart.metric.")
    over_time = engagement.engagement_over_time(posts, metric)
    chart(engagement.engagement_over_time_chart(over_time, metric, lang))
    csv_download(over_time, f"{username}-{metric}", "over-time-csv")

    left, right = st.columns(2)
    with left:
        st.subheader(t("ui.engagement.by_type", lang))
        kinds = engagement.by_type(posts)
        chart(engagement.by_type_chart(kinds, lang))
        csv_download(kinds, f"{username}-by-type", "type-csv")
    with right:
        st.subheader(t("ui.engagement.when", lang, tz=tz))
        when = engagement.by_weekday_hour(posts, tz)
        chart(engagement.by_weekday_hour_chart(when, lang))
        csv_download(when, f"{username}-by-time", "time-csv")

    for key, ranked in (
        ("ui.engagement.top", engagement.top_posts(posts)),
        ("ui.engagement.bottom", engagement.bottom_posts(posts)),
    ):
        st.subheader(t(key, lang))
        columns = st.columns(max(len(ranked), 1))
        for column, post in zip(columns, ranked.itertuples(), strict=False):
            with column:
                image(post.thumb, width="stretch")
                st.caption(f"♥ {post.likes} · 💬 {post.comments}")
        csv_download(
            ranked[[c for c in SHOWN if c in ranked]], f"{username}-{key.rsplit('.', 1)[1]}", f"{key}-csv"
        )

    st.subheader(t("ui.engagement.growth", lang))
    metrics = data.metrics([username])
    if not engagement.has_growth(metrics):
        st.caption(t("ui.engagement.growth_none", lang))
        return
    curves = engagement.growth_curves(metrics, engagement.growing_posts(metrics)[:10])
    chart(engagement.growth_curves_chart(curves, lang))
    csv_download(curves, f"{username}-growth", "growth-csv")
