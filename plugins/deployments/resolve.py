"""Names in deployment statements → documents: projects, channels, environments,
releases and tenants. A name that does not resolve becomes a plan problem with
close matches, and planning goes on, so one plan reports every bad name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeGuard

from octoflow.provider import (
    NotFoundError,
    PlanContext,
    Project,
    Selection,
    Tenant,
    lookups,
    unknown_name_message,
)

Doc = dict[str, Any]
ProjectsArg = str | Iterable[str] | Selection


def projects(ctx: PlanContext, selected: ProjectsArg) -> list[Project]:
    """Projects named (``"A, B"`` or a list) or selected (``octo.projects.where(…)``,
    any selection of the ``projects`` collection)."""
    if _is_projects(selected):
        return list(selected.select(ctx))
    return lookups.projects(ctx, selected)


def described(projects: ProjectsArg) -> str:
    """Projects as a statement shows them: names, or the selection's own description."""
    if isinstance(projects, Selection):
        return projects.describe()
    return repr(projects if isinstance(projects, str) else ", ".join(projects))


def _is_projects(selected: Any) -> TypeGuard[Selection]:
    return isinstance(selected, Selection) and selected.collection == "projects"


def project_documents(ctx: PlanContext) -> dict[str, Doc]:
    return {p["Id"]: p for p in ctx.documents("projects")}


def channel(ctx: PlanContext, project: Project, name: str | None) -> Doc | None:
    """The project's channel called ``name``, or its default channel when ``name`` is empty."""
    channels = [c for c in ctx.documents("channels") if c.get("ProjectId") == project.id]
    if name:
        for c in channels:
            if name.lower() in (str(c["Name"]).lower(), str(c["Id"]).lower()):
                return c
        ctx.problem(
            unknown_name_message(
                f"channel of {project.name!r}", name, [c["Name"] for c in channels]
            )
        )
        return None
    default = [c for c in channels if c.get("IsDefault")] or (
        channels if len(channels) == 1 else []
    )
    if not default:
        ctx.problem(
            f"project {project.name!r} has several channels and none is the default",
            "name one with channel=…: " + ", ".join(c["Name"] for c in channels),
        )
        return None
    return default[0]


def release(
    ctx: PlanContext, project: Project, version: str, channel_doc: Doc | None
) -> Doc | None:
    """The project's release ``version``; ``latest`` means the newest (in the channel if given)."""
    if version.lower() == "latest":
        path = (
            f"channels/{channel_doc['Id']}/releases"
            if channel_doc
            else f"projects/{project.id}/releases"
        )
        items = ctx.get(path, {"take": 1}).get("Items") or []
        if not items:
            where = f" in channel {channel_doc['Name']!r}" if channel_doc else ""
            ctx.problem(f"project {project.name!r} has no releases{where}", "create one first")
            return None
        return dict(items[0])
    try:
        return dict(ctx.get(f"projects/{project.id}/releases/{version}"))
    except NotFoundError:
        recent = ctx.get(f"projects/{project.id}/releases", {"take": 30}).get("Items") or []
        ctx.problem(
            unknown_name_message(
                f"release of {project.name!r}", version, [r["Version"] for r in recent]
            )
        )
        return None


def existing_release(ctx: PlanContext, project: Project, version: str) -> Doc | None:
    try:
        return dict(ctx.get(f"projects/{project.id}/releases/{version}"))
    except NotFoundError:
        return None


def tenants(ctx: PlanContext, selected: Any) -> list[Tenant] | None:
    """Tenants named or selected (``octo.tenants.where(tag=…)``, any selection of the
    ``tenants`` collection); ``None``: untenanted."""
    if selected is None or selected == "" or selected == ():
        return None
    if isinstance(selected, Selection) and selected.collection == "tenants":
        return list(selected.select(ctx))
    return lookups.named(ctx, "tenants", Tenant, selected, "tenant")
