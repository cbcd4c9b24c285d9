"""Resolving the names in tenant statements: tags, projects, environments, templates.

Every failure is recorded as a problem on the plan context (with close matches)
and resolution goes on, so one plan reports every bad name at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from octoflow.provider import (
    LibraryVariableSet,
    PlanContext,
    Project,
    VariableTemplate,
    lookups,
    unknown_name_message,
)


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


def project_environment_ids(ctx: PlanContext, project: Project, names: Sequence[str]) -> list[str]:
    """Environment ids for ``names``, checked against the project's lifecycle.

    No names means every environment the lifecycle reaches.
    """
    allowed = lookups.lifecycle_environment_ids(ctx, project)
    if not names:
        return allowed
    ids = lookups.environment_ids(ctx, names)
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
