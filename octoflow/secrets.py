"""Keeping API keys out of everything octoflow writes.

Keys travel only in request headers. As a second line of defence every text
octoflow prints, logs or saves goes through :func:`redact`, which masks the
secrets registered with :func:`register_secret` and anything shaped like an
Octopus API key.
"""

from __future__ import annotations

import re
import threading

MASK = "API-********"
_API_KEY_SHAPE = re.compile(r"API-[A-Za-z0-9]{16,}")
_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret so :func:`redact` masks it wherever it appears."""
    if value and len(value) >= 8:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with every registered secret and API-key-shaped token masked."""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, MASK)
    return _API_KEY_SHAPE.sub(MASK, text)
