"""Widgets several pages use: the account and group pickers (kept in the URL), CSV downloads, safe
images."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from i18n import t
from insights.charts import localized
from scraper.errors import BadInput
from scraper.store.groups import group_name
from ui import data
from ui.sidebar import accounts
from ui.state import (
    accounts_in_url,
    group_in_url,
    language,
    media_file,
    set_accounts_in_url,
    set_group_in_url,
)
from ui.text import inert

# Where a picker is drawn: the page itself, or a column beside the group picker.
Place = DeltaGenerator


def pick_group() -> tuple[str | None, Place]:
    """The group of the view, from ``?group=NAME`` (a name not stored is said so, and dropped from the
    URL), picked in a selector drawn beside the account picker once some group exists; and where the
    account picker goes. None: no group."""
    lang = language()
    stored = data.groups()
    raw = group_in_url()
    wanted: str | None = None
    if raw is not None:
        try:
            wanted = group_name(raw)
        except BadInput:
            wanted = None
        if wanted not in stored:
            st.warning(inert(t("ui.group.unknown", lang, group=raw[:70])))
            wanted = None
    if not stored:
        if raw is not None:
            set_group_in_url(None)
        return None, st.container()
    left, right = st.columns([1, 3])
    options = ["", *stored]
    picked = left.selectbox(
        t("ui.pick.group", lang),
        options,
        index=options.index(wanted or ""),
        format_func=lambda name: name or t("ui.pick.no_group", lang),
    )
    if (picked or None) != raw:
        set_group_in_url(picked or None)
    return picked or None, right


# The account picker's state (``url_picker`` keeps the account it last put in the URL beside it).
_ACCOUNT = "picked_account"


def listed_accounts() -> tuple[list[str], str | None, DeltaGenerator] | None:
    """The stored accounts a page may pick from (only the group's members when a group is picked),
    the group, and where the account picker goes; None, with a note shown, when there is none."""
    lang = language()
    stored = list(accounts().username)
    if not stored:
        st.info(t("ui.pick.none", lang))
        return None
    group, place = pick_group()
    listed = stored
    if group is not None:
        listed = [a for a in data.groups().get(group, []) if a in stored]
        if not listed:
            st.info(inert(t("ui.group.empty", lang, group=group)))
            return None
    return listed, group, place


def url_picker(
    place: DeltaGenerator,
    options: list[str],
    current: str,
    key: str,
    format_func: Callable[[str], str] = str,
) -> str:
    """An account picker over ``options`` starting at ``current`` (what the URL names). It keeps its
    own state under ``key``, taken from the URL only when the URL changed from elsewhere (a link,
    another page): a default taken from the URL on every run would make a new widget after each
    pick, and the next pick would be lost."""
    seen = f"{key}_url"
    if st.session_state.get(seen) != current or st.session_state.get(key) not in options:
        st.session_state[key] = current
    choice = str(place.selectbox(t("ui.pick.account", language()), options, key=key, format_func=format_func))
    st.session_state[seen] = choice
    return choice


def pick_account() -> str | None:
    """The account the page shows: from the URL, else the first stored one. With a group picked, the
    picker lists only the group's members."""
    found = listed_accounts()
    if found is None:
        return None
    listed, _, place = found
    wanted = [a for a in accounts_in_url() if a in listed]
    choice = url_picker(place, listed, wanted[0] if wanted else listed[0], _ACCOUNT)
    if [choice] != accounts_in_url():
        set_accounts_in_url([choice])
    return choice


def account_posts() -> tuple[str, pd.DataFrame] | None:
    """The picked account and its posts; None (with a note shown) when there is nothing to show."""
    username = pick_account()
    if username is None:
        return None
    posts = data.posts([username])
    if posts.empty:
        st.info(t("ui.no_posts", language()))
        return None
    return username, posts


def pick_accounts() -> list[str]:
    """Several accounts (for comparing): a group's members when one is picked, else from the URL, else
    the first five stored."""
    lang = language()
    stored = list(accounts().username)
    if not stored:
        st.info(t("ui.pick.none", lang))
        return []
    group, place = pick_group()
    if group is not None:
        members = [a for a in data.groups().get(group, []) if a in stored]
        # Shown, not editable: the link names the group, so it always compares its current members.
        place.multiselect(t("ui.pick.accounts", lang), stored, default=members, disabled=True)
        st.caption(inert(t("ui.group.comparing", lang, group=group, count=len(members))))
        return members
    wanted = [a for a in accounts_in_url() if a in stored] or stored[:5]
    chosen = place.multiselect(t("ui.pick.accounts", lang), stored, default=wanted)
    if chosen != accounts_in_url():
        set_accounts_in_url(chosen)
    return [str(c) for c in chosen]


def choice(
    label: str, options: Sequence[str], default: str, key_prefix: str, *, key: str | None = None
) -> str:
    """One of ``options`` as buttons side by side, labelled from the catalog (``key_prefix`` + option)."""
    lang = language()
    picked = st.segmented_control(
        label, options, default=default, format_func=lambda o: t(f"{key_prefix}{o}", lang), key=key
    )
    return str(picked or default)


# A text cell a spreadsheet would read as a formula ("=HYPERLINK(...)", "+1", "@SUM"), or that starts
# with a tab or carriage return, gets a leading apostrophe: spreadsheets show it as text (OWASP's advice
# against CSV injection). Captions and comments are written by anyone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text cells that a spreadsheet would run as formulas turned into plain text;
    numbers, dates and other cells are left as they are."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return safe


def csv_download(frame: pd.DataFrame | Callable[[], pd.DataFrame], name: str, key: str) -> None:
    """A button that downloads ``frame`` as CSV (UTF-8 with BOM, so spreadsheets read accents; text
    that would run as a formula is kept as text, ``spreadsheet_safe``); a function giving the frame is
    called only when the button is clicked."""
    st.download_button(
        t("ui.download_csv", language()),
        # Built only when clicked: every page has several of these, and reruns should stay cheap.
        lambda: (
            spreadsheet_safe(frame() if callable(frame) else frame).to_csv(index=False).encode("utf-8-sig")
        ),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def image(relative: str | None, *, width: Literal["stretch", "content"] | int = "stretch") -> bool:
    """Show a file from under the media root; False (and nothing shown) if there is none."""
    path = media_file(relative)
    if path is None:
        return False
    st.image(str(path), width=width)
    return True


AnyChart = alt.Chart | alt.LayerChart | alt.HConcatChart | alt.VConcatChart | alt.FacetChart | alt.ConcatChart


def chart(spec: AnyChart) -> None:
    """An Altair chart, full width, with Altair's export menu; numbers written the UI language's way."""
    st.altair_chart(localized(spec, language()), width="stretch")
