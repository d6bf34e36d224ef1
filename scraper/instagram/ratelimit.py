"""One request budget for every worker: instaloader's rate limits, with the request timestamps kept in
Redis so that several processes together never send more than one instaloader would.

Instagram counts requests per IP address and per account. The budget is therefore shared per
*scope*: the logged-in account (or "anonymous") and ``SCRAPER_RATE_SCOPE``, which names the address
the requests leave from ("default" unless set). Workers behind different IP addresses should set
different scopes; workers behind the same address must share one.

Redis is ``SCRAPER_RATE_URL``, else ``SCRAPER_BROKER_URL`` when that is a Redis URL (the Celery
broker of the workers), so workers that share a broker share the budget without more set-up
(``Settings.rate_store_url``; the caller passes it to ``controller_factory``, with the scope).
Without either, ``ratecontrol.ReportingRateController`` keeps the budget per process, as instaloader does.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit

import redis
from instaloader import InstaloaderContext
from redis.backoff import ExponentialBackoff
from redis.commands.core import Script
from redis.retry import Retry

from scraper.config import DEFAULT_RATE_SCOPE
from scraper.errors import Interrupted, NetworkError
from scraper.instagram.ratecontrol import ReportingRateController, WaitCallback

log = logging.getLogger(__name__)

KEY_ROOT = "scraper:rate"

# instaloader 4.16's figures, local variables of RateController.query_waittime there (the limit per
# query type is its count_per_sliding_window: 75 for page loads, 'other', and 200 for the rest).
PER_TYPE_WINDOW = 660.0  # 11 minutes, per query type
PER_TYPE_MARGIN = 6.0  # added to the wait once the window is full
GRAPHQL_WINDOW = 600.0  # 10 minutes, every GraphQL query together
GRAPHQL_LIMIT = 275
IPHONE_WINDOW = 1800.0  # 30 minutes, the iPhone API
IPHONE_LIMIT = 199
IPHONE_MARGIN = 18.0
# No window is longer: older timestamps are dropped, and unused keys expire after it.
LONGEST_WINDOW = IPHONE_WINDOW

# One step of RateController.query_waittime over the shared timestamps, atomic in Redis, so two
# workers cannot both take the last request of a window. The clock is the server's (TIME), so
# workers on machines whose clocks disagree still agree on the windows.
# KEYS: 1 the timestamps of this query type, 2 those of every GraphQL query, 3 the earliest next
#       request after a 429, 4 the earliest next iPhone API request after a 429 of it.
# ARGV: 1 mode: "peek" (the wait only), "take" (record the request when there is no wait), "record"
#       (record it anyway), "429" (set the back-off of a 429, then the wait); 2 the query type;
#       3 the time now, or "" for the server's clock; 4-12 the windows, margins and limits; 13 a
#       unique name for the request.
# Returns the wait and the time now as strings (Lua numbers would come back as integers), and 1 if
# the request was recorded.
_STEP = """
local mode, qtype = ARGV[1], ARGV[2]
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local type_window, type_margin, type_limit = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local gql_window, gql_limit = tonumber(ARGV[7]), tonumber(ARGV[8])
local iphone_window, iphone_margin, iphone_limit = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local longest, member = tonumber(ARGV[12]), ARGV[13]
local graphql = qtype ~= 'iphone' and qtype ~= 'other'

local function num(x) return string.format('%.17g', x) end

-- How many timestamps in the key are newer than the window before now, and the oldest of them.
local function recent(key, window)
  local since = '(' .. num(now - window)
  local oldest = redis.call('ZRANGE', key, since, '+inf', 'BYSCORE', 'LIMIT', 0, 1, 'WITHSCORES')
  return redis.call('ZCOUNT', key, since, '+inf'), tonumber(oldest[2])
end

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', num(now - longest))
if graphql then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', num(now - longest)) end

local next_time = 0
local count, oldest = recent(KEYS[1], type_window)
if count >= type_limit then next_time = oldest + type_window + type_margin end
if graphql then
  count, oldest = recent(KEYS[2], gql_window)
  if count >= gql_limit then next_time = math.max(next_time, oldest + gql_window) end
end
if mode == '429' then
  local key, window, margin = KEYS[3], type_window, type_margin
  if qtype == 'iphone' then key, window, margin = KEYS[4], iphone_window, iphone_margin end
  count, oldest = recent(KEYS[1], window)
  local until_time = (oldest or now) + window + margin
  if until_time > (tonumber(redis.call('GET', key)) or 0) then
    redis.call('SET', key, num(until_time), 'PX', math.ceil((until_time - now) * 1000) + 1000)
  end
end
next_time = math.max(next_time, tonumber(redis.call('GET', KEYS[3])) or 0,
                     tonumber(redis.call('GET', KEYS[4])) or 0)
if qtype == 'iphone' then
  count, oldest = recent(KEYS[1], iphone_window)
  if count >= iphone_limit then next_time = math.max(next_time, oldest + iphone_window + iphone_margin) end
end

local wait = math.max(0, next_time - now)
local recorded = 0
if mode == 'record' or (mode == 'take' and wait == 0) then
  local ttl = math.ceil(longest * 1000)
  redis.call('ZADD', KEYS[1], num(now), member)
  redis.call('PEXPIRE', KEYS[1], ttl)
  if graphql then
    redis.call('ZADD', KEYS[2], num(now), member)
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
  recorded = 1
end
return {num(wait), num(now), recorded}
"""


class RateStoreUnreachable(NetworkError):
    """The shared budget cannot be read, so no request may be sent: it would go unmetered."""

    default_key = "error.rate_store"


def key_prefix(username: str | None, scope: str) -> str:
    """The prefix of the Redis keys of one budget. The braces are a Redis Cluster hash tag, so that
    every key of a budget lives on one node, as a script needs."""
    return f"{KEY_ROOT}:{{{username or 'anonymous'}@{scope}}}:"


def describe(url: str) -> str:
    """Where a Redis URL points, without its password, for messages."""
    try:
        parts = urlsplit(url)
        if parts.scheme == "unix":
            return parts.path
        return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"
    except ValueError:
        return "Redis"


@functools.cache
def _store(url: str) -> tuple[redis.Redis, Script]:
    """A client of the Redis at ``url`` (one pool per process and URL) and the step script on it."""
    client = redis.Redis.from_url(
        url,
        socket_timeout=5,
        socket_connect_timeout=5,
        # A short blip is retried; a Redis that stays away stops the sync rather than its budget.
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
    )
    return client, client.register_script(_STEP)


class SharedRateController(ReportingRateController):
    """instaloader's rate limits (the same windows, limits and 429 back-off), with the request
    timestamps shared in Redis by every process of the same scope.

    Every request is checked against the budget and recorded in one atomic step. A wait is asked
    again after it, as another worker may have taken the freed request meanwhile; unless waits are
    not really slept (``sleep`` given, as with SCRAPER_NO_WAIT), then the request is recorded after
    the wait, as instaloader does.

    ``scope`` is the address part of the scope (SCRAPER_RATE_SCOPE). ``clock`` replaces Redis' clock and ``window_scale``
    shortens every window and margin, both for tests.
    """

    def __init__(
        self,
        context: InstaloaderContext,
        *,
        url: str,
        scope: str = DEFAULT_RATE_SCOPE,
        clock: Callable[[], float] | None = None,
        window_scale: float = 1.0,
        on_wait: WaitCallback | None = None,
        cancel: threading.Event | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(context, on_wait=on_wait, cancel=cancel, sleep=sleep)
        self.url = url
        self.scope = scope
        self.last_request_at: float | None = None  # on the budget's clock
        self._clock = clock
        self._scale = window_scale
        self._names = (f"{uuid.uuid4().hex}:{n}" for n in itertools.count())

    @property
    def key_prefix(self) -> str:
        """The prefix of this budget's keys; read at every request, since the login may come after
        the controller is made."""
        return key_prefix(self._context.username, self.scope)

    def now(self) -> float:
        """The time on the budget's clock: Redis' unless a clock was given."""
        if self._clock is not None:
            return self._clock()
        client, _ = self._connect()
        seconds, micros = self._call(client.time)
        return seconds + micros / 1_000_000

    def query_waittime(self, query_type: str, current_time: float, untracked_queries: bool = False) -> float:
        """The wait before a query of this type at ``current_time`` (on the budget's clock), as
        instaloader computes it, from the shared timestamps. ``untracked_queries`` (a 429 was
        answered) sets the back-off for every worker of the scope."""
        wait, _, _ = self._step("429" if untracked_queries else "peek", query_type, current_time)
        return wait

    def wait_before_query(self, query_type: str) -> None:
        if self._cancel.is_set():
            raise Interrupted()
        while True:
            wait, now, recorded = self._step("take", query_type)
            if recorded:
                break
            if wait > 15:
                self._context.log(f"Too many queries in the last time. Need to wait {round(wait)} s.")
            self.sleep(wait)
            if self._sleep is not None:  # the wait was not slept: go on as instaloader would
                wait, now, _ = self._step("record", query_type)
                break
        self.last_request_at = now
        self.requests += 1

    def handle_429(self, query_type: str) -> None:
        wait, _, _ = self._step("429", query_type)
        log.warning(
            "429 Too Many Requests (query %s): every worker of %s waits %.0f s",
            query_type,
            self.key_prefix,
            wait,
        )
        if wait > 0:
            self.sleep(wait)

    def _step(self, mode: str, query_type: str, now: float | None = None) -> tuple[float, float, bool]:
        """One atomic step of the budget: the wait, the time on the budget's clock, whether the
        request was recorded."""
        if now is None and self._clock is not None:
            now = self._clock()
        prefix, scale = self.key_prefix, self._scale
        keys = [f"{prefix}q:{query_type}", f"{prefix}graphql", f"{prefix}next", f"{prefix}next:iphone"]
        args = [
            mode,
            query_type,
            "" if now is None else repr(now),
            repr(PER_TYPE_WINDOW * scale),
            repr(PER_TYPE_MARGIN * scale),
            self.count_per_sliding_window(query_type),
            repr(GRAPHQL_WINDOW * scale),
            GRAPHQL_LIMIT,
            repr(IPHONE_WINDOW * scale),
            repr(IPHONE_MARGIN * scale),
            IPHONE_LIMIT,
            repr(LONGEST_WINDOW * scale),
            next(self._names),
        ]
        client, script = self._connect()
        wait, at, recorded = cast(list[Any], self._call(script, keys=keys, args=args, client=client))
        return float(wait), float(at), bool(recorded)

    def _connect(self) -> tuple[redis.Redis, Script]:
        try:
            return _store(self.url)
        except ValueError as err:  # not a Redis URL
            log.error("rate store %s: %s", describe(self.url), err)
            raise RateStoreUnreachable(where=describe(self.url)) from err

    def _call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as err:
            log.error("rate store %s unreachable: %s", describe(self.url), err)
            raise RateStoreUnreachable(where=describe(self.url)) from err


def controller_factory(
    url: str | None, scope: str = DEFAULT_RATE_SCOPE
) -> Callable[..., ReportingRateController]:
    """What makes the rate controller of a loader: the budget shared in the Redis at ``url`` (in
    ``scope``), else, without a URL, instaloader's per-process one."""
    if url is None:
        return ReportingRateController
    return functools.partial(SharedRateController, url=url, scope=scope)
