"""One update: re-read the document, replay the plan's intents on it, write it.

The copy written is the server's latest (edits made meanwhile survive) with the
planned intents replayed; a document that contradicts the plan is refused, not
overwritten. A write refused as stale (a concurrency token, or an older
server's ``Version`` message) is re-read and replayed, up to
``VERSION_RETRIES`` times. After a write, the intents are replayed once more
on what was written: a provider whose intents would change it again never
converges, and the result says so.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import attrs

from octoflow.apply.refresh import Refresher, document_path
from octoflow.apply.report import CHANGED, UNCHANGED
from octoflow.client import OctopusClient
from octoflow.errors import ConflictError, UsageError, ValidationError
from octoflow.plan.compiler import replay
from octoflow.plan.diff import conflicts, diff
from octoflow.plan.model import Intent, Operation
from octoflow.plan.refs import resolve_created
from octoflow.registry import Registry, ResourceKind
from octoflow.undo.record import field_changes, secrets_sent

#: Times an update is re-read and re-applied after the server reports a version conflict.
VERSION_RETRIES = 3


@attrs.frozen
class Outcome:
    """What an update did: ``changed`` or ``ok``, why, and a warning if any."""

    outcome: str
    detail: str
    warning: str = ""
    #: What the journal keeps so ``octoflow undo`` can take the write back
    #: (see :mod:`octoflow.undo.record`).
    undo: Mapping[str, Any] = attrs.field(factory=dict)


class Updater:
    """Updates the documents of one apply; shares the ids of documents it created."""

    def __init__(
        self,
        client: OctopusClient,
        registry: Registry,
        refresher: Refresher,
        created: Mapping[str, str],
    ) -> None:
        self.client = client
        self.registry = registry
        self.refresher = refresher
        self.created = created
        #: The slowest write so far, in seconds (the read-back waits twice as long).
        self.slowest_write = 0.0
        #: When each operation's document was last written (the client's clock).
        self.written_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def intents(self, op: Operation) -> list[Intent]:
        """The operation's intents with references to created documents resolved (as
        they are when nothing was created: a reference to nothing stays as it is)."""
        if not self.created:
            return list(op.intents)
        return [
            attrs.evolve(i, args=resolve_created(dict(i.args), self.created)) for i in op.intents
        ]

    def fresh_desired(
        self, op: Operation, kind: ResourceKind, reread: bool = False
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The document as the server has it now, and with our intents replayed on it.

        ``reread`` reads it again on its own, bypassing the batched read.
        """
        resource_id = str(op.resource_id)
        if reread:
            fresh = self.refresher.read_now(kind, resource_id)
        else:
            fresh = self.refresher.fresh(kind, resource_id)
        if fresh is None:
            raise ConflictError(f"{op.kind} {op.name!r} ({op.resource_id}) no longer exists")
        desired = replay(fresh, self.intents(op), self.registry)
        contradictions = conflicts(op.changes, fresh)
        if contradictions:
            raise ConflictError(
                f"{op.kind} {op.name!r} changed on the server since the plan: "
                + "; ".join(contradictions)
                + ". Plan again to see the current state."
            )
        return fresh, desired

    def update(self, op: Operation, kind: ResourceKind) -> Outcome:
        """Re-read, replay, write; a stale write is re-read and replayed."""
        retries = VERSION_RETRIES if kind.version_conflict or kind.token else 0
        attempt = 0
        while True:
            fresh, desired = self.fresh_desired(op, kind, reread=attempt > 0)
            self._run_at_apply(op, desired)
            if not diff(fresh, desired):
                return Outcome(UNCHANGED, "already as planned on the server")
            try:
                written = self.write(op, kind, desired)
            except ValidationError as exc:
                if attempt >= retries or not is_version_conflict(kind, exc):
                    raise
                attempt += 1
                continue
            again = f" (re-applied after {attempt} concurrent save(s))" if attempt else ""
            detail = "; ".join(i.summary for i in op.intents) + again
            warning = self.convergence_warning(op, desired)
            after = written if isinstance(written, Mapping) and written else desired
            undo = {"changes": field_changes(fresh, after, kind), "secrets": secrets_sent(desired)}
            return Outcome(CHANGED, detail, warning, undo)

    def rewrite(self, op: Operation, desired: dict[str, Any]) -> None:
        """Write ``desired`` again (the read-back found an intent undone)."""
        self.write(op, self.registry.resource_kind(op.kind), desired)

    def write(self, op: Operation, kind: ResourceKind, desired: dict[str, Any]) -> Any:
        """PUT ``desired``; the server's answer (the document as saved)."""
        clock = self.client.throttle.clock
        started = clock.now()
        path = document_path(self.client, kind, str(op.resource_id))
        body = {**desired, **op.send} if op.send else desired
        written = self.client.request("PUT", path, json=body)
        finished = clock.now()
        with self._lock:
            self.slowest_write = max(self.slowest_write, finished - started)
            self.written_at[op.key] = finished
        return written

    def convergence_warning(self, op: Operation, written: dict[str, Any]) -> str:
        """Intents that would change the document they just wrote: a run after this one
        would plan changes again, for ever (a bug in the provider that owns them)."""
        restless = [
            intent.name
            for intent in self.intents(op)
            if not self.registry.runs_at_apply(intent.name)
            and diff(written, replay(written, [intent], self.registry))
        ]
        if not restless:
            return ""
        plugins = sorted({self.registry.contributed_by("intent", n) for n in restless})
        return (
            f"intent(s) {', '.join(restless)} would change {op.kind} {op.name!r} again "
            f"right after writing it: they never converge (plugin {', '.join(plugins)})"
        )

    def _run_at_apply(self, op: Operation, desired: dict[str, Any]) -> None:
        """Apply-time intents of an update, on the replayed fresh copy, right before the
        PUT. Secret files are written before the first write, so rows are refused here."""
        for intent in self.intents(op):
            if self.registry.runs_at_apply(intent.name):
                self.registry.intent(intent.name)(desired, intent.args, _no_secret_rows)  # type: ignore[call-arg]


def is_version_conflict(kind: ResourceKind, exc: ValidationError) -> bool:
    """The server refused the write as stale: 409 for a token, or its 400 wording."""
    if kind.token and exc.status == 409:
        return True
    text = " ".join((exc.error_message, *exc.errors)).lower()
    return bool(kind.version_conflict) and kind.version_conflict.lower() in text


def _no_secret_rows(*row: Any) -> None:
    raise UsageError(
        "an apply-time intent of an update cannot write a secret file: secret files are "
        "written before the first write, for documents apply creates"
    )
