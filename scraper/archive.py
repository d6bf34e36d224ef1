"""The archive as the command line and the dashboard use it: one database and media root, and
syncs started through it."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, select

from i18n import t
from scraper.config import Settings
from scraper.instagram import fetch
from scraper.instagram.login import Login, choose_session
from scraper.store import db, writes
from scraper.store.models import Profile
from scraper.sync import AccountSync, LoaderFactory, ProgressCallback, SyncOptions, SyncResult


class Archive:
    """A database and media root, with the operations on them."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or db.open_engine(settings.db_url)
        # ``with archive.sessions() as session:`` gives a session that is closed afterwards.
        self.sessions = db.session_factory(self.engine)

    def choose_session(self, user: str | None) -> Login | None:
        """The saved login to sync with (see ``scraper.instagram.login.choose_session``)."""
        return choose_session(self.settings, user)

    def sync(
        self,
        username: str,
        options: SyncOptions = SyncOptions(),
        *,
        login: Login | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        loader_factory: LoaderFactory = fetch.make_loader,
        is_demo: bool = False,
    ) -> SyncResult:
        """Sync one account; Instagram's failures come back in ``result.error``."""
        job = AccountSync(
            self.sessions,
            self.settings,
            username,
            options,
            loader_factory=loader_factory,
            session_user=login.user if login else None,
            session_file=login.path if login else None,
            on_progress=on_progress,
            cancel=cancel,
            is_demo=is_demo,
        )
        return job.run()

    def account_lines(self, lang: str) -> list[str]:
        """The stored accounts with post counts, last sync and its status, as tab-separated lines."""
        with self.sessions() as session:
            profiles = list(session.scalars(select(Profile).order_by(Profile.username)))
            if not profiles:
                return [t("cli.accounts.empty", lang)]
            runs = writes.last_runs(session, [p.username for p in profiles])
        lines = [t("cli.accounts.header", lang)]
        for profile in profiles:
            run = runs.get(profile.username)
            when = profile.last_synced_at or (run.finished_at if run else None)
            shown = f"{when.astimezone():%Y-%m-%d %H:%M}" if when else t("cli.accounts.never", lang)
            status = run.status if run else "-"
            demo = " " + t("ui.demo", lang) if profile.is_demo else ""
            lines.append(f"{profile.username}{demo}\t{profile.posts_stored}\t{shown}\t{status}")
        return lines
