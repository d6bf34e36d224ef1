"""A browser's Instagram login: its cookies read with browser_cookie3 (as ``instaloader --load-cookies``
does), checked with instaloader's ``test_login`` and saved as an ordinary session file.

Cookie values are secrets: they are returned and saved, never logged or shown.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import browser_cookie3
import instaloader

from scraper.config import Settings, normalize_username
from scraper.errors import (
    BrowserCookiesUnreadable,
    BrowserNotFound,
    LoginNeeded,
    NetworkError,
    ScraperError,
    classify,
)
from scraper.instagram import fetch
from scraper.instagram.login import session_path, write_session

log = logging.getLogger(__name__)

# The browsers people log in to Instagram with, by the name the command line takes, with their own name.
BROWSERS: dict[str, str] = {
    "firefox": "Firefox",
    "chrome": "Chrome",
    "chromium": "Chromium",
    "edge": "Edge",
    "brave": "Brave",
    "opera": "Opera",
    "vivaldi": "Vivaldi",
    "safari": "Safari",
}
_READERS: dict[str, Callable[..., Any]] = {
    "firefox": browser_cookie3.Firefox,
    "chrome": browser_cookie3.Chrome,
    "chromium": browser_cookie3.Chromium,
    "edge": browser_cookie3.Edge,
    "brave": browser_cookie3.Brave,
    "opera": browser_cookie3.Opera,
    "vivaldi": browser_cookie3.Vivaldi,
    "safari": browser_cookie3.Safari,
}
CHROMIUM_FAMILY = frozenset({"chrome", "chromium", "edge", "brave", "opera", "vivaldi"})
# The cookie file inside a profile folder, first match wins. Chromium-family browsers moved it into
# Network/ (Windows first); a user-data folder (the parent of Default) is taken for its Default profile.
_PROFILE_FILES: dict[str, tuple[str, ...]] = {
    "firefox": ("cookies.sqlite",),
    "safari": ("Cookies.binarycookies",),
    **dict.fromkeys(
        CHROMIUM_FAMILY, ("Network/Cookies", "Cookies", "Default/Network/Cookies", "Default/Cookies")
    ),
}
DOMAIN = "instagram.com"
# How long the system keyring may take to hand over a Chromium-family browser's key (it may be asking
# for the user's password); a keyring that never answers would otherwise hang the command for ever.
KEYRING_TIMEOUT = 120.0
# Stands for "no D-Bus session": a transport jeepney refuses with a RuntimeError, which browser_cookie3
# takes as "no keyring" and so falls back to Chromium's own password ("peanuts"), as Chromium itself
# does without a keyring. Without any address jeepney raises a KeyError that browser_cookie3 lets through.
_NO_DBUS = "tcp:host=no-session-bus"
_env_lock = threading.Lock()


def cookie_file(browser: str, profile: Path) -> Path:
    """The cookie file of ``profile``: the file itself, or the one inside the profile folder."""
    name = BROWSERS[browser]
    inside = _PROFILE_FILES[browser]
    if profile.is_file():
        return profile
    if profile.is_dir():
        for relative in inside:
            if (profile / relative).is_file():
                return profile / relative
    raise BrowserNotFound("error.browser_profile_not_found", browser=name, path=profile, file=inside[0])


def instagram_cookies(
    browser: str, profile: Path | None = None, *, timeout: float | None = None
) -> dict[str, str]:
    """The Instagram cookies of ``browser`` on this machine (or of its ``profile``), by name.

    Raises BrowserNotFound, BrowserCookiesUnreadable, or LoginNeeded when there is no Instagram
    session among them.
    """
    name = BROWSERS[browser]
    file = cookie_file(browser, profile) if profile is not None else None
    jar = _in_thread(lambda: _read_jar(browser, file), timeout or KEYRING_TIMEOUT, browser)
    cookies = _instagram_only(jar)
    log.info("%s: %d Instagram cookies read (%s)", name, len(cookies), ", ".join(sorted(cookies)))
    if not cookies.get("sessionid"):
        raise LoginNeeded("error.browser_not_logged_in", browser=name)
    return cookies


def login_from_browser(
    settings: Settings,
    browser: str,
    profile: Path | None = None,
    *,
    user: str | None = None,
    loader: instaloader.Instaloader | None = None,
    timeout: float | None = None,
) -> Path:
    """Take the Instagram login of ``browser``, check it with Instagram and save it as the session file
    of the account it belongs to (which must be ``user`` when given); returns the file."""
    name = BROWSERS[browser]
    expected = normalize_username(user) if user is not None else None  # a bad name: before anything
    cookies = instagram_cookies(browser, profile, timeout=timeout)
    loader = loader or fetch.make_loader(settings=settings)
    loader.context.update_cookies(cookies)
    found = normalize_username(_test_login(loader, name))
    if expected is not None and expected != found:
        raise LoginNeeded("error.browser_wrong_user", browser=name, found=found, user=expected)
    loader.context.username = found
    path = session_path(settings, found)
    write_session(path, loader.context.save_session())
    log.info("login of %s taken from %s, saved to %s", found, name, path)
    return path


def _test_login(loader: instaloader.Instaloader, name: str) -> str:
    """The user the loader's cookies are logged in as (instaloader's test_login).

    test_login answers None both for "not logged in" and after any failure, which it reports through
    the context's ``error``: those reports tell a login wall from a network failure or a checkpoint.
    """
    context = loader.context
    reported: list[str] = []
    report = context.error

    def error(msg: str, repeat_at_end: bool = True) -> None:
        reported.append(str(msg))
        report(msg, repeat_at_end)

    setattr(context, "error", error)  # noqa: B010 - an instance's method, replaced for one call
    try:
        found = loader.test_login()
    except instaloader.LoginRequiredException:  # a redirect to the login page: not a session it knows
        log.info("%s: Instagram does not know this session", name)
        raise LoginNeeded("error.browser_not_logged_in", browser=name) from None
    except Exception as err:
        log.warning("checking the login of %s failed", name, exc_info=True)
        raise classify(err, "") from None
    finally:
        delattr(context, "error")
    if found:
        return str(found)
    text = " ".join(reported)
    if reported:
        problem = classify(instaloader.ConnectionException(text), "")
        if isinstance(problem, LoginNeeded) and problem.key == "error.checkpoint":
            raise problem
        if "login" not in text.lower():
            if type(problem) is ScraperError:  # unrecognised: not a subclass
                problem = NetworkError()
            raise problem
    raise LoginNeeded("error.browser_not_logged_in", browser=name)


def _instagram_only(jar: CookieJar) -> dict[str, str]:
    """Instagram's unexpired cookies by name; of several with one name, the one for the whole site."""
    now = time.time()
    mine = [
        c
        for c in jar
        if (c.domain.lstrip(".") == DOMAIN or c.domain.endswith("." + DOMAIN))
        and c.value
        and not c.is_expired(int(now))
    ]
    mine.sort(key=lambda c: (c.domain == "." + DOMAIN, c.path == "/"))  # the site-wide one last, winning
    return {c.name: str(c.value) for c in mine}


def _read_jar(browser: str, file: Path | None) -> CookieJar:
    """browser_cookie3's jar of the browser's Instagram cookies, read from a copy of its cookie store."""
    name = BROWSERS[browser]
    try:
        with _keyring_fallback(browser):
            reader = _READERS[browser](
                cookie_file=str(file) if file else None, domain_name=DOMAIN, key_file=_local_state(file)
            )
    except browser_cookie3.BrowserCookieError as err:
        # Without a profile named, browser_cookie3 looks for the browser's own and says if it finds none.
        log.info("%s: %s", name, err)
        if file is None:
            raise BrowserNotFound(browser=name) from None
        raise BrowserCookiesUnreadable(browser=name) from None
    except FileNotFoundError as err:
        log.info("%s: %s", name, err)
        raise BrowserNotFound(browser=name) from None
    except Exception:
        # A keyring that refused (D-Bus errors), an unreadable file, a Safari file of another format.
        log.warning("%s: the cookie store could not be opened", name, exc_info=True)
        raise BrowserCookiesUnreadable(browser=name) from None
    try:
        if browser == "safari":  # read whole when opened; not SQLite
            jar: CookieJar = reader.load()
            return jar
        with tempfile.TemporaryDirectory(prefix="scraper-cookies-") as folder:
            reader.cookie_file = str(_snapshot(Path(reader.cookie_file), Path(folder)))
            jar = reader.load()
            return jar
    except Exception:  # also browser_cookie3's own slips, e.g. an AttributeError on a file of another browser
        log.warning("%s: the cookie store could not be read", name, exc_info=True)
        raise BrowserCookiesUnreadable(browser=name) from None


def _local_state(file: Path | None) -> str | None:
    """The "Local State" file in the user-data folder above a Chromium-family cookie file: it holds the
    cookies' key on Windows (browser_cookie3 reads it there only)."""
    if file is None:
        return None
    for folder in list(file.resolve().parents)[:3]:
        if (folder / "Local State").is_file():
            return str(folder / "Local State")
    return None


def _snapshot(file: Path, folder: Path) -> Path:
    """A copy of the SQLite cookie store ``file`` with what is still in its write-ahead log merged in.

    The browser may be running and holding the file: a copy can always be read, and browsers write
    new cookies (a login made a minute ago) to the ``-wal`` file first, which browser_cookie3's own
    copy leaves out.
    """
    copy = folder / file.name
    shutil.copyfile(file, copy)
    wal = file.with_name(file.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        with sqlite3.connect(copy) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
    return copy


@contextmanager
def _keyring_fallback(browser: str) -> Iterator[None]:
    """While reading a Chromium-family browser on Linux without a D-Bus session, an address that makes
    browser_cookie3 fall back to Chromium's password for keyring-less systems (see ``_NO_DBUS``)."""
    if not (
        browser in CHROMIUM_FAMILY
        and sys.platform.startswith("linux")
        and not os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    ):
        yield
        return
    with _env_lock:
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = _NO_DBUS
        try:
            yield
        finally:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)


def _in_thread(read: Callable[[], CookieJar], timeout: float, browser: str) -> CookieJar:
    """``read()`` in a daemon thread, given up after ``timeout`` seconds: D-Bus calls to a keyring that
    does not answer have no timeout of their own. A thread given up on is left behind, blocked."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["jar"] = read()
        except BaseException as err:  # handed to the caller's thread
            outcome["error"] = err

    thread = threading.Thread(target=run, name=f"cookies-{browser}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        log.warning("%s: no answer from the system keyring in %.0f s", BROWSERS[browser], timeout)
        raise BrowserCookiesUnreadable("error.browser_keyring_timeout", browser=BROWSERS[browser])
    if "error" in outcome:
        raise outcome["error"]
    jar: CookieJar = outcome["jar"]
    return jar
