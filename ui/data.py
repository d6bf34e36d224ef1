"""Cached reads for the pages. Every cache key holds the write generation, so what a sync stores
shows on the next rerun, and nothing else is read twice."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from insights import captions, data
from insights.search import count_matches, search_captions
from ui.state import archive, generation


# A resource, not data: shared by every session without being copied on each rerun (pages never
# modify it; filters and sorts make new frames). At 100,000 posts a copy cost 0.4 s and 260 MB.
@st.cache_resource(show_spinner=False, max_entries=8)
def _posts(db_url: str, usernames: tuple[str, ...], gen: int) -> pd.DataFrame:
    with archive().sessions() as session:
        return data.posts_frame(session, list(usernames))


def posts(usernames: list[str]) -> pd.DataFrame:
    """Every stored post of the accounts (shared: do not modify it in place)."""
    return _posts(archive().settings.db_url, tuple(sorted(usernames)), generation())


@st.cache_data(show_spinner=False, max_entries=32)
def _top_words(db_url: str, username: str, gen: int) -> pd.DataFrame:
    return captions.top_words(posts([username]))


def top_words(username: str) -> pd.DataFrame:
    """The account's most used words (counting them takes a while at thousands of posts)."""
    return _top_words(archive().settings.db_url, username, generation())


@st.cache_data(show_spinner=False, max_entries=64)
def _top_tags(db_url: str, username: str, kind: str, gen: int) -> pd.DataFrame:
    return captions.top_tags(posts([username]), kind)


def top_tags(username: str, kind: str) -> pd.DataFrame:
    """The account's top hashtags or mentions with their engagement."""
    return _top_tags(archive().settings.db_url, username, kind, generation())


@st.cache_data(show_spinner=False, max_entries=32)
def _profile(db_url: str, username: str, gen: int) -> dict[str, Any] | None:
    with archive().sessions() as session:
        return data.profile_summary(session, username)


def profile(username: str) -> dict[str, Any] | None:
    """The account's profile and counts."""
    return _profile(archive().settings.db_url, username, generation())


@st.cache_data(show_spinner=False, max_entries=16)
def _snapshots(db_url: str, usernames: tuple[str, ...], gen: int) -> pd.DataFrame:
    with archive().sessions() as session:
        return data.snapshots_frame(session, list(usernames))


def snapshots(usernames: list[str]) -> pd.DataFrame:
    """The accounts' counts at every sync."""
    return _snapshots(archive().settings.db_url, tuple(sorted(usernames)), generation())


@st.cache_data(show_spinner=False, max_entries=16)
def _metrics(db_url: str, usernames: tuple[str, ...], gen: int) -> pd.DataFrame:
    with archive().sessions() as session:
        return data.metrics_frame(session, list(usernames))


def metrics(usernames: list[str]) -> pd.DataFrame:
    """The posts' counts at every sync."""
    return _metrics(archive().settings.db_url, tuple(sorted(usernames)), generation())


@st.cache_data(show_spinner=False, max_entries=64)
def _post(db_url: str, shortcode: str, gen: int) -> dict[str, Any] | None:
    with archive().sessions() as session:
        return data.post_detail(session, shortcode)


def post(shortcode: str) -> dict[str, Any] | None:
    """One post with its media and caption history."""
    return _post(archive().settings.db_url, shortcode, generation())


@st.cache_data(show_spinner=False, max_entries=64)
def _search(
    db_url: str, query: str, usernames: tuple[str, ...], limit: int, offset: int, gen: int
) -> tuple[pd.DataFrame, int]:
    with archive().sessions() as session:
        frame = search_captions(session, query, usernames=list(usernames), limit=limit, offset=offset)
        return frame, count_matches(session, query, list(usernames))


def search(query: str, usernames: list[str], limit: int, offset: int) -> tuple[pd.DataFrame, int]:
    """Captions matching ``query`` (a page of them) and how many match in all."""
    return _search(archive().settings.db_url, query, tuple(sorted(usernames)), limit, offset, generation())
