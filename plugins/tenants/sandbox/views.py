"""Tenant variable documents as the two APIs show them, and the checks on writes.

Pure functions over the state and one tenant's value store (see
``variables``); nothing here changes the state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from octoflow.sandbox.area import BadValue, Doc, State, is_missing, property_value

OWNER = {"common": "LibraryVariableSetId", "project": "ProjectId"}


def owners(state: State, tenant: Doc, kind: str) -> dict[str, Doc]:
    """Who may own values of this tenant, by lower-cased id: connected projects, or
    the library variable sets those projects include."""
    connected = (state.get("Projects", p) for p in tenant["ProjectEnvironments"])
    projects = [p for p in connected if p is not None]
    if kind == "project":
        return {p["Id"].lower(): p for p in projects}
    out: dict[str, Doc] = {}
    for project in projects:
        for set_id in project.get("IncludedLibraryVariableSetIds") or []:
            found = state.get("LibraryVariableSets", set_id)
            if found is not None:
                out.setdefault(set_id.lower(), found)
    return out


def template_of(owner: Doc, template_id: Any) -> Doc | None:
    return next((t for t in owner.get("Templates") or [] if t["Id"] == template_id), None)


def covers(item: Doc, env_id: str) -> bool:
    scope = item["Scope"]["EnvironmentIds"]
    return not scope or env_id in scope


# -- the newer API -------------------------------------------------------------------


def items_document(state: State, tenant: Doc, values: Doc, kind: str, with_missing: bool) -> Doc:
    found = owners(state, tenant, kind)
    items = [_render(item, found, kind) for item in values[_key(kind)]]
    doc: Doc = {
        "TenantId": tenant["Id"],
        "ConcurrencyToken": f"{values['TenantId']}-v{values['Version']}",
        "Variables": [i for i in items if i is not None],
    }
    if with_missing:
        doc["MissingVariables"] = _missing_items(tenant, values, found, kind)
    return doc


def _key(kind: str) -> str:
    return "Common" if kind == "common" else "Project"


def _render(item: Doc, found: dict[str, Doc], kind: str) -> Doc | None:
    owner = found.get(item[OWNER[kind]].lower())
    template = template_of(owner, item["TemplateId"]) if owner else None
    if owner is None or template is None:
        return None
    return {
        "Id": item["Id"],
        **_owner_fields(owner, kind),
        "TemplateId": item["TemplateId"],
        "Template": template,
        "Value": item["Value"],
        "Scope": {"EnvironmentIds": list(item["Scope"]["EnvironmentIds"])},
    }


def _owner_fields(owner: Doc, kind: str) -> Doc:
    if kind == "common":
        return {"LibraryVariableSetId": owner["Id"], "LibraryVariableSetName": owner["Name"]}
    return {"ProjectId": owner["Id"], "ProjectName": owner["Name"]}


def _missing_items(tenant: Doc, values: Doc, found: dict[str, Doc], kind: str) -> list[Doc]:
    """Templates the tenant has no value for (per environment, for projects)."""
    out = []
    for owner in found.values():
        envs = tenant["ProjectEnvironments"].get(owner["Id"], []) if kind == "project" else []
        for template in owner.get("Templates") or []:
            mine = [
                i
                for i in values[_key(kind)]
                if i[OWNER[kind]] == owner["Id"] and i["TemplateId"] == template["Id"]
            ]
            if kind == "common":
                uncovered = [] if mine else [None]
            else:
                uncovered = [e for e in envs if not any(covers(i, e) for i in mine)]
            if uncovered:
                out.append(
                    {
                        **_owner_fields(owner, kind),
                        "TemplateId": template["Id"],
                        "Template": template,
                        "Value": template.get("DefaultValue"),
                        "Scope": {"EnvironmentIds": [e for e in uncovered if e]},
                    }
                )
    return out


def item_problem(
    state: State,
    tenant: Doc,
    found: dict[str, Doc],
    kind: str,
    owner_id: Any,
    template_id: Any,
    scope: Any,
) -> str | None:
    """What is wrong with one written value, or None."""
    if not isinstance(owner_id, str) or not owner_id:
        return f"{OWNER[kind]} (or OwnerId) is required"
    owner = found.get(owner_id.lower())
    if owner is None and kind == "project":
        return f"the tenant is not connected to the project '{owner_id}'"
    if owner is None:
        return (
            f"the library variable set '{owner_id}' is not included by any project "
            "the tenant is connected to"
        )
    if template_of(owner, template_id) is None:
        return f"the template '{template_id}' does not exist on '{owner['Name']}'"
    if not isinstance(scope, list) or not all(isinstance(e, str) for e in scope):
        return "Scope.EnvironmentIds must be an array of environment ids"
    allowed = (
        tenant["ProjectEnvironments"].get(owner["Id"], [])
        if kind == "project"
        else [e["Id"] for e in state.values("Environments", tenant["SpaceId"])]
    )
    outside = [e for e in scope if e not in allowed]
    if outside:
        return (
            f"the environment(s) {', '.join(outside)} are not connected for '{owner['Name']}'"
            if kind == "project"
            else f"the environment(s) {', '.join(outside)} do not exist"
        )
    return None


def overlaps(items: list[Doc], owner_field: str) -> list[str]:
    """Two values of one template that apply to the same environment are a conflict."""
    errors = []
    for n, item in enumerate(items):
        for other in items[n + 1 :]:
            same = (item[owner_field], item["TemplateId"]) == (
                other[owner_field],
                other["TemplateId"],
            )
            a, b = set(item["Scope"]["EnvironmentIds"]), set(other["Scope"]["EnvironmentIds"])
            if same and (not a or not b or a & b):
                errors.append(
                    f"Template {item['TemplateId']} of {item[owner_field]} has more "
                    "than one value for the same environment."
                )
    return errors


def prune(items: list[Doc], connections: dict[str, list[str]]) -> list[Doc]:
    """Project values still reachable through ``connections`` (projectId → envIds)."""
    out = []
    for item in items:
        envs = connections.get(item["ProjectId"])
        if envs is None:
            continue
        scope = item["Scope"]["EnvironmentIds"]
        kept = [e for e in scope if e in envs]
        if scope and not kept:
            continue
        out.append(item if kept == scope else dict(item, Scope={"EnvironmentIds": kept}))
    return out


# -- the legacy document ----------------------------------------------------------


def legacy_document(state: State, tenant: Doc, values: Doc) -> Doc:
    space = tenant["SpaceId"]
    library = {}
    for lvs in owners(state, tenant, "common").values():
        unscoped = {
            i["TemplateId"]: i["Value"]
            for i in values["Common"]
            if i["LibraryVariableSetId"] == lvs["Id"] and not i["Scope"]["EnvironmentIds"]
        }
        library[lvs["Id"]] = {
            "LibraryVariableSetId": lvs["Id"],
            "LibraryVariableSetName": lvs["Name"],
            "Templates": lvs.get("Templates") or [],
            "Variables": unscoped,
            "Links": {"LibraryVariableSet": f"/api/{space}/libraryvariablesets/{lvs['Id']}"},
        }
    projects = {}
    for project in owners(state, tenant, "project").values():
        mine = [i for i in values["Project"] if i["ProjectId"] == project["Id"]]
        by_env = {
            env: {i["TemplateId"]: i["Value"] for i in mine if covers(i, env)}
            for env in tenant["ProjectEnvironments"][project["Id"]]
        }
        projects[project["Id"]] = {
            "ProjectId": project["Id"],
            "ProjectName": project["Name"],
            "Templates": project.get("Templates") or [],
            "Variables": by_env,
            "Links": {"Project": f"/api/{space}/projects/{project['Id']}"},
        }
    return {
        "Id": values["Id"],
        "TenantId": tenant["Id"],
        "TenantName": tenant["Name"],
        "SpaceId": space,
        "ConcurrencyToken": f"{values['TenantId']}-v{values['Version']}",
        "LibraryVariables": library,
        "ProjectVariables": projects,
        "LastModifiedOn": values.get("LastModifiedOn"),
        "LastModifiedBy": values.get("LastModifiedBy"),
        "Links": {
            "Self": f"/api/{space}/tenants/{tenant['Id']}/variables",
            "Tenant": f"/api/{space}/tenants/{tenant['Id']}",
        },
    }


def parse_legacy(
    state: State, tenant: Doc, values: Doc, body: Doc, new_id: Callable[[], str]
) -> tuple[list[Doc], list[Doc], list[str]]:
    """The store's new ``Common`` and ``Project`` items for a legacy PUT, and problems."""
    errors: list[str] = []
    wanted: dict[tuple[str, str, str | None], Any] = {}
    for kind, section in (("common", "LibraryVariables"), ("project", "ProjectVariables")):
        found = owners(state, tenant, kind)
        for owner_ref, entry in (body.get(section) or {}).items():
            for key, raw, env in _legacy_values(entry, kind):
                scope = [env] if env else []
                problem = item_problem(state, tenant, found, kind, owner_ref, key, scope)
                if problem:
                    errors.append(f"{section}['{owner_ref}']: {problem}.")
                    continue
                wanted[(found[owner_ref.lower()]["Id"], key, env)] = raw
    common = [i for i in values["Common"] if i["Scope"]["EnvironmentIds"]]
    project: list[Doc] = []
    for (owner, template_id, env), raw in wanted.items():
        items = common if env is None else project
        field = "LibraryVariableSetId" if env is None else "ProjectId"
        old = next(
            (
                i
                for i in values["Common" if env is None else "Project"]
                if i[field] == owner
                and i["TemplateId"] == template_id
                and (covers(i, env) if env else not i["Scope"]["EnvironmentIds"])
            ),
            None,
        )
        try:
            value = property_value(raw, old["Value"] if old else None)
        except BadValue as exc:
            errors.append(f"The value of template {template_id}: {exc}.")
            continue
        if is_missing(value):
            continue
        same_scope = old is not None and old["Scope"]["EnvironmentIds"] == ([env] if env else [])
        items.append(
            {
                "Id": old["Id"] if old is not None and same_scope else new_id(),
                field: owner,
                "TemplateId": template_id,
                "Value": value,
                "Scope": {"EnvironmentIds": [env] if env else []},
            }
        )
    return common, project, errors


def _legacy_values(entry: Any, kind: str) -> list[tuple[str, Any, str | None]]:
    """``(templateId, value, environmentId or None)`` for one legacy section entry."""
    variables = entry.get("Variables") if isinstance(entry, dict) else None
    if not isinstance(variables, dict):
        return []
    if kind == "common":
        return [(template_id, raw, None) for template_id, raw in variables.items()]
    return [
        (template_id, raw, env)
        for env, by_template in variables.items()
        if isinstance(by_template, dict)
        for template_id, raw in by_template.items()
    ]


# -- required values nobody set (GET /tenants/variables-missing) ---------------------


def missing_variables(
    state: State, tenant: Doc, values: Doc, project_id: str | None, environment_id: str | None
) -> list[Doc]:
    out = []
    for pid, envs in tenant["ProjectEnvironments"].items():
        project = state.get("Projects", pid)
        if project is None or (project_id and pid.lower() != project_id.lower()):
            continue
        sources = [(None, project, values["Project"], "ProjectId", pid)]
        for set_id in project.get("IncludedLibraryVariableSetIds") or []:
            lvs = state.get("LibraryVariableSets", set_id)
            if lvs is not None:
                sources.append((set_id, lvs, values["Common"], "LibraryVariableSetId", set_id))
        for env in envs:
            if environment_id and env.lower() != environment_id.lower():
                continue
            for set_id, owner, items, field, owner_id in sources:
                for template in owner.get("Templates") or []:
                    has_value = any(
                        i[field] == owner_id
                        and i["TemplateId"] == template["Id"]
                        and covers(i, env)
                        and not is_missing(i["Value"])
                        for i in items
                    )
                    if not has_value and is_missing(template.get("DefaultValue")):
                        out.append(
                            {
                                "EnvironmentId": env,
                                "LibraryVariableSetId": set_id,
                                "ProjectId": pid,
                                "VariableTemplateId": template["Id"],
                                "VariableTemplateName": template["Name"],
                                "Links": {},
                            }
                        )
    return out
