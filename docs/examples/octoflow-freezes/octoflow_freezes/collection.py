"""``octo.freezes``: deployment freezes, selected by name, ensured and ended.

Examples::

    octo.freezes.ensure("Holidays 2026", start="2026-12-20T00:00Z", end="2027-01-04T00:00Z",
                        environments="Production")
    octo.freezes.ensure("EU quiet week", "2026-08-03", "2026-08-10", environments="*",
                        tenants=octo.tenants.where(tag="Region/EU"))
    octo.freezes.where(name="Holidays 2026").end()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
from octoflow.provider import (
    EVERYTHING,
    Edit,
    PlanContext,
    Selection,
    UsageError,
    as_names,
    is_everything,
    optional_names,
    selects_note,
    unknown_name_message,
)

from octoflow_freezes import times
from octoflow_freezes.ensure import EnsureFreeze
from octoflow_freezes.listing import all_freezes
from octoflow_freezes.scope import Chosen
from octoflow_freezes.verbs import End

Doc = dict[str, Any]
#: The longest name the server accepts.
MAX_NAME = 200


@attrs.frozen
class Freezes(Selection):
    collection: ClassVar[str] = "freezes"
    criteria_keys: ClassVar[frozenset[str]] = frozenset({"name", "partial_name"})

    def ensure(
        self,
        name: str,
        start: str | dt.datetime,
        end: str | dt.datetime,
        environments: str | Iterable[str],
        projects: str | Iterable[str] | Selection | None = None,
        tenants: str | Iterable[str] | Selection | None = None,
        description: str | None = None,
    ) -> EnsureFreeze:
        """A freeze named ``name`` is in force from ``start`` to ``end`` for ``projects``
        (default: every project of the space) in ``environments`` (``"*"``: every one).

        With ``tenants`` (names, ``"*"``, or ``octo.tenants.where(...)``) it freezes only
        those tenants' deployments, of the projects they are connected to.
        """
        starts, ends = times.moment(start, "start"), times.moment(end, "end")
        if ends <= starts:
            raise UsageError(f"freezes.ensure({name!r}): end must be after start")
        if ends <= times.now():
            raise UsageError(
                f"freezes.ensure({name!r}): end {times.wire(ends)} has passed; a freeze "
                "that has ended blocks nothing"
            )
        return EnsureFreeze(
            _name(name),
            times.wire(starts),
            times.wire(ends),
            _required(environments, "environments"),
            _chosen(projects, "projects", "every project of the space"),
            _chosen(tenants, "tenants", "no tenant scope: every deployment of the projects"),
            description,
        )

    def end(self) -> Freezes:
        """End the selected freezes now (see ``octoflow_freezes.verbs``)."""
        return self._with_verb(End())

    def select(self, ctx: PlanContext) -> list[Doc]:
        """The freezes the criteria select; an unknown name is a problem."""
        freezes = all_freezes(ctx)
        known = [str(f.get("Name", "")) for f in freezes]
        lowered = {k.lower() for k in known}
        for value in self.criteria_for("name"):
            names = as_names(value, "name")
            for name in names:
                if name.lower() not in lowered:
                    ctx.problem(unknown_name_message("deployment freeze", name, known))
            wanted = {n.lower() for n in names}
            freezes = [f for f in freezes if str(f.get("Name", "")).lower() in wanted]
        for value in self.criteria_for("partial_name"):
            part = str(value).lower()
            freezes = [f for f in freezes if part in str(f.get("Name", "")).lower()]
        for predicate in self.criteria_for("predicate"):
            freezes = [f for f in freezes if predicate(f)]
        return freezes

    def plan(self, ctx: PlanContext) -> list[Edit]:
        selected = self.select(ctx)
        if ctx.problems or not self.verbs:
            return []
        ctx.note(selects_note("deployment freeze", len(selected), len(all_freezes(ctx))))
        now = times.now()
        return [verb.edit(f, now) for verb in self.verbs if isinstance(verb, End) for f in selected]


def _name(name: str) -> str:
    text = str(name).strip()
    if not text:
        raise UsageError("freezes.ensure(): the name is empty; name the freeze")
    if len(text) > MAX_NAME:
        raise UsageError(f"freezes.ensure(): the name has {len(text)} characters; at most 200")
    return text


def _required(value: str | Iterable[str] | None, what: str) -> tuple[str, ...]:
    names = as_names(value, what)
    if not names:
        raise UsageError(
            f"freezes.ensure(): {what} is {'missing' if value is None else 'empty'}: "
            f"name at least one, or write {what}='*' for every one on purpose"
        )
    return (EVERYTHING,) if is_everything(names) else names


def _chosen(value: Any, what: str, default: str) -> Chosen | None:
    if value is None or isinstance(value, Selection):
        return value
    names = optional_names(value, what, default)
    return (EVERYTHING,) if is_everything(names) else names
