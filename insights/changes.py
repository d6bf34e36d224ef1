"""What syncs saw change on accounts (``scraper.store.changes``), as a frame newest first, and a chart
of the changes per week by kind."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import t
from insights.charts import MAX_ROWS, empty
from scraper.store.changes import KINDS
from scraper.store.models import Change, Profile

# The weekly chart spans at least this many weeks, so a first change does not fill it alone.
MIN_WEEKS = 8
COLUMNS = ["detected_at", "username", "kind", "shortcode", "old", "new", "comment_id", "sync_run_id"]


def changes_frame(
    session: Session, usernames: Sequence[str], kinds: Sequence[str] | None = None
) -> pd.DataFrame:
    """The changes of the accounts ``usernames`` (by their user name now), newest first: when a sync
    saw them (UTC), the account, the kind, the post (deleted, edited, or where a comment was deleted),
    the old and the new value, the comment and the sync run."""
    if not usernames:
        return empty(COLUMNS, {"detected_at": "datetime64[ns, UTC]"})
    query = (
        select(
            Change.detected_at,
            Profile.username,
            Change.kind,
            Change.shortcode,
            Change.old,
            Change.new,
            Change.comment_id,
            Change.sync_run_id,
        )
        .join(Profile, Profile.id == Change.profile_id)
        .where(Profile.username.in_(list(usernames)))
        .order_by(Change.detected_at.desc(), Change.id.desc())
    )
    if kinds is not None:
        query = query.where(Change.kind.in_(list(kinds)))
    frame = pd.DataFrame(session.execute(query).all(), columns=COLUMNS)
    frame["detected_at"] = pd.to_datetime(frame["detected_at"], utc=True)
    frame["comment_id"] = frame["comment_id"].astype("Int64")
    frame["sync_run_id"] = frame["sync_run_id"].astype("Int64")
    return frame


def kind_label(kind: str, lang: str) -> str:
    """The name of a kind of change in ``lang``."""
    return t(f"changes.kind.{kind}", lang) if kind in KINDS else kind


def changes_per_week(frame: pd.DataFrame, tz: str) -> pd.DataFrame:
    """How many changes were seen each week (from Monday, in ``tz``), by kind."""
    if frame.empty:
        return empty(["week_start", "kind", "changes"], {"changes": "int64"})
    local = frame["detected_at"].dt.tz_convert(tz).dt.tz_localize(None)
    week = (local.dt.normalize() - pd.to_timedelta(local.dt.day_of_week, unit="D")).rename("week_start")
    counted = frame.groupby([week, frame["kind"]]).size().rename("changes").reset_index()
    return counted.sort_values(["week_start", "kind"]).reset_index(drop=True)


def changes_chart(weeks: pd.DataFrame, lang: str) -> alt.Chart:
    """Changes per week as stacked bars by kind, over every week from the first (at least the last
    ``MIN_WEEKS``) to the last, weeks without a change included."""
    data = weeks.tail(MAX_ROWS)
    data = data.assign(
        label=data["kind"].map(lambda k: kind_label(str(k), lang)),
        week=data["week_start"].dt.strftime("%Y-%m-%d"),
    )
    domain: list[str] = []
    if not data.empty:
        last = data["week_start"].max()
        first = min(data["week_start"].min(), last - pd.Timedelta(weeks=MIN_WEEKS - 1))
        domain = [day.strftime("%Y-%m-%d") for day in pd.date_range(first, last, freq="7D")]
    week_title = t("ui.changes.col.week", lang)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            # Weeks as bands, every one of them: a time axis would stretch a lone week's bar across.
            x=alt.X(
                "week:O",
                title=week_title,
                scale=alt.Scale(domain=domain),
                axis=alt.Axis(labelAngle=0, labelOverlap=True),
            ),
            y=alt.Y("changes:Q", title=t("ui.changes.col.changes", lang)),
            color=alt.Color("label:N", title=t("ui.changes.col.kind", lang)),
            tooltip=[
                alt.Tooltip("week:N", title=week_title),
                alt.Tooltip("label:N", title=t("ui.changes.col.kind", lang)),
                alt.Tooltip("changes:Q", title=t("ui.changes.col.changes", lang)),
            ],
        )
    )
