"""Resolving the names in tenant statements: tags, projects, environments, templates.

Every failure is recorded as a problem on the plan context (with close matches)
and resolution goes on, so one plan reports every bad name at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from octoflow.models import (
    Environment,
    LibraryVariableSet,
    Lifecycle,
    Project,
    TagSet,
    VariableTemplate,
)
from octoflow.plan.context import PlanContext
from octoflow.registry import unknown_name_message


def canonical_tags(ctx: PlanContext, names: Iterable[str]) -> list[str]:
    """Canonical ``Set/Tag`` names as the server spells them, for tenant-scoped sets."""
    by_name: dict[str, tuple[TagSet, str]] = {}
    for tag_set in ctx.models("tagsets", TagSet):
        for tag in tag_set.tags:
            canonical = tag.canonical_tag_name or f"{tag_set.name}/{tag.name}"
            by_name[canonical.lower()] = (tag_set, canonical)
    found = []
    for name in names:
        if "/" not in name:
            ctx.problem(
                f"tag {name!r} is not a canonical tag name",
                "write it as TagSet/Tag, e.g. Region/EU",
            )
            continue
        hit = by_name.get(name.strip().lower())
        if hit is None:
            ctx.problem(unknown_name_message("tag", name, [c for _, c in by_name.values()]))
        elif not hit[0].scoped_to_tenants:
            ctx.problem(
                f"tag {hit[1]!r} belongs to tag set {hit[0].name!r}, which is not "
                "available to tenants",
                "add the Tenant scope to the tag set first",
            )
        else:
            found.append(hit[1])
    return found


def environment_ids(ctx: PlanContext, names: Sequence[str]) -> list[str]:
    ids = []
    for name in names:
        env = ctx.find("environments", Environment, name, "environment")
        if env is not None and env.id:
            ids.append(env.id)
    return ids


def tenanted_project(ctx: PlanContext, name: str) -> Project | None:
    """The project, if it exists and accepts tenants (else a problem is recorded)."""
    project = ctx.find("projects", Project, name, "project")
    if project is not None and not project.allows_tenants:
        ctx.problem(
            f"project {project.name!r} does not allow tenanted deployments "
            f"(TenantedDeploymentMode is {project.tenanted_deployment_mode})",
            "enable tenanted deployments in the project's settings first",
        )
        return None
    return project


def lifecycle_environment_ids(ctx: PlanContext, project: Project) -> list[str]:
    """Environments a project's lifecycle reaches (all of them when it has no phases)."""
    environments = ctx.models("environments", Environment)
    for env in environments:
        ctx.label(env)
    all_ids = [str(e.id) for e in environments]
    for lifecycle in ctx.models("lifecycles", Lifecycle):
        if lifecycle.id == project.lifecycle_id:
            return lifecycle.environment_ids(all_ids)
    return all_ids


def project_environment_ids(ctx: PlanContext, project: Project, names: Sequence[str]) -> list[str]:
    """Environment ids for ``names``, checked against the project's lifecycle.

    No names means every environment the lifecycle reaches.
    """
    allowed = lifecycle_environment_ids(ctx, project)
    if not names:
        return allowed
    ids = environment_ids(ctx, names)
    outside = [ctx.labels.get(i, i) for i in ids if i not in allowed]
    if outside:
        ctx.problem(
            f"environment(s) {', '.join(outside)} are not in the lifecycle of project "
            f"{project.name!r}",
            "choose from " + ", ".join(ctx.labels.get(i, i) for i in allowed),
        )
        return []
    return ids


def common_template(ctx: PlanContext, name: str) -> tuple[str, VariableTemplate] | None:
    """``(library variable set id, template)`` for a common-variable template name."""
    for lvs in ctx.models("libraryvariablesets", LibraryVariableSet):
        for template in lvs.templates:
            if template.name.lower() == name.lower() and lvs.id:
                ctx.label(lvs)
                ctx.label(template)
                return lvs.id, _usable(ctx, template)
    known = [
        t.name
        for lvs in ctx.models("libraryvariablesets", LibraryVariableSet)
        for t in lvs.templates
    ]
    ctx.problem(unknown_name_message("common variable template", name, known))
    return None


def project_template(ctx: PlanContext, project: Project, name: str) -> VariableTemplate | None:
    for template in project.templates:
        if template.name.lower() == name.lower():
            ctx.label(template)
            return _usable(ctx, template)
    ctx.problem(
        unknown_name_message(
            f"variable template of project {project.name!r}",
            name,
            [t.name for t in project.templates],
        )
    )
    return None


def projects_including(ctx: PlanContext, library_variable_set_id: str) -> set[str]:
    """Ids of the projects that include a library variable set."""
    return {
        str(p.id)
        for p in ctx.models("projects", Project)
        if library_variable_set_id in p.included_library_variable_set_ids
    }


def _usable(ctx: PlanContext, template: VariableTemplate) -> VariableTemplate:
    if template.is_sensitive:
        ctx.problem(
            f"variable template {template.name!r} is sensitive",
            "octoflow does not set sensitive tenant variables yet",
        )
    return template
