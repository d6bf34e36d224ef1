"""Several accounts side by side on shared axes: posting frequency, engagement and the mix of post types.
Follower growth is ``insights.engagement.follower_growth_chart``, which draws a line per account."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
from sqlalchemy import ColumnElement, Float, case, cast, func, select
from sqlalchemy.orm import Session

from i18n import t
from insights.charts import PERCENT, TYPES, empty, floats, title, type_color, type_names
from insights.engagement import follower_growth_chart
from insights.frequency import posts_per_period, posts_per_period_chart
from scraper.store.models import Post, Profile

__all__ = [
    "compare_engagement",
    "compare_engagement_chart",
    "compare_frequency",
    "compare_frequency_chart",
    "engagement_of",
    "follower_growth_chart",
    "post_times",
    "type_mix",
    "type_mix_chart",
    "type_mix_of",
]
ENGAGEMENT_COLUMNS = ["username", "posts", "followers", "engagement_rate", "mean_likes", "mean_comments"]
MIX_COLUMNS = ["username", "type", "posts", "share"]


def compare_frequency(frame: pd.DataFrame, period: str, tz: str) -> pd.DataFrame:
    """Posts per account and period, as ``insights.frequency.posts_per_period``: username, period_start, posts."""
    return posts_per_period(frame, period, tz)


def compare_frequency_chart(df: pd.DataFrame, period: str, lang: str) -> alt.Chart:
    """A line per account of its posts per period."""
    return posts_per_period_chart(df, period, lang, lines=True)


def compare_engagement(frame: pd.DataFrame) -> pd.DataFrame:
    """Per account: posts, current followers, engagement rate (mean of the posts' engagement), mean likes
    and mean comments; ordered by username."""
    if frame.empty:
        dtypes = {"username": "str", "posts": "int64", "followers": "Int64"} | dict.fromkeys(
            ENGAGEMENT_COLUMNS[3:], "float64"
        )
        return empty(ENGAGEMENT_COLUMNS, dtypes)
    numbers = pd.DataFrame(
        {
            "username": frame["username"],
            "followers": floats(frame["followers"]),
            "engagement": frame["engagement"].astype(float),
            "likes": floats(frame["likes"]),
            "comments": floats(frame["comments"]),
        }
    )
    grouped = numbers.groupby("username")
    result = pd.DataFrame(
        {
            "posts": grouped.size(),
            "followers": grouped["followers"].max(),
            "engagement_rate": grouped["engagement"].mean(),
            "mean_likes": grouped["likes"].mean(),
            "mean_comments": grouped["comments"].mean(),
        }
    ).reset_index()
    result["followers"] = result["followers"].round().astype("Int64")
    return result.astype({"username": "str", "posts": "int64"})[ENGAGEMENT_COLUMNS]


def compare_engagement_chart(df: pd.DataFrame, lang: str, metric: str = "engagement_rate") -> alt.Chart:
    """A bar per account of ``metric`` (engagement_rate, mean_likes or mean_comments)."""
    metric_title = t(f"chart.metric.{metric}", lang)
    number = PERCENT if metric == "engagement_rate" else ",.1f"
    return (
        alt.Chart(df[ENGAGEMENT_COLUMNS].astype({"followers": "Float64"}))
        .mark_bar()
        .encode(
            y=alt.Y("username:N", title=t("chart.account", lang), sort="-x"),
            x=alt.X(f"{metric}:Q", title=metric_title, axis=alt.Axis(format=number)),
            color=alt.Color("username:N", title=t("chart.account", lang), legend=None),
            tooltip=[
                alt.Tooltip("username:N", title=t("chart.account", lang)),
                alt.Tooltip("posts:Q", title=t("chart.posts", lang)),
                alt.Tooltip("followers:Q", title=t("chart.followers", lang), format=",.0f"),
                alt.Tooltip(
                    "engagement_rate:Q", title=t("chart.metric.engagement_rate", lang), format=PERCENT
                ),
                alt.Tooltip("mean_likes:Q", title=t("chart.metric.mean_likes", lang), format=",.1f"),
                alt.Tooltip("mean_comments:Q", title=t("chart.metric.mean_comments", lang), format=",.1f"),
            ],
        )
        .properties(title=title("chart.compare_engagement.title", lang, metric=metric_title))
    )


def type_mix(frame: pd.DataFrame) -> pd.DataFrame:
    """Each account's posts and share of posts (0-1) of each type, all three types listed: username, type,
    posts, share."""
    if frame.empty:
        return empty(MIX_COLUMNS, {"username": "str", "type": "str", "posts": "int64", "share": "float64"})
    counts = frame.groupby(["username", "type"]).size()
    kinds = list(TYPES) + sorted(set(frame["type"]) - set(TYPES))
    grid = pd.MultiIndex.from_product([sorted(frame["username"].unique()), kinds], names=["username", "type"])
    counts = counts.reindex(grid, fill_value=0)
    totals = counts.groupby(level="username").transform("sum")
    result = pd.DataFrame({"posts": counts, "share": counts / totals}).reset_index()
    return result.astype({"username": "str", "type": "str", "posts": "int64", "share": "float64"})[
        MIX_COLUMNS
    ]


def type_mix_chart(df: pd.DataFrame, lang: str) -> alt.Chart:
    """A bar per account split by post type, each bar adding up to 100%."""
    data = df.assign(
        type_name=type_names(df["type"], lang),
        order=[TYPES.index(k) if k in TYPES else len(TYPES) for k in df["type"]],
    )
    return (
        alt.Chart(data[["username", "type_name", "order", "posts", "share"]])
        .mark_bar()
        .encode(
            y=alt.Y("username:N", title=t("chart.account", lang)),
            x=alt.X("share:Q", title=t("chart.share", lang), stack="zero", axis=alt.Axis(format="%")),
            color=type_color(lang),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("username:N", title=t("chart.account", lang)),
                alt.Tooltip("type_name:N", title=t("chart.type", lang)),
                alt.Tooltip("posts:Q", title=t("chart.posts", lang)),
                alt.Tooltip("share:Q", title=t("chart.share", lang), format=".1%"),
            ],
        )
        .properties(title=title("chart.type_mix.title", lang))
    )


# The same figures counted by the database, for a group's Compare page: a group of twenty accounts can
# hold hundreds of thousands of posts, and these read two or three columns of them instead of building
# the whole posts frame (captions, hashtags, media) in pandas.


def _members(usernames: Sequence[str]) -> ColumnElement[bool]:
    return Profile.username.in_(sorted(set(usernames)))


def engagement_of(session: Session, usernames: Sequence[str]) -> pd.DataFrame:
    """``compare_engagement`` of the accounts' stored posts, aggregated in SQL (one row per account
    with posts, ordered by username)."""
    interactions = cast(Post.likes + Post.comments, Float)
    rate = case((Profile.followers > 0, interactions / Profile.followers))
    rows = session.execute(
        select(
            Profile.username,
            func.count(Post.id),
            func.max(Profile.followers),
            func.avg(rate),
            func.avg(cast(Post.likes, Float)),
            func.avg(cast(Post.comments, Float)),
        )
        .join(Post, Post.profile_id == Profile.id)
        .where(_members(usernames))
        .group_by(Profile.username)
        .order_by(Profile.username)
    ).all()
    if not rows:
        return compare_engagement(pd.DataFrame())
    username, posts, followers, rates, likes, comments = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "username": pd.Series(username, dtype="str"),
            "posts": pd.Series(posts, dtype="int64"),
            "followers": pd.array(followers, dtype="Int64"),
            "engagement_rate": pd.Series(rates, dtype="float64"),
            "mean_likes": pd.Series(likes, dtype="float64"),
            "mean_comments": pd.Series(comments, dtype="float64"),
        }
    )[ENGAGEMENT_COLUMNS]


def type_mix_of(session: Session, usernames: Sequence[str]) -> pd.DataFrame:
    """``type_mix`` of the accounts' stored posts, counted in SQL."""
    rows = session.execute(
        select(Profile.username, Post.type, func.count(Post.id))
        .join(Post, Post.profile_id == Profile.id)
        .where(_members(usernames))
        .group_by(Profile.username, Post.type)
    ).all()
    if not rows:
        return type_mix(pd.DataFrame())
    counts = pd.Series(
        [n for _, _, n in rows],
        index=pd.MultiIndex.from_tuples([(u, k) for u, k, _ in rows], names=["username", "type"]),
    )
    kinds = list(TYPES) + sorted({k for _, k, _ in rows} - set(TYPES))
    grid = pd.MultiIndex.from_product([sorted({u for u, _, _ in rows}), kinds], names=["username", "type"])
    counts = counts.reindex(grid, fill_value=0)
    totals = counts.groupby(level="username").transform("sum")
    result = pd.DataFrame({"posts": counts, "share": counts / totals}).reset_index()
    return result.astype({"username": "str", "type": "str", "posts": "int64", "share": "float64"})[
        MIX_COLUMNS
    ]


def post_times(session: Session, usernames: Sequence[str]) -> pd.DataFrame:
    """The accounts' stored posts as (username, taken_at) only: what ``compare_frequency`` needs."""
    rows = session.execute(
        select(Profile.username, Post.taken_at)
        .join(Post, Post.profile_id == Profile.id)
        .where(_members(usernames))
    ).all()
    times = pd.Series([w for _, w in rows], dtype=object)
    return pd.DataFrame(
        {
            "username": pd.Series([u for u, _ in rows], dtype="str"),
            "taken_at": pd.Series(pd.to_datetime(times, utc=True, format="ISO8601")),
        }
    )
