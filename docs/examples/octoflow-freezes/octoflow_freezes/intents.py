"""Intent functions: small, idempotent edits of one DeploymentFreeze document.

Moments are compared as moments (``times.same``), so a server that spells ``Start``
differently from what was sent is no change, and a second plan is empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octoflow_freezes import times

Doc = dict[str, Any]
Args = Mapping[str, Any]
SCOPE = "ProjectEnvironmentScope"
TENANT_SCOPE = "TenantProjectEnvironmentScope"
TRIPLE = ("TenantId", "ProjectId", "EnvironmentId")


def set_window(doc: Doc, args: Args) -> None:
    """``Start`` and ``End`` are these moments."""
    for field, value in (("Start", args["start"]), ("End", args["end"])):
        if not times.same(doc.get(field), value):
            doc[field] = value


def set_description(doc: Doc, args: Args) -> None:
    doc["Description"] = args["description"]


def cover_projects(doc: Doc, args: Args) -> None:
    """Add environments to the projects' scope (environments already there stay)."""
    scope = doc.get(SCOPE) or {}
    for project_id, environment_ids in args["scope"].items():
        have = list(scope.get(project_id) or [])
        scope[project_id] = have + [e for e in environment_ids if e not in have]
    doc[SCOPE] = scope


def cover_tenants(doc: Doc, args: Args) -> None:
    """Add tenant/project/environment entries that are not in the scope yet."""
    entries = list(doc.get(TENANT_SCOPE) or [])
    have = {tuple(e.get(k) for k in TRIPLE) for e in entries}
    for triple in args["scope"]:
        if tuple(triple) not in have:
            entries.append(dict(zip(TRIPLE, triple, strict=True)))
            have.add(tuple(triple))
    doc[TENANT_SCOPE] = entries


def end(doc: Doc, args: Args) -> None:
    """The freeze ends at ``at`` at the latest (one that ended earlier is left alone)."""
    ends = times.read(doc.get("End"))
    at = times.read(args["at"])
    if ends is None or (at is not None and ends > at):
        doc["End"] = args["at"]


INTENTS = {
    "freeze.set_window": set_window,
    "freeze.set_description": set_description,
    "freeze.cover_projects": cover_projects,
    "freeze.cover_tenants": cover_tenants,
    "freeze.end": end,
}
