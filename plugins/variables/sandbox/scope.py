"""Scopes of variables in the sandbox: what a set may be scoped to (``ScopeValues``)
and whether the ids a variable is scoped to exist.

``ScopeValues`` is computed on every read from the space as it is then: its
environments (in sort order), deployment targets, the roles they have, tenant
tags, and for a project's set its channels, the actions of its deployment
process and its processes (the deployment process and each runbook).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from octoflow.sandbox.area import Doc, State

#: Every scope field of VariableResource.Scope (schema-definitions), in a stable order.
SCOPE_FIELDS = (
    "Environment",
    "Machine",
    "Role",
    "TargetRole",
    "Action",
    "Channel",
    "TenantTag",
    "Tenant",
    "ProcessOwner",
    "Project",
    "User",
    "Trigger",
    "ParentDeployment",
    "Private",
)
#: Scope fields whose values must name something that exists, with what to call it.
CHECKED = {
    "Environment": "environment",
    "Machine": "deployment target",
    "Tenant": "tenant",
    "Channel": "channel",
    "TenantTag": "tenant tag",
}


def _items(docs: Iterable[Doc]) -> list[dict[str, Any]]:
    return [{"Id": d["Id"], "Name": d.get("Name")} for d in docs]


def _named(state: State, collection: str, space: str) -> list[Doc]:
    return sorted(state.values(collection, space), key=lambda d: (d.get("Name") or "").lower())


def tenant_tags(state: State, space: str) -> list[str]:
    """Canonical names of the tags of tag sets available to tenants, in sort order."""
    tags = []
    sets = sorted(state.values("TagSets", space), key=lambda s: s.get("SortOrder") or 0)
    for tag_set in sets:
        scopes = tag_set.get("Scopes")
        if scopes is not None and "Tenant" not in scopes:
            continue
        for tag in tag_set.get("Tags") or []:
            tags.append(tag.get("CanonicalTagName") or f"{tag_set['Name']}/{tag['Name']}")
    return tags


def _project_parts(state: State, project: Doc) -> dict[str, list[dict[str, Any]]]:
    space = project["SpaceId"]
    channels = [c for c in _named(state, "Channels", space) if c.get("ProjectId") == project["Id"]]
    process = state.get("DeploymentProcesses", project.get("DeploymentProcessId"))
    actions = [a for step in (process or {}).get("Steps") or [] for a in step.get("Actions") or []]
    runbooks = [r for r in _named(state, "Runbooks", space) if r.get("ProjectId") == project["Id"]]
    processes = [{"ProcessType": "Deployment", "Id": project["Id"], "Name": project["Name"]}]
    processes += [{"ProcessType": "Runbook", "Id": r["Id"], "Name": r["Name"]} for r in runbooks]
    return {"Actions": _items(actions), "Channels": _items(channels), "Processes": processes}


def scope_values(state: State, space: str, owner: Doc | None) -> dict[str, Any]:
    """What a variable of this set may be scoped to, as ``VariableScopeValues``."""
    machines = _named(state, "Machines", space)
    roles = sorted({r for m in machines for r in m.get("Roles") or []}, key=str.lower)
    values: dict[str, Any] = {
        "Environments": _items(state.environments_in_order(space)),
        "Machines": _items(machines),
        "Roles": [{"Id": r, "Name": r} for r in roles],
        "TenantTags": [{"Id": t, "Name": t} for t in tenant_tags(state, space)],
        "Actions": [],
        "Channels": [],
        "Processes": [],
    }
    if owner is not None and owner["Id"].startswith("Projects-"):
        values.update(_project_parts(state, owner))
    return values


def known_ids(state: State, space: str, owner: Doc) -> dict[str, set[str]]:
    """Per checked scope field, the lower-cased ids a variable of ``owner``'s set may name."""

    def ids(collection: str, keep: Callable[[Doc], bool] = lambda d: True) -> set[str]:
        return {d["Id"].lower() for d in state.values(collection, space) if keep(d)}

    return {
        "Environment": ids("Environments"),
        "Machine": ids("Machines"),
        "Tenant": ids("Tenants"),
        "Channel": ids("Channels", lambda c: c.get("ProjectId") == owner["Id"]),
        "TenantTag": {t.lower() for t in tenant_tags(state, space)},
    }


def unknown_scope_errors(name: str, scope: dict[str, list[str]], known: dict[str, set[str]],
                         space: str) -> list[str]:  # fmt: skip
    """A message naming every scoped id that does not exist (or, for channels, is not the
    project's)."""
    errors = []
    for field, noun in CHECKED.items():
        for value in scope.get(field, []):
            if value.lower() in known[field]:
                continue
            where = f"does not exist in {space}"
            if field == "Channel":
                where = "is not a channel of this project"
            errors.append(f"The variable '{name}' is scoped to {noun} '{value}', which {where}.")
    return errors
