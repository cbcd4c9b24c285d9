"""``octo.deployments.coordinated``: deploy several projects in dependency order.

Example::

    octo.deployments.coordinated(
        [
            {"project": "Database"},
            {"project": "Orders API", "after": ["Database"]},
            {"project": "Web App", "release": "2.1.0", "after": ["Orders API"]},
        ],
        to="Staging",
    )

Each entry deploys one project's release (``latest`` unless named) after the
entries it names in ``after`` have *succeeded*: apply waits for their tasks,
so a failure stops everything that depends on it while independent projects
go on in parallel within the concurrency limit.
"""

from __future__ import annotations

import graphlib
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs
from octoflow_plugins.deployments import resolve
from octoflow_plugins.deployments.deploy import Dashboard, Options, Planner
from octoflow_plugins.deployments.tasks import Wait

from octoflow.provider import Edit, PlanContext, Project, UsageError, lookups

ENTRY_KEYS = frozenset({"project", "release", "after"})


@attrs.frozen
class Entry:
    project: str
    release: str = "latest"
    after: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | str) -> Entry:
        if isinstance(raw, str):
            return cls(raw)
        if not isinstance(raw, Mapping) or not raw.get("project"):
            raise UsageError(f"each coordinated entry needs a 'project': got {raw!r}")
        unknown = sorted(set(raw) - ENTRY_KEYS)
        if unknown:
            raise UsageError(
                f"coordinated entry for {raw['project']!r}: unknown key(s) {', '.join(unknown)}; "
                f"use {', '.join(sorted(ENTRY_KEYS))}"
            )
        after = raw.get("after") or ()
        after = (after,) if isinstance(after, str) else tuple(str(a) for a in after)
        return cls(str(raw["project"]), str(raw.get("release") or "latest"), after)


@attrs.frozen(init=False)
class Coordinated:
    collection: ClassVar[str] = "deployments"

    entries: tuple[Entry, ...]
    environment: str
    tenants: Any
    options: Options

    def __init__(
        self,
        entries: Sequence[Mapping[str, Any] | str],
        to: str,
        tenants: Any = None,
        **options: Any,
    ) -> None:
        parsed = tuple(Entry.parse(e) for e in entries)
        if not parsed:
            raise UsageError("coordinated(): list at least one project")
        self.__attrs_init__(parsed, to, tenants, Options.build(**options))  # type: ignore[attr-defined]

    def describe(self) -> str:
        return f"deployments.coordinated({len(self.entries)} projects, to={self.environment!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        order = self._order(ctx)
        envs = lookups.environments(ctx, self.environment)
        tenants = resolve.tenants(ctx, self.tenants)
        if order is None or not envs:
            return []
        needed = {name.lower() for e in self.entries for name in e.after}
        board = Dashboard(ctx)
        keys: dict[str, tuple[str, ...]] = {}
        edits: list[Edit] = []
        for entry in order:
            project = ctx.find("projects", Project, entry.project, "project")
            release = project and resolve.release(ctx, project, entry.release, None)
            if not project or not release:
                keys[entry.project.lower()] = ()
                continue
            options = self.options
            if entry.project.lower() in needed:  # its dependents start only once it succeeded
                options = attrs.evolve(
                    options, how=Wait(True, options.how.timeout, options.how.poll)
                )
            after = tuple(k for name in entry.after for k in keys.get(name.lower(), ()))
            planner = Planner(ctx, project, release, None, options, board)
            made = planner.edits(envs[0], tenants, after)
            keys[entry.project.lower()] = tuple(e.key for e in made if not e.done)
            edits += made
        return edits

    def _order(self, ctx: PlanContext) -> list[Entry] | None:
        by_name = {e.project.lower(): e for e in self.entries}
        missing = [(e, n) for e in self.entries for n in e.after if n.lower() not in by_name]
        for entry, name in missing:
            ctx.problem(
                f"{entry.project!r} comes after {name!r}, which is not in the list",
                "list it too, or remove it from 'after'",
            )
        if missing:
            return None
        graph = {name: {a.lower() for a in e.after} for name, e in by_name.items()}
        try:
            return [by_name[name] for name in graphlib.TopologicalSorter(graph).static_order()]
        except graphlib.CycleError as exc:
            cycle = " -> ".join(by_name[n].project for n in exc.args[1])
            ctx.problem(f"the coordinated deployments depend on each other in a cycle: {cycle}")
            return None
