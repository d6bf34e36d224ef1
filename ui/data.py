"""Cached reads for the pages. Every cache key holds the revisions of the accounts it reads (one
indexed query per call, ``insights.accounts.revisions``): whatever process stores something of an
account, its data is read again on the next rerun, and the cached data of every other account stays."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import pandas as pd
import streamlit as st

from insights import accounts, captions, comments, compare, data, matches, network, reposts
from insights.accounts import Revisions
from insights.search import (
    count_comment_matches,
    count_matches,
    matches_per_week,
    search_captions,
    search_comments,
)
from scraper.store import groups as stored_groups
from ui.state import archive

T = TypeVar("T")


def revisions(usernames: list[str] | tuple[str, ...]) -> Revisions:
    """The accounts' revisions as stored now: the part of a cache key that says what is current."""
    with archive().sessions() as session:
        return accounts.revisions(session, usernames)


@st.cache_resource(show_spinner=False, max_entries=128)
def _kept(db_url: str, what: tuple[object, ...], _build: Callable[[], T]) -> T:
    return _build()


def kept(what: tuple[object, ...], build: Callable[[], T]) -> T:
    """What ``build`` makes of data read here (a frame, a chart), kept for every rerun and session
    while ``what`` is the same: ``what`` names it with everything it depends on, the ``revisions`` of
    the accounts it comes from included. Shared: do not modify it. A rerun that changes nothing then
    builds nothing again (the heaviest pages' frames and charts cost 0.1 s at 20,000 posts)."""
    return _kept(archive().settings.db_url, what, build)


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
    return posts_at(usernames)[0]


def posts_at(usernames: list[str]) -> tuple[pd.DataFrame, Revisions]:
    """Every stored post of the accounts (shared: do not modify it in place), and the revisions it
    is of: what ``kept`` keys on for what is made of these posts."""
    revs = revisions(usernames)
    return _posts(archive().settings.db_url, tuple(sorted(usernames)), revs), revs


@st.cache_data(show_spinner=False, max_entries=8)
def _compared(
    db_url: str, usernames: tuple[str, ...], revs: Revisions
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with archive().sessions() as session:
        return (
            compare.post_times(session, usernames),
            compare.engagement_of(session, usernames),
            compare.type_mix_of(session, usernames),
        )


def compared(usernames: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What the Compare page draws of the accounts, read by the database and not through every post:
    their posts' times, the engagement per account and the mix of post types."""
    return _compared(archive().settings.db_url, tuple(sorted(usernames)), revisions(usernames))


@st.cache_data(show_spinner=False, max_entries=32)
def _posts_among(db_url: str, username: str, post_ids: tuple[int, ...], revs: Revisions) -> pd.DataFrame:
    with archive().sessions() as session:
        return data.posts_frame(session, [username], post_ids=list(post_ids))


def posts_among(username: str, post_ids: list[int]) -> pd.DataFrame:
    """The account's posts among ``post_ids``, as ``posts`` has them: for a page that shows a few posts
    without reading all of them (the 20,000 posts of an account took 0.5-0.9 s)."""
    key = tuple(sorted(post_ids))
    return _posts_among(archive().settings.db_url, username, key, revisions([username]))


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


@dataclass(frozen=True)
class GroupReads:
    """What the Community page reads of a group on its first load: the network with every kind and
    weight, the hashtags several members share, the first one's months, and the hashed pictures."""

    network: network.Network
    hashtags: pd.DataFrame
    months: pd.DataFrame  # how the members used the first of ``hashtags`` (the one picked at first)
    hashed: int


# A resource, not data: shared by every session without being copied (pickled) on each rerun; pages
# never modify it. The reads run in two lanes at once, each on a connection of its own (SQLite and
# PostgreSQL answer readers side by side): the comments and the hashed pictures on one; on the other,
# the posts' mentions, tags and hashtags in one statement (``network.post_lists``), which give the
# network its mentions and tags, the shared hashtags and the first one's months.
@st.cache_resource(show_spinner=False, max_entries=8)
def _group_reads(db_url: str, members: tuple[str, ...], revs: Revisions) -> GroupReads:
    sessions = archive().sessions
    names = list(members)

    def talk() -> tuple[network.Network, int]:
        with sessions() as session:
            return network.network(session, names, kinds=("comment",)), reposts.hashed_count(session, names)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="community-read") as pool:
        talked = pool.submit(talk)
        with sessions() as session:
            lists = network.post_lists(session, names)
            named = network.network(session, names, kinds=("mention", "tag"), lists=lists)
            shared = network.shared_hashtags(session, names, lists=lists)
            months = network.hashtag_months(session, names, list(shared["hashtag"][:1]), lists=lists)
        commented, hashed = talked.result()
        return GroupReads(network.merged(commented, named), shared, months, hashed)


def _reads(members: list[str]) -> GroupReads:
    return _group_reads(archive().settings.db_url, tuple(sorted(members)), revisions(members))


@st.cache_resource(show_spinner=False, max_entries=16)
def _filtered(
    db_url: str, members: tuple[str, ...], kinds: tuple[str, ...], min_weight: int, revs: Revisions
) -> network.Network:
    whole = _group_reads(db_url, members, revs).network
    return network.filtered(whole, kinds=kinds, min_weight=min_weight)


def group_network(members: list[str], kinds: list[str], min_weight: int) -> network.Network:
    """The network of the accounts ``members`` with edges of ``kinds`` weighing at least ``min_weight``
    (shared: do not modify it)."""
    key, wanted = tuple(sorted(members)), tuple(sorted(kinds))
    if set(wanted) == set(network.KINDS) and min_weight <= 1:
        return _reads(members).network
    return _filtered(archive().settings.db_url, key, wanted, min_weight, revisions(members))


def shared_hashtags(members: list[str]) -> pd.DataFrame:
    """The hashtags two or more of the accounts ``members`` used (shared: do not modify it)."""
    return _reads(members).hashtags


@st.cache_data(show_spinner=False, max_entries=32)
def _hashtag_months(
    db_url: str, members: tuple[str, ...], hashtags: tuple[str, ...], revs: Revisions
) -> pd.DataFrame:
    with archive().sessions() as session:
        return network.hashtag_months(session, list(members), hashtags)


def hashtag_months(members: list[str], hashtags: list[str]) -> pd.DataFrame:
    """How the accounts ``members`` used ``hashtags`` month by month (do not modify it)."""
    reads = _reads(members)
    tags = tuple(sorted(set(hashtags)))
    if list(tags) == list(reads.hashtags["hashtag"][:1]):
        return reads.months
    return _hashtag_months(archive().settings.db_url, tuple(sorted(members)), tags, revisions(members))


def group_hashed(members: list[str]) -> int:
    """How many of the accounts' pictures have a hash (what looking for reposts compares)."""
    return _reads(members).hashed


@st.cache_data(show_spinner=False, max_entries=16)
def _reposts(db_url: str, members: tuple[str, ...], revs: Revisions) -> tuple[pd.DataFrame, int]:
    with archive().sessions() as session:
        sets = reposts.repost_sets(session, usernames=members)
        unhashed = reposts.unhashed_count(session, members)
    rows = [
        (number, post.username, post.shortcode, post.taken_at)
        for number, found in enumerate(reversed(sets), start=1)
        for post in found
    ]
    frame = pd.DataFrame(rows, columns=["set", "username", "shortcode", "taken_at"])
    frame["taken_at"] = pd.to_datetime(frame["taken_at"], utc=True)
    return frame, unhashed


def group_reposts(members: list[str]) -> tuple[pd.DataFrame, int]:
    """The sets of the accounts' posts whose pictures are the same or nearly, one row per post
    (``set``, ``username``, ``shortcode``, ``taken_at``), newest set first (by its first post), each set
    oldest first; and how many of their pictures have no hash yet (not compared)."""
    return _reposts(archive().settings.db_url, tuple(sorted(members)), revisions(members))


@st.cache_data(show_spinner=False, max_entries=32)
def _thumbnails(
    db_url: str, members: tuple[str, ...], shortcodes: tuple[str, ...], revs: Revisions
) -> dict[str, str]:
    with archive().sessions() as session:
        return matches.thumbnails(session, list(shortcodes))


def thumbnails(members: list[str], shortcodes: list[str]) -> dict[str, str]:
    """The thumbnail of each of the accounts' posts ``shortcodes`` (one query), by shortcode."""
    key, codes = tuple(sorted(members)), tuple(sorted(set(shortcodes)))
    return _thumbnails(archive().settings.db_url, key, codes, revisions(members))


# The search page's reads: ``usernames`` are the accounts searched (all stored ones, or a group's),
# so the key holds their revisions; the period's ends are aware datetimes or None.
Period = tuple[datetime | None, datetime | None]


@st.cache_data(show_spinner=False, max_entries=32)
def _town_weeks(
    db_url: str, query: str, usernames: tuple[str, ...], period: Period, revs: Revisions
) -> pd.DataFrame:
    with archive().sessions() as session:
        return matches_per_week(session, query, usernames=usernames, since=period[0], until=period[1])


def town_weeks(query: str, usernames: list[str], period: Period) -> pd.DataFrame:
    """The captions and comments of the accounts matching ``query``, counted per week, account and kind."""
    key = tuple(sorted(usernames))
    return _town_weeks(archive().settings.db_url, query, key, period, revisions(usernames))


@st.cache_data(show_spinner=False, max_entries=64)
def _town_search(
    db_url: str,
    query: str,
    usernames: tuple[str, ...],
    period: Period,
    limit: int,
    offset: int,
    revs: Revisions,
) -> pd.DataFrame:
    with archive().sessions() as session:
        since, until = period
        frame = matches.matches_frame(
            session, query, usernames=usernames, since=since, until=until, limit=limit, offset=offset
        )
        thumbs = matches.thumbnails(session, list(frame["shortcode"]))  # one query for the page
        frame["thumb"] = frame["shortcode"].map(thumbs)
        return frame


def town_search(query: str, usernames: list[str], period: Period, limit: int, offset: int) -> pd.DataFrame:
    """A page of the captions and comments of the accounts matching ``query``, newest first, each with
    its post's thumbnail (``thumb``, missing without one). How many match in all is the sum of
    ``town_weeks``, which the page has read already: counting them again cost a second pass over every
    match (1 s for a frequent word over 20 accounts at 5,000,000 comments on PostgreSQL)."""
    key = tuple(sorted(usernames))
    return _town_search(archive().settings.db_url, query, key, period, limit, offset, revisions(usernames))


@st.cache_data(show_spinner=False, max_entries=8)
def _town_matches(
    db_url: str, query: str, usernames: tuple[str, ...], period: Period, revs: Revisions
) -> pd.DataFrame:
    with archive().sessions() as session:
        return matches.matches_frame(session, query, usernames=usernames, since=period[0], until=period[1])


def town_matches(query: str, usernames: list[str], period: Period) -> pd.DataFrame:
    """Every caption and comment of the accounts matching ``query`` (for a download), newest first."""
    key = tuple(sorted(usernames))
    return _town_matches(archive().settings.db_url, query, key, period, revisions(usernames))
