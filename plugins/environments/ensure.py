"""``octo.environments.ensure(name, …)``: an environment exists, with the settings given,
sorted right after ``after``, and (with ``like``) wherever ``like`` is.

A missing environment is created; an existing one gets the settings given (others
are left alone). While the environment does not exist yet, the edits that need its
id hold a reference to it (``created_ref``) and wait for its creation, so one plan
shows the new environment and everything that gains it, and apply writes them in
that order.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from octoflow_plugins.environments.kinds import ENVIRONMENT, SORT_ORDER
from octoflow_plugins.environments.sortorder import PLACE_AFTER, placed_after
from octoflow_plugins.environments.spread import Spread

from octoflow.provider import Edit, Ensure, Environment, Intent, PlanContext, created_ref

#: ensure() keyword → the environment document's field.
FIELDS = {
    "description": "Description",
    "guided_failure": "UseGuidedFailure",
    "dynamic_infrastructure": "AllowDynamicInfrastructure",
}


@attrs.frozen
class EnsureEnvironment(Ensure):
    collection: ClassVar[str] = "environments"
    kind: ClassVar[str] = ENVIRONMENT
    name: str
    after: str | None = None
    like: str | None = None
    #: Document field → value, for the settings given.
    fields: tuple[tuple[str, Any], ...] = ()

    def describe(self) -> str:
        extra = "".join(
            f", {k}={v!r}" for k, v in (("after", self.after), ("like", self.like)) if v
        )
        return f"environments.ensure({self.name!r}{extra})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known = len(ctx.problems)
        neighbours = {
            role: ctx.find("environments", Environment, name, "environment")
            for role, name in (("after", self.after), ("like", self.like))
            if name is not None
        }
        for role, found in neighbours.items():
            if found is not None and found.name.lower() == self.name.lower():
                ctx.problem(f"environments.ensure({self.name!r}): {role}= names itself")
        if len(ctx.problems) > known:
            return []
        existing = next(
            (
                e
                for e in ctx.models("environments", Environment)
                if e.name.lower() == self.name.lower()
            ),
            None,
        )
        edits = [self._create(ctx)] if existing is None else self._update(ctx, existing)
        env_id = created_ref(self.created_key) if existing is None else str(existing.id)
        after = (self.created_key,) if existing is None else ()
        if existing is not None:
            ctx.label(existing)
        if neighbours.get("after") is not None:
            edits.append(self._sort(ctx, env_id, neighbours["after"], after))
        like = neighbours.get("like")
        if like is not None:
            spread = Spread(env_id, self.name, str(like.id), like.name, after)
            edits += spread.edits(ctx)
        return edits

    def _intent(self, create: bool) -> Intent:
        fields = dict(self.fields)
        shown = ", ".join(f"{k} = {v!r}" for k, v in fields.items())
        if create:
            return Intent(
                "environment.set_fields",
                {"fields": {"Name": self.name, **fields}},
                f"create environment {self.name!r}" + (f" ({shown})" if shown else ""),
            )
        return Intent("environment.set_fields", {"fields": fields}, f"set {shown}", "already so")

    def _create(self, ctx: PlanContext) -> Edit:
        ctx.labels[created_ref(self.created_key)] = f"{self.name} (new)"
        body = {"Name": self.name, "SpaceId": ctx.client.space_id}
        return Edit(ENVIRONMENT, None, self.name, body, (self._intent(True),), action="create")

    def _update(self, ctx: PlanContext, existing: Environment) -> list[Edit]:
        if not self.fields:
            return []
        document = ctx.document("environments", str(existing.id))
        return [Edit(ENVIRONMENT, existing.id, existing.name, document, (self._intent(False),))]

    def _sort(
        self, ctx: PlanContext, env_id: str, neighbour: Environment, after: tuple[str, ...]
    ) -> Edit:
        ids = [str(e["Id"]) for e in ctx.documents("environments")]
        done = ""
        if env_id in ids and placed_after(ids, env_id, str(neighbour.id)) == ids:
            done = f"{self.name} is right after {neighbour.name} already"
        intent = Intent(
            PLACE_AFTER,
            {"environment_id": env_id, "after_id": str(neighbour.id)},
            f"sort {self.name} right after {neighbour.name}",
        )
        # After every edit of an environment in the plan: such a PUT sends the
        # SortOrder it read, and would undo the new order if it came later.
        every = tuple(f"{ENVIRONMENT}/{i}" for i in ids)
        name = f"{self.name} after {neighbour.name}"
        return Edit(
            SORT_ORDER, None, name, {}, (intent,), action="run", after=after + every, done=done
        )
