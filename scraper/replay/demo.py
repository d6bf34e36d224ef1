"""Demo accounts, made by the real sync path over replayed Instagram answers (no network).

What the dashboard shows for them is what the pipeline really stores: instaloader parses the
replayed pages, the sync writes rows and downloads (replayed) images, and, logged in to the replay
with a demo login that is never saved among the real ones, their comments in Spanish and Basque,
with replies and one deleted between the two syncs. They are marked as demo data.
"""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from i18n import t
from scraper.archive import Archive
from scraper.config import Settings
from scraper.instagram import fetch
from scraper.instagram.login import Login, login
from scraper.replay.accounts import add_comments, add_new_posts, build_account, comment_thread, delete_comment
from scraper.replay.server import InstagramReplay
from scraper.store.models import Profile
from scraper.sync import SyncOptions

# Fake accounts about a town, with Spanish captions: (user name, posts, pinned, full name).
DEMO_ACCOUNTS = [
    ("demo.ermua.kultura", 120, 1, "Ermua Kultura (demo)"),
    ("demo.ermua.kirolak", 80, 0, "Ermua Kirolak (demo)"),
    ("demo.ermua.gazteak", 60, 2, "Gazteak Ermua (demo)"),
]
DEMO_START = datetime(2026, 10, 1, 18, 0, tzinfo=UTC)
# The replay's only login: comments are shown to logged-in accounts only.
DEMO_USER, DEMO_PASSWORD = "demo.researcher", "demo"


def seed_demo(settings: Settings, *, only_if_empty: bool = True, lang: str = "en") -> list[str]:
    """Store the demo accounts (two syncs each, so growth charts have points); returns report lines."""
    archive = Archive(settings)
    with archive.sessions() as session:
        if only_if_empty and session.scalars(select(Profile.id).limit(1)).first() is not None:
            return []
    factory = functools.partial(
        fetch.make_loader, settings=settings, sleep=False, rate_sleep=lambda _seconds: None
    )
    accounts = []
    for i, (username, posts, pinned, name) in enumerate(DEMO_ACCOUNTS):
        account = build_account(username, posts, seed=i, pinned=pinned, start=DEMO_START)
        account.full_name = name
        accounts.append(account)
    lines = []
    options = SyncOptions(comments=True, comments_days=3650)
    with (
        InstagramReplay(accounts, users={DEMO_USER: DEMO_PASSWORD}),
        tempfile.TemporaryDirectory(prefix="demo-login-") as folder,
    ):
        # The demo login lives in a temporary folder, never among the saved logins of the archive.
        private = dataclasses.replace(settings, data_dir=Path(folder))
        demo = Login(DEMO_USER, login(private, DEMO_USER, DEMO_PASSWORD, str, loader=factory()))
        for account in accounts:
            first = archive.sync(account.username, options, login=demo, loader_factory=factory, is_demo=True)
            add_new_posts(account, 4, seed=7)
            account.followers += max(3, account.followers // 50)
            for post in account.posts[:10]:
                post.likes += 5
            talked = [p for p in account.posts[4:40] if p.comments][:6]
            for n, post in enumerate(talked):  # new comments on older posts, and answers to them
                add_comments(account, post.shortcode, 2 + n % 3, replies=1 + n % 2, seed=n)
            deleted = next(p for p in account.posts[10:] if p.comments)
            delete_comment(account, comment_thread(account, deleted)[0].pk)
            second = archive.sync(account.username, options, login=demo, loader_factory=factory, is_demo=True)
            for result in (first, second):
                if result.error is not None:
                    raise result.error
            stored = first.new + second.new
            lines.append(t("cli.demo.done", lang, count=stored, user=account.username, posts=stored))
    archive.engine.dispose()
    return lines
