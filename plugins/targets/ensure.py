"""``octo.targets.ensure(...)``: a target exists, with at least the given roles,
environments, tenants and tenant tags.

A missing target is created from its endpoint. An existing one keeps what it
has and gains what is missing; the endpoint fields given are set on it, but its
communication style cannot change (Octopus has no such edit: delete it and
ensure it again).
"""

from __future__ import annotations

from typing import ClassVar

import attrs
from octoflow_plugins.targets import guard
from octoflow_plugins.targets.endpoints import Endpoint
from octoflow_plugins.targets.kinds import TARGET
from octoflow_plugins.targets.machines import MachineSelection
from octoflow_plugins.targets.models import STYLE_NAMES, Target

from octoflow.provider import Edit, Ensure, Intent, PlanContext, WorkerPool


@attrs.frozen
class EnsureTarget(Ensure):
    """``changes``: a ``targets`` selection whose verbs (add_role, add_environment …)
    say what the target must have; its criteria are not used."""

    collection: ClassVar[str] = "targets"
    kind: ClassVar[str] = TARGET
    name: str
    endpoint: Endpoint
    changes: MachineSelection

    def describe(self) -> str:
        return f"targets.ensure({self.name!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        intents = self._intents(ctx)
        pool_id = self._worker_pool(ctx)
        if len(ctx.problems) > known_problems:
            return []
        existing = next(
            (t for t in ctx.models("machines", Target) if t.name.lower() == self.name.lower()),
            None,
        )
        if existing is None:
            return [self._create(ctx, intents, pool_id)]
        style = existing.communication_style
        if style != self.endpoint.style:
            ctx.problem(
                f"target {existing.name!r} exists with a {_style(style)} endpoint, not "
                f"{_style(self.endpoint.style)}",
                "Octopus cannot change a target's communication style: delete the target "
                "first, or ensure it with its own kind of endpoint",
            )
            return []
        fields = self.endpoint.wire(pool_id)
        del fields["CommunicationStyle"]
        if fields:
            intents.append(
                Intent(
                    "target.set_endpoint",
                    {"fields": fields},
                    f"endpoint {self.endpoint.describe()}",
                    "endpoint already as given",
                )
            )
        edit = Edit(
            TARGET,
            existing.id,
            existing.name,
            ctx.document("machines", str(existing.id)),
            tuple(intents),
        )
        guard.check(ctx, [edit])
        return [edit]

    def _create(self, ctx: PlanContext, intents: list[Intent], pool_id: str | None) -> Edit:
        endpoint = self.endpoint.wire(pool_id, new=True)
        body = {
            "Name": self.name,
            "SpaceId": ctx.client.space_id,
            "Endpoint": endpoint,
            "TenantedDeploymentParticipation": "Untenanted",
        }
        create = Intent(
            "target.set_fields",
            {"fields": {"Name": self.name, "Endpoint": endpoint}},
            f"create {self.endpoint.describe()}",
        )
        return Edit(TARGET, None, self.name, body, (create, *intents), action="create")

    def _intents(self, ctx: PlanContext) -> list[Intent]:
        return self.changes.intents(ctx)

    def _worker_pool(self, ctx: PlanContext) -> str | None:
        if self.endpoint.worker_pool is None:
            return None
        pool = ctx.find("workerpools", WorkerPool, self.endpoint.worker_pool, "worker pool")
        return pool.id if pool is not None else None


def _style(style: str) -> str:
    """``listening`` for ``TentaclePassive``: the words people use."""
    return STYLE_NAMES.get(style, style)
