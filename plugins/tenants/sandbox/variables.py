"""Tenant variables for the sandbox: one store, two APIs.

Values live in the ``TenantVariables`` collection, one document per tenant
(``tenantvariables-Tenants-1``) holding ``Common`` items (library variable set
templates) and ``Project`` items (project templates), each scoped to
environments (empty = all). The newer ``commonvariables``/``projectvariables``
API (REFERENCE §4.3) reads and replaces those items; the legacy
``/tenants/{id}/variables`` document (§4.2) is a view over the same items.
Every write changes the tenant's ``ConcurrencyToken``; a write that sends a
stale token gets 409.
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.tenants.sandbox import views

from octoflow.sandbox.area import (
    VALUE_FIELDS,
    BadValue,
    Doc,
    Request,
    Router,
    SandboxError,
    State,
    invalid,
    not_found,
    property_value,
)

STORE = "TenantVariables"
ITEM_PREFIX = "TenantVariables"
FIELDS = (
    "TenantId",
    "TenantName",
    "ConcurrencyToken",
    "Variables",
    "MissingVariables",
    "LibraryVariableSetId",
    "LibraryVariableSetName",
    "ProjectId",
    "ProjectName",
    "OwnerId",
    "TemplateId",
    "Template",
    "Scope",
    "EnvironmentIds",
    "LibraryVariables",
    "ProjectVariables",
    *VALUE_FIELDS,
)
KINDS = {"common": ("Common", "LibraryVariableSetId"), "project": ("Project", "ProjectId")}


# -- the store -------------------------------------------------------------------------


def store(state: State, tenant: Doc, create: bool = False) -> Doc:
    """The tenant's variable document; an unsaved empty one unless ``create``."""
    doc_id = f"tenantvariables-{tenant['Id']}"
    found = state.get(STORE, doc_id)
    if found is not None:
        return found
    empty = {
        "Id": doc_id,
        "SpaceId": tenant["SpaceId"],
        "TenantId": tenant["Id"],
        "Version": 1,
        "Common": [],
        "Project": [],
        "LastModifiedOn": tenant.get("LastModifiedOn"),
        "LastModifiedBy": tenant.get("LastModifiedBy"),
    }
    return state.put(STORE, empty) if create else empty


def token(values: Doc) -> str:
    return f"{values['TenantId']}-v{values['Version']}"


def check_token(values: Doc, body: Any) -> None:
    sent = body.get("ConcurrencyToken") if isinstance(body, dict) else None
    if sent and sent != token(values):
        raise SandboxError(
            409,
            f"The variables of tenant {values['TenantId']} were changed by someone else after "
            "you read them (stale ConcurrencyToken). Read them again and reapply your change.",
        )


def bump(state: State, values: Doc) -> None:
    values["Version"] += 1
    state.stamp(values)


def new_item(
    state: State, kind: str, owner: str, template_id: str, value: Any, env_ids: list[str]
) -> Doc:
    owner_field = KINDS[kind][1]
    return {
        "Id": state.next_id(ITEM_PREFIX),
        owner_field: owner,
        "TemplateId": template_id,
        "Value": value,
        "Scope": {"EnvironmentIds": env_ids},
    }


# -- the newer API: /commonvariables and /projectvariables -------------------------------


def read_items(kind: str):
    def handler(req: Request) -> Doc:
        tenant = _tenant(req)
        values = store(req.state, tenant)
        with_missing = req.query.bool("includeMissingVariables") or False
        return views.items_document(req.state, tenant, values, kind, with_missing)

    return handler


def write_items(kind: str):
    def handler(req: Request) -> Doc:
        tenant = _tenant(req)
        body = req.json_object()
        values = store(req.state, tenant, create=True)
        check_token(values, body)
        items = body.get("Variables")
        if not isinstance(items, list):
            raise invalid("Variables must be an array: the complete set of values to keep.")
        replaced = _parse_items(req.state, tenant, values, kind, items)
        values[KINDS[kind][0]] = replaced
        bump(req.state, values)
        return views.items_document(req.state, tenant, values, kind, False)

    return handler


def _parse_items(state: State, tenant: Doc, values: Doc, kind: str, items: list[Any]) -> list[Doc]:
    owners = views.owners(state, tenant, kind)
    existing = {i["Id"]: i for i in values[KINDS[kind][0]]}
    out: list[Doc] = []
    errors: list[str] = []
    for position, raw in enumerate(items, 1):
        if not isinstance(raw, dict):
            errors.append(f"Variable {position} must be an object.")
            continue
        owner_id = raw.get(KINDS[kind][1]) or raw.get("OwnerId")
        template_id = raw.get("TemplateId")
        scope = (raw.get("Scope") or {}).get("EnvironmentIds") or []
        problem = views.item_problem(state, tenant, owners, kind, owner_id, template_id, scope)
        old = existing.get(raw.get("Id") or "")
        try:
            value = property_value(raw.get("Value"), old["Value"] if old else None)
        except BadValue as exc:
            problem = problem or f"the value is not valid: {exc}"
        if problem:
            errors.append(f"Variable {position}: {problem}.")
            continue
        item = new_item(
            state, kind, owners[str(owner_id).lower()]["Id"], str(template_id), value, list(scope)
        )
        if old is not None:
            item["Id"] = old["Id"]
        out.append(item)
    errors += views.overlaps(out, KINDS[kind][1])
    if errors:
        raise invalid(*errors)
    return out


# -- the legacy API: /tenants/{id}/variables and /tenantvariables/all -------------------


def read_legacy(req: Request) -> Doc:
    tenant = _tenant(req)
    return views.legacy_document(req.state, tenant, store(req.state, tenant))


def write_legacy(req: Request) -> Doc:
    tenant = _tenant(req)
    body = req.json_object()
    values = store(req.state, tenant, create=True)
    check_token(values, body)
    common, project, errors = views.parse_legacy(req.state, tenant, values, body, _new_id(req))
    if errors:
        raise invalid(*errors)
    values["Common"], values["Project"] = common, project
    bump(req.state, values)
    return views.legacy_document(req.state, tenant, values)


def _new_id(req: Request):
    return lambda: req.state.next_id(ITEM_PREFIX)


def all_legacy(req: Request) -> list[Doc]:
    project_id = req.query.get("projectId")
    tenants = sorted(req.state.values("Tenants", req.space_id), key=lambda t: t["Id"])
    if project_id:
        tenants = [t for t in tenants if project_id in t["ProjectEnvironments"]]
    return [views.legacy_document(req.state, t, store(req.state, t)) for t in tenants]


def variables_missing(req: Request) -> list[Doc]:
    q = req.query
    tenants = sorted(req.state.values("Tenants", req.space_id), key=lambda t: t["Name"].lower())
    tenant_id = (q.get("tenantId") or "").lower()
    if tenant_id:
        tenants = [t for t in tenants if t["Id"].lower() == tenant_id]
    details = q.bool("includeDetails") or False
    out = []
    for tenant in tenants:
        missing = views.missing_variables(
            req.state, tenant, store(req.state, tenant), q.get("projectId"), q.get("environmentId")
        )
        if missing:
            out.append(
                {
                    "TenantId": tenant["Id"],
                    "MissingVariables": missing if details else [],
                    "Links": {"Tenant": tenant["Links"]["Self"]},
                }
            )
    return out


# -- keeping values consistent ---------------------------------------------------------


def forget_connections(state: State, old: Doc, new: Doc) -> None:
    """Drop a tenant's project values for disconnected projects and environments."""
    values = state.get(STORE, f"tenantvariables-{new['Id']}")
    if values is None:
        return
    kept = views.prune(values["Project"], new["ProjectEnvironments"])
    if kept != values["Project"]:
        values["Project"] = kept
        bump(state, values)


def forget_tenant(state: State, tenant: Doc) -> None:
    state.remove(STORE, f"tenantvariables-{tenant['Id']}")


def copy_values(state: State, source: Doc, tenant: Doc) -> None:
    """A cloned tenant starts with the source's values (as new items)."""
    original = store(state, source)
    values = store(state, tenant, create=True)
    for kind in ("Common", "Project"):
        values[kind] = [dict(item, Id=state.next_id(ITEM_PREFIX)) for item in original[kind]]
    values["Project"] = views.prune(values["Project"], tenant["ProjectEnvironments"])


def on_tenant_change(req: Request, old: Doc | None, new: Doc | None) -> None:
    if old is not None and new is not None:
        forget_connections(req.state, old, new)


def _tenant(req: Request) -> Doc:
    tenant = req.state.get("Tenants", req.path_params["id"])
    if tenant is None or tenant["SpaceId"] != req.space_id:
        raise not_found(req.path_params["id"])
    return tenant


def register_routes(router: Router) -> None:
    for kind in KINDS:
        path = f"/tenants/{{id}}/{kind}variables"
        router.space("GET", path, read_items(kind))
        router.space("PUT", path, write_items(kind))
        router.space("POST", path, write_items(kind))
    router.space("GET", "/tenants/{id}/variables", read_legacy)
    router.space("PUT", "/tenants/{id}/variables", write_legacy)
    router.space("POST", "/tenants/{id}/variables", write_legacy)
    router.space("GET", "/tenantvariables/all", all_legacy)
    router.space("GET", "/tenants/variables-missing", variables_missing)
    router.on_change("Tenants", on_tenant_change)
    router.add_field_names(FIELDS)
    router.link("TenantVariables", "/tenantvariables/all{?projectId}")
    router.link(
        "TenantsMissingVariables",
        "/tenants/variables-missing{?tenantId,projectId,environmentId,includeDetails}",
    )
