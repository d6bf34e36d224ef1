"""The posting-frequency page: posts per period, weekday by hour, a calendar, gaps and streaks."""

from __future__ import annotations

import streamlit as st

from i18n import format_number, t
from insights import frequency
from scraper.store.models import utcnow
from ui import data
from ui.common import account_posts, chart, choice, csv_download
from ui.state import language, timezone


def page() -> None:
    lang = language()
    picked = account_posts()
    if picked is None:
        return
    username, posts = picked
    tz = timezone()
    profile = data.profile(username)
    synced = profile["last_synced_at"] if profile is not None else None
    stats = frequency.gaps_and_streaks(posts, tz, synced or utcnow())
    cols = st.columns(4)
    cols[0].metric(t("ui.frequency.median_gap", lang), _days(stats["median_days_between_posts"], lang))
    cols[1].metric(t("ui.frequency.longest_pause", lang), _days(stats["longest_pause_days"], lang))
    cols[2].metric(t("ui.frequency.last_30", lang), stats["posts_last_30_days"])
    cols[3].metric(t("ui.frequency.streak", lang), stats["longest_daily_streak"])

    period = choice(t("ui.frequency.period", lang), frequency.PERIODS, "week", "ui.frequency.")
    per_period = frequency.posts_per_period(posts, period, tz)
    chart(frequency.posts_per_period_chart(per_period, period, lang))
    csv_download(per_period, f"{username}-posts-per-{period}", "period-csv")

    st.subheader(t("ui.frequency.heatmap", lang, tz=tz))
    grid = frequency.weekday_hour(posts, tz)
    chart(frequency.weekday_hour_chart(grid, lang))
    csv_download(grid, f"{username}-weekday-hour", "grid-csv")

    st.subheader(t("ui.frequency.calendar", lang))
    days = frequency.calendar(posts, tz)
    chart(frequency.calendar_chart(days, lang))
    csv_download(days, f"{username}-calendar", "calendar-csv")


def _days(value: float | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang, decimals=1)
