"""The sidebar: start a sync in the background and follow it, the stored accounts, and logging in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from i18n import format_datetime, t
from insights.accounts import accounts_frame, archive_revision
from scraper import errors
from scraper.config import normalize_username
from scraper.errors import ScraperError
from scraper.instagram.browser import BROWSERS, login_from_browser
from scraper.instagram.login import (
    Login,
    PendingTwoFactor,
    begin_login,
    import_session,
    saved_users,
    session_path,
)
from scraper.records import SyncStatus
from scraper.store import writes
from scraper.sync import SyncOptions, SyncPhase
from scraper.workers.inprocess import SyncRunner
from scraper.workers.jobs import SyncJob
from ui.state import (
    archive,
    language,
    runner,
    set_accounts_in_url,
    set_group_in_url,
    sidebar_settings,
    zone,
)
from ui.text import inert

# The accounts the sidebar lists at once: with more, a box finds the others by name. A button per
# account on every rerun costs (200 accounts: about 0.12 s of each rerun) and helps no one find one.
LISTED = 12


@st.cache_data(show_spinner=False, max_entries=8)
def stored_accounts(db_url: str, revision: tuple[int, int]) -> pd.DataFrame:
    """The stored accounts; ``revision`` (how many accounts, the sum of their revisions) is in the key,
    so what any process stores shows on the next rerun."""
    with archive().sessions() as session:
        return accounts_frame(session)


def accounts() -> pd.DataFrame:
    """The stored accounts, for the sidebar, the start page and the account pickers."""
    with archive().sessions() as session:
        revision = archive_revision(session)
    return stored_accounts(archive().settings.db_url, revision)


def render() -> None:
    """The whole sidebar."""
    lang = language()
    with st.sidebar:
        sidebar_settings()
        st.subheader(t("ui.sync.heading", lang))
        with st.form("sync", clear_on_submit=False, border=False):
            name = st.text_input(
                t("ui.sync.account", lang), placeholder="ermua.udala", help=t("ui.sync.account_help", lang)
            )
            comments = st.checkbox(t("ui.sync.comments", lang), help=t("ui.sync.comments_help", lang))
            if st.form_submit_button(t("ui.sync.start", lang), type="primary"):
                start_sync(name, comments=comments, remember=True)
        if runner().jobs():
            progress_panel()
        account_list()
        login_panel()


def _login_choice() -> Login | None:
    user = st.session_state.get("sync_as")
    if not user:
        return None
    path = session_path(archive().settings, user)
    return Login(user, path) if path.is_file() else None


def start_sync(name: str, *, comments: bool, remember: bool = False) -> None:
    """Queue a sync of ``name`` (with its comments), or show why it can't be. ``remember``: the
    account's later syncs from the account list read comments or not, as this one."""
    lang = language()
    login = _login_choice()
    try:
        username = normalize_username(name)
        if comments and login is None:
            raise errors.LoginNeeded("error.comments_login", user=username)
        if remember:
            with archive().sessions() as session:
                writes.remember_comments(session, username, comments)
                session.commit()
        job = runner().start(username, SyncOptions(comments=comments), login=login)
    except ScraperError as err:  # a bad name; or, with Celery workers, no job queue to send it to
        st.error(inert(err.message(lang)))
        return
    set_accounts_in_url([job.username])
    set_group_in_url(None)  # the account may be in no group: show it among all of them
    st.rerun()  # from the top, so the progress panel (drawn above the buttons) shows the new job


def _progress_text(job: SyncJob, lang: str) -> tuple[str, float | None]:
    progress = job.progress
    user = job.username
    if job.status == SyncStatus.QUEUED:
        key = "ui.sync.queued" if isinstance(runner(), SyncRunner) else "ui.sync.queued_worker"
        return t(key, lang, user=user), None
    if progress.wait_until is not None and progress.wait_seconds:
        left = max(0, round((progress.wait_until - datetime.now(progress.wait_until.tzinfo)).total_seconds()))
        return t("ui.sync.waiting", lang, user=user, seconds=left), None
    if progress.phase == SyncPhase.PROFILE:
        return t("ui.sync.profile", lang, user=user), None
    if progress.phase == SyncPhase.COMMENTS and progress.total:
        text = t(
            "ui.sync.comments_progress",
            lang,
            count=progress.total,
            user=user,
            done=progress.done,
            total=progress.total,
        )
        return text, min(progress.done / progress.total, 1.0)
    if progress.phase == SyncPhase.MEDIA and progress.media_total:
        text = t("ui.sync.media", lang, user=user, done=progress.media_done, total=progress.media_total)
        return text, progress.media_done / progress.media_total
    if progress.total:
        text = t(
            "ui.sync.posts", lang, count=progress.total, user=user, done=progress.done, total=progress.total
        )
        return text, min(progress.done / progress.total, 1.0)
    return t("ui.sync.posts_unknown", lang, count=progress.done, user=user, done=progress.done), None


def progress_panel() -> None:
    """Running syncs refresh every second; a finished one reruns the page once to show its data."""
    if runner().active():
        _live_progress()
    else:
        _job_outcomes()


@st.fragment(run_every=1.0)
def _live_progress() -> None:
    lang = language()
    active = runner().active()
    if not active:
        st.rerun(scope="app")
    for job in active:
        text, fraction = _progress_text(job, lang)
        st.progress(fraction if fraction is not None else 0.0, text=text)
        if st.button(t("ui.sync.cancel", lang), key=f"cancel-{job.username}"):
            runner().cancel(job.username)
    _job_outcomes()


def _job_outcomes() -> None:
    lang = language()
    for job in runner().jobs()[:5]:
        if not job.finished or st.session_state.get(f"seen-{job.username}-{job.queued_at}"):
            continue
        if job.error is not None:
            st.error(inert(job.message(lang) or ""))
            with st.expander(t("ui.sync.details", lang)):
                for line in job.details:
                    st.text(line)
                st.text(t("ui.sync.details_log", lang, log=errors.log_file))
        elif job.result is not None:
            st.success(
                t(
                    "ui.sync.done",
                    lang,
                    user=job.username,
                    new=t("count.new_posts", lang, count=job.result.new),
                    updated=t("count.updated_posts", lang, count=job.result.updated),
                )
            )


def matching_accounts(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """The accounts of ``frame`` whose user name or name holds ``text``, in any case (all for no text)."""
    wanted = text.strip().casefold()
    if not wanted:
        return frame
    names = frame["username"].str.casefold() + "\n" + frame["full_name"].fillna("").str.casefold()
    return frame[names.str.contains(wanted, regex=False)]


def account_list() -> None:
    """The stored accounts with post counts and last sync, each with an update button."""
    lang = language()
    frame = accounts()
    if frame.empty:
        return
    st.subheader(t("ui.accounts.heading", lang))
    if len(frame) > LISTED:
        text = st.text_input(
            t("ui.accounts.find", lang), key="account_filter", help=t("ui.accounts.find_help", lang)
        )
        found = matching_accounts(frame, text)
        if found.empty:
            st.caption(inert(t("ui.accounts.none_found", lang, text=text.strip())))
        elif len(found) > LISTED:
            st.caption(t("ui.accounts.shown", lang, count=len(found), shown=LISTED))
        frame = found.head(LISTED)
    tz = zone()
    for row in frame.itertuples():
        when = (
            format_datetime(row.last_sync.astimezone(tz), lang, time_format="short")
            if pd.notna(row.last_sync)
            else "—"
        )
        left, right = st.columns([3, 2], vertical_alignment="center")
        if left.button(str(row.username), key=f"open-{row.username}", type="tertiary"):
            set_accounts_in_url([str(row.username)])
            set_group_in_url(None)
        left.caption(t("ui.accounts.posts_short", lang, count=row.posts, posts=row.posts, when=when))
        if right.button(t("ui.sync.update", lang), key=f"update-{row.username}"):
            start_sync(str(row.username), comments=bool(row.comments))


def login_panel() -> None:
    """Optional login: with a password (and a two-factor code), an uploaded session file, or the login of
    a browser on this computer."""
    lang = language()
    settings = archive().settings
    with st.expander(t("ui.login.heading", lang)):
        st.caption(t("ui.login.why", lang))
        if "sync_as_next" in st.session_state:  # set by a login, before the widget exists
            st.session_state.sync_as = st.session_state.pop("sync_as_next")
        users = saved_users(settings)
        if users:
            labels = {"": t("ui.sync.anonymous", lang)} | {u: u for u in users}
            st.selectbox(t("ui.sync.as", lang), list(labels), format_func=labels.__getitem__, key="sync_as")
        pending = st.session_state.get("pending_login")
        if isinstance(pending, PendingTwoFactor):
            with st.form("two_factor", border=False):
                code = st.text_input(t("ui.login.code", lang), max_chars=8)
                if st.form_submit_button(t("ui.login.code_submit", lang)):
                    _finish(lambda: pending.finish(settings, code), pending.user)
            return
        with st.form("login", border=False, clear_on_submit=True):
            user = st.text_input(t("ui.login.user", lang))
            password = st.text_input(t("ui.login.password", lang), type="password")
            if st.form_submit_button(t("ui.login.submit", lang)):
                _finish(lambda: begin_login(settings, user, password), user)
        with st.form("upload", border=False, clear_on_submit=True):
            st.caption(t("ui.login.upload", lang))
            upload_user = st.text_input(t("ui.login.user", lang), key="upload_user")
            upload = st.file_uploader(t("ui.login.upload", lang), label_visibility="collapsed")
            if st.form_submit_button(t("ui.login.upload_submit", lang)) and upload is not None:
                _finish(lambda: import_session(settings, upload_user, upload.getvalue()), upload_user)
        with st.form("browser_login", border=False):
            st.caption(t("ui.login.browser", lang), help=t("ui.login.browser_help", lang))
            browser = st.selectbox(
                t("ui.login.browser_pick", lang),
                list(BROWSERS),
                format_func=BROWSERS.__getitem__,
                key="browser_pick",
            )
            profile = st.text_input(
                t("ui.login.browser_profile", lang),
                help=t("ui.login.browser_profile_help", lang),
                key="browser_profile",
            ).strip()
            if st.form_submit_button(t("ui.login.browser_submit", lang), key="browser_submit"):
                folder = Path(profile).expanduser() if profile else None
                _finish(lambda: login_from_browser(settings, browser, folder), "")


def _finish(action: object, user: str) -> None:
    lang = language()
    try:
        outcome = action()  # type: ignore[operator]
    except ScraperError as err:
        st.session_state.pop("pending_login", None)
        st.error(inert(err.message(lang)))
        return
    if isinstance(outcome, PendingTwoFactor):
        st.session_state.pending_login = outcome
        st.rerun()
    st.session_state.pop("pending_login", None)
    st.session_state.sync_as_next = outcome.name.removeprefix("session-")
    st.toast(t("ui.login.done", lang, user=st.session_state.sync_as_next))
    st.rerun()
