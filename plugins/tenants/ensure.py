"""``octo.tenants.ensure(...)``: a tenant exists, with at least the given tags and projects."""

from __future__ import annotations

import attrs
from octoflow_plugins.tenants import resolve
from octoflow_plugins.tenants.kinds import TENANT

from octoflow.provider import Edit, Intent, PlanContext, Tenant, lookups


@attrs.frozen
class EnsureTenant:
    name: str
    tags: tuple[str, ...] = ()
    description: str | None = None
    projects: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def describe(self) -> str:
        return f"tenants.ensure({self.name!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        intents = self._intents(ctx)
        if ctx.problems:
            return []
        for tenant in ctx.models("tenants", Tenant):
            if tenant.name.lower() == self.name.lower():
                return [
                    Edit(
                        TENANT,
                        tenant.id,
                        tenant.name,
                        ctx.document("tenants", str(tenant.id)),
                        tuple(intents),
                    )
                ]
        body = {
            "Name": self.name,
            "SpaceId": ctx.client.space_id,
            "TenantTags": [],
            "ProjectEnvironments": {},
        }
        create = Intent("tenant.set_fields", {"fields": {"Name": self.name}}, "create tenant")
        return [Edit(TENANT, None, self.name, body, (create, *intents), action="create")]

    def _intents(self, ctx: PlanContext) -> list[Intent]:
        intents = []
        if self.description is not None:
            intents.append(
                Intent(
                    "tenant.set_fields",
                    {"fields": {"Description": self.description}},
                    f"description {self.description!r}",
                    "description already so",
                )
            )
        if self.tags:
            tags = lookups.canonical_tags(ctx, self.tags)
            intents.append(
                Intent(
                    "tenant.add_tags",
                    {"tags": tags},
                    f"tag {', '.join(tags)}",
                    f"already tagged {', '.join(tags)}",
                )
            )
        for project_name, environments in self.projects:
            project = resolve.tenanted_project(ctx, project_name)
            if project is None:
                continue
            env_ids = resolve.project_environment_ids(ctx, project, environments)
            names = lookups.labels(ctx, env_ids)
            intents.append(
                Intent(
                    "tenant.connect_project",
                    {"project_id": project.id, "environment_ids": env_ids},
                    f"connect to {project.name} in {names}",
                    f"already connected to {project.name} in {names}",
                )
            )
        return intents
