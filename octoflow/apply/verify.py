"""After the writes: read back what apply wrote, and re-apply intents someone undid.

A document without a concurrency token (a tenant, a target, a user…) can be
overwritten by another writer that read it before our write and saved after
it: their stale copy silently drops our change. So once every write is done,
apply reads those documents back in ``?ids=`` batches (400 tenants: 4
requests), in the order they were written, each batch no sooner than a short
settle time after the last write of its documents (longer than a round trip, so
such a stale write has landed: the first batches of a long apply are ready at
once), and replays each operation's intents on them. Where an intent no longer
holds, it is written again on that fresh copy, and the check repeats (after the
settle time), up to ``ROUNDS`` times. Two octoflow runs over the same documents
at once therefore both end with their changes in place.

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
from octoflow.client.http import IDS_PER_REQUEST
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
    #: Requests the check made: its reads and its writes (the audit log's, asked at the
    #: same time, are not among them).
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
    ready_at: Callable[[Operation], float] | None = None,
) -> tuple[list[Drift], int]:
    """Read ``ops``' documents back (batched per kind, ``workers`` requests at once):
    those that drifted, and the number of reads. With ``ready_at``, a batch holds
    documents ready at about the same time and is read no sooner than the latest of
    them (the client's clock).

    A document deleted meanwhile is not drift: there is nothing left to correct.
    """
    by_kind: dict[str, list[Operation]] = {}
    for op in sorted(ops, key=ready_at) if ready_at else ops:
        by_kind.setdefault(op.kind, []).append(op)
    batches = [
        kind_ops[i : i + IDS_PER_REQUEST]
        for kind_ops in by_kind.values()
        for i in range(0, len(kind_ops), IDS_PER_REQUEST)
    ]
    if ready_at:
        batches.sort(key=lambda batch: max(ready_at(op) for op in batch))
    clock = client.throttle.clock

    def read(batch: list[Operation]) -> dict[str, Any]:
        """The batch's documents by id (one kind), once they are all ready."""
        if ready_at:
            clock.sleep_until(max(ready_at(op) for op in batch))
        kind = registry.resource_kind(batch[0].kind)
        return {
            doc["Id"]: doc for doc in read_many(client, kind, [str(op.resource_id) for op in batch])
        }

    drifted = []
    for batch, found in zip(batches, client.map(read, batches, workers), strict=True):
        for op in batch:
            fresh = found.get(str(op.resource_id))
            if fresh is None:
                continue
            desired = replay(fresh, intents_of(op), registry)
            if diff(fresh, desired):
                drifted.append(Drift(op, fresh, desired))
    return drifted, len(batches)


def verify(
    ops: list[Operation], updater: Updater, journal: Journal, concurrency: int
) -> Verification:
    """Read back ``ops``' documents, each a settle time after its write; write again
    those another writer undid, and check again, up to ``ROUNDS`` times."""
    if not ops:
        return Verification()
    client, registry = updater.client, updater.registry
    todo, reapplied, requests = list(ops), [], 0
    clock = client.throttle.clock
    settle = settle_time(updater.slowest_write)

    def ready_at(op: Operation) -> float:
        return updater.written_at[op.key] + settle  # every op here was written

    for round_number in range(ROUNDS):
        if round_number:
            clock.sleep_until(clock.now() + settle_time(updater.slowest_write))
        drifted, reads = find_drift(
            client, registry, todo, updater.intents, concurrency, None if round_number else ready_at
        )
        requests += reads + len(drifted)
        if not drifted:
            todo = []
            break
        journal.write("drift", operations=[d.op.key for d in drifted])
        with cf.ThreadPoolExecutor(concurrency, thread_name_prefix="octoflow") as pool:
            list(pool.map(updater.rewrite, [d.op for d in drifted], [d.desired for d in drifted]))
        reapplied += [d.op.key for d in drifted if d.op.key not in reapplied]
        todo = [d.op for d in drifted]
    else:
        drifted, reads = find_drift(client, registry, todo, updater.intents, concurrency)
        todo, requests = [d.op for d in drifted], requests + reads
    return Verification(len(ops), tuple(reapplied), tuple(op.key for op in todo), requests)
