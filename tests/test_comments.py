"""Comments and replies in the archive, read through instaloader's own request code against the
replay: first sync, updates that read only the posts whose comments moved, deletions, bounds,
failures in the middle, and the export."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from scraper.__main__ import main
from scraper.archive import Archive
from scraper.errors import ExitCode
from scraper.instagram.login import Login, login
from scraper.replay import (
    FakeAccount,
    InstagramReplay,
    add_comments,
    add_new_posts,
    build_account,
    comment_thread,
    delete_comment,
    iter_comments,
    set_comments_disabled,
)
from scraper.store.models import Comment, Post, Profile, SyncRun, utcnow
from scraper.workers import watch
from tests.helpers import Syncer

COMMENT_KINDS = ("comments", "comment_replies", "comments_iphone", "child_comments_iphone")


@pytest.fixture
def researcher(replay: InstagramReplay, sync: Syncer, archive: Archive) -> Login:
    path = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
    replay.reset_calls()
    return Login("researcher", path)


def _account(replay: InstagramReplay, posts: int = 20) -> FakeAccount:
    """An account whose newest post is from today, so its recent posts are within the window in
    which a sync with comments refreshes the counts of stored posts."""
    account = build_account("ermua.kultura", posts, start=utcnow())
    replay.add_account(account)
    return account


def _on_instagram(account: FakeAccount) -> dict[int, tuple[str, int | None, str]]:
    """Every comment and reply the replay serves: id -> (shortcode, parent id, text)."""
    found = {}
    for post in account.posts:
        for comment in iter_comments(comment_thread(account, post)):
            found[comment.pk] = (post.shortcode, comment.parent_pk, comment.text)
    return found


def _stored(archive: Archive, *, deleted: bool = False) -> dict[int, tuple[str, int | None, str]]:
    with archive.sessions() as session:
        rows = session.execute(
            select(Comment.id, Post.shortcode, Comment.parent_id, Comment.text)
            .join(Post, Post.id == Comment.post_id)
            .where(Comment.deleted_at.is_not(None) if deleted else Comment.deleted_at.is_(None))
        )
        return {r.id: (r.shortcode, r.parent_id, r.text) for r in rows}


def _read_at(archive: Archive) -> dict[str, object]:
    """When each post's comments were last read (None: never)."""
    with archive.sessions() as session:
        return {code: at for code, at in session.execute(select(Post.shortcode, Post.comments_read_at))}


def _comment_requests(replay: InstagramReplay) -> int:
    return sum(replay.count(kind) for kind in COMMENT_KINDS)


def _big_post(account: FakeAccount) -> str:
    """A post with more comments than a GraphQL page, and replies beyond the previews."""
    post = account.posts[3]
    add_comments(account, post.shortcode, 30, replies=12, seed=7)
    return post.shortcode


def test_first_sync_stores_every_comment_and_reply(
    replay: InstagramReplay, sync: Syncer, archive: Archive, researcher: Login
) -> None:
    account = _account(replay)
    _big_post(account)
    expected = _on_instagram(account)
    assert any(parent is not None for _, parent, _ in expected.values())

    result = sync("ermua.kultura", login=researcher, comments=True)

    assert result.error is None
    assert _stored(archive) == expected
    assert result.comments_new == len(expected)
    # No per-post metadata request: the timeline pages carried the counts.
    assert replay.count("post") == 0
    with_comments = sum(1 for post in account.posts if post.comments)
    big = [p for p in account.posts if p.comments > 12]
    assert replay.count("comments") == with_comments - len(big)
    assert replay.count("comments_iphone") >= 2 * len(big)
    with archive.sessions() as session:
        run = session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
        assert run is not None and run.comments_new == len(expected)


def test_an_update_reads_only_the_posts_whose_comments_moved(
    replay: InstagramReplay, sync: Syncer, archive: Archive, researcher: Login
) -> None:
    account = _account(replay)
    sync("ermua.kultura", login=researcher, comments=True)
    replay.reset_calls()

    unchanged = sync("ermua.kultura", login=researcher, comments=True)
    assert unchanged.error is None and _comment_requests(replay) == 0 and unchanged.comments_new == 0

    old = account.posts[5]  # an old post gets new comments and a reply
    added = add_comments(account, old.shortcode, 3, replies=1, seed=11)
    new_posts = add_new_posts(account, 2, seed=5)
    before = _read_at(archive)
    replay.reset_calls()

    result = sync("ermua.kultura", login=researcher, comments=True)

    assert result.error is None
    assert _stored(archive) == _on_instagram(account)
    assert {c.pk for c in added} <= set(_stored(archive))
    after = _read_at(archive)
    read_again = {code for code, at in after.items() if at != before.get(code)}
    assert read_again == {old.shortcode} | {p.shortcode for p in new_posts if p.comments}
    assert replay.count("post") == 0


def test_a_deleted_comment_is_marked_and_kept(
    replay: InstagramReplay, sync: Syncer, archive: Archive, researcher: Login
) -> None:
    account = _account(replay)
    sync("ermua.kultura", login=researcher, comments=True)
    post = next(p for p in account.posts if p.comments >= 2)
    victim = comment_thread(account, post)[0]
    text = victim.text
    delete_comment(account, victim.pk)

    sync("ermua.kultura", login=researcher, comments=True)

    gone = _stored(archive, deleted=True)
    assert victim.pk in gone and gone[victim.pk][2] == text
    assert victim.pk not in _stored(archive)
    with archive.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Comment).where(Comment.id == victim.pk)) == 1


def test_refresh_comments_reads_every_post_again(
    replay: InstagramReplay, sync: Syncer, archive: Archive, researcher: Login
) -> None:
    account = _account(replay, 10)
    sync("ermua.kultura", login=researcher, comments=True)
    before = _read_at(archive)

    result = sync("ermua.kultura", login=researcher, comments=True, refresh_comments=True)

    assert result.error is None and result.comments_new == 0
    after = _read_at(archive)
    assert {code for code in after if after[code] != before[code]} == {
        p.shortcode for p in account.posts if p.comments
    }


def test_max_comments_leaves_the_rest_to_the_next_sync(
    replay: InstagramReplay, sync: Syncer, archive: Archive, researcher: Login
) -> None:
    account = _account(replay, 5)
    big = _big_post(account)
    expected = {k: v for k, v in _on_instagram(account).items() if v[0] == big}

    sync("ermua.kultura", login=researcher, comments=True, max_comments=10)
    first = {k for k, v in _stored(archive).items() if v[0] == big}
    assert 10 <= len(first) < len(expected)

    replay.reset_calls()
    sync("ermua.kultura", login=researcher, comments=True, max_comments=10)
    second = {k for k, v in _stored(archive).items() if v[0] == big}
    assert first < second
    # The second read went on where the first stopped: its first page was not asked again.
    assert replay.count("comments_iphone") >= 1

    for _ in range(10):
        sync("ermua.kultura", login=researcher, comments=True, max_comments=10)
    assert {k: v for k, v in _stored(archive).items() if v[0] == big} == expected
    replay.reset_calls()
    sync("ermua.kultura", login=researcher, comments=True, max_comments=10)
    assert _comment_requests(replay) == 0


def test_posts_with_comments_turned_off_cost_no_request(
    replay: InstagramReplay, sync: Syncer, archive: Archive, researcher: Login
) -> None:
    account = _account(replay, 6)
    for post in account.posts:
        set_comments_disabled(account, post.shortcode)

    result = sync("ermua.kultura", login=researcher, comments=True)

    assert result.error is None and _comment_requests(replay) == 0
    with archive.sessions() as session:
        assert all(session.scalars(select(Post.comments_disabled)))


def test_without_a_login_comments_stop_before_any_request(
    replay: InstagramReplay, sync: Syncer, archive: Archive
) -> None:
    _account(replay)

    result = sync("ermua.kultura", comments=True)

    assert result.error is not None and result.exit_code == ExitCode.LOGIN_NEEDED
    assert replay.api_requests == 0
    assert "log in" in result.error.message("en")


def test_the_command_line_refuses_comments_without_a_login(
    replay: InstagramReplay, settings: object, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _account(replay)
    code = main(
        [
            "sync",
            "ermua.kultura",
            "--comments",
            "--db",
            str(tmp_path / "cli.db"),
            "--media-dir",
            str(tmp_path / "m"),
        ]
    )
    assert code == ExitCode.LOGIN_NEEDED
    assert "--comments" in capsys.readouterr().err
    assert replay.api_requests == 0


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ({"status": 429}, ExitCode.RATE_LIMITED),
        ({"exception": requests.ConnectionError("connection dropped")}, ExitCode.NETWORK),
    ],
    ids=["429", "dropped connection"],
)
def test_a_failure_during_comments_keeps_what_was_read_and_the_next_sync_finishes(
    replay: InstagramReplay,
    sync: Syncer,
    archive: Archive,
    researcher: Login,
    fault: dict[str, object],
    code: int,
) -> None:
    account = _account(replay)
    replay.fail("comments", after=3, times=None, **fault)  # type: ignore[arg-type]

    failed = sync("ermua.kultura", login=researcher, comments=True)

    assert failed.exit_code == code
    kept = _stored(archive)
    finished = {code: at for code, at in _read_at(archive).items() if at is not None}
    assert kept and len(finished) >= 3
    replay.clear_faults()

    done = sync("ermua.kultura", login=researcher, comments=True)

    assert done.error is None and _stored(archive) == _on_instagram(account)
    # The posts whose comments were stored completely were not read again.
    after = _read_at(archive)
    assert all(after[code] == at for code, at in finished.items())


def test_an_expired_session_during_comments_asks_for_a_login(
    replay: InstagramReplay, sync: Syncer, archive: Archive, researcher: Login
) -> None:
    _account(replay)
    sync("ermua.kultura", login=researcher)  # posts first; comments read on the next sync
    replay.expire_sessions()

    result = sync("ermua.kultura", login=researcher, comments=True)

    assert result.exit_code == ExitCode.LOGIN_NEEDED


def test_export_writes_one_row_per_comment_and_reply(
    replay: InstagramReplay,
    sync: Syncer,
    archive: Archive,
    researcher: Login,
    capsys: pytest.CaptureFixture[str],
) -> None:
    account = _account(replay, 8)
    _big_post(account)
    sync("ermua.kultura", login=researcher, comments=True)
    victim = comment_thread(account, account.posts[0])[0] if account.posts[0].comments else None
    if victim is not None:
        delete_comment(account, victim.pk)
        sync("ermua.kultura", login=researcher, comments=True)
    db = ["--db", archive.settings.db_url, "--media-dir", str(archive.settings.media_dir)]

    assert main(["export", "ermua.kultura", "--comments", "--format", "json", *db]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert main(["export", "ermua.kultura", "--comments", "--format", "csv", *db]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))

    keys = [
        "id",
        "shortcode",
        "parent_id",
        "owner",
        "owner_id",
        "text",
        "created_at",
        "likes",
        "first_seen_at",
        "deleted_at",
    ]
    assert rows and list(rows[0]) == keys and list(table[0]) == keys
    assert len(rows) == len(table) == len(_stored(archive)) + len(_stored(archive, deleted=True))
    order = [p.shortcode for p in sorted(account.posts, key=lambda p: p.taken_at, reverse=True)]
    seen = list(dict.fromkeys(row["shortcode"] for row in rows))
    assert seen == [code for code in order if code in seen]  # newest post first
    ids = [row["id"] for row in rows]
    for index, row in enumerate(rows):  # each reply follows the comment it answers
        if row["parent_id"] is not None:
            assert row["parent_id"] in ids[:index]
        assert row["created_at"].endswith("Z")
    if victim is not None:
        assert next(r for r in rows if r["id"] == victim.pk)["deleted_at"] is not None
    assert sum(1 for r in rows if r["deleted_at"] is None) == len(_stored(archive))


def test_the_watch_list_can_ask_for_comments(
    replay: InstagramReplay, sync: Syncer, archive: Archive, researcher: Login
) -> None:
    account = _account(replay, 6)
    with archive.sessions() as session:
        watch.add(session, ["ermua.kultura"], timedelta(hours=1), comments=True)
        watch.add(session, ["ermua.kultura"], timedelta(hours=2))  # comments stay asked for
        assert [e.options.comments for e in watch.entries(session)] == [True]

    report = watch.run_round(
        archive,
        lambda user, options: sync(user, login=researcher, **asdict(options)).error,
        cleanup_every=None,
    )

    assert report.synced == ["ermua.kultura"] and _stored(archive) == _on_instagram(account)
    with archive.sessions() as session:
        watch.add(session, ["ermua.kultura"], comments=False)
        assert [e.options.comments for e in watch.entries(session)] == [False]


def _sidebar() -> None:
    from ui import sidebar

    sidebar.render()


def test_the_sidebar_syncs_comments_and_remembers_the_choice(
    replay: InstagramReplay, archive: Archive, researcher: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from ui.state import runner

    account = _account(replay, 6)
    for name, value in [
        ("DATABASE_URL", archive.settings.db_url),
        ("MEDIA_DIR", str(archive.settings.media_dir)),
        ("DATA_DIR", str(archive.settings.data_dir)),
        ("LOG_DIR", str(archive.settings.log_dir)),
    ]:
        monkeypatch.setenv(name, value)
    at = AppTest.from_function(_sidebar, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.sidebar.text_input[0].set_value("ermua.kultura")
    at.sidebar.checkbox[0].check()
    at.sidebar.button[0].click().run()
    assert "log in" in at.sidebar.error[0].value and replay.api_requests == 0  # no login chosen yet

    at.sidebar.selectbox(key="sync_as").select("researcher").run()
    at.sidebar.checkbox[0].check()
    at.sidebar.button[0].click().run()
    job = runner().wait("ermua.kultura", timeout=60)

    assert job is not None and job.error is None and job.options.comments
    assert _stored(archive) == _on_instagram(account)
    with archive.sessions() as session:
        assert session.scalar(select(Profile.sync_comments).where(Profile.username == "ermua.kultura"))
    at.run()
    add_comments(account, account.posts[0].shortcode, 2, seed=3)
    at.sidebar.button(key="update-ermua.kultura").click().run()  # remembers: comments too
    runner().wait("ermua.kultura", timeout=60)
    assert _stored(archive) == _on_instagram(account)


def test_threads_the_archive_holds_whole_cost_no_request_until_their_count_moves(
    replay: InstagramReplay, sync: Syncer, archive: Archive, researcher: Login
) -> None:
    account = _account(replay, 5)
    big = _big_post(account)
    thread = add_comments(account, big, 1, replies=5, seed=20)[0]  # more replies than its preview shows
    sync("ermua.kultura", login=researcher, comments=True)

    add_comments(account, big, 1, seed=21)  # the post's count moves, the thread's does not
    replay.reset_calls()
    sync("ermua.kultura", login=researcher, comments=True)

    assert replay.count("comments_iphone") >= 1
    assert replay.count("child_comments_iphone") == 0 and replay.count("comment_replies") == 0
    assert _stored(archive) == _on_instagram(account)

    gone = thread.replies[-1]
    delete_comment(account, gone.pk)  # now the thread's count moves: its replies are read again
    replay.reset_calls()
    sync("ermua.kultura", login=researcher, comments=True)

    assert replay.count("child_comments_iphone") >= 1
    assert gone.pk in _stored(archive, deleted=True) and _stored(archive) == _on_instagram(account)
