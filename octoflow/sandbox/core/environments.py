"""Environments (REFERENCE §5.2)."""

from __future__ import annotations

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.core.ordering import next_sort_order, register_sort_order
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.paging import page
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router

MACHINES_QUERY = (
    "{?skip,take,partialName,roles,isDisabled,healthStatuses,commStyles,"
    "tenantIds,tenantTags,shellNames}"
)


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "Description": "",
        "SortOrder": 0,
        "UseGuidedFailure": False,
        "AllowDynamicInfrastructure": False,
        "SpaceId": None,
        "ExtensionSettings": [],
        "EnvironmentTags": [],
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/environments/{doc['Id']}"
    return {
        "Self": base,
        "Machines": base + "/machines" + MACHINES_QUERY,
        "SinglyScopedVariableDetails": base + "/singlyScopedVariableDetails",
        "Metadata": base + "/metadata",
        "Web": f"/app#/{doc['SpaceId']}/infrastructure/environments/{doc['Id']}",
    }


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> None:
    if old is None and "SortOrder" not in body:
        doc["SortOrder"] = next_sort_order(req.state, "Environments", req.space_id)


def forget_environment(req: Request, doc: Doc) -> None:
    """A deleted environment leaves every lifecycle phase of its space."""
    for lifecycle in req.state.values("Lifecycles", doc["SpaceId"]):
        for phase in lifecycle.get("Phases") or []:
            for key in ("AutomaticDeploymentTargets", "OptionalDeploymentTargets"):
                targets = phase.get(key) or []
                if doc["Id"] in targets:
                    phase[key] = [t for t in targets if t != doc["Id"]]


def machines(req: Request) -> dict:
    """Deployment targets of an environment; the targets area replaces this route."""
    env = ENVIRONMENTS.find(req, req.path_params["id"])
    base = f"/api/{req.space_id}/environments/{env['Id']}/machines"
    return page(req, [], "Machine", base, MACHINES_QUERY)


def environments_v2(req: Request) -> dict:
    """``GET /environments/v2{?ids,partialName,type,skip,take}`` (newer servers; api-client.ts
    ``EnvironmentV2Repository``): environments with a ``Type``. The sandbox's are all
    ``Static``; it has no parent or ephemeral environments."""
    wanted = {t.lower() for t in req.query.getlist("type")}
    items = [] if wanted and "static" not in wanted else ENVIRONMENTS.select(req)
    docs = [{**doc, "Type": "Static"} for doc in items]
    base = f"/api/{req.space_id}/environments/v2"
    return page(req, docs, "Environment", base, "{?ids,partialName,type,skip,take}")


def metadata(req: Request) -> list:
    """Custom settings metadata from extensions (DeploymentEnvironmentSettingsMetadata[]);
    empty, as the sandbox has none (UNCONFIRMED for a real server without extensions)."""
    ENVIRONMENTS.find(req, req.path_params["id"])
    return []


ENVIRONMENTS = Resource(
    collection="Environments",
    segment="environments",
    item_type="Environment",
    noun="environment",
    query_template="{?name,skip,ids,take,partialName}",
    defaults=defaults,
    links=links,
    prepare=prepare,
    on_delete=forget_environment,
    sort_key=lambda d: (d.get("SortOrder") or 0, (d.get("Name") or "").lower()),
)


def register_routes(router: Router) -> None:
    register_sort_order(router, "/environments/sortorder", "Environments")
    router.space("GET", "/environments/v2", environments_v2)
    register(router, ENVIRONMENTS)
    router.space("GET", "/environments/{id}/machines", machines)
    router.space("GET", "/environments/{id}/metadata", metadata)
    router.link("Environments", "/environments{/id}{?name,skip,ids,take,partialName}")
    router.link("EnvironmentSortOrder", "/environments/sortorder")
