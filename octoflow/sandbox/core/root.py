"""The root document ``GET /api`` and space roots ``GET /api/{spaceId}`` (REFERENCE §1.2-1.3)."""

from __future__ import annotations

import uuid
from typing import Any

from octoflow.sandbox.errors import not_found
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
        for name, (template, scoped) in req.sandbox.router.served_links()
        if scoped
    }


def root(req: Request) -> dict[str, Any]:
    space_id = req.state.default_space_id() or "Spaces-1"
    links: dict[str, str] = {"Self": "/api"}
    for name, (template, scoped) in req.sandbox.router.served_links():
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
