"""The Community page: a group's network (who its accounts mention, tag and hear from), the people who
connect most of its accounts, and the hashtags they share."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from i18n import t
from insights import community, network
from insights.charts import column_labels
from ui import data
from ui.common import chart, csv_download, pick_group
from ui.sidebar import accounts
from ui.state import language
from ui.text import inert

# How many people around the group the chart shows at first (the members are always shown).
TOP = 50
TOP_MAX = 300


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
    net = data.group_network(members, list(kinds), int(min_weight))
    if net.edges:
        drawn, hidden = community.shown(net, int(top))
        st.caption(
            t("ui.community.shown", lang, nodes=len(drawn.nodes), edges=len(drawn.edges), hidden=hidden)
        )
        chart(community.network_chart(drawn, lang))
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
    linked = network.connectors(net)
    if linked.empty:
        st.info(t("ui.community.no_connectors", lang))
    else:
        st.dataframe(
            linked, hide_index=True, width="stretch", column_config=column_labels(linked.columns, lang)
        )
        csv_download(linked, f"{group}-connectors", "community-connectors-csv")

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
    chart(community.hashtag_months_chart(months, str(picked), lang))
    csv_download(months, f"{group}-hashtag-months", "community-months-csv")


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
