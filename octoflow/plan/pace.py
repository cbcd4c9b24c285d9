"""How long apply takes under the rate limit the server advertised while planning."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from octoflow.client.budget import Policy
from octoflow.client.http import IDS_PER_REQUEST


def batching(concurrency: int, paced: bool) -> tuple[int, bool]:
    """How apply re-reads documents right before writing them (see
    :mod:`octoflow.apply.refresh`): (documents per re-read, whether the next batch is
    read ahead), for ``concurrency`` writes at once, ``paced`` by a rate limit or not."""
    size = max(1, min(concurrency * (2 if paced else 1), IDS_PER_REQUEST))
    return size, not paced and size > 1


def apply_time(requests: int, policy: Policy | None) -> dict[str, Any] | None:
    """The plan's ``rate_limit``: the server's limit and the seconds ``requests`` take under
    it from a full bucket (the burst goes at once, the rest at the rate; the server's own
    time to answer comes on top). ``None`` when the server advertised no limit."""
    if policy is None:
        return None
    per_minute = float(policy.per_minute)
    return {
        "requests_per_minute": int(per_minute) if per_minute.is_integer() else per_minute,
        "burst": policy.burst,
        "apply_seconds": math.ceil(policy.seconds_for(requests)),
    }


def pace_text(rate_limit: Mapping[str, Any]) -> str:
    """``≈ 2 min 10 s at 200 requests/min (burst 200)``, or, when the burst covers apply,
    ``within the server's burst (200 requests/min, burst 200)``."""
    limit = f"{rate_limit['requests_per_minute']:g} requests/min"
    burst = f"burst {rate_limit['burst']:g}"
    seconds = rate_limit["apply_seconds"]
    if seconds <= 0:
        return f"within the server's burst ({limit}, {burst})"
    return f"≈ {duration(seconds)} at {limit} ({burst})"


def duration(seconds: float) -> str:
    """``45 s``, ``2 min 10 s``, ``1 h 5 min`` (whole seconds, rounded up)."""
    whole = math.ceil(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"
