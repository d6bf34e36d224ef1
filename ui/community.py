"""The Community page: a group's network (who its accounts mention, tag and hear from), the people who
connect most of its accounts, the hashtags they share, and the pictures they posted again (reposts)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from i18n import format_datetime, t
from insights import community, network
from insights.accounts import Revisions
from insights.charts import column_labels
from insights.data import post_url
from insights.reposts import THRESHOLD
from ui import data
from ui.common import chart, csv_download, image, pick_group
from ui.report import report_panel
from ui.sidebar import accounts
from ui.state import language, timezone
from ui.text import inert

# How many people around the group the chart shows at first (the members are always shown).
TOP = 50
TOP_MAX = 300
REPOST_PAGE = 10  # sets of reposts shown at a time
REPOST_ROW = 4  # posts side by side in a set (more wrap to the next row)
THUMB = 160  # px


def page() -> None:
    lang = language()
    group, _ = pick_group()
    if group is None:
        st.info(t("ui.community.pick_group", lang))
        return
    stored = set(accounts().username)
    members = [a for a in data.groups().get(group, []) if a in stored]
    if not members:
        st.info(inert(t("ui.group.empty", lang, group=group)))
        return
    st.caption(inert(t("ui.community.members", lang, count=len(members), group=group)))

    st.subheader(t("ui.community.network", lang))
    left, middle, right = st.columns(3)
    kinds = left.multiselect(
        t("ui.community.kinds", lang),
        network.KINDS,
        default=list(network.KINDS),
        format_func=lambda kind: t(f"chart.kind.{kind}", lang),
        key="community_kinds",
    )
    min_weight = middle.number_input(
        t("ui.community.min_weight", lang),
        min_value=1,
        value=1,
        step=1,
        help=t("ui.community.min_weight_help", lang),
        key="community_min_weight",
    )
    top = right.slider(t("ui.community.top", lang), 0, TOP_MAX, TOP, step=10, key="community_top")
    # What the network is made of: what is drawn of it is kept until one of these changes. Read before
    # the network, so a sync landing in between can only make the next rerun draw it again.
    revs = data.revisions(members)
    key = (tuple(sorted(members)), tuple(sorted(kinds)), int(min_weight), revs)
    net = data.group_network(members, list(kinds), int(min_weight))
    if net.edges:
        drawn, hidden = data.kept(("community.shown", *key, int(top)), lambda: community.shown(net, int(top)))
        drawing = data.kept(
            ("community.chart", *key, int(top), lang), lambda: community.network_chart(drawn, lang)
        )
        st.caption(
            t(
                "ui.community.shown",
                lang,
                nodes=t("count.accounts", lang, count=len(drawn.nodes)),
                edges=t("count.links", lang, count=len(drawn.edges)),
                hidden=t("count.people", lang, count=hidden),
            )
        )
        chart(drawing)
    else:
        st.info(t("ui.community.no_edges", lang))
    files = st.columns(2)
    for place, format, mime in [
        (files[0], "gexf", "application/gexf+xml"),
        (files[1], "graphml", "application/xml"),
    ]:
        with place:
            _file_download(partial(network.serialize, net, format), group, format, mime, lang)
    st.caption(t("ui.community.files", lang))

    st.subheader(t("ui.community.connectors", lang))
    linked = data.kept(("community.connectors", *key), lambda: network.connectors(net))
    if linked.empty:
        st.info(t("ui.community.no_connectors", lang))
    else:
        st.dataframe(
            linked, hide_index=True, width="stretch", column_config=column_labels(linked.columns, lang)
        )
        csv_download(linked, f"{group}-connectors", "community-connectors-csv")

    _hashtags(group, members, revs, lang)
    _reposts(group, members, lang)
    report_panel(None, group)


def _hashtags(group: str, members: list[str], revs: Revisions, lang: str) -> None:
    """The hashtags several members used, and a chosen one's posts per month by member."""
    st.subheader(t("ui.community.hashtags", lang))
    shared = data.shared_hashtags(members)
    if shared.empty:
        st.info(t("ui.community.no_hashtags", lang))
        return
    st.dataframe(shared, hide_index=True, width="stretch", column_config=column_labels(shared.columns, lang))
    csv_download(shared, f"{group}-hashtags", "community-hashtags-csv")
    picked = st.selectbox(t("ui.community.hashtag", lang), list(shared["hashtag"]), key="community_hashtag")
    if picked is None:
        return
    months = data.hashtag_months(members, [str(picked)])
    drawn = data.kept(
        ("community.months", tuple(sorted(members)), str(picked), revs, lang),
        lambda: community.hashtag_months_chart(months, str(picked), lang),
    )
    chart(drawn)
    csv_download(months, f"{group}-hashtag-months", "community-months-csv")


# Up to this many pictures with a hash, the page looks for reposts at once (well under a second).
AUTO_COMPARE = 20_000


def _reposts(group: str, members: list[str], lang: str) -> None:
    """The sets of the members' posts whose pictures are the same or nearly, newest set first, a page
    at a time: each set's posts side by side, oldest first (who posted it first), with the account,
    the time (chosen time zone), the thumbnail and a link to Instagram."""
    st.subheader(t("ui.community.reposts", lang))
    hashed = data.group_hashed(members)
    asked = f"community_reposts_{group}"
    if hashed > AUTO_COMPARE and not st.session_state.get(asked):
        # Comparing a big group's pictures takes seconds (2 s for 100,000): only when asked, once per
        # session and group; the result is cached for every session until a member's data changes.
        st.caption(t("ui.community.reposts_many", lang, count=hashed))
        if not st.button(t("ui.community.reposts_compare", lang), key="community_reposts_compare"):
            return
        st.session_state[asked] = True
    found, unhashed = data.group_reposts(members)
    if unhashed:
        st.warning(t("ui.community.reposts_unhashed", lang, count=unhashed))
    if found.empty:
        st.info(t("ui.community.no_reposts", lang))
        return
    tz = timezone()
    shown = found.assign(taken_at=found["taken_at"].dt.tz_convert(tz))
    total = int(shown["set"].max())
    pages = max(1, -(-total // REPOST_PAGE))
    number = 1
    if pages > 1:
        number = int(
            st.number_input(t("ui.community.reposts_page", lang), 1, pages, 1, key="community_reposts_page")
        )
    first = (number - 1) * REPOST_PAGE + 1
    last = min(total, first + REPOST_PAGE - 1)
    st.caption(t("ui.community.reposts_shown", lang, first=first, last=last, total=total))
    page = shown[shown["set"].between(first, last)]
    thumbs = data.thumbnails(members, list(page["shortcode"]))  # one query for the page
    for _, posts in page.groupby("set", sort=True):
        with st.container(border=True):
            _repost_set(posts, thumbs, lang)
    csv_download(
        shown.assign(url=shown["shortcode"].map(post_url)), f"{group}-reposts", "community-reposts-csv"
    )
    st.caption(t("ui.community.reposts_about", lang, count=THRESHOLD, bits=THRESHOLD))


def _repost_set(posts: pd.DataFrame, thumbs: dict[str, str], lang: str) -> None:
    """One set's posts side by side, oldest first, ``REPOST_ROW`` to a row."""
    rows = list(posts.itertuples())
    st.caption(t("ui.community.repost_set", lang, count=len(rows)))
    for start in range(0, len(rows), REPOST_ROW):
        for place, post in zip(st.columns(REPOST_ROW), rows[start : start + REPOST_ROW], strict=False):
            with place:
                if not image(thumbs.get(str(post.shortcode)), width=THUMB):
                    st.caption(t("ui.gallery.no_image", lang))
                when = format_datetime(post.taken_at, lang, time_format="short")
                st.caption(inert(f"{post.username} · {when}"))
                if post is rows[0]:
                    st.caption(t("ui.community.repost_first", lang))
                st.link_button(
                    t("ui.post.link", lang), post_url(str(post.shortcode)), icon=":material/open_in_new:"
                )


def _file_download(build: Callable[[], bytes], group: str, format: str, mime: str, lang: str) -> None:
    """A button that downloads the network as ``format`` (built only when clicked)."""
    st.download_button(
        t(f"ui.community.{format}", lang),
        build,
        file_name=f"{group}-network.{format}",
        mime=mime,
        key=f"community-{format}",
        icon=":material/download:",
        on_click="ignore",
    )
