"""The stored accounts as a table, and their revisions: what the dashboard keys its caches on."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scraper.store import writes
from scraper.store.models import Group, GroupMember, Post, Profile

# A cache key: the (username, revision) of each stored profile asked for, sorted. It changes
# whenever any process writes something the pages show of one of those accounts, and only then.
Revisions = tuple[tuple[str, int], ...]


def revisions(session: Session, usernames: Iterable[str]) -> Revisions:
    """The revisions of the accounts ``usernames`` (one indexed query); a name not stored is absent."""
    names = sorted(set(usernames))
    if not names:
        return ()
    rows = session.execute(select(Profile.username, Profile.revision).where(Profile.username.in_(names)))
    return tuple(sorted((str(name), int(revision)) for name, revision in rows))


def post_revision(session: Session, shortcode: str) -> int | None:
    """The revision of the account of post ``shortcode``; None while it is not stored."""
    query = (
        select(Profile.revision).join(Post, Post.profile_id == Profile.id).where(Post.shortcode == shortcode)
    )
    return session.scalar(query)


def archive_revision(session: Session) -> tuple[int, int]:
    """A key of the whole list of accounts: how many there are and the sum of their revisions, so it
    changes when an account is added or any account's revision grows."""
    count, total = session.execute(select(func.count(), func.coalesce(func.sum(Profile.revision), 0))).one()
    return int(count), int(total)


def groups_revision(session: Session) -> tuple[object, ...]:
    """A key of every group with its members (two small queries): how many groups and memberships there
    are, the newest of each, and the sum of the members' revisions (so a renamed member shows too)."""
    groups = select(func.count(), func.max(Group.created_at)).select_from(Group)
    members = select(
        func.count(), func.max(GroupMember.added_at), func.coalesce(func.sum(Profile.revision), 0)
    )
    members = members.select_from(GroupMember).join(Profile, Profile.id == GroupMember.profile_id)
    group_count, newest_group = session.execute(groups).one()
    member_count, newest_member, revision_sum = session.execute(members).one()
    return int(group_count), newest_group, int(member_count), newest_member, int(revision_sum)


def accounts_frame(session: Session) -> pd.DataFrame:
    """One row per stored account: username, name, posts stored, followers, last sync and its status."""
    profiles = list(session.scalars(select(Profile).order_by(Profile.username)))
    # The last run of each listed account only: runs of names never stored are not read.
    runs = writes.last_runs(session, [p.username for p in profiles])
    rows = []
    for profile in profiles:
        run = runs.get(profile.username)
        rows.append(
            {
                "username": profile.username,
                "full_name": profile.full_name,
                "is_demo": profile.is_demo,
                "posts": profile.posts_stored,
                "followers": profile.followers,
                "last_sync": profile.last_synced_at,
                "status": run.status if run else None,
                "comments": profile.sync_comments,
            }
        )
    columns = ["username", "full_name", "is_demo", "posts", "followers", "last_sync", "status", "comments"]
    return pd.DataFrame(rows, columns=columns)
