"""The verbs of ``octo.tenants``: each resolves its names once per plan and says, per
tenant, which intents it wants on which document (the tenant, or its variables).

``per_tenant(ctx)`` runs once per statement; what it returns runs once per
selected tenant. A name that does not resolve is a problem on ``ctx`` and the
verb then asks for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import attrs
from octoflow_plugins.tenants import resolve
from octoflow_plugins.tenants.kinds import TENANT, VARIABLES

from octoflow.provider import Intent, PlanContext, Project, Tenant, Verb, lookups

#: One tenant → the intents a verb wants for it, by document kind.
PerTenant = Callable[[Tenant], dict[str, list[Intent]]]


def nothing(tenant: Tenant) -> dict[str, list[Intent]]:
    return {}


def always(kind: str, intent: Intent) -> PerTenant:
    return lambda tenant: {kind: [intent]}


@attrs.frozen
class TenantVerb(Verb):
    def per_tenant(self, ctx: PlanContext) -> PerTenant:
        """Resolve names (problems on ``ctx``); the intents for each tenant."""
        raise NotImplementedError


@attrs.frozen
class Delete(TenantVerb):
    """Planned as whole-document deletes by the selection itself."""

    name: ClassVar[str] = "delete"

    def per_tenant(self, ctx: PlanContext) -> PerTenant:
        return nothing


@attrs.frozen
class AddProject(TenantVerb):
    name: ClassVar[str] = "add_project"
    project: str
    environments: tuple[str, ...] = ()

    def per_tenant(self, ctx: PlanContext) -> PerTenant:
        found = resolve.tenanted_project(ctx, self.project)
        if found is None:
            lookups.environment_ids(ctx, self.environments)  # report bad names now, too
            return nothing
        env_ids = resolve.project_environment_ids(ctx, found, self.environments)
        names = lookups.labels(ctx, env_ids) or "no environments"
        return always(
            TENANT,
            Intent(
                "tenant.connect_project",
                {"project_id": found.id, "environment_ids": env_ids},
                f"connect to {found.name} in {names}",
                f"already connected to {found.name} in {names}",
            ),
        )


@attrs.frozen
class RemoveProject(TenantVerb):
    name: ClassVar[str] = "remove_project"
    project: str

    def per_tenant(self, ctx: PlanContext) -> PerTenant:
        found = ctx.find("projects", Project, self.project, "project")
        if found is None:
            return nothing
        return always(
            TENANT,
            Intent(
                "tenant.disconnect_project",
                {"project_id": found.id},
                f"disconnect from {found.name}",
                f"not connected to {found.name}",
            ),
        )


@attrs.frozen
class AddEnvironments(TenantVerb):
    """Only for tenants already connected to the project."""

    name: ClassVar[str] = "add_environments"
    project: str
    environments: tuple[str, ...]

    def per_tenant(self, ctx: PlanContext) -> PerTenant:
        found = resolve.tenanted_project(ctx, self.project)
        if found is None:
            lookups.environment_ids(ctx, self.environments)
            return nothing
        env_ids = resolve.project_environment_ids(ctx, found, self.environments)
        names = lookups.labels(ctx, env_ids)
        intent = Intent(
            "tenant.connect_project",
            {"project_id": found.id, "environment_ids": env_ids},
            f"add {names} to {found.name}",
            f"already in {names} for {found.name}",
        )
        return lambda t: {TENANT: [intent]} if found.id in t.project_environments else {}


@attrs.frozen
class RemoveEnvironments(TenantVerb):
    name: ClassVar[str] = "remove_environments"
    project: str
    environments: tuple[str, ...]

    def per_tenant(self, ctx: PlanContext) -> PerTenant:
        found = ctx.find("projects", Project, self.project, "project")
        env_ids = lookups.environment_ids(ctx, self.environments)
        if found is None:
            return nothing
        names = lookups.labels(ctx, env_ids)
        return always(
            TENANT,
            Intent(
                "tenant.remove_environments",
                {"project_id": found.id, "environment_ids": env_ids},
                f"remove {names} from {found.name}",
                f"not in {names} for {found.name}",
            ),
        )


@attrs.frozen
class AddTag(TenantVerb):
    name: ClassVar[str] = "add_tag"
    tags: tuple[str, ...]

    def per_tenant(self, ctx: PlanContext) -> PerTenant:
        tags = lookups.canonical_tags(ctx, self.tags)
        shown = ", ".join(tags)
        return always(
            TENANT,
            Intent("tenant.add_tags", {"tags": tags}, f"tag {shown}", f"already tagged {shown}"),
        )


@attrs.frozen
class RemoveTag(TenantVerb):
    name: ClassVar[str] = "remove_tag"
    tags: tuple[str, ...]

    def per_tenant(self, ctx: PlanContext) -> PerTenant:
        tags = lookups.canonical_tags(ctx, self.tags)
        shown = ", ".join(tags)
        return always(
            TENANT,
            Intent("tenant.remove_tags", {"tags": tags}, f"untag {shown}", f"not tagged {shown}"),
        )


@attrs.frozen
class SetVariable(TenantVerb):
    """A common variable (no ``project``) or a project variable in ``environments``
    (default: every environment the tenant is connected to for the project).
    ``value`` ``None`` clears it."""

    name: ClassVar[str] = "set_variable"
    template: str
    value: str | None
    project: str | None = None
    environments: tuple[str, ...] = ()

    def per_tenant(self, ctx: PlanContext) -> PerTenant:
        if self.project is None:
            return self._common(ctx)
        return self._project(ctx, self.project)

    @property
    def shown(self) -> str:
        if self.value is None:
            return f"clear {self.template}"
        return f"{self.template} = {self.value!r}"

    @property
    def verb(self) -> str:
        return "clear" if self.value is None else "set"

    def _common(self, ctx: PlanContext) -> PerTenant:
        found = resolve.common_template(ctx, self.template)
        if found is None:
            return nothing
        lvs_id, template = found
        including = resolve.projects_including(ctx, lvs_id)
        ctx.note(
            f"common variables apply only to tenants connected to a project that "
            f"includes {ctx.labels.get(lvs_id, lvs_id)}; other tenants are skipped"
        )
        args = {"library_variable_set_id": lvs_id, "template_id": template.id, "value": self.value}
        intent = Intent(
            f"tenant_variables.{self.verb}_common", args, self.shown, f"{self.shown}: already so"
        )
        return lambda t: {VARIABLES: [intent]} if including & set(t.project_environments) else {}

    def _project(self, ctx: PlanContext, project_name: str) -> PerTenant:
        project = ctx.find("projects", Project, project_name, "project")
        template = resolve.project_template(ctx, project, self.template) if project else None
        env_ids = lookups.environment_ids(ctx, self.environments)
        if project is None or template is None:
            return nothing

        def per_tenant(tenant: Tenant) -> dict[str, list[Intent]]:
            connected = tenant.project_environments.get(str(project.id))
            if connected is None:
                return {}
            args = {
                "project_id": project.id,
                "environment_ids": env_ids or connected,
                "template_id": template.id,
                "value": self.value,
            }
            summary = f"{self.shown} for {project.name}"
            intent = Intent(
                f"tenant_variables.{self.verb}_project", args, summary, f"{self.shown}: already so"
            )
            return {VARIABLES: [intent]}

        return per_tenant


@attrs.frozen
class ClearVariable(SetVariable):
    name: ClassVar[str] = "clear_variable"
