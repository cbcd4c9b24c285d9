"""The root document ``GET /api`` and space roots ``GET /api/{spaceId}`` (REFERENCE §1.2-1.3)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from octoflow.sandbox.errors import SandboxError, not_found
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router

#: The server version the sandbox reports: a modern 3-part Octopus version.
SERVER_VERSION = "2026.3.12345"
API_VERSION = "3.0.0"
#: Fixed, so dumps and recordings are stable; derived from a name, not a real installation.
INSTALLATION_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://sandbox.octoflow.invalid/"))


def space_links(req: Request, space_id: str) -> dict[str, str]:
    return {
        name: f"/api/{space_id}{template}"
        for name, (template, scoped) in _served_links(req.sandbox.router)
        if scoped
    }


def root(req: Request) -> dict[str, Any]:
    space_id = req.state.default_space_id() or "Spaces-1"
    links: dict[str, str] = {"Self": "/api"}
    for name, (template, scoped) in _served_links(req.sandbox.router):
        links[name] = f"/api/{space_id}{template}" if scoped else f"/api{template}"
    links["SpaceHome"] = "/api/{spaceId}"
    links["Web"] = "/app"
    return {
        "Application": "Octopus Deploy",
        "Version": req.sandbox.profile.version,
        "ApiVersion": API_VERSION,
        "InstallationId": INSTALLATION_ID,
        "HasLongTermSupport": False,
        "IsEarlyAccessProgram": False,
        "Links": links,
    }


def space_root(req: Request) -> dict[str, Any]:
    space = req.state.get("Spaces", req.path_params["spaceId"])
    if space is None:
        raise not_found(req.path_params["spaceId"])
    links = {"Self": f"/api/{space['Id']}", **space_links(req, space["Id"])}
    return {"Id": None, "LastModifiedOn": None, "LastModifiedBy": None, "Links": links}


def _served_links(router: Router) -> list[tuple[str, tuple[str, bool]]]:
    """The links whose routes the server being played has (an older profile has fewer)."""
    return [(name, link) for name, link in sorted(router.links.items()) if _served(router, *link)]


def _served(router: Router, template: str, scoped: bool) -> bool:
    """Whether a route answers the link's path, or its path with an id (``{/id}``)."""
    bare = re.sub(r"\{\?[^}]*\}", "", template)  # without the query part
    forms = (re.sub(r"\{/[^}]*\}", "", bare), re.sub(r"\{/[^}]*\}", "/x", bare))
    prefix = "/api/Spaces-1" if scoped else "/api"
    return any(_has_path(router, prefix + re.sub(r"\{[^}]*\}", "x", form)) for form in forms)


def _has_path(router: Router, path: str) -> bool:
    """Whether some route, for any method, answers ``path``."""
    try:
        router.match("GET", path)
    except SandboxError as exc:
        return exc.status == 405
    return True


def capabilities(req: Request) -> dict[str, Any]:
    """``GET /api/capabilities`` (server 2022.3 and later): the request and command types
    the server handles. api-client.ts asks for a name before using a newer API and, on
    any error here, decides the server is older than 2022.3."""
    return {"Capabilities": sorted(req.sandbox.router.capabilities)}


def register_routes(router: Router) -> None:
    router.system("GET", "", root)
    router.system("GET", "/capabilities", capabilities)
    router.capability("GetAllSpacesRequest")
    router.system("GET", "/{spaceId:Spaces-\\d+}", space_root)
