"""The comments page: comments per week, who comments most, how the account answers, the most
discussed posts, comment search and the comments that vanished. Comments are hostile input: their
text and authors are shown in tables (plain text) and charts only, or made inert."""

from __future__ import annotations

import streamlit as st

from i18n import format_number, format_percent, t
from insights import comments
from insights.charts import column_labels
from insights.search import RESULTS
from ui import data, gallery
from ui.common import chart, csv_download, pick_account
from ui.state import language, timezone
from ui.text import inert


def page() -> None:
    shortcode = st.query_params.get("post")
    if shortcode:  # a most discussed post opened: its detail view, thread included
        gallery.detail(shortcode, back="ui.comments.back")
        return
    lang = language()
    username = pick_account()
    if username is None:
        return
    stats = data.comment_stats(username)
    if stats is None or stats.summary["comments"] == 0:
        st.info(inert(t("ui.comments.none", lang, user=username)))
        return
    tz = timezone()
    summary = stats.summary
    figures = [
        ("stored", summary["comments"]),
        ("replies", summary["replies"]),
        ("commenters", summary["commenters"]),
        ("posts", summary["posts"]),
        ("deleted_count", summary["deleted"]),
    ]
    for column, (key, value) in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(t(f"ui.comments.{key}", lang), format_number(value, lang))

    st.subheader(t("ui.comments.per_week", lang, tz=tz))
    weeks = comments.comments_per_week(stats.times, tz)
    chart(comments.comments_per_week_chart(weeks, lang))
    csv_download(weeks, f"{username}-comments-per-week", "weeks-csv")

    left, right = st.columns(2)
    with left:
        st.subheader(t("ui.comments.top", lang))
        st.caption(t("ui.comments.top_note", lang))
        people = stats.top_commenters
        chart(comments.top_commenters_chart(people, lang))
        st.dataframe(
            people, hide_index=True, width="stretch", column_config=column_labels(people.columns, lang)
        )
        csv_download(people, f"{username}-commenters", "commenters-csv")
    with right:
        answers(stats.answers, lang)

    st.subheader(t("ui.comments.discussed", lang))
    posts = data.posts_among(username, [int(i) for i in stats.discussed["post_id"]])
    discussed = comments.most_discussed(stats.discussed, posts)
    notes = {
        str(row.shortcode): t(
            "ui.comments.discussed_tile",
            lang,
            comments=t("count.stored_comments", lang, count=row.stored_comments),
            people=t("count.people", lang, count=row.commenters),
        )
        for row in discussed.itertuples()
    }
    gallery.grid(discussed, lang, notes)
    table = discussed[comments.DISCUSSED_COLUMNS]
    table = table.assign(taken_at=table.taken_at.dt.tz_convert(tz))
    csv_download(table, f"{username}-most-discussed", "discussed-csv")

    search(username, stats.profile_id, tz, lang)
    deleted(stats, username, tz, lang)


def answers(found: comments.Answers, lang: str) -> None:
    """The share of others' comments the account answered, and how soon."""
    st.subheader(t("ui.comments.answers", lang))
    share, seconds = found["share"], found["median_seconds"]
    first, second = st.columns(2)
    first.metric(t("ui.comments.answered", lang), "—" if share is None else format_percent(share, lang))
    second.metric(t("ui.comments.answer_time", lang), "—" if seconds is None else duration(seconds, lang))
    st.caption(t("ui.comments.answers_note", lang, answered=found["answered"], total=found["comments"]))


def duration(seconds: float, lang: str) -> str:
    """A time span the way a person says it: minutes under an hour, hours under two days, else days."""
    if seconds < 3600:
        return t("ui.comments.minutes", lang, n=round(seconds / 60))
    if seconds < 2 * 86400:
        return t("ui.comments.hours", lang, n=format_number(seconds / 3600, lang, decimals=1))
    return t("ui.comments.days", lang, count=round(seconds / 86400, 1))


def search(username: str, profile_id: int, tz: str, lang: str) -> None:
    """Comment search, matching as caption search does; the newest comments while the box is empty."""
    st.subheader(t("ui.comments.search", lang))
    query = st.text_input(t("ui.comments.search", lang), key="comment_query", label_visibility="collapsed")
    found, total = data.comment_search(query, username, profile_id, RESULTS, 0)
    st.caption(t("ui.comments.matches", lang, count=total))
    # Comment text and authors are user content: a dataframe shows them as plain text.
    table = found.assign(
        created_at=found.created_at.dt.tz_convert(tz), deleted_at=found.deleted_at.dt.tz_convert(tz)
    ).drop(columns=["comment_id"])
    st.dataframe(table, hide_index=True, width="stretch", column_config=column_labels(table.columns, lang))
    csv_download(table, f"{username}-comments", "comments-csv")


def deleted(stats: comments.CommentStats, username: str, tz: str, lang: str) -> None:
    """The comments that vanished from Instagram, with when a sync noticed."""
    st.subheader(t("ui.comments.deleted", lang))
    gone = stats.deleted
    if gone.empty:
        st.caption(t("ui.comments.deleted_none", lang))
        return
    st.caption(t("ui.comments.deleted_note", lang, count=stats.summary["deleted"], shown=len(gone)))
    table = gone.assign(
        created_at=gone.created_at.dt.tz_convert(tz), deleted_at=gone.deleted_at.dt.tz_convert(tz)
    ).drop(columns=["comment_id"])
    st.dataframe(table, hide_index=True, width="stretch", column_config=column_labels(table.columns, lang))
    csv_download(table, f"{username}-deleted-comments", "deleted-csv")
