"""When an account posts: posts per period, by weekday and hour, a calendar, and pauses and streaks.

Every function takes the posts frame of ``insights.data.posts_frame`` (times in UTC) and the IANA time
zone to count days, weekdays and hours in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from i18n import t
from insights.charts import (
    MAX_ROWS,
    date_axis,
    empty,
    local_times,
    period_label,
    several_accounts,
    title,
    weekday_names,
)

PERIODS = ("day", "week", "month")
PERIOD_COLUMNS = ["username", "period_start", "posts"]
GRID_COLUMNS = ["weekday", "hour", "posts"]
CALENDAR_COLUMNS = ["date", "posts", "week", "weekday", "year"]
_STEP = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(days=7), "month": pd.DateOffset(months=1)}


def period_starts(local: pd.Series, period: str) -> pd.Series:
    """The start of the day, week (Monday) or month holding each naive local time."""
    days = local.dt.normalize()
    if period == "day":
        return days
    if period == "week":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return days - pd.to_timedelta(days.dt.day - 1, unit="D")


def posts_per_period(frame: pd.DataFrame, period: str, tz: str) -> pd.DataFrame:
    """Posts per account and day, week (from Monday) or month in ``tz``: username, period_start (naive
    local midnight), posts. Each account's periods run from its first post to its last, without gaps."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    if frame.empty:
        return empty(PERIOD_COLUMNS, {"username": "str", "period_start": "datetime64[us]", "posts": "int64"})
    starts = period_starts(local_times(frame["taken_at"], tz), period)
    counts = starts.groupby([frame["username"], starts]).size()
    parts = []
    for username, group in counts.groupby(level=0):
        observed = group.droplevel(0)
        full = pd.date_range(observed.index.min(), observed.index.max(), freq=_STEP[period])
        filled = observed.reindex(full, fill_value=0)
        parts.append(pd.DataFrame({"username": username, "period_start": full, "posts": filled.to_numpy()}))
    result = pd.concat(parts, ignore_index=True)
    result["posts"] = result["posts"].astype("int64")
    return result[PERIOD_COLUMNS]


def posts_per_period_chart(
    df: pd.DataFrame, period: str, lang: str, *, lines: bool | None = None
) -> alt.Chart:
    """Bars spanning each period for one account; a line per account when there are several (or when
    ``lines`` is True)."""
    data = df.assign(
        period_end=df["period_start"] + _STEP[period] if not df.empty else df["period_start"],
        period=period_label(df["period_start"], period) if not df.empty else pd.Series([], dtype="str"),
    )
    subtitle = None
    if len(data) > MAX_ROWS:
        # Counts cannot be thinned without lying: the oldest periods are left out instead.
        latest = np.sort(data["period_start"].unique())[-(MAX_ROWS // max(1, data["username"].nunique())) :]
        data = data[data["period_start"].isin(latest)]
        subtitle = t("chart.note.latest_periods", lang, count=len(latest), shown=len(latest))
    x_title = t(f"chart.period.{period}", lang)
    y = alt.Y("posts:Q", title=t("chart.posts", lang))
    tooltip = [
        alt.Tooltip("username:N", title=t("chart.account", lang)),
        alt.Tooltip("period:N", title=x_title),
        alt.Tooltip("posts:Q", title=t("chart.posts", lang)),
    ]
    base = alt.Chart(data[["username", "period_start", "period_end", "period", "posts"]]).properties(
        title=title(f"chart.posts_per.{period}", lang, subtitle)
    )
    if several_accounts(df) if lines is None else lines:
        return base.mark_line(point=True).encode(
            x=alt.X("period_start:T", title=x_title, axis=date_axis(period, data["period_start"])),
            y=y,
            color=alt.Color("username:N", title=t("chart.account", lang)),
            tooltip=tooltip,
        )
    # x2 and y2 make each bar a rectangle spanning its whole period, from zero up to its count.
    return base.mark_bar().encode(
        x=alt.X("period_start:T", title=x_title, axis=date_axis(period, data["period_start"])),
        x2="period_end:T",
        y=y,
        y2=alt.Y2(datum=0),
        tooltip=tooltip,
    )


def weekday_hour(frame: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Posts by weekday (0 = Monday) and hour (0-23) in ``tz``, over the full 7 × 24 grid."""
    grid = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
    if frame.empty:
        counts = pd.Series(0, index=grid)
    else:
        local = local_times(frame["taken_at"], tz)
        counts = local.groupby([local.dt.day_of_week.rename("weekday"), local.dt.hour.rename("hour")]).size()
        counts = counts.reindex(grid, fill_value=0)
    result = counts.rename("posts").reset_index()
    return result.astype({"weekday": "int64", "hour": "int64", "posts": "int64"})[GRID_COLUMNS]


def weekday_hour_chart(df: pd.DataFrame, lang: str) -> alt.Chart:
    """A heatmap of posts by hour (x) and weekday (y)."""
    names = weekday_names(lang)
    data = df.assign(day=[names[int(d)] for d in df["weekday"]])
    return (
        alt.Chart(data[["day", "hour", "posts"]])
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title=t("chart.hour", lang)),
            y=alt.Y("day:O", sort=names, title=t("chart.weekday", lang)),
            color=alt.Color("posts:Q", title=t("chart.posts", lang), scale=alt.Scale(scheme="greens")),
            tooltip=[
                alt.Tooltip("day:O", title=t("chart.weekday", lang)),
                alt.Tooltip("hour:O", title=t("chart.hour", lang)),
                alt.Tooltip("posts:Q", title=t("chart.posts", lang)),
            ],
        )
        .properties(title=title("chart.weekday_hour.title", lang))
    )


def calendar(frame: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Posts per day in ``tz`` from the first post's day to the last's: date (naive midnight), posts,
    week (the day's column in its year's grid: week 0 holds January 1st, weeks start on Monday),
    weekday (0 = Monday) and year."""
    if frame.empty:
        dtypes = {
            "date": "datetime64[us]",
            "posts": "int64",
            "week": "int64",
            "weekday": "int64",
            "year": "int64",
        }
        return empty(CALENDAR_COLUMNS, dtypes)
    days = local_times(frame["taken_at"], tz).dt.normalize()
    counts = days.value_counts()
    full = pd.date_range(days.min(), days.max(), freq="D")
    dates = pd.Series(full)
    jan1 = pd.to_datetime(dates.dt.year.astype(str) + "-01-01")
    result = pd.DataFrame(
        {
            "date": dates,
            "posts": counts.reindex(full, fill_value=0).to_numpy(),
            "week": ((dates.dt.day_of_year - 1 + jan1.dt.day_of_week) // 7).to_numpy(),
            "weekday": dates.dt.day_of_week.to_numpy(),
            "year": dates.dt.year.to_numpy(),
        }
    )
    return result.astype({"posts": "int64", "week": "int64", "weekday": "int64", "year": "int64"})


def calendar_chart(df: pd.DataFrame, lang: str) -> alt.Chart:
    """A GitHub-style calendar: a square per day, a column per week, a row of squares per year."""
    names = weekday_names(lang)
    data = df.assign(
        day=[names[int(d)] for d in df["weekday"]],
        label=df["date"].dt.strftime("%Y-%m-%d") if not df.empty else pd.Series([], dtype="str"),
    )
    subtitle = None
    if len(data) > MAX_ROWS:
        # Whole years, newest first, as many as fit: a calendar with a cut year would look like a pause.
        per_year = data.groupby("year").size().sort_index(ascending=False)
        kept = per_year.index[per_year.cumsum() <= MAX_ROWS]
        data = data[data["year"].isin(kept)]
        subtitle = t("chart.note.latest_years", lang, first=str(int(min(kept))))
    return (
        alt.Chart(data[["label", "posts", "week", "day", "year"]])
        .mark_rect(cornerRadius=2)
        .encode(
            x=alt.X("week:O", title=None, axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y("day:O", sort=names, title=None),
            color=alt.Color("posts:Q", title=t("chart.posts", lang), scale=alt.Scale(scheme="greens")),
            row=alt.Row("year:O", title=None, sort="descending"),
            tooltip=[
                alt.Tooltip("label:N", title=t("chart.date", lang)),
                alt.Tooltip("posts:Q", title=t("chart.posts", lang)),
            ],
        )
        .properties(title=title("chart.calendar.title", lang, subtitle))
    )


def gaps_and_streaks(frame: pd.DataFrame, tz: str, now: datetime) -> dict[str, Any]:
    """Pauses between posts and runs of posting days.

    - ``median_days_between_posts``: median time between consecutive posts, in days (None below 2 posts).
    - ``longest_pause_days``: the longest time without a post, in days: between two consecutive posts, or
      from the last post to ``now`` (pass the last sync's time: later posts are unknown). None without posts.
    - ``longest_pause_start`` / ``longest_pause_end``: the post that began it and the post (or ``now``)
      that ended it, as times in ``tz``.
    - ``posts_last_30_days``: posts in the 30 days before ``now`` (after now - 30 days, up to now).
    - ``longest_daily_streak``: most consecutive calendar days in ``tz`` with at least one post each.
    - ``days_since_last_post``: from the last post to ``now``, in days (None without posts).
    """
    result: dict[str, Any] = {
        "median_days_between_posts": None,
        "longest_pause_days": None,
        "longest_pause_start": None,
        "longest_pause_end": None,
        "posts_last_30_days": 0,
        "longest_daily_streak": 0,
        "days_since_last_post": None,
    }
    if frame.empty:
        return result
    now_ts = pd.Timestamp(now).tz_convert("UTC")
    times = frame["taken_at"].sort_values().reset_index(drop=True)
    day = pd.Timedelta(days=1)
    gaps = times.diff().iloc[1:]
    if len(gaps):
        result["median_days_between_posts"] = float(gaps.median() / day)
    stamps = times.dt.tz_convert(None).to_numpy()
    starts, ends = stamps[:-1], stamps[1:]
    if now_ts > times.iloc[-1]:
        starts = np.append(starts, stamps[-1])
        ends = np.append(ends, now_ts.tz_convert(None).to_datetime64())
    if len(ends):
        longest = int((ends - starts).argmax())  # the earliest of equally long pauses
        start, end = pd.Timestamp(starts[longest], tz="UTC"), pd.Timestamp(ends[longest], tz="UTC")
        result["longest_pause_days"] = float((end - start) / day)
        result["longest_pause_start"] = start.tz_convert(tz).to_pydatetime()
        result["longest_pause_end"] = end.tz_convert(tz).to_pydatetime()
    result["days_since_last_post"] = max(0.0, float((now_ts - times.iloc[-1]) / day))
    result["posts_last_30_days"] = int(((times > now_ts - 30 * day) & (times <= now_ts)).sum())
    days = np.unique(local_times(times, tz).dt.normalize().to_numpy())
    # A new streak begins wherever a day does not follow the one before it.
    breaks = np.flatnonzero(np.diff(days) != np.timedelta64(1, "D"))
    bounds = np.concatenate(([-1], breaks, [len(days) - 1]))
    result["longest_daily_streak"] = int(np.diff(bounds).max())
    return result
