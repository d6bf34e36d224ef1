"""Errors a user can meet, each with a message key, a distinct exit code, and the mapping from
instaloader's and requests' exceptions to them."""

from __future__ import annotations

import errno
import json
import re
from datetime import UTC, datetime, timedelta
from enum import IntEnum

import instaloader.exceptions as ie
import requests

from i18n import t


class ExitCode(IntEnum):
    """The command line's exit codes, one per kind of error; also stored with a failed sync run."""

    OK = 0
    UNEXPECTED = 1
    BAD_INPUT = 2
    NOT_FOUND = 3
    LOGIN_NEEDED = 4
    RATE_LIMITED = 5
    NETWORK = 6
    BUSY = 7
    DISK_FULL = 8
    BROWSER_NOT_FOUND = 9
    BROWSER_COOKIES_UNREADABLE = 10
    TARGET_NOT_EMPTY = 11
    INTERRUPTED = 130


# Where details are written; named in the message of unexpected errors (set by scraper.logs).
log_file = "logs/scraper.log"


class ScraperError(Exception):
    """An error with a short message for a person; its details belong in the log."""

    exit_code: ExitCode = ExitCode.UNEXPECTED
    default_key = "error.unexpected"

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        self.key = key or self.default_key
        self.params: dict[str, object] = {"log": log_file, **params}
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return t(self.key, lang, **self.params)


class BadInput(ScraperError):
    exit_code = ExitCode.BAD_INPUT


class AccountNotFound(ScraperError):
    exit_code = ExitCode.NOT_FOUND
    default_key = "error.not_found"


class LoginNeeded(ScraperError):
    exit_code = ExitCode.LOGIN_NEEDED
    default_key = "error.login_required"


class RateLimited(ScraperError):
    exit_code = ExitCode.RATE_LIMITED
    default_key = "error.rate_limited"

    def __init__(self, retry_after: timedelta = timedelta(minutes=15), **params: object) -> None:
        self.retry_at: datetime = datetime.now(UTC) + retry_after
        local = self.retry_at.astimezone()
        minutes = max(1, round(retry_after.total_seconds() / 60))
        super().__init__(None, retry_at=f"{local:%H:%M}", minutes=minutes, **params)


class NetworkError(ScraperError):
    exit_code = ExitCode.NETWORK
    default_key = "error.network"


class SyncBusy(ScraperError):
    exit_code = ExitCode.BUSY
    default_key = "error.busy"


class DiskFull(ScraperError):
    """No space left for media files or the database: neither Instagram's fault nor the input's."""

    exit_code = ExitCode.DISK_FULL
    default_key = "error.disk_full"


class BrowserNotFound(ScraperError):
    """A browser, its cookie store or the profile named for it is not on this machine."""

    exit_code = ExitCode.BROWSER_NOT_FOUND
    default_key = "error.browser_not_found"


class BrowserCookiesUnreadable(ScraperError):
    """A browser's cookie store is there but cannot be read: locked, corrupt, or encrypted with a key
    the system keyring did not give."""

    exit_code = ExitCode.BROWSER_COOKIES_UNREADABLE
    default_key = "error.browser_cookies_unreadable"


class DatabaseUnreachable(ScraperError):
    """A database server that does not answer or refuses the connection (``copy``'s either end)."""

    exit_code = ExitCode.NETWORK
    default_key = "copy.error.unreachable"


class TargetNotEmpty(ScraperError):
    """The database an archive is copied into holds rows of another archive."""

    exit_code = ExitCode.TARGET_NOT_EMPTY
    default_key = "copy.error.not_empty"


class Interrupted(ScraperError):
    exit_code = ExitCode.INTERRUPTED
    default_key = "error.interrupted"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and every one it was raised from or while handling, nearest first.

    Both links count: instaloader raises the failure it was retrying ``from`` that failure while
    handling the Ctrl-C that cut the retry short, so the KeyboardInterrupt is only a ``__context__``.
    """
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if any(current is e for e in seen):
            continue
        seen.append(current)
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return seen


_DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_NETWORK = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
# An answer that could not be read: JSON cut short or malformed, a web page where JSON was expected,
# a page without the data it always carries. Mostly a connection cut mid-answer or a proxy's or
# captive portal's page, so it reads as a network failure.
_UNREADABLE = (json.JSONDecodeError, ie.BadResponseException)
_STATUS = re.compile(r"\b([45]\d\d) [A-Za-z]")


def classify(exc: BaseException, username: str) -> ScraperError:
    """The user-facing error for an exception raised while syncing ``username``."""
    chain = _chain(exc)
    text = " ".join(str(e) for e in chain)
    if isinstance(exc, ScraperError):
        return exc
    if any(isinstance(e, KeyboardInterrupt) for e in chain):
        return Interrupted()
    if any(isinstance(e, OSError) and e.errno in _DISK_FULL for e in chain):
        return DiskFull()
    if any(isinstance(e, ie.ProfileNotExistsException) for e in chain):
        return AccountNotFound(user=username)
    if any(isinstance(e, ie.PrivateProfileNotFollowedException) for e in chain):
        return LoginNeeded("error.private", user=username)
    if re.search(r"checkpoint_required|challenge_required|feedback_required|/challenge/", text):
        return LoginNeeded("error.checkpoint")
    if "You've been logged out" in text or "recreate the session" in text:
        return LoginNeeded("error.session_expired")
    if any(isinstance(e, ie.LoginRequiredException) for e in chain):
        if "private profile" in text:
            return LoginNeeded("error.private", user=username)
        return LoginNeeded("error.login_required", user=username)
    if any(isinstance(e, ie.TooManyRequestsException) for e in chain) or "429 " in text:
        return RateLimited()
    if "Please wait a few minutes" in text or re.search(r"\b401 ", text):
        return RateLimited()
    if any(isinstance(e, ie.QueryReturnedForbiddenException) for e in chain) or re.search(r"\b403 ", text):
        return LoginNeeded("error.login_required", user=username)
    # A ChunkedEncodingError is a connection that broke in the middle of an answer.
    if any(isinstance(e, _NETWORK + _UNREADABLE) for e in chain):
        return NetworkError()
    # Any other error status of Instagram's (a 404 of an API endpoint, a 400, a 5xx); a 404 of the
    # profile page is the account not existing, raised above as ProfileNotExistsException.
    status = _STATUS.search(text)
    if status and (
        status.group(1).startswith("5") or any(isinstance(e, ie.ConnectionException) for e in chain)
    ):
        return NetworkError("error.instagram_down", status=status.group(1))
    if any(isinstance(e, ie.ConnectionException) for e in chain) and "Page request" in text:
        return NetworkError()
    return ScraperError()
