"""The command line: ``python -m scraper COMMAND``. Run with ``--help`` for the commands."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from i18n import t
from scraper import errors
from scraper.archive import Archive
from scraper.config import Settings, load_settings, normalize_username, parse_date
from scraper.errors import ExitCode, ScraperError
from scraper.instagram.login import Login
from scraper.logs import setup_logging
from scraper.store import writes
from scraper.store.models import Profile
from scraper.sync import COMMENTS_DAYS, Progress, SyncOptions, SyncPhase, SyncResult

log = logging.getLogger("scraper.cli")


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", help="SQLAlchemy URL or SQLite file (default: $DATABASE_URL or data/instagram.db)"
    )
    common.add_argument("--media-dir", help="where images and videos go (default: $MEDIA_DIR or media/)")
    parser = argparse.ArgumentParser(
        prog="python -m scraper", description="Archive public Instagram accounts with instaloader."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sync = commands.add_parser("sync", parents=[common], help="download new posts of one or more accounts")
    sync.add_argument("usernames", nargs="+", metavar="USERNAME")
    sync.add_argument("--max-posts", type=_positive, metavar="N", help="fetch at most N posts not stored yet")
    sync.add_argument("--since", metavar="DATE", help="skip posts older than DATE (YYYY-MM-DD)")
    sync.add_argument("--session", metavar="USER", help="use the saved login of USER (default: the only one)")
    sync.add_argument("--videos", action="store_true", help="download video files too (thumbnails always)")
    sync.add_argument(
        "--refresh-recent",
        type=int,
        default=0,
        metavar="N",
        help="refresh counts of the N newest stored posts",
    )
    sync.add_argument(
        "--full", action="store_true", help="walk the whole timeline: refresh counts, mark deleted posts"
    )
    sync.add_argument("--no-media", action="store_true", help="store posts without downloading files")
    sync.add_argument(
        "--comments",
        action="store_true",
        help="store the comments and replies of new posts and of posts whose comment count moved (needs a login)",
    )
    sync.add_argument(
        "--max-comments",
        type=_positive,
        metavar="N",
        help="read at most about N comments per post in this run",
    )
    sync.add_argument(
        "--refresh-comments", action="store_true", help="read every post's comments again (with --comments)"
    )
    sync.add_argument(
        "--comments-days",
        type=int,
        default=COMMENTS_DAYS,
        metavar="N",
        help=f"refresh the comment counts of stored posts of the last N days (default {COMMENTS_DAYS})",
    )
    sync.add_argument(
        "--here",
        action="store_true",
        help="sync in this process even when SCRAPER_BROKER_URL sends syncs to Celery workers",
    )

    export = commands.add_parser("export", parents=[common], help="write an account's stored posts to stdout")
    export.add_argument("username", metavar="USERNAME")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument(
        "--comments", action="store_true", help="write the stored comments and replies instead of the posts"
    )

    archive = commands.add_parser(
        "import-archive", parents=[common], help="import a folder downloaded by instaloader"
    )
    archive.add_argument("folder", metavar="DIR", type=Path)

    commands.add_parser("accounts", parents=[common], help="list stored accounts")

    cleanup = commands.add_parser(
        "cleanup", parents=[common], help="delete media files nothing uses any more"
    )
    cleanup.add_argument("--dry-run", action="store_true", help="only say what would be deleted")

    login = commands.add_parser("login", parents=[common], help="log in to Instagram and save the session")
    login.add_argument("user", metavar="USER")

    commands.add_parser("demo", parents=[common], help="store the demo accounts (replayed, no network)")

    search = commands.add_parser(
        "search", parents=[common], help="search the captions and comments of every stored account"
    )
    search.add_argument("query", nargs="+", metavar="QUERY", help="words (the last one also as a prefix)")
    search.add_argument("--group", metavar="NAME", help="only the accounts of this group")
    search.add_argument("--since", metavar="DATE", help="only from DATE on (YYYY-MM-DD, UTC)")
    search.add_argument(
        "--until", metavar="DATE", help="only up to DATE, that day included (YYYY-MM-DD, UTC)"
    )
    search.add_argument("--format", choices=["json", "csv"], default="json")

    groups = commands.add_parser("groups", help="named sets of stored accounts, looked at together")
    group_commands = groups.add_subparsers(dest="groups_command", required=True, metavar="ACTION")
    groups_add = group_commands.add_parser("add", parents=[common], help="put stored accounts in a group")
    groups_add.add_argument("name", metavar="NAME")
    groups_add.add_argument("usernames", nargs="+", metavar="USERNAME")
    groups_remove = group_commands.add_parser(
        "remove", parents=[common], help="take accounts out of a group, or delete the group"
    )
    groups_remove.add_argument("name", metavar="NAME")
    groups_remove.add_argument("usernames", nargs="*", metavar="USERNAME")
    group_commands.add_parser("list", parents=[common], help="the groups and their accounts")

    network = commands.add_parser(
        "network",
        parents=[common],
        help="the network of a group: who its accounts mention, tag and hear from, to stdout",
    )
    network.add_argument("--group", required=True, metavar="NAME", help="the group whose network to write")
    network.add_argument("--format", choices=["json", "gexf", "graphml"], default="json")
    network.add_argument(
        "--min-weight",
        type=_positive,
        default=1,
        metavar="N",
        help="only edges of at least N posts or comments",
    )
    network.add_argument(
        "--kind",
        nargs="+",
        action="extend",
        choices=["mention", "tag", "comment"],
        help="only edges of these kinds (default: all)",
    )

    hashes = commands.add_parser(
        "hashes", parents=[common], help="perceptual hashes of the stored pictures, for finding reposts"
    )
    hashes.add_argument(
        "--backfill",
        action="store_true",
        required=True,
        help="hash the stored pictures that have a file but no hash yet (resumable)",
    )
    hashes.add_argument("--batch", type=_positive, default=200, metavar="N", help="commit every N pictures")

    reposts = commands.add_parser(
        "reposts", parents=[common], help="sets of posts whose pictures are the same or nearly, to stdout"
    )
    reposts.add_argument("--group", metavar="NAME", help="only the posts of this group's accounts")
    reposts.add_argument("--format", choices=["json", "csv"], default="json")

    watch = commands.add_parser("watch", help="refresh a list of accounts on a schedule")
    watch_commands = watch.add_subparsers(dest="watch_command", required=True, metavar="ACTION")
    watch_add = watch_commands.add_parser("add", parents=[common], help="watch accounts")
    watch_add.add_argument("usernames", nargs="+", metavar="USERNAME")
    watch_add.add_argument("--every", default="6h", help="how often to sync them: 30m, 6h, 1d (default 6h)")
    watch_add.add_argument(
        "--comments",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="their syncs read comments too (needs a login); --no-comments turns that off",
    )
    watch_remove = watch_commands.add_parser("remove", parents=[common], help="stop watching accounts")
    watch_remove.add_argument("usernames", nargs="+", metavar="USERNAME")
    watch_commands.add_parser("list", parents=[common], help="the watch list and when each account is due")
    watch_run = watch_commands.add_parser(
        "run", parents=[common], help="sync due accounts until stopped (or queue them for Celery workers)"
    )
    watch_run.add_argument("--once", action="store_true", help="one round, then exit (for cron)")
    watch_run.add_argument("--session", metavar="USER", help="use the saved login of USER")
    watch_run.add_argument(
        "--cleanup-every", default="24h", help="delete unused media files this often (default 24h; 0: never)"
    )
    return parser


class ProgressLine:
    """Posts done of total and rate-limit waits, on one terminal line (or plain lines when piped)."""

    def __init__(self, lang: str, out: TextIO | None = None) -> None:
        self.lang = lang
        self.out: TextIO = out or sys.stderr
        self.tty = self.out.isatty()
        self._last = ""

    def __call__(self, progress: Progress) -> None:
        if progress.wait_seconds and progress.wait_until is not None:
            text = t(
                "cli.sync.wait",
                self.lang,
                user=progress.username,
                seconds=round(progress.wait_seconds),
                until=f"{progress.wait_until.astimezone():%H:%M:%S}",
            )
        elif progress.phase == SyncPhase.COMMENTS:
            text = t(
                "cli.sync.comments_progress",
                self.lang,
                user=progress.username,
                done=progress.done,
                total=progress.total or 0,
            )
        elif progress.total:
            text = t(
                "cli.sync.progress",
                self.lang,
                user=progress.username,
                done=progress.done,
                total=progress.total,
            )
        else:
            text = t("cli.sync.progress_unknown", self.lang, user=progress.username, done=progress.done)
        if text == self._last:
            return
        self._last = text
        if self.tty:
            self.out.write("\r\x1b[K" + text)
        elif progress.wait_seconds or (
            progress.phase == SyncPhase.POSTS and progress.done and progress.done % 25 == 0
        ):
            self.out.write(text + "\n")
        self.out.flush()

    def end(self) -> None:
        if self.tty and self._last:
            self.out.write("\r\x1b[K")
            self.out.flush()
        self._last = ""


def cmd_sync(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    usernames = [normalize_username(u) for u in args.usernames]  # all checked before any request
    options = SyncOptions(
        max_posts=args.max_posts,
        since=parse_date(args.since) if args.since else None,
        videos=args.videos,
        refresh_recent=max(args.refresh_recent, 0),
        full=args.full,
        media=not args.no_media,
        comments=args.comments or args.refresh_comments,
        max_comments=args.max_comments,
        refresh_comments=args.refresh_comments,
        comments_days=max(args.comments_days, 0),
    )
    archive = Archive(settings)
    login = archive.choose_session(args.session)
    if options.comments and login is None:  # before any request
        raise errors.LoginNeeded("error.comments_login", user=usernames[0])
    code = ExitCode.OK
    cancel = threading.Event()
    remote = settings.broker_url is not None and not args.here
    for username in usernames:
        line = ProgressLine(lang)
        try:
            if remote:
                result = _sync_on_worker(archive, username, options, login, line)
            else:
                result = archive.sync(username, options, login=login, on_progress=line, cancel=cancel)
        except KeyboardInterrupt:
            line.end()
            print(t("error.interrupted", lang), file=sys.stderr)
            return ExitCode.INTERRUPTED
        line.end()
        if result.error is not None:
            print(
                t("cli.sync.failed", lang, user=username, message=result.error.message(lang)), file=sys.stderr
            )
            code = code or result.error.exit_code
            if result.error.exit_code in (
                ExitCode.RATE_LIMITED,
                ExitCode.INTERRUPTED,
                ExitCode.NETWORK,
                ExitCode.DISK_FULL,
            ):
                return result.error.exit_code  # the next accounts would fail the same way
            continue
        _print_done(result, lang)
    return code


def _print_done(result: SyncResult, lang: str) -> None:
    """The closing line of a sync that ended ok, and the files it could not download."""
    print(
        t(
            "cli.sync.done",
            lang,
            user=result.username,
            new=result.new,
            updated=result.updated,
            media=result.media_downloaded,
            requests=result.api_requests,
            seconds=f"{result.seconds:.1f}",
        ),
        flush=True,
    )
    if result.comments_new or result.comments_updated or result.comments_deleted:
        print(
            t(
                "cli.sync.comments_done",
                lang,
                user=result.username,
                new=result.comments_new,
                updated=result.comments_updated,
                deleted=result.comments_deleted,
            ),
            flush=True,
        )
    if result.media_failed:
        print(
            t("cli.sync.files_failed", lang, user=result.username, count=result.media_failed), file=sys.stderr
        )


def _sync_on_worker(
    archive: Archive,
    username: str,
    options: SyncOptions,
    login: Login | None,
    line: ProgressLine,
) -> SyncResult:
    """Send the sync to the Celery workers and follow it until it ends; Ctrl-C cancels it there."""
    from scraper.workers.queue import CeleryRunner

    runner = CeleryRunner(archive)
    job = runner.start(username, options, login=login)
    try:
        while not job.finished:
            line(job.progress)
            time.sleep(0.25)  # the job runs in another process: its progress is read from the board
            job = runner.board.get(username) or job
    except KeyboardInterrupt:
        runner.cancel(username)
        raise
    if job.result is not None:
        return job.result
    return SyncResult(username, status=job.status, error=job.error)


def cmd_export(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from scraper.store.export import COMMENT_FIELDS, FIELDS, comment_rows, post_rows, write_csv, write_json

    username = normalize_username(args.username)
    archive = Archive(settings)
    with archive.sessions() as session:
        profile = writes.profile_by_username(session, username)
        if profile is None:
            raise errors.AccountNotFound("error.not_stored", user=username)
        rows = comment_rows(session, profile.id) if args.comments else post_rows(session, profile.id)
        if args.format == "csv":
            write_csv(rows, sys.stdout, COMMENT_FIELDS if args.comments else FIELDS)
        else:
            write_json(rows, sys.stdout)
    return ExitCode.OK


def cmd_import(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from scraper.folder_import import import_archive

    archive = Archive(settings)
    report = import_archive(archive.sessions, settings, args.folder)
    for path, reason in report.errors:
        print(t("cli.import.file_error", lang, path=path, reason=reason), file=sys.stderr)
    print(
        t(
            "cli.import.done",
            lang,
            user=report.username,
            posts=report.posts,
            files=report.files,
            errors=len(report.errors),
        )
    )
    return ExitCode.OK


def cmd_accounts(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    for line in Archive(settings).account_lines(lang):
        print(line)
    return ExitCode.OK


def cmd_cleanup(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from scraper.store.media import cleanup, human_size

    archive = Archive(settings)
    with archive.sessions() as session:
        if session.scalars(select(Profile.id).limit(1)).first() is None:
            # A wrong --db would otherwise make every file look unused.
            raise errors.BadInput("error.cleanup_empty", media=settings.media_dir)
        report = cleanup(session, settings.media_dir, dry_run=args.dry_run)
    for path in report.files:
        print(path)
    key = "cli.cleanup.dry_run" if args.dry_run else "cli.cleanup.done"
    print(t(key, lang, files=len(report.files), size=human_size(report.bytes)))
    return ExitCode.OK


def cmd_login(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from scraper.instagram.login import login

    user = normalize_username(args.user)
    password = getpass.getpass(t("cli.login.password", lang, user=user))
    path = login(settings, user, password, lambda: input(t("cli.login.two_factor", lang)).strip())
    del password
    print(t("cli.login.done", lang, user=user, path=path))
    return ExitCode.OK


def cmd_demo(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from scraper.replay.demo import seed_demo

    for line in seed_demo(settings, lang=lang):
        print(line)
    return ExitCode.OK


def cmd_search(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from insights.search import MATCH_COLUMNS, search_all, search_words
    from scraper.store import groups
    from scraper.store.export import iso, write_csv, write_json

    query = " ".join(args.query)
    if not search_words(query):  # no word: it would write the whole archive
        raise errors.BadInput("error.empty_query", value=query[:40])
    since = parse_date(args.since) if args.since else None
    until = parse_date(args.until) + timedelta(days=1) if args.until else None
    if since is not None and until is not None and until <= since:
        raise errors.BadInput("error.bad_period", since=args.since, until=args.until)
    group = groups.group_name(args.group) if args.group is not None else None
    archive = Archive(settings)
    with archive.sessions() as session:
        usernames = groups.members(session, group) if group is not None else None
        matches = search_all(session, query, usernames=usernames, since=since, until=until)
        rows = (
            {**match, "created_at": iso(match["created_at"]), "deleted_at": iso(match["deleted_at"])}
            for match in matches
        )
        if args.format == "csv":
            write_csv(rows, sys.stdout, MATCH_COLUMNS)
        else:
            write_json(rows, sys.stdout)
    return ExitCode.OK


def cmd_groups(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from scraper.store import groups

    archive = Archive(settings)
    with archive.sessions() as session:
        if args.groups_command == "add":
            names = groups.add(session, args.name, args.usernames)
            print(t("cli.groups.added", lang, group=groups.group_name(args.name), users=", ".join(names)))
        elif args.groups_command == "remove":
            names = groups.remove(session, args.name, args.usernames)
            key = "cli.groups.removed" if args.usernames else "cli.groups.deleted"
            print(t(key, lang, group=groups.group_name(args.name), users=", ".join(names)))
        else:
            found = groups.groups(session)
            if not found:
                print(t("cli.groups.empty", lang))
            for name, members in found.items():
                print(t("cli.groups.line", lang, group=name, count=len(members), users=", ".join(members)))
    return ExitCode.OK


def cmd_network(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from insights import network
    from scraper.store import groups

    name = groups.group_name(args.group)  # exit 2 before the archive is opened
    archive = Archive(settings)
    with archive.sessions() as session:
        members = groups.members(session, name)  # exit 3 for no such group
        found = network.network(
            session, members, kinds=args.kind or network.KINDS, min_weight=args.min_weight
        )
    sys.stdout.flush()
    sys.stdout.buffer.write(network.serialize(found, args.format))
    sys.stdout.flush()
    return ExitCode.OK


def cmd_hashes(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from scraper.store import hashes

    archive = Archive(settings)
    with archive.sessions() as session:
        total = hashes.unhashed_count(session)
    out = sys.stderr
    tty = out.isatty()
    started = time.monotonic()

    def progress(report: hashes.BackfillReport) -> None:
        text = t("cli.hashes.progress", lang, done=report.done, total=total)
        out.write(f"\r\x1b[K{text}" if tty else text + "\n")
        out.flush()

    try:
        report = hashes.backfill(archive.sessions, settings.media_dir, batch=args.batch, on_batch=progress)
    finally:
        if tty:
            out.write("\r\x1b[K")
            out.flush()
    for path, reason in report.failed:
        key = "cli.hashes.missing" if reason == "missing" else "cli.hashes.unreadable"
        print(t(key, lang, path=path), file=sys.stderr)
    print(
        t(
            "cli.hashes.done",
            lang,
            hashed=report.hashed,
            plain=report.plain,
            failed=len(report.failed),
            seconds=f"{time.monotonic() - started:.1f}",
        )
    )
    return ExitCode.OK


def cmd_reposts(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from insights.reposts import repost_sets
    from scraper.store import groups
    from scraper.store.export import iso, write_csv, write_json

    group = groups.group_name(args.group) if args.group is not None else None  # exit 2 before opening
    archive = Archive(settings)
    with archive.sessions() as session:
        sets = repost_sets(session, group)  # exit 3 for no such group
    if args.format == "csv":
        rows = (
            {"set": n, "username": p.username, "shortcode": p.shortcode, "taken_at": iso(p.taken_at)}
            for n, posts in enumerate(sets, 1)
            for p in posts
        )
        write_csv(rows, sys.stdout, ["set", "username", "shortcode", "taken_at"])
    else:
        write_json(
            (
                {
                    "posts": [
                        {"username": p.username, "shortcode": p.shortcode, "taken_at": iso(p.taken_at)}
                        for p in posts
                    ]
                }
                for posts in sets
            ),
            sys.stdout,
        )
    return ExitCode.OK


def cmd_watch(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from scraper.workers import watch

    archive = Archive(settings)
    action = args.watch_command
    if action == "add":
        every = watch.parse_every(args.every)
        with archive.sessions() as session:
            names = watch.add(session, args.usernames, every, comments=args.comments)
        print(t("cli.watch.added", lang, users=", ".join(names), every=_human_every(every)))
        return ExitCode.OK
    if action == "remove":
        with archive.sessions() as session:
            removed = watch.remove(session, args.usernames)
        missing = [u for u in (normalize_username(u) for u in args.usernames) if u not in removed]
        if removed:
            print(t("cli.watch.removed", lang, users=", ".join(removed)))
        if missing:
            print(t("cli.watch.not_watched", lang, users=", ".join(missing)), file=sys.stderr)
            return ExitCode.BAD_INPUT
        return ExitCode.OK
    if action == "list":
        with archive.sessions() as session:
            found = watch.entries(session)
        if not found:
            print(t("cli.watch.empty", lang))
            return ExitCode.OK
        print(t("cli.watch.header", lang))
        now = datetime.now(UTC)
        for e in found:
            started = f"{e.last_started.astimezone():%Y-%m-%d %H:%M}" if e.last_started else "-"
            due = (
                t("cli.watch.now", lang) if e.next_due <= now else f"{e.next_due.astimezone():%Y-%m-%d %H:%M}"
            )
            print(f"{e.username}\t{_human_every(e.every)}\t{started}\t{e.last_status or '-'}\t{due}")
        return ExitCode.OK
    return _watch_run(args, archive, lang)


def _human_every(every: timedelta) -> str:
    minutes = every // timedelta(minutes=1)
    for unit, size in (("d", 1440), ("h", 60)):
        if minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


def _watch_run(args: argparse.Namespace, archive: Archive, lang: str) -> ExitCode:
    """Rounds of the schedule: sync (or queue) what is due, wait until the next account is due."""
    import signal

    from scraper.store.media import human_size
    from scraper.workers import watch

    cleanup_every = None if args.cleanup_every.strip() in ("0", "") else watch.parse_every(args.cleanup_every)
    login = archive.choose_session(args.session)
    stop = threading.Event()
    if not args.once:
        # A service manager stops the loop with SIGTERM: the running sync stops at its next request.
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    queue = None
    if archive.settings.broker_url is not None:
        from scraper.workers.queue import CeleryRunner

        runner = CeleryRunner(archive)

        def queue(username: str, options: SyncOptions) -> None:
            runner.start(username, options, login=login)
            print(t("cli.watch.queued", lang, user=username))

    def sync_one(username: str, options: SyncOptions) -> ScraperError | None:
        line = ProgressLine(lang)
        result = archive.sync(username, options, login=login, on_progress=line, cancel=stop)
        line.end()
        if result.error is not None:
            print(
                t("cli.sync.failed", lang, user=username, message=result.error.message(lang)), file=sys.stderr
            )
        else:
            _print_done(result, lang)
        return result.error

    if not args.once:
        with archive.sessions() as session:
            print(t("cli.watch.running", lang, count=len(watch.entries(session))), flush=True)
    while True:
        report = watch.run_round(archive, sync_one, queue=queue, cleanup_every=cleanup_every, stop=stop)
        if report.cleanup is not None and report.cleanup.files:
            files, size = len(report.cleanup.files), human_size(report.cleanup.bytes)
            print(t("cli.watch.cleanup", lang, files=files, size=size), flush=True)
        if args.once or stop.is_set():
            return ExitCode.OK if stop.is_set() else report.exit_code
        if report.pause_until is not None:
            error = next(iter(report.failed.values()))
            until = f"{report.pause_until.astimezone():%H:%M}"
            print(t("cli.watch.paused", lang, until=until, message=error.message(lang)), flush=True)
        if stop.wait(watch.seconds_to_next(archive, report.pause_until)):
            return ExitCode.OK


COMMANDS = {
    "sync": cmd_sync,
    "export": cmd_export,
    "import-archive": cmd_import,
    "accounts": cmd_accounts,
    "cleanup": cmd_cleanup,
    "login": cmd_login,
    "demo": cmd_demo,
    "watch": cmd_watch,
    "groups": cmd_groups,
    "search": cmd_search,
    "network": cmd_network,
    "hashes": cmd_hashes,
    "reposts": cmd_reposts,
}


def main(argv: Sequence[str] | None = None) -> ExitCode:
    """Run one command; returns the exit code (0 ok, 1 unexpected, 2 bad input, 3 not found,
    4 login needed, 5 rate limited, 6 network, 7 busy, 8 disk full, 130 interrupted)."""
    args = build_parser().parse_args(argv)
    settings = load_settings(args.db, args.media_dir)
    lang = settings.language
    setup_logging(settings.log_dir)
    log.info("command %s", args.command)
    try:
        return COMMANDS[args.command](args, settings, lang)
    except ScraperError as err:
        log.info("command %s: %s", args.command, err.message(), exc_info=err.exit_code == ExitCode.UNEXPECTED)
        print(err.message(lang), file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(t("error.interrupted", lang), file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception:
        log.exception("command %s failed", args.command)
        print(ScraperError().message(lang), file=sys.stderr)
        return ExitCode.UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
