"""``octo.lifecycles``: retention, phases and the environments in each phase.

Examples::

    octo.lifecycles.retention(releases=30, files=30)              # every lifecycle
    octo.lifecycles.where(name="Default Lifecycle").phase("Test").add_environments("UAT")
    octo.lifecycles.where(partial_name="web").ensure_phase("Hotfix", after="Test")
    octo.lifecycles.where(name="Default Lifecycle").phase("Production").min_environments(1)

Selections: ``name`` and ``ids`` (each must exist), ``partial_name`` (any case) and a
predicate on the document (a dict); no ``where`` selects every lifecycle (the
wide-change guard applies). ``phase(name)`` names the phase the verbs after it edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
from octoflow_plugins.lifecycles.intents import INTENTS, PhaseError
from octoflow_plugins.lifecycles.kinds import LIFECYCLE
from octoflow_plugins.lifecycles.verbs import (
    AddEnvironments,
    EnsurePhase,
    LifecycleVerb,
    MinEnvironments,
    RemoveEnvironments,
    Retention,
    environment_names,
)

from octoflow.provider import (
    Edit,
    Intent,
    Lifecycle,
    PlanContext,
    Selection,
    UsageError,
    clone,
    lookups,
)

Doc = dict[str, Any]


@attrs.frozen
class Lifecycles(Selection):
    collection: ClassVar[str] = "lifecycles"
    criteria_keys: ClassVar[frozenset[str]] = frozenset({"name", "partial_name", "ids"})

    #: The phase the phase verbs after ``phase(name)`` edit.
    current_phase: str | None = None

    # -- verbs -----------------------------------------------------------------

    def retention(
        self,
        releases: int | None = None,
        files: int | None = None,
        unit: str = "Days",
        keep_forever: bool = False,
    ) -> Lifecycles:
        """Keep ``releases`` releases and ``files`` tentacle files for that many ``unit``
        (Days or Items), or everything with ``keep_forever=True``."""
        return self._with_verb(Retention(releases, files, unit, keep_forever))

    def ensure_phase(self, name: str, after: str | None = None) -> Lifecycles:
        """Add an empty phase ``name`` after the phase ``after`` (last) unless there is one."""
        return self._with_verb(EnsurePhase(_name(name, "ensure_phase"), after))

    def phase(self, name: str) -> Lifecycles:
        """Name the phase the verbs that follow edit (by name, in any case)."""
        return attrs.evolve(self, current_phase=_name(name, "phase"))

    def add_environments(self, environments: Any, automatic: bool = False) -> Lifecycles:
        """Add environments to the phase, deployed to manually (``automatic=True``:
        as soon as a release reaches the phase)."""
        names = environment_names(environments, "add_environments")
        return self._with_verb(AddEnvironments(self._phase("add_environments"), names, automatic))

    def remove_environments(self, environments: Any) -> Lifecycles:
        names = environment_names(environments, "remove_environments")
        return self._with_verb(RemoveEnvironments(self._phase("remove_environments"), names))

    def min_environments(self, count: int) -> Lifecycles:
        """Promote past the phase after ``count`` of its environments (0: all of them)."""
        return self._with_verb(MinEnvironments(self._phase("min_environments"), count))

    def _phase(self, verb: str) -> str:
        if self.current_phase is None:
            raise UsageError(
                f"lifecycles.{verb}() edits a phase: name it first, e.g. .phase('Test').{verb}(…)"
            )
        return self.current_phase

    # -- selecting and planning --------------------------------------------------

    def select(self, ctx: PlanContext) -> list[Doc]:
        """The selected lifecycles (as listed; treat as read-only)."""
        return lookups.selected(ctx, "lifecycles", Lifecycle, self.criteria, "lifecycle")

    def plan(self, ctx: PlanContext) -> Iterable[Edit]:
        if not self.verbs:
            return []
        known = len(ctx.problems)
        selected = self.select(ctx)
        total = len(ctx.documents("lifecycles"))
        ctx.selected("lifecycle", len(selected), total, self.whole_is_wide)
        intents = tuple(
            i for v in self.verbs if isinstance(v, LifecycleVerb) for i in v.intents(ctx)
        )
        if len(ctx.problems) > known:
            return []
        return [
            Edit(LIFECYCLE, d["Id"], d["Name"], d, intents)
            for d in selected
            if fits(ctx, d, intents)
        ]


def fits(ctx: PlanContext, document: Doc, intents: Iterable[Intent]) -> bool:
    """Whether every intent works on this lifecycle; a problem naming it when not."""
    trial = clone(document)
    try:
        for intent in intents:
            INTENTS[intent.name](trial, intent.args)
    except PhaseError as exc:
        text = str(exc)
        if exc.env_id:
            label = ctx.labels.get(exc.env_id, exc.env_id)
            text = text.replace(f"environment {exc.env_id}", f"environment {label!r}")
        ctx.problem(f"lifecycle {document['Name']!r}: {text}")
        return False
    return True


def _name(value: Any, verb: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"lifecycles.{verb}() needs a phase name, not {value!r}")
    return value.strip()
