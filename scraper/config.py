"""Where the archive lives, and the checks on input that names accounts and paths."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from scraper.errors import BadInput

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "data"
DEFAULT_MEDIA_DIR = ROOT / "media"
DEFAULT_LOG_DIR = ROOT / "logs"

# Instagram user names: letters, digits, underscores and single dots, at most 30, not starting or
# ending with a dot. Lowercase, as instaloader reports them.
USERNAME = re.compile(r"^(?!\.)(?!.*\.\.)(?!.*\.$)[a-z0-9._]{1,30}$")


@dataclass(frozen=True)
class Settings:
    """Locations of the database, media files, sessions and logs."""

    db_url: str
    media_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"


BROKER_ENV = "SCRAPER_BROKER_URL"


def broker_url() -> str | None:
    """The Redis URL of the Celery job queue, or None: syncs then run in the process that starts them."""
    return os.environ.get(BROKER_ENV) or None


def load_settings(db: str | None = None, media_dir: str | os.PathLike[str] | None = None) -> Settings:
    """Settings from the arguments, else DATABASE_URL / MEDIA_DIR / DATA_DIR / LOG_DIR, else defaults."""
    data_dir = Path(os.environ.get("DATA_DIR") or DEFAULT_DATA_DIR)
    url = db or os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'instagram.db'}"
    if "://" not in url:  # a plain file path
        url = f"sqlite:///{Path(url).resolve()}"
    media = Path(media_dir or os.environ.get("MEDIA_DIR") or DEFAULT_MEDIA_DIR).resolve()
    log_dir = Path(os.environ.get("LOG_DIR") or DEFAULT_LOG_DIR)
    return Settings(db_url=url, media_dir=media, data_dir=data_dir, log_dir=log_dir)


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
