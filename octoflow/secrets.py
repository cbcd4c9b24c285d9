"""Keeping API keys out of everything octoflow writes.

Keys travel only in request headers. As a second line of defence every text
octoflow prints, logs or saves goes through :func:`redact`, which masks the
secrets registered with :func:`register_secret` and anything shaped like an
Octopus API key.
"""

from __future__ import annotations

import os
import re
import threading

from octoflow.errors import UsageError

MASK = "API-********"
_API_KEY_SHAPE = re.compile(r"API-[A-Za-z0-9]{16,}")
_lock = threading.Lock()
_secrets: set[str] = set()
#: What an environment variable's name may be (secrets are read from one at apply).
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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


def is_env_name(value: object) -> bool:
    """Whether ``value`` can name an environment variable (letters, digits, ``_``)."""
    return isinstance(value, str) and _ENV_NAME.fullmatch(value) is not None


def secret_from_env(env: str, holds: str) -> str:
    """The value of ``$env``, read right before a write and masked from then on.

    :param holds: what the variable holds, for the UsageError raised when it is unset
        (``"the secret Password"``).
    """
    value = os.environ.get(env, "")
    if not value:
        raise UsageError(
            f"${env} is not set: it holds {holds}; set it where octoflow applies the plan"
        )
    register_secret(value)
    return value
