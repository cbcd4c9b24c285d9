"""The server's request budget, as its rate-limit headers describe it.

Octopus Server (2026.3+) limits requests per user with a token bucket and says so on every
request it counts: ``Octopus-RateLimit-Policy: l=<burst>;rpm=<requests per minute>`` and
``Octopus-RateLimit: r=<whole tokens left>;t=<seconds until full>``. :class:`ServerBudget`
keeps a copy of that bucket so a client can wait for a token instead of being refused.

The copy is kept as the time the bucket would be full again (``full_at``, the "theoretical
arrival time" of the generic cell rate algorithm): a request sent at ``s`` takes a token, so
``full_at`` moves to ``max(full_at, s) + 1/rate``, and a request may go when at most
``burst - 1`` tokens are missing. Every answer's ``r`` corrects the copy towards the server,
never towards more tokens than the server can have: requests still in flight count as spent.
"""

from __future__ import annotations

import re

import attrs

POLICY_HEADER = "Octopus-RateLimit-Policy"
STATE_HEADER = "Octopus-RateLimit"
#: Waits for a token last this much of a token longer, so float rounding never sends a
#: request a hair before the server's bucket holds a whole token.
SAFETY_TOKENS = 0.001
_PAIR = re.compile(r"\s*([a-z]+)\s*=\s*\"?([0-9.]+)\"?\s*", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*([a-z]+))?\s*$")


@attrs.frozen
class Policy:
    """A rate limit: ``per_minute`` requests a minute after a ``burst`` of requests."""

    per_minute: float
    burst: int

    def seconds_for(self, requests: int) -> float:
        """How long ``requests`` take from a full bucket: the burst, then ``per_minute``."""
        return max(0, requests - self.burst) * 60.0 / self.per_minute


def read_policy(value: str | None) -> Policy | None:
    """``l=200;rpm=200`` → ``Policy(200, 200)``; ``None`` when absent or unreadable.

    UNCONFIRMED: whether the server ever lists several policies in one header; the first
    one with both ``l`` and ``rpm`` is used.
    """
    for part in (value or "").split(","):
        fields = _fields(part)
        rpm, burst = fields.get("rpm"), fields.get("l")
        if rpm and rpm > 0 and burst and burst >= 1:
            return Policy(rpm, int(burst))
    return None


def read_remaining(value: str | None) -> int | None:
    """``r=17;t=56`` → 17 (whole tokens left); ``None`` when absent or unreadable."""
    left = _fields((value or "").split(",")[0]).get("r")
    return None if left is None else int(left)


def _fields(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in text.split(";"):
        found = _PAIR.fullmatch(item)
        if found:
            try:
                out[found.group(1).lower()] = float(found.group(2))
            except ValueError:
                continue
    return out


def parse_rate(text: str) -> float:
    """``--max-rate``: ``150/min``, ``5/s``, ``1000/h`` or a bare ``150`` (per minute) →
    requests per minute; ``ValueError`` saying what to write otherwise."""
    found = _RATE.match(text.lower())
    unit = (found.group(2) or "min") if found else None
    if not found or unit not in _UNITS:
        raise ValueError(
            f"{text!r} is not a rate: write requests per unit, such as 150/min, 5/s or 1000/h"
        )
    per_minute = float(found.group(1)) * 60 / _UNITS[unit]
    if per_minute <= 0:
        raise ValueError(f"{text!r}: the rate must be more than 0 requests")
    return per_minute


class ServerBudget:
    """A copy of the server's token bucket (not thread-safe: the throttle's lock guards it)."""

    def __init__(self, policy: Policy, remaining: int, sent_at: float, in_flight: int) -> None:
        self.policy = policy
        self._interval = 60.0 / policy.per_minute
        self._full_at = sent_at
        self.correct(remaining, sent_at, in_flight)

    def reserve(self, earliest: float) -> float:
        """Take a token for a request that could go at ``earliest``; returns when it may go."""
        ready = self._full_at - (self.policy.burst - 1) * self._interval
        send = earliest if ready <= earliest else ready + SAFETY_TOKENS * self._interval
        self._full_at = max(self._full_at, send) + self._interval
        return send

    def correct(self, remaining: int, sent_at: float, in_flight: int) -> None:
        """The server had ``remaining`` tokens after counting a request sent at ``sent_at``;
        ``in_flight`` other requests may not be counted yet, so they are taken off too.

        The server counted it a little after ``sent_at``: the tokens it refilled meanwhile
        are in ``remaining``'s fraction, which ``r`` rounds down. Counting from when the
        answer came instead would take the round trip off the budget at every answer."""
        missing = self.policy.burst - (remaining - in_flight)
        self._full_at = max(self._full_at, sent_at + missing * self._interval)
