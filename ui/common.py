"""Widgets several pages use: the account picker (kept in the URL), CSV downloads, safe images."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import altair as alt
import pandas as pd
import streamlit as st

from i18n import t
from ui import data
from ui.sidebar import accounts
from ui.state import accounts_in_url, language, media_file, set_accounts_in_url


def pick_account() -> str | None:
    """The account the page shows: from the URL, else the first stored one."""
    lang = language()
    stored = list(accounts().username)
    if not stored:
        st.info(t("ui.pick.none", lang))
        return None
    wanted = [a for a in accounts_in_url() if a in stored]
    current = wanted[0] if wanted else stored[0]
    choice = st.selectbox(t("ui.pick.account", lang), stored, index=stored.index(current))
    if [choice] != accounts_in_url():
        set_accounts_in_url([choice])
    return str(choice)


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
    """Several accounts (for comparing): from the URL, else every stored one."""
    lang = language()
    stored = list(accounts().username)
    if not stored:
        st.info(t("ui.pick.none", lang))
        return []
    wanted = [a for a in accounts_in_url() if a in stored] or stored[:5]
    chosen = st.multiselect(t("ui.pick.accounts", lang), stored, default=wanted)
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


def csv_download(frame: pd.DataFrame, name: str, key: str) -> None:
    """A button that downloads ``frame`` as CSV (UTF-8 with BOM, so spreadsheets read accents)."""
    st.download_button(
        t("ui.download_csv", language()),
        # Built only when clicked: every page has several of these, and reruns should stay cheap.
        lambda: frame.to_csv(index=False).encode("utf-8-sig"),
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
    """An Altair chart, full width, with Altair's export menu."""
    st.altair_chart(spec, width="stretch")
