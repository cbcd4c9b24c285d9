"""``octo.environments``: environments, their settings and their sort order.

Examples::

    octo.environments.ensure("UAT", after="Test", like="Test")   # the headline
    octo.environments.ensure("Perf", description="Load tests", guided_failure=True)
    octo.environments.where(name="Production").use_guided_failure()
    octo.environments.where(partial_name="dev").allow_dynamic_infrastructure(False)

Selections: ``name`` and ``ids`` (each must exist), ``partial_name`` (any case) and a
predicate on the document (a dict); no ``where`` selects every environment (the
wide-change guard applies).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
from octoflow_plugins.environments.ensure import FIELDS, EnsureEnvironment
from octoflow_plugins.environments.kinds import ENVIRONMENT

from octoflow.provider import (
    Edit,
    Environment,
    Intent,
    PlanContext,
    Selection,
    UsageError,
    Verb,
    lookups,
    parse_bool,
)

Doc = dict[str, Any]


@attrs.frozen
class SetField(Verb):
    """Set one field of the selected environments."""

    name: ClassVar[str] = "set"
    hidden: ClassVar[frozenset[str]] = frozenset()
    method: str
    field: str
    on: Any

    def describe(self) -> str:
        return f"{self.method}({self.on!r})"

    def intent(self) -> Intent:
        return Intent(
            "environment.set_fields",
            {"fields": {self.field: self.on}},
            f"{self.field} = {self.on!r}",
            f"{self.field} already {self.on!r}",
        )


@attrs.frozen
class Environments(Selection):
    collection: ClassVar[str] = "environments"
    criteria_keys: ClassVar[frozenset[str]] = frozenset({"name", "partial_name", "ids"})

    def ensure(
        self,
        name: str,
        after: str | None = None,
        like: str | None = None,
        description: str | None = None,
        guided_failure: bool | None = None,
        dynamic_infrastructure: bool | None = None,
    ) -> EnsureEnvironment:
        """The environment ``name`` exists with the settings given; ``after``: sorted right
        after that environment; ``like``: added wherever that environment is."""
        if self.criteria or self.verbs:
            raise UsageError(
                "environments.ensure() names its environment: call it on octo.environments"
            )
        given = {
            "description": description,
            "guided_failure": guided_failure,
            "dynamic_infrastructure": dynamic_infrastructure,
        }
        for keyword in ("guided_failure", "dynamic_infrastructure"):
            if given[keyword] is not None:
                given[keyword] = parse_bool(given[keyword], f"environments.ensure({keyword}=…)")
        fields = tuple((FIELDS[k], v) for k, v in given.items() if v is not None)
        return EnsureEnvironment(
            _name(name, "name"), _optional(after, "after"), _optional(like, "like"), fields
        )

    def use_guided_failure(self, on: bool = True) -> Environments:
        """Let a person decide what to do when a deployment fails (``on=False``: don't)."""
        return self._setting("use_guided_failure", "UseGuidedFailure", on)

    def allow_dynamic_infrastructure(self, on: bool = True) -> Environments:
        """Let deployments create targets in the environment (``on=False``: don't)."""
        return self._setting("allow_dynamic_infrastructure", "AllowDynamicInfrastructure", on)

    def _setting(self, method: str, field: str, on: Any) -> Environments:
        return self._with_verb(SetField(method, field, parse_bool(on, f"{method}(on=…)")))

    def select(self, ctx: PlanContext) -> list[Doc]:
        """The selected environments (as listed; treat as read-only)."""
        return lookups.selected(ctx, "environments", Environment, self.criteria, "environment")

    def plan(self, ctx: PlanContext) -> Iterable[Edit]:
        if not self.verbs:
            return []
        selected = self.select(ctx)
        total = len(ctx.documents("environments"))
        ctx.selected("environment", len(selected), total, self.whole_is_wide)
        intents = tuple(v.intent() for v in self.verbs if isinstance(v, SetField))
        return [Edit(ENVIRONMENT, d["Id"], d["Name"], d, intents) for d in selected]


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"environments.ensure({what}=…) needs an environment name, not {value!r}")
    return value.strip()


def _optional(value: Any, what: str) -> str | None:
    return None if value is None else _name(value, what)
