"""Statements → plan: resolve, diff, coalesce, order.

Each statement (a provider's selection with verbs applied) yields
:class:`Edit` s: "these intents, on this document". Edits of one document from
any number of statements are coalesced into a single write; the intents are
replayed on a copy of the document with the same functions apply will use, so
the plan shows exactly what apply will send.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import marshal
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

import attrs

from octoflow.client.http import IDS_PER_REQUEST
from octoflow.errors import PlanError
from octoflow.jsondata import clone
from octoflow.plan.context import PlanContext
from octoflow.plan.diff import diff
from octoflow.plan.model import Intent, Operation, Plan, Unchanged
from octoflow.plan.pace import apply_time, batching
from octoflow.registry import Registry


@attrs.frozen
class Edit:
    """Intents for one document, produced by a provider while planning.

    :param kind: registered resource kind, e.g. ``Tenant``.
    :param resource_id: the document's id; ``None`` when it is to be created.
    :param name: a readable name for plans.
    :param document: the document as read (for a create: the initial body).
    :param action: ``create``, ``update``, ``delete`` or ``run`` (an action: its
        intents name registered actions; ``document`` is unused).
    :param after: keys of edits that must be applied first (when they change anything).
    :param done: for ``run``: why nothing needs doing (already deployed…); the plan
        then lists it as unchanged.
    :param send: fields sent with an update's write that are not part of the document,
        so never diffed nor shown as a change (a Config-as-Code process's
        ``ChangeDescription``, its commit message). Edits of one document coalesce
        into one write; the first edit's value of a field wins.
    """

    kind: str
    resource_id: str | None
    name: str
    document: Mapping[str, Any]
    intents: tuple[Intent, ...]
    action: str = "update"
    after: tuple[str, ...] = ()
    done: str = ""
    send: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.resource_id or 'new:' + self.name}"


class Statement(Protocol):
    """What a DSL chain must offer to be planned."""

    def describe(self) -> str:
        """A short readable form of the statement, used in problems."""

    def plan(self, ctx: PlanContext) -> Iterable[Edit]:
        """Read what is needed through ``ctx`` and yield the edits to make."""


def compile_plan(
    statements: Sequence[Statement],
    ctx: PlanContext,
    title: str,
    params: Mapping[str, Any] | None = None,
) -> Plan:
    """The plan of ``statements`` (see :func:`_compile`), made with the cyclic garbage
    collector paused: planning allocates hundreds of thousands of small acyclic objects
    (models, copies, diffs) that reference counting frees, and the collector's passes
    over them were 40% of a 10,000-tenant compile while finding nothing to collect."""
    with _collector_paused():
        return _compile(statements, ctx, title, params)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _compile(
    statements: Sequence[Statement],
    ctx: PlanContext,
    title: str,
    params: Mapping[str, Any] | None = None,
) -> Plan:
    grouped = _collect(statements, ctx)
    if ctx.problems:
        raise PlanError(ctx.problems)
    operations: list[Operation] = []
    unchanged: list[Unchanged] = []
    for key, edits in grouped.items():
        result = _coalesce(key, edits, ctx.registry)
        (operations if isinstance(result, Operation) else unchanged).append(result)
    operations = _link(operations, grouped)
    audited = ctx.client.capabilities.has_link("Events")
    estimate = estimate_requests(
        operations, ctx.registry, ctx.read_workers, audited, paced=ctx.client.throttle.paced
    )
    return Plan(
        id=ctx.plan_id,
        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        server=ctx.client.connection.url,
        space_id=ctx.client.space_id,
        title=title,
        operations=tuple(operations),
        unchanged=tuple(unchanged),
        labels=dict(ctx.labels),
        notes=tuple(ctx.notes),
        params=dict(params or {}),
        request_estimate=estimate,
        server_version=ctx.client.capabilities.version,
        wide=tuple(ctx.wide) if operations else (),
        rate_limit=apply_time(estimate, ctx.client.throttle.policy) if operations else None,
    )


def _collect(statements: Sequence[Statement], ctx: PlanContext) -> dict[str, list[Edit]]:
    grouped: dict[str, list[Edit]] = {}
    for statement in statements:
        ctx.statement = statement.describe()
        for edit in statement.plan(ctx):
            grouped.setdefault(edit.key, []).append(edit)
    ctx.statement = ""
    for edits in grouped.values():
        actions = {e.action for e in edits}
        if "delete" in actions and len(actions) > 1:
            ctx.problem(f"{edits[0].kind} {edits[0].name!r} is both deleted and changed")
    return grouped


def _coalesce(key: str, edits: list[Edit], registry: Registry) -> Operation | Unchanged:
    first = edits[0]
    intents = _unique(i for e in edits for i in e.intents)
    if first.action in ("delete", "run"):
        todo = [e for e in edits if not e.done]
        if not todo:
            reasons = tuple(dict.fromkeys(e.done for e in edits))
            return Unchanged(first.kind, str(first.resource_id or ""), first.name, reasons)
        intents = _unique(i for e in todo for i in e.intents)
        return Operation(key, first.action, first.kind, first.resource_id, first.name, intents)
    # Apply-time intents never run while planning: apply runs them on the body of a
    # document it creates, or on the fresh copy of one it updates right before the PUT.
    # What they write cannot be diffed now, so an update with one is always planned.
    at_apply = tuple(i for i in intents if registry.runs_at_apply(i.name))
    if at_apply:
        intents = tuple(i for i in intents if i not in at_apply)
    desired, effective = _replay_effective(first.document, intents, registry)
    effective += at_apply
    changes = diff({} if first.action == "create" else first.document, desired)
    if first.action == "update" and not changes and not at_apply:
        reasons = tuple(dict.fromkeys(i.noop or f"{i.summary}: already so" for i in intents))
        return Unchanged(first.kind, str(first.resource_id), first.name, reasons)
    body = desired if first.action == "create" else None
    send = {k: v for e in reversed(edits) for k, v in e.send.items()}
    return Operation(
        key,
        first.action,
        first.kind,
        first.resource_id,
        first.name,
        effective,
        changes,
        (),
        body,
        send,
    )


def _unique(intents: Iterable[Intent]) -> tuple[Intent, ...]:
    """Intents without repeats (two statements may ask for the same thing)."""
    intents = tuple(intents)
    if len(intents) < 2:
        return intents
    seen: dict[str, Intent] = {}
    for intent in intents:
        seen.setdefault(json.dumps([intent.name, intent.args], sort_keys=True), intent)
    return tuple(seen.values())


def _replay_effective(
    document: Mapping[str, Any], intents: tuple[Intent, ...], registry: Registry
) -> tuple[dict[str, Any], tuple[Intent, ...]]:
    """The document with every intent applied, and the intents that changed something.

    Only effective intents go into the plan: one that does nothing for this
    document now must not start doing something at apply time unseen.
    """
    desired = clone(dict(document))
    if len(intents) == 1:
        registry.intent(intents[0].name)(desired, intents[0].args)
        return desired, intents if desired != document else ()
    effective = []
    for intent in intents:
        # A snapshot to compare against: marshal writes JSON data's dicts, lists and
        # scalars (in order) faster than json.dumps, and far faster than a deep copy.
        before = marshal.dumps(desired)
        registry.intent(intent.name)(desired, intent.args)
        if marshal.dumps(desired) != before:
            effective.append(intent)
    return desired, tuple(effective)


def _link(operations: list[Operation], grouped: dict[str, list[Edit]]) -> list[Operation]:
    """Turn edits' ``after`` keys into dependencies between operations that exist."""
    planned = {op.key for op in operations}
    linked = []
    for op in operations:
        needs = {k for e in grouped[op.key] for k in e.after if k in planned and k != op.key}
        linked.append(attrs.evolve(op, depends_on=tuple(sorted(needs))) if needs else op)
    return linked


def replay(
    document: Mapping[str, Any], intents: Iterable[Intent], registry: Registry
) -> dict[str, Any]:
    """A copy of ``document`` with every intent applied, in order (apply-time ones left out)."""
    desired = clone(dict(document))
    for intent in intents:
        if not registry.runs_at_apply(intent.name):
            registry.intent(intent.name)(desired, intent.args)
    return desired


def estimate_requests(
    operations: Sequence[Operation],
    registry: Registry,
    concurrency: int = 8,
    audited: bool = False,
    paced: bool = False,
) -> int:
    """Requests apply will make: one write per operation, the re-reads right before
    the writes (batches of ``concurrency``, twice that when ``paced`` by a rate limit:
    :func:`octoflow.plan.pace.batching`), reading back what has no concurrency
    token (batches of 100), reading what a deletion deletes (the journal keeps it, for
    ``octoflow undo``), and, on a server with an audit log (``audited``), asking
    it who else changed the written documents (``octoflow.apply.audit``: the newest
    event, the key's user, then 100 ids per request). An action counts one; its
    checks and waits add more."""
    per_kind: dict[str, int] = {}
    for op in operations:
        if op.action == "update":
            per_kind[op.kind] = per_kind.get(op.kind, 0) + 1
    reads = sum(1 for op in operations if op.action == "delete")
    for kind_name, count in per_kind.items():
        kind = registry.resource_kind(kind_name)
        if not kind.batch_read:
            reads += count
            continue
        reads += math.ceil(count / batching(concurrency, paced)[0])
        if not kind.token:
            reads += math.ceil(count / IDS_PER_REQUEST)
    written = sum(
        1 for op in operations if op.action != "run" and registry.resource_kind(op.kind).audited
    )
    if audited and written:
        reads += 2 + math.ceil(written / IDS_PER_REQUEST)
    return len(operations) + reads
