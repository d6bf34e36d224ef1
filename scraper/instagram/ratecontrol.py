"""instaloader's own rate limits, with its waits reported and cancellable, and its requests counted.

The budget is this process's; ``ratelimit.SharedRateController`` builds on this class to share it
through Redis.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from instaloader import InstaloaderContext, RateController

from scraper.errors import Interrupted

log = logging.getLogger(__name__)

WaitCallback = Callable[[float], None]


class ReportingRateController(RateController):
    """instaloader's own rate limits, with its waits reported and cancellable.

    Every API request passes ``wait_before_query``, so this is also where they are counted.
    ``sleep`` is replaced in tests by a clock that records instead of waiting.
    """

    def __init__(
        self,
        context: InstaloaderContext,
        *,
        on_wait: WaitCallback | None = None,
        cancel: threading.Event | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(context)
        self.requests = 0
        self.waited = 0.0
        self._on_wait = on_wait
        self._cancel = cancel or threading.Event()
        self._sleep = sleep

    def wait_before_query(self, query_type: str) -> None:
        if self._cancel.is_set():
            raise Interrupted()
        super().wait_before_query(query_type)
        self.requests += 1

    def sleep(self, secs: float) -> None:
        log.info("rate limit: waiting %.0f s", secs)
        self.waited += secs
        if self._on_wait is not None:
            self._on_wait(secs)
        if self._sleep is not None:
            self._sleep(secs)
        # Wait in slices so that a cancel during a long wait takes effect at once.
        elif self._cancel.wait(secs):
            raise Interrupted()
        if self._on_wait is not None:
            self._on_wait(0)
