"""Background syncs for the dashboard, and logins made there."""

from __future__ import annotations

import functools
import io
import os
import pickle
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from scraper.archive import Archive
from scraper.config import Settings
from scraper.errors import BadInput
from scraper.instagram import fetch
from scraper.instagram.login import PendingTwoFactor, begin_login, import_session, session_path
from scraper.replay import InstagramReplay, build_account
from scraper.store.models import Post
from scraper.workers.inprocess import SyncRunner
from tests.helpers import WaitLog


@pytest.fixture
def runner(archive: Archive, waits: WaitLog) -> Iterator[SyncRunner]:
    runner = SyncRunner(
        archive, loader_factory=functools.partial(fetch.make_loader, sleep=False, rate_sleep=waits)
    )
    yield runner
    runner.shutdown()


def test_background_sync_stores_posts_and_reports_progress(
    replay: InstagramReplay, runner: SyncRunner, archive: Archive
) -> None:
    replay.add_account(build_account("ermua.kultura", 30))

    job = runner.start("@Ermua.Kultura")
    done = runner.wait("ermua.kultura", timeout=60)

    assert done is job and job.status == "ok" and job.error is None
    assert job.progress.phase == "done" and job.progress.done == 30 and job.progress.total == 30
    with archive.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Post)) == 30


def test_an_account_is_never_synced_twice_at_once(replay: InstagramReplay, runner: SyncRunner) -> None:
    replay.add_account(build_account("ermua.kultura", 30))
    replay.add_account(build_account("ermua.kirolak", 5))
    first = runner.start("ermua.kultura")
    again = runner.start("ermua.kultura")
    assert again is first
    runner.wait("ermua.kultura", timeout=60)
    assert runner.start("ermua.kultura") is not first  # once finished, a new sync may start
    runner.wait("ermua.kultura", timeout=60)


def test_cancel_stops_a_running_sync(replay: InstagramReplay, runner: SyncRunner, archive: Archive) -> None:
    replay.add_account(build_account("ermua.kultura", 30))
    seen = []

    def cancel_at_fifth_post(_request: object) -> bool:
        seen.append(1)
        if len(seen) == 5:
            runner.cancel("ermua.kultura")
        return False  # no fault: only watching

    replay.fail("post", match=cancel_at_fifth_post, times=None)
    runner.start("ermua.kultura")
    job = runner.wait("ermua.kultura", timeout=60)

    assert job is not None and job.status == "interrupted"
    assert job.message("es") == "Sincronización interrumpida; la próxima ejecución sigue donde se quedó."
    with archive.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Post)) == 5


def test_errors_come_back_as_short_messages(replay: InstagramReplay, runner: SyncRunner) -> None:
    runner.start("no.such.account")
    job = runner.wait("no.such.account", timeout=60)

    assert job is not None and job.status == "failed"
    assert job.message("en") == "The account “no.such.account” does not exist on Instagram."


def test_a_bad_username_is_refused_before_queueing(runner: SyncRunner) -> None:
    with pytest.raises(BadInput):
        runner.start("../../etc/passwd")
    assert runner.jobs() == []


def test_login_in_two_steps_for_a_form(settings: Settings) -> None:
    with InstagramReplay(users={"dos": "clave"}, two_factor={"dos": "123456"}):
        pending = begin_login(
            settings, "dos", "clave", loader=fetch.make_loader(settings=settings, sleep=False)
        )
        assert isinstance(pending, PendingTwoFactor)
        path = pending.finish(settings, " 123456 ")
    assert path == session_path(settings, "dos") and oct(path.stat().st_mode & 0o777) == "0o600"


class Exploit:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch /tmp/should-never-exist",))


@pytest.mark.parametrize(
    "data",
    [
        pickle.dumps(Exploit()),
        pickle.dumps(["not", "a", "dict"]),
        pickle.dumps({"csrftoken": "x"}),  # no session
        b"garbage",
        b"",
    ],
    ids=["code", "list", "no-sessionid", "garbage", "empty"],
)
def test_an_uploaded_session_file_is_checked_without_running_it(settings: Settings, data: bytes) -> None:
    with pytest.raises(BadInput):
        import_session(settings, "researcher", data)
    assert not os.path.exists("/tmp/should-never-exist")
    assert not session_path(settings, "researcher").exists()


def test_an_uploaded_session_file_is_saved_private(settings: Settings) -> None:
    buffer = io.BytesIO()
    pickle.dump({"sessionid": "abc", "csrftoken": "x", "ds_user_id": "1"}, buffer)

    path = import_session(settings, "researcher", buffer.getvalue())

    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert pickle.loads(path.read_bytes())["sessionid"] == "abc"
