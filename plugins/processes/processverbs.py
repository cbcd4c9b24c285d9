"""The verbs of ``process`` and ``runbooks`` selections: add, remove and move whole steps.

``per_process(names)`` runs once per statement and resolves the verb's names;
what it returns makes the verb's intents for each process, then checks, once
every process was seen, for step names that matched nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.processes.definition import complete, definition_for
from octoflow_plugins.processes.perprocess import PerProcess, Seen, listed
from octoflow_plugins.processes.planner import ProcessToEdit
from octoflow_plugins.processes.resolve import Names
from octoflow_plugins.processes.stepsource import StepSource

from octoflow.provider import Intent, Verb, unknown_name_message

Doc = dict[str, Any]
#: One process → the intents a verb wants in it.
MakeForProcess = Callable[[ProcessToEdit], list[Intent]]


@attrs.frozen
class ProcessVerb(Verb):
    def per_process(self, names: Names) -> PerProcess[MakeForProcess]:
        """Resolve names (problems on ``names.ctx``); the intents for each process."""
        raise NotImplementedError


@attrs.frozen
class AddStep(ProcessVerb):
    """A step already there by name is brought in line with the definition."""

    name: ClassVar[str] = "add_step"
    source: StepSource
    #: ``{"after": name}``, ``{"before": name}``, ``{"first": True}`` or ``{}`` (last).
    position: Mapping[str, Any]

    def per_process(self, names: Names) -> PerProcess[MakeForProcess]:
        source, position = self.source, self.position
        library = names.action_template(source.template) if source.kind == "library" else None
        failures: list[str] = []
        missing_anchor: list[str] = []
        anchor = _anchor(position)

        def make(process: ProcessToEdit) -> list[Intent]:
            data = definition_for(names, source, library, process, failures)
            if data is None:
                return []
            step = complete(names, data, process.document["Id"], process.project)
            names.ctx.labels[step["Id"]] = step["Name"]
            steps = process.document["Steps"]
            there = _step_named(steps, step["Name"])
            if there is None and anchor and _step_named(steps, anchor) is None:
                missing_anchor.append(process.name)
                return []
            where = _where(position)
            summary = (
                f"update step {step['Name']!r}" if there else f"add step {step['Name']!r} {where}"
            )
            args = {"step": step, "position": position}
            return [
                Intent("process.add_step", args, summary, f"step {step['Name']!r} already there")
            ]

        def finish(seen: Seen) -> None:
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

        return PerProcess(make, finish)


@attrs.frozen
class RemoveStep(ProcessVerb):
    name: ClassVar[str] = "remove_step"
    steps: tuple[str, ...]

    def per_process(self, names: Names) -> PerProcess[MakeForProcess]:
        wanted = self.steps

        def make(process: ProcessToEdit) -> list[Intent]:
            present = [n for n in wanted if _step_named(process.document["Steps"], n) is not None]
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

        def finish(seen: Seen) -> None:
            """A name found nowhere but close to one that exists is a typo; one found
            nowhere else is gone already (a re-run), which is no problem."""
            for name in wanted:
                if name.lower() not in seen:
                    message = unknown_name_message("step", name, sorted(seen.values()))
                    if "did you mean" in message:
                        names.ctx.problem(message)

        return PerProcess(make, finish)


@attrs.frozen
class MoveStep(ProcessVerb):
    name: ClassVar[str] = "move_step"
    step: str
    #: As :attr:`AddStep.position`; ``{}`` moves the step last.
    position: Mapping[str, Any]

    def per_process(self, names: Names) -> PerProcess[MakeForProcess]:
        name, position = self.step, self.position
        missing: list[str] = []
        anchor = _anchor(position)

        def make(process: ProcessToEdit) -> list[Intent]:
            steps = process.document["Steps"]
            if _step_named(steps, name) is None:
                return []
            if anchor and _step_named(steps, anchor) is None:
                missing.append(process.name)
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

        def finish(seen: Seen) -> None:
            unknown = [w for w in (name, anchor) if w and w.lower() not in seen]
            for wanted in unknown:
                names.ctx.problem(unknown_name_message("step", wanted, sorted(seen.values())))
            if missing and not unknown:
                names.ctx.problem(
                    f"step {anchor!r} is missing in {len(missing)} process(es): " + listed(missing)
                )

        return PerProcess(make, finish)


# -- helpers -----------------------------------------------------------------------------


def _anchor(position: Mapping[str, Any]) -> str | None:
    return position.get("after") or position.get("before")


def _where(position: Mapping[str, Any]) -> str:
    if "after" in position:
        return f"after {position['after']!r}"
    if "before" in position:
        return f"before {position['before']!r}"
    return "first" if position.get("first") else "last"


def _step_named(steps: list[Doc], name: str) -> Doc | None:
    lowered = name.lower()
    return next((s for s in steps if str(s.get("Name", "")).lower() == lowered), None)
