"""The engagement page: counts over time, engagement rate, by type and time, top and bottom posts,
and growth between syncs."""

from __future__ import annotations

from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from i18n import format_percent, t
from insights import engagement
from ui import data
from ui.common import chart, choice, csv_download, image, pick_account
from ui.state import language, timezone

SHOWN = ["shortcode", "taken_at", "type", "likes", "comments", "views", "engagement"]


def page() -> None:
    lang = language()
    username = pick_account()
    if username is None:
        return
    posts, revs = data.posts_at([username])
    if posts.empty:
        st.info(t("ui.no_posts", lang))
        return
    tz = timezone()
    # What the page makes of the posts is kept until the account changes (``data.kept``): at 20,000
    # posts its frames and charts cost about 0.2 s, which a rerun that changes nothing need not pay.
    key = ("engagement", username, revs, lang, tz)
    rate = data.kept((*key, "rate"), lambda: engagement.engagement_rate(posts))
    st.metric(t("ui.engagement.rate", lang), "—" if rate != rate else format_percent(rate, lang, decimals=2))
    st.caption(t("chart.engagement_formula", lang))

    metric = choice(t("ui.engagement.metric", lang), engagement.METRICS, "likes", "chart.metric.")
    # The chart alone is kept (its data thinned to 5,000 posts); the whole frame only for a download.
    over_time = partial(engagement.engagement_over_time, posts, metric)
    chart(
        data.kept(
            (*key, "over_time_chart", metric),
            lambda: engagement.engagement_over_time_chart(over_time(), metric, lang),
        )
    )
    csv_download(over_time, f"{username}-{metric}", "over-time-csv")

    left, right = st.columns(2)
    with left:
        st.subheader(t("ui.engagement.by_type", lang))
        kinds = data.kept((*key, "by_type"), lambda: engagement.by_type(posts))
        chart(data.kept((*key, "by_type_chart"), lambda: engagement.by_type_chart(kinds, lang)))
        csv_download(kinds, f"{username}-by-type", "type-csv")
    with right:
        st.subheader(t("ui.engagement.when", lang, tz=tz))
        when = data.kept((*key, "when"), lambda: engagement.by_weekday_hour(posts, tz))
        chart(data.kept((*key, "when_chart"), lambda: engagement.by_weekday_hour_chart(when, lang)))
        csv_download(when, f"{username}-by-time", "time-csv")

    for name, ranked in (
        ("ui.engagement.top", data.kept((*key, "top"), lambda: engagement.top_posts(posts))),
        ("ui.engagement.bottom", data.kept((*key, "bottom"), lambda: engagement.bottom_posts(posts))),
    ):
        st.subheader(t(name, lang))
        columns = st.columns(max(len(ranked), 1))
        for column, post in zip(columns, ranked.itertuples(), strict=False):
            with column:
                image(post.thumb, width="stretch")
                st.caption(f"♥ {post.likes} · 💬 {post.comments}")
        csv_download(
            ranked[[c for c in SHOWN if c in ranked]], f"{username}-{name.rsplit('.', 1)[1]}", f"{name}-csv"
        )

    st.subheader(t("ui.engagement.growth", lang))
    growth = data.kept((*key, "growth"), lambda: _growth(username, lang))
    if growth is None:
        st.caption(t("ui.engagement.growth_none", lang))
        return
    curves, drawn = growth
    chart(drawn)
    csv_download(curves, f"{username}-growth", "growth-csv")


def _growth(username: str, lang: str) -> tuple[pd.DataFrame, alt.Chart] | None:
    """How the account's ten newest posts seen at two syncs or more grew, and its chart; None when no
    post was seen twice."""
    metrics = data.metrics([username])
    growing = engagement.growing_posts(metrics)
    if not growing:
        return None
    curves = engagement.growth_curves(metrics, growing[:10])
    return curves, engagement.growth_curves_chart(curves, lang)
