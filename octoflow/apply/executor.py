"""Apply: the only part of octoflow that writes.

Walks the plan's operation graph with a bounded thread pool. Right before each
update it re-reads the document (in small batches, :mod:`octoflow.apply.refresh`),
replays the planned intents on that fresh copy — so edits made meanwhile in the
UI survive — and refuses to write when the server contradicts the plan. A write
refused for a stale concurrency token is re-read and replayed; documents
without a token are read back after the writes and re-applied where someone
undid an intent (:mod:`octoflow.apply.verify`). ``run`` operations call
registered actions instead (:mod:`octoflow.apply.actions`). Dependents of a
failed operation are skipped, Ctrl-C stops scheduling (and actions' waits)
cleanly, and every outcome is journaled.
"""

from __future__ import annotations

import concurrent.futures as cf
import graphlib
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from octoflow.apply.actions import ActionCall, ActionFailed
from octoflow.apply.journal import Journal
from octoflow.apply.refresh import Refresher, collection_path, document_path
from octoflow.apply.secretfiles import SecretFiles
from octoflow.apply.verify import ROUNDS, Verification, find_drift, settle_time, verifiable
from octoflow.client import OctopusClient
from octoflow.errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    OctoflowError,
    PermissionDeniedError,
    ServerError,
    TransportError,
    UsageError,
    ValidationError,
)
from octoflow.jsondata import clone
from octoflow.plan.compiler import replay
from octoflow.plan.diff import conflicts, diff
from octoflow.plan.model import Intent, Operation, Plan
from octoflow.plan.refs import resolve_created
from octoflow.registry import Registry, ResourceKind
from octoflow.secrets import redact

CHANGED, UNCHANGED, FAILED, SKIPPED = "changed", "ok", "failed", "skipped"
#: After this many operations in a row fail with server or transport errors, stop.
FAILING_IN_A_ROW = 10
#: Times an update is re-read and re-applied after the server reports a version conflict.
VERSION_RETRIES = 3


@attrs.frozen
class OperationResult:
    """What happened to one operation."""

    key: str
    kind: str
    name: str
    action: str
    outcome: str  # changed | ok | failed | skipped
    detail: str = ""
    seconds: float = 0.0
    resource_id: str | None = None
    #: What an action produced (release version, deployment and task ids…).
    outputs: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class ApplyReport:
    plan_id: str
    results: tuple[OperationResult, ...]
    requests: int
    seconds: float
    interrupted: bool = False
    #: Why apply stopped early (the server refused our key, or kept failing), if it did.
    halted: str = ""
    #: The exit code that reason calls for (3 refused, 4 server failing).
    halted_exit: int = 0
    #: What reading back the written documents found (see ``octoflow.apply.verify``).
    verification: Verification = Verification()

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def recap(self) -> dict[str, int]:
        return {o: self.count(o) for o in (UNCHANGED, CHANGED, FAILED, SKIPPED)}

    @property
    def succeeded(self) -> bool:
        return not (
            self.interrupted
            or self.halted
            or self.count(FAILED)
            or self.count(SKIPPED)
            or self.verification.unresolved
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "recap": self.recap,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "halted": self.halted,
            "halted_exit": self.halted_exit,
            "verification": self.verification.to_json(),
            "results": [attrs.asdict(r) for r in self.results],
        }


class Executor:
    """Runs one plan; holds the scheduling state of that run."""

    def __init__(
        self,
        client: OctopusClient,
        registry: Registry,
        concurrency: int = 8,
        journal: Journal | None = None,
        on_result: Callable[[OperationResult], None] | None = None,
        on_progress: Callable[[Operation, str], None] | None = None,
    ) -> None:
        self.client = client
        self.registry = registry
        self.concurrency = max(1, concurrency)
        self.journal = journal or Journal(None)
        self.on_result = on_result or (lambda result: None)
        self.on_progress = on_progress or (lambda op, message: None)
        self._stop = threading.Event()  # set on Ctrl-C: actions stop waiting
        self._outputs: dict[str, Mapping[str, Any]] = {}
        self._saved_plan = False
        self._results: dict[str, OperationResult] = {}
        self._created: dict[str, str] = {}
        self._secrets = SecretFiles()
        self._bodies: dict[str, Any] = {}  # create bodies with apply-time values
        self._refused: set[str] = set()  # operations the server answered with a 4xx
        self._halted = ""
        self._halted_exit = 0
        self._failing_in_a_row = 0
        self._slowest_write = 0.0
        self._lock = threading.Lock()

    def run(self, plan: Plan, preflight: bool = False) -> ApplyReport:
        """Apply ``plan``. With ``preflight`` (saved plans), first check every
        document against the plan and write nothing if any contradicts it."""
        started, requests_before = time.monotonic(), self.client.request_count
        self._saved_plan = preflight
        ops = {op.key: op for op in plan.operations}
        updates = [
            (self.registry.resource_kind(o.kind), str(o.resource_id))
            for o in plan.operations
            if o.action == "update"
        ]
        if preflight:
            self._refresher = Refresher(self.client, updates)
            try:
                self._preflight(plan)
            finally:
                self._refresher.close()
        self._refresher = Refresher(self.client, updates, batch_size=self.concurrency)
        self._prepare_creates(plan)
        self.journal.write(
            "apply-started",
            plan=plan.id,
            server=plan.server,
            space=plan.space_id,
            operations=len(ops),
        )
        interrupted = False
        try:
            self._schedule(ops)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            self._refresher.close()
        why = "apply was interrupted" if interrupted else "apply stopped early"
        for key, op in ops.items():
            if key not in self._results:
                self._record(op, SKIPPED, f"not started: {why}", 0.0)
        verification = Verification()
        if not (interrupted or self._halted):
            try:
                verification = self._verify(plan)
            except KeyboardInterrupt:
                interrupted = True
        self._settle_secrets()
        report = ApplyReport(
            plan.id,
            tuple(self._results[op.key] for op in plan.operations),
            self.client.request_count - requests_before,
            time.monotonic() - started,
            interrupted,
            self._halted,
            self._halted_exit,
            verification,
        )
        self.journal.write(
            "apply-finished",
            recap=report.recap,
            requests=report.requests,
            interrupted=interrupted,
            halted=redact(self._halted),
            verification=verification.to_json(),
        )
        return report

    def _verify(self, plan: Plan) -> Verification:
        """Read back what was written; re-apply intents another writer undid."""
        todo = [
            op
            for op in plan.operations
            if op.action == "update"
            and self._results[op.key].outcome == CHANGED
            and verifiable(self.registry.resource_kind(op.kind))
        ]
        if not todo:
            return Verification()
        before, checked, reapplied = self.client.request_count, len(todo), []
        for _round in range(ROUNDS):
            clock = self.client.throttle.clock
            clock.sleep_until(clock.now() + settle_time(self._slowest_write))
            drifted = find_drift(self.client, self.registry, todo, self._resolved_intents)
            if not drifted:
                todo = []
                break
            self.journal.write("drift", operations=[d.op.key for d in drifted])
            with cf.ThreadPoolExecutor(self.concurrency, thread_name_prefix="octoflow") as pool:
                list(pool.map(lambda d: self._rewrite(d.op, d.desired), drifted))
            reapplied += [d.op.key for d in drifted if d.op.key not in reapplied]
            todo = [d.op for d in drifted]
        else:
            todo = [
                d.op for d in find_drift(self.client, self.registry, todo, self._resolved_intents)
            ]
        return Verification(
            checked,
            tuple(reapplied),
            tuple(op.key for op in todo),
            self.client.request_count - before,
        )

    def _resolved_intents(self, op: Operation) -> list[Intent]:
        return [
            attrs.evolve(i, args=resolve_created(dict(i.args), self._created)) for i in op.intents
        ]

    def _rewrite(self, op: Operation, desired: dict[str, Any]) -> None:
        kind = self.registry.resource_kind(op.kind)
        self.client.request(
            "PUT", document_path(self.client, kind, str(op.resource_id)), json=desired
        )

    def _prepare_creates(self, plan: Plan) -> None:
        """Run apply-time intents on new documents' bodies, then open their secret files.

        Both happen before the first write, so nothing the server receives is missing
        from disk (see :mod:`octoflow.apply.secretfiles`); a file that cannot take the
        rows stops the apply here.
        """
        for op in plan.operations:
            later = [i for i in op.intents if self.registry.runs_at_apply(i.name)]
            if op.action != "create" or not later:
                continue
            body = clone(dict(op.body or {}))
            secret_row = self._secrets.sink(op.key)
            for intent in later:
                self._run_at_apply(intent, body, secret_row)
            self._bodies[op.key] = body
        self._secrets.write()

    def _run_at_apply(self, intent: Intent, body: dict[str, Any], secret_row: Any) -> None:
        self.registry.intent(intent.name)(body, intent.args, secret_row)  # type: ignore[call-arg]

    def _update_at_apply(self, op: Operation, desired: dict[str, Any]) -> None:
        """Run an update's apply-time intents on the replayed fresh copy, right before
        the PUT, with references to created documents resolved. Secret files are
        written before the first write, so their ``secret_row`` refuses rows here."""
        for intent in op.intents:
            if self.registry.runs_at_apply(intent.name):
                args = resolve_created(dict(intent.args), self._created)
                self._run_at_apply(attrs.evolve(intent, args=args), desired, _no_secret_rows)

    def _settle_secrets(self) -> None:
        """Drop secret rows of creations the server refused or that never started."""
        if not self._secrets.paths:
            return

        def happened(key: str) -> bool:
            result = self._results.get(key)
            return result is not None and result.outcome != SKIPPED and key not in self._refused

        self.journal.write("secret-files", rows=self._secrets.keep_only(happened))

    def _preflight(self, plan: Plan) -> None:
        problems = []
        for op in plan.operations:
            if op.action != "update":
                continue
            try:
                self._fresh_desired(op, self.registry.resource_kind(op.kind))
            except ConflictError as exc:
                problems.append(str(exc))
        if problems:
            raise ConflictError(
                "the server changed since this plan was made; nothing was applied:\n  - "
                + "\n  - ".join(problems)
            )

    def _schedule(self, ops: dict[str, Operation]) -> None:
        graph = graphlib.TopologicalSorter({k: set(op.depends_on) for k, op in ops.items()})
        graph.prepare()
        with cf.ThreadPoolExecutor(self.concurrency, thread_name_prefix="octoflow") as pool:
            running: dict[cf.Future[None], str] = {}
            try:
                while graph.is_active():
                    for key in graph.get_ready():
                        if self._blocked_by_failure(ops[key]):
                            graph.done(key)
                            continue
                        running[pool.submit(self._run_one, ops[key])] = key
                    if not running:
                        continue
                    done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                    for future in done:
                        graph.done(running.pop(future))
                        future.result()  # an error escaping _run_one is a bug: say so
            except KeyboardInterrupt:
                self._stop.set()
                for future in running:
                    future.cancel()
                raise

    def _blocked_by_failure(self, op: Operation) -> bool:
        failed = [d for d in op.depends_on if self._results[d].outcome in (FAILED, SKIPPED)]
        if failed:
            self._record(op, SKIPPED, f"depends on {', '.join(failed)}, which did not succeed", 0.0)
        return bool(failed)

    def _run_one(self, op: Operation) -> None:
        if self._halted:
            self._record(op, SKIPPED, "not started: apply stopped early", 0.0)
            return
        started = time.monotonic()
        try:
            outcome, detail = self._perform(op)
        except (AuthenticationError, PermissionDeniedError) as exc:
            # Every other write would be refused the same way: stop scheduling.
            self._halt(str(exc), exc.exit_code)
            outcome, detail = FAILED, str(exc)
            self._refused.add(op.key)
        except (ServerError, TransportError) as exc:
            outcome, detail = FAILED, str(exc)
            self._count_server_failure(str(exc))
        except ActionFailed as exc:
            outcome, detail = FAILED, str(exc)
            self._outputs[op.key] = exc.outputs
        except OctoflowError as exc:
            outcome, detail = FAILED, str(exc)
            if isinstance(exc, ApiError) and exc.status < 500:
                self._refused.add(op.key)
        except Exception as exc:  # a provider bug must not kill the whole run
            outcome, detail = FAILED, f"unexpected {type(exc).__name__}: {exc}"
        if outcome != FAILED:
            with self._lock:
                self._failing_in_a_row = 0
        self._record(op, outcome, detail, time.monotonic() - started)

    def _halt(self, why: str, exit_code: int) -> None:
        with self._lock:
            if not self._halted:
                self._halted, self._halted_exit = why, exit_code

    def _count_server_failure(self, error: str) -> None:
        """Stop once the server has failed ``FAILING_IN_A_ROW`` operations in a row,
        each after all its retries: hammering a broken server helps nobody."""
        with self._lock:
            self._failing_in_a_row += 1
            failing = self._failing_in_a_row >= FAILING_IN_A_ROW
        if failing:
            self._halt(
                f"the server failed {FAILING_IN_A_ROW} operations in a row; last: {error}",
                ServerError.exit_code,
            )

    def _perform(self, op: Operation) -> tuple[str, str]:
        if op.action == "run":
            return self._run_actions(op)
        kind = self.registry.resource_kind(op.kind)
        if op.action == "create":
            body = resolve_created(self._bodies.get(op.key, op.body), self._created)
            created = self.client.request("POST", collection_path(self.client, kind), json=body)
            self._secrets.confirm(op.key)  # it exists: its secret rows go to their files
            new_id = str(created.get("Id", "")) if isinstance(created, dict) else ""
            with self._lock:
                self._created[op.key] = new_id
            return CHANGED, f"created {new_id}"
        if op.action == "delete":
            try:
                self.client.request("DELETE", document_path(self.client, kind, str(op.resource_id)))
            except NotFoundError:
                return UNCHANGED, "already deleted"
            return CHANGED, "deleted"
        return self._update(op, kind)

    def _run_actions(self, op: Operation) -> tuple[str, str]:
        """Call the operation's actions in order (usually one); see ``apply.actions``."""
        changed, details, outputs = False, [], {}
        for intent in op.intents:
            call = ActionCall(
                self.client,
                resolve_created(dict(intent.args), self._created),
                not self._saved_plan,
                lambda message: self.on_progress(op, redact(message)),
                self._stop,
            )
            result = self.registry.action(intent.name)(call)
            changed = changed or result.changed
            details.append(result.detail)
            outputs.update(result.outputs)
            self._outputs[op.key] = dict(outputs)
            if result.created_id:
                with self._lock:
                    self._created[op.key] = result.created_id
        return (CHANGED if changed else UNCHANGED), "; ".join(details)

    def _fresh_desired(
        self, op: Operation, kind: ResourceKind, reread: bool = False
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The document as the server has it now, and with our intents replayed on it.

        ``reread`` reads it again on its own, bypassing the batched first read.
        """
        if reread:
            fresh = self._refresher.read_now(kind, str(op.resource_id))
        else:
            fresh = self._refresher.fresh(kind, str(op.resource_id))
        if fresh is None:
            raise ConflictError(f"{op.kind} {op.name!r} ({op.resource_id}) no longer exists")
        desired = replay(fresh, self._resolved_intents(op), self.registry)
        contradictions = conflicts(op.changes, fresh)
        if contradictions:
            raise ConflictError(
                f"{op.kind} {op.name!r} changed on the server since the plan: "
                + "; ".join(contradictions)
                + ". Plan again to see the current state."
            )
        return fresh, desired

    def _update(self, op: Operation, kind: ResourceKind) -> tuple[str, str]:
        """Re-read, replay, write; a ``Version`` conflict (someone saved in between)
        re-reads and replays again, up to ``VERSION_RETRIES`` times."""
        retries = VERSION_RETRIES if kind.version_conflict or kind.token else 0
        attempt = 0
        while True:
            fresh, desired = self._fresh_desired(op, kind, reread=attempt > 0)
            self._update_at_apply(op, desired)
            if not diff(fresh, desired):
                return UNCHANGED, "already as planned on the server"
            try:
                started = time.monotonic()
                self.client.request(
                    "PUT", document_path(self.client, kind, str(op.resource_id)), json=desired
                )
                self._note_write_time(time.monotonic() - started)
            except ValidationError as exc:
                if attempt >= retries or not _is_version_conflict(kind, exc):
                    raise
                attempt += 1
                continue
            again = f" (re-applied after {attempt} concurrent save(s))" if attempt else ""
            return CHANGED, "; ".join(i.summary for i in op.intents) + again

    def _note_write_time(self, seconds: float) -> None:
        with self._lock:
            self._slowest_write = max(self._slowest_write, seconds)

    def _record(self, op: Operation, outcome: str, detail: str, seconds: float) -> None:
        result = OperationResult(
            op.key,
            op.kind,
            op.name,
            op.action,
            outcome,
            redact(detail),
            round(seconds, 4),
            op.resource_id or self._created.get(op.key),
            self._outputs.get(op.key, {}),
        )
        with self._lock:
            self._results[op.key] = result
        self.journal.write("operation", **attrs.asdict(result))
        self.on_result(result)


def _no_secret_rows(*row: Any) -> None:
    raise UsageError(
        "an apply-time intent of an update cannot write a secret file: secret files are "
        "written before the first write, for documents apply creates"
    )


def _is_version_conflict(kind: ResourceKind, exc: ValidationError) -> bool:
    """The server refused the write as stale: 409 for a token, or its 400 wording."""
    if kind.token and exc.status == 409:
        return True
    text = " ".join((exc.error_message, *exc.errors)).lower()
    return bool(kind.version_conflict) and kind.version_conflict.lower() in text
