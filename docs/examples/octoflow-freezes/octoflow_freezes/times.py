"""Moments as people write them and as the server sends them back.

A freeze's ``Start`` and ``End`` are compared as moments, never as text: the server
may answer ``2026-12-20T00:00:00.000+00:00`` for the ``2026-12-20T00:00:00Z`` we sent,
and that is no change.
"""

from __future__ import annotations

import datetime as dt
import re

from octoflow.provider import UsageError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def moment(value: str | dt.datetime, what: str) -> dt.datetime:
    """An aware date-time from an ISO 8601 text with an offset (``Z`` for UTC), a date
    (midnight UTC) or an aware ``datetime``; anything else is a ``UsageError``."""
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = str(value).strip()
        if not text:
            raise UsageError(f"{what} is empty: give an ISO 8601 date-time, e.g. 2026-12-20T00:00Z")
        if _DATE.match(text):
            text += "T00:00:00+00:00"
        try:
            parsed = dt.datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", text))
        except ValueError:
            raise UsageError(
                f"{what} {text!r} is not an ISO 8601 date-time (e.g. 2026-12-20T18:00:00+01:00)"
            ) from None
    if parsed.tzinfo is None:
        raise UsageError(
            f"{what} {value!s} has no offset: add Z for UTC or one such as +01:00, so the "
            "freeze starts when you mean wherever octoflow runs"
        )
    return parsed


def wire(at: dt.datetime) -> str:
    """The text sent to the server (the offset the user gave is kept)."""
    return at.isoformat(timespec="seconds")


def read(text: str | None) -> dt.datetime | None:
    """A moment the server sent; ``None`` when there is none or it cannot be read."""
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", str(text)))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def same(sent: str | None, wanted: str) -> bool:
    """Whether the server's text and ours are the same moment."""
    return read(sent) == read(wanted)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
