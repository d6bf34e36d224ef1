"""Demo accounts, made by the real sync path over replayed Instagram answers (no network).

What the dashboard shows for them is what the pipeline really stores: instaloader parses the
replayed pages, the sync writes rows and downloads (replayed) images. They are marked as demo data.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from sqlalchemy import select

from i18n import t
from scraper.archive import Archive
from scraper.config import Settings
from scraper.instagram import fetch
from scraper.replay import InstagramReplay, add_new_posts, build_account
from scraper.store.models import Profile

# Fake accounts about a town, with Spanish captions: (user name, posts, pinned, full name).
DEMO_ACCOUNTS = [
    ("demo.ermua.kultura", 120, 1, "Ermua Kultura (demo)"),
    ("demo.ermua.kirolak", 80, 0, "Ermua Kirolak (demo)"),
    ("demo.ermua.gazteak", 60, 2, "Gazteak Ermua (demo)"),
]
DEMO_START = datetime(2026, 10, 1, 18, 0, tzinfo=UTC)


def seed_demo(settings: Settings, *, only_if_empty: bool = True, lang: str = "en") -> list[str]:
    """Store the demo accounts (two syncs each, so growth charts have points); returns report lines."""
    archive = Archive(settings)
    with archive.sessions() as session:
        if only_if_empty and session.scalars(select(Profile.id).limit(1)).first() is not None:
            return []
    factory = functools.partial(fetch.make_loader, sleep=False, rate_sleep=lambda _seconds: None)
    accounts = []
    for i, (username, posts, pinned, name) in enumerate(DEMO_ACCOUNTS):
        account = build_account(username, posts, seed=i, pinned=pinned, start=DEMO_START)
        account.full_name = name
        accounts.append(account)
    lines = []
    with InstagramReplay(accounts):
        for account in accounts:
            first = archive.sync(account.username, loader_factory=factory, is_demo=True)
            add_new_posts(account, 4, seed=7)
            account.followers += max(3, account.followers // 50)
            for post in account.posts[:10]:
                post.likes += 5
            second = archive.sync(account.username, loader_factory=factory, is_demo=True)
            for result in (first, second):
                if result.error is not None:
                    raise result.error
            lines.append(t("cli.demo.done", lang, user=account.username, posts=first.new + second.new))
    archive.engine.dispose()
    return lines
