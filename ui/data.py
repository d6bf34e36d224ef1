"""Cached reads for the pages. Every cache key holds the revisions of the accounts it reads (one
indexed query per call, ``insights.accounts.revisions``): whatever process stores something of an
account, its data is read again on the next rerun, and the cached data of every other account stays."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from insights import accounts, captions, comments, data
from insights.accounts import Revisions
from insights.search import count_comment_matches, count_matches, search_captions, search_comments
from scraper.store import groups as stored_groups
from ui.state import archive


def revisions(usernames: list[str] | tuple[str, ...]) -> Revisions:
    """The accounts' revisions as stored now: the part of a cache key that says what is current."""
    with archive().sessions() as session:
        return accounts.revisions(session, usernames)


@st.cache_data(show_spinner=False, max_entries=8)
def _groups(db_url: str, revision: tuple[object, ...]) -> dict[str, list[str]]:
    with archive().sessions() as session:
        return stored_groups.groups(session)


def groups() -> dict[str, list[str]]:
    """Every group with its members' user names, by name. Keyed on ``insights.accounts.groups_revision``,
    so a group changed by any process (another dashboard, ``python -m scraper groups``) shows on the
    next rerun."""
    with archive().sessions() as session:
        revision = accounts.groups_revision(session)
    return _groups(archive().settings.db_url, revision)


# A resource, not data: shared by every session without being copied on each rerun (pages never
# modify it; filters and sorts make new frames). At 100,000 posts a copy cost 0.4 s and 260 MB.
@st.cache_resource(show_spinner=False, max_entries=8)
def _posts(db_url: str, usernames: tuple[str, ...], revs: Revisions) -> pd.DataFrame:
    with archive().sessions() as session:
        return data.posts_frame(session, list(usernames))


def posts(usernames: list[str]) -> pd.DataFrame:
    """Every stored post of the accounts (shared: do not modify it in place)."""
    return _posts(archive().settings.db_url, tuple(sorted(usernames)), revisions(usernames))


@st.cache_data(show_spinner=False, max_entries=32)
def _top_words(db_url: str, username: str, revs: Revisions) -> pd.DataFrame:
    return captions.top_words(posts([username]))


def top_words(username: str) -> pd.DataFrame:
    """The account's most used words (counting them takes a while at thousands of posts)."""
    return _top_words(archive().settings.db_url, username, revisions([username]))


@st.cache_data(show_spinner=False, max_entries=64)
def _top_tags(db_url: str, username: str, kind: str, revs: Revisions) -> pd.DataFrame:
    return captions.top_tags(posts([username]), kind)


def top_tags(username: str, kind: str) -> pd.DataFrame:
    """The account's top hashtags or mentions with their engagement."""
    return _top_tags(archive().settings.db_url, username, kind, revisions([username]))


@st.cache_data(show_spinner=False, max_entries=32)
def _profile(db_url: str, username: str, revs: Revisions) -> data.ProfileSummary | None:
    with archive().sessions() as session:
        return data.profile_summary(session, username)


def profile(username: str) -> data.ProfileSummary | None:
    """The account's profile and counts."""
    return _profile(archive().settings.db_url, username, revisions([username]))


@st.cache_data(show_spinner=False, max_entries=16)
def _snapshots(db_url: str, usernames: tuple[str, ...], revs: Revisions) -> pd.DataFrame:
    with archive().sessions() as session:
        return data.snapshots_frame(session, list(usernames))


def snapshots(usernames: list[str]) -> pd.DataFrame:
    """The accounts' counts at every sync."""
    return _snapshots(archive().settings.db_url, tuple(sorted(usernames)), revisions(usernames))


@st.cache_data(show_spinner=False, max_entries=16)
def _metrics(db_url: str, usernames: tuple[str, ...], revs: Revisions) -> pd.DataFrame:
    with archive().sessions() as session:
        return data.metrics_frame(session, list(usernames))


def metrics(usernames: list[str]) -> pd.DataFrame:
    """The posts' counts at every sync."""
    return _metrics(archive().settings.db_url, tuple(sorted(usernames)), revisions(usernames))


@st.cache_data(show_spinner=False, max_entries=64)
def _post(db_url: str, shortcode: str, revision: int | None) -> data.PostDetail | None:
    with archive().sessions() as session:
        return data.post_detail(session, shortcode)


def post(shortcode: str) -> data.PostDetail | None:
    """One post with its media, caption history and comments (keyed on its account's revision)."""
    with archive().sessions() as session:
        revision = accounts.post_revision(session, shortcode)
    return _post(archive().settings.db_url, shortcode, revision)


@st.cache_data(show_spinner=False, max_entries=64)
def _search(
    db_url: str, query: str, usernames: tuple[str, ...], limit: int, offset: int, revs: Revisions
) -> tuple[pd.DataFrame, int]:
    with archive().sessions() as session:
        frame = search_captions(session, query, usernames=list(usernames), limit=limit, offset=offset)
        return frame, count_matches(session, query, list(usernames))


def search(query: str, usernames: list[str], limit: int, offset: int) -> tuple[pd.DataFrame, int]:
    """Captions matching ``query`` (a page of them) and how many match in all."""
    key = tuple(sorted(usernames))
    return _search(archive().settings.db_url, query, key, limit, offset, revisions(usernames))


@st.cache_data(show_spinner=False, max_entries=32)
def _comment_stats(db_url: str, username: str, revs: Revisions) -> comments.CommentStats | None:
    with archive().sessions() as session:
        return comments.comment_stats(session, username)


def comment_stats(username: str) -> comments.CommentStats | None:
    """What the comments page shows of the account (figures, weeks, people, answers, posts, deleted)."""
    return _comment_stats(archive().settings.db_url, username, revisions([username]))


@st.cache_data(show_spinner=False, max_entries=64)
def _comment_search(
    db_url: str, query: str, profile_id: int, limit: int, offset: int, revs: Revisions
) -> tuple[pd.DataFrame, int]:
    with archive().sessions() as session:
        frame = search_comments(session, query, profile_id, limit=limit, offset=offset)
        return frame, count_comment_matches(session, query, profile_id)


def comment_search(
    query: str, username: str, profile_id: int, limit: int, offset: int
) -> tuple[pd.DataFrame, int]:
    """The account's comments matching ``query`` (a page of them) and how many match in all."""
    revs = revisions([username])
    return _comment_search(archive().settings.db_url, query, profile_id, limit, offset, revs)
