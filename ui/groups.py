"""The groups section of the accounts page: make a group of stored accounts, change its members, delete
it. The pages then pick a group beside the account (``?group=NAME``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import t
from scraper.errors import ScraperError
from scraper.store import groups as stored_groups
from ui import data
from ui.sidebar import accounts
from ui.state import archive, language
from ui.text import inert

NEW = ""  # the editor's choice that makes a new group


def group_editor() -> None:
    """The groups with their members, and a form to make, change or delete one."""
    lang = language()
    st.subheader(t("ui.groups.heading", lang))
    st.caption(t("ui.groups.how", lang))
    if "group_note" in st.session_state:  # what the last change did, said after its rerun
        st.success(inert(st.session_state.pop("group_note")))
    found = data.groups()
    if found:
        # Names are shown by st.dataframe, as plain text.
        st.dataframe(
            pd.DataFrame(
                {
                    t("ui.groups.group", lang): list(found),
                    t("ui.groups.count", lang): [len(m) for m in found.values()],
                    t("ui.groups.members", lang): [", ".join(m) for m in found.values()],
                }
            ),
            hide_index=True,
        )
    if "group_edit_next" in st.session_state:  # set by a change, before the widget exists
        st.session_state.group_edit = st.session_state.pop("group_edit_next")
    if st.session_state.get("group_edit") not in (NEW, *found):  # deleted elsewhere
        st.session_state.group_edit = NEW
    editing = st.selectbox(
        t("ui.groups.edit", lang),
        [NEW, *found],
        format_func=lambda name: name or t("ui.groups.new", lang),
        key="group_edit",
    )
    stored = [str(u) for u in accounts().username]
    if editing == NEW:
        _new_group(stored, set(found), lang)
    else:
        _edit_group(editing, found[editing], stored, lang)


def _new_group(stored: list[str], existing: set[str], lang: str) -> None:
    with st.form("group_new", border=False, clear_on_submit=True):
        name = st.text_input(
            t("ui.groups.name", lang), placeholder="ermua-clubs", help=t("ui.groups.name_help", lang)
        )
        chosen = st.multiselect(t("ui.groups.members", lang), stored)
        if not st.form_submit_button(t("ui.groups.create", lang), type="primary"):
            return
    try:
        checked = stored_groups.group_name(name)
        if checked in existing:
            st.error(inert(t("ui.groups.exists", lang, group=checked)))
            return
        with archive().sessions() as session:
            stored_groups.add(session, checked, chosen)
    except ScraperError as err:  # a bad name, or an account deleted meanwhile
        st.error(inert(err.message(lang)))
        return
    _done(t("ui.groups.created", lang, group=checked, count=len(chosen)), checked)


def _edit_group(name: str, members: list[str], stored: list[str], lang: str) -> None:
    # Keyed by the group and its members, so another group, or members changed elsewhere, start afresh.
    with st.form(f"group-{name}-{'|'.join(members)}", border=False):
        chosen = st.multiselect(
            t("ui.groups.members", lang), stored, default=[m for m in members if m in stored]
        )
        save = st.form_submit_button(t("ui.groups.save", lang), type="primary")
    if st.button(
        t("ui.groups.delete", lang), key=f"group-delete-{name}", help=t("ui.groups.delete_help", lang)
    ):
        try:
            with archive().sessions() as session:
                stored_groups.remove(session, name)
        except ScraperError as err:  # deleted meanwhile
            st.error(inert(err.message(lang)))
            return
        _done(t("ui.groups.deleted", lang, group=name), NEW)
    if not save:
        return
    taken_out = [m for m in members if m not in chosen]
    try:
        with archive().sessions() as session:
            stored_groups.add(session, name, chosen)
            if taken_out:
                stored_groups.remove(session, name, taken_out)
    except ScraperError as err:
        st.error(inert(err.message(lang)))
        return
    _done(t("ui.groups.saved", lang, group=name, count=len(chosen)), name)


def _done(note: str, editing: str) -> None:
    """Say what changed after the rerun that shows it, with ``editing`` chosen in the editor."""
    st.session_state.group_note = note
    st.session_state.group_edit_next = editing
    st.rerun()
