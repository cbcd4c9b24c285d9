"""Credentials kept out of the request log.

The log keeps what a request asked for, never a key or password it carried:
the value of a query parameter whose name says it holds a credential
(``apikey``, ``ApiKey``, ``api_key``, ``password``, ``token``, ``secret``…, in
any case and however percent-encoded) is masked, and so is any path segment or
query value holding one of the sandbox's own keys or anything shaped like an
Octopus API key. Headers and bodies are never logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote_plus

from octoflow.secrets import redact

MASK = "********"
_CREDENTIAL_NAME = re.compile(
    r"key|pass|pwd|secret|token|auth|credential|session|cookie|signature", re.IGNORECASE
)


def redact_path(path: str, keys: Iterable[str]) -> str:
    """``path`` with every segment that holds a key masked."""
    known = tuple(keys)
    if not _holds_key(path, known):  # the usual case: one test, not one per segment
        return path
    return "/".join(MASK if _holds_key(part, known) else part for part in path.split("/"))


def redact_query(query: str, keys: Iterable[str]) -> str:
    """``query`` (as sent) with credentials masked; everything else is kept as sent."""
    known = tuple(keys)
    plain = unquote_plus(query)
    if not (_CREDENTIAL_NAME.search(plain) or _holds_key(plain, known)):
        return query  # nothing in any part: each is a piece of the whole
    out = []
    for pair in query.split("&"):
        name, equals, value = pair.partition("=")
        plain_name = unquote_plus(name)
        if _holds_key(plain_name, known):
            name = MASK
        if value and (
            _CREDENTIAL_NAME.search(plain_name) or _holds_key(unquote_plus(value), known)
        ):
            value = MASK
        out.append(name + equals + value)
    return "&".join(out)


def _holds_key(text: str, keys: tuple[str, ...]) -> bool:
    return any(key and key in text for key in keys) or redact(text) != text
