"""The dashboard's entry: page set-up, sidebar and navigation; the pages live in ``ui/``."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import (
    accounts,
    captions,
    changes,
    comments,
    community,
    compare,
    engagement,
    frequency,
    gallery,
    profile,
    search,
    sidebar,
)
from ui.state import language

lang = language()
st.set_page_config(page_title=t("ui.title", lang), page_icon="📷", layout="wide")
sidebar.render()
# (page, title key, URL path, icon); the first is the start page, at the root URL.
PAGES = [
    (accounts.page, "ui.accounts.heading", None, "table"),
    (profile.page, "ui.page.profile", "profile", "person"),
    (gallery.page, "ui.page.gallery", "gallery", "photo_library"),
    (captions.page, "ui.page.captions", "captions", "notes"),
    (comments.page, "ui.page.comments", "comments", "forum"),
    (frequency.page, "ui.page.frequency", "frequency", "calendar_month"),
    (engagement.page, "ui.page.engagement", "engagement", "favorite"),
    (compare.page, "ui.page.compare", "compare", "compare_arrows"),
    (search.page, "ui.page.search", "search", "search"),
    (community.page, "ui.page.community", "community", "hub"),
    (changes.page, "ui.page.changes", "changes", "history"),
]
st.navigation(
    [
        st.Page(page, title=t(key, lang), url_path=path, icon=f":material/{icon}:", default=path is None)
        for page, key, path, icon in PAGES
    ]
).run()
