"""The Changes page: what syncs saw change on an account, or on every account of a group or of the
archive (``/changes?account=NAME``, ``/changes?group=NAME``), newest first, by kind. Old and new
values are what people wrote (names, biographies, captions, comments): shown as plain text only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import t
from insights import changes
from insights.accounts import Revisions
from insights.data import post_url
from scraper.store.changes import FOLLOWER_MINIMUM, FOLLOWER_THRESHOLD, PRIVATE
from ui import data
from ui.common import chart, csv_download, listed_accounts, url_picker
from ui.state import accounts_in_url, archive, language, set_accounts_in_url, timezone

# The columns of the table and of its download, in order.
SHOWN = ["detected_at", "username", "kind", "shortcode", "old", "new", "url"]
PICKED = "changes_account"  # the account picker's state ("": every account of the view)


@st.cache_data(show_spinner=False, max_entries=16)
def _changes(db_url: str, usernames: tuple[str, ...], revs: Revisions) -> pd.DataFrame:
    with archive().sessions() as session:
        return changes.changes_frame(session, list(usernames))


def account_changes(usernames: list[str]) -> pd.DataFrame:
    """The accounts' changes, newest first; read again whenever one of the accounts is written."""
    return _changes(archive().settings.db_url, tuple(sorted(usernames)), data.revisions(usernames))


def _scope(lang: str) -> tuple[list[str], str] | None:
    """The accounts looked at: the one in ``?account=``, else every account of the group picked (or of
    the archive); and the name of the view, for downloads. None when there is none."""
    found = listed_accounts()
    if found is None:
        return None
    listed, group, place = found
    wanted = next((a for a in accounts_in_url() if a in listed), "")
    picked = url_picker(
        place, ["", *listed], wanted, PICKED, format_func=lambda name: name or t("ui.changes.all", lang)
    )
    if picked and [picked] != accounts_in_url():
        set_accounts_in_url([picked])
    elif not picked and accounts_in_url():
        st.query_params.pop("account", None)
    if picked:
        return [str(picked)], str(picked)
    return listed, group or "all"


def page() -> None:
    lang = language()
    scope = _scope(lang)
    if scope is None:
        return
    usernames, name = scope
    st.caption(t("ui.changes.note", lang, threshold=FOLLOWER_THRESHOLD, minimum=FOLLOWER_MINIMUM))
    found = account_changes(usernames)
    if found.empty:
        st.info(t("ui.changes.none", lang))
        return
    present = [k for k in changes.KINDS if k in set(found["kind"])]
    kinds = st.multiselect(
        t("ui.changes.kinds", lang),
        present,
        default=present,
        format_func=lambda kind: changes.kind_label(kind, lang),
        key="changes_kinds",
    )
    shown = found[found["kind"].isin(kinds)]
    tz = timezone()

    st.subheader(t("ui.changes.per_week", lang, tz=tz))
    weeks = changes.changes_per_week(shown, tz)
    chart(changes.changes_chart(weeks, lang))

    st.caption(t("ui.changes.count", lang, count=len(shown)))
    table = _table(shown, tz, lang)
    # User-written values: a dataframe shows them as plain text, never as Markdown or HTML.
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            **{column: t(f"ui.changes.col.{column}", lang) for column in SHOWN},
            "detected_at": st.column_config.DatetimeColumn(
                t("ui.changes.col.detected_at", lang), format="YYYY-MM-DD HH:mm"
            ),
            "url": st.column_config.LinkColumn(t("ui.changes.col.url", lang), display_text="↗"),
        },
    )
    csv_download(table, f"{name}-changes", "changes-csv")


def _table(found: pd.DataFrame, tz: str, lang: str) -> pd.DataFrame:
    """The changes as shown and downloaded: times in ``tz``, kinds by name, each post's link."""
    private = found["kind"] == PRIVATE
    found = found.assign(
        old=found["old"].where(~private, found["old"].map(lambda v: _visibility(v, lang))),
        new=found["new"].where(~private, found["new"].map(lambda v: _visibility(v, lang))),
    )
    table = found.assign(
        detected_at=found["detected_at"].dt.tz_convert(tz),
        kind=found["kind"].map(lambda kind: changes.kind_label(str(kind), lang)),
        url=found["shortcode"].map(lambda code: post_url(code) if isinstance(code, str) else None),
    )
    return table[SHOWN]


def _visibility(value: object, lang: str) -> object:
    """ "private" or "public" in ``lang``."""
    return t(f"changes.value.{value}", lang) if value in ("private", "public") else value
