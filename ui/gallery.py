"""The gallery: thumbnails of the posts, paged, sorted and filtered; and one post in full, with its
stored comments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, tzinfo

import pandas as pd
import streamlit as st

from i18n import format_date, format_datetime, format_number, t
from insights.charts import TYPES
from insights.comments import ThreadComment
from insights.data import PAGE_SIZE, SORT_COLUMNS, filter_posts, page_count, sort_posts
from insights.data import page as page_of
from ui import data
from ui.common import account_posts, image
from ui.state import language, media_file, zone
from ui.text import inert

COLUMNS = 6
SORTS = tuple(SORT_COLUMNS)
THREAD_PAGE = 50  # top-level comments shown at a time, each with all its replies


def page() -> None:
    shortcode = st.query_params.get("post")
    if shortcode:
        detail(shortcode)
        return
    lang = language()
    picked = account_posts()
    if picked is None:
        return
    _, posts = picked
    tz = zone()
    local_dates = posts.taken_at.dt.tz_convert(tz).dt.date
    first, last = local_dates.min(), local_dates.max()
    c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 3, 3])
    sort = c1.selectbox(
        t("ui.gallery.sort", lang), SORTS, format_func=lambda s: t(f"ui.gallery.sort.{s}", lang)
    )
    start = c2.date_input(t("ui.gallery.from", lang), first, min_value=first, max_value=last)
    end = c3.date_input(t("ui.gallery.to", lang), last, min_value=first, max_value=last)
    types = c4.multiselect(
        t("ui.gallery.types", lang),
        TYPES,
        default=list(TYPES),
        format_func=lambda k: t(f"ui.gallery.type.{k}", lang),
    )
    tags = sorted({tag for tags in posts.hashtags for tag in tags})
    hashtag = c5.selectbox(
        t("ui.gallery.hashtag", lang), ["", *tags], format_func=lambda h: f"#{h}" if h else "—"
    )
    text = st.text_input(t("ui.gallery.text", lang))
    chosen = filter_posts(
        posts,
        start=start if isinstance(start, date) else None,
        end=end if isinstance(end, date) else None,
        types=types,
        hashtag=hashtag or None,
        text=text or None,
        tz=str(tz),
    )
    chosen = sort_posts(chosen, sort)
    pages = page_count(len(chosen), PAGE_SIZE)
    if chosen.empty:
        st.info(t("ui.gallery.none", lang))
        return
    number = st.number_input(t("ui.gallery.page", lang), 1, pages, 1) if pages > 1 else 1
    shown = page_of(chosen, int(number), PAGE_SIZE)
    st.caption(t("ui.gallery.count", lang, count=len(chosen), shown=len(shown), total=len(chosen)))
    grid(shown, lang)


def grid(posts: pd.DataFrame, lang: str, notes: Mapping[str, str] | None = None) -> None:
    """Thumbnails only (never the full-size files), with date, counts and marks under each, and the
    note of ``notes`` for its shortcode (text of ours, not from Instagram). *Open* shows the post on
    the page showing the grid (its ``page`` calls ``detail`` while ``?post=`` is set)."""
    tz = zone()
    rows = [posts.iloc[i : i + COLUMNS] for i in range(0, len(posts), COLUMNS)]
    for row in rows:
        for column, post in zip(st.columns(COLUMNS), row.itertuples(), strict=False):
            with column:
                if not image(post.thumb, width="stretch"):
                    st.text(t("ui.gallery.no_image", lang))
                marks = [
                    t("ui.gallery.pinned", lang) if post.is_pinned else "",
                    t("ui.gallery.deleted", lang) if post.deleted else "",
                    t("ui.gallery.edited", lang) if post.caption_edited else "",
                ]
                when = format_date(post.taken_at.tz_convert(tz), lang)
                st.caption(f"{when} · ♥ {_n(post.likes, lang)} · 💬 {_n(post.comments, lang)}")
                if any(marks):
                    st.caption(" · ".join(m for m in marks if m))
                if notes and post.shortcode in notes:
                    st.caption(notes[post.shortcode])
                if st.button(t("ui.gallery.open", lang), key=f"open-{post.shortcode}"):
                    st.query_params["post"] = post.shortcode
                    st.rerun()


def detail(shortcode: str, back: str = "ui.post.back") -> None:
    """One post: every carousel item full size, the video when downloaded, caption, counts and the
    stored comments; ``back`` labels the button that leaves it."""
    lang = language()
    if st.button(t(back, lang), icon=":material/arrow_back:"):
        del st.query_params["post"]
        st.rerun()
    post = data.post(shortcode)
    if post is None:
        st.warning(t("ui.post.not_found", lang))
        return
    tz = zone()
    if post["deleted_at"] is not None:
        st.warning(t("ui.post.deleted", lang, when=format_date(post["deleted_at"].astimezone(tz), lang)))
    media = post["media"]
    for item in media:
        if item["is_video"] and media_file(item["video_file"]) is not None:
            st.video(str(media_file(item["video_file"])))
        else:
            image(item["file"], width="stretch")
            if item["is_video"]:
                st.caption(t("ui.post.video_missing", lang))
    # The caption is user content: plain text, never Markdown or HTML.
    st.text(post["caption"] or "")
    counts = t(
        "ui.post.counts",
        lang,
        likes=_counted("count.likes", "ui.gallery.sort.likes", post["likes"], lang),
        comments=_counted("count.comments", "ui.gallery.sort.comments", post["comments"], lang),
        date=format_datetime(post["taken_at"].astimezone(tz), lang, time_format="short"),
    )
    if post["type"] == "video" and post.get("views") is not None:
        counts += " · " + t("ui.post.views", lang, count=post["views"], views=post["views"])
    st.caption(counts)
    if post["tagged_users"]:
        st.text(t("ui.post.tagged", lang, users=", ".join("@" + u for u in post["tagged_users"])))
    st.link_button(t("ui.post.link", lang), post["url"], icon=":material/open_in_new:")
    if post["caption_history"]:
        with st.expander(t("ui.post.history", lang)):
            for old in post["caption_history"]:
                st.caption(
                    t(
                        "ui.post.replaced",
                        lang,
                        when=format_datetime(old["replaced_at"].astimezone(tz), lang, time_format="short"),
                    )
                )
                st.text(old["caption"] or "")
    thread(post["thread"], shortcode, lang)


def thread(comments: list[ThreadComment], shortcode: str, lang: str) -> None:
    """The post's comments, oldest first, a page of them at a time, each with its replies under it."""
    st.subheader(t("ui.post.thread", lang))
    if not comments:
        st.caption(t("ui.post.thread_none", lang))
        return
    pages = page_count(len(comments), THREAD_PAGE)
    number = 1
    if pages > 1:
        number = int(st.number_input(t("ui.post.thread_page", lang), 1, pages, 1, key=f"thread-{shortcode}"))
    shown = comments[(number - 1) * THREAD_PAGE : number * THREAD_PAGE]
    st.caption(t("ui.post.thread_count", lang, count=len(comments), shown=len(shown), total=len(comments)))
    tz = zone()
    for comment in shown:
        _comment(comment, tz, lang)
        if comment["replies"]:
            _, replies = st.columns([1, 24])
            with replies:
                for reply in comment["replies"]:
                    _comment(reply, tz, lang)


def _comment(comment: ThreadComment, tz: tzinfo, lang: str) -> None:
    """Author, time, likes and whether it vanished (as inert Markdown), then the text as plain text:
    both come from whoever commented."""
    meta = [
        "@" + (comment["owner"] or "?"),
        format_datetime(comment["created_at"].astimezone(tz), lang, time_format="short"),
        f"♥ {_n(comment['likes'], lang)}",
    ]
    if comment["deleted_at"] is not None:
        when = format_datetime(comment["deleted_at"].astimezone(tz), lang, time_format="short")
        meta.append(t("ui.post.comment_deleted", lang, when=when))
    st.caption(inert(" · ".join(meta)))
    st.text(comment["text"])


def _n(value: object, lang: str) -> str:
    """A count as ``lang`` writes it, or a dash where Instagram did not tell it."""
    return "—" if value is None or pd.isna(value) else format_number(int(value), lang)  # type: ignore[call-overload]


def _counted(key: str, label: str, value: object, lang: str) -> str:
    """The plural message ``key`` ("12 likes"), or "Likes: —" where Instagram did not tell the count."""
    if value is None or pd.isna(value):
        return f"{t(label, lang)}: —"
    return t(key, lang, count=int(value))  # type: ignore[call-overload]
