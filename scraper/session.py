"""Instagram logins: instaloader session files under ``data/sessions`` (0600), never passwords."""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import instaloader

from scraper import fetch
from scraper.config import Settings, normalize_username
from scraper.errors import BadInput, LoginNeeded, classify

log = logging.getLogger("scraper.session")
PREFIX = "session-"


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


def choose_session(settings: Settings, user: str | None) -> tuple[str, Path] | None:
    """The session to use: the one asked for, else the only saved one, else none (anonymous)."""
    if user:
        path = session_path(settings, user)
        if not path.is_file():
            raise BadInput("error.no_session", user=normalize_username(user))
        return normalize_username(user), path
    users = saved_users(settings)
    if len(users) == 1:
        return users[0], session_path(settings, users[0])
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


def login(
    settings: Settings,
    user: str,
    password: str,
    two_factor_code: Callable[[], str],
    *,
    loader: instaloader.Instaloader | None = None,
) -> Path:
    """Log in to Instagram and save the session; asks ``two_factor_code()`` when Instagram wants one."""
    user = normalize_username(user)
    loader = loader or fetch.make_loader()
    try:
        try:
            loader.login(user, password)
        except instaloader.TwoFactorAuthRequiredException:
            loader.two_factor_login(two_factor_code())
    except instaloader.BadCredentialsException as err:
        log.info("login of %s refused: %s", user, type(err).__name__)
        key = "error.two_factor_failed" if "2FA" in str(err) else "error.bad_credentials"
        raise LoginNeeded(key) from None
    except instaloader.LoginException as err:
        log.warning("login of %s failed: %s", user, err)
        if "Checkpoint" in str(err) or "checkpoint" in str(err):
            raise LoginNeeded("error.checkpoint") from None
        raise LoginNeeded("error.bad_credentials") from None
    except Exception as err:
        log.error("login of %s failed", user, exc_info=True)
        raise classify(err, user) from None
    path = session_path(settings, user)
    write_session(path, loader.context.save_session())
    log.info("login of %s saved to %s", user, path)
    return path
