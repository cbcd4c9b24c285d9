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
import queue
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from octoflow.apply.actions import ActionCall, ActionFailed
from octoflow.apply.audit import AuditReport, AuditWatch
from octoflow.apply.journal import Journal
from octoflow.apply.refresh import Refresher, collection_path, document_path
from octoflow.apply.report import (
    CHANGED,
    FAILED,
    SKIPPED,
    UNCHANGED,
    ApplyReport,
    OperationResult,
)
from octoflow.apply.secretfiles import SecretFiles
from octoflow.apply.update import Outcome, Updater
from octoflow.apply.verify import Verification, verifiable, verify
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
)
from octoflow.interrupts import stop_requested_by_signals
from octoflow.jsondata import clone
from octoflow.plan.model import Intent, Operation, Plan
from octoflow.plan.pace import batching
from octoflow.plan.refs import resolve_created
from octoflow.registry import Registry
from octoflow.secrets import redact
from octoflow.undo.record import document_image

__all__ = [
    "CHANGED",
    "FAILED",
    "SKIPPED",
    "UNCHANGED",
    "ApplyReport",
    "Executor",
    "OperationResult",
]

#: After this many operations in a row fail with server or transport errors, stop.
FAILING_IN_A_ROW = 10


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
        self._stop = threading.Event()  # set by Ctrl-C or SIGTERM: stop scheduling and waiting
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
        self._lock = threading.Lock()

    def run(self, plan: Plan, preflight: bool = False) -> ApplyReport:
        """Apply ``plan``. With ``preflight`` (saved plans), first check every
        document against the plan and write nothing if any contradicts it."""
        try:
            return self._run(plan, preflight)
        finally:
            self.journal.close()

    def _run(self, plan: Plan, preflight: bool) -> ApplyReport:
        started, requests_before = time.monotonic(), self.client.request_count
        self._saved_plan = preflight
        ops = {op.key: op for op in plan.operations}
        updates = [
            (self.registry.resource_kind(o.kind), str(o.resource_id))
            for o in plan.operations
            if o.action == "update"
        ]
        if preflight:
            self._preflight(plan, Refresher(self.client, updates))
        paced = self.client.throttle.paced
        size, ahead = batching(self.concurrency, paced)
        refresher = Refresher(self.client, updates, batch_size=size, read_ahead=ahead)
        self._updater = Updater(self.client, self.registry, refresher, self._created)
        self._prepare_creates(plan)
        self.journal.write(
            "apply-started",
            plan=plan.id,
            server=plan.server,
            space=plan.space_id,
            operations=len(ops),
        )
        audit = AuditWatch(self.client, max(1, self._shares()[1]))
        if any(
            op.action != "run" and self.registry.resource_kind(op.kind).audited
            for op in ops.values()
        ):
            audit.start()
        with stop_requested_by_signals(self._stop):
            try:
                self._schedule(ops)
            finally:
                refresher.close()
            interrupted = self._stop.is_set()
            why = "apply was interrupted" if interrupted else "apply stopped early"
            for key, op in ops.items():
                if key not in self._results:
                    self._record(op, SKIPPED, f"not started: {why}", 0.0)
            verification, others = Verification(), AuditReport()
            if not interrupted:
                verification, others = self._check_writes(plan, audit)
                interrupted = self._stop.is_set()
        self._settle_secrets()
        if interrupted:
            others = AuditReport()
        if others.edits:
            self.journal.write("changed-by-others", **others.to_json())
        report = ApplyReport(
            plan.id,
            tuple(self._results[op.key] for op in plan.operations),
            self.client.request_count - requests_before,
            time.monotonic() - started,
            interrupted,
            self._halted,
            self._halted_exit,
            verification,
            others,
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

    def _check_writes(self, plan: Plan, audit: AuditWatch) -> tuple[Verification, AuditReport]:
        """Read back what was written (not after a halt) while the audit log is asked
        about it: each with its share of the workers, so no more requests are in flight
        than ``concurrency``."""
        if self._halted:
            return Verification(), audit.finish(self._changed_ids())
        written, changed = self._written(plan), self._changed_ids()
        reading, asking = self._shares()
        if not asking:
            verification = verify(written, self._updater, self.journal, reading)
            return verification, audit.finish(changed)
        with cf.ThreadPoolExecutor(1, thread_name_prefix="octoflow-audit") as side:
            others = side.submit(audit.finish, changed)
            verification = verify(written, self._updater, self.journal, reading)
            return verification, others.result()

    def _shares(self) -> tuple[int, int]:
        """Workers for the read-back and for the audit log's questions asked alongside
        it; at concurrency 1 they take turns (0 for the audit: asked after)."""
        if self.concurrency < 2:
            return 1, 0
        return self.concurrency - self.concurrency // 2, self.concurrency // 2

    def _changed_ids(self) -> list[str]:
        """Ids of the documents this run wrote (created, updated or deleted) that the
        audit log names (``ResourceKind.audited``)."""
        return [
            str(r.resource_id)
            for r in self._results.values()
            if r.outcome == CHANGED
            and r.resource_id
            and r.action != "run"
            and self.registry.resource_kind(r.kind).audited
        ]

    def _written(self, plan: Plan) -> list[Operation]:
        """Updates apply wrote to documents without a concurrency token: read back."""
        return [
            op
            for op in plan.operations
            if op.action == "update"
            and self._results[op.key].outcome == CHANGED
            and verifiable(self.registry.resource_kind(op.kind))
        ]

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

    def _settle_secrets(self) -> None:
        """Drop secret rows of creations the server refused or that never started."""
        if not self._secrets.paths:
            return

        def happened(key: str) -> bool:
            result = self._results.get(key)
            return result is not None and result.outcome != SKIPPED and key not in self._refused

        self.journal.write("secret-files", rows=self._secrets.keep_only(happened))

    def _preflight(self, plan: Plan, refresher: Refresher) -> None:
        """Check every document against the plan; raise (nothing written) if any
        contradicts it."""
        updater = Updater(self.client, self.registry, refresher, self._created)
        runs = {op.key for op in plan.operations if op.action == "run"}
        problems = []
        try:
            for op in plan.operations:
                # A document after a run may exist only once it ran (a process on a
                # branch the run creates): it is checked right before its write.
                if op.action != "update" or runs & set(op.depends_on):
                    continue
                try:
                    updater.fresh_desired(op, self.registry.resource_kind(op.kind))
                except ConflictError as exc:
                    problems.append(str(exc))
        finally:
            refresher.close()
        if problems:
            raise ConflictError(
                "the server changed since this plan was made; nothing was applied:\n  - "
                + "\n  - ".join(problems)
            )

    def _schedule(self, ops: dict[str, Operation]) -> None:
        """Run each operation once its dependencies are done, ``concurrency`` at a time."""
        if any(op.depends_on for op in ops.values()):
            self._schedule_graph(ops)
        else:
            self._schedule_independent(ops)

    def _schedule_independent(self, ops: dict[str, Operation]) -> None:
        """Operations that wait for none other (a bulk edit) go to the workers at once, in
        plan order; this thread then only waits for the last to finish, or for a stop. (It
        woke at every completion otherwise: a thread switch per write for nothing.)"""
        if not ops:
            return  # nothing will finish, so nothing would end the wait below
        left, lock, finished = len(ops), threading.Lock(), threading.Event()

        def one_done(_: cf.Future[None]) -> None:
            nonlocal left
            with lock:
                left -= 1
                if not left:
                    finished.set()

        with cf.ThreadPoolExecutor(self.concurrency, thread_name_prefix="octoflow") as pool:
            futures = [pool.submit(self._run_one, op) for op in ops.values()]
            for future in futures:
                future.add_done_callback(one_done)
            # A timeout, so a stop asked for by a signal is seen within it.
            while not finished.wait(0.1) and not self._stop.is_set():
                pass
            for future in futures:  # stopped: what has not started never will
                future.cancel()
        for future in futures:
            if not future.cancelled():
                future.result()  # an error escaping _run_one is a bug: say so

    def _schedule_graph(self, ops: dict[str, Operation]) -> None:
        """Operations with dependencies: each starts once those it waits for are done.

        Finished operations come back through a queue: waiting on the whole set of
        running futures instead costs time in proportion to their number at every
        completion, which thousands of queued writes turn into seconds.
        """
        graph = graphlib.TopologicalSorter({k: set(op.depends_on) for k, op in ops.items()})
        graph.prepare()
        finished: queue.SimpleQueue[cf.Future[None]] = queue.SimpleQueue()
        with cf.ThreadPoolExecutor(self.concurrency, thread_name_prefix="octoflow") as pool:
            running: dict[cf.Future[None], str] = {}
            while graph.is_active() and not self._stop.is_set():
                for key in graph.get_ready():
                    if self._blocked_by_failure(ops[key]):
                        graph.done(key)
                        continue
                    future = pool.submit(self._run_one, ops[key])
                    running[future] = key
                    future.add_done_callback(finished.put)
                if not running:
                    continue
                # A timeout, so a stop asked for by a signal is seen within it.
                try:
                    done = [finished.get(timeout=0.1)]
                except queue.Empty:
                    continue
                while not finished.empty():
                    done.append(finished.get())
                for future in done:
                    graph.done(running.pop(future))
                    future.result()  # an error escaping _run_one is a bug: say so
            for future in running:  # stopped: what has not started never will
                future.cancel()

    def _blocked_by_failure(self, op: Operation) -> bool:
        failed = [d for d in op.depends_on if self._results[d].outcome in (FAILED, SKIPPED)]
        if failed:
            self._record(op, SKIPPED, f"depends on {', '.join(failed)}, which did not succeed", 0.0)
        return bool(failed)

    def _run_one(self, op: Operation) -> None:
        if self._halted or self._stop.is_set():
            # Queued before the stop: a worker may take it up before it is cancelled.
            why = "apply was interrupted" if self._stop.is_set() else "apply stopped early"
            self._record(op, SKIPPED, f"not started: {why}", 0.0)
            return
        started, warning, undo = time.monotonic(), "", {}
        try:
            outcome, detail, warning, undo = attrs.astuple(self._perform(op), recurse=False)
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
        self._record(op, outcome, detail, time.monotonic() - started, warning, undo)

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

    def _perform(self, op: Operation) -> Outcome:
        if op.action == "run":
            return Outcome(*self._run_actions(op))
        kind = self.registry.resource_kind(op.kind)
        if op.action == "create":
            body = resolve_created(self._bodies.get(op.key, op.body), self._created)
            created = self.client.request("POST", collection_path(self.client, kind), json=body)
            self._secrets.confirm(op.key)  # it exists: its secret rows go to their files
            new_id = str(created.get("Id", "")) if isinstance(created, dict) else ""
            with self._lock:
                self._created[op.key] = new_id
            return Outcome(CHANGED, f"created {new_id}", undo={"created": document_image(created)})
        if op.action == "delete":
            return self._delete(document_path(self.client, kind, str(op.resource_id)))
        return self._updater.update(op, kind)

    def _delete(self, path: str) -> Outcome:
        """Delete a document, keeping what it was for the journal (undo re-creates it)."""
        try:
            deleted = self.client.get(path)
            self.client.request("DELETE", path)
        except NotFoundError:
            return Outcome(UNCHANGED, "already deleted")
        return Outcome(CHANGED, "deleted", undo={"deleted": document_image(deleted)})

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

    def _record(
        self,
        op: Operation,
        outcome: str,
        detail: str,
        seconds: float,
        warning: str = "",
        undo: Mapping[str, Any] | None = None,
    ) -> None:
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
            redact(warning),
        )
        with self._lock:
            self._results[op.key] = result
        self.journal.write("operation", **attrs.asdict(result), **(undo or {}))
        self.on_result(result)
