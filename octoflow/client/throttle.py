"""Pacing requests across all of a run's threads.

One :class:`Throttle` is shared by every thread of a client. It enforces the
optional ``--max-rate`` cap and backs off when the server says "slow down":

* A 429 pauses every thread for the server's ``Retry-After`` (at most
  ``MAX_WAIT`` seconds), or ``DEFAULT_WAIT`` seconds when it sent none; a 503
  with ``Retry-After`` pauses the same way.
* A 429 answering a request that was sent before the current pause ended
  belongs to the same *storm*: requests in flight together count once.
* A storm that starts before any request sent after the last pause was
  answered shows the pause alone was not enough (servers from 2026.3
  rate-limit per user with a token bucket): the rate is halved, never below
  ``FLOOR_PER_MINUTE`` (and never raised to it past ``--max-rate``).
* Each request answered after a storm doubles a lowered rate; back at the rate
  sent before the first cut, the limit is lifted (to ``--max-rate``, if any).
* A server that advertises its limit (``Octopus-RateLimit-Policy``, Octopus 2026.3+) gets
  its budget kept (:class:`~octoflow.client.budget.ServerBudget`): each request waits for
  a token of the server's bucket instead of being sent into a 429. Without those headers
  nothing waits for a budget.

Time comes from a :class:`Clock`, so tests can make waits virtual.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Mapping

from octoflow.client.budget import (
    POLICY_HEADER,
    STATE_HEADER,
    Policy,
    ServerBudget,
    read_policy,
    read_remaining,
)

log = logging.getLogger("octoflow.client")

#: Seconds every thread pauses after a 429 without ``Retry-After``.
DEFAULT_WAIT = 2.0
#: The longest pause a ``Retry-After`` can ask for; longer ones are cut to this.
MAX_WAIT = 300.0
#: A repeated storm lowers the rate to this fraction of what was being sent ...
SLOWDOWN = 0.5
#: ... but never below this many requests per minute.
FLOOR_PER_MINUTE = 60.0
#: Each request answered after a storm multiplies a lowered rate by this.
RECOVERY = 2.0
#: A rate is only measured from at least this many recent requests.
MIN_SAMPLE = 20


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
        self._lift_at = self._cap
        self._next_slot = 0.0
        self._paused_until = float("-inf")
        self._storm_start = self._storm_end = float("-inf")
        self._answered_since_pause = True
        #: (send time, ``seconds_paused`` then) of the last minute's requests.
        self._recent: deque[tuple[float, float]] = deque()
        #: Storms of 429s met so far (concurrent 429s count once).
        self.storms = 0
        #: Seconds every thread was held by the server's pauses (overlaps counted once).
        self.seconds_paused = 0.0
        #: The server's advertised budget, once an answer has carried it.
        self.budget: ServerBudget | None = None
        #: Requests that waited for a token of the server's budget.
        self.budget_waits = 0
        self._in_flight = 0

    @property
    def policy(self) -> Policy | None:
        """The rate limit the server advertised, or ``None`` when it advertised none."""
        return self.budget.policy if self.budget else None

    @property
    def paced(self) -> bool:
        """Whether requests wait for a rate limit: ``--max-rate`` or the server's budget."""
        return bool(self._interval) or self.budget is not None

    @property
    def per_minute(self) -> float | None:
        """The rate requests are paced at, or ``None`` when unlimited."""
        return 60.0 / self._interval if self._interval else None

    def wait_turn(self) -> float:
        """Block until this thread may send its next request; returns its send time."""
        with self._lock:
            now = self.clock.now()
            slot = max(now, self._paused_until, self._next_slot)
            if self.budget is not None:
                budgeted = self.budget.reserve(slot)
                self.budget_waits += budgeted > slot
                slot = budgeted
            self._next_slot = slot + self._interval
            self._in_flight += 1
            self._recent.append((slot, self.seconds_paused))
            while self._recent and self._recent[0][0] < slot - 60.0:
                self._recent.popleft()
        if slot > now:
            self.clock.sleep_until(slot)
        return slot

    def finished(self, headers: Mapping[str, str] | None, sent_at: float) -> None:
        """The request :meth:`wait_turn` let go at ``sent_at`` is over, answered with
        ``headers`` (``None`` when no answer came): learn the server's budget from them."""
        with self._lock:
            self._in_flight -= 1
            if headers is None:
                return
            remaining = read_remaining(headers.get(STATE_HEADER))
            if remaining is None:
                return
            policy = read_policy(headers.get(POLICY_HEADER))
            if policy is not None and (self.budget is None or policy != self.budget.policy):
                if self.budget is None:
                    log.info(
                        "the server limits requests to %g/min (burst %d); pacing to it",
                        policy.per_minute,
                        policy.burst,
                    )
                self.budget = ServerBudget(policy, remaining, sent_at, self._in_flight)
            elif self.budget is not None:
                self.budget.correct(remaining, sent_at, self._in_flight)

    def sleep(self, seconds: float) -> None:
        """Hold only the calling thread (backing off after a 5xx or a dropped connection)."""
        self.clock.sleep_until(self.clock.now() + seconds)

    def answered(self, sent_at: float) -> None:
        """The server answered a request sent at ``sent_at`` normally (not 429, not 5xx)."""
        with self._lock:
            if sent_at < self._storm_end:
                return  # sent before the storm's pause ended: proves nothing about now
            self._answered_since_pause = True
            if self._interval > self._cap:
                self._interval /= RECOVERY
                if self._interval <= self._lift_at:
                    self._interval = self._cap
                    log.info("the server is answering again; back to full speed")

    def rate_limited(self, retry_after: float | None, sent_at: float) -> None:
        """A 429 answered the request sent at ``sent_at``: pause everyone, maybe slow down."""
        wait = DEFAULT_WAIT if retry_after is None else retry_after
        with self._lock:
            if sent_at < self._storm_end:
                # Sent before this storm's pause ended: one more 429 of the same burst,
                # so its Retry-After counts from the storm's first 429.
                self._pause(self._storm_start, wait)
                self._storm_end = self._paused_until
                return
            self.storms += 1
            self._storm_start = self.clock.now()
            repeated = not self._answered_since_pause
            self._answered_since_pause = False
            self._pause(self._storm_start, wait)
            self._storm_end = self._paused_until
            if repeated:
                self._slow_down()
            else:
                level = logging.WARNING if self.storms == 1 else logging.INFO
                log.log(level, "the server is rate-limiting (429); pausing for %.1fs", wait)

    def server_said_wait(self, seconds: float) -> None:
        """Pause every thread for ``seconds`` (a 503 with ``Retry-After``)."""
        with self._lock:
            self._pause(self.clock.now(), seconds)

    def _pause(self, start: float, seconds: float) -> None:
        until = start + min(max(seconds, 0.0), MAX_WAIT)
        self.seconds_paused += max(0.0, until - max(self._paused_until, start))
        self._paused_until = max(self._paused_until, until)

    def _slow_down(self) -> None:
        current = self.per_minute or self._observed_per_minute()
        if current is None:
            return  # too few requests to measure a rate: the pause alone must do
        new_rate = max(current * SLOWDOWN, FLOOR_PER_MINUTE)
        if new_rate >= current:
            return  # already at the floor (or a --max-rate below it)
        if self._interval <= self._cap:
            self._lift_at = 60.0 / current
        self._interval = 60.0 / new_rate
        log.warning("the server keeps rate-limiting; slowing down to %.0f requests/min", new_rate)

    def _observed_per_minute(self) -> float | None:
        """The rate of the last minute's requests, time spent paused left out, or ``None``
        with too few requests to tell."""
        if len(self._recent) < MIN_SAMPLE:
            return None
        (first, paused_then), (last, paused_now) = self._recent[0], self._recent[-1]
        span = max(last - first - (paused_now - paused_then), 1.0)
        return len(self._recent) / span * 60.0
