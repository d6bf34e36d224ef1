"""What every page shares: the archive and its sync runner (one per process), the language, the
time zone and the accounts or group being looked at (kept in the URL, so a link reopens the same view)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import streamlit as st

from i18n import LANGUAGES, normalize_language, t
from scraper.archive import Archive
from scraper.config import Settings, load_settings, path_under
from scraper.errors import BadInput
from scraper.logs import setup_logging
from scraper.workers.runners import Runner, make_runner

DEFAULT_TZ = "Europe/Madrid"
LANGUAGE_NAMES = {"en": "English", "es": "Español", "eu": "Euskara"}


@st.cache_resource
def _open(settings: Settings) -> tuple[Archive, Runner]:
    setup_logging(settings.log_dir)  # details and tracebacks of background syncs go to the log file
    archive = Archive(settings)
    return archive, make_runner(archive)


def archive() -> Archive:
    """The archive named by DATABASE_URL / MEDIA_DIR (or the defaults), opened once per process."""
    return _open(load_settings())[0]


def runner() -> Runner:
    """Where syncs run: a background thread of this process, or Celery workers (SCRAPER_BROKER_URL)."""
    return _open(load_settings())[1]


def language() -> str:
    """The UI language: chosen in the sidebar, else the browser's."""
    if "lang" not in st.session_state:
        st.session_state.lang = normalize_language(st.context.locale)
    return str(st.session_state.lang)


def timezone() -> str:
    """The time zone dates are shown in: chosen in the sidebar, else the browser's."""
    if "tz" not in st.session_state:
        browser = st.context.timezone
        st.session_state.tz = browser if browser in available_timezones() else DEFAULT_TZ
    return str(st.session_state.tz)


def zone() -> ZoneInfo:
    return ZoneInfo(timezone())


def accounts_in_url() -> list[str]:
    """The accounts of the view, from ``?account=a&account=b``."""
    return [a for a in st.query_params.get_all("account") if a]


def set_accounts_in_url(usernames: list[str]) -> None:
    st.query_params["account"] = usernames


def group_in_url() -> str | None:
    """The group of the view, from ``?group=NAME``, as typed (not checked)."""
    return st.query_params.get("group") or None


def set_group_in_url(name: str | None) -> None:
    if name:
        st.query_params["group"] = name
    else:
        st.query_params.pop("group", None)


def media_file(relative: str | None) -> Path | None:
    """The file under the media root, or None: never a path outside it, never a missing file."""
    if not relative:
        return None
    try:
        path = path_under(archive().settings.media_dir, relative)
    except BadInput:
        return None
    return path if path.is_file() else None


def sidebar_settings() -> None:
    """Language and time zone pickers."""
    lang = language()
    st.sidebar.selectbox(
        t("ui.language", lang), LANGUAGES, format_func=LANGUAGE_NAMES.__getitem__, key="lang"
    )
    timezone()
    st.sidebar.selectbox(t("ui.timezone", lang), sorted(available_timezones()), key="tz")
