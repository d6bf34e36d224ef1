"""Groups of stored accounts, from the command line: made, listed, changed and deleted; names and
accounts checked before anything is written."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from scraper.__main__ import main
from scraper.archive import Archive
from scraper.errors import ExitCode
from scraper.replay import InstagramReplay, build_account
from scraper.store import groups
from scraper.store.models import GroupMember, Profile
from tests.helpers import Syncer

ACCOUNTS = ("ermua.udala", "ermua.kultura", "ermua.kirolak")


@pytest.fixture
def stored(replay: InstagramReplay, sync: Syncer, archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_DIR", str(archive.settings.log_dir))  # the command line's log file
    for seed, name in enumerate(ACCOUNTS):
        replay.add_account(build_account(name, 3, seed=seed))
        assert sync(name, media=False).error is None


def run(archive: Archive, *args: str) -> int:
    return main([*args, "--db", archive.settings.db_url, "--media-dir", str(archive.settings.media_dir)])


def test_groups_are_made_listed_changed_and_deleted(
    stored: None, archive: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(archive, "groups", "add", "Ermua-Town", "ermua.udala", "@ermua.kultura") == 0
    assert run(archive, "groups", "add", "clubs", "ermua.kirolak", "ermua.kultura") == 0
    assert run(archive, "groups", "add", "clubs", "ermua.kirolak") == 0  # already there: once
    capsys.readouterr()

    assert run(archive, "groups", "list") == 0
    assert capsys.readouterr().out.splitlines() == [
        "clubs (2): ermua.kirolak, ermua.kultura",
        "ermua-town (2): ermua.kultura, ermua.udala",
    ]
    assert run(archive, "groups", "remove", "clubs", "ermua.kultura") == 0
    with archive.sessions() as session:
        assert groups.members(session, "clubs") == ["ermua.kirolak"]
    assert run(archive, "groups", "remove", "ermua-town") == 0
    with archive.sessions() as session:
        assert list(groups.groups(session)) == ["clubs"]
        assert session.scalar(select(func.count()).select_from(Profile)) == 3  # accounts stay


@pytest.mark.parametrize("name", ["", "_clubs", "a b", "ñ", "x" * 65, "../etc", "<b>town</b>"])
def test_a_bad_group_name_is_refused_with_exit_2(
    stored: None, archive: Archive, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(archive, "groups", "add", name, "ermua.udala") == ExitCode.BAD_INPUT
    assert "is not a group name" in capsys.readouterr().err
    with archive.sessions() as session:
        assert groups.groups(session) == {}


def test_an_account_not_in_the_archive_is_refused_with_exit_3_and_nothing_is_written(
    stored: None, archive: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(archive, "groups", "add", "town", "ermua.udala", "nobody.here") == ExitCode.NOT_FOUND
    assert "nobody.here" in capsys.readouterr().err
    with archive.sessions() as session:
        assert groups.groups(session) == {}
    assert run(archive, "groups", "remove", "no-such-group") == ExitCode.NOT_FOUND
    assert run(archive, "groups", "add", "town", "bad/name") == ExitCode.BAD_INPUT


def test_a_renamed_account_stays_in_its_groups_and_a_deleted_one_leaves_them(
    stored: None, archive: Archive
) -> None:
    with archive.sessions() as session:
        groups.add(session, "town", ["ermua.udala", "ermua.kultura"])
        profile = session.scalars(select(Profile).where(Profile.username == "ermua.udala")).one()
        profile.username = "ermua.eus"
        session.commit()
        assert groups.members(session, "town") == ["ermua.eus", "ermua.kultura"]
        session.execute(delete(Profile).where(Profile.username == "ermua.kultura"))  # the database cascades
        session.commit()
        assert groups.members(session, "town") == ["ermua.eus"]
        assert session.scalar(select(func.count()).select_from(GroupMember)) == 1
