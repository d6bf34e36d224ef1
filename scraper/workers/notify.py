"""Notifications of changes: after a sync that recorded changes (``scraper.store.changes``), one POST
per URL with every change of that sync, old and new value.

Most URLs get JSON (a generic webhook)::

    {"account": "ermua.udala", "sync_run": 12,
     "changes": [{"kind": "full_name", "old": "Ermua", "new": "Ermuko Udala", "post": null,
                  "comment": null, "detected_at": "2026-12-02T22:10:00+00:00"}, ...]}

An ntfy topic (a URL on ntfy.sh, or any URL marked with ``?ntfy`` for a server of one's own) gets the
plain text ntfy shows, one line per change, with a ``Title`` header.

Delivery never slows a sync: a background thread sends, and tries again after ``DELAYS`` (1 s, 2 s,
4 s) when a server fails or cannot be reached. A failure is logged with the URL's scheme and host
only (a webhook URL may hold a token) and never reaches the sync's outcome.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.header import Header
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from sqlalchemy.orm import Session, sessionmaker

from i18n import t
from scraper.store import changes as stored_changes
from scraper.store.models import Change

log = logging.getLogger(__name__)

# Waits before each try after the first: four tries in all. Tests make them shorter.
DELAYS: tuple[float, ...] = (1.0, 2.0, 4.0)
TIMEOUT = 10.0  # seconds per request
# How long a command that ends waits for notifications still being sent (retries included).
GRACE = 10.0
NTFY_HOSTS = ("ntfy.sh",)
NTFY_MARK = "ntfy"
# A value longer than this is cut in ntfy's text (the JSON keeps it whole).
TEXT_LIMIT = 200
# Answers worth trying again: the server may be back soon. Other 4xx mean the URL is wrong.
_RETRY_4XX = {408, 425, 429}


def is_ntfy(url: str) -> bool:
    """Whether ``url`` is an ntfy topic: on ntfy.sh, or marked with ``?ntfy``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if any(host == h or host.endswith("." + h) for h in NTFY_HOSTS):
        return True
    return any(name == NTFY_MARK for name, _ in parse_qsl(parts.query, keep_blank_values=True))


def target(url: str) -> str:
    """``url`` as requested: without the ``ntfy`` mark."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != NTFY_MARK]
    return urlunsplit(parts._replace(query=urlencode(query)))


def shown(url: str) -> str:
    """What the log may say of ``url``: scheme and host (no user, path or query: they may hold a token)."""
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a number
        port = ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host, else ValueError."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL")
    _ = parts.port  # ValueError for a port that is not a number
    return url.strip()


@dataclass(frozen=True)
class Batch:
    """The changes one sync of one account recorded."""

    account: str
    run_id: int | None
    changes: tuple[Change, ...]

    def payload(self) -> dict[str, Any]:
        """The JSON body."""
        return {
            "account": self.account,
            "sync_run": self.run_id,
            "changes": [
                {
                    "kind": c.kind,
                    "old": _value(c.kind, c.old),
                    "new": _value(c.kind, c.new),
                    "post": c.shortcode,
                    "comment": c.comment_id,
                    "detected_at": c.detected_at.isoformat(),
                }
                for c in self.changes
            ],
        }

    def title(self, lang: str) -> str:
        """ntfy's title: the account and how many changes."""
        return t("changes.notify.title", lang, count=len(self.changes), account=self.account)

    def text(self, lang: str) -> str:
        """ntfy's body: one line per change."""
        return "\n".join(describe(c.kind, c.old, c.new, c.shortcode, lang) for c in self.changes)


def _value(kind: str, value: str | None) -> str | int | None:
    """A stored value as the JSON gives it: follower counts as numbers."""
    if kind == stored_changes.FOLLOWERS and value is not None and value.isdigit():
        return int(value)
    return value


def _cut(value: str | None, lang: str) -> str:
    if value is None or value == "":
        return t("changes.empty", lang)
    value = " ".join(value.split())  # a bio's line breaks would break the one-line-per-change text
    return value if len(value) <= TEXT_LIMIT else value[: TEXT_LIMIT - 1] + "…"


def describe(kind: str, old: str | None, new: str | None, shortcode: str | None, lang: str) -> str:
    """One change as a line of text."""
    if kind in (stored_changes.POST_DELETED, stored_changes.COMMENT_DELETED):
        return t(f"changes.line.{kind}", lang, post=shortcode or "?", old=_cut(old, lang))
    if kind == stored_changes.CAPTION:
        return t(
            "changes.line.caption", lang, post=shortcode or "?", old=_cut(old, lang), new=_cut(new, lang)
        )
    if kind == stored_changes.PRIVATE:
        old, new = (t(f"changes.value.{v}", lang) if v else None for v in (old, new))
    label = t(f"changes.kind.{kind}", lang)
    return t("changes.line", lang, label=label, old=_cut(old, lang), new=_cut(new, lang))


def batch_of_run(sessions: sessionmaker[Session], run_id: int | None) -> Batch | None:
    """The changes the sync run ``run_id`` recorded, or None when it recorded none."""
    if run_id is None:
        return None
    with sessions() as session:
        found = stored_changes.of_run(session, run_id)
        if not found:
            return None
        account = stored_changes.run_account(session, run_id) or "?"
        session.expunge_all()
    return Batch(account, run_id, tuple(found))


def urls_of(*groups: Iterable[str]) -> list[str]:
    """The URLs of every group, each once, in order."""
    return list(dict.fromkeys(u for group in groups for u in group if u))


@dataclass(order=True)
class _Job:
    due: float
    serial: int
    url: str = ""
    batch: Batch | None = None
    attempt: int = 0


class Notifier:
    """Sends batches of changes to ``urls`` from a background thread, trying again after ``delays``."""

    def __init__(
        self,
        urls: Sequence[str],
        lang: str,
        *,
        delays: Sequence[float] | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.urls = list(urls)
        self.lang = lang
        self.delays = tuple(DELAYS if delays is None else delays)
        self.timeout = timeout
        self._jobs: list[_Job] = []
        self._serial = itertools.count()
        self._wake = threading.Condition()
        self._closing = False
        self._deadline: float | None = None
        self._thread: threading.Thread | None = None
        self._http = requests.Session()
        self.delivered = 0
        self.failed = 0

    def send(self, batch: Batch | None) -> None:
        """Queue ``batch`` for every URL; returns at once."""
        if batch is None or not batch.changes or not self.urls:
            return
        with self._wake:
            for url in self.urls:
                heapq.heappush(self._jobs, _Job(time.monotonic(), next(self._serial), url, batch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="notify", daemon=True)
                self._thread.start()
            self._wake.notify()

    def close(self, grace: float | None = None) -> None:
        """Wait at most ``grace`` seconds (``GRACE``) for what is still to be sent, retries included;
        give up the rest (logged). A retry due later than that is given up at once."""
        grace = GRACE if grace is None else grace
        with self._wake:
            self._closing = True
            self._deadline = time.monotonic() + grace
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(grace + self.timeout + 1)
        self._http.close()

    def _run(self) -> None:
        while True:
            with self._wake:
                while True:
                    now = time.monotonic()
                    if self._closing and (
                        not self._jobs or (self._deadline is not None and self._jobs[0].due > self._deadline)
                    ):
                        for job in self._jobs:
                            self.failed += 1
                            log.error(
                                "notification of %s to %s given up after %d tries: the command ended",
                                job.batch.account if job.batch else "?",
                                shown(job.url),
                                job.attempt,
                            )
                        self._jobs.clear()
                        self._thread = None
                        return
                    if self._jobs and self._jobs[0].due <= now:
                        job = heapq.heappop(self._jobs)
                        break
                    wait = self._jobs[0].due - now if self._jobs else None
                    self._wake.wait(wait)
            self._deliver(job)

    def _deliver(self, job: _Job) -> None:
        assert job.batch is not None
        job.attempt += 1
        tries = len(self.delays) + 1
        error, retry = self._post(job.url, job.batch)
        if error is None:
            self.delivered += 1
            log.info("notification of %s sent to %s", job.batch.account, shown(job.url))
            return
        again = retry and job.attempt < tries
        log.warning(
            "notification of %s to %s failed (try %d of %d): %s",
            job.batch.account,
            shown(job.url),
            job.attempt,
            tries,
            error,
        )
        if not again:
            self.failed += 1
            log.error("notification of %s to %s given up", job.batch.account, shown(job.url))
            return
        job.due = time.monotonic() + self.delays[job.attempt - 1]
        with self._wake:
            heapq.heappush(self._jobs, job)

    def _post(self, url: str, batch: Batch) -> tuple[str | None, bool]:
        """Send one request: None when the server took it, else why not; and whether to try again."""
        try:
            if is_ntfy(url):
                title = batch.title(self.lang)
                headers = {
                    "Title": title if title.isascii() else Header(title, "utf-8").encode(),
                    "Content-Type": "text/plain; charset=utf-8",
                }
                text = batch.text(self.lang).encode("utf-8")
                answer = self._http.post(target(url), data=text, headers=headers, timeout=self.timeout)
            else:
                body = json.dumps(batch.payload(), ensure_ascii=False).encode("utf-8")
                headers = {"Content-Type": "application/json; charset=utf-8"}
                answer = self._http.post(url, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as err:
            return type(err).__name__, True  # its message may hold the URL, token and all
        status = answer.status_code
        if 200 <= status < 300:
            return None, False
        return f"HTTP {status}", not (400 <= status < 500 and status not in _RETRY_4XX)
