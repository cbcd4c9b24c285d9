"""Refusing, while planning, a change that leaves a target without a role or an
environment (or a worker without a pool): Octopus would reject the write.

The check replays, per document, every intent planned for it so far in this
plan: two statements that each remove one of a target's two roles are caught
by the second, as their writes would be coalesced into one.
"""

from __future__ import annotations

from collections.abc import Iterable
from weakref import WeakKeyDictionary

from octoflow_plugins.targets.kinds import TARGET, WORKER

from octoflow.provider import Edit, Intent, PlanContext, replay

#: Fields that may not become empty, per kind, with what to call one of their items.
REQUIRED = {
    TARGET: (("Roles", "role"), ("EnvironmentIds", "environment")),
    WORKER: (("WorkerPoolIds", "worker pool"),),
}
NOUNS = {TARGET: "target", WORKER: "worker"}
SHOWN = 10

_planned: WeakKeyDictionary[PlanContext, dict[str, list[Intent]]] = WeakKeyDictionary()


def check(ctx: PlanContext, edits: Iterable[Edit]) -> None:
    """Record a problem naming the documents ``edits`` (plus earlier ones) would empty."""
    planned = _planned.setdefault(ctx, {})
    emptied: dict[tuple[str, str], list[str]] = {}
    for edit in edits:
        if edit.action != "update" or edit.kind not in REQUIRED:
            continue
        intents = planned.setdefault(edit.key, [])
        intents.extend(edit.intents)
        after = replay(edit.document, intents, ctx.registry)
        for field, item in REQUIRED[edit.kind]:
            if not after.get(field):
                emptied.setdefault((edit.kind, item), []).append(edit.name)
    for (kind, item), names in emptied.items():
        shown = ", ".join(repr(n) for n in names[:SHOWN])
        more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
        article = "an" if item[0] in "aeiou" else "a"
        ctx.problem(
            f"this would leave {len(names)} {NOUNS[kind]}(s) without {article} {item}: "
            f"{shown}{more}",
            f"Octopus requires at least one {item}; add another {item} in the same plan "
            "or leave these out of the selection",
        )
