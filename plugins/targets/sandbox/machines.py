"""Deployment targets (machines), REFERENCE §5.1, validated like a real server.

A target needs a name, at least one role and at least one environment; its
environments, tenants, tenant tags, machine policy and default worker pool must
exist in its space (tenants are the tenants area's documents, tags those of
tenant-scoped tag sets). ``TenantedDeploymentParticipation`` is one of three
values. Health fields are the server's.
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.targets.sandbox.endpoints import (
    FIELD_NAMES,
    canonical,
    keep_health,
    machine_filters,
    prepare_endpoint,
    server_defaults,
)
from octoflow_plugins.targets.sandbox.policies import check_policy

from octoflow.sandbox.area import (
    CIDict,
    Doc,
    Request,
    Resource,
    State,
    not_found,
    page,
    resolve_tags,
)

MACHINE_QUERY = (
    "{?skip,take,name,ids,partialName,roles,isDisabled,healthStatuses,commStyles,tenantIds,"
    "tenantTags,environmentIds,thumbprint,deploymentId,shellNames,deploymentTargetTypes}"
)
ENVIRONMENT_MACHINES_QUERY = (
    "{?skip,take,partialName,roles,isDisabled,healthStatuses,commStyles,"
    "tenantIds,tenantTags,shellNames}"
)
PARTICIPATION = ("Untenanted", "TenantedOrUntenanted", "Tenanted")


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "SpaceId": None,
        "EnvironmentIds": [],
        "Roles": [],
        "TenantedDeploymentParticipation": "Untenanted",
        "TenantIds": [],
        "TenantTags": [],
        "MachinePolicyId": None,
        "Thumbprint": None,
        "Uri": None,
        "IsDisabled": False,
        **server_defaults(),
        "SkipInitialHealthCheck": False,
        "Endpoint": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/machines/{doc['Id']}"
    return {
        "Self": base,
        "Connection": base + "/connection",
        "TasksTemplate": base + "/tasks{?skip,take}",
        "Web": f"/app#/{doc['SpaceId']}/infrastructure/machines/{doc['Id']}/settings",
    }


# -- validation --------------------------------------------------------------------------


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    state, space_id = req.state, req.space_id
    keep_health(doc, old)
    errors = prepare_endpoint(state, space_id, doc)
    doc["Roles"], problems = roles(doc["Roles"])
    errors += problems
    doc["EnvironmentIds"], problems = existing(
        state, space_id, "Environments", "environment", doc["EnvironmentIds"]
    )
    errors += problems
    if not doc["EnvironmentIds"] and not problems:
        errors.append("A deployment target needs at least one environment (EnvironmentIds).")
    doc["TenantIds"], problems = existing(state, space_id, "Tenants", "tenant", doc["TenantIds"])
    errors += problems
    doc["TenantTags"], problems = resolve_tags(state, space_id, doc["TenantTags"], "Tenant")
    errors += problems
    mode = canonical(doc.get("TenantedDeploymentParticipation") or "Untenanted", PARTICIPATION)
    doc["TenantedDeploymentParticipation"] = mode
    if mode not in PARTICIPATION:
        errors.append(
            f"'{mode}' is not a valid TenantedDeploymentParticipation; "
            f"use one of {', '.join(PARTICIPATION)}."
        )
    return errors + check_policy(state, space_id, doc)


def roles(raw: list[Any]) -> tuple[list[str], list[str]]:
    """Roles without repeats (in any case), and the problems found."""
    out: list[str] = []
    errors: list[str] = []
    for role in raw:
        if not isinstance(role, str) or not role.strip():
            errors.append(f"Roles are non-empty names, not {role!r}.")
        elif role.strip().lower() not in {r.lower() for r in out}:
            out.append(role.strip())
    if not raw:
        errors.append("A deployment target needs at least one role (Roles).")
    return out, errors


def existing(
    state: State, space_id: str, collection: str, noun: str, refs: list[Any]
) -> tuple[list[str], list[str]]:
    """Real ids for ``refs`` (ids in any case), without repeats, and the problems found."""
    out: list[str] = []
    errors: list[str] = []
    for ref in refs:
        doc = state.get(collection, ref) if isinstance(ref, str) else None
        if doc is None or doc.get("SpaceId") != space_id:
            errors.append(f"The {noun} '{ref}' does not exist in {space_id}.")
        elif doc["Id"] not in out:
            out.append(doc["Id"])
    return out, errors


# -- filters ------------------------------------------------------------------------------


def target_filters(req: Request, items: list[Doc]) -> list[Doc]:
    """``roles``, ``environmentIds``, ``tenantIds``, ``tenantTags`` (each: any of them)."""
    for param, field in (
        ("roles", "Roles"),
        ("environmentIds", "EnvironmentIds"),
        ("tenantIds", "TenantIds"),
        ("tenantTags", "TenantTags"),
    ):
        wanted = {v.lower() for v in req.query.getlist(param)}
        if wanted:
            items = [m for m in items if wanted & {v.lower() for v in m.get(field) or []}]
    return machine_filters(req, items)


MACHINES = Resource(
    collection="Machines",
    segment="machines",
    item_type="Machine",
    noun="machine",
    query_template=MACHINE_QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    filters=target_filters,
    nested_fields=FIELD_NAMES,
)


# -- extra routes ---------------------------------------------------------------------


def machine_roles(req: Request) -> list[str]:
    """``GET /machineroles/all``: every role in use in the space, sorted."""
    seen: dict[str, str] = {}
    for machine in MACHINES.items(req):
        for role in machine.get("Roles") or []:
            seen.setdefault(role.lower(), role)
    return sorted(seen.values(), key=str.lower)


def environment_machines(req: Request) -> Doc:
    """``GET /environments/{id}/machines``: the targets of one environment, filtered."""
    env = req.state.get("Environments", req.path_params["id"])
    if env is None or env.get("SpaceId") != req.space_id:
        raise not_found(req.path_params["id"])
    items = [m for m in MACHINES.select(req) if env["Id"] in m.get("EnvironmentIds", [])]
    base = f"/api/{req.space_id}/environments/{env['Id']}/machines"
    return page(req, items, "Machine", base, ENVIRONMENT_MACHINES_QUERY)


def distinct(field: str) -> Any:
    """``/machines/operatingsystem/names/all`` and ``…/shells/all``."""

    def handler(req: Request) -> list[str]:
        values = {m.get(field) for m in MACHINES.items(req)} - {None}
        return sorted(values, key=str.lower)

    return handler
