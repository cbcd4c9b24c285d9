"""Server profiles: which Octopus Server release the sandbox answers as.

A profile decides which routes exist (a route its server did not have is never
registered, so it answers the router's 404 "no route", or 405 where the path
has other methods) and what the root document reports. ``2020.5`` serves exactly
the routes of that server's Swagger export (``2020.5-routes.txt`` beside this
file); ``2022.3`` and ``2024.1`` serve the current routes less those
:data:`~octoflow.sandbox.profiles.introduced.INTRODUCED` dates later;
``current`` serves everything.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from octoflow.sandbox.profiles.introduced import INTRODUCED, SPACE_REF_FORM
from octoflow.sandbox.profiles.routes import (
    RouteKey,
    legacy_routes,
    normalise,
    relative_key,
    route_key,
    route_keys,
)
from octoflow.serverversions import SANDBOX_PROFILES, at_least

#: The profiles ``--server-version`` offers, oldest first.
PROFILE_NAMES = SANDBOX_PROFILES
#: What the root document's ``Version`` says on each older profile.
_VERSION_STRINGS = {"2020.5": "2020.5.0", "2022.3": "2022.3.0", "2024.1": "2024.1.0"}


@dataclass(frozen=True)
class ServerProfile:
    """One Octopus Server release as the sandbox plays it."""

    name: str
    version: str  # the root document's ``Version``

    @property
    def is_current(self) -> bool:
        return self.name == "current"

    def allows(self, route: object) -> bool:
        """Whether this profile's server had ``route`` (a ``router.Route``)."""
        if self.is_current or getattr(route, "kind", "") == "control":
            return True
        key = route_key(route)
        if key.via_space_ref:
            return self._has(SPACE_REF_FORM) and self.allows_key(key.by_space_id())
        return self.allows_key(key)

    def allows_key(self, key: RouteKey) -> bool:
        if key.legacy in legacy_routes():
            return True
        since = dated_routes().get(relative_key(key))
        return since is not None and self._has(since)

    def _has(self, since: str) -> bool:
        """Whether something introduced in ``since`` exists on this profile's server."""
        return at_least(self.version, since)


@functools.cache
def dated_routes() -> dict[str, str]:
    """:data:`INTRODUCED` with its keys normalised (``GET /tenants/{}``)."""
    return {normalise(route): version for route, version in INTRODUCED.items()}


def server_profile(name: str = "current") -> ServerProfile:
    """The profile called ``name`` (one of :data:`PROFILE_NAMES`); ValueError otherwise."""
    from octoflow.sandbox.core.root import SERVER_VERSION

    if name not in PROFILE_NAMES:
        raise ValueError(f"unknown server version {name!r}; use one of {', '.join(PROFILE_NAMES)}")
    return ServerProfile(name, _VERSION_STRINGS.get(name, SERVER_VERSION))


__all__ = [
    "INTRODUCED",
    "dated_routes",
    "PROFILE_NAMES",
    "RouteKey",
    "ServerProfile",
    "route_keys",
    "server_profile",
]
