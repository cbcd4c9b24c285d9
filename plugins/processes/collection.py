"""``octo.projects``: select projects, then edit their deployment or runbook processes.

Examples::

    apps = octo.projects.where(group="Apps")
    apps.process.add_step("notify.json.j2", after="Deploy")
    apps.steps.where(action_type="Octopus.Script").set_container("octopuslabs/workertools:latest")
    apps.runbooks("Restart App Pool").steps.set_worker_pool("Hosted Ubuntu").publish()

``process`` is each project's deployment process; ``runbooks`` every runbook's
process (``runbooks("A", "B")``: only those). Version-controlled (Config as
Code) projects are reported in the plan and skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.processes import planner
from octoflow_plugins.processes.definition import complete, definition_for
from octoflow_plugins.processes.resolve import Names
from octoflow_plugins.processes.steps import Steps
from octoflow_plugins.processes.stepsource import StepSource
from octoflow_plugins.processes.verbs import listed

from octoflow.dsl.selection import Selection, as_names, selects_note
from octoflow.errors import UsageError
from octoflow.models import Project
from octoflow.plan.compiler import Edit
from octoflow.plan.context import PlanContext
from octoflow.plan.model import Intent
from octoflow.registry import unknown_name_message

Doc = dict[str, Any]
Maker = Callable[[planner.Target], list[Intent]]


@attrs.frozen
class Projects(Selection):
    collection: ClassVar[str] = "projects"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {
            "name",
            "partial_name",
            "group",
            "lifecycle",
            "tenanted",
            "is_disabled",
            "is_version_controlled",
            "has_step",
            "has_step_type",
            "uses_role",
        }
    )

    @property
    def process(self) -> Process:
        """The deployment process of every selected project."""
        return Process(projects=self)

    @property
    def runbooks(self) -> Runbooks:
        """The runbooks' processes of every selected project; call it to name runbooks."""
        return Runbooks(projects=self, runbook_names=())

    @property
    def steps(self) -> Steps:
        """Shortcut for ``.process.steps``."""
        return self.process.steps

    def select(self, ctx: PlanContext) -> list[Project]:
        """The projects the criteria select (problems for names that do not resolve)."""
        return planner.select_projects(ctx, Names(ctx), self.criteria)

    def plan(self, ctx: PlanContext) -> list[Edit]:
        """A selection without a verb changes nothing; its plan notes what it selects."""
        projects = self.select(ctx)
        cac = sum(1 for p in projects if p.is_version_controlled)
        ctx.note(f"selects {len(projects)} project(s), {cac} of them version-controlled")
        return []


@attrs.frozen
class Process(Selection):
    collection: ClassVar[str] = "process"
    criteria_keys: ClassVar[frozenset[str]] = frozenset()

    projects: Projects = attrs.field(factory=Projects)
    #: ``None``: deployment processes; a tuple: runbooks (empty: all of them).
    runbook_names: tuple[str, ...] | None = None
    publish_snapshot: bool = False

    @property
    def steps(self) -> Steps:
        """Select steps (actions) of these processes to change them."""
        return Steps(scope=self)

    def describe(self) -> str:
        return self._scope_text() + "".join(f".{v.describe()}" for v in self.verbs)

    def _scope_text(self) -> str:
        return self.projects.describe() + ".process"

    # -- verbs -------------------------------------------------------------------------

    def add_step(
        self,
        step: Mapping[str, Any] | str | Any = None,
        *,
        template: str | None = None,
        name: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        after: str | None = None,
        before: str | None = None,
        first: bool = False,
        last: bool = False,
    ) -> Process:
        """Add a step, last unless ``after``/``before`` a named step or ``first``.

        ``step`` is a dict, or the path of a JSON file or of a jinja2 template
        (``.j2``; rendered per project with ``project`` in scope). Or name a step
        template of the library with ``template`` (and ``name``, ``parameters``).
        A step already there by name is brought in line with the definition.
        """
        if (step is None) == (template is None):
            raise UsageError("add_step() takes a step definition or template=, not both or neither")
        if template is not None:
            source = StepSource.library(template, name, parameters or {})
        else:
            source = StepSource.of(step)
        position = _position(after, before, first)
        if last and position:
            raise UsageError("add_step(): give one of after=, before=, first= or last=")
        return self._with_verb("add_step", source=source, position=position)

    def remove_step(self, *names: str) -> Process:
        """Remove the steps with these names (where they exist)."""
        found = as_names(list(names), "remove_step")
        if not found:
            raise UsageError("remove_step() needs at least one step name")
        return self._with_verb("remove_step", steps=found)

    def move_step(
        self,
        name: str,
        *,
        after: str | None = None,
        before: str | None = None,
        first: bool = False,
        last: bool = False,
    ) -> Process:
        """Move a step after/before another one, first or last (reorder steps)."""
        position = _position(after, before, first)
        if last and position:
            raise UsageError("move_step(): give one of after=, before=, first= or last=")
        if not position and not last:
            raise UsageError("move_step() needs after=, before=, first=True or last=True")
        return self._with_verb("move_step", step=name, position=position)

    # -- planning ----------------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        names = Names(ctx)
        known_problems = len(ctx.problems)
        projects = planner.select_projects(ctx, names, self.projects.criteria)
        makers = [getattr(self, f"_make_{v.name}")(names, **v.args) for v in self.verbs]
        if len(ctx.problems) > known_problems:
            return []  # names of this statement do not resolve: reading processes is pointless
        ctx.note(selects_note("project", len(projects), len(ctx.documents("projects"))))
        out: list[Edit] = []
        seen: dict[str, str] = {}
        for target in planner.targets(ctx, names, projects, self.runbook_names):
            seen.update((str(s["Name"]).lower(), str(s["Name"])) for s in target.process["Steps"])
            intents = [i for make in makers for i in make(target)]
            out += planner.edits(ctx, target, intents, self.publish_snapshot)
        for make in makers:
            getattr(make, "finish", lambda seen: None)(seen)
        return out

    def _make_add_step(self, names: Names, source: StepSource, position: Doc) -> Maker:
        library = names.action_template(source.template) if source.kind == "library" else None
        failures: list[str] = []
        missing_anchor: list[str] = []
        anchor = position.get("after") or position.get("before")

        def make(target: planner.Target) -> list[Intent]:
            data = definition_for(names, source, library, target, failures)
            if data is None:
                return []
            step = complete(names, data, target.process["Id"], target.project)
            names.ctx.labels[step["Id"]] = step["Name"]
            steps = target.process["Steps"]
            there = _step_named(steps, step["Name"])
            if there is None and anchor and _step_named(steps, anchor) is None:
                missing_anchor.append(target.name)
                return []
            where = _where(position)
            summary = (
                f"update step {step['Name']!r}" if there else f"add step {step['Name']!r} {where}"
            )
            args = {"step": step, "position": position}
            return [
                Intent("process.add_step", args, summary, f"step {step['Name']!r} already there")
            ]

        def finish(seen: dict[str, str]) -> None:
            if failures:
                more = f" (and {len(failures) - 1} more project(s))" if len(failures) > 1 else ""
                names.ctx.problem(failures[0] + more)
            if missing_anchor:
                where = f"in {len(missing_anchor)} selected process(es): {listed(missing_anchor)}"
                hint = f"narrow the selection, e.g. projects.where(has_step={anchor!r})"
                if str(anchor).lower() in seen:
                    names.ctx.problem(f"step {anchor!r} is missing {where}", hint)
                else:
                    message = unknown_name_message("step", str(anchor), sorted(seen.values()))
                    names.ctx.problem(f"{message}; it is missing {where}")

        make.finish = finish  # type: ignore[attr-defined]
        return make

    def _make_remove_step(self, names: Names, steps: tuple[str, ...]) -> Maker:
        wanted = steps

        def make(target: planner.Target) -> list[Intent]:
            present = [n for n in wanted if _step_named(target.process["Steps"], n) is not None]
            if not present:
                return []
            shown = listed(present)
            return [
                Intent(
                    "process.remove_steps",
                    {"names": present},
                    f"remove step {shown}",
                    f"no step {shown}",
                )
            ]

        def finish(seen: dict[str, str]) -> None:
            """A name found nowhere but close to one that exists is a typo; one found
            nowhere else is gone already (a re-run), which is no problem."""
            for name in wanted:
                if name.lower() not in seen:
                    message = unknown_name_message("step", name, sorted(seen.values()))
                    if "did you mean" in message:
                        names.ctx.problem(message)

        make.finish = finish  # type: ignore[attr-defined]
        return make

    def _make_move_step(self, names: Names, step: str, position: Doc) -> Maker:
        name = step
        missing: list[str] = []
        anchor = position.get("after") or position.get("before")

        def make(target: planner.Target) -> list[Intent]:
            steps = target.process["Steps"]
            if _step_named(steps, name) is None:
                return []
            if anchor and _step_named(steps, anchor) is None:
                missing.append(target.name)
                return []
            where = _where(position) if position else "last"
            args = {"name": name, "position": position}
            return [
                Intent(
                    "process.move_step",
                    args,
                    f"move step {name!r} {where}",
                    f"step {name!r} already {where}",
                )
            ]

        def finish(seen: dict[str, str]) -> None:
            unknown = [w for w in (name, anchor) if w and w.lower() not in seen]
            for wanted in unknown:
                names.ctx.problem(unknown_name_message("step", wanted, sorted(seen.values())))
            if missing and not unknown:
                names.ctx.problem(
                    f"step {anchor!r} is missing in {len(missing)} process(es): " + listed(missing)
                )

        make.finish = finish  # type: ignore[attr-defined]
        return make


@attrs.frozen
class Runbooks(Process):
    collection: ClassVar[str] = "runbooks"

    def __call__(self, *names: str) -> Runbooks:
        """Only the runbooks with these names."""
        return attrs.evolve(self, runbook_names=as_names(list(names), "runbooks"))

    def publish(self) -> Runbooks:
        """After changing a runbook's process, create a snapshot and publish it."""
        return attrs.evolve(self, publish_snapshot=True)

    def _scope_text(self) -> str:
        runbooks = ", ".join(repr(n) for n in self.runbook_names or ())
        text = self.projects.describe() + f".runbooks({runbooks})"
        return text + (".publish()" if self.publish_snapshot else "")


# -- helpers -----------------------------------------------------------------------------


def _position(after: str | None, before: str | None, first: bool) -> Doc:
    given = [k for k, v in (("after", after), ("before", before), ("first", first)) if v]
    if len(given) > 1:
        raise UsageError(f"give only one of after=, before= and first= (got {', '.join(given)})")
    if after is not None:
        return {"after": after}
    if before is not None:
        return {"before": before}
    return {"first": True} if first else {}


def _where(position: Doc) -> str:
    if "after" in position:
        return f"after {position['after']!r}"
    if "before" in position:
        return f"before {position['before']!r}"
    return "first" if position.get("first") else "last"


def _step_named(steps: list[Doc], name: str) -> Doc | None:
    lowered = name.lower()
    return next((s for s in steps if str(s.get("Name", "")).lower() == lowered), None)
