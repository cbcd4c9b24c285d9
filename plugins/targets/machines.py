"""What ``octo.targets`` and ``octo.workers`` share: criteria on health,
communication style, name, disabled and machine policy, and the verbs enable,
disable, set_machine_policy and delete.

Criteria values are checked at the call site (an unknown health status or
communication style fails at once, with close matches); names are resolved
when the statement is planned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

import attrs
from octoflow_plugins.targets import guard, resolve
from octoflow_plugins.targets.models import HEALTH_STATUSES, STYLE_ALIASES, Machine
from octoflow_plugins.targets.verbs import Delete, Disable, Enable, MachineVerb, SetMachinePolicy

from octoflow.provider import (
    Edit,
    Intent,
    PlanContext,
    Selection,
    UsageError,
    as_names,
    is_everything,
    unknown_name_message,
)

M = TypeVar("M", bound="MachineSelection")
Test = Callable[[Any], bool]
LABELS = {
    "health": "health status",
    "comm_style": "communication style",
    "participation": "tenanted participation",
}
COMMON_KEYS = frozenset(
    {"health", "comm_style", "name", "partial_name", "is_disabled", "machine_policy"}
)


@attrs.frozen
class MachineSelection(Selection):
    """Subclasses set ``collection``, ``kind``, ``segment`` (the API collection),
    ``model`` and ``criteria_keys``, and test their own criteria."""

    kind: ClassVar[str] = ""
    segment: ClassVar[str] = ""
    model: ClassVar[type[Machine]] = Machine

    def where(self: M, predicate: Callable[[Any], bool] | None = None, **criteria: Any) -> M:
        """Narrow the selection; every call ANDs its conditions with earlier ones.
        A list of values for one keyword selects any of them."""
        for key, allowed in (("health", HEALTH_STATUSES), ("comm_style", None)):
            if key in criteria and not is_everything(criteria[key]):
                criteria[key] = tuple(choose(key, v, allowed) for v in as_names(criteria[key], key))
        return super().where(predicate, **criteria)

    # -- verbs shared by targets and workers ---------------------------------------

    def enable(self: M) -> M:
        return self._with_verb(Enable())

    def disable(self: M) -> M:
        return self._with_verb(Disable())

    def set_machine_policy(self: M, policy: str) -> M:
        """Use the machine policy named (or with id) ``policy``."""
        return self._with_verb(SetMachinePolicy(policy))

    def delete(self: M) -> M:
        """Delete every selected machine (cannot be combined with other verbs)."""
        if self.verbs:
            raise UsageError(
                f"{self.collection}.delete() cannot follow other verbs: deleted "
                f"{self.collection} cannot also be changed"
            )
        return self._with_verb(Delete())

    # -- planning ------------------------------------------------------------------

    def intents(self, ctx: PlanContext) -> list[Intent]:
        """The verbs' intents, names resolved (problems recorded on ``ctx``)."""
        return [
            intent
            for verb in self.verbs
            if isinstance(verb, MachineVerb)
            for intent in verb.intents(ctx, self.kind)
        ]

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        selected = self.select(ctx)
        intents = self.intents(ctx)
        if len(ctx.problems) > known_problems:  # this statement's own problems
            return []
        total = len(ctx.documents(self.segment))
        ctx.selected(self.collection[:-1], len(selected), total, self.whole_is_wide)
        if any(isinstance(v, Delete) for v in self.verbs):
            delete = Intent(f"{self.kind.lower()}.delete", {}, "delete")
            return [Edit(self.kind, m.id, m.name, {}, (delete,), action="delete") for m in selected]
        if not intents:
            return []
        edits = [
            Edit(self.kind, m.id, m.name, ctx.document(self.segment, str(m.id)), tuple(intents))
            for m in selected
        ]
        guard.check(ctx, edits)
        return edits

    def select(self, ctx: PlanContext) -> list[Any]:
        """The machines the criteria select (problems for names that do not resolve)."""
        machines: list[Any] = ctx.models(self.segment, self.model)
        for criterion in self.criteria:
            test = self._test(ctx, criterion.key, criterion.value)
            machines = [m for m in machines if test(m)]
        return machines

    def _test(self, ctx: PlanContext, key: str, value: Any) -> Test:
        if key == "predicate":
            return value  # type: ignore[no-any-return]
        if key == "health":
            return lambda m: m.health_status in value
        if key == "comm_style":
            return lambda m: m.communication_style in value
        if key == "name":
            names = {n.lower() for n in as_names(value, "name")}
            return lambda m: m.name.lower() in names
        if key == "partial_name":
            part = str(value).lower()
            return lambda m: part in m.name.lower()
        if key == "is_disabled":
            return lambda m: m.is_disabled == bool(value)
        if key == "machine_policy":
            policy = resolve.machine_policy(ctx, str(value))
            return lambda m: policy is not None and m.machine_policy_id == policy.id
        return self._own_test(ctx, key, value)

    def _own_test(self, ctx: PlanContext, key: str, value: Any) -> Test:
        """Criteria only one of targets/workers has; subclasses handle theirs first."""
        raise UsageError(f"{self.collection}.where(): {key!r} is not a criterion here")


def choose(key: str, value: str, allowed: Iterable[str] | None) -> str:
    """The canonical spelling of a health status or communication style, or a UsageError."""
    if allowed is None:  # communication styles: an alias or the API's own name
        for alias, style in STYLE_ALIASES.items():
            if value.lower() in (alias, style.lower()):
                return style
        allowed = list(STYLE_ALIASES)
    for item in allowed:
        if item.lower() == value.lower():
            return item
    raise UsageError(unknown_name_message(LABELS.get(key, key), value, allowed))


def required(values: Iterable[str], where: str) -> tuple[str, ...]:
    """At least one name, for verbs such as ``add_role``."""
    names = as_names(values, where)
    if not names:
        raise UsageError(f"{where}() needs at least one name")
    return names
