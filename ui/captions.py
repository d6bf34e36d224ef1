"""The captions page: full-text search, top hashtags and mentions, caption length, common words."""

from __future__ import annotations

import streamlit as st

from i18n import t
from insights import captions
from insights.charts import column_labels
from insights.search import RESULTS
from ui import data
from ui.common import chart, csv_download, pick_account
from ui.state import language, timezone


def page() -> None:
    lang = language()
    username = pick_account()
    if username is None:
        return
    query = st.text_input(t("ui.captions.search", lang), key="caption_query")
    found, total = data.search(query, [username], RESULTS, 0)
    st.caption(t("ui.captions.matches", lang, count=total))
    # Captions are user content: a dataframe shows them as plain text.
    table = found.assign(taken_at=found.taken_at.dt.tz_convert(timezone())).drop(columns=["post_id"])
    st.dataframe(table, hide_index=True, width="stretch", column_config=column_labels(table.columns, lang))
    csv_download(table, f"{username}-captions", "captions-csv")

    posts = data.posts([username])
    if posts.empty:
        return
    left, right = st.columns(2)
    for column, kind in ((left, "hashtags"), (right, "mentions")):
        with column:
            st.subheader(t(f"ui.captions.{kind}", lang))
            tags = data.top_tags(username, kind)
            chart(captions.top_tags_chart(tags, kind, lang))
            csv_download(tags, f"{username}-{kind}", f"{kind}-csv")
    st.subheader(t("ui.captions.length", lang))
    lengths = captions.caption_length_over_time(posts, timezone())
    chart(captions.caption_length_chart(lengths, lang))
    csv_download(lengths, f"{username}-caption-length", "length-csv")
    st.subheader(t("ui.captions.words", lang))
    words = data.top_words(username)
    chart(captions.top_words_chart(words, lang))
    csv_download(words, f"{username}-words", "words-csv")
