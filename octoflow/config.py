"""Where the Octopus server is and how to authenticate, from flags and environment.

Reads the same variables as Octopus's own CLI: ``OCTOPUS_URL``,
``OCTOPUS_API_KEY`` (or ``OCTOPUS_ACCESS_TOKEN``) and ``OCTOPUS_SPACE``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from octoflow.errors import UsageError
from octoflow.secrets import register_secret

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


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


@attrs.frozen
class Connection:
    """How to reach one Octopus server. Secrets are excluded from ``repr``."""

    url: str = attrs.field(converter=lambda url: str(url).rstrip("/"))
    api_key: str | None = attrs.field(default=None, repr=False)
    access_token: str | None = attrs.field(default=None, repr=False)
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
        if not url:
            raise UsageError(
                "no Octopus server given: pass --server URL or set OCTOPUS_URL "
                "(or use --sandbox demo to rehearse against the embedded sandbox)"
            )
        if not re.match(r"^https?://", url):
            raise UsageError(f"server URL must start with http:// or https://, not {url!r}")
        api_key = env.get("OCTOPUS_API_KEY") or None
        token = env.get("OCTOPUS_ACCESS_TOKEN") or None
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
