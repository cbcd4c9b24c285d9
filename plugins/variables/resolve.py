"""Resolving the names in variable statements: the owner of a set and scopes.

Every failure is recorded as a problem on the plan context (with close
matches) and resolution goes on, so one plan reports every bad name at once. A
scope's ``targets`` may name a target a ``octo.targets.ensure(...)`` in the
same plan creates: its id is then a reference apply fills in once the target
exists, and the variable set is written after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from octoflow.provider import (
    Channel,
    Ensure,
    LibraryVariableSet,
    Named,
    PlanContext,
    Project,
    created_ref,
    lookups,
    unknown_name_message,
)

#: DSL scope keyword → (Octopus scope field, what one item is called).
SCOPES = {
    "environments": ("Environment", "environment"),
    "roles": ("Role", "role"),
    "targets": ("Machine", "target"),
    "tenants": ("Tenant", "tenant"),
    "tenant_tags": ("TenantTag", "tenant tag"),
    "channels": ("Channel", "channel"),
}
KINDS = {"project": ("projects", Project), "library": ("libraryvariablesets", LibraryVariableSet)}
WHAT = {"project": "project", "library": "library variable set"}


@attrs.frozen
class Owner:
    """A project or library variable set, and its variable set's id."""

    kind: str  # "project" | "library"
    id: str
    name: str
    set_id: str


@attrs.frozen
class Scope:
    """A resolved scope: ids per Octopus scope field, how to show it, and the keys of
    edits creating what it refers to."""

    ids: dict[str, list[str]]
    text: str
    after: tuple[str, ...] = ()


def owner(ctx: PlanContext, kind: str, name: str) -> Owner | None:
    collection, model = KINDS[kind]
    found = ctx.find(collection, model, name, WHAT[kind])
    if found is None or not found.id:
        return None
    set_id = ctx.document(collection, found.id).get("VariableSetId")
    if not set_id:
        ctx.problem(f"{WHAT[kind]} {found.name!r} has no variable set (VariableSetId)")
        return None
    return Owner(kind, found.id, found.name, str(set_id))


def scope(
    ctx: PlanContext, where: Owner | None, spec: Sequence[tuple[str, Sequence[Any]]]
) -> Scope:
    """Ids for every name in ``spec`` (``(keyword, items)`` pairs); ``where`` is None when
    the owner did not resolve (its problem is recorded already)."""
    ids: dict[str, list[str]] = {}
    after: list[str] = []
    shown: list[str] = []
    for keyword, items in spec:
        field, noun = SCOPES[keyword]
        if keyword == "targets":
            found, needs = _targets(ctx, items)
            after += needs
        elif keyword == "channels":
            found = _channels(ctx, where, items)
        else:
            found = _RESOLVERS[keyword](ctx, [str(i) for i in items])
        if found:
            ids[field] = found
            shown.append(f"{noun} " + ", ".join(ctx.labels.get(i, i) for i in found))
    text = "[" + ("; ".join(shown) if shown else "unscoped") + "]"
    return Scope(ids, text, tuple(after))


def _targets(ctx: PlanContext, items: Iterable[Any]) -> tuple[list[str], list[str]]:
    """Target ids; a target an ``ensure`` creates in this plan becomes a reference."""
    ids, after = [], []
    machines = {m.name.lower(): m for m in ctx.models("machines", Named)}
    for item in items:
        if not isinstance(item, Ensure):
            target = ctx.find("machines", Named, str(item), "target")
            if target is not None and target.id:
                ids.append(target.id)
            continue
        existing = machines.get(item.name.lower())
        if existing is not None and existing.id:
            ctx.label(existing)
            ids.append(existing.id)
            continue
        key = item.created_key
        ref = created_ref(key)
        ctx.labels[ref] = f"{item.name} (new)"
        ids.append(ref)
        after.append(key)
    return ids, after


def _channels(ctx: PlanContext, where: Owner | None, names: Iterable[Any]) -> list[str]:
    if where is None:
        return []
    if where.kind != "project":
        ctx.problem(
            f"library variable set {where.name!r} cannot scope variables to channels",
            "channels belong to projects: scope the project's own variables instead",
        )
        return []
    channels = [c for c in ctx.models("channels", Channel) if c.project_id == where.id]
    ids = []
    for name in names:
        wanted = str(name).strip().lower()
        found = next(
            (c for c in channels if wanted in (c.name.lower(), (c.id or "").lower())), None
        )
        if found is None or not found.id:
            known = [c.name for c in channels]
            ctx.problem(
                unknown_name_message("channel", str(name), known),
                f"scopes name channels of project {where.name!r}",
            )
            continue
        ctx.label(found)
        ids.append(found.id)
    return ids


_RESOLVERS = {
    "environments": lookups.environment_ids,
    "roles": lookups.existing_roles,
    "tenants": lookups.tenant_ids,
    "tenant_tags": lookups.canonical_tags,
}
