"""The search page: one search over the captions and comments of every stored account, or of a
group's (``/search?q=txosna&group=ermua-clubs``): the matches per week by account, then the matches
themselves, newest first, a page at a time. Texts and names come from whoever wrote them: they are
shown as plain text, or made inert."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from i18n import format_date, format_datetime, t
from insights.data import post_url
from insights.matches import KINDS, matches_chart, weekly_matches
from insights.search import search_words
from ui import data, gallery
from ui.common import Place, chart, choice, csv_download, image, pick_group
from ui.sidebar import accounts
from ui.state import language, timezone, zone
from ui.text import inert

PAGE = 20  # matches shown at a time
THUMB = 96  # px
FIRST_DAY = date(2010, 10, 6)  # Instagram's first day: the period picker goes back no further


def page() -> None:
    shortcode = st.query_params.get("post")
    if shortcode:  # a match opened: its post in full, thread included
        gallery.detail(shortcode, back="ui.search.back")
        return
    lang = language()
    stored = list(accounts().username)
    if not stored:
        st.info(t("ui.pick.none", lang))
        return
    group, place = pick_group()
    usernames = stored
    if group is not None:
        usernames = [a for a in data.groups().get(group, []) if a in stored]
        if not usernames:
            st.info(inert(t("ui.group.empty", lang, group=group)))
            return
    query = _query(place, lang)
    period = _period(lang)
    if group is None:
        st.caption(t("ui.search.scope_all", lang, count=len(usernames)))
    else:
        st.caption(inert(t("ui.search.scope_group", lang, count=len(usernames), group=group)))
    if not search_words(query):
        st.info(t("ui.search.hint", lang))
        return
    weeks = data.town_weeks(query, usernames, period)
    if weeks.empty:
        st.info(t("ui.search.none", lang))
        return
    prefix = f"{group}-search" if group else "search"

    st.subheader(t("ui.search.per_week", lang))
    kind = choice(t("ui.search.kind", lang), KINDS, "all", "ui.search.kind.", key="search_kind")
    summed = weekly_matches(weeks, kind, lang)
    chart(matches_chart(summed, lang))
    csv_download(weeks, f"{prefix}-per-week", "search-weeks-csv")

    st.subheader(t("ui.search.results", lang))
    _results(query, usernames, period, int(weeks["matches"].sum()), lang)
    tz = timezone()
    csv_download(lambda: _table(data.town_matches(query, usernames, period), tz), prefix, "search-csv")


def _query(place: Place, lang: str) -> str:
    """The search box, its text kept in the URL (``?q=``) so a link reopens the same search."""
    if "search_query" not in st.session_state:
        st.session_state.search_query = st.query_params.get("q", "")
    query = str(place.text_input(t("ui.search.query", lang), key="search_query"))
    if query != st.query_params.get("q", ""):
        if query:
            st.query_params["q"] = query
        else:
            st.query_params.pop("q", None)
    return query


def _period(lang: str) -> data.Period:
    """The days picked (both included, in the chosen time zone), kept in the URL (``?since=``,
    ``?until=``), as the instants search_all keeps: since <= time < until."""
    tz = zone()
    left, right, _ = st.columns([1, 1, 2])
    ends: list[datetime | None] = []
    for column, name, extra in ((left, "since", 0), (right, "until", 1)):
        wanted = _day(st.query_params.get(name))
        picked = column.date_input(
            t(f"ui.search.{name}", lang), wanted, min_value=FIRST_DAY, key=f"search_{name}"
        )
        day = picked if isinstance(picked, date) else None
        text = day.isoformat() if day else None
        if text != st.query_params.get(name):
            if text:
                st.query_params[name] = text
            else:
                st.query_params.pop(name, None)
        ends.append(None if day is None else datetime.combine(day + timedelta(days=extra), time(), tz))
    return ends[0], ends[1]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _results(query: str, usernames: list[str], period: data.Period, total: int, lang: str) -> None:
    """A page of the ``total`` matches, newest first: the post's thumbnail, who wrote it where and
    when, the text (plain text), and links to the post on Instagram and in the dashboard."""
    pages = max(1, -(-total // PAGE))
    number = 1
    if pages > 1:
        number = int(st.number_input(t("ui.search.page", lang), 1, pages, 1))
    offset = (number - 1) * PAGE
    found = data.town_search(query, usernames, period, PAGE, offset)
    first = offset + 1 if len(found) else 0
    st.caption(t("ui.search.shown", lang, count=total, first=first, last=offset + len(found), total=total))
    tz = zone()
    for match in found.itertuples():
        picture, words, links = st.columns([1, 7, 2])
        with picture:
            if not image(match.thumb if isinstance(match.thumb, str) else None, width=THUMB):
                st.caption(t("ui.gallery.no_image", lang))
        meta = [
            t("ui.search.caption", lang, user=match.username)
            if match.kind == "caption"
            else t("ui.search.comment", lang, owner=match.owner or "?", user=match.username),
            format_datetime(match.created_at.tz_convert(tz), lang, time_format="short"),
        ]
        if not pd.isna(match.deleted_at):
            meta.append(t("ui.search.deleted", lang, when=format_date(match.deleted_at.tz_convert(tz), lang)))
        words.caption(inert(" · ".join(meta)))
        words.text(match.text)
        links.link_button(t("ui.post.link", lang), post_url(match.shortcode), icon=":material/open_in_new:")
        key = f"search-open-{match.kind}-{match.shortcode}-{'' if pd.isna(match.id) else match.id}"
        if links.button(t("ui.gallery.open", lang), key=key):
            st.query_params["post"] = match.shortcode
            st.rerun()


def _table(found: pd.DataFrame, tz: str) -> pd.DataFrame:
    """The matches as downloaded: times in the chosen time zone, and each post's link."""
    return found.assign(
        created_at=found["created_at"].dt.tz_convert(tz),
        deleted_at=found["deleted_at"].dt.tz_convert(tz),
        url=found["shortcode"].map(post_url),
    )
