"""Knobs for tests and benchmarks: latency, a concurrency limit, a rate limit and injected faults.

``rate_limit`` is null (off, the default) or ``{"requests_per_minute": 200, "burst": 200}``:
a token bucket per user, as Octopus 2026.3 has (``ratelimit``). Setting it starts every
user with a full bucket.

A fault is a JSON object; the matchers ``method`` and ``path_contains`` (case-
insensitive, against path and query) pick requests, ``times`` says how many
(default 1, null for every one), and exactly one of these says what happens:

* ``{"status": 503|500|429, "retry_after": 2}`` answers with that status (and a
  ``Retry-After`` header when ``retry_after`` is not null) instead of serving;
  ``{"status": 403, "permission": "TenantEdit"}`` answers as the server does when
  the key's user lacks that permission;
* ``{"drop_connection": true}`` hangs up without answering;
* ``{"edit": {"id": "Tenants-5", "set": {"Description": "edited meanwhile"}}}``
  serves the next GET whose response holds that document, then changes the
  stored document, as if someone edited it in the UI between a read and a
  write. Without ``id`` it applies to the single document a matching GET
  returns. Matchers may also sit inside ``edit``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from octoflow.sandbox.errors import SandboxError, invalid
from octoflow.sandbox.ratelimit import Headers, TokenBucketLimiter, limiter_from_json

FAULT_STATUSES = (403, 429, 500, 502, 503, 504)


class Settings:
    """Mutable knobs; change them directly or through ``PUT /_sandbox/settings``."""

    def __init__(
        self,
        latency_ms: float = 0,
        concurrency_limit: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.latency_ms = latency_ms
        self.concurrency_limit = concurrency_limit
        self.faults: list[dict[str, Any]] = []
        #: The per-user rate limiter, None when requests are not limited.
        self.rate_limiter: TokenBucketLimiter | None = None
        self._clock = clock
        self._lock = threading.Lock()
        self._slots = threading.Condition()
        self._active = 0

    # -- JSON shape ---------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "latency_ms": self.latency_ms,
                "concurrency_limit": self.concurrency_limit,
                "faults": [dict(f) for f in self.faults],
                "rate_limit": self.rate_limiter.to_json() if self.rate_limiter else None,
            }

    def update(self, data: Any) -> None:
        """Apply a partial settings object, rejecting it whole when any part is wrong."""
        if not isinstance(data, dict):
            raise invalid("Settings must be a JSON object.")
        unknown = sorted(set(data) - {"latency_ms", "concurrency_limit", "faults", "rate_limit"})
        latency = data.get("latency_ms", self.latency_ms)
        limit = data.get("concurrency_limit", self.concurrency_limit)
        faults = data.get("faults", self.faults)
        errors = [f"Unknown setting '{name}'." for name in unknown]
        if not _number(latency) or latency < 0:
            errors.append("latency_ms must be a number of milliseconds, 0 or more.")
        if limit is not None and (not _number(limit) or int(limit) != limit or limit < 1):
            errors.append("concurrency_limit must be null or a whole number, 1 or more.")
        if not isinstance(faults, list):
            errors.append("faults must be an array.")
        else:
            errors += [e for f in faults for e in fault_errors(f)]
        limiter = self.rate_limiter
        if "rate_limit" in data:
            try:
                limiter = limiter_from_json(data["rate_limit"], self._clock)
            except SandboxError as exc:
                errors += exc.errors or [exc.message]
        if errors:
            raise invalid(*errors)
        with self._lock:
            self.latency_ms, self.concurrency_limit = latency, limit
            self.faults = [dict(f) for f in faults]
            self.rate_limiter = limiter
        with self._slots:
            self._slots.notify_all()

    def add_fault(self, fault: dict[str, Any]) -> None:
        errors = fault_errors(fault)
        if errors:
            raise ValueError("; ".join(errors))
        with self._lock:
            self.faults.append(dict(fault))

    # -- per request --------------------------------------------------------------

    def take_fault(self, kinds: tuple[str, ...], method: str, target: str) -> dict[str, Any] | None:
        """The first fault of one of ``kinds`` matching, with one of its ``times`` used up."""
        with self._lock:
            for fault in self.faults:
                if fault_kind(fault) in kinds and _matches(fault, method, target):
                    self._use(fault)
                    return fault
        return None

    def take_edits(
        self, target: str, single_id: str | None, listed_ids: list[str]
    ) -> list[tuple[str, dict[str, Any]]]:
        """``(document id, fields to set)`` for every edit fault a GET response triggers.

        ``single_id`` is the id of a single-document response; ``listed_ids``
        the ids in a collection response.
        """
        out = []
        with self._lock:
            for fault in list(self.faults):
                if fault_kind(fault) != "edit" or not _matches(fault, "GET", target):
                    continue
                wanted = _get(fault, "id")
                candidates = [single_id] if single_id else listed_ids
                hits = [i for i in candidates if wanted and i.lower() == wanted.lower()]
                if not wanted and single_id:
                    hits = [single_id]
                if hits:
                    self._use(fault)
                    out.append((hits[0], dict(fault["edit"]["set"])))
        return out

    def _use(self, fault: dict[str, Any]) -> None:
        times = fault.get("times", fault.get("edit", {}).get("times", 1))
        if times is None:
            return
        if times <= 1:
            self.faults.remove(fault)
        else:
            fault["times"] = times - 1

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of ``concurrency_limit`` request slots (waiting for one if needed)."""
        with self._slots:
            while self.concurrency_limit and self._active >= self.concurrency_limit:
                self._slots.wait()
            self._active += 1
        try:
            yield
        finally:
            with self._slots:
                self._active -= 1
                self._slots.notify()

    def take_token(self, user: str) -> Headers:
        """Spend one of ``user``'s rate-limit tokens: the advisory headers to send (none
        when requests are not limited), or a 429 ``SandboxError`` when none is left."""
        limiter = self.rate_limiter
        return limiter.take(user) if limiter is not None else []

    def sleep(self) -> None:
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)


def fault_kind(fault: dict[str, Any]) -> str | None:
    if fault.get("drop_connection"):
        return "drop"
    if "edit" in fault:
        return "edit"
    if "status" in fault:
        return "status"
    return None


def fault_errors(fault: Any) -> list[str]:
    if not isinstance(fault, dict):
        return ["Each fault must be a JSON object."]
    kind = fault_kind(fault)
    errors = []
    if kind is None:
        errors.append("A fault needs one of status, drop_connection or edit.")
    if kind == "status" and fault["status"] not in FAULT_STATUSES:
        errors.append(f"A fault status must be one of {FAULT_STATUSES}.")
    if kind == "edit" and not isinstance(fault["edit"], dict):
        errors.append("edit must be an object with set (and optionally id).")
    elif kind == "edit" and not isinstance(fault["edit"].get("set"), dict):
        errors.append("edit.set must be an object of fields to change.")
    retry = fault.get("retry_after")
    if retry is not None and (not _number(retry) or retry < 0):
        errors.append("retry_after must be null or a number of seconds.")
    times = fault.get("times", 1)
    if times is not None and (not isinstance(times, int) or times < 1):
        errors.append("times must be null or a whole number, 1 or more.")
    return errors


def _get(fault: dict[str, Any], key: str) -> Any:
    if key in fault:
        return fault[key]
    edit = fault.get("edit")
    return edit.get(key) if isinstance(edit, dict) else None


def _matches(fault: dict[str, Any], method: str, target: str) -> bool:
    wanted_method = _get(fault, "method")
    if wanted_method and wanted_method.upper() != method:
        return False
    fragment = _get(fault, "path_contains")
    return not fragment or fragment.lower() in target.lower()


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
