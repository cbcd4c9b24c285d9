"""What the connected Octopus server can do, read from its root document (``GET /api``).

Providers ask ``has(feature)`` (a name from ``octoflow.serverversions.FEATURES``) before
using something newer than the oldest release octoflow supports, and the plan says
which release it needs when the server is older (``PlanContext.require``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from octoflow.serverversions import FEATURES, at_least, parse_version


@attrs.frozen
class ServerCapabilities:
    """The server's version and root links."""

    version: str
    links: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def from_root(cls, root: Mapping[str, Any]) -> ServerCapabilities:
        return cls(str(root.get("Version") or ""), dict(root.get("Links") or {}))

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return parse_version(self.version)

    def at_least(self, minimum: str) -> bool:
        """Whether the server is ``minimum`` (``"2022.3"``) or newer. A version that is
        not a release number (a development build) counts as new enough."""
        return not self.version_tuple or at_least(self.version, minimum)

    def has(self, feature: str) -> bool:
        """Whether the server has ``feature``, a key of ``FEATURES``."""
        return self.at_least(needed_for(feature))

    def has_link(self, name: str) -> bool:
        return name in self.links

    def missing(self, feature: str, what: str = "") -> str | None:
        """Why ``what`` (default: the feature) cannot be done here, or None when it can."""
        if self.has(feature):
            return None
        subject = what or f"the {feature}"
        return (
            f"{subject} needs Octopus {needed_for(feature)} or newer ({feature}); "
            f"this server is {self.version}"
        )


def needed_for(feature: str) -> str:
    """The release that brought ``feature``; KeyError naming the known ones otherwise."""
    try:
        return FEATURES[feature]
    except KeyError:
        known = ", ".join(sorted(FEATURES))
        raise KeyError(f"unknown server feature {feature!r}; known: {known}") from None
