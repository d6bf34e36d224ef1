"""What every page shares: the archive (one engine per process) and the chosen language."""

from __future__ import annotations

import streamlit as st

from i18n import LANGUAGES, normalize_language
from scraper.config import Settings, load_settings
from scraper.service import Archive


@st.cache_resource
def _open(settings: Settings) -> Archive:
    return Archive(settings)


def archive() -> Archive:
    """The archive named by DATABASE_URL / MEDIA_DIR (or the defaults), opened once per process."""
    return _open(load_settings())


def language() -> str:
    """The UI language: chosen in the sidebar, else the browser's."""
    if "lang" not in st.session_state:
        st.session_state.lang = normalize_language(st.context.locale)
    return str(st.session_state.lang)


def language_picker() -> None:
    """The sidebar's language switch."""
    current = language()
    labels = {"en": "English", "es": "Español"}
    st.sidebar.selectbox(
        "Language / Idioma",
        LANGUAGES,
        index=LANGUAGES.index(current),
        format_func=labels.__getitem__,
        key="lang",
    )
