"""Channels (REFERENCE §6.4). Every project has exactly one default channel."""

from __future__ import annotations

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.core.tagsets import resolve_tags
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

RULE_FIELDS = ("VersionRange", "Tag", "ActionPackages", "DeploymentAction", "PackageReference")


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "Description": "",
        "ProjectId": None,
        "LifecycleId": None,
        "IsDefault": False,
        "SpaceId": None,
        "TenantTags": [],
        "Rules": [],
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    space = doc["SpaceId"]
    return {
        "Self": f"/api/{space}/channels/{doc['Id']}",
        "Releases": f"/api/{space}/channels/{doc['Id']}/releases{{?skip,take,searchByVersion}}",
        "Project": f"/api/{space}/projects/{doc['ProjectId']}",
    }


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    doc["TenantTags"], errors = resolve_tags(req.state, req.space_id, doc["TenantTags"], "Tenant")
    return errors


def validate(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    errors = []
    project = req.state.get("Projects", doc.get("ProjectId"))
    if project is None or project["SpaceId"] != req.space_id:
        errors.append(f"The project '{doc.get('ProjectId')}' does not exist in {req.space_id}.")
    lifecycle_id = doc.get("LifecycleId")
    if lifecycle_id and req.state.get("Lifecycles", lifecycle_id) is None:
        errors.append(f"The lifecycle '{lifecycle_id}' does not exist.")
    if old is not None and old["ProjectId"] != doc.get("ProjectId"):
        errors.append("A channel cannot be moved to another project.")
    return errors


def keep_one_default(req: Request, old: Doc | None, new: Doc | None) -> None:
    """A channel made default takes the flag from its project's other channels."""
    if new is None or not new.get("IsDefault"):
        return
    for channel in req.state.values("Channels", new["SpaceId"]):
        if channel["ProjectId"] == new["ProjectId"] and channel["Id"] != new["Id"]:
            channel["IsDefault"] = False


def create_default_channel(state: State, project: Doc) -> Doc:
    return CHANNELS.insert(
        state,
        project["SpaceId"],
        {"Name": "Default", "ProjectId": project["Id"], "IsDefault": True},
    )


CHANNELS = Resource(
    collection="Channels",
    segment="channels",
    item_type="Channel",
    noun="channel",
    query_template="{?skip,take,ids,partialName}",
    defaults=defaults,
    links=links,
    prepare=prepare,
    validate=validate,
    name_scope=lambda d: (d.get("SpaceId"), d.get("ProjectId")),
    nested_fields=RULE_FIELDS,
)


def register_routes(router: Router) -> None:
    register(router, CHANNELS)
    router.on_change("Channels", keep_one_default)
    router.link("Channels", "/channels{/id}{?skip,take,ids,partialName}")
