"""API requests of syncs with comments, next to instaloader's own ``--comments``, on one replay.

    .venv/bin/python benchmarks/comments.py [--posts 300] [--comments 6000] [--old 10] [--new 5]
                                            [--summary FILE]

A replayed account of N posts, dated up to now, with about ``--comments`` comments and replies in
all (many posts have more than 12, so the iPhone API's pages and ``child_comments`` are used, and
the GraphQL replies query), logged in with one saved session. In one run on the same replay, it
prints the API requests of:

1. a first sync with comments: ours (``Archive.sync`` with ``SyncOptions(comments=True)``, as
   ``sync USER --comments`` runs it) against instaloader's CLI ``--comments``;
2. an update after new comments on ``--old`` stored posts of the last 30 days and ``--new`` new
   posts: ours (``sync --comments`` again) against instaloader's CLI ``--fast-update --comments``
   plus what instaloader needs to read the ``--old`` posts again, since its fast update stops at the
   first stored post and never sees their new comments: ``Post.from_shortcode(...).get_comments()``
   for each, through its API with the same session (its CLI's ``-- -SHORTCODE`` targets would cost
   more: they also fetch each post's images again, one ``media_info_iphone`` request a post);

and the comments our first sync stored per second. Both ways are checked to have read every comment
and reply the replay serves (ours in the database, instaloader's in its ``*_comments.json``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["SCRAPER_NO_WAIT"] = "1"

import instaloader  # noqa: E402
import instaloader.__main__ as instaloader_cli  # noqa: E402
from sqlalchemy import select  # noqa: E402

from benchmarks import _summary  # noqa: E402
from scraper.archive import Archive  # noqa: E402
from scraper.config import Settings  # noqa: E402
from scraper.instagram.login import Login  # noqa: E402
from scraper.instagram.login import login as save_login  # noqa: E402
from scraper.replay import (  # noqa: E402
    FakeAccount,
    FakePost,
    InstagramReplay,
    add_comments,
    add_new_posts,
    build_account,
    comment_thread,
    iter_comments,
)
from scraper.store.models import Comment, utcnow  # noqa: E402
from scraper.sync import COMMENTS_DAYS, SyncOptions, SyncPhase  # noqa: E402

NAME = "bench.talk"
LOGIN, PASSWORD = "researcher", "bench-password"
GOAL = 1.0  # API requests, ours per instaloader's, of both runs (issue "Conversations", item 11)
COMMENT_KINDS = ("comments", "comment_replies", "comments_iphone", "child_comments_iphone")


# -- the account ---------------------------------------------------------------------------------------


def make_account(posts: int, comments: int) -> tuple[FakeAccount, float]:
    """``posts`` posts, the newest from today (so the last 30 days hold a dozen or so), with about
    ``comments`` comments and replies in all: each post's made-up count scaled up. Also the factor,
    for the counts of posts published later. The same all day: comments are made up from post ids,
    and those from the posts' times."""
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    account = build_account(NAME, posts, seed=1, pinned=1, start=today)
    factor = comments / max(sum(p.comments for p in account.posts), 1)
    _scale(account, account.posts, factor)
    return account, factor


def _scale(account: FakeAccount, posts: list[FakePost], factor: float) -> None:
    """Multiply the posts' comment counts; then fix their threads, so that the replay does not make
    them up again at every request (as ``add_comments`` would fix them anyway)."""
    for post in posts:
        post.comments = round(post.comments * factor)
        post.thread = comment_thread(account, post)


def recent_posts(account: FakeAccount, n: int) -> list[FakePost]:
    """``n`` stored posts taken in the window in which a sync with comments refreshes counts (a day
    inside it), spread over it; not pinned."""
    since = utcnow() - timedelta(days=COMMENTS_DAYS - 1)
    recent = [p for p in account.posts if not p.pinned and p.date_utc >= since]
    if len(recent) < n:
        raise SystemExit(f"only {len(recent)} posts of the last {COMMENTS_DAYS} days; asked for {n}")
    return [recent[i * len(recent) // n] for i in range(n)]


def on_instagram(account: FakeAccount, posts: list[FakePost] | None = None) -> set[int]:
    """The ids of every comment and reply the replay serves (of ``posts``, else of every post)."""
    return {c.pk for p in posts or account.posts for c in iter_comments(comment_thread(account, p))}


# -- ours ----------------------------------------------------------------------------------------------


def kinds(replay: InstagramReplay) -> Counter[str]:
    """API requests by kind (the CDN left out)."""
    return Counter(c.kind for c in replay.calls if c.kind not in ("cdn", "profile_pic"))


def shown(counts: Counter[str]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in counts.most_common())


def our_sync(
    archive: Archive, replay: InstagramReplay, login: Login
) -> tuple[Counter[str], float, float, int]:
    """``sync NAME --comments``: API requests by kind, seconds in all and in its comments phase, and
    comments stored new."""
    phase_started: list[float] = []

    def progress(p: object) -> None:
        if getattr(p, "phase", None) == SyncPhase.COMMENTS and not phase_started:
            phase_started.append(time.perf_counter())

    replay.reset_calls()
    started = time.perf_counter()
    result = archive.sync(NAME, SyncOptions(comments=True), login=login, on_progress=progress)
    ended = time.perf_counter()
    assert result.error is None, result.error
    assert replay.count("post") == 0, "ours asked for a post's metadata"
    comments_s = ended - phase_started[0] if phase_started else 0.0
    return kinds(replay), ended - started, comments_s, result.comments_new


def stored(archive: Archive) -> set[int]:
    with archive.sessions() as session:
        return set(session.scalars(select(Comment.id).where(Comment.deleted_at.is_(None))))


# -- instaloader ---------------------------------------------------------------------------------------


def instaloader_comments(
    replay: InstagramReplay, folder: Path, session: Path, targets: list[str], *, fast_update: bool
) -> tuple[Counter[str], float]:
    """instaloader's own CLI: ``instaloader [--fast-update] --comments --login USER --sessionfile F
    -- TARGET...``; API requests by kind and seconds."""
    replay.reset_calls()
    argv = [
        "instaloader",
        "--no-sleep",
        "--quiet",
        "--comments",
        "--dirname-pattern",
        str(folder / "{target}"),
    ]
    if fast_update:
        argv.append("--fast-update")
    argv += ["--login", LOGIN, "--sessionfile", str(session), "--", *targets]
    started = time.perf_counter()
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        _patched(sys, "argv", argv),
        _patched(instaloader.RateController, "sleep", lambda self, secs: None),
        contextlib.suppress(SystemExit),
    ):
        instaloader_cli.main()
    return kinds(replay), time.perf_counter() - started


def instaloader_reread(replay: InstagramReplay, session: Path, shortcodes: list[str]) -> dict[str, set[int]]:
    """What instaloader needs to read posts again (its fast update stops at the first stored post):
    ``Post.from_shortcode(...).get_comments()`` with every comment's answers, logged in with the
    saved session; the ids read, by shortcode. Its requests stay in ``replay.calls``."""
    loader = instaloader.Instaloader(sleep=False, quiet=True)
    loader.load_session_from_file(LOGIN, str(session))
    read = {}
    with _patched(instaloader.RateController, "sleep", lambda self, secs: None):
        for shortcode in shortcodes:
            post = instaloader.Post.from_shortcode(loader.context, shortcode)
            ids = set()
            for comment in post.get_comments():
                ids.add(int(comment.id))  # a GraphQL comment's id is a string
                ids.update(int(answer.id) for answer in comment.answers)
            read[shortcode] = ids
    loader.close()
    return read


@contextlib.contextmanager
def _patched(obj: object, name: str, value: object) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def comment_files(folder: Path) -> dict[str, set[int]]:
    """What instaloader saved in ``folder``: the ids of the comments and replies in each post's
    ``*_comments.json``, by the post's time (instaloader's file name, ``%Y-%m-%d_%H-%M-%S``)."""
    saved = {}
    for path in folder.glob("*_UTC_comments.json"):
        ids = set()
        for comment in json.loads(path.read_text()):
            ids.add(int(comment["id"]))
            ids.update(int(answer["id"]) for answer in comment.get("answers") or [])
        saved[path.name.removesuffix("_UTC_comments.json")] = ids
    return saved


def file_key(post: FakePost) -> str:
    return f"{post.date_utc:%Y-%m-%d_%H-%M-%S}"


def instaloader_read(account: FakeAccount, files: dict[str, set[int]], posts: list[FakePost]) -> bool:
    """Whether instaloader's files hold every comment and reply of these posts that the replay serves."""
    return all(files.get(file_key(p), set()) >= on_instagram(account, [p]) for p in posts)


# -- the run -------------------------------------------------------------------------------------------


def compare(posts: int, comments: int, old: int, new: int) -> list[_summary.Row]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        settings = Settings(
            f"sqlite:///{tmp / 'a.db'}", tmp / "media", tmp / "data", tmp / "logs", no_wait=True
        )
        archive = Archive(settings)
        account, factor = make_account(posts, comments)
        total = len(on_instagram(account))
        replies = sum(1 for p in account.posts for c in iter_comments(p.thread or []) if c.parent_pk)
        big = sum(1 for p in account.posts if p.comments > instaloader.NodeIterator.page_length())
        with InstagramReplay([account], users={LOGIN: PASSWORD}) as replay:
            login = Login(LOGIN, save_login(settings, LOGIN, PASSWORD, lambda: ""))
            # instaloader logs in with the same saved session (a copy: it writes the file back).
            their_session = tmp / "instaloader-session"
            shutil.copyfile(login.path, their_session)
            folder = tmp / "il"

            first, first_s, first_comments_s, first_new = our_sync(archive, replay, login)
            ours_first_ok = stored(archive) == on_instagram(account) and first_new == total
            t_first, t_first_s = instaloader_comments(
                replay, folder, their_session, [NAME], fast_update=False
            )
            files = comment_files(folder / NAME)
            theirs_first_ok = instaloader_read(account, files, account.posts)

            # The owners' changes: new comments and replies on old posts, and new posts.
            changed = recent_posts(account, old)
            added = 0
            for i, post in enumerate(changed):
                added += len(add_comments(account, post.shortcode, 2 + i % 3, replies=1 + i % 2, seed=i))
            fresh = add_new_posts(account, new, seed=3)
            _scale(account, fresh, factor)
            added += sum(p.comments for p in fresh)

            update, update_s, _, update_new = our_sync(archive, replay, login)
            ours_update_ok = stored(archive) == on_instagram(account) and update_new == added
            _, t_update_s = instaloader_comments(replay, folder, their_session, [NAME], fast_update=True)
            started = time.perf_counter()  # the calls of the CLI stay: both count
            reread = instaloader_reread(replay, their_session, [p.shortcode for p in changed])
            t_update_s += time.perf_counter() - started
            t_update = kinds(replay)
            theirs_update_ok = instaloader_read(account, comment_files(folder / NAME), fresh) and all(
                reread[p.shortcode] >= on_instagram(account, [p]) for p in changed
            )
        archive.engine.dispose()

    n_first, n_t_first = sum(first.values()), sum(t_first.values())
    n_update, n_t_update = sum(update.values()), sum(t_update.values())
    print(
        f"\n{posts}-post account, logged in: {total:,} comments and replies ({replies:,} replies), "
        f"{big} posts with more than {instaloader.NodeIterator.page_length()}"
    )
    print(f"  first sync with comments   ours {n_first:5d} requests {first_s:6.2f} s   ({shown(first)})")
    print(f"         instaloader --comments {n_t_first:5d} requests {t_first_s:6.2f} s   ({shown(t_first)})")
    print(
        f"  after new comments on {old} old posts ({added - sum(p.comments for p in fresh)} comments and replies)"
        f" and {new} new posts ({sum(p.comments for p in fresh)})"
    )
    print(f"                             ours {n_update:5d} requests {update_s:6.2f} s   ({shown(update)})")
    print(
        f"  instaloader --fast-update --comments, then {old} x Post.from_shortcode().get_comments()\n"
        f"                      instaloader {n_t_update:5d} requests {t_update_s:6.2f} s   ({shown(t_update)})"
    )
    ours_comment_requests = sum(first[k] for k in COMMENT_KINDS)
    theirs_comment_requests = sum(t_first[k] for k in COMMENT_KINDS)
    print(
        f"  first sync, comment requests alone: ours {ours_comment_requests},"
        f" instaloader {theirs_comment_requests} (+ {t_first['post']} post metadata)"
    )
    every = ours_first_ok and ours_update_ok and theirs_first_ok and theirs_update_ok
    print(
        f"  every comment and reply read: ours {_yes(ours_first_ok and ours_update_ok)},"
        f" instaloader {_yes(theirs_first_ok and theirs_update_ok)}"
    )
    per_second = first_new / first_s
    print(
        f"  comments stored per second, first sync: {per_second:,.0f}"
        f" ({first_new:,} in {first_s:.2f} s; the comments phase {first_comments_s:.2f} s,"
        f" {first_new / max(first_comments_s, 1e-9):,.0f} a second)"
    )
    ratio_first, ratio_update = n_first / n_t_first, n_update / n_t_update
    print(f"  ratio ours/instaloader: first {ratio_first:.2f}, update {ratio_update:.2f}")
    passed_first, passed_update = ratio_first <= GOAL, ratio_update <= GOAL
    print(f"  first sync ratio at most {GOAL}: {_summary.verdict(passed_first)}")
    print(f"  update ratio at most {GOAL}: {_summary.verdict(passed_update)}")
    if not every:
        raise SystemExit("comments missing: see above")
    return [
        _summary.Row(
            f"API requests of a first sync with comments ({posts} posts, {total:,} comments), logged in",
            str(n_first),
            f"{n_t_first} instaloader --comments",
            f"{ratio_first:.2f}",
            f"≤ {GOAL}",
            passed_first,
        ),
        _summary.Row(
            f"API requests of an update with comments ({old} old posts with new comments, {new} new posts)",
            str(n_update),
            f"{n_t_update} instaloader --fast-update --comments + {old} posts read again",
            f"{ratio_update:.2f}",
            f"≤ {GOAL}",
            passed_update,
        ),
        _summary.Row(
            f"comments stored per second, first sync of {posts} posts (with media)",
            f"{per_second:,.0f} ({first_new:,} in {first_s:.1f} s)",
        ),
    ]


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--comments", type=int, default=6000, help="comments and replies in all, about")
    parser.add_argument(
        "--old", type=int, default=10, help="stored posts of the last 30 days that get comments"
    )
    parser.add_argument("--new", type=int, default=5)
    _summary.add_option(parser)
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, instaloader {instaloader.__version__}"
    )
    rows = compare(args.posts, args.comments, args.old, args.new)
    _summary.write(args.summary, rows)


if __name__ == "__main__":
    main()
