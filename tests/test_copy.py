"""Copying an archive into another database (``python -m scraper copy --to URL``): the copy shows the
same accounts, posts, comments, groups, changes and search results; a sync goes on in it; a second copy
does nothing; a target holding another archive is refused; a copy killed with SIGKILL is finished by
the same command; unreachable servers and wrong URLs exit with their codes and never print a password.

The source is always a SQLite archive seeded by replayed syncs; the target is a SQLite file, and with
``TEST_DATABASE=postgresql`` also a database of its own on the test server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from i18n import t
from insights.accounts import accounts_frame
from insights.changes import changes_frame
from insights.comments import account_id, comment_summary
from insights.search import search_all
from scraper.__main__ import main
from scraper.archive import Archive
from scraper.errors import DatabaseUnreachable, ExitCode
from scraper.instagram.login import Login, login
from scraper.replay import FakeAccount, add_comments, add_new_posts, build_account
from scraper.store import db, groups
from scraper.store.copy import PROGRESS, CopyReport, TableCopy, copy_archive
from scraper.store.export import comment_rows, post_rows
from scraper.store.models import Base, Profile, utcnow
from tests.databases import DATABASE, POSTGRES_URL, Databases, rows, shown
from tests.helpers import replayed, settings_in, shared_archive

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = {"ermua.kultura": (40, 0), "ermua.kirolak": (25, 1)}  # name: (posts, seed)
COMMENTED = 20  # posts of each account with comments
WORDS = ["txosna", "jaiak", "ermua", "kaixo"]
SECRET = "pw-n0t-sh0wn"


def accounts() -> dict[str, FakeAccount]:
    """The replayed accounts, the same in every process: posts, then comments and replies on some."""
    found = {}
    for name, (posts, seed) in ACCOUNTS.items():
        account = build_account(name, posts, seed=seed)
        for k, post in enumerate(account.posts[:COMMENTED]):
            post.caption = f"{post.caption or ''} txosna {k}" if k % 3 == 0 else post.caption
            new = add_comments(account, post.shortcode, 12, replies=3, seed=seed * 100 + k)
            new[0].text = "Jaiak! txosnan elkartuko gara"
        found[name] = account
    return found


@dataclass(frozen=True)
class Source:
    archive: Archive
    url: str


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    """A SQLite archive of two accounts synced with their comments, synced again after one renamed
    its full name (a change), with a group of both."""
    folder = tmp_path_factory.mktemp("source")
    with shared_archive(Databases(), folder) as archive, replayed(archive) as (replay, sync):
        researcher = Login(
            "researcher",
            login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory()),
        )
        found = accounts()
        for account in found.values():
            replay.add_account(account)
            assert sync(account.username, login=researcher, comments=True, media=False).error is None
        found["ermua.kultura"].full_name = "Ermuko Kultura Etxea"
        assert sync("ermua.kultura", login=researcher, comments=True, media=False).error is None
        with archive.sessions() as session:
            groups.add(session, "clubs", list(ACCOUNTS))
        yield Source(archive, archive.settings.db_url)


TARGETS = sorted({"sqlite", DATABASE})


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest, databases: Databases, tmp_path: Path) -> Iterator[str]:
    """A new, empty database to copy into: a SQLite file, or one on the PostgreSQL server."""
    made = Databases() if request.param == "sqlite" else databases
    with made.database(tmp_path / "target", migrated=False) as url:
        yield url


@pytest.fixture(autouse=True)
def _cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _restore_logging: None) -> None:
    monkeypatch.setenv("LOG_DIR", str(tmp_path / "logs"))
    for name in ("SCRAPER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@dataclass
class Run:
    code: int
    out: str
    err: str


def copy(capsys: pytest.CaptureFixture[str], source: str, target: str, *more: str) -> Run:
    capsys.readouterr()
    code = main(["copy", "--db", source, "--to", target, *more])
    out, err = capsys.readouterr()
    return Run(code, out, err)


def seen(url: str) -> dict[str, Any]:
    """What a person sees of the archive at ``url``: the account list, every post and comment as
    exported, the groups, the changes, the comment figures and the search results."""
    engine = db.open_engine(url)
    try:
        with db.session_factory(engine)() as session:
            names = sorted(session.scalars(select(Profile.username)))
            found: dict[str, Any] = {
                "accounts": accounts_frame(session).to_dict("records"),
                "groups": groups.groups(session),
                "changes": changes_frame(session, names).to_dict("records"),
                "search": {w: [dict(m) for m in search_all(session, w)] for w in WORDS},
            }
            for name in names:
                profile_id = account_id(session, name)
                assert profile_id is not None
                found[name] = {
                    "posts": list(post_rows(session, profile_id)),
                    "comments": list(comment_rows(session, profile_id)),
                    "summary": comment_summary(session, profile_id, name),
                }
            found["rows"] = {
                table.name: session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables
            }
            return found
    finally:
        engine.dispose()


def test_the_copy_shows_the_same_archive(
    source: Source, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run = copy(capsys, source.url, target)

    assert run.code == ExitCode.OK, run.err
    before, after = seen(source.url), seen(target)
    assert after == before
    assert len(before["accounts"]) == 2 and before["groups"] == {"clubs": sorted(ACCOUNTS)}
    assert any(c["kind"] == "full_name" for c in before["changes"])
    assert all(before["search"][w] for w in ("txosna", "jaiak"))
    assert before["rows"]["comments"] >= 2 * COMMENTED * 15
    posts = before["rows"]["posts"]
    assert f"posts: {posts} of {posts} rows" in run.err
    assert "Media files are not copied" in run.err
    assert run.out.startswith(f"Copied {sum(before['rows'].values()):,} rows into ")
    assert rows(target, "SELECT count(*) FROM alembic_version") == [(1,)]
    assert PROGRESS.name not in str(rows(target, _tables_sql(target)))


def _tables_sql(url: str) -> str:
    if make_url(url).get_backend_name() == "sqlite":
        return "SELECT name FROM sqlite_master WHERE type = 'table'"
    return "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"


def test_a_sync_into_the_copy_adds_posts_and_runs_after_the_copied_ones(
    source: Source, target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert copy(capsys, source.url, target).code == ExitCode.OK
    copied_runs = _count(target, "sync_runs")  # ids 1 to n: a database's keys start at 1
    copied_posts = _count(target, "posts")
    assert rows(target, "SELECT max(id) FROM sync_runs") == [(copied_runs,)]
    archive = Archive(settings_in(tmp_path, target))
    try:
        with replayed(archive) as (replay, sync):
            account = accounts()["ermua.kultura"]
            add_new_posts(account, 5)
            replay.add_account(account)
            result = sync("ermua.kultura", media=False)
    finally:
        archive.engine.dispose()

    assert result.error is None and result.new == 5
    assert len(rows(target, f"SELECT id FROM sync_runs WHERE id > {copied_runs}")) == 1
    assert len(rows(target, f"SELECT id FROM posts WHERE id > {copied_posts}")) == 5
    assert seen(target)["accounts"][1]["posts"] == ACCOUNTS["ermua.kultura"][0] + 5


def test_a_second_copy_into_the_same_target_does_nothing(
    source: Source, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert copy(capsys, source.url, target).code == ExitCode.OK
    before = seen(target)

    again = copy(capsys, source.url, target)

    assert again.code == ExitCode.OK
    assert "already holds a complete copy of this archive: nothing to do" in again.out
    assert seen(target) == before


def test_a_target_holding_another_archive_is_refused_and_left_alone(
    source: Source, target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert copy(capsys, source.url, target).code == ExitCode.OK
    engine = db.open_engine(target)
    with db.session_factory(engine)() as session:  # the copy lives on: another group is made in it
        groups.add(session, "kultura", ["ermua.kultura"])
    engine.dispose()
    before = seen(target)

    refused = copy(capsys, source.url, target)
    monkeypatch.setenv("SCRAPER_LANG", "eu")
    in_basque = copy(capsys, source.url, target)

    assert refused.code == in_basque.code == ExitCode.TARGET_NOT_EMPTY == 11
    assert "already holds an archive (rows in “groups”): copy into an empty database." in refused.err
    assert t("copy.error.not_empty", "eu", url=shown(target), table="groups") in in_basque.err
    assert "Traceback" not in refused.err + in_basque.err
    assert seen(target) == before


def test_a_source_of_an_older_schema_is_upgraded_first(
    empty_db_url: str, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = db.create(empty_db_url)
    db.upgrade(engine, "0010")
    engine.dispose()

    run = copy(capsys, empty_db_url, target)

    assert run.code == ExitCode.OK, run.err
    assert "first upgraded to the newest schema (it was at revision 0010)" in run.err
    assert rows(empty_db_url, "SELECT version_num FROM alembic_version") == [(db.head_revision(),)]
    assert rows(target, "SELECT version_num FROM alembic_version") == [(db.head_revision(),)]


def _server_with_password(password: str) -> str:
    url = make_url(POSTGRES_URL or "postgresql+psycopg://scraper@127.0.0.1:5433/x")
    return url.set(password=password).render_as_string(hide_password=False)


BAD_TARGETS = {
    "nothing listens": (
        f"postgresql+psycopg://scraper:{SECRET}@127.0.0.1:1/archive",
        ExitCode.NETWORK,
        "Cannot connect to the database postgresql+psycopg://scraper:***@127.0.0.1:1/archive",
    ),
    "no such driver": (
        f"nosuchdb://scraper:{SECRET}@127.0.0.1/archive",
        ExitCode.BAD_INPUT,
        "not a database URL",
    ),
    "not a URL": (
        f"postgresql://scraper:{SECRET}@127.0.0.1:port/x",
        ExitCode.BAD_INPUT,
        "not a database URL",
    ),
}


@pytest.mark.parametrize(("url", "code", "message"), BAD_TARGETS.values(), ids=BAD_TARGETS.keys())
def test_an_unreachable_or_wrong_target_exits_with_its_code_and_no_password(
    source: Source, url: str, code: int, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = copy(capsys, source.url, url)

    assert run.code == code
    assert message in run.err
    log = (tmp_path / "logs" / "scraper.log").read_text(encoding="utf-8")
    assert SECRET not in run.out + run.err + log
    assert "Traceback" not in run.err


@pytest.mark.postgresql_only("a server that refuses a wrong password")
def test_a_wrong_password_exits_6_without_showing_it(
    source: Source, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = copy(capsys, source.url, _server_with_password(SECRET))

    assert run.code == ExitCode.NETWORK
    assert "Cannot connect to the database" in run.err and ":***@" in run.err
    log = (tmp_path / "logs" / "scraper.log").read_text(encoding="utf-8")
    assert SECRET not in run.out + run.err + log


def test_the_archive_itself_or_a_missing_one_is_bad_input(
    source: Source, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    itself = copy(capsys, source.url, make_url(source.url).database or "")
    missing = copy(capsys, str(tmp_path / "typo.db"), str(tmp_path / "target.db"))

    assert itself.code == missing.code == ExitCode.BAD_INPUT
    assert "is the archive itself" in itself.err
    assert "holds no archive of this program" in missing.err
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "target.db").exists()


def _count(url: str, table: str) -> int:
    try:
        return int(str(rows(url, f"SELECT count(*) FROM {table}")[0][0]))
    except DBAPIError:  # not made yet
        return 0


@pytest.mark.kill
def test_a_killed_copy_is_finished_by_the_same_command(source: Source, target: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "scraper", "copy", "--db", source.url, "--to", target, "--batch", "7"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    total = seen(source.url)["rows"]["comments"]
    victim = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while _count(target, "comments") < total // 3:
        assert victim.poll() is None, "the copy ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    at_kill = _count(target, "comments")
    assert total // 3 <= at_kill < total
    assert _count(target, "media_items") == 0  # copied after the comments

    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    assert rerun.returncode == 0, rerun.stderr
    assert "Going on with the copy that was cut short" in rerun.stderr
    assert seen(target) == seen(source.url)
    assert f"comments: {total:,} of {total:,} rows" in rerun.stderr


def test_a_target_holding_part_of_a_copy_of_another_archive_is_refused(
    source: Source, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = db.open_engine(target)
    with engine.begin() as conn:  # what a copy of another archive, killed early, leaves
        PROGRESS.create(conn)
        conn.execute(
            PROGRESS.insert().values(source="sqlite:////elsewhere/instagram.db", started_at=utcnow())
        )
    engine.dispose()

    run = copy(capsys, source.url, target)

    assert run.code == ExitCode.TARGET_NOT_EMPTY
    assert "holds part of a copy of another archive (sqlite:////elsewhere/instagram.db)" in run.err
    assert _count(target, "posts") == 0


@pytest.mark.postgresql_only("a copy read from PostgreSQL")
def test_a_copy_back_from_postgresql_is_the_same_archive(
    source: Source, databases: Databases, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with databases.database(tmp_path / "server") as server:
        assert copy(capsys, source.url, server).code == ExitCode.OK
        back = f"sqlite:///{tmp_path / 'back.db'}"

        run = copy(capsys, server, back)

        assert run.code == ExitCode.OK, run.err
        assert seen(back) == seen(source.url)


@pytest.mark.postgresql_only("a server that ends the copy's connection")
def test_a_connection_lost_mid_copy_says_so_and_the_rerun_finishes(
    source: Source, databases: Databases, tmp_path: Path
) -> None:
    def end_the_copys_connection(_report: CopyReport, table: TableCopy) -> None:
        if table.name == "comments" and table.copied:
            rows(
                POSTGRES_URL,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                f" WHERE datname = '{make_url(server).database}' AND pid <> pg_backend_pid()",
            )

    with databases.database(tmp_path / "server", migrated=False) as server:
        with pytest.raises(DatabaseUnreachable) as lost:
            copy_archive(source.url, server, batch=50, on_progress=end_the_copys_connection)
        assert lost.value.exit_code == ExitCode.NETWORK
        assert "run the same command again to finish it" in lost.value.message("en")
        assert 0 < _count(server, "comments") < seen(source.url)["rows"]["comments"]

        rerun = copy_archive(source.url, server)

        assert rerun.resumed and seen(server) == seen(source.url)
