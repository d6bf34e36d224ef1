"""One request budget shared through Redis: instaloader's limits, kept by several processes together.

The tests that need Redis use TEST_REDIS_URL (``./run tests`` starts one), each in a scope of its own.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import types
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
import redis
from instaloader import InstaloaderContext, RateController, instaloadercontext

from scraper.archive import Archive
from scraper.config import load_settings
from scraper.errors import ExitCode
from scraper.instagram import fetch
from scraper.instagram.login import Login, login
from scraper.instagram.ratecontrol import ReportingRateController
from scraper.instagram.ratelimit import (
    PER_TYPE_WINDOW,
    RateStoreUnreachable,
    SharedRateController,
    describe,
    key_prefix,
)
from scraper.replay import InstagramReplay, build_account
from tests.helpers import Syncer, WaitLog

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# GraphQL query types are their doc ids or query hashes.
POST_QUERY, TIMELINE_QUERY = "8845758582119845", "7950326061742207"


@pytest.fixture
def store_url() -> str:
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set: these tests need a Redis server (./run setup-tests)")
    return TEST_REDIS_URL


@pytest.fixture
def scope(store_url: str) -> Iterator[str]:
    """A scope of this test's own; its keys are deleted afterwards."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis.from_url(store_url)
    for key in client.scan_iter(f"scraper:rate:{{*@{name}}}:*"):
        client.delete(key)
    client.close()


class Context:
    """What a rate controller asks of instaloader's context."""

    def __init__(self, username: str | None = None) -> None:
        self.username = username

    def log(self, *args: object, **kwargs: object) -> None:
        pass

    def error(self, *args: object, **kwargs: object) -> None:
        pass


def context(username: str | None = None) -> InstaloaderContext:
    return cast(InstaloaderContext, Context(username))


class Clock:
    """A clock that waits by moving on, and keeps the waits."""

    def __init__(self, start: float = 10_000.0) -> None:
        self.now = start
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def shared(url: str, scope: str, clock: Clock | None = None, **kwargs: Any) -> SharedRateController:
    """A controller on the test's scope, on the clock given (else Redis', and waits slept)."""
    if clock is not None:
        kwargs.update(clock=clock, sleep=clock.sleep)
    return SharedRateController(context(kwargs.pop("username", None)), url=url, scope=scope, **kwargs)


def rate_settings() -> dict[str, Any]:
    """The rate budget's settings as the environment gives them now: for an archive whose settings
    were made before the test set SCRAPER_RATE_URL, as a process reads them when it starts."""
    read = load_settings()
    return {"broker_url": read.broker_url, "rate_url": read.rate_url, "rate_scope": read.rate_scope}


# -- the budget is instaloader's ------------------------------------------------------------------


def _mixed(seed: int) -> list[tuple[str, float]]:
    rng = random.Random(seed)
    steps: list[tuple[str, float]] = [("other", 0.0)]  # a 429 answers a query
    for _ in range(700):
        kind = rng.choices(["other", POST_QUERY, TIMELINE_QUERY, "iphone", "429"], [4, 10, 3, 2, 0.05])[0]
        steps.append((kind, rng.choice([0.0, 0.5, 1.0, 2.0, 5.0])))
    return steps


# Each step: a query of that type (or a 429 answer to the last one) that many seconds after the last.
SCENARIOS: dict[str, list[tuple[str, float]]] = {
    "page loads, per 11 minutes": [("other", 1.0)] * 90,
    "one GraphQL query, per 11 minutes": [(POST_QUERY, 1.0)] * 220,
    "every GraphQL query together, per 10 minutes": [(POST_QUERY, 1.0), (TIMELINE_QUERY, 1.0)] * 150,
    "the iPhone API, per 30 minutes": [("iphone", 2.0)] * 210,
    "a 429 of a page load": [("other", 3.0)] * 10 + [("429", 0.0)] + [(POST_QUERY, 1.0), ("other", 1.0)] * 3,
    "a 429 of the iPhone API": [("iphone", 1.0)] * 5 + [("429", 0.0)] + [("other", 1.0), ("iphone", 1.0)],
    "a mix": _mixed(1),
    "another mix": _mixed(2),
}


@pytest.mark.parametrize("steps", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_the_budget_and_the_waits_are_instaloaders(
    steps: list[tuple[str, float]], store_url: str, scope: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours_clock, theirs_clock = Clock(), Clock()
    # instaloader's controller reads the clock and sleeps through its module's ``time``.
    monkeypatch.setattr(
        instaloadercontext, "time", SimpleNamespace(monotonic=theirs_clock, sleep=theirs_clock.sleep)
    )
    theirs = RateController(context())
    ours = shared(store_url, scope, ours_clock)
    last = "other"
    for kind, gap in steps:
        ours_clock.now += gap
        theirs_clock.now += gap
        if kind == "429":
            theirs.handle_429(last)
            ours.handle_429(last)
        else:
            theirs.wait_before_query(kind)
            ours.wait_before_query(kind)
            last = kind
        assert ours_clock.waits == pytest.approx(theirs_clock.waits)
        assert ours_clock.now == pytest.approx(theirs_clock.now)
    # The limits were reached, and each kind would now wait as long.
    assert any(ours_clock.waits)
    for kind in ("other", POST_QUERY, TIMELINE_QUERY, "iphone"):
        for later in (0.0, 60.0, 600.0, 1200.0):
            now = ours_clock.now + later
            assert ours.query_waittime(kind, now) == pytest.approx(theirs.query_waittime(kind, now))
    assert ours.requests == sum(1 for kind, _ in steps if kind != "429")


# -- several processes, one budget -----------------------------------------------------------------

SCALE = 0.005  # an 11-minute window lasts 3.3 s


def _take_turns(url: str, scope: str, count: int, start: Any, results: Any) -> None:
    """A worker: ``count`` page loads as fast as the shared budget lets it, after the others are ready."""
    controller = SharedRateController(context(), url=url, scope=scope, window_scale=SCALE)
    granted: list[float] = []
    start.wait()
    for _ in range(count):
        controller.wait_before_query("other")
        assert controller.last_request_at is not None
        granted.append(controller.last_request_at)
    results.put((granted, controller.waited))


def run_workers(target: Callable[..., None], n: int, *args: Any, timeout: float = 60) -> list[Any]:
    """Run ``target(*args, start, results)`` in n processes started together; their results."""
    mp = multiprocessing.get_context("spawn")
    start, results = mp.Barrier(n), mp.Queue()
    workers = [mp.Process(target=target, args=(*args, start, results)) for _ in range(n)]
    # Streamlit's AppTest (tests run before this one) leaves its script module as __main__, which a
    # spawned process would import and run again; the workers need no __main__ of the parent's.
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        for worker in workers:
            worker.start()
    finally:
        sys.modules["__main__"] = main
    try:
        out = [results.get(timeout=timeout) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=timeout)
            if worker.is_alive():
                worker.terminate()
    assert all(worker.exitcode == 0 for worker in workers)
    return out


@pytest.mark.slow
def test_workers_together_keep_one_budget_and_all_get_served(store_url: str, scope: str) -> None:
    limit = RateController(context()).count_per_sliding_window("other")
    window = PER_TYPE_WINDOW * SCALE
    workers, each = 3, limit // 2 + 3  # together more than one window allows

    outcome = run_workers(_take_turns, workers, store_url, scope, each)

    assert [len(granted) for granted, _ in outcome] == [each] * workers
    assert any(waited for _, waited in outcome)
    times = sorted(t for granted, _ in outcome for t in granted)
    for i, t in enumerate(times):
        assert sum(1 for u in times[: i + 1] if u > t - window) <= limit
    # The whole budget was used: the first window holds exactly as many as one instaloader sends.
    assert sum(1 for t in times if t < times[0] + window) == limit


def test_scopes_do_not_share_a_budget(store_url: str, scope: str) -> None:
    limit = RateController(context()).count_per_sliding_window("other")
    clock = Clock()
    anonymous = shared(store_url, scope, clock)
    for _ in range(limit):
        anonymous.wait_before_query("other")

    assert anonymous.query_waittime("other", clock.now) > 0
    assert shared(store_url, scope, clock).query_waittime("other", clock.now) > 0  # the same scope
    assert shared(store_url, f"{scope}-b", clock).query_waittime("other", clock.now) == 0
    assert shared(store_url, scope, clock, username="researcher").query_waittime("other", clock.now) == 0
    assert clock.waits == []


def _answer_429(url: str, scope: str, start: Any, results: Any) -> None:
    """A worker: three page loads, then a 429 for the last; its back-off is recorded, not slept."""
    clock = Clock()
    controller = SharedRateController(context(), url=url, scope=scope, sleep=clock.sleep)
    start.wait()
    for _ in range(3):
        controller.wait_before_query("other")
    controller.handle_429("other")
    results.put(clock.waits)


def test_a_429_in_one_process_makes_the_others_wait(store_url: str, scope: str) -> None:
    began = time.monotonic()
    [[backoff]] = run_workers(_answer_429, 1, store_url, scope)
    clock = Clock()
    here = SharedRateController(context(), url=store_url, scope=scope, sleep=clock.sleep)

    here.wait_before_query("other")
    here.wait_before_query(POST_QUERY)  # the back-off holds every kind of query, as instaloader's does

    elapsed = time.monotonic() - began
    assert len(clock.waits) == 2
    assert all(backoff - elapsed <= wait <= backoff for wait in clock.waits)
    assert backoff > 0
    assert shared(store_url, f"{scope}-b").query_waittime(POST_QUERY, here.now()) == 0


# -- through a whole sync --------------------------------------------------------------------------


def stored_timestamps(url: str, prefix: str) -> int:
    """Requests recorded in a budget, over every query type."""
    client = redis.Redis.from_url(url)
    try:
        return sum(client.zcard(key) for key in client.scan_iter(f"{prefix}q:*"))
    finally:
        client.close()


def api_counts(replay: InstagramReplay) -> dict[str, int]:
    """Requests by kind, but for the CDN's (files are not behind the rate limit)."""
    return {kind: n for kind, n in replay.counts().items() if kind != "cdn"}


@pytest.mark.parametrize("logged_in", [False, True], ids=["logged out", "logged in"])
def test_a_sync_costs_the_same_requests_with_a_shared_budget(
    logged_in: bool,
    replay: InstagramReplay,
    sync: Syncer,
    archive: Archive,
    waits: WaitLog,
    store_url: str,
    scope: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two accounts alike: one synced with a budget per process, the other with the shared one.
    replay.add_account(build_account("ermua.kultura", 30, seed=3))
    replay.add_account(build_account("ermua.kirolak", 30, seed=3))
    used = None
    if logged_in:
        path = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
        used = Login("researcher", path)
    replay.reset_calls()
    alone = sync("ermua.kultura", login=used)
    counts = api_counts(replay)
    replay.reset_calls()

    monkeypatch.setenv("SCRAPER_RATE_URL", store_url)
    monkeypatch.setenv("SCRAPER_RATE_SCOPE", scope)
    archive.settings = dataclasses.replace(archive.settings, **rate_settings())
    together = sync("ermua.kirolak", login=used)

    assert alone.error is None and together.error is None
    assert (
        (together.new, together.api_requests) == (alone.new, alone.api_requests) == (30, replay.api_requests)
    )
    assert api_counts(replay) == counts
    prefix = key_prefix("researcher" if logged_in else None, scope)
    assert stored_timestamps(store_url, prefix) == together.api_requests
    assert waits == []


def test_the_shared_budget_is_used_when_redis_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SCRAPER_RATE_URL", "SCRAPER_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    assert type(fetch.context_of(fetch.make_loader(settings=load_settings())).rate) is ReportingRateController

    monkeypatch.setenv("SCRAPER_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing is asked of it yet
    assert isinstance(
        fetch.context_of(fetch.make_loader(settings=load_settings())).rate, SharedRateController
    )


@pytest.mark.parametrize(
    ("rate_url", "broker_url", "used"),
    [
        ("", "", None),
        ("", "redis://broker:6379/0", "redis://broker:6379/0"),
        ("", "amqp://guest@rabbit//", None),
        ("redis://rates:6379/2", "redis://broker:6379/0", "redis://rates:6379/2"),
        ("unix:///run/redis.sock", "amqp://guest@rabbit//", "unix:///run/redis.sock"),
    ],
)
def test_which_redis_holds_the_budget(
    rate_url: str, broker_url: str, used: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCRAPER_RATE_URL", rate_url)
    monkeypatch.setenv("SCRAPER_BROKER_URL", broker_url)
    assert load_settings().rate_store_url == used


@pytest.mark.parametrize(
    ("username", "env_scope", "prefix"),
    [
        (None, None, "scraper:rate:{anonymous@default}:"),
        ("researcher", None, "scraper:rate:{researcher@default}:"),
        ("researcher", "office-nat", "scraper:rate:{researcher@office-nat}:"),
    ],
)
def test_the_scope_is_the_account_and_the_address(
    username: str | None, env_scope: str | None, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCRAPER_RATE_SCOPE", raising=False)
    if env_scope is not None:
        monkeypatch.setenv("SCRAPER_RATE_SCOPE", env_scope)
    scope = load_settings().rate_scope
    controller = SharedRateController(context(username), url="redis://127.0.0.1:1/0", scope=scope)
    assert controller.key_prefix == prefix


# -- Redis going away ------------------------------------------------------------------------------


class OwnRedis:
    """A Redis server of the test's own, on a Unix socket, that the test can stop."""

    def __init__(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.skip("redis-server is not installed")
        self.folder = Path(tempfile.mkdtemp(prefix="rl-"))  # short: socket paths are limited to ~100 bytes
        self.socket = self.folder / "redis.sock"
        self.url = f"unix://{self.socket}"
        self.process = subprocess.Popen(
            [server, "--port", "0", "--unixsocket", str(self.socket), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(unix_socket_path=str(self.socket))
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.02)
        client.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    server = OwnRedis()
    yield server
    server.close()


def test_redis_going_away_stops_the_requests_with_a_clear_error(own_redis: OwnRedis) -> None:
    controller = shared(own_redis.url, "gone", Clock())
    controller.wait_before_query("other")

    own_redis.stop()
    with pytest.raises(RateStoreUnreachable) as caught:
        controller.wait_before_query("other")

    assert controller.requests == 1
    assert caught.value.exit_code == ExitCode.NETWORK
    assert str(own_redis.socket) in caught.value.message("en")
    assert str(own_redis.socket) in caught.value.message("es")


def test_redis_going_away_mid_sync_sends_no_unmetered_request(
    own_redis: OwnRedis, replay: InstagramReplay, sync: Syncer, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay.add_account(build_account("ermua.kultura", 30))
    seen = 0

    def stop_redis_at_the_third_post(_request: object) -> bool:
        nonlocal seen
        seen += 1
        if seen == 3:
            own_redis.stop()
        return False  # never a fault: only a moment to act in

    replay.fail("post", match=stop_redis_at_the_third_post, times=None)
    monkeypatch.setenv("SCRAPER_RATE_URL", own_redis.url)
    sync.archive.settings = dataclasses.replace(sync.archive.settings, **rate_settings())

    result = sync("ermua.kultura")

    assert isinstance(result.error, RateStoreUnreachable)
    assert result.exit_code == ExitCode.NETWORK and result.status == "failed"
    assert replay.count("post") == 3
    assert result.api_requests == replay.api_requests


def test_the_message_never_shows_a_password() -> None:
    assert describe("redis://:s3cret@cache.internal:6380/1") == "redis://cache.internal:6380/1"
    assert describe("rediss://user:s3cret@cache.internal/0") == "rediss://cache.internal:6379/0"
    assert describe("unix:///run/redis/redis.sock") == "/run/redis/redis.sock"


def test_comment_requests_take_their_turn_in_the_shared_budget(
    replay: InstagramReplay,
    sync: Syncer,
    archive: Archive,
    store_url: str,
    scope: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replay.add_account(build_account("ermua.kultura", 20, seed=3))
    path = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
    monkeypatch.setenv("SCRAPER_RATE_URL", store_url)
    monkeypatch.setenv("SCRAPER_RATE_SCOPE", scope)
    archive.settings = dataclasses.replace(archive.settings, **rate_settings())
    replay.reset_calls()

    result = sync("ermua.kultura", login=Login("researcher", path), comments=True)

    comment_requests = sum(replay.count(k) for k in ("comments", "comment_replies", "comments_iphone"))
    assert result.error is None and result.comments_new > 0 and comment_requests > 0
    assert result.api_requests == replay.api_requests
    assert stored_timestamps(store_url, key_prefix("researcher", scope)) == result.api_requests
