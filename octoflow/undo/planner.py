"""The inverse of an apply, planned from its journal like any recipe.

Each document the apply updated is read as it is now and every recorded field is
judged three ways (:mod:`octoflow.undo.restore`); the fields still as the apply
left them make one update operation whose intent, ``octoflow.restore``, is
replayed at apply time on a fresh copy, as every update is. A document the apply
created is deleted, unless someone changed it since; a deleted one is created
again from its recorded image (with a new id: what referred to the old one is not
restored). Actions (deployments, runbook runs) cannot be undone and are listed.
What undo refuses, it says per field, naming who changed it when the audit log
knows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from octoflow.apply.refresh import Refresher
from octoflow.client import OctopusClient
from octoflow.client.http import IDS_PER_REQUEST
from octoflow.errors import OctoflowError, UsageError
from octoflow.jsondata import clone
from octoflow.plan.compiler import estimate_requests
from octoflow.plan.diff import SERVER_FIELDS, diff
from octoflow.plan.model import Intent, Operation, Plan, Unchanged
from octoflow.registry import Registry, ResourceKind
from octoflow.undo.recorded import RecordedApply, RecordedWrite
from octoflow.undo.restore import ALREADY, REFUSED, RESTORE_INTENT, holds_secret, restore

#: Fields a re-created document must not carry: the server assigns them.
_ASSIGNED = SERVER_FIELDS | {"Id", "Version", "ConcurrencyToken"}


@attrs.frozen
class UndoPlan:
    """The inverse plan, and what it cannot take back (also among the plan's notes)."""

    plan: Plan
    refused: tuple[str, ...] = ()
    not_undoable: tuple[str, ...] = ()


class UndoPlanner:
    def __init__(self, client: OctopusClient, registry: Registry) -> None:
        self.client = client
        self.registry = registry
        self.operations: list[Operation] = []
        self.unchanged: list[Unchanged] = []
        self.refused: list[tuple[RecordedWrite, str]] = []

    def plan(self, recorded: RecordedApply) -> UndoPlan:
        self._check_target(recorded)
        writes = [w for w in reversed(recorded.writes) if w.action != "run" and self._undoable(w)]
        not_undoable = [
            f"not undoable: {w.kind} {w.name!r} ({w.key}) was an action"
            for w in recorded.writes
            if w.action == "run"
        ]
        not_undoable += [
            f"not undoable: {w.kind} {w.name!r} ({w.key}): {why}"
            for w in recorded.writes
            if w.action != "run" and (why := self._registry_kind(w).not_undoable)
        ]
        not_undoable += [
            f"not undoable: {w.kind} {w.name!r}: the journal has no record of what changed "
            "(written by an older octoflow)"
            for w in writes
            if not w.recorded
        ]
        now = self._read_now([w for w in writes if w.recorded and w.action != "delete"])
        for write in writes:
            if write.recorded:
                self._undo(write, now.get((write.kind, write.resource_id)))
        refused = self._refusals()
        plan = self._assemble(recorded, refused + not_undoable)
        return UndoPlan(plan, tuple(refused), tuple(not_undoable))

    def _registry_kind(self, write: RecordedWrite) -> ResourceKind:
        return self.registry.resource_kind(write.kind)

    def _undoable(self, write: RecordedWrite) -> bool:
        return not self._registry_kind(write).not_undoable

    def _check_target(self, recorded: RecordedApply) -> None:
        here = self.client.connection.url.rstrip("/")
        if recorded.server.rstrip("/") != here:
            raise UsageError(
                f"this journal records an apply to {recorded.server}, not {here}; "
                "undo it against the server it changed"
            )
        if recorded.space_id != self.client.space_id:
            raise UsageError(
                f"this journal records an apply in space {recorded.space_id}, not "
                f"{self.client.space_id}; undo it with --space {recorded.space_id}"
            )

    def _read_now(self, writes: Sequence[RecordedWrite]) -> dict[tuple[str, str], Any]:
        pending = [(self.registry.resource_kind(w.kind), w.resource_id) for w in writes]
        unique = list(dict.fromkeys(pending))
        refresher = Refresher(self.client, unique)
        try:
            return {(kind.name, rid): refresher.fresh(kind, rid) for kind, rid in unique}
        finally:
            refresher.close()

    def _undo(self, write: RecordedWrite, now: Any) -> None:
        if write.action == "update":
            self._undo_update(write, now)
        elif write.action == "create":
            self._undo_create(write, now)
        elif write.action == "delete":
            self._undo_delete(write)

    def _undo_update(self, write: RecordedWrite, now: Any) -> None:
        if now is None:
            self.refused.append((write, "it no longer exists"))
            return
        for path in _overwritten_secrets(write):
            why = (
                f"{'.'.join(path)}: the apply sent a sensitive value; journals never record "
                "secrets, so if it had an earlier value, set that again from its source"
            )
            self.refused.append((write, why))
        restored = clone(now)
        taken_back = []
        for change in write.changes:
            verdict = restore(restored, change)
            if verdict.state == REFUSED:
                self.refused.append((write, f"{'.'.join(change['path'])}: {verdict.why}"))
            elif verdict.state != ALREADY:
                taken_back.append(change)
        changes = diff(now, restored)
        if not changes:
            self.unchanged.append(self._unchanged(write, "already as before the apply"))
            return
        summary = f"restore {len(taken_back)} field(s) as they were before the apply"
        intent = Intent(RESTORE_INTENT, {"changes": taken_back}, summary)
        self._add(write, "update", (intent,), changes)

    def _undo_create(self, write: RecordedWrite, now: Any) -> None:
        if now is None:
            self.unchanged.append(self._unchanged(write, "already deleted"))
            return
        since = [".".join(c.path) for c in diff(_comparable(write.image), _comparable(now))]
        if since:
            shown = ", ".join(since[:5]) + (" …" if len(since) > 5 else "")
            self.refused.append((write, f"changed since the apply created it ({shown})"))
            return
        intent = Intent(RESTORE_INTENT, {}, "delete: the apply created it")
        self._add(write, "delete", (intent,))

    def _undo_delete(self, write: RecordedWrite) -> None:
        body = {k: v for k, v in (write.image or {}).items() if k not in _ASSIGNED}
        if holds_secret(body):
            why = "cannot be created again: it held a sensitive value, which journals never record"
            self.refused.append((write, why))
            return
        intent = Intent(RESTORE_INTENT, {}, "create again (with a new id) what the apply deleted")
        self._add(write, "create", (intent,), body=body)

    def _add(
        self,
        write: RecordedWrite,
        action: str,
        intents: tuple[Intent, ...],
        changes: tuple[Any, ...] = (),
        body: Mapping[str, Any] | None = None,
    ) -> None:
        resource_id = None if action == "create" else write.resource_id
        key = f"{write.kind}/{resource_id or 'new:' + write.name}"
        op = Operation(key, action, write.kind, resource_id, write.name, intents, changes)
        self.operations.append(attrs.evolve(op, body=body) if body is not None else op)

    def _unchanged(self, write: RecordedWrite, why: str) -> Unchanged:
        return Unchanged(write.kind, write.resource_id, write.name, (why,))

    def _refusals(self) -> list[str]:
        who = _who_changed(self.client, self.refused)
        lines = []
        for write, why in self.refused:
            by = who.get(write.resource_id)
            lines.append(
                f"not undone: {write.kind} {write.name!r} ({write.resource_id}) {why}"
                + (f" (last changed by {by})" if by else "")
            )
        return lines

    def _assemble(self, recorded: RecordedApply, notes: list[str]) -> Plan:
        # Take references back before deleting what they pointed to.
        updates = tuple(op.key for op in self.operations if op.action == "update")
        operations = [
            attrs.evolve(op, depends_on=updates) if op.action == "delete" else op
            for op in self.operations
        ]
        audited = self.client.capabilities.has_link("Events")
        return Plan(
            id=uuid.uuid4().hex[:12],
            created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            server=self.client.connection.url,
            space_id=self.client.space_id,
            title=f"undo of plan {recorded.plan_id}",
            operations=tuple(operations),
            unchanged=tuple(self.unchanged),
            notes=tuple(notes),
            params={"journal": str(recorded.journal)},
            request_estimate=estimate_requests(operations, self.registry, audited=audited),
            server_version=self.client.capabilities.version,
        )


def _overwritten_secrets(write: RecordedWrite) -> list[tuple[str, ...]]:
    """Sensitive values the write sent into what already existed: undo cannot bring back
    what they replaced. (One inside something the write added goes with it.)"""
    added = [tuple(c["path"]) for c in write.changes if c.get("absent") == "before"]
    return [path for path in write.secrets if not any(path[: len(a)] == a for a in added)]


def _comparable(document: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(document or {}).items() if k not in SERVER_FIELDS}


def _who_changed(
    client: OctopusClient, refused: Sequence[tuple[RecordedWrite, str]]
) -> dict[str, str]:
    """The audit log's newest change to each refused document after the apply wrote it."""
    written = {w.resource_id: w.at for w, _ in refused if w.resource_id}
    if not written or not client.capabilities.has_link("Events"):
        return {}
    ids = list(written)
    found: dict[str, tuple[dt.datetime, str]] = {}
    try:
        for start in range(0, len(ids), IDS_PER_REQUEST):
            chunk = ids[start : start + IDS_PER_REQUEST]
            params = {"regardingAny": ",".join(chunk), "excludeDifference": "true"}
            for event in client.list_all("/api/events", params):
                _note_author(event, written, found)
    except OctoflowError:
        return {}  # who is a courtesy: without the audit log, undo still refuses
    return {doc_id: who for doc_id, (_, who) in found.items()}


def _note_author(
    event: Mapping[str, Any],
    written: Mapping[str, str],
    found: dict[str, tuple[dt.datetime, str]],
) -> None:
    """Keep ``event`` for each document it regards if it is the newest after the write."""
    occurred = _moment(str(event.get("Occurred") or ""))
    who = f"{event.get('Username') or event.get('UserId')} at {event.get('Occurred')}"
    for doc_id in event.get("RelatedDocumentIds") or ():
        at = _moment(written.get(doc_id, ""))
        if at is None or occurred is None or occurred <= at:
            continue
        if doc_id not in found or occurred > found[doc_id][0]:
            found[doc_id] = (occurred, who)


def _moment(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
