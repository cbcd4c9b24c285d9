"""Intent functions of the targets provider: small, idempotent document edits.

Each takes a target or worker document (wire format) and the planner's
resolved arguments (ids, canonical names) and changes the document in place.
Roles and tags compare in any case, as Octopus matches them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Doc = dict[str, Any]
Args = Mapping[str, Any]


def _union(existing: list[str], added: list[str]) -> list[str]:
    have = {item.lower() for item in existing}
    return existing + [item for item in added if item.lower() not in have]


def _without(existing: list[str], removed: list[str]) -> list[str]:
    gone = {item.lower() for item in removed}
    return [item for item in existing if item.lower() not in gone]


def _adder(field: str, arg: str, allow_tenants: bool = False) -> Any:
    def intent(doc: Doc, args: Args) -> None:
        doc[field] = _union(list(doc.get(field) or []), list(args[arg]))
        if allow_tenants and doc.get("TenantedDeploymentParticipation") == "Untenanted":
            # An untenanted target ignores its tenants: let it deploy for them too.
            doc["TenantedDeploymentParticipation"] = "TenantedOrUntenanted"

    intent.__name__ = f"add_{arg}"
    return intent


def _remover(field: str, arg: str) -> Any:
    def intent(doc: Doc, args: Args) -> None:
        doc[field] = _without(list(doc.get(field) or []), list(args[arg]))

    intent.__name__ = f"remove_{arg}"
    return intent


def set_fields(doc: Doc, args: Args) -> None:
    """Set top-level fields (``IsDisabled``, ``MachinePolicyId``, a new target's ``Name`` …)."""
    doc.update(args["fields"])


def set_endpoint(doc: Doc, args: Args) -> None:
    """Set fields of the endpoint, keeping the ones not named."""
    endpoint = doc.get("Endpoint")
    doc["Endpoint"] = {**(endpoint if isinstance(endpoint, dict) else {}), **args["fields"]}


INTENTS = {
    "target.add_roles": _adder("Roles", "roles"),
    "target.remove_roles": _remover("Roles", "roles"),
    "target.add_environments": _adder("EnvironmentIds", "environment_ids"),
    "target.remove_environments": _remover("EnvironmentIds", "environment_ids"),
    "target.add_tenants": _adder("TenantIds", "tenant_ids", allow_tenants=True),
    "target.remove_tenants": _remover("TenantIds", "tenant_ids"),
    "target.add_tenant_tags": _adder("TenantTags", "tags", allow_tenants=True),
    "target.remove_tenant_tags": _remover("TenantTags", "tags"),
    "target.set_fields": set_fields,
    "target.set_endpoint": set_endpoint,
    "worker.add_pools": _adder("WorkerPoolIds", "worker_pool_ids"),
    "worker.remove_pools": _remover("WorkerPoolIds", "worker_pool_ids"),
    "worker.set_fields": set_fields,
}
