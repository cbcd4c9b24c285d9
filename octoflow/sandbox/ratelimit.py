"""Per-user rate limiting of API requests, as Octopus Server 2026.3 does it (off by default).

Octopus's "Authenticated requests" policy is a token bucket per user: the bucket holds
``burst`` tokens and starts full, refills continuously at ``requests_per_minute``, and every
request costs one token whatever it does. A request that finds the bucket empty is not
processed: it gets 429 with ``Retry-After`` (whole seconds, rounded up). Every request the
limiter sees, accepted or refused, carries the advisory headers the server sends
(``Octopus-RateLimit-Policy: l=<burst>;rpm=<rate>`` and ``Octopus-RateLimit:
r=<tokens left>;t=<seconds until full>``), so a client can pace itself before it is refused.

Octopus also rate-limits unauthenticated requests per IP address; the sandbox does not.
The clock is injectable so tests can move time without sleeping.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from octoflow.sandbox.errors import SandboxError, invalid

#: The advisory headers' names (Octopus docs, "Rate Limiting", advisory response headers).
#: They go on every limited request, accepted or refused, as the docs say the server does.
#: The docs name no ``X-RateLimit-Limit``/``-Remaining``/``-Reset``, so none are sent.
POLICY_HEADER = "Octopus-RateLimit-Policy"
STATE_HEADER = "Octopus-RateLimit"
#: The message of a refused request. UNCONFIRMED: the real server's 429 body; we answer
#: with the Octopus error envelope ``{"ErrorMessage": …, "Errors": […]}`` like other errors.
REFUSED_MESSAGE = "You have exceeded the rate limit for API requests. Please retry later."
#: ``--rate-limit`` units: seconds per unit.
_UNITS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*([a-z]+)\s*$")

Headers = list[tuple[str, str]]


class TokenBucketLimiter:
    """One token bucket per user, all with the same ``requests_per_minute`` and ``burst``."""

    def __init__(
        self,
        requests_per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.requests_per_minute = requests_per_minute
        self.burst = burst
        self._clock = clock
        self._per_second = requests_per_minute / 60
        self._buckets: dict[str, tuple[float, float]] = {}  # user -> (tokens, as of when)
        self._lock = threading.Lock()

    def to_json(self) -> dict[str, Any]:
        return {"requests_per_minute": self.requests_per_minute, "burst": self.burst}

    def take(self, user: str) -> Headers:
        """Spend one of ``user``'s tokens: the advisory headers, or a 429 ``SandboxError``
        (carrying them and ``Retry-After``) when the bucket is empty."""
        with self._lock:
            now = self._clock()
            tokens, since = self._buckets.get(user, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - since) * self._per_second)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._buckets[user] = (tokens, now)
        headers = self._advisory(tokens)
        if allowed:
            return headers
        wait = math.ceil((1 - tokens) / self._per_second)
        refused = dict(headers, **{"Retry-After": str(max(1, wait))})
        raise SandboxError(429, REFUSED_MESSAGE, errors=[REFUSED_MESSAGE], headers=refused)

    def _advisory(self, tokens: float) -> Headers:
        # r: whole tokens left, rounded down (as the Octopus C# client's pacer says the
        # server does); t: seconds until the bucket is full again, rounded up
        # (UNCONFIRMED: the docs give "t=18" without saying how it is rounded).
        full_in = math.ceil((self.burst - tokens) / self._per_second - 1e-9)
        rpm = _number(self.requests_per_minute)
        return [
            (POLICY_HEADER, f"l={self.burst};rpm={rpm}"),
            (STATE_HEADER, f"r={math.floor(tokens)};t={max(0, full_in)}"),
        ]


def parse_rate(text: str) -> float:
    """``"200/min"`` → 200.0 requests per minute (units: s, min, h); ValueError otherwise."""
    found = _RATE.match(text.lower())
    if not found or found.group(2) not in _UNITS:
        raise ValueError(
            f"{text!r} is not a rate: write requests per unit, such as 200/min, 5/s or 1000/h"
        )
    per_minute = float(found.group(1)) * 60 / _UNITS[found.group(2)]
    if per_minute <= 0:
        raise ValueError(f"{text!r}: the rate must be more than 0 requests")
    return per_minute


def limiter_from_json(value: Any, clock: Callable[[], float]) -> TokenBucketLimiter | None:
    """The ``rate_limit`` setting: null (off) or ``{"requests_per_minute", "burst"}``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid(
            'rate_limit must be null (off) or {"requests_per_minute": 200, "burst": 200}.'
        )
    errors = [f"Unknown rate_limit field '{k}'." for k in sorted(set(value) - _FIELDS)]
    rate, burst = value.get("requests_per_minute"), value.get("burst", _default_burst(value))
    if not _is_number(rate) or rate <= 0:
        errors.append("rate_limit.requests_per_minute must be a number above 0.")
    if not _is_number(burst) or int(burst) != burst or burst < 1:
        errors.append("rate_limit.burst must be a whole number, 1 or more.")
    if errors:
        raise invalid(*errors)
    return TokenBucketLimiter(rate, int(burst), clock)


_FIELDS = {"requests_per_minute", "burst"}


def _default_burst(value: dict[str, Any]) -> Any:
    """Without ``burst``, the bucket holds one minute's worth (Octopus's example: 200, 200)."""
    rate = value.get("requests_per_minute")
    return max(1, math.ceil(rate)) if _is_number(rate) and rate > 0 else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
