"""Narrowing a plan without editing its recipe: ``--only``, ``--exclude`` and ``--limit``.

An operation is named by its resource id, its name (any case) or its key. A name
that matches no operation of the plan is an error, as is a blank one: narrowing
never silently keeps everything. ``limit`` keeps the first operations in the
plan's own (stable) order. An operation whose dependency was left out is left out
too, and the narrowed plan says so in its notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from octoflow.errors import UsageError
from octoflow.plan.model import Operation, Plan
from octoflow.registry import unknown_name_message


@attrs.frozen
class Narrowing:
    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    limit: int | None = None

    @classmethod
    def from_lists(
        cls, only: Iterable[str] = (), exclude: Iterable[str] = (), limit: int | None = None
    ) -> Narrowing:
        """From option values that may hold comma-separated names (``--only a,b``)."""
        return cls(_names(only, "--only"), _names(exclude, "--exclude"), limit)

    def __bool__(self) -> bool:
        return bool(self.only or self.exclude or self.limit is not None)

    def describe(self) -> str:
        parts = [f"--only {','.join(self.only)}"] if self.only else []
        parts += [f"--exclude {','.join(self.exclude)}"] if self.exclude else []
        parts += [f"--limit {self.limit}"] if self.limit is not None else []
        return ", ".join(parts)


def narrow(plan: Plan, narrowing: Narrowing) -> Plan:
    """``plan`` with only the operations ``narrowing`` keeps (the request estimate is
    the caller's to recompute)."""
    if not narrowing:
        return plan
    for name in narrowing.only + narrowing.exclude:
        _check_known(name, plan.operations)
    kept = [op for op in plan.operations if not narrowing.only or _named(op, narrowing.only)]
    kept = [op for op in kept if not _named(op, narrowing.exclude)]
    if narrowing.limit is not None:
        kept = kept[: narrowing.limit]
    kept, orphans = _without_orphans(kept)
    note = (
        f"narrowed by {narrowing.describe()}: {len(kept)} of {len(plan.operations)} "
        "operation(s) kept"
    )
    if orphans:
        note += f"; {orphans} more left out because an operation they depend on was"
    return attrs.evolve(plan, operations=tuple(kept), notes=(*plan.notes, note))


def _names(values: Iterable[str], option: str) -> tuple[str, ...]:
    names = []
    for value in values:
        parts = [part.strip() for part in value.split(",")]
        if not all(parts):
            raise UsageError(
                f"{option} {value!r} holds a blank name; name resources by id or name, "
                "separated by commas"
            )
        names += parts
    return tuple(names)


def _named(op: Operation, names: Sequence[str]) -> bool:
    wanted = {n.lower() for n in names}
    return bool({op.key.lower(), op.name.lower(), (op.resource_id or "").lower()} & wanted)


def _check_known(name: str, operations: Sequence[Operation]) -> None:
    if not any(_named(op, (name,)) for op in operations):
        known = sorted({op.name for op in operations} | {op.resource_id or "" for op in operations})
        raise UsageError(
            unknown_name_message("resource", name, [k for k in known if k])
            + " (--only and --exclude name operations of this plan)"
        )


def _without_orphans(operations: list[Operation]) -> tuple[list[Operation], int]:
    """Drop operations whose dependencies were dropped, until none is left dangling."""
    kept = operations
    while True:
        keys = {op.key for op in kept}
        still = [op for op in kept if all(dep in keys for dep in op.depends_on)]
        if len(still) == len(kept):
            return kept, len(operations) - len(kept)
        kept = still
