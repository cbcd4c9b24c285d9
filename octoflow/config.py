"""Where the Octopus server is and how to authenticate, from flags and environment.

Reads the same variables as Octopus's own CLI: ``OCTOPUS_URL``,
``OCTOPUS_API_KEY`` (or ``OCTOPUS_ACCESS_TOKEN``) and ``OCTOPUS_SPACE``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import attrs

from octoflow.errors import UsageError
from octoflow.secrets import register_secret

log = logging.getLogger("octoflow")

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
_EXAMPLE = "write it like https://octopus.example.com"
#: ``scheme://user:password@`` at the start of a URL.
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


def parse_bool(value: str | bool, name: str) -> bool:
    """Strict boolean parsing: ``maybe`` is an error, not ``True``."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise UsageError(f"{name} must be true or false, not {value!r}")


def server_url(url: str) -> str:
    """The server's base URL as octoflow uses and shows it, or a :class:`UsageError`.

    Surrounding whitespace and an upper-case scheme are normalised, and a trailing
    ``/api`` (pasted from the browser) is dropped. A user name and password are
    dropped too: octoflow authenticates with an API key or access token only, so
    they were never sent; the password is registered as a secret all the same.
    """
    text = str(url).strip()
    shown = _USERINFO.sub(r"\1", text)
    if re.search(r"\s", text):
        raise UsageError(f"server URL {shown!r} has a space or line break inside; {_EXAMPLE}")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise UsageError(f"server URL {shown!r} is not a valid URL; {_EXAMPLE}") from None
    if parts.password:
        register_secret(parts.password)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or "://" not in text:
        raise UsageError(f"server URL must start with http:// or https://, not {shown!r}")
    if not parts.hostname:
        raise UsageError(f"server URL {shown!r} has no host name; {_EXAMPLE}")
    if parts.query or parts.fragment:
        raise UsageError(
            f"server URL {shown!r} must be the server's address alone, without a ?query "
            f"or #fragment; {_EXAMPLE}"
        )
    if parts.username or parts.password:
        log.warning(
            "the user name and password in the server URL are ignored: octoflow signs in "
            "with OCTOPUS_API_KEY (or OCTOPUS_ACCESS_TOKEN) only"
        )
    path = parts.path.rstrip("/")
    if path.lower().endswith("/api"):
        path = path[: -len("/api")]
    return f"{scheme}://{parts.netloc.rpartition('@')[2]}{path}"


def _credential(value: str | None) -> str | None:
    """A key or token without the surrounding whitespace (``$(cat keyfile)`` keeps a
    newline); one with whitespace inside cannot be sent in a header."""
    if value is None:
        return None
    value = value.strip()
    if re.search(r"\s", value):
        raise UsageError(
            "the API key (or access token) has a space or line break inside it; "
            "check OCTOPUS_API_KEY (or OCTOPUS_ACCESS_TOKEN) holds the key alone"
        )
    return value or None


@attrs.frozen
class Connection:
    """How to reach one Octopus server. Secrets are excluded from ``repr``."""

    url: str = attrs.field(converter=server_url)
    api_key: str | None = attrs.field(default=None, repr=False, converter=_credential)
    access_token: str | None = attrs.field(default=None, repr=False, converter=_credential)
    space: str | None = None
    verify_tls: bool = True

    def __attrs_post_init__(self) -> None:
        register_secret(self.api_key)
        register_secret(self.access_token)

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str],
        url: str | None = None,
        space: str | None = None,
        verify_tls: bool = True,
    ) -> Connection:
        """Flags win over environment variables; a missing URL or key is a usage error."""
        url = url or env.get("OCTOPUS_URL")
        if not url or not url.strip():
            raise UsageError(
                "no Octopus server given: pass --server URL or set OCTOPUS_URL "
                "(or use --sandbox demo to rehearse against the embedded sandbox)"
            )
        url = server_url(url)
        api_key = _credential(env.get("OCTOPUS_API_KEY"))
        token = _credential(env.get("OCTOPUS_ACCESS_TOKEN"))
        if not api_key and not token:
            raise UsageError(
                "no credentials: set OCTOPUS_API_KEY (or OCTOPUS_ACCESS_TOKEN) in the "
                "environment; octoflow does not take keys on the command line"
            )
        return cls(
            url=url,
            api_key=api_key,
            access_token=None if api_key else token,
            space=space or env.get("OCTOPUS_SPACE") or None,
            verify_tls=verify_tls,
        )
