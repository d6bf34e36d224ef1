"""What the search page shows of ``insights.search.search_all``: the matches as a frame (a page of
them with each post's thumbnail, or all of them for a download) and the matches per week as a chart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import altair as alt
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n import t
from insights.charts import date_axis, period_label, title
from insights.search import MATCH_COLUMNS, search_all
from scraper.store.models import MediaItem, Post

# The accounts the chart colours one by one, the most matching first; the rest are summed as one.
TOP_ACCOUNTS = 10
KINDS = ("all", "caption", "comment")


def matches_frame(
    session: Session,
    query: str,
    *,
    usernames: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """What ``search_all`` gives (a page with ``limit``/``offset``), as a frame of ``MATCH_COLUMNS``;
    times as UTC datetime columns, newest first."""
    found = search_all(
        session, query, usernames=usernames, since=since, until=until, limit=limit, offset=offset
    )
    rows = list(found)
    frame = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    # Built from the ints themselves: through float64 (None makes the column float) ids past 2**53,
    # as Instagram's are, would lose their last digits.
    frame["id"] = pd.array([row["id"] for row in rows], dtype="Int64")
    for name in ("created_at", "deleted_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame.astype({"kind": "str", "username": "str", "shortcode": "str"})


def thumbnails(session: Session, shortcodes: Sequence[str]) -> dict[str, str]:
    """The first media item's thumbnail (its full image without one) of each post, by shortcode, in
    one query; posts without a picture are left out."""
    codes = sorted(set(shortcodes))
    if not codes:
        return {}
    rows = session.execute(
        select(Post.shortcode, func.coalesce(MediaItem.thumb, MediaItem.file))
        .join(MediaItem, MediaItem.post_id == Post.id)
        .where(Post.shortcode.in_(codes))
        .order_by(Post.shortcode, MediaItem.position)
    )
    found: dict[str, str] = {}
    for shortcode, picture in rows:
        if picture and shortcode not in found:
            found[shortcode] = picture
    return found


def weekly_matches(weeks: pd.DataFrame, kind: str, lang: str) -> pd.DataFrame:
    """``matches_per_week`` summed per week and account, of one kind ("caption", "comment") or both
    ("all"); accounts past the ``TOP_ACCOUNTS`` most matching summed as one ("other accounts"). Each
    row also has its place in the account order and where its bar starts and ends in its week's stack
    (``order``, ``bottom``, ``top``)."""
    chosen = weeks if kind == "all" else weeks[weeks["kind"] == kind]
    totals = chosen.groupby("username")["matches"].sum().sort_values(ascending=False, kind="stable")
    top = list(totals.index[:TOP_ACCOUNTS])
    others = t("chart.search.others", lang)
    account = chosen["username"].where(chosen["username"].isin(top), others)
    summed = (
        chosen.assign(account=account)
        .groupby(["week_start", "account"], as_index=False)["matches"]
        .sum()
        .sort_values(["week_start", "account"], ignore_index=True)
    )
    order = top + ([others] if len(totals) > len(top) else [])
    summed["order"] = summed["account"].map({name: i for i, name in enumerate(order)}).astype("int64")
    # Stacked here, the most matching account at the bottom: Vega-Lite does not stack bars spanning
    # a range of x (x to x2).
    summed = summed.sort_values(["week_start", "order"], ignore_index=True)
    summed["top"] = summed.groupby("week_start")["matches"].cumsum().astype("int64")
    summed["bottom"] = summed["top"] - summed["matches"]
    return summed


def matches_chart(summed: pd.DataFrame, lang: str) -> alt.Chart:
    """Bars spanning each week (from Monday, UTC), stacked by account: how a topic rose and fell."""
    data = summed.assign(
        week_end=summed["week_start"] + pd.DateOffset(days=7) if not summed.empty else summed["week_start"],
        week=period_label(summed["week_start"], "week") if not summed.empty else pd.Series([], dtype="str"),
    )
    order = list(dict.fromkeys(data.sort_values("order")["account"]))
    week_title = t("chart.period.week", lang)
    return (
        alt.Chart(data[["week_start", "week_end", "week", "account", "matches", "bottom", "top"]])
        .mark_bar()
        .encode(
            x=alt.X("week_start:T", title=week_title, axis=date_axis("week", data["week_start"])),
            x2="week_end:T",
            y=alt.Y("top:Q", title=t("chart.matches", lang)),
            y2="bottom:Q",
            color=alt.Color("account:N", title=t("chart.account", lang), sort=order),
            tooltip=[
                alt.Tooltip("week:N", title=week_title),
                alt.Tooltip("account:N", title=t("chart.account", lang)),
                alt.Tooltip("matches:Q", title=t("chart.matches", lang)),
            ],
        )
        .properties(title=title("chart.matches_per_week.title", lang))
    )
