"""``octo.deployments.promote``: what is in one environment and not yet in the next, deployed.

Example::

    octo.deployments.promote("Test", "Staging", projects=octo.projects.where(group="Apps"))

For every selected project (all by default) and, for tenanted projects, every
tenant, the release *successfully* current in ``from_env`` is deployed to
``to_env`` unless it is already current (or being deployed) there. Releases
whose lifecycle does not allow ``to_env`` next (it is not in the lifecycle, or
an earlier phase is incomplete) stay, and a note in the plan names them. One
dashboard read answers "what is where" for every project; the plan names
each release and where it goes before anything runs.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from octoflow_plugins.deployments import resolve
from octoflow_plugins.deployments.deploy import Dashboard, Options, Planner

from octoflow.provider import Edit, Environment, PlanContext, Project, Tenant, lookups

Doc = dict[str, Any]


@attrs.frozen(init=False)
class Promote:
    collection: ClassVar[str] = "deployments"

    from_env: str
    to_env: str
    projects: Any
    options: Options

    def __init__(self, from_env: str, to_env: str, projects: Any = None, **options: Any) -> None:
        self.__attrs_init__(from_env, to_env, projects, Options.build(**options))  # type: ignore[attr-defined]

    def describe(self) -> str:
        return f"deployments.promote({self.from_env!r} -> {self.to_env!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        envs = lookups.environments(ctx, [self.from_env, self.to_env])
        projects = self._projects(ctx)
        if len(envs) < 2 or ctx.problems:
            return []
        source, target = envs
        board = Dashboard(ctx)
        board.load(ctx.get("dashboard"))
        candidates = self._candidates(ctx, board, projects, source, target)
        # Lifecycle checks only for releases that are not current in the target yet.
        board.prefetch(
            [
                item["ReleaseId"]
                for project, tenant, item in candidates
                if (board.current(project.id, target.id, tenant and tenant.id) or {}).get(
                    "ReleaseId"
                )
                != item["ReleaseId"]
            ]
        )
        edits: list[Edit] = []
        blocked: list[str] = []
        for project, tenant, item in candidates:
            release = {"Id": item["ReleaseId"], "Version": item["ReleaseVersion"]}
            planner = Planner(ctx, project, release, None, self.options, board, blocked)
            edits += planner.edits(target, [tenant] if tenant else None)
        if blocked:
            ctx.note(
                f"{len(blocked)} release(s) stay in {source.name}: their lifecycle does not "
                f"allow {target.name} next: " + ", ".join(blocked)
            )
        if not edits:
            ctx.note(f"nothing in {source.name} that is not in {target.name} already")
        return edits

    def _candidates(
        self,
        ctx: PlanContext,
        board: Dashboard,
        projects: list[Project],
        source: Environment,
        target: Environment,
    ) -> list[tuple[Project, Tenant | None, Doc]]:
        """(project, tenant, item) of every successful deployment in ``source`` that may
        go to ``target``: tenants not connected to the project there stay (a note says so)."""
        found, unconnected = [], 0
        tenants: dict[str, Tenant] = {}
        for project in projects:
            for tenant_id, item in self._current_in(board, project, source):
                if tenant_id and not tenants:  # read only when a tenant is deployed to
                    tenants = {t.id: t for t in ctx.models("tenants", Tenant)}
                tenant = tenants.get(tenant_id) if tenant_id else None
                if tenant and target.id not in tenant.project_environments.get(project.id, []):
                    unconnected += 1
                    continue
                found.append((project, tenant, item))
        if unconnected:
            ctx.note(
                f"{unconnected} tenant deployment(s) in {source.name} stay: those tenants are "
                f"not connected to their project in {target.name}"
            )
        return found

    def _projects(self, ctx: PlanContext) -> list[Project]:
        if self.projects is None:
            chosen = ctx.models("projects", Project)
        else:
            chosen = resolve.projects(ctx, self.projects)
        return [p for p in chosen if not p.is_disabled]

    @staticmethod
    def _current_in(
        board: Dashboard, project: Project, env: Environment
    ) -> list[tuple[str | None, Doc]]:
        """(tenant id, item) of every successful current deployment of ``project`` in ``env``."""
        slots = board.items_of(project.id)
        return [
            (tenant_id, item)
            for (env_id, tenant_id), item in sorted(slots.items(), key=lambda kv: str(kv[0]))
            if env_id == env.id and item.get("State") == "Success"
        ]
