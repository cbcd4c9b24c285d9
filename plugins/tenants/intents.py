"""Intent functions of the tenants provider: small, idempotent document edits.

Each takes the document (a dict in wire format) and the planner's resolved
arguments, and changes the document in place. Applying one twice changes
nothing the second time; the planner and apply both replay them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Doc = dict[str, Any]
Args = Mapping[str, Any]


def _union(existing: list[str], added: list[str]) -> list[str]:
    return existing + [item for item in added if item not in existing]


# -- Tenant documents ----------------------------------------------------------


def connect_project(doc: Doc, args: Args) -> None:
    """Connect to a project, adding environments to any already connected."""
    envs = doc.setdefault("ProjectEnvironments", {})
    envs[args["project_id"]] = _union(
        list(envs.get(args["project_id"], [])), args["environment_ids"]
    )


def disconnect_project(doc: Doc, args: Args) -> None:
    doc.setdefault("ProjectEnvironments", {}).pop(args["project_id"], None)


def remove_environments(doc: Doc, args: Args) -> None:
    envs = doc.setdefault("ProjectEnvironments", {})
    if args["project_id"] in envs:
        gone = set(args["environment_ids"])
        envs[args["project_id"]] = [e for e in envs[args["project_id"]] if e not in gone]


def add_tags(doc: Doc, args: Args) -> None:
    doc["TenantTags"] = _union(list(doc.get("TenantTags") or []), args["tags"])


def remove_tags(doc: Doc, args: Args) -> None:
    gone = {t.lower() for t in args["tags"]}
    doc["TenantTags"] = [t for t in doc.get("TenantTags") or [] if t.lower() not in gone]


def set_fields(doc: Doc, args: Args) -> None:
    """Set top-level fields, e.g. a new tenant's ``Name`` or a ``Description``."""
    doc.update(args["fields"])


# -- Tenant variable documents (/tenants/{id}/variables) -----------------------


def set_common_variable(doc: Doc, args: Args) -> None:
    entry = doc.setdefault("LibraryVariables", {}).setdefault(
        args["library_variable_set_id"],
        {"LibraryVariableSetId": args["library_variable_set_id"], "Variables": {}},
    )
    _set_value(entry.setdefault("Variables", {}), args["template_id"], args["value"])


def clear_common_variable(doc: Doc, args: Args) -> None:
    entry = doc.get("LibraryVariables", {}).get(args["library_variable_set_id"])
    if entry:
        entry.get("Variables", {}).pop(args["template_id"], None)


def set_project_variable(doc: Doc, args: Args) -> None:
    entry = doc.setdefault("ProjectVariables", {}).setdefault(
        args["project_id"], {"ProjectId": args["project_id"], "Variables": {}}
    )
    per_env = entry.setdefault("Variables", {})
    for env_id in args["environment_ids"]:
        _set_value(per_env.setdefault(env_id, {}), args["template_id"], args["value"])


def clear_project_variable(doc: Doc, args: Args) -> None:
    entry = doc.get("ProjectVariables", {}).get(args["project_id"])
    if entry:
        for env_id in args["environment_ids"]:
            entry.get("Variables", {}).get(env_id, {}).pop(args["template_id"], None)


def _set_value(values: Doc, template_id: str, value: str) -> None:
    values[template_id] = value


INTENTS = {
    "tenant.connect_project": connect_project,
    "tenant.disconnect_project": disconnect_project,
    "tenant.remove_environments": remove_environments,
    "tenant.add_tags": add_tags,
    "tenant.remove_tags": remove_tags,
    "tenant.set_fields": set_fields,
    "tenant_variables.set_common": set_common_variable,
    "tenant_variables.clear_common": clear_common_variable,
    "tenant_variables.set_project": set_project_variable,
    "tenant_variables.clear_project": clear_project_variable,
}
