"""``octo.freezes.ensure(...)``: a freeze with this name exists, in force from ``start`` to
``end``, covering at least these projects (or tenants) in these environments.

Created when missing; otherwise its window is set and what it covers is added to,
never taken away (like every ``ensure`` in octoflow). Freezes belong to the Octopus
instance, so the name is looked up across every space; the projects, environments and
tenants named are the current space's.
"""

from __future__ import annotations

from typing import Any

import attrs
from octoflow.provider import Edit, Intent, PlanContext, lookups

from octoflow_freezes import scope
from octoflow_freezes.kinds import FREEZE
from octoflow_freezes.listing import all_freezes
from octoflow_freezes.scope import Chosen
from octoflow_freezes.times import read

Doc = dict[str, Any]


@attrs.frozen
class EnsureFreeze:
    name: str
    start: str
    end: str
    environments: tuple[str, ...]
    projects: Chosen | None = None
    tenants: Chosen | None = None
    description: str | None = None

    def describe(self) -> str:
        return f"freezes.ensure({self.name!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        intents = (self._window(), *self._description(), *self._scope(ctx))
        existing = self._existing(ctx)
        if ctx.problems:
            return []
        if existing is not None:
            return [Edit(FREEZE, existing["Id"], existing["Name"], existing, intents)]
        # Older servers require ProjectEnvironmentScope even when it is empty.
        body = {"Name": self.name, "ProjectEnvironmentScope": {}}
        return [Edit(FREEZE, None, self.name, body, intents, action="create")]

    def _window(self) -> Intent:
        start, end = read(self.start), read(self.end)
        shown = f"from {start:%Y-%m-%d %H:%M %z} to {end:%Y-%m-%d %H:%M %z}"
        return Intent(
            "freeze.set_window",
            {"start": self.start, "end": self.end},
            f"in force {shown}",
            f"already in force {shown}",
        )

    def _description(self) -> list[Intent]:
        if self.description is None:
            return []
        args = {"description": self.description}
        text = f"description {self.description!r}"
        return [Intent("freeze.set_description", args, text, f"{text} already")]

    def _scope(self, ctx: PlanContext) -> list[Intent]:
        environment_ids = scope.environment_ids(ctx, self.environments)
        projects = scope.projects(ctx, self.projects)
        where = lookups.labels(ctx, environment_ids)
        if self.tenants is None:
            covered = scope.project_scope(projects, environment_ids)
            if not covered or not environment_ids:
                return self._covers_nothing(ctx, "no project or environment was found")
            what = f"{_some(ctx, covered)} in {where}"
            return [
                Intent(
                    "freeze.cover_projects",
                    {"scope": covered},
                    f"freeze {what}",
                    f"already freezes {what}",
                )
            ]
        tenants = scope.tenants(ctx, self.tenants)
        entries = scope.tenant_scope(tenants, projects, environment_ids)
        if not entries:
            return self._covers_nothing(
                ctx, "the tenants are connected to none of those projects in those environments"
            )
        what = (
            f"{_some(ctx, {e[0] for e in entries})} in "
            f"{_some(ctx, {e[1] for e in entries})} in {where}"
        )
        return [
            Intent(
                "freeze.cover_tenants",
                {"scope": entries},
                f"freeze the deployments of {what}",
                f"already freezes the deployments of {what}",
            )
        ]

    def _covers_nothing(self, ctx: PlanContext, why: str) -> list[Intent]:
        if not any(p.statement == ctx.statement for p in ctx.problems):  # unknown names do
            ctx.problem(
                f"freeze {self.name!r} would cover nothing: {why}",
                "name projects, environments and tenants that exist and are connected",
            )
        return []

    def _existing(self, ctx: PlanContext) -> Doc | None:
        named = [d for d in all_freezes(ctx) if str(d.get("Name", "")).lower() == self.name.lower()]
        if len(named) > 1:
            ctx.problem(
                f"{len(named)} deployment freezes are named {self.name!r} "
                f"({', '.join(d['Id'] for d in named)})",
                "rename all but one, so octoflow knows which to change",
            )
            return None
        return named[0] if named else None


def _some(ctx: PlanContext, ids: Any, shown: int = 3) -> str:
    """``A, B, C and 4 more`` (names, in a stable order)."""
    names = sorted(ctx.labels.get(i, i) for i in ids)
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
