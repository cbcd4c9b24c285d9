"""The tenants provider's sandbox area: tenants (REFERENCE §4.1) and, through
``variables``, tenant variables (§4.2, §4.3).

Tenant writes are validated like a real server: tags must exist and belong to
a tenant-scoped tag set; ``ProjectEnvironments`` may only name existing
projects that allow tenanted deployments, and environments in the project's
lifecycle. A PUT replaces ``TenantTags`` and ``ProjectEnvironments`` whole.
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.tenants.sandbox import variables
from octoflow_plugins.tenants.sandbox.seed import seed_demo_tenants
from octoflow_plugins.tenants.sandbox.seed_large import seed_large_tenants

from octoflow.sandbox.area import (
    CIDict,
    Doc,
    Request,
    Resource,
    Router,
    State,
    is_demo,
    is_large,
    missing_tags,
    register,
    register_logo,
    resolve_tags,
    tag_groups,
)

TENANT_QUERY = (
    "{?skip,projectId,name,tags,take,ids,clone,partialName,clonedFromTenantId,isDisabled}"
)


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "Description": None,
        "SpaceId": None,
        "TenantTags": [],
        "ProjectEnvironments": {},
        "ClonedFromTenantId": None,
        "IsDisabled": False,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/tenants/{doc['Id']}"
    return {
        "Self": base,
        "Variables": base + "/variables",
        "CommonVariables": base + "/commonvariables{?includeMissingVariables}",
        "ProjectVariables": base + "/projectvariables{?includeMissingVariables}",
        "Logo": base + "/logo",
        "Web": f"/app#/{doc['SpaceId']}/tenants/{doc['Id']}/overview",
    }


# -- validation ------------------------------------------------------------------------


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    doc["TenantTags"], errors = resolve_tags(req.state, req.space_id, doc["TenantTags"], "Tenant")
    doc["ProjectEnvironments"], problems = connections(
        req.state, req.space_id, doc["ProjectEnvironments"]
    )
    return errors + problems


def connections(state: State, space_id: str, raw: dict[str, Any]) -> tuple[Doc, list[str]]:
    """``ProjectEnvironments`` with real ids and no repeats, and the problems found."""
    out: dict[str, list[str]] = {}
    errors: list[str] = []
    for project_ref, env_refs in raw.items():
        project = state.get("Projects", project_ref)
        if project is None or project["SpaceId"] != space_id:
            errors.append(f"The project '{project_ref}' does not exist in {space_id}.")
            continue
        if project.get("TenantedDeploymentMode") == "Untenanted":
            errors.append(
                f"The project '{project['Name']}' ({project['Id']}) does not allow tenanted "
                "deployments: its TenantedDeploymentMode is Untenanted. Change it to Tenanted "
                "or TenantedOrUntenanted before connecting tenants."
            )
            continue
        if not isinstance(env_refs, list):
            errors.append(f"ProjectEnvironments['{project_ref}'] must be an array of ids.")
            continue
        out[project["Id"]], problems = _environments(state, project, env_refs)
        errors += problems
    return out, errors


def _environments(state: State, project: Doc, env_refs: list[Any]) -> tuple[list[str], list[str]]:
    allowed = state.project_environment_ids(project)
    out: list[str] = []
    errors: list[str] = []
    for ref in env_refs:
        env = state.get("Environments", ref) if isinstance(ref, str) else None
        if env is None or env["SpaceId"] != project["SpaceId"]:
            errors.append(f"The environment '{ref}' does not exist in {project['SpaceId']}.")
        elif env["Id"] not in allowed:
            reachable = [state.require("Environments", i)["Name"] for i in allowed]
            errors.append(
                f"The environment '{env['Name']}' ({env['Id']}) is not in the lifecycle of the "
                f"project '{project['Name']}', which can deploy to: "
                f"{', '.join(reachable) or 'no environments'}."
            )
        elif env["Id"] not in out:
            out.append(env["Id"])
    return out, errors


# -- filters -----------------------------------------------------------------------------


def tenant_filters(req: Request, items: list[Doc]) -> list[Doc]:
    project_id = req.query.get("projectId")
    if project_id:
        lowered = project_id.lower()
        items = [t for t in items if lowered in {p.lower() for p in t["ProjectEnvironments"]}]
    disabled = req.query.bool("isDisabled")
    if disabled is not None:
        items = [t for t in items if bool(t.get("IsDisabled")) == disabled]
    cloned_from = req.query.get("clonedFromTenantId")
    if cloned_from:
        items = [
            t for t in items if (t.get("ClonedFromTenantId") or "").lower() == cloned_from.lower()
        ]
    tags = req.query.getlist("tags")
    if tags:
        matching = _tagged(req.state, tag_groups(req.state, req.space_id, tags))
        items = [t for t in items if t["Id"] in matching]
    return items


def _tagged(state: State, groups: dict[str, list[str]]) -> set[str]:
    """Ids of the tenants with a tag of every group (``missing_tags`` is empty), found
    through an index by tag: a filter over 10,000 tenants reads only those it names."""
    index = tags_index(state)
    per_group = [
        set().union(*(index.ids(tag.lower()) for tag in group)) for group in groups.values()
    ]
    return set.intersection(*per_group) if per_group else set()


def tags_index(state: State) -> Any:
    """Tenants by lower-cased tag (built with the state: ``Router.build_index``)."""
    return state.index("Tenants", "tags", _tag_keys)


def _tag_keys(tenant: Doc) -> set[str]:
    return {tag.lower() for tag in tenant.get("TenantTags") or []}


# -- extra routes ------------------------------------------------------------------------


def tag_test(req: Request) -> dict[str, Any]:
    """``GET /tenants/tag-test?tenantIds=&tags=``: which tenants a tag filter matches."""
    groups = tag_groups(req.state, req.space_id, req.query.getlist("tags"))
    out = {}
    for tenant_id in req.query.getlist("tenantIds"):
        tenant = TENANTS.find(req, tenant_id)
        missing = missing_tags(tenant, groups)
        out[tenant["Id"]] = {
            "IsMatched": not missing,
            "Reason": "Matched" if not missing else "Missing tags: " + ", ".join(missing),
            "MissingTags": missing,
            "IsDisabled": bool(tenant.get("IsDisabled")),
        }
    return out


def status(req: Request) -> dict[str, Any]:
    return {"Enabled": True, "Links": {}}


# -- keeping tenants consistent when other documents change ----------------------------


def forget_environment(req: Request, old: Doc | None, new: Doc | None) -> None:
    if new is not None or old is None:
        return
    for tenant in req.state.values("Tenants", old["SpaceId"]):
        envs = tenant["ProjectEnvironments"]
        if any(old["Id"] in e for e in envs.values()):
            before = dict(tenant)
            tenant["ProjectEnvironments"] = {
                p: [e for e in v if e != old["Id"]] for p, v in envs.items()
            }
            variables.forget_connections(req.state, before, tenant)


def forget_project(req: Request, old: Doc | None, new: Doc | None) -> None:
    if new is not None or old is None:
        return
    for tenant in req.state.values("Tenants", old["SpaceId"]):
        if old["Id"] in tenant["ProjectEnvironments"]:
            before = dict(tenant)
            tenant["ProjectEnvironments"] = {
                p: e for p, e in tenant["ProjectEnvironments"].items() if p != old["Id"]
            }
            variables.forget_connections(req.state, before, tenant)


def follow_tags(req: Request, old: Doc | None, new: Doc | None) -> None:
    """Renamed tags are renamed on tenants; removed tags are removed from them."""
    if old is None:
        return
    renamed = {t["CanonicalTagName"]: None for t in old.get("Tags") or []}
    new_names = {t["Id"]: t["CanonicalTagName"] for t in (new or {}).get("Tags") or []}
    for tag in old.get("Tags") or []:
        renamed[tag["CanonicalTagName"]] = new_names.get(tag["Id"])
    for tenant in req.state.values("Tenants", old["SpaceId"]):
        tags = tenant["TenantTags"]
        if any(t in renamed for t in tags):
            kept = [renamed.get(t, t) for t in tags]
            tenant["TenantTags"] = [t for t in kept if t is not None]
            req.state.put("Tenants", tenant)  # the index by tag sees the change


def after_create(req: Request, doc: Doc) -> None:
    if req.clone_source is not None:
        variables.copy_values(req.state, req.clone_source, doc)


TENANTS = Resource(
    collection="Tenants",
    segment="tenants",
    item_type="Tenant",
    noun="tenant",
    query_template=TENANT_QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    filters=tenant_filters,
    name_contains=True,
    clone_from="ClonedFromTenantId",
    after_create=after_create,
    on_delete=lambda req, doc: variables.forget_tenant(req.state, doc),
    nested_fields=("Clone",),
)


class TenantsArea:
    """Tenants and tenant variables for the sandbox; see the module docstring."""

    name = "tenants"

    def register_routes(self, router: Router) -> None:
        router.space("GET", "/tenants/tag-test", tag_test)
        router.space("GET", "/tenants/status", status)
        register(router, TENANTS)
        register_logo(router, TENANTS)
        variables.register_routes(router)
        router.on_change("Environments", forget_environment)
        router.on_change("Projects", forget_project)
        router.on_change("TagSets", follow_tags)
        router.build_index(tags_index)
        router.link("Tenants", "/tenants{/id}" + TENANT_QUERY)
        router.link("TenantsStatus", "/tenants/status")
        router.link("TenantTagTest", "/tenants/tag-test{?tenantIds,tags}")

    def seed(self, state: State, seed: str) -> None:
        if is_demo(seed):
            seed_demo_tenants(state, TENANTS)
        if is_large(seed):
            seed_large_tenants(state, TENANTS)
