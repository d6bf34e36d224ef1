"""How posts do: likes, comments and views over time, engagement by type and posting time, the best and
worst posts, and growth curves of posts and followers."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from i18n import t
from insights.charts import (
    MAX_ROWS,
    PERCENT,
    TIME_FORMAT,
    TYPES,
    date_axis,
    empty,
    floats,
    local_times,
    several_accounts,
    thin,
    title,
    type_color,
    type_name,
    type_names,
    weekday_names,
)

METRICS = ("likes", "comments", "views", "engagement")
ENGAGEMENT_FORMULA = "(likes + comments) / followers"
OVER_TIME_COLUMNS = ["taken_at", "value", "rolling_median", "shortcode", "username", "type"]
BY_TYPE_COLUMNS = ["type", "posts", "mean_likes", "mean_comments", "mean_engagement"]
BY_TIME_COLUMNS = ["weekday", "hour", "posts", "mean_engagement"]
GROWTH_COLUMNS = ["shortcode", "username", "hours_since_post", "likes", "comments", "views"]


def _metric_title(metric: str, lang: str) -> str:
    return t(f"chart.metric.{metric}", lang)


def _metric_format(metric: str) -> str:
    return PERCENT if "engagement" in metric else ",.0f"


def engagement_over_time(frame: pd.DataFrame, metric: str, window: int = 9) -> pd.DataFrame:
    """Each post's ``metric`` (posts without it left out), oldest first, with the rolling median of
    ``window`` posts of the same account centred on it (fewer at either end; for an even window one more
    before than after): taken_at, value, rolling_median, shortcode, username, type."""
    values = floats(frame[metric]) if not frame.empty else pd.Series([], dtype=float)
    data = pd.DataFrame(
        {
            "taken_at": frame["taken_at"],
            "value": values,
            "shortcode": frame["shortcode"],
            "username": frame["username"],
            "type": frame["type"],
        }
    )
    data = data[data["value"].notna()].sort_values(["username", "taken_at"], kind="stable")
    if data.empty:
        return empty(
            OVER_TIME_COLUMNS,
            {"taken_at": "datetime64[us, UTC]", "value": "float64", "rolling_median": "float64"},
        )
    data["rolling_median"] = data.groupby("username")["value"].transform(
        lambda s: s.rolling(window, center=True, min_periods=1).median()
    )
    return data.sort_values("taken_at", kind="stable").reset_index(drop=True)[OVER_TIME_COLUMNS]


def engagement_over_time_chart(df: pd.DataFrame, metric: str, lang: str) -> alt.LayerChart:
    """A point per post and a line for the rolling median; the tooltip names the post's shortcode."""
    data = df.assign(type_name=type_names(df["type"], lang))
    subtitle = None
    if len(data) > MAX_ROWS:
        subtitle = t("chart.note.sampled", lang, shown=MAX_ROWS, total=len(data))
        data = thin(data)
    several = several_accounts(df)
    x = alt.X("taken_at:T", title=t("chart.date", lang), axis=date_axis())
    y_axis = alt.Axis(format=_metric_format(metric))
    base = alt.Chart(data[["taken_at", "value", "rolling_median", "shortcode", "username", "type_name"]])
    point_color = alt.Color("username:N", title=t("chart.account", lang)) if several else type_color(lang)
    points = base.mark_circle(size=40, opacity=0.6).encode(
        x=x,
        y=alt.Y("value:Q", title=_metric_title(metric, lang), axis=y_axis),
        color=point_color,
        tooltip=[
            alt.Tooltip("shortcode:N", title=t("chart.post", lang)),
            alt.Tooltip("username:N", title=t("chart.account", lang)),
            alt.Tooltip("taken_at:T", title=t("chart.date", lang), format=TIME_FORMAT),
            alt.Tooltip("type_name:N", title=t("chart.type", lang)),
            alt.Tooltip("value:Q", title=_metric_title(metric, lang), format=_metric_format(metric)),
        ],
    )
    line = base.mark_line(strokeWidth=2).encode(
        x=x,
        y=alt.Y("rolling_median:Q", title=_metric_title(metric, lang), axis=y_axis),
        color=alt.Color("username:N", title=t("chart.account", lang)) if several else alt.value("#444444"),
    )
    return alt.LayerChart(
        layer=[points, line],
        title=title("chart.over_time.title", lang, subtitle, metric=_metric_title(metric, lang)),
    )


def engagement_rate(frame: pd.DataFrame) -> float:
    """The mean engagement (``ENGAGEMENT_FORMULA``) over the posts whose account's followers are known;
    NaN when there are none."""
    rates = frame["engagement"].dropna() if "engagement" in frame else pd.Series([], dtype=float)
    return float(rates.mean()) if len(rates) else float("nan")


def by_type(frame: pd.DataFrame) -> pd.DataFrame:
    """Posts and mean likes, comments and engagement per post type (image, video, carousel; only the
    types present)."""
    if frame.empty:
        return empty(
            BY_TYPE_COLUMNS, {"type": "str", "posts": "int64"} | dict.fromkeys(BY_TYPE_COLUMNS[2:], "float64")
        )
    numbers = pd.DataFrame(
        {
            "type": frame["type"],
            "likes": floats(frame["likes"]),
            "comments": floats(frame["comments"]),
            "engagement": frame["engagement"].astype(float),
        }
    )
    grouped = numbers.groupby("type")
    result = pd.DataFrame(
        {
            "posts": grouped.size(),
            "mean_likes": grouped["likes"].mean(),
            "mean_comments": grouped["comments"].mean(),
            "mean_engagement": grouped["engagement"].mean(),
        }
    )
    order = [kind for kind in TYPES if kind in result.index] + sorted(set(result.index) - set(TYPES))
    return result.reindex(order).rename_axis("type").reset_index()[BY_TYPE_COLUMNS]


def by_type_chart(df: pd.DataFrame, lang: str, metric: str = "mean_engagement") -> alt.Chart:
    """A bar per post type of ``metric`` (mean_engagement, mean_likes or mean_comments)."""
    data = df.assign(type_name=type_names(df["type"], lang))
    order = [type_name(kind, lang) for kind in df["type"]]
    return (
        alt.Chart(data[["type_name", *BY_TYPE_COLUMNS[1:]]])
        .mark_bar()
        .encode(
            x=alt.X("type_name:N", sort=order, title=t("chart.type", lang)),
            y=alt.Y(
                f"{metric}:Q", title=_metric_title(metric, lang), axis=alt.Axis(format=_metric_format(metric))
            ),
            tooltip=[
                alt.Tooltip("type_name:N", title=t("chart.type", lang)),
                alt.Tooltip("posts:Q", title=t("chart.posts", lang)),
                alt.Tooltip("mean_likes:Q", title=_metric_title("mean_likes", lang), format=",.1f"),
                alt.Tooltip("mean_comments:Q", title=_metric_title("mean_comments", lang), format=",.1f"),
                alt.Tooltip(
                    "mean_engagement:Q", title=_metric_title("mean_engagement", lang), format=PERCENT
                ),
            ],
        )
        .properties(title=title("chart.by_type.title", lang, metric=_metric_title(metric, lang)))
    )


def by_weekday_hour(frame: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Posts and their mean engagement by weekday (0 = Monday) and hour in ``tz``, over the full 7 × 24
    grid (mean_engagement NaN where no post has one)."""
    grid = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
    if frame.empty:
        result = pd.DataFrame({"posts": 0, "mean_engagement": np.nan}, index=grid)
    else:
        local = local_times(frame["taken_at"], tz)
        keys = [local.dt.day_of_week.rename("weekday"), local.dt.hour.rename("hour")]
        grouped = frame["engagement"].astype(float).groupby(keys)
        result = pd.DataFrame({"posts": grouped.size(), "mean_engagement": grouped.mean()}).reindex(grid)
        result["posts"] = result["posts"].fillna(0)
    result = result.reset_index()
    return result.astype(
        {"weekday": "int64", "hour": "int64", "posts": "int64", "mean_engagement": "float64"}
    )[BY_TIME_COLUMNS]


def by_weekday_hour_chart(df: pd.DataFrame, lang: str) -> alt.Chart:
    """A heatmap of mean engagement by hour (x) and weekday (y): when posting works best."""
    names = weekday_names(lang)
    data = df.assign(day=[names[int(d)] for d in df["weekday"]])
    return (
        alt.Chart(data[["day", "hour", "posts", "mean_engagement"]])
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title=t("chart.hour", lang)),
            y=alt.Y("day:O", sort=names, title=t("chart.weekday", lang)),
            color=alt.Color(
                "mean_engagement:Q",
                title=_metric_title("mean_engagement", lang),
                scale=alt.Scale(scheme="oranges"),
                legend=alt.Legend(format=PERCENT),
            ),
            tooltip=[
                alt.Tooltip("day:O", title=t("chart.weekday", lang)),
                alt.Tooltip("hour:O", title=t("chart.hour", lang)),
                alt.Tooltip("posts:Q", title=t("chart.posts", lang)),
                alt.Tooltip(
                    "mean_engagement:Q", title=_metric_title("mean_engagement", lang), format=PERCENT
                ),
            ],
        )
        .properties(title=title("chart.best_time.title", lang))
    )


def top_posts(frame: pd.DataFrame, n: int = 5, by: str = "engagement") -> pd.DataFrame:
    """The ``n`` posts with the highest ``by`` (posts without it left out; ties newest first), every
    column of the posts frame kept, thumb included."""
    return _ranked(frame, n, by, descending=True)


def bottom_posts(frame: pd.DataFrame, n: int = 5, by: str = "engagement") -> pd.DataFrame:
    """The ``n`` posts with the lowest ``by`` (posts without it left out; ties newest first)."""
    return _ranked(frame, n, by, descending=False)


def _ranked(frame: pd.DataFrame, n: int, by: str, *, descending: bool) -> pd.DataFrame:
    values = floats(frame[by]) if not frame.empty else pd.Series([], dtype=float)
    ranked = frame.assign(_value=values, _time=frame["taken_at"])[values.notna()]
    ranked = ranked.sort_values(["_value", "_time"], ascending=[not descending, False], kind="stable")
    return ranked.head(n).drop(columns=["_value", "_time"])


def has_growth(metrics_df: pd.DataFrame) -> bool:
    """Whether some post was seen at two syncs or more, which a growth curve needs."""
    return growing_posts(metrics_df) != []


def growing_posts(metrics_df: pd.DataFrame) -> list[str]:
    """Shortcodes of the posts seen at two syncs or more, newest post first."""
    if metrics_df.empty:
        return []
    seen = metrics_df.groupby("shortcode").agg(
        syncs=("taken_at", "nunique"), posted=("post_taken_at", "first")
    )
    return list(seen[seen["syncs"] >= 2].sort_values("posted", ascending=False).index)


def growth_curves(metrics_df: pd.DataFrame, shortcodes: Sequence[str]) -> pd.DataFrame:
    """Likes, comments and views of the given posts at each sync, by hours since the post was published:
    shortcode, username, hours_since_post, likes, comments, views."""
    data = metrics_df[metrics_df["shortcode"].isin(list(shortcodes))]
    if data.empty:
        return empty(GROWTH_COLUMNS, {"shortcode": "str", "username": "str", "hours_since_post": "float64"})
    hours = (data["taken_at"] - data["post_taken_at"]).dt.total_seconds() / 3600
    result = data.assign(hours_since_post=hours).sort_values(["shortcode", "hours_since_post"], kind="stable")
    return result.reset_index(drop=True)[GROWTH_COLUMNS]


def growth_curves_chart(df: pd.DataFrame, lang: str, metric: str = "likes") -> alt.Chart:
    """A line per post of ``metric`` (likes, comments or views) against hours since it was published."""
    return (
        alt.Chart(thin(df[GROWTH_COLUMNS]))
        .mark_line(point=True)
        .encode(
            x=alt.X("hours_since_post:Q", title=t("chart.hours_since_post", lang)),
            y=alt.Y(f"{metric}:Q", title=_metric_title(metric, lang)),
            color=alt.Color("shortcode:N", title=t("chart.post", lang)),
            tooltip=[
                alt.Tooltip("shortcode:N", title=t("chart.post", lang)),
                alt.Tooltip("username:N", title=t("chart.account", lang)),
                alt.Tooltip("hours_since_post:Q", title=t("chart.hours_since_post", lang), format=",.1f"),
                alt.Tooltip(f"{metric}:Q", title=_metric_title(metric, lang), format=",.0f"),
            ],
        )
        .properties(title=title("chart.growth.title", lang, metric=_metric_title(metric, lang)))
    )


def follower_growth_chart(snapshots_df: pd.DataFrame, lang: str) -> alt.Chart:
    """A line per account of its followers at each sync."""
    data = snapshots_df[["username", "taken_at", "followers"]]
    subtitle = None
    if len(data) > MAX_ROWS:
        subtitle = t("chart.note.sampled_syncs", lang, shown=MAX_ROWS, total=len(data))
        per_account = MAX_ROWS // data["username"].nunique()
        data = data.groupby("username", group_keys=False)[list(data.columns)].apply(
            thin, max_rows=per_account
        )
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("taken_at:T", title=t("chart.date", lang), axis=date_axis()),
            y=alt.Y("followers:Q", title=t("chart.followers", lang)),
            color=alt.Color("username:N", title=t("chart.account", lang)),
            tooltip=[
                alt.Tooltip("username:N", title=t("chart.account", lang)),
                alt.Tooltip("taken_at:T", title=t("chart.date", lang), format=TIME_FORMAT),
                alt.Tooltip("followers:Q", title=t("chart.followers", lang), format=",.0f"),
            ],
        )
        .properties(title=title("chart.followers.title", lang, subtitle))
    )
