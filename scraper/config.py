"""The settings, and the checks on input that names accounts and paths.

``load_settings`` is the one place that reads the environment: the command line, the dashboard and a
Celery worker each build their ``Settings`` with it once and pass them (or the one value needed) down.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse, urlsplit

from i18n import DEFAULT_LANGUAGE, choose_language
from scraper.errors import BadInput

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "data"
DEFAULT_MEDIA_DIR = ROOT / "media"
DEFAULT_LOG_DIR = ROOT / "logs"

# Instagram user names: letters, digits, underscores and single dots, at most 30, not starting or
# ending with a dot. Lowercase, as instaloader reports them.
USERNAME = re.compile(r"^(?!\.)(?!.*\.\.)(?!.*\.$)[a-z0-9._]{1,30}$")


BROKER_ENV = "SCRAPER_BROKER_URL"
# URLs of a Redis server, as redis-py reads them (a broker may also be RabbitMQ's amqp://).
REDIS_SCHEMES = ("redis", "rediss", "unix")
# The address part of a shared rate budget's scope when SCRAPER_RATE_SCOPE is not set.
DEFAULT_RATE_SCOPE = "default"
# How often the watch list is looked at for due accounts (Celery beat, the watch loop), in seconds.
WATCH_CHECK_SECONDS = 60.0
# Where the terminal's language is read from, first match wins ("C" and "POSIX" name no language).
LANGUAGE_ENV = ("SCRAPER_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


@dataclass(frozen=True)
class Settings:
    """Every setting, as ``load_settings`` reads them: where the database, media files, sessions and
    logs are; the job queue; the shared rate budget; whether waits are slept; the beat's check
    interval; the terminal's language. Settings made in code get an empty environment's values."""

    db_url: str  # --db, DATABASE_URL
    media_dir: Path  # --media-dir, MEDIA_DIR
    data_dir: Path  # DATA_DIR: saved logins under sessions/
    log_dir: Path  # LOG_DIR
    # SCRAPER_BROKER_URL: the Celery job queue (and job board); None: syncs run in the process that
    # starts them.
    broker_url: str | None = None
    rate_url: str | None = None  # SCRAPER_RATE_URL: the Redis of the shared rate budget
    rate_scope: str = DEFAULT_RATE_SCOPE  # SCRAPER_RATE_SCOPE: the address the requests leave from
    # SCRAPER_NO_WAIT: Instagram is replayed (tests, the demo, benchmarks), so instaloader's pauses and
    # rate-limit waits are recorded, not slept.
    no_wait: bool = False
    watch_check_seconds: float = WATCH_CHECK_SECONDS  # SCRAPER_WATCH_CHECK_SECONDS (Celery beat)
    language: str = DEFAULT_LANGUAGE  # SCRAPER_LANG, else the locale (the command line's messages)
    # SCRAPER_NOTIFY: URLs told of every sync's changes (scraper.workers.notify), by the command line's
    # syncs and watch runs and by Celery workers.
    notify_urls: tuple[str, ...] = ()

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"

    @property
    def rate_store_url(self) -> str | None:
        """The Redis URL of the shared rate budget: SCRAPER_RATE_URL, else SCRAPER_BROKER_URL if it is
        a Redis URL, else None (each process keeps its own budget)."""
        if self.rate_url:
            return self.rate_url
        broker = (self.broker_url or "").strip()
        return broker if urlsplit(broker).scheme in REDIS_SCHEMES else None


def load_settings(
    db: str | None = None,
    media_dir: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] = os.environ,
) -> Settings:
    """Settings from the arguments, else from ``environ`` (DATABASE_URL, MEDIA_DIR, DATA_DIR, LOG_DIR,
    SCRAPER_BROKER_URL, SCRAPER_RATE_URL, SCRAPER_RATE_SCOPE, SCRAPER_NO_WAIT,
    SCRAPER_WATCH_CHECK_SECONDS, SCRAPER_NOTIFY, SCRAPER_LANG and the locale), else the defaults."""
    data_dir = Path(environ.get("DATA_DIR") or DEFAULT_DATA_DIR)
    url = db or environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'instagram.db'}"
    if "://" not in url:  # a plain file path
        url = f"sqlite:///{Path(url).resolve()}"
    media = Path(media_dir or environ.get("MEDIA_DIR") or DEFAULT_MEDIA_DIR).resolve()
    log_dir = Path(environ.get("LOG_DIR") or DEFAULT_LOG_DIR)
    check = environ.get("SCRAPER_WATCH_CHECK_SECONDS") or WATCH_CHECK_SECONDS
    try:
        check_seconds = float(check)
    except ValueError:
        raise ValueError(f"SCRAPER_WATCH_CHECK_SECONDS is not a number of seconds: {check!r}") from None
    return Settings(
        db_url=url,
        media_dir=media,
        data_dir=data_dir,
        log_dir=log_dir,
        broker_url=environ.get(BROKER_ENV) or None,
        rate_url=environ.get("SCRAPER_RATE_URL", "").strip() or None,
        rate_scope=environ.get("SCRAPER_RATE_SCOPE", "").strip() or DEFAULT_RATE_SCOPE,
        no_wait=environ.get("SCRAPER_NO_WAIT", "") not in ("", "0"),
        watch_check_seconds=check_seconds,
        language=choose_language(*(environ.get(name) for name in LANGUAGE_ENV)),
        notify_urls=notify_urls(environ.get("SCRAPER_NOTIFY", "")),
    )


def notify_urls(raw: str) -> tuple[str, ...]:
    """The http(s) URLs in ``raw`` (separated by spaces or commas), or ValueError for one that is not."""
    urls = tuple(dict.fromkeys(u for u in re.split(r"[\s,]+", raw) if u))
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("SCRAPER_NOTIFY holds something that is not an http(s) URL")
    return urls


# A profile URL as people paste it: scheme and "www." optional, the host exactly Instagram's.
PROFILE_URL = re.compile(r"^(?:https?://)?(?:www\.)?instagram\.com/", re.IGNORECASE)


def normalize_username(raw: str) -> str:
    """The user name in ``raw`` (also "@name" or a profile URL), lowercased, or BadInput."""
    value = raw.strip()
    if PROFILE_URL.match(value):
        try:
            path = urlparse(value if "://" in value else f"https://{value}").path
        except ValueError:
            path = ""
        parts = [p for p in path.split("/") if p]
        value = parts[0] if len(parts) == 1 else ""
    value = value.removeprefix("@")
    # Checked before lowercasing, so no non-ASCII letter (e.g. KELVIN SIGN) turns into a valid one.
    if not value.isascii() or not USERNAME.fullmatch(value.lower()):
        raise BadInput("error.bad_username", value=raw[:60])
    return value.lower()


def parse_date(raw: str) -> datetime:
    """A YYYY-MM-DD date as the start of that day in UTC, or BadInput."""
    try:
        return datetime.strptime(raw.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise BadInput("error.bad_date", value=raw[:40]) from None


def path_under(root: Path, *parts: str) -> Path:
    """``root/parts`` resolved, refusing anything that would land outside ``root``."""
    root = root.resolve()
    try:
        path = root.joinpath(*parts).resolve()
    except ValueError:  # an embedded NUL byte
        raise BadInput("error.bad_username", value="/".join(parts)[:60].replace("\0", "")) from None
    if path != root and root not in path.parents:
        raise BadInput("error.bad_username", value="/".join(parts)[:60])
    return path
