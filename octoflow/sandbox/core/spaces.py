"""Spaces (REFERENCE §1.4). A new space starts like a fresh server's default space."""

from __future__ import annotations

from octoflow.sandbox.core.lifecycles import LIFECYCLES, retention
from octoflow.sandbox.core.logos import register_logo
from octoflow.sandbox.core.projectgroups import PROJECT_GROUPS
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "Description": None,
        "IsDefault": False,
        "SpaceManagersTeams": [],
        "SpaceManagersTeamMembers": [],
        "TaskQueueStopped": False,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    return {
        "Self": f"/api/spaces/{doc['Id']}",
        "SpaceHome": f"/api/{doc['Id']}",
        "Logo": f"/api/spaces/{doc['Id']}/logo",
        "Web": f"/app#/{doc['Id']}",
    }


def validate(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    if old is not None and old.get("IsDefault") and not doc.get("IsDefault"):
        return ["There must be a default space: make another space the default instead."]
    return []


def furnish_space(state: State, space_id: str) -> None:
    """What every new space has: a default project group and a default lifecycle."""
    PROJECT_GROUPS.insert(state, space_id, {"Name": "Default Project Group"})
    LIFECYCLES.insert(
        state,
        space_id,
        {
            "Name": "Default Lifecycle",
            "ReleaseRetentionPolicy": retention(0),
            "TentacleRetentionPolicy": retention(0),
        },
    )


def keep_one_default(req: Request, old: Doc | None, new: Doc | None) -> None:
    if new is None or not new.get("IsDefault"):
        return
    for space in req.state.values("Spaces"):
        if space["Id"] != new["Id"]:
            space["IsDefault"] = False


def delete_errors(req: Request, doc: Doc) -> list[str]:
    if doc.get("IsDefault"):
        return ["The default space cannot be deleted."]
    return []


def remove_contents(req: Request, doc: Doc) -> None:
    """Deleting a space deletes every document in it."""
    for name in list(req.state.collections):
        for item in req.state.values(name, doc["Id"]):
            req.state.remove(name, item["Id"])


SPACES = Resource(
    collection="Spaces",
    segment="spaces",
    item_type="Space",
    noun="space",
    query_template="{?name,skip,ids,take,partialName}",
    defaults=defaults,
    links=links,
    validate=validate,
    space_scoped=False,
    after_create=lambda req, doc: furnish_space(req.state, doc["Id"]),
    delete_errors=delete_errors,
    on_delete=remove_contents,
)


def register_routes(router: Router) -> None:
    register(router, SPACES)
    register_logo(router, SPACES)
    router.on_change("Spaces", keep_one_default)
    router.link("Spaces", "/spaces{/id}{?name,skip,ids,take,partialName}", space_scoped=False)
