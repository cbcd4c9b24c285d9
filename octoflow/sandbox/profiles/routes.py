"""Routes as comparable keys: ``METHOD /path`` with every parameter written ``{}``.

A route's *legacy* key is its whole path (``GET /api/{}/tenants/{}``), the form
the 2020.5 Swagger export lists; its *relative* key leaves out ``/api`` and the
space (``GET /tenants/{}``), the form :data:`~.introduced.INTRODUCED` dates.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

_PARAM = re.compile(r"\{[^}]*\}")
#: Leading segments of a space-scoped route reached as ``/api/spaces/{ref}/…``.
_SPACE_REF_PREFIX = ("api", "spaces", "{}")

#: Routes the 2020.5 server answered that its Swagger export leaves out, each with the evidence.
SWAGGER_OMISSIONS = frozenset(
    {
        # The space root document: the 2020.4.0 root (tests/data/octopus-api/samples/
        # api-root.2020.4.0.response.json) advertises it as "SpaceHome": "/api/{spaceId}".
        "GET /api/{}",
    }
)


def normalise(text: str) -> str:
    """``"get /api/{baseSpaceId}/Tenants/{id}"`` → ``"GET /api/{}/tenants/{}"``."""
    method, _, path = text.strip().partition(" ")
    parts = [p for p in _PARAM.sub("{}", path.strip().lower()).split("/") if p]
    return f"{method.upper()} /{'/'.join(parts)}"


@dataclass(frozen=True)
class RouteKey:
    method: str
    parts: tuple[str, ...]  # every segment, parameters as "{}"
    prefix_length: int  # the segments naming /api and the space

    @property
    def legacy(self) -> str:
        return f"{self.method} /{'/'.join(self.parts)}"

    @property
    def via_space_ref(self) -> bool:
        return self.prefix_length == 3 and self.parts[:3] == _SPACE_REF_PREFIX

    def by_space_id(self) -> RouteKey:
        """The same route reached as ``/api/{spaceId}/…``."""
        return RouteKey(self.method, ("api", "{}", *self.parts[3:]), 2)

    def __str__(self) -> str:
        return self.legacy


def route_key(route: Any) -> RouteKey:
    """The key of a ``router.Route``."""
    parts = tuple("{}" if s.literal is None else s.literal for s in route.segments)
    return RouteKey(route.method, parts, route.prefix_length)


def relative_key(key: RouteKey) -> str:
    """``GET /tenants/{}`` for ``GET /api/{}/tenants/{}``, ``/api/tenants/{}`` and
    ``/api/spaces/{}/tenants/{}``."""
    return f"{key.method} /{'/'.join(key.parts[key.prefix_length :])}"


def route_keys(router: Any) -> list[RouteKey]:
    """The keys of every API route ``router`` registers (control routes left out)."""
    return [route_key(r) for r in router.routes() if r.kind != "control"]


@functools.cache
def legacy_routes() -> frozenset[str]:
    """The 2020.5 server's routes: its Swagger export plus :data:`SWAGGER_OMISSIONS`."""
    text = resources.files(__package__).joinpath("2020.5-routes.txt").read_text("utf-8")
    lines = (line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return frozenset(normalise(line) for line in lines) | SWAGGER_OMISSIONS
