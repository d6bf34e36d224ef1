"""What people say under an account's posts: comments per week, who comments most, how the account
answers, the most discussed posts, the comments that vanished, and one post's thread.

Every query reads one account's rows (``Comment.profile_id``, indexed with ``created_at``) and
aggregates in SQL: what reaches pandas is a row per quarter hour, commenter or post, never a row per
comment (but for the vanished comments, at most ``DELETED_SHOWN``, and the times of the comments the
account answered). The account's "own" comments are those whose author is its current user name or
its Instagram id (a renamed account answering before the rename). Comment text is hostile input: it
is returned as it was stored, and the charts carry only authors' names, cut short and without control
characters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

import altair as alt
import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, ColumnElement, Integer, and_, cast, distinct, func, or_, select
from sqlalchemy.orm import Session

from i18n import t
from insights.charts import date_axis, empty, local_times, period_label, title
from insights.frequency import period_starts
from scraper.store.models import Comment, Post, Profile

# Seconds in a quarter hour: every time zone's offset from UTC is a whole number of them, so counts
# per UTC quarter hour add up to exact counts per local week in any zone.
QUARTER = 900
TIME_COLUMNS = ["quarter", "comments", "replies"]
WEEK_COLUMNS = ["week_start", "comments", "replies"]
COMMENTER_COLUMNS = ["owner", "comments", "posts"]
DISCUSSED_COUNT_COLUMNS = ["post_id", "stored_comments", "commenters", "deleted_comments"]
# The table of the most discussed posts (``comments`` is Instagram's count, the others are stored).
DISCUSSED_COLUMNS = ["shortcode", "taken_at", "stored_comments", "commenters", "deleted_comments", "comments"]
DELETED_COLUMNS = ["comment_id", "shortcode", "owner", "created_at", "deleted_at", "is_reply", "text"]
TOP_COMMENTERS = 20
MOST_DISCUSSED = 12
# The vanished comments a page lists, newest gone first (the total is counted apart).
DELETED_SHOWN = 500
# A name longer than Instagram allows (30) is cut in charts: labels and tooltips stay small.
LABEL_LENGTH = 40


class CommentSummary(TypedDict):
    """One account's stored comments in figures (``comment_summary``)."""

    comments: int  # comments and replies, deleted ones too
    replies: int
    commenters: int  # distinct authors, the account itself left out
    posts: int  # posts with a stored comment
    deleted: int  # comments gone from Instagram since they were stored


class Answers(TypedDict):
    """How the account answers the top-level comments of others (``answers``)."""

    comments: int  # top-level comments by others
    answered: int  # of them, those with a reply by the account itself
    share: float | None  # answered / comments; None without comments
    median_seconds: float | None  # from a comment to the account's first reply to it


class ThreadComment(TypedDict):
    """A comment of a post's thread, with its replies (oldest first; a reply has none)."""

    comment_id: int
    owner: str | None
    text: str
    created_at: datetime
    likes: int | None
    deleted_at: datetime | None
    replies: list[ThreadComment]


@dataclass(frozen=True)
class CommentStats:
    """What the comments page shows of one account, but the search (``comment_stats``)."""

    profile_id: int
    summary: CommentSummary
    times: pd.DataFrame  # TIME_COLUMNS: counts per UTC quarter hour, for weeks in any time zone
    top_commenters: pd.DataFrame  # COMMENTER_COLUMNS
    answers: Answers
    discussed: pd.DataFrame  # DISCUSSED_COUNT_COLUMNS, most discussed first
    deleted: pd.DataFrame  # DELETED_COLUMNS, at most DELETED_SHOWN, newest gone first


def account_id(session: Session, username: str) -> int | None:
    """The profile id of the stored account ``username``, or None."""
    return session.scalar(select(Profile.id).where(Profile.username == username))


def _own(profile_id: int, username: str) -> ColumnElement[bool]:
    """Comments written by the account itself."""
    return or_(Comment.owner_username == username, Comment.owner_id == profile_id)


def _others(profile_id: int, username: str) -> ColumnElement[bool]:
    """Comments by someone known other than the account (NULLs compare as unknown, hence spelled out)."""
    return and_(
        Comment.owner_username.is_not(None),
        Comment.owner_username != username,
        or_(Comment.owner_id.is_(None), Comment.owner_id != profile_id),
    )


def comment_stats(session: Session, username: str) -> CommentStats | None:
    """Everything ``CommentStats`` holds for the stored account ``username``; None if it is not stored."""
    profile_id = account_id(session, username)
    if profile_id is None:
        return None
    return CommentStats(
        profile_id=profile_id,
        summary=comment_summary(session, profile_id, username),
        times=comment_times(session, profile_id),
        top_commenters=top_commenters(session, profile_id, username),
        answers=answers(session, profile_id, username),
        discussed=discussed_posts(session, profile_id),
        deleted=deleted_comments(session, profile_id),
    )


def comment_summary(session: Session, profile_id: int, username: str) -> CommentSummary:
    """How many comments, replies, authors, commented posts and vanished comments the account has."""
    others = _others(profile_id, username)
    total, replies, commenters, posts, deleted = session.execute(
        select(
            func.count(),
            func.count(Comment.parent_id),
            func.count(distinct(Comment.owner_username)).filter(others),
            func.count(distinct(Comment.post_id)),
            func.count(Comment.deleted_at),
        ).where(Comment.profile_id == profile_id)
    ).one()
    return {
        "comments": int(total),
        "replies": int(replies),
        "commenters": int(commenters),
        "posts": int(posts),
        "deleted": int(deleted),
    }


def _quarter(session: Session) -> ColumnElement[int]:
    """The UTC quarter hour of ``Comment.created_at``, counted from 1970 (times are stored naive UTC)."""
    if session.get_bind().dialect.name == "postgresql":
        seconds: ColumnElement[Any] = cast(func.floor(func.extract("epoch", Comment.created_at)), BigInteger)
    else:
        seconds = cast(func.strftime("%s", Comment.created_at), Integer)
    return seconds // QUARTER


def comment_times(session: Session, profile_id: int) -> pd.DataFrame:
    """The account's comments and replies per UTC quarter hour that has any: quarter (seconds since
    1970 / 900), comments (replies included), replies."""
    quarter = _quarter(session).label("quarter")
    rows = session.execute(
        select(quarter, func.count(), func.count(Comment.parent_id))
        .where(Comment.profile_id == profile_id)
        .group_by(quarter)
        .order_by(quarter)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=TIME_COLUMNS)
    return frame.astype(dict.fromkeys(TIME_COLUMNS, "int64"))


def comments_per_week(times: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Comments (replies included) and replies per week from Monday in ``tz``, from the first comment's
    week to the last's without gaps: week_start (naive local midnight), comments, replies."""
    if times.empty:
        return empty(WEEK_COLUMNS, {"week_start": "datetime64[us]", "comments": "int64", "replies": "int64"})
    instants = pd.Series(pd.to_datetime(times["quarter"].to_numpy() * QUARTER, unit="s", utc=True))
    weeks = period_starts(local_times(instants, tz), "week")
    counts = times[["comments", "replies"]].groupby(weeks.to_numpy()).sum()
    full = pd.date_range(counts.index.min(), counts.index.max(), freq=pd.DateOffset(days=7))
    counts = counts.reindex(full, fill_value=0)
    result = pd.DataFrame(
        {
            "week_start": full,
            "comments": counts["comments"].to_numpy(),
            "replies": counts["replies"].to_numpy(),
        }
    )
    return result.astype({"comments": "int64", "replies": "int64"})[WEEK_COLUMNS]


def comments_per_week_chart(df: pd.DataFrame, lang: str) -> alt.Chart:
    """Bars spanning each week, as high as its comments (replies included)."""
    data = df.assign(
        week_end=df["week_start"] + pd.DateOffset(days=7) if not df.empty else df["week_start"],
        week=period_label(df["week_start"], "week") if not df.empty else pd.Series([], dtype="str"),
    )
    week_title = t("chart.period.week", lang)
    return (
        alt.Chart(data[["week_start", "week_end", "week", "comments", "replies"]])
        .mark_bar()
        .encode(
            x=alt.X("week_start:T", title=week_title, axis=date_axis("week", data["week_start"])),
            x2="week_end:T",
            y=alt.Y("comments:Q", title=t("chart.comments", lang)),
            y2=alt.Y2(datum=0),
            tooltip=[
                alt.Tooltip("week:N", title=week_title),
                alt.Tooltip("comments:Q", title=t("chart.comments", lang)),
                alt.Tooltip("replies:Q", title=t("chart.replies", lang)),
            ],
        )
        .properties(title=title("chart.comments_per_week.title", lang))
    )


def top_commenters(session: Session, profile_id: int, username: str, n: int = TOP_COMMENTERS) -> pd.DataFrame:
    """The ``n`` people with most comments and replies on the account (itself left out; ties by name):
    owner, comments, posts (how many of its posts they commented on)."""
    count = func.count()
    rows = session.execute(
        select(Comment.owner_username, count, func.count(distinct(Comment.post_id)))
        .where(Comment.profile_id == profile_id, _others(profile_id, username))
        .group_by(Comment.owner_username)
        .order_by(count.desc(), Comment.owner_username)
        .limit(n)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=COMMENTER_COLUMNS)
    return frame.astype({"owner": "str", "comments": "int64", "posts": "int64"})


def label(text: str | None) -> str:
    """A name as a chart shows it: without control or format characters (bidi overrides, NUL), at
    most ``LABEL_LENGTH`` characters. Charts draw text as text; this keeps labels readable and small."""
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in (text or "")
    ).strip()
    return kept if len(kept) <= LABEL_LENGTH else kept[: LABEL_LENGTH - 1] + "…"


def top_commenters_chart(df: pd.DataFrame, lang: str) -> alt.Chart:
    """Horizontal bars of the comments per person, the most on top."""
    data = df.assign(name=_distinct_labels(df["owner"]))
    who = t("chart.commenter", lang)
    return (
        alt.Chart(data[["name", "comments", "posts"]])
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=list(data["name"]), title=who, axis=alt.Axis(labelLimit=240)),
            x=alt.X("comments:Q", title=t("chart.comments", lang)),
            tooltip=[
                alt.Tooltip("name:N", title=who),
                alt.Tooltip("comments:Q", title=t("chart.comments", lang)),
                alt.Tooltip("posts:Q", title=t("chart.posts_commented", lang)),
            ],
        )
        .properties(title=title("chart.top_commenters.title", lang))
    )


def _distinct_labels(names: pd.Series) -> list[str]:
    """``label`` of each name; a label already taken (two long names cut alike) gets a number, so
    each name keeps a bar of its own."""
    seen: set[str] = set()
    labels = []
    for name in names:
        text, number = label(name), 1
        candidate = text
        while candidate in seen:
            number += 1
            candidate = f"{text} ({number})"
        seen.add(candidate)
        labels.append(candidate)
    return labels


def answers(session: Session, profile_id: int, username: str) -> Answers:
    """How many top-level comments by others the account replied to itself, and the median time from
    such a comment to the account's first reply to it."""
    first = (
        select(Comment.parent_id.label("parent_id"), func.min(Comment.created_at).label("answered_at"))
        .where(Comment.profile_id == profile_id, Comment.parent_id.is_not(None), _own(profile_id, username))
        .group_by(Comment.parent_id)
        .subquery()
    )
    asked = and_(Comment.profile_id == profile_id, Comment.parent_id.is_(None), _others(profile_id, username))
    total = session.scalar(select(func.count()).select_from(Comment).where(asked)) or 0
    pairs = session.execute(
        select(Comment.created_at, first.c.answered_at)
        .join(first, first.c.parent_id == Comment.id)
        .where(asked)
    ).all()
    delays = [max((answered - asked_at).total_seconds(), 0.0) for asked_at, answered in pairs]
    return {
        "comments": int(total),
        "answered": len(delays),
        "share": len(delays) / total if total else None,
        "median_seconds": float(np.median(delays)) if delays else None,
    }


def discussed_posts(session: Session, profile_id: int, n: int = MOST_DISCUSSED) -> pd.DataFrame:
    """The ``n`` posts with most stored comments and replies (deleted ones too; ties newest post
    first): post_id, stored_comments, commenters (distinct authors), deleted_comments."""
    count = func.count()
    rows = session.execute(
        select(
            Comment.post_id,
            count,
            func.count(distinct(Comment.owner_username)),
            func.count(Comment.deleted_at),
        )
        .where(Comment.profile_id == profile_id)
        .group_by(Comment.post_id)
        .order_by(count.desc(), Comment.post_id.desc())
        .limit(n)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=DISCUSSED_COUNT_COLUMNS)
    return frame.astype(dict.fromkeys(DISCUSSED_COUNT_COLUMNS, "int64"))


def most_discussed(counts: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """The posts of ``counts`` (``discussed_posts``) in its order, every column of the posts frame
    (thumb included) with stored_comments, commenters and deleted_comments added."""
    merged = counts.merge(posts, on="post_id", how="inner", validate="one_to_one")
    return merged[[*posts.columns, *DISCUSSED_COUNT_COLUMNS[1:]]]


def deleted_comments(session: Session, profile_id: int, n: int = DELETED_SHOWN) -> pd.DataFrame:
    """The ``n`` comments of the account that vanished from Instagram most recently: comment_id,
    shortcode, owner, created_at, deleted_at (when a sync noticed), is_reply, text."""
    rows = session.execute(
        select(
            Comment.id,
            Post.shortcode,
            Comment.owner_username,
            Comment.created_at,
            Comment.deleted_at,
            Comment.parent_id.is_not(None),
            Comment.text,
        )
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.profile_id == profile_id, Comment.deleted_at.is_not(None))
        .order_by(Comment.deleted_at.desc(), Comment.id.desc())
        .limit(n)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=DELETED_COLUMNS)
    for name in ("created_at", "deleted_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame.astype({"comment_id": "int64", "shortcode": "str", "is_reply": "bool", "text": "str"})


def post_thread(session: Session, post_id: int, profile_id: int) -> list[ThreadComment]:
    """The post's stored comments, oldest first, each with its replies (oldest first); deleted ones
    too, with ``deleted_at``. A reply whose comment is not stored comes as a comment of its own."""
    rows = session.execute(
        select(
            Comment.id,
            Comment.parent_id,
            Comment.owner_username,
            Comment.text,
            Comment.created_at,
            Comment.likes,
            Comment.deleted_at,
        )
        .where(Comment.profile_id == profile_id, Comment.post_id == post_id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    nodes: dict[int, ThreadComment] = {}
    for row in rows:
        nodes[row.id] = {
            "comment_id": row.id,
            "owner": row.owner_username,
            "text": row.text,
            "created_at": row.created_at,
            "likes": row.likes,
            "deleted_at": row.deleted_at,
            "replies": [],
        }
    parents = {row.id: row.parent_id for row in rows}
    thread: list[ThreadComment] = []
    for row in rows:
        root = _root(row.id, parents)
        if root == row.id:
            thread.append(nodes[row.id])
        else:  # Instagram nests one level: a reply to a reply goes under the comment they answer
            nodes[root]["replies"].append(nodes[row.id])
    return thread


def _root(comment_id: int, parents: dict[int, int | None]) -> int:
    """The stored top-level comment that ``comment_id`` answers (itself if it is one, or if what it
    answers is not stored)."""
    seen = {comment_id}
    current = comment_id
    while (parent := parents.get(current)) is not None and parent in parents and parent not in seen:
        seen.add(parent)
        current = parent
    return current
