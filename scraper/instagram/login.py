"""Instagram logins: instaloader session files under ``data/sessions`` (0600), never passwords."""

from __future__ import annotations

import io
import logging
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import instaloader

from scraper.config import Settings, normalize_username
from scraper.errors import BadInput, LoginNeeded, ScraperError, classify
from scraper.instagram import fetch

log = logging.getLogger(__name__)
PREFIX = "session-"


@dataclass(frozen=True)
class Login:
    """An Instagram login to sync with: the user and instaloader's session file saved for them."""

    user: str
    path: Path


def session_path(settings: Settings, user: str) -> Path:
    """Where the session file of ``user`` lives."""
    return settings.sessions_dir / f"{PREFIX}{normalize_username(user)}"


def saved_users(settings: Settings) -> list[str]:
    """The users with a saved session."""
    if not settings.sessions_dir.is_dir():
        return []
    return sorted(
        p.name.removeprefix(PREFIX) for p in settings.sessions_dir.glob(f"{PREFIX}*") if p.is_file()
    )


def choose_session(settings: Settings, user: str | None) -> Login | None:
    """The login to use: the one asked for, else the only saved one, else none (anonymous)."""
    if user:
        path = session_path(settings, user)
        if not path.is_file():
            raise BadInput("error.no_session", user=normalize_username(user))
        return Login(normalize_username(user), path)
    users = saved_users(settings)
    if len(users) == 1:
        return Login(users[0], session_path(settings, users[0]))
    if len(users) > 1:
        raise BadInput("error.several_sessions", users=", ".join(users))
    return None


def write_session(path: Path, cookies: dict[str, str]) -> None:
    """Write instaloader's session format (a pickled cookie dict), readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        pickle.dump(cookies, file)
    os.replace(tmp, path)
    os.chmod(path, 0o600)


class PendingTwoFactor:
    """A login waiting for the two-factor code Instagram asked for."""

    def __init__(self, loader: instaloader.Instaloader, user: str) -> None:
        self.loader = loader
        self.user = user

    def finish(self, settings: Settings, code: str) -> Path:
        """Send the code; save and return the session file."""
        with _login_errors(self.user):
            self.loader.two_factor_login(code.strip())
        return _save(settings, self.loader, self.user)


def begin_login(
    settings: Settings, user: str, password: str, *, loader: instaloader.Instaloader | None = None
) -> Path | PendingTwoFactor:
    """Log in; returns the saved session file, or a PendingTwoFactor when Instagram wants a code."""
    user = normalize_username(user)
    loader = loader or fetch.make_loader(settings=settings)
    with _login_errors(user):
        try:
            loader.login(user, password)
        except instaloader.TwoFactorAuthRequiredException:
            return PendingTwoFactor(loader, user)
    return _save(settings, loader, user)


def login(
    settings: Settings,
    user: str,
    password: str,
    two_factor_code: Callable[[], str],
    *,
    loader: instaloader.Instaloader | None = None,
) -> Path:
    """Log in to Instagram and save the session; asks ``two_factor_code()`` when Instagram wants one."""
    outcome = begin_login(settings, user, password, loader=loader)
    if isinstance(outcome, PendingTwoFactor):
        return outcome.finish(settings, two_factor_code())
    return outcome


@contextmanager
def _login_errors(user: str) -> Iterator[None]:
    """Turn instaloader's login failures into LoginNeeded (never logging the password)."""
    try:
        yield
    except instaloader.BadCredentialsException as err:
        log.info("login of %s refused: %s", user, type(err).__name__)
        key = "error.two_factor_failed" if "2FA" in str(err) else "error.bad_credentials"
        raise LoginNeeded(key) from None
    except instaloader.LoginException as err:
        log.warning("login of %s failed: %s", user, err)
        if "checkpoint" in str(err).lower():
            raise LoginNeeded("error.checkpoint") from None
        raise LoginNeeded("error.bad_credentials") from None
    except ScraperError:
        raise
    except Exception as err:
        log.error("login of %s failed", user, exc_info=True)
        raise classify(err, user) from None


def _save(settings: Settings, loader: instaloader.Instaloader, user: str) -> Path:
    path = session_path(settings, user)
    write_session(path, loader.context.save_session())
    log.info("login of %s saved to %s", user, path)
    return path


class _CookiesOnly(pickle.Unpickler):
    """Unpickles instaloader's session format (a dict of strings) and nothing else: an uploaded file
    is untrusted, and unpickling arbitrary classes would run code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a session file")


def import_session(settings: Settings, user: str, data: bytes) -> Path:
    """Save an uploaded instaloader session file for ``user`` after checking it holds session cookies."""
    user = normalize_username(user)
    try:
        cookies = _CookiesOnly(io.BytesIO(data)).load()
    except Exception:
        raise BadInput("error.bad_session_file") from None
    if (
        not isinstance(cookies, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in cookies.items())
        or not cookies.get("sessionid")
    ):
        raise BadInput("error.bad_session_file")
    path = session_path(settings, user)
    write_session(path, cookies)
    log.info("session file of %s imported", user)
    return path
