"""What a freeze covers: the names in ``ensure`` resolved to ids in the current space.

Projects and tenants are names, ``"*"`` (every one), or another provider's selection
taken by contract (``octo.tenants.where(tag="Region/EU")``: any selection of the
``tenants`` collection, through ``select(ctx)``). A name that does not resolve is a
problem on the plan (with close matches) and planning goes on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from octoflow.provider import (
    Environment,
    PlanContext,
    Project,
    Selection,
    Tenant,
    is_everything,
    lookups,
)

Names = tuple[str, ...]
#: Projects or tenants as ``ensure`` keeps them: names, or a selection.
Chosen = Names | Selection


def environment_ids(ctx: PlanContext, names: Names) -> list[str]:
    if is_everything(names):
        chosen = ctx.models("environments", Environment)
        for environment in chosen:
            ctx.label(environment)
        return [str(e.id) for e in chosen]
    return lookups.environment_ids(ctx, names)


def projects(ctx: PlanContext, chosen: Chosen | None) -> list[Project]:
    """``None`` or ``"*"``: every project of the space."""
    found = _chosen(ctx, chosen, "projects", Project, "project")
    for project in found:
        ctx.label(project)
    return found


def tenants(ctx: PlanContext, chosen: Chosen) -> list[Tenant]:
    found = _chosen(ctx, chosen, "tenants", Tenant, "tenant")
    for tenant in found:
        ctx.label(tenant)
    return found


def project_scope(projects: Iterable[Project], environment_ids: list[str]) -> dict[str, list[str]]:
    """``ProjectEnvironmentScope``: each project frozen in every environment named."""
    return {str(p.id): list(environment_ids) for p in projects}


def tenant_scope(
    tenants: Iterable[Tenant], projects: Iterable[Project], environment_ids: list[str]
) -> list[list[str]]:
    """``TenantProjectEnvironmentScope`` entries: each tenant, in each of the projects it
    is connected to, in the environments named that it is connected to them in."""
    project_ids = [str(p.id) for p in projects]
    entries = []
    for tenant in tenants:
        for project_id in project_ids:
            connected = tenant.project_environments.get(project_id) or []
            entries += [[str(tenant.id), project_id, e] for e in environment_ids if e in connected]
    return entries


def _chosen(ctx: PlanContext, chosen: Chosen | None, collection: str, cls: Any, what: str) -> list:
    if isinstance(chosen, Selection):
        if chosen.collection != collection:
            ctx.problem(
                f"{chosen.describe()} selects {chosen.collection}, not {collection}",
                f"pass {collection} names or octo.{collection}.where(...)",
            )
            return []
        return list(chosen.select(ctx))
    if chosen is None or is_everything(chosen):
        return list(ctx.models(collection, cls))
    return lookups.named(ctx, collection, cls, chosen, what)
