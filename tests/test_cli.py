"""The command line, run in-process against replayed Instagram: what it prints, where, and its
exit codes."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import instaloader
import pytest
import requests
from sqlalchemy import select
from sqlalchemy.engine import make_url

from i18n import t
from scraper.__main__ import build_parser, main
from scraper.archive import Archive
from scraper.config import Settings
from scraper.instagram.login import session_path
from scraper.replay import InstagramReplay, build_account
from scraper.store import writes
from scraper.store.models import SyncLock
from tests.databases import DATABASE, POSTGRES_URL, Databases
from tests.test_archive import USER as IMPORTED_USER
from tests.test_archive import build_folder

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "s3cret-pw"


@dataclass
class Run:
    """What a command returned and printed."""

    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _main_restores_logging(_restore_logging: None) -> None:
    """main() sets up the log file under LOG_DIR; each test gets the logger back as it was."""


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Logs and saved logins under the test folder, messages in English."""
    monkeypatch.setenv("LOG_DIR", str(settings.log_dir))
    monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
    for name in ("SCRAPER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cli(
    cli_env: None, settings: Settings, replay: InstagramReplay, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Run]:
    """Runs ``python -m scraper ARGS`` in-process on the test archive, against the replay."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main([*args, "--db", settings.db_url, "--media-dir", str(settings.media_dir)])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def log_text(settings: Settings) -> str:
    path = settings.log_dir / "scraper.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


# sync


def test_sync_of_two_accounts_prints_a_done_line_for_each(
    cli: Callable[..., Run], replay: InstagramReplay, archive: Archive
) -> None:
    replay.add_account(build_account("ermua.kultura", 14))
    replay.add_account(build_account("lucia_viajes", 3, seed=2))

    run = cli("sync", "ermua.kultura", "@Lucia_Viajes")

    assert run.code == 0
    lines = run.out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("ermua.kultura: 14 new posts, 0 updated, ")
    assert lines[1].startswith("lucia_viajes: 3 new posts, 0 updated, ")
    assert "Traceback" not in run.err
    assert [line.split("\t")[:2] for line in archive.account_lines("en")[1:]] == [
        ["ermua.kultura", "14"],
        ["lucia_viajes", "3"],
    ]


def test_sync_progress_goes_to_stderr(cli: Callable[..., Run], replay: InstagramReplay) -> None:
    replay.add_account(build_account("ermua.kultura", 30))

    run = cli("sync", "ermua.kultura")

    assert run.code == 0
    assert len(run.out.splitlines()) == 1 and run.out.startswith("ermua.kultura: 30 new")
    assert run.err.splitlines() == ["ermua.kultura: 25 of 30 posts"]  # not a terminal: every 25 posts


def locked(archive: Archive) -> None:
    with archive.sessions() as session:
        writes.acquire_lock(session, "ermua.kultura", writes.lock_owner())


SYNC_FAILURES = {
    "invalid user name": ("../etc", None, 2, "is not a valid Instagram user name"),
    "unknown account": ("nadie.aqui", None, 3, "“nadie.aqui” does not exist on Instagram"),
    "private account": ("secreta", None, 4, "“secreta” is private"),
    "rate limited": ("ermua.kultura", {"kind": "post", "status": 429}, 5, "Try again after"),
    "network down": (
        "ermua.kultura",
        {"kind": "profile_page", "exception": requests.ConnectionError("no route to host")},
        6,
        "could not be reached",
    ),
    "busy": ("ermua.kultura", locked, 7, "“ermua.kultura” is already being synced"),
}


@pytest.mark.parametrize(
    ("username", "trouble", "code", "message"), SYNC_FAILURES.values(), ids=SYNC_FAILURES.keys()
)
def test_sync_failure_exit_codes_and_messages(
    username: str,
    trouble: dict[str, object] | Callable[[Archive], None] | None,
    code: int,
    message: str,
    cli: Callable[..., Run],
    replay: InstagramReplay,
    archive: Archive,
    settings: Settings,
) -> None:
    replay.add_account(build_account("ermua.kultura", 14))
    replay.add_account(build_account("secreta", 3, private=True))
    if callable(trouble):
        trouble(archive)
    elif trouble is not None:
        replay.fail(times=None, **trouble)  # type: ignore[arg-type]

    run = cli("sync", username)

    assert run.code == code
    assert message in run.err
    assert run.out == "" and "Traceback" not in run.err
    if code in (2, 7):
        assert replay.api_requests == 0
    else:
        assert "Traceback" in log_text(settings)


@pytest.mark.parametrize("username", ["../etc", "a b", "x" * 31, ""])
def test_sync_refuses_an_invalid_user_name_before_any_request(
    username: str, cli: Callable[..., Run], replay: InstagramReplay
) -> None:
    replay.add_account(build_account("ermua.kultura", 3))

    run = cli("sync", "ermua.kultura", username)

    assert run.code == 2
    assert f"“{username}” is not a valid Instagram user name" in run.err
    assert run.out == "" and replay.api_requests == 0  # checked before the first account is synced


def test_sync_goes_on_after_a_missing_account_and_exits_with_its_code(
    cli: Callable[..., Run], replay: InstagramReplay
) -> None:
    replay.add_account(build_account("ermua.kultura", 5))

    run = cli("sync", "nadie.aqui", "ermua.kultura")

    assert run.code == 3
    assert "nadie.aqui: The account “nadie.aqui” does not exist" in run.err
    assert run.out.startswith("ermua.kultura: 5 new")


def test_sync_stops_at_a_rate_limit_as_the_next_accounts_would_fail_too(
    cli: Callable[..., Run], replay: InstagramReplay
) -> None:
    replay.add_account(build_account("ermua.kultura", 5))
    replay.add_account(build_account("lucia_viajes", 5))
    replay.fail("post", status=429, times=None)

    run = cli("sync", "ermua.kultura", "lucia_viajes")

    assert run.code == 5 and run.out == ""
    assert "lucia_viajes" not in run.err
    assert replay.count("profile_page") == 1


def test_a_busy_account_does_not_stop_the_others(
    cli: Callable[..., Run], replay: InstagramReplay, archive: Archive
) -> None:
    replay.add_account(build_account("ermua.kultura", 5))
    replay.add_account(build_account("lucia_viajes", 5))
    locked(archive)

    run = cli("sync", "ermua.kultura", "lucia_viajes")

    assert run.code == 7
    assert "is already being synced" in run.err
    assert run.out.startswith("lucia_viajes: 5 new")


# export


@pytest.fixture
def synced(cli: Callable[..., Run], replay: InstagramReplay) -> Callable[..., Run]:
    """The CLI, after a sync of an account of 20 posts with their videos."""
    replay.add_account(build_account("ermua.kultura", 20, seed=5))
    assert cli("sync", "ermua.kultura", "--videos").code == 0
    return cli


ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")


def test_export_json(synced: Callable[..., Run], replay: InstagramReplay, settings: Settings) -> None:
    run = synced("export", "ermua.kultura", "--format", "json")

    assert run.code == 0 and run.err == ""
    rows = json.loads(run.out)
    account = replay.accounts["ermua.kultura"]
    assert isinstance(rows, list) and [r["shortcode"] for r in rows] == [
        p.shortcode for p in sorted(account.posts, key=lambda p: -p.taken_at)
    ]
    for row in rows:
        post = account.post(row["shortcode"])
        assert post is not None
        assert ISO_UTC.match(row["taken_at"])
        assert row["taken_at"].replace("Z", "+00:00") == post.date_utc.isoformat()
        assert row["type"] == post.kind and row["type"] in ("image", "video", "carousel")
        assert (row["caption"], row["likes"], row["comments"]) == (post.caption, post.likes, post.comments)
        assert row["views"] == (post.views if post.kind == "video" else None)
        assert row["media_count"] == len(post.media)
        files = row["media_files"]
        assert len(files) >= len(post.media)
        for file in files:
            assert not Path(file).is_absolute() and ".." not in Path(file).parts
            assert (settings.media_dir / file).is_file()


def test_export_csv_has_a_header_and_a_row_per_post(synced: Callable[..., Run]) -> None:
    run = synced("export", "ermua.kultura", "--format", "csv")

    assert run.code == 0
    rows = list(csv.reader(io.StringIO(run.out)))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["shortcode", "url", "taken_at", "type", "caption"]
    assert len(body) == 20 and len({row[0] for row in body}) == 20
    assert all(len(row) == len(header) for row in body)


def test_export_of_an_account_not_in_the_archive(cli: Callable[..., Run]) -> None:
    run = cli("export", "nadie.aqui")

    assert run.code == 3
    assert run.out == "" and "“nadie.aqui” is not in the archive" in run.err


# accounts, cleanup


def test_accounts_lists_each_account_with_its_post_count(synced: Callable[..., Run]) -> None:
    run = synced("accounts")

    assert run.code == 0
    header, *lines = run.out.splitlines()
    assert header.split("\t") == ["account", "posts", "last sync", "status"]
    assert [line.split("\t")[:2] + line.split("\t")[3:] for line in lines] == [["ermua.kultura", "20", "ok"]]


def test_accounts_of_an_empty_archive_says_how_to_start(cli: Callable[..., Run]) -> None:
    run = cli("accounts")

    assert run.code == 0 and "python -m scraper sync USERNAME" in run.out


def test_cleanup_lists_then_deletes_an_orphan_file(synced: Callable[..., Run], settings: Settings) -> None:
    orphan = settings.media_dir / "ermua.kultura" / "OLDPOST_0.jpg"
    orphan.write_bytes(b"x" * 2048)
    os.utime(orphan, (0, 0))  # old enough not to be a file a running sync is about to store
    kept = sorted(p for p in settings.media_dir.rglob("*") if p.is_file() and p != orphan)

    dry = synced("cleanup", "--dry-run")

    assert dry.code == 0
    assert dry.out.splitlines() == [str(orphan), "Would delete 1 unused file, 2.0 kB."]  # singular
    assert orphan.exists()

    done = synced("cleanup")

    assert done.code == 0
    assert done.out.splitlines() == [str(orphan), "Deleted 1 unused file, 2.0 kB freed."]
    assert not orphan.exists()
    assert sorted(p for p in settings.media_dir.rglob("*") if p.is_file()) == kept


# login


def test_login_saves_a_private_session_and_no_password(
    cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    replay: InstagramReplay,
    databases: Databases,
) -> None:
    prompts: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompts.append(prompt) or PASSWORD)
    monkeypatch.setattr("builtins.input", lambda prompt="": pytest.fail("asked for a two-factor code"))
    replay.add_account(build_account("ermua.kultura", 3))

    run = cli("login", "researcher")

    assert run.code == 0
    assert prompts == ["Instagram password for researcher: "]
    path = session_path(settings, "researcher")
    assert run.out.strip() == f"Logged in as researcher; session saved to {path}."
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert cli("sync", "ermua.kultura").code == 0  # the saved login is used
    assert any(c.logged_in for c in replay.calls if c.kind != "login")
    secret = PASSWORD.encode()
    database = databases.dump(settings.db_url)
    assert b"ermua.kultura" in database
    for name, content in {
        "log": (settings.log_dir / "scraper.log").read_bytes(),
        "session": path.read_bytes(),
        "database": database,
    }.items():
        assert secret not in content, name
    assert PASSWORD not in run.out + run.err


def test_login_with_a_wrong_password(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "not-the-password")

    run = cli("login", "researcher")

    assert run.code == 4
    assert "Wrong user name or password." in run.err and run.out == ""
    assert not session_path(settings, "researcher").exists()


@pytest.mark.parametrize(
    ("code_given", "exit_code", "message"),
    [
        ("123456", 0, "Logged in as dos"),
        ("000000", 4, "The two-factor code was not accepted."),
    ],
)
def test_login_with_two_factor_code(
    cli_env: None,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code_given: str,
    exit_code: int,
    message: str,
) -> None:
    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "clave")
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(prompt) or code_given)

    with InstagramReplay(users={"dos": "clave"}, two_factor={"dos": "123456"}):
        code = main(["login", "dos", "--db", settings.db_url, "--media-dir", str(settings.media_dir)])

    out, err = capsys.readouterr()
    assert code == exit_code and message in out + err
    assert asked == ["Two-factor code: "]
    assert session_path(settings, "dos").exists() == (exit_code == 0)


def test_rate_limit_waits_are_shown_and_the_sync_goes_on(
    cli: Callable[..., Run], replay: InstagramReplay, settings: Settings
) -> None:
    replay.add_account(build_account("ermua.kultura", 8))
    replay.fail("post", status=429, after=2, times=1)

    run = cli("sync", "ermua.kultura")

    assert run.code == 0
    assert re.search(
        r"ermua\.kultura: Instagram's rate limit, waiting \d+ s \(until \d?\d:\d\d:\d\d\u202f[AP]M\)", run.err
    )
    assert "8 new" in run.out


def test_demo_accounts_come_from_the_replayed_sync(settings: Settings) -> None:
    from scraper.replay.demo import DEMO_ACCOUNTS, seed_demo

    lines = seed_demo(settings)

    assert len(lines) == len(DEMO_ACCOUNTS)
    archive = Archive(settings)
    with archive.sessions() as session:
        from scraper.store.models import Profile, ProfileSnapshot, SyncRun

        profiles = list(session.scalars(select(Profile)))
        assert sorted(p.username for p in profiles) == sorted(a[0] for a in DEMO_ACCOUNTS)
        assert all(p.is_demo and p.history_complete and p.profile_pic_file for p in profiles)
        assert len(list(session.scalars(select(ProfileSnapshot)))) == 2 * len(DEMO_ACCOUNTS)
        assert {r.source for r in session.scalars(select(SyncRun))} == {"demo"}
        counts = writes.post_counts(session)
        assert all(
            counts[p.id] == posts + 4
            for p, (_, posts, _, _) in zip(
                sorted(profiles, key=lambda p: p.username), sorted(DEMO_ACCOUNTS), strict=True
            )
        )
    assert seed_demo(settings) == []  # only into an empty archive
    archive.engine.dispose()


# import-archive


def test_import_archive_of_an_instaloader_folder(
    cli: Callable[..., Run], tmp_path: Path, replay: InstagramReplay
) -> None:
    folder = build_folder(instaloader.InstaloaderContext(sleep=False, quiet=True), tmp_path / "downloads")

    run = cli("import-archive", str(folder.path))

    assert run.code == 0
    assert run.out.startswith(f"Imported {IMPORTED_USER}: 6 posts")
    assert replay.calls == []  # an import never asks Instagram
    assert cli("accounts").out.splitlines()[1].split("\t")[:2] == [IMPORTED_USER, "6"]


def test_import_archive_of_a_folder_that_is_not_one(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("import-archive", str(tmp_path / "nowhere"))

    assert run.code == 2 and "Traceback" not in run.err


# Unexpected failures


# A database that cannot be opened, and what the log then says: on SQLite the path is a folder, on
# PostgreSQL the database does not exist.
CANNOT_OPEN = {"sqlite": "unable to open database file", "postgresql": '"no_such_archive" does not exist'}


def unusable_database(tmp_path: Path) -> list[str]:
    """Arguments naming a database that cannot be opened."""
    if DATABASE == "postgresql":
        return [
            "accounts",
            "--db",
            make_url(POSTGRES_URL).set(database="no_such_archive").render_as_string(False),
        ]
    (tmp_path / "a-folder").mkdir()
    return ["accounts", "--db", f"sqlite:///{tmp_path / 'a-folder'}"]


def test_an_unexpected_failure_shows_a_short_message_and_logs_the_traceback(
    cli_env: None, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(unusable_database(tmp_path))

    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith("Something went wrong. The details are in ")
    assert "Traceback" not in err
    assert "Traceback" in log_text(settings) and CANNOT_OPEN[DATABASE] in log_text(settings)


def test_an_unexpected_failure_names_the_log_file_it_was_written_to(
    cli_env: None, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(unusable_database(tmp_path)) == 1

    assert str(settings.log_dir / "scraper.log") in capsys.readouterr().err


# Help and documentation


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


@pytest.mark.parametrize("command", subcommands())
def test_help_of_every_subcommand(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])

    assert done.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m scraper {command} ")


def test_every_subcommand_is_in_the_readme() -> None:
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README.md not written yet")
    text = readme.read_text(encoding="utf-8")
    missing = [
        c for c in subcommands() if not re.search(rf"(scraper {re.escape(c)}\b|`{re.escape(c)}\b)", text)
    ]
    assert missing == []


# Spanish


@pytest.mark.parametrize(
    ("args", "key"),
    [(["sync", "nadie.aqui"], "error.not_found"), (["export", "nadie.aqui"], "error.not_stored")],
    ids=["sync", "export"],
)
def test_messages_follow_the_language_of_the_terminal(
    args: list[str], key: str, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "es_ES.UTF-8")

    run = cli(*args)

    assert run.code == 3
    assert t(key, "es", user="nadie.aqui") in run.err
    assert t(key, "en", user="nadie.aqui") not in run.err


def test_no_lock_is_left_after_the_command_line_sync(
    cli: Callable[..., Run], replay: InstagramReplay, archive: Archive
) -> None:
    replay.add_account(build_account("ermua.kultura", 3))
    replay.fail("post", status=500, times=None)

    assert cli("sync", "ermua.kultura").code == 6

    with archive.sessions() as session:
        assert list(session.scalars(select(SyncLock))) == []
