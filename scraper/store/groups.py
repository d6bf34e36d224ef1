"""Groups of stored accounts: a town's accounts looked at together.

A group's name is 1 to 64 of lowercase letters, digits, ".", "_" and "-", starting with a letter or
digit (so it reads well in a URL: ``?group=ermua-clubs``). Members are stored accounts, kept by
profile, so a renamed account stays in its groups; an account may be in several groups.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scraper.config import normalize_username
from scraper.errors import AccountNotFound, BadInput
from scraper.store.models import Group, GroupMember, Profile

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def group_name(raw: str) -> str:
    """The group name in ``raw`` (case ignored), or BadInput."""
    value = raw.strip()
    if not value.isascii() or not NAME.fullmatch(value.lower()):
        raise BadInput("error.bad_group", value=raw[:70])
    return value.lower()


def _profiles(session: Session, usernames: list[str]) -> dict[str, int]:
    """The profile ids of the stored accounts ``usernames`` (checked), or AccountNotFound for the first
    one not stored."""
    names = [normalize_username(u) for u in usernames]
    rows = session.execute(select(Profile.username, Profile.id).where(Profile.username.in_(names)))
    found = {username: profile_id for username, profile_id in rows}
    for name in names:
        if name not in found:
            raise AccountNotFound("error.not_stored", user=name)
    return {name: found[name] for name in names}


def add(session: Session, name: str, usernames: list[str]) -> list[str]:
    """Create the group if needed and put the accounts in it; returns the checked user names. Every
    name is checked before anything is written."""
    name = group_name(name)
    profiles = _profiles(session, usernames)
    if session.get(Group, name) is None:
        session.add(Group(name=name))
        session.flush()
    present = set(session.scalars(select(GroupMember.profile_id).where(GroupMember.group_name == name)))
    for profile_id in dict.fromkeys(profiles.values()):
        if profile_id not in present:
            session.add(GroupMember(group_name=name, profile_id=profile_id))
    session.commit()
    return list(profiles)


def remove(session: Session, name: str, usernames: list[str] | None = None) -> list[str]:
    """Take accounts out of the group, or with no ``usernames`` delete the group (its accounts stay
    stored); returns the names taken out. AccountNotFound for a group that does not exist."""
    name = group_name(name)
    if session.get(Group, name) is None:
        raise AccountNotFound("error.no_group", group=name)
    if not usernames:
        taken = members(session, name)
        session.execute(delete(GroupMember).where(GroupMember.group_name == name))
        session.execute(delete(Group).where(Group.name == name))
        session.commit()
        return taken
    profiles = _profiles(session, usernames)
    session.execute(
        delete(GroupMember).where(
            GroupMember.group_name == name, GroupMember.profile_id.in_(list(profiles.values()))
        )
    )
    session.commit()
    return list(profiles)


def members(session: Session, name: str) -> list[str]:
    """The current user names of the group's accounts, sorted; AccountNotFound for no such group."""
    name = group_name(name)
    if session.get(Group, name) is None:
        raise AccountNotFound("error.no_group", group=name)
    return list(
        session.scalars(
            select(Profile.username)
            .join(GroupMember, GroupMember.profile_id == Profile.id)
            .where(GroupMember.group_name == name)
            .order_by(Profile.username)
        )
    )


def groups(session: Session) -> dict[str, list[str]]:
    """Every group with its accounts' user names, by name."""
    found: dict[str, list[str]] = {
        name: [] for name in session.scalars(select(Group.name).order_by(Group.name))
    }
    rows = session.execute(
        select(GroupMember.group_name, Profile.username)
        .join(Profile, Profile.id == GroupMember.profile_id)
        .order_by(GroupMember.group_name, Profile.username)
    )
    for group, username in rows:
        found[group].append(username)
    return found
