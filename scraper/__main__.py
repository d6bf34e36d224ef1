"""The command line: ``python -m scraper COMMAND``. Run with ``--help`` for the commands."""

from __future__ import annotations

import argparse
import dataclasses
import errno
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

from i18n import LANGUAGES, format_datetime, format_number, format_size, format_time, t
from scraper import errors
from scraper.archive import Archive
from scraper.config import Settings, load_settings, normalize_username, parse_date
from scraper.errors import ExitCode, ScraperError
from scraper.instagram.browser import BROWSERS
from scraper.instagram.login import Login
from scraper.logs import setup_logging
from scraper.store import copy as archive_copy
from scraper.store import writes
from scraper.store.changes import FOLLOWER_THRESHOLD
from scraper.store.copy import CopyReport, TableCopy
from scraper.store.models import Profile
from scraper.sync import COMMENTS_DAYS, Progress, SyncOptions, SyncPhase, SyncResult
from scraper.workers import notify

log = logging.getLogger("scraper.cli")


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _percent(value: str) -> float:
    number = float(value)
    if not 0 <= number < 10_000:
        raise argparse.ArgumentTypeError("must be a percentage, 0 or more")
    return number


def _add_change_options(parser: argparse.ArgumentParser) -> None:
    """--notify and --follower-threshold, of ``sync`` and ``watch run``."""
    parser.add_argument(
        "--notify",
        action="append",
        default=[],
        metavar="URL",
        help="POST each sync's changes to URL (JSON; plain text for an ntfy topic); repeatable",
    )
    parser.add_argument(
        "--follower-threshold",
        type=_percent,
        default=FOLLOWER_THRESHOLD,
        metavar="PERCENT",
        help=f"record the follower count as changed once it moved by PERCENT (default {FOLLOWER_THRESHOLD:g})",
    )


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
    _add_change_options(sync)

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
    login.add_argument(
        "user", metavar="USER", nargs="?", help="the account (with --from-browser: checked, if given)"
    )
    login.add_argument(
        "--from-browser",
        choices=list(BROWSERS),
        metavar="BROWSER",
        help=f"take the Instagram login of this browser on this computer ({', '.join(BROWSERS)})",
    )
    login.add_argument(
        "--profile",
        type=Path,
        metavar="PATH",
        help="the browser's profile folder, or its cookie file (default: the browser's own profile)",
    )

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

    copy = commands.add_parser(
        "copy",
        parents=[common],
        help="copy the archive (--db) into another database, e.g. PostgreSQL; media files stay where they are",
        description="Copy every table of the archive (--db) into another, empty database, which gets the "
        "newest schema. Media files are not copied: they stay under the media folder. A copy cut short "
        "is finished by running the same command again. Exit 6: a database cannot be reached; 11: the "
        "target holds another archive.",
    )
    copy.add_argument(
        "--to", required=True, metavar="URL", help="the target: a SQLAlchemy URL, or a SQLite file"
    )
    copy.add_argument(
        "--batch",
        type=_positive,
        default=archive_copy.BATCH,
        metavar="N",
        help=f"rows per transaction (default {archive_copy.BATCH:,}); a copy cut short loses at most one",
    )

    reposts = commands.add_parser(
        "reposts", parents=[common], help="sets of posts whose pictures are the same or nearly, to stdout"
    )
    reposts.add_argument("--group", metavar="NAME", help="only the posts of this group's accounts")
    reposts.add_argument("--format", choices=["json", "csv"], default="json")

    report = commands.add_parser(
        "report", parents=[common], help="a report on an account or a group, as one HTML file or an A4 PDF"
    )
    subject = report.add_mutually_exclusive_group(required=True)
    subject.add_argument("username", nargs="?", metavar="USERNAME", help="the stored account to report on")
    subject.add_argument("--group", metavar="NAME", help="the group to report on")
    report.add_argument("--since", metavar="DATE", help="only posts from DATE on (YYYY-MM-DD, in --tz)")
    report.add_argument("--until", metavar="DATE", help="only posts up to DATE, that day included")
    report.add_argument("--format", choices=["html", "pdf"], default="html")
    report.add_argument("-o", "--output", required=True, metavar="FILE", type=Path, help="where to write it")
    report.add_argument(
        "--lang", choices=list(LANGUAGES), help="the report's language (default: SCRAPER_LANG or the locale)"
    )
    report.add_argument(
        "--tz", default="UTC", metavar="ZONE", help="days and hours in this time zone (default UTC)"
    )

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
    _add_change_options(watch_run)
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
                until=format_time(progress.wait_until.astimezone(), self.lang),
            )
        elif progress.phase == SyncPhase.COMMENTS:
            text = t(
                "cli.sync.comments_progress",
                self.lang,
                count=progress.total or 0,
                user=progress.username,
                done=progress.done,
                total=progress.total or 0,
            )
        elif progress.total:
            text = t(
                "cli.sync.progress",
                self.lang,
                count=progress.total,
                user=progress.username,
                done=progress.done,
                total=progress.total,
            )
        else:
            text = t(
                "cli.sync.progress_unknown",
                self.lang,
                count=progress.done,
                user=progress.username,
                done=progress.done,
            )
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
        follower_threshold=args.follower_threshold,
    )
    remote = settings.broker_url is not None and not args.here
    # The workers tell SCRAPER_NOTIFY's URLs themselves.
    notifier = _notifier(args.notify, () if remote else settings.notify_urls, lang)  # checked first
    archive = Archive(settings)
    login = archive.choose_session(args.session)
    if options.comments and login is None:  # before any request
        raise errors.LoginNeeded("error.comments_login", user=usernames[0])
    try:
        return _sync_all(archive, usernames, options, login, notifier, remote, lang)
    finally:
        notifier.close()


def _notifier(given: Sequence[str], configured: Sequence[str], lang: str) -> notify.Notifier:
    """The notifier of ``--notify`` URLs (checked: BadInput) and of SCRAPER_NOTIFY's."""
    for url in given:
        try:
            notify.check_url(url)
        except ValueError:
            # Not the whole value: a URL's path or query may hold a token, and the message is logged.
            shown = notify.shown(url) if "://" in url else url[:40]
            raise errors.BadInput("error.bad_notify_url", value=shown) from None
    return notify.Notifier(notify.urls_of(given, configured), lang)


def _changes(archive: Archive, result: SyncResult, notifier: notify.Notifier, lang: str) -> None:
    """Say how many changes the sync recorded, and send them to the notifier's URLs (in the background)."""
    batch = notify.batch_of_run(archive.sessions, result.run_id)
    if batch is None:
        return
    print(t("cli.sync.changes", lang, count=len(batch.changes), user=result.username), flush=True)
    notifier.send(batch)


def _sync_all(
    archive: Archive,
    usernames: list[str],
    options: SyncOptions,
    login: Login | None,
    notifier: notify.Notifier,
    remote: bool,
    lang: str,
) -> ExitCode:
    """Sync the accounts one after the other, here or on the workers; the exit code of the first failure."""
    code = ExitCode.OK
    cancel = threading.Event()
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
        if result.error is None:
            _print_done(result, lang)
        _changes(archive, result, notifier, lang)  # a sync that failed halfway may have seen some too
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
    return code


def _print_done(result: SyncResult, lang: str) -> None:
    """The closing line of a sync that ended ok, and the files it could not download."""
    print(
        t(
            "cli.sync.done",
            lang,
            user=result.username,
            new=t("count.new_posts", lang, count=result.new),
            updated=t("count.updated_posts", lang, count=result.updated),
            media=t("count.files", lang, count=result.media_downloaded),
            requests=t("count.requests", lang, count=result.api_requests),
            seconds=format_number(result.seconds, lang, decimals=1),
        ),
        flush=True,
    )
    if result.comments_new or result.comments_updated or result.comments_deleted:
        print(
            t(
                "cli.sync.comments_done",
                lang,
                user=result.username,
                new=t("count.new_comments", lang, count=result.comments_new),
                updated=t("count.changed", lang, count=result.comments_updated),
                deleted=t("count.deleted", lang, count=result.comments_deleted),
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
            posts=t("count.posts", lang, count=report.posts),
            files=t("count.files", lang, count=report.files),
            errors=t("count.files_with_errors", lang, count=len(report.errors)),
        )
    )
    return ExitCode.OK


def cmd_accounts(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    for line in Archive(settings).account_lines(lang):
        print(line)
    return ExitCode.OK


def cmd_cleanup(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from scraper.store.media import cleanup

    archive = Archive(settings)
    with archive.sessions() as session:
        if session.scalars(select(Profile.id).limit(1)).first() is None:
            # A wrong --db would otherwise make every file look unused.
            raise errors.BadInput("error.cleanup_empty", media=settings.media_dir)
        report = cleanup(session, settings.media_dir, dry_run=args.dry_run)
    for path in report.files:
        print(path)
    key = "cli.cleanup.dry_run" if args.dry_run else "cli.cleanup.done"
    print(
        t(key, lang, count=len(report.files), files=len(report.files), size=format_size(report.bytes, lang))
    )
    return ExitCode.OK


def cmd_login(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from scraper.instagram.login import login

    if args.from_browser:
        return _login_from_browser(args, settings, lang)
    if args.profile is not None:
        raise errors.BadInput("error.profile_needs_browser")
    if not args.user:
        raise errors.BadInput("error.login_needs_user")
    user = normalize_username(args.user)
    password = getpass.getpass(t("cli.login.password", lang, user=user))
    path = login(settings, user, password, lambda: input(t("cli.login.two_factor", lang)).strip())
    del password
    print(t("cli.login.done", lang, user=user, path=path))
    return ExitCode.OK


def _login_from_browser(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    """``login --from-browser``: the browser's Instagram cookies, checked and saved as a session."""
    from scraper.instagram.browser import login_from_browser
    from scraper.instagram.login import PREFIX

    path = login_from_browser(settings, args.from_browser, args.profile, user=args.user)
    user = path.name.removeprefix(PREFIX)
    print(t("cli.login.browser_done", lang, user=user, browser=BROWSERS[args.from_browser], path=path))
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
            hashed=t("count.pictures", lang, count=report.hashed),
            plain=t("count.plain_pictures", lang, count=report.plain),
            failed=t("count.skipped_files", lang, count=len(report.failed)),
            seconds=format_number(time.monotonic() - started, lang, decimals=1),
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


def cmd_report(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    from reports.content import build_report, check_period, check_timezone
    from reports.html import html_bytes
    from scraper.store import groups

    lang = args.lang or lang
    # Every argument is checked before the archive is opened: exit 2 for any of them.
    username = normalize_username(args.username) if args.username is not None else None
    group = groups.group_name(args.group) if args.group is not None else None
    since = parse_date(args.since).date() if args.since else None
    until = parse_date(args.until).date() if args.until else None
    check_period(since, until)
    tz = check_timezone(args.tz)
    archive = Archive(settings)
    with archive.sessions() as session:
        found = build_report(
            session,
            settings.media_dir,
            username=username,
            group=group,
            since=since,
            until=until,
            lang=lang,
            tz=tz,
        )
    if args.format == "pdf":
        from reports.pdf import pdf_bytes

        content = pdf_bytes(found)
    else:
        content = html_bytes(found)
    output: Path = args.output
    part = output.with_name(output.name + ".part")
    try:  # written whole or not at all: a half report must not pass for one
        part.write_bytes(content)
        part.replace(output)
    except OSError as err:
        part.unlink(missing_ok=True)
        if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise errors.DiskFull() from None
        raise errors.BadInput("report.error.cannot_write", path=output, reason=err.strerror or err) from None
    print(t("report.cli.written", lang, path=output, size=format_size(len(content), lang)))
    return ExitCode.OK


def cmd_copy(args: argparse.Namespace, settings: Settings, lang: str) -> ExitCode:
    target = archive_copy.database_url(args.to)
    source, shown = archive_copy.shown(settings.db_url), archive_copy.shown(target)
    print(t("copy.cli.start", lang, source=source, url=shown, media=settings.media_dir), file=sys.stderr)
    line = CopyProgress(lang)
    try:
        report = archive_copy.copy_archive(settings.db_url, target, batch=args.batch, on_progress=line)
    finally:
        line.end()
    if report.already_done:
        print(t("copy.cli.already", lang, url=shown))
        return ExitCode.OK
    line.notices(report)  # a copy without tables to write said nothing yet
    print(
        t(
            "copy.cli.done",
            lang,
            count=report.copied,
            url=shown,
            seconds=format_number(report.seconds, lang, decimals=1),
            rate=format_number(report.copied / report.seconds if report.seconds else 0, lang, decimals=0),
            total=report.rows,
        )
    )
    return ExitCode.OK


class CopyProgress:
    """Each table's rows copied of its total and rows per second, on stderr: one line rewritten on a
    terminal, else a line when a table is done (and every 10 s of a long one)."""

    EVERY = 10.0

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.out = sys.stderr
        self.tty = self.out.isatty()
        self._told = False
        self._shown_at = time.monotonic()

    def notices(self, report: CopyReport) -> None:
        """Say once that the source was upgraded first, and that an earlier copy is resumed."""
        if self._told:
            return
        self._told = True
        if report.upgraded_from is not None:
            print(t("copy.cli.upgraded", self.lang, revision=report.upgraded_from), file=self.out)
        if report.resumed:
            print(t("copy.cli.resuming", self.lang), file=self.out)

    def __call__(self, report: CopyReport, table: TableCopy) -> None:
        self.notices(report)
        text = t(
            "copy.cli.table",
            self.lang,
            table=table.name,
            done=table.done,
            count=table.total,
            rate=format_number(table.rate, self.lang, decimals=0),
        )
        finished = table.done >= table.total  # the source is read as of one moment: its count holds
        now = time.monotonic()
        if self.tty:
            self.out.write("\r\x1b[K" + text + ("\n" if finished else ""))
        elif finished or now - self._shown_at >= self.EVERY:
            self.out.write(text + "\n")
            self._shown_at = now
        self.out.flush()

    def end(self) -> None:
        if self.tty:
            self.out.write("\r\x1b[K")
            self.out.flush()


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
            started = format_datetime(e.last_started.astimezone(), lang, "short") if e.last_started else "-"
            due = (
                t("cli.watch.now", lang)
                if e.next_due <= now
                else format_datetime(e.next_due.astimezone(), lang, "short")
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
    from scraper.workers import watch

    cleanup_every = None if args.cleanup_every.strip() in ("0", "") else watch.parse_every(args.cleanup_every)
    notifier = _notifier(args.notify, archive.settings.notify_urls, lang)
    try:
        return _watch_loop(args, archive, notifier, cleanup_every, lang)
    finally:
        notifier.close()


def _watch_loop(
    args: argparse.Namespace,
    archive: Archive,
    notifier: notify.Notifier,
    cleanup_every: timedelta | None,
    lang: str,
) -> ExitCode:
    """The watch loop of ``_watch_run``, each sync's changes told to ``notifier``."""
    import signal

    from scraper.workers import watch

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
            options = dataclasses.replace(options, follower_threshold=args.follower_threshold)
            runner.start(username, options, login=login, notify_urls=args.notify)  # workers tell them
            print(t("cli.watch.queued", lang, user=username))

    def sync_one(username: str, options: SyncOptions) -> ScraperError | None:
        line = ProgressLine(lang)
        options = dataclasses.replace(options, follower_threshold=args.follower_threshold)
        result = archive.sync(username, options, login=login, on_progress=line, cancel=stop)
        line.end()
        if result.error is not None:
            print(
                t("cli.sync.failed", lang, user=username, message=result.error.message(lang)), file=sys.stderr
            )
        else:
            _print_done(result, lang)
        _changes(archive, result, notifier, lang)
        return result.error

    if not args.once:
        with archive.sessions() as session:
            print(t("cli.watch.running", lang, count=len(watch.entries(session))), flush=True)
    while True:
        report = watch.run_round(archive, sync_one, queue=queue, cleanup_every=cleanup_every, stop=stop)
        if report.cleanup is not None and report.cleanup.files:
            files, size = len(report.cleanup.files), format_size(report.cleanup.bytes, lang)
            print(t("cli.watch.cleanup", lang, count=files, files=files, size=size), flush=True)
        if args.once or stop.is_set():
            return ExitCode.OK if stop.is_set() else report.exit_code
        if report.pause_until is not None:
            error = next(iter(report.failed.values()))
            until = format_time(report.pause_until.astimezone(), lang)
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
    "report": cmd_report,
    "copy": cmd_copy,
}


def main(argv: Sequence[str] | None = None) -> ExitCode:
    """Run one command; returns the exit code (0 ok, 1 unexpected, 2 bad input, 3 not found,
    4 login needed, 5 rate limited, 6 network, 7 busy, 8 disk full, 9 browser not found,
    10 browser cookies unreadable, 11 copy target not empty, 130 interrupted)."""
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
