"""After the writes: read back what apply wrote, and re-apply intents someone undid.

A document without a concurrency token (a tenant, a target, a user…) can be
overwritten by another writer that read it before our write and saved after
it: their stale copy silently drops our change. So once every write is done,
and a short settle time has passed (longer than a round trip, so such a stale
write has landed), apply reads those documents back in ``?ids=`` batches
(400 tenants: 4 requests) and replays each operation's intents on them. Where
an intent no longer holds, it is written again on that fresh copy, and the
check repeats, up to ``ROUNDS`` times. Two octoflow runs over the same
documents at once therefore both end with their changes in place.

Documents with a token (``ResourceKind.token``: processes, variable sets,
tenant variables) need no check: the server refuses a stale write, and apply
re-reads and replays then.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from octoflow.apply.refresh import read_many
from octoflow.client import OctopusClient
from octoflow.plan.compiler import replay
from octoflow.plan.diff import diff
from octoflow.plan.model import Intent, Operation
from octoflow.registry import Registry, ResourceKind

if TYPE_CHECKING:
    from octoflow.apply.journal import Journal
    from octoflow.apply.update import Updater

#: Times the check runs at most (the first, plus re-checks after re-applying).
ROUNDS = 3
#: Bounds of the settle time before a check, in seconds.
MIN_SETTLE, MAX_SETTLE = 0.05, 5.0


@attrs.frozen
class Drift:
    """An operation whose intents no longer hold on the server's copy."""

    op: Operation
    fresh: Mapping[str, Any]
    desired: dict[str, Any]


@attrs.frozen
class Verification:
    """What the check found: documents read back, re-applied, and still drifting."""

    checked: int = 0
    reapplied: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    requests: int = 0

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


def verifiable(kind: ResourceKind) -> bool:
    """Documents read back after apply: batch-readable, and without a token."""
    return kind.batch_read and not kind.token


def settle_time(slowest_write: float) -> float:
    """How long to wait after the last write before reading back: twice the slowest
    write seen (a concurrent writer's stale save lands within its round trip)."""
    return min(max(2 * slowest_write, MIN_SETTLE), MAX_SETTLE)


def find_drift(
    client: OctopusClient,
    registry: Registry,
    ops: Iterable[Operation],
    intents_of: Callable[[Operation], list[Intent]],
    workers: int = 1,
) -> list[Drift]:
    """Read ``ops``' documents back (batched per kind, ``workers`` requests at once) and
    return those that drifted.

    A document deleted meanwhile is not drift: there is nothing left to correct.
    """
    by_kind: dict[str, list[Operation]] = {}
    for op in ops:
        by_kind.setdefault(op.kind, []).append(op)
    drifted = []
    for kind_name, kind_ops in by_kind.items():
        kind = registry.resource_kind(kind_name)
        ids = [str(o.resource_id) for o in kind_ops]
        found = {d["Id"]: d for d in read_many(client, kind, ids, workers)}
        for op in kind_ops:
            fresh = found.get(str(op.resource_id))
            if fresh is None:
                continue
            desired = replay(fresh, intents_of(op), registry)
            if diff(fresh, desired):
                drifted.append(Drift(op, fresh, desired))
    return drifted


def verify(
    ops: list[Operation], updater: Updater, journal: Journal, concurrency: int
) -> Verification:
    """Read back ``ops``' documents after a settle time; write again those another
    writer undid, and check again, up to ``ROUNDS`` times."""
    if not ops:
        return Verification()
    client, registry = updater.client, updater.registry
    before, todo, reapplied = client.request_count, list(ops), []
    clock = client.throttle.clock
    for _round in range(ROUNDS):
        clock.sleep_until(clock.now() + settle_time(updater.slowest_write))
        drifted = find_drift(client, registry, todo, updater.intents, concurrency)
        if not drifted:
            todo = []
            break
        journal.write("drift", operations=[d.op.key for d in drifted])
        with cf.ThreadPoolExecutor(concurrency, thread_name_prefix="octoflow") as pool:
            list(pool.map(updater.rewrite, [d.op for d in drifted], [d.desired for d in drifted]))
        reapplied += [d.op.key for d in drifted if d.op.key not in reapplied]
        todo = [d.op for d in drifted]
    else:
        todo = [d.op for d in find_drift(client, registry, todo, updater.intents, concurrency)]
    return Verification(
        len(ops), tuple(reapplied), tuple(op.key for op in todo), client.request_count - before
    )
