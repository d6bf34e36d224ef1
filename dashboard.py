"""The dashboard's entry: page set-up, sidebar and navigation; the pages live in ``ui/``."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import accounts
from ui.state import language, language_picker

st.set_page_config(page_title="Instagram archive", page_icon="📷", layout="wide")
language_picker()
st.title(t("ui.title", language()))
st.navigation([st.Page(accounts.page, title=t("ui.accounts.heading", language()), url_path="accounts")]).run()
