"""Run a scraper command against replayed Instagram, in a process of its own.

    python -m scraper.replay.offline --account demo.town:300 [--new demo.town:5] [--calls calls.json] \\
        -- sync demo.town --db sqlite:///x.db --media-dir media
    python -m scraper.replay.offline --account demo.town:300 -- dashboard --server.port 8502
    python -m scraper.replay.offline --account demo.town:300 -- worker --concurrency 1   # a Celery worker
    python -m scraper.replay.offline --account demo.town:300 --login me:pw -- sync demo.town --comments

Accounts are built by ``scraper.replay.build_account`` (deterministic per name, size and seed), so
two processes given the same ``--account`` see the same account: a test or benchmark can kill one
halfway and let another finish. ``--login`` logs in to this process's replay first and saves the
session where the command's settings keep logins (DATA_DIR), since a replay knows only the sessions
it gave. ``--calls`` writes every request the command made, as JSON, when it ends normally. Waits are
off (SCRAPER_NO_WAIT).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from scraper.config import ROOT
from scraper.replay.accounts import add_new_posts, build_account
from scraper.replay.server import InstagramReplay


def _account_spec(value: str) -> tuple[str, int, int, int]:
    name, posts, *rest = value.split(":")
    seed, pinned = (int(rest[0]) if rest else 0), (int(rest[1]) if len(rest) > 1 else 0)
    return name, int(posts), seed, pinned


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the replay options, then run ``python -m scraper`` with the rest of the arguments."""
    parser = argparse.ArgumentParser(
        prog="python -m scraper.replay.offline", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--account", action="append", default=[], type=_account_spec, metavar="NAME:POSTS[:SEED[:PINNED]]"
    )
    parser.add_argument(
        "--new", action="append", default=[], metavar="NAME:N", help="publish N newer posts first"
    )
    parser.add_argument(
        "--user", action="append", default=[], metavar="LOGIN:PASSWORD", help="a login the replay accepts"
    )
    parser.add_argument(
        "--login", metavar="LOGIN:PASSWORD", help="log in (saving the session) before the command"
    )
    parser.add_argument("--calls", metavar="FILE", help="write the requests made to FILE (JSON)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the scraper command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    os.environ["SCRAPER_NO_WAIT"] = "1"
    accounts = {
        name: build_account(name, posts, seed=seed, pinned=pinned)
        for name, posts, seed, pinned in args.account
    }
    for spec in args.new:
        name, count = spec.split(":")
        add_new_posts(accounts[name], int(count))
    users = dict(u.split(":", 1) for u in args.user)
    if args.login:
        user, password = args.login.split(":", 1)
        users[user] = password
    with InstagramReplay(accounts.values(), users=users) as replay:
        if args.login:
            _login(user, password)
        if command[:1] == ["dashboard"]:
            code = _dashboard(command[1:])
        elif command[:1] == ["worker"]:
            code = _worker(command[1:])
        else:
            code = _scraper(command)
    if args.calls:
        with open(args.calls, "w", encoding="utf-8") as out:
            json.dump(
                [
                    {
                        "kind": c.kind,
                        "method": c.method,
                        "url": c.url,
                        "status": c.status,
                        "variables": c.variables,
                    }
                    for c in replay.calls
                ],
                out,
            )
    return code


def _login(user: str, password: str) -> None:
    from scraper.config import load_settings
    from scraper.instagram import fetch
    from scraper.instagram.login import login

    settings = load_settings()
    login(settings, user, password, str, loader=fetch.make_loader(settings=settings))


def _scraper(args: list[str]) -> int:
    from scraper.__main__ import main as scraper_main

    return scraper_main(args)


def _dashboard(args: list[str]) -> int:
    """The Streamlit server in this process, so the syncs it starts meet the replay."""
    from streamlit.web import cli as streamlit_cli

    dashboard = str(ROOT / "dashboard.py")
    try:
        streamlit_cli.main(["run", dashboard, *args], standalone_mode=False)
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def _worker(args: list[str]) -> int:
    """A Celery worker in this process; its pool processes are forked from it, replay included."""
    from scraper.workers.queue import app

    try:
        app.worker_main(["worker", "--loglevel", "INFO", *args])
    except SystemExit as done:
        return int(done.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
