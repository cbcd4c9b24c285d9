"""``….process.steps`` / ``….runbooks.steps``: select actions and change them.

Criteria match actions (a step usually has one, named like it): ``name``
matches a step's or an action's name. Action verbs change the matched
actions; step verbs (roles, condition, start trigger) change the steps that
hold them. Examples::

    apps = octo.projects.where(group="Apps")
    apps.steps.where(action_type="Octopus.Script").set_container("octopuslabs/workertools:latest")
    apps.steps.where(name="Smoke test").set_worker_pool("Hosted Ubuntu").add_roles("smoke")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import attrs
from octoflow_plugins.processes import planner
from octoflow_plugins.processes.intents import roles_of
from octoflow_plugins.processes.resolve import Names
from octoflow_plugins.processes.verbs import StepVerbs

from octoflow.dsl.selection import Selection, as_names
from octoflow.models import Project
from octoflow.plan.compiler import Edit
from octoflow.plan.context import PlanContext
from octoflow.registry import unknown_name_message

Doc = dict[str, Any]
Pair = tuple[Doc, Doc]  # (step, action)
RUN_ON_SERVER = "Octopus.Action.RunOnServer"


@attrs.frozen
class StepView:
    """What a ``steps.where(predicate)`` function receives for each action."""

    project: Project
    process: str
    step: Doc
    action: Doc

    @property
    def name(self) -> str:
        return str(self.action.get("Name"))

    @property
    def action_type(self) -> str:
        return str(self.action.get("ActionType"))

    @property
    def roles(self) -> list[str]:
        return roles_of(self.step)


@attrs.frozen
class Steps(StepVerbs, Selection):
    collection: ClassVar[str] = "steps"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {
            "name",
            "action_type",
            "role",
            "worker_pool",
            "uses_container",
            "runs_on_worker",
            "is_disabled",
        }
    )

    #: The ``process`` or ``runbooks`` selection whose steps these are.
    scope: Any = None

    def publish(self) -> Steps:
        """After changing a runbook's process, create a snapshot and publish it."""
        return attrs.evolve(self, scope=self.scope.publish())

    def describe(self) -> str:
        where = ", ".join(c.describe() for c in self.criteria)
        text = self.scope.describe() + (f".steps.where({where})" if where else ".steps")
        return text + "".join(f".{v.describe()}" for v in self.verbs)

    # -- planning --------------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        names = Names(ctx)
        known_problems = len(ctx.problems)
        projects = planner.select_projects(ctx, names, self.scope.projects.criteria)
        makers = [self.intent_maker(names, v.name, dict(v.args)) for v in self.verbs]
        match = self._matcher(names)
        if len(ctx.problems) > known_problems:
            return []  # names of this statement do not resolve: reading processes is pointless
        out: list[Edit] = []
        seen: dict[str, str] = {}
        matched = processes = 0
        for target in planner.targets(ctx, names, projects, self.scope.runbook_names):
            pairs = [
                (s, a) for s in target.process["Steps"] for a in s["Actions"] if match(target, s, a)
            ]
            seen.update(
                (str(x["Name"]).lower(), str(x["Name"])) for p in _all(target.process) for x in p
            )
            if not pairs:
                continue
            matched, processes = matched + len(pairs), processes + 1
            intents = [i for make in makers for i in make(target, pairs)]
            out += planner.edits(ctx, target, intents, self.scope.publish_snapshot)
        for make in makers:
            getattr(make, "finish", lambda: None)()
        ctx.note(
            f"selects {len(projects)} project(s); "
            f"{matched} action(s) in {processes} process(es) match"
        )
        self._check_names(ctx, seen)
        return out

    def _matcher(self, names: Names) -> Callable[[planner.Target, Doc, Doc], bool]:
        tests = [self._test(names, c.key, c.value) for c in self.criteria]
        return lambda target, step, action: all(t(target, step, action) for t in tests)

    def _test(
        self, names: Names, key: str, value: Any
    ) -> Callable[[planner.Target, Doc, Doc], bool]:
        if key == "predicate":
            return lambda t, s, a: bool(value(StepView(t.project, t.name, s, a)))
        if key == "name":
            wanted = {n.lower() for n in as_names(value, "name")}
            return lambda t, s, a: bool({str(s["Name"]).lower(), str(a["Name"]).lower()} & wanted)
        if key == "action_type":
            types = {n.lower() for n in as_names(value, "action_type")}
            return lambda t, s, a: str(a.get("ActionType")).lower() in types
        if key == "role":
            roles = {n.lower() for n in as_names(value, "role")}
            return lambda t, s, a: bool(roles & {r.lower() for r in roles_of(s)})
        if key == "worker_pool":
            pool = names.worker_pool(str(value))
            return lambda t, s, a: pool is not None and a.get("WorkerPoolId") == pool.id
        if key == "uses_container":
            return lambda t, s, a: bool((a.get("Container") or {}).get("Image")) == bool(value)
        if key == "runs_on_worker":
            return lambda t, s, a: _on_worker(a) == bool(value)
        return lambda t, s, a: bool(a.get("IsDisabled")) == bool(value)

    def _check_names(self, ctx: PlanContext, seen: dict[str, str]) -> None:
        """A name that matched nothing anywhere, but is close to one that exists, is a typo."""
        for criterion in self.criteria:
            if criterion.key != "name":
                continue
            for name in as_names(criterion.value, "name"):
                if name.lower() not in seen:
                    message = unknown_name_message("step", name, sorted(seen.values()))
                    if "did you mean" in message:
                        ctx.problem(message)


def _all(process: Doc) -> Iterable[Pair]:
    return ((s, a) for s in process["Steps"] for a in s["Actions"])


def _on_worker(action: Doc) -> bool:
    return str((action.get("Properties") or {}).get(RUN_ON_SERVER, "")).lower() == "true"
