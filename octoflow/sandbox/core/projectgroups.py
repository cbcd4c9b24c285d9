"""Project groups (REFERENCE §6.2)."""

from __future__ import annotations

from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.paging import by_name, page
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "Description": "",
        "EnvironmentIds": [],
        "RetentionPolicyId": None,
        "SpaceId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/projectgroups/{doc['Id']}"
    return {
        "Self": base,
        "Projects": base + "/projects{?skip,take}",
        "Web": f"/app#/{doc['SpaceId']}/projects?projectGroupId={doc['Id']}",
    }


def members(req: Request, group: Doc) -> list[Doc]:
    found = [
        p
        for p in req.state.values("Projects", group["SpaceId"])
        if p.get("ProjectGroupId") == group["Id"]
    ]
    return sorted(found, key=by_name)


def delete_errors(req: Request, doc: Doc) -> list[str]:
    if members(req, doc):
        return [
            f"The project group '{doc['Name']}' still contains projects; move or delete them first."
        ]
    return []


def projects(req: Request) -> dict:
    group = PROJECT_GROUPS.find(req, req.path_params["id"])
    base = f"/api/{req.space_id}/projectgroups/{group['Id']}/projects"
    return page(req, members(req, group), "Project", base, "{?skip,take}")


PROJECT_GROUPS = Resource(
    collection="ProjectGroups",
    segment="projectgroups",
    item_type="ProjectGroup",
    noun="project group",
    query_template="{?skip,take,ids,partialName}",
    defaults=defaults,
    links=links,
    delete_errors=delete_errors,
)


def register_routes(router: Router) -> None:
    register(router, PROJECT_GROUPS)
    router.space("GET", "/projectgroups/{id}/projects", projects)
    router.link("ProjectGroups", "/projectgroups{/id}{?skip,take,ids,partialName}")
