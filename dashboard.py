"""The dashboard's entry: page set-up, sidebar and navigation; the pages live in ``ui/``."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import accounts, captions, compare, engagement, frequency, gallery, profile, sidebar
from ui.state import language

st.set_page_config(page_title="Instagram archive", page_icon="📷", layout="wide")
lang = language()
sidebar.render()
pages = [
    st.Page(
        profile.page,
        title=t("ui.page.profile", lang),
        url_path="profile",
        icon=":material/person:",
        default=True,
    ),
    st.Page(
        gallery.page, title=t("ui.page.gallery", lang), url_path="gallery", icon=":material/photo_library:"
    ),
    st.Page(captions.page, title=t("ui.page.captions", lang), url_path="captions", icon=":material/notes:"),
    st.Page(
        frequency.page,
        title=t("ui.page.frequency", lang),
        url_path="frequency",
        icon=":material/calendar_month:",
    ),
    st.Page(
        engagement.page,
        title=t("ui.page.engagement", lang),
        url_path="engagement",
        icon=":material/favorite:",
    ),
    st.Page(
        compare.page, title=t("ui.page.compare", lang), url_path="compare", icon=":material/compare_arrows:"
    ),
    st.Page(
        accounts.page, title=t("ui.accounts.heading", lang), url_path="accounts", icon=":material/table:"
    ),
]
st.navigation(pages).run()
