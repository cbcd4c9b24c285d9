"""Pacing requests across all of a run's threads.

One :class:`Throttle` is shared by every thread of a client. It enforces the
optional ``--max-rate`` cap, and when the server says "slow down" (429/503 with
``Retry-After``) it pauses every thread until then. A 429 also lowers the rate
(servers from 2026.3 rate-limit per user with a token bucket, so hammering on
after a 429 only earns more 429s); after a quiet spell without 429s the rate
climbs back, never above ``--max-rate``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

log = logging.getLogger("octoflow.client")

#: After a 429 the rate is lowered to this fraction of what was being sent.
SLOWDOWN = 0.75
#: Never go slower than this many requests per minute.
FLOOR_PER_MINUTE = 10.0
#: A rate is only measured from at least this many recent requests.
MIN_SAMPLE = 20
#: Seconds without a 429 after which a lowered rate is raised again ...
RECOVERY_SECONDS = 30.0
#: ... by this factor.
RECOVERY = 1.25


class Clock:
    """Real time; tests pass a virtual clock so that waits cost no real time."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, deadline: float) -> None:
        delay = deadline - self.now()
        if delay > 0:
            time.sleep(delay)


class Throttle:
    def __init__(self, max_per_minute: float | None = None, clock: Clock | None = None) -> None:
        self._lock = threading.Lock()
        self.clock = clock or Clock()
        self._cap = 60.0 / max_per_minute if max_per_minute else 0.0
        self._interval = self._cap
        self._last_limited = 0.0
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._recent: deque[float] = deque()

    @property
    def per_minute(self) -> float | None:
        return 60.0 / self._interval if self._interval else None

    def wait_turn(self) -> float:
        """Block until this thread may send its next request; returns its send time."""
        with self._lock:
            now = self.clock.now()
            self._recover(now)
            slot = max(now, self._paused_until, self._next_slot)
            self._next_slot = slot + self._interval
            self._recent.append(slot)
            while self._recent and self._recent[0] < slot - 60.0:
                self._recent.popleft()
        if slot > now:
            self.clock.sleep_until(slot)
        return slot

    def sleep(self, seconds: float) -> None:
        """Hold only the calling thread (backing off after a 5xx or a dropped connection)."""
        self.clock.sleep_until(self.clock.now() + seconds)

    def server_said_wait(self, seconds: float, rate_limited: bool) -> None:
        """Pause every thread for ``seconds``; on a 429 also lower the rate."""
        with self._lock:
            now = self.clock.now()
            self._paused_until = max(self._paused_until, now + seconds)
            if rate_limited:
                self._last_limited = now
                self._slow_down()

    def _slow_down(self) -> None:
        current = self.per_minute or self._observed_per_minute()
        if current is None:
            return  # too few requests to measure a rate: the pause alone must do
        new_rate = max(current * SLOWDOWN, FLOOR_PER_MINUTE)
        self._interval = 60.0 / new_rate
        log.warning("the server is rate-limiting; slowing down to %.0f requests/min", new_rate)

    def _recover(self, now: float) -> None:
        """Raise a lowered rate again after a quiet spell; lift it when back above the cap."""
        if self._interval <= self._cap or now - self._last_limited < RECOVERY_SECONDS:
            return
        self._last_limited = now
        self._interval /= RECOVERY
        if self._interval <= self._cap or (not self._cap and self._interval < 0.01):
            self._interval = self._cap

    def _observed_per_minute(self) -> float | None:
        """The rate of the last minute's requests, or ``None`` with too few to tell."""
        if len(self._recent) < MIN_SAMPLE:
            return None
        span = max(self._recent[-1] - self._recent[0], 1.0)
        return len(self._recent) / span * 60.0
