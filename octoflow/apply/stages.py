"""Staged rollout: apply a plan a stage at a time, checking after each stage.

The plan's operations, in its own order, form a canary stage of ``canary``
operations, then stages of ``batch_size`` (either may be left out). An
operation never runs before what it depends on: one whose dependency falls in a
later stage moves to that stage. Each stage is an ordinary apply
(:meth:`Octoflow.apply`) of the stage's operations, into the same journal; the
checks (:mod:`octoflow.apply.checks`) run after it, then a pause (a duration, or
a question) before the next. A failed check, too many failed operations
(``max_failures``), a refused key or an interruption stop the rollout: later
stages stay untouched, and the journal (``rollout-started`` holds the plan and
the settings; ``stage-started``, ``check``, ``stage-finished``,
``rollout-stopped``/``rollout-finished``) lets :mod:`octoflow.apply.resume`
carry on where it stopped.
"""

from __future__ import annotations

import graphlib
import re
import sys
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from octoflow.apply.audit import AuditReport
from octoflow.apply.checks import Check, CheckResult
from octoflow.apply.journal import Journal
from octoflow.apply.report import (
    CHANGED,
    FAILED,
    SKIPPED,
    UNCHANGED,
    ApplyReport,
    OperationResult,
)
from octoflow.apply.verify import Verification
from octoflow.errors import OctoflowError, UsageError
from octoflow.plan.model import Operation, Plan
from octoflow.plan.refs import resolve_created

if TYPE_CHECKING:
    from octoflow.session import Octoflow

DONE = (CHANGED, UNCHANGED)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


@attrs.frozen
class Pause:
    """Between stages: ``seconds`` of waiting, or (``prompt``) a question on the terminal."""

    seconds: float = 0.0
    prompt: bool = False

    @classmethod
    def parse(cls, text: str) -> Pause:
        """``30s``, ``2m``, ``500ms``, ``1h``, a number of seconds, or ``prompt``."""
        if text.strip().lower() == "prompt":
            return cls(prompt=True)
        match = _DURATION.match(text.strip().lower())
        if not match:
            raise UsageError(f"--pause {text!r} is neither a duration (30s, 2m, 500ms) nor prompt")
        return cls(float(match[1]) * _UNITS[match[2]])

    def describe(self) -> str:
        return "prompt" if self.prompt else f"{self.seconds:g}s"


@attrs.frozen
class FailureLimit:
    """Stop once failed operations exceed ``count``, or ``percent`` of those attempted."""

    count: int = 0
    percent: float | None = None

    @classmethod
    def parse(cls, text: str) -> FailureLimit:
        """``5`` (more than 5 failures stop it) or ``2%`` (more than 2% of those attempted)."""
        value = text.strip()
        try:
            if value.endswith("%"):
                percent = float(value[:-1])
                if 0 <= percent <= 100:
                    return cls(percent=percent)
            elif int(value) >= 0:
                return cls(count=int(value))
        except ValueError:
            pass
        raise UsageError(
            f"--max-failures {text!r} is not a count (0 or more) or a percentage (0% to 100%): "
            "write e.g. 5 or 2%"
        )

    def exceeded(self, failed: int, attempted: int) -> bool:
        if self.percent is not None:
            return failed * 100 > self.percent * attempted
        return failed > self.count

    def describe(self) -> str:
        return f"{self.percent:g}%" if self.percent is not None else str(self.count)


@attrs.frozen
class Rollout:
    """How to stage a plan. Neither ``canary`` nor ``batch_size``: one stage."""

    canary: int | None = None
    batch_size: int | None = None
    checks: tuple[Check, ...] = ()
    pause: Pause = Pause()
    max_failures: FailureLimit = FailureLimit()

    def __attrs_post_init__(self) -> None:
        for name in ("canary", "batch_size"):
            value = getattr(self, name)
            if value is not None and value < 1:
                option = "--" + name.replace("_", "-")
                raise UsageError(f"{option} must be at least 1, not {value}")

    def stages(self, operations: Sequence[Operation]) -> list[tuple[Operation, ...]]:
        """The operations by stage, each stage in the plan's order; none empty."""
        stage_of = {op.key: self._position_stage(i) for i, op in enumerate(operations)}
        graph = {op.key: set(op.depends_on) for op in operations}
        for key in graphlib.TopologicalSorter(graph).static_order():
            if key in stage_of:
                later = [stage_of[d] for d in graph.get(key, ()) if d in stage_of]
                stage_of[key] = max([stage_of[key], *later])
        numbers = sorted(set(stage_of.values()))
        return [tuple(op for op in operations if stage_of[op.key] == n) for n in numbers]

    def _position_stage(self, index: int) -> int:
        first = self.canary or 0
        if index < first:
            return 0
        rest = index - first
        return (1 if first else 0) + (rest // self.batch_size if self.batch_size else 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "canary": self.canary,
            "batch_size": self.batch_size,
            "checks": [c.to_json() for c in self.checks],
            "pause": self.pause.describe(),
            "max_failures": self.max_failures.describe(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rollout:
        return cls(
            data.get("canary"),
            data.get("batch_size"),
            tuple(Check.from_json(c) for c in data.get("checks", ())),
            Pause.parse(str(data.get("pause", "0s"))),
            FailureLimit.parse(str(data.get("max_failures", "0"))),
        )


@attrs.frozen
class StageResult:
    number: int
    operations: tuple[str, ...]
    #: ``None`` for a stage done in an earlier run (resumed rollouts).
    report: ApplyReport | None
    checks: tuple[CheckResult, ...] = ()
    skipped: tuple[OperationResult, ...] = ()

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.number,
            "operations": len(self.operations),
            "earlier": self.report is None,
            "checks": [c.to_json() for c in self.checks],
        }


@attrs.frozen
class Resumption:
    """What an earlier run of the same rollout did (see :mod:`octoflow.apply.resume`)."""

    #: Operations recorded as changed or ok, and the ids they created (if any).
    done: Mapping[str, str | None] = attrs.field(factory=dict)
    #: Operation keys of each stage recorded as finished with its checks passed.
    passed_stages: Collection[frozenset[str]] = ()


@attrs.frozen
class RolloutReport:
    """The whole rollout: its stages, why it stopped (if it did), and a combined report
    of the operations this run was to apply."""

    stages: tuple[StageResult, ...]
    total_stages: int
    report: ApplyReport
    stopped: str = ""
    #: Operations an earlier run already applied (a resumed rollout).
    earlier: int = 0

    @property
    def exit_code(self) -> int:
        if self.report.halted:
            return self.report.halted_exit or 1
        return 0 if (self.report.succeeded and not self.stopped) else 1

    @property
    def failed_check(self) -> CheckResult | None:
        return next((c for s in self.stages for c in s.checks if not c.passed), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "stages": [s.to_json() for s in self.stages],
            "total_stages": self.total_stages,
            "stopped": self.stopped,
            "earlier": self.earlier,
            "report": self.report.to_json(),
        }


def describe_positions(positions: Sequence[int]) -> str:
    """``[1, 2, 3, 7]`` → ``operations 1-3, 7`` (1-based places in the plan)."""
    runs: list[list[int]] = []
    for p in positions:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    parts = [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return ("operations " if len(positions) > 1 else "operation ") + ", ".join(parts)


def ask_on_terminal(question: str) -> bool:
    """Ask on stderr, read stdin: only ``y`` or ``yes`` continues."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def check_prompt_possible(rollout: Rollout) -> None:
    if rollout.pause.prompt and not sys.stdin.isatty():
        raise UsageError(
            "--pause prompt asks on the terminal, and stdin is not one; nothing was applied. "
            "Give a duration (--pause 30s) instead"
        )


class StagedApply:
    """Runs one rollout of one plan; holds its state."""

    def __init__(
        self,
        octo: Octoflow,
        plan: Plan,
        rollout: Rollout,
        *,
        journal: Path | None = None,
        concurrency: int = 8,
        allow_wide: bool = False,
        preflight: bool = False,
        on_result: Callable[[OperationResult], None] | None = None,
        on_progress: Callable[[Operation, str], None] | None = None,
        on_stage: Callable[[str], None] | None = None,
        ask: Callable[[str], bool] = ask_on_terminal,
    ) -> None:
        self.octo, self.plan, self.rollout = octo, plan, rollout
        self.journal = Journal(journal)
        self.options: dict[str, Any] = {
            "concurrency": concurrency,
            "journal": journal,
            "on_result": on_result,
            "on_progress": on_progress,
            "preflight": preflight,
            "allow_wide": allow_wide,
        }
        self.on_stage = on_stage or (lambda text: None)
        self.ask = ask
        self._positions = {op.key: i + 1 for i, op in enumerate(plan.operations)}
        self._outcomes: dict[str, str] = {}
        self._created: dict[str, str] = {}

    def run(self, resumption: Resumption | None = None) -> RolloutReport:
        try:
            return self._run(resumption or Resumption())
        finally:
            self.journal.close()

    def _run(self, resumption: Resumption) -> RolloutReport:
        done = resumption.done
        self._created = {k: v for k, v in done.items() if v}
        self._outcomes = dict.fromkeys(done, CHANGED)
        stages = self.rollout.stages(self.plan.operations)
        self.journal.write(
            "rollout-started",
            plan=self.plan.to_json(),
            digest=self.plan.digest,
            settings=self.rollout.to_json(),
            stages=len(stages),
            resumed=bool(done or resumption.passed_stages),
        )
        results: list[StageResult] = []
        stopped = ""
        for number, ops in enumerate(stages, start=1):
            keys = frozenset(op.key for op in ops)
            if keys in resumption.passed_stages and keys <= done.keys():
                self.on_stage(f"stage {number}/{len(stages)}: done in an earlier run")
                results.append(StageResult(number, tuple(sorted(keys)), None))
                continue
            result = self._stage(number, len(stages), ops, stages[number:], done)
            results.append(result)
            stopped = self._why_stop(result, number, len(stages))
            self.journal.write(
                "stage-finished",
                stage=number,
                operations=list(result.operations),
                passed=result.passed and not stopped,
                recap=_recap(result),
                reason=stopped,
            )
            if stopped:
                break
            if number < len(stages) and not self._pause(number, len(stages)):
                stopped = f"not continued at the prompt after stage {number}"
                break
        report = self._combined(results, [op for op in self.plan.operations if op.key not in done])
        rollout = RolloutReport(tuple(results), len(stages), report, stopped, len(done))
        self.journal.write(
            "rollout-stopped" if stopped else "rollout-finished",
            reason=stopped,
            recap=report.recap,
            stages=[s.to_json() for s in results],
        )
        return rollout

    def _stage(
        self,
        number: int,
        total: int,
        ops: Sequence[Operation],
        later: Sequence[Sequence[Operation]],
        done: Mapping[str, str | None],
    ) -> StageResult:
        todo = [op for op in ops if op.key not in done]
        where = describe_positions([self._positions[op.key] for op in ops])
        left = f" ({len(todo)} left)" if len(todo) != len(ops) else ""
        self.on_stage(f"stage {number}/{total}: {where}{left}")
        keys = tuple(op.key for op in ops)
        self.journal.write("stage-started", stage=number, of=total, operations=list(keys))
        runnable, skipped = self._runnable(todo)
        report = None
        if runnable:
            sub_plan = attrs.evolve(self.plan, operations=tuple(runnable))
            try:
                report = self.octo.apply(sub_plan, **self.options)
            except OctoflowError as exc:
                self._stop_on_error(number, exc)
                raise
            self._learn(report)
        for result in skipped:
            self._outcomes[result.key] = SKIPPED
        if report is not None and (report.interrupted or report.halted):
            return StageResult(number, keys, report, (), tuple(skipped))
        pending = {str(op.resource_id) for stage in later for op in stage if op.resource_id}
        checks = tuple(self._check(c, pending, number, total) for c in self.rollout.checks)
        return StageResult(number, keys, report, checks, tuple(skipped))

    def _runnable(self, todo: list[Operation]) -> tuple[list[Operation], list[OperationResult]]:
        """The stage's operations that can run, with dependencies on earlier stages dropped
        (they succeeded) and created ids filled in; and those skipped because something
        they depend on did not succeed."""
        keys = {op.key for op in todo}
        good = {k for k, outcome in self._outcomes.items() if outcome in DONE}
        skipped: dict[str, OperationResult] = {}
        while True:
            before = len(skipped)
            for op in todo:
                bad = [d for d in op.depends_on if d in skipped or (d not in keys | good)]
                if bad and op.key not in skipped:
                    why = f"depends on {', '.join(bad)}, which did not succeed"
                    skipped[op.key] = _skipped(op, why)
            if len(skipped) == before:
                break
        runnable = [self._resolved(op, keys) for op in todo if op.key not in skipped]
        return runnable, list(skipped.values())

    def _resolved(self, op: Operation, stage_keys: Collection[str]) -> Operation:
        intents = tuple(
            attrs.evolve(i, args=resolve_created(dict(i.args), self._created)) for i in op.intents
        )
        return attrs.evolve(
            op,
            depends_on=tuple(d for d in op.depends_on if d in stage_keys),
            intents=intents,
            body=resolve_created(op.body, self._created) if op.body is not None else None,
        )

    def _learn(self, report: ApplyReport) -> None:
        for result in report.results:
            self._outcomes[result.key] = result.outcome
            if result.outcome == CHANGED and result.action in ("create", "run"):
                if result.resource_id:
                    self._created[result.key] = str(result.resource_id)

    def _check(
        self, check: Check, pending: Collection[str], number: int, total: int
    ) -> CheckResult:
        result = check.run(self.octo, pending, number, total)
        self.journal.write("check", stage=number, **result.to_json())
        verdict = "passed" if result.passed else "FAILED"
        self.on_stage(f"stage {number}/{total}: check {result.check} {verdict}: {result.output}")
        return result

    def _why_stop(self, result: StageResult, number: int, total: int) -> str:
        report = result.report
        if report is not None and report.interrupted:
            return f"interrupted in stage {number}/{total}"
        if report is not None and report.halted:
            return f"apply stopped in stage {number}/{total}: {report.halted}"
        failed_check = next((c for c in result.checks if not c.passed), None)
        if failed_check is not None:
            return f"check {failed_check.check} failed after stage {number}/{total}"
        outcomes = list(self._outcomes.values())
        failed = outcomes.count(FAILED)
        attempted = failed + sum(outcomes.count(o) for o in DONE)
        if failed and self.rollout.max_failures.exceeded(failed, attempted):
            return (
                f"{failed} of {attempted} operation(s) failed by stage {number}/{total}, "
                f"more than --max-failures {self.rollout.max_failures.describe()}"
            )
        return ""

    def _pause(self, number: int, total: int) -> bool:
        pause = self.rollout.pause
        if pause.prompt:
            return self.ask(f"stage {number}/{total} done; continue?")
        if pause.seconds > 0:
            self.on_stage(f"pausing {pause.describe()} before stage {number + 1}/{total}")
            threading.Event().wait(pause.seconds)
        return True

    def _stop_on_error(self, number: int, exc: OctoflowError) -> None:
        self.journal.write("rollout-stopped", reason=f"stage {number}: {exc}", recap={})

    def _combined(self, stages: Sequence[StageResult], ops: Sequence[Operation]) -> ApplyReport:
        """One report over this run's operations; those never started are skipped."""
        by_key: dict[str, OperationResult] = {}
        reports = [s.report for s in stages if s.report is not None]
        for stage in stages:
            by_key.update({r.key: r for r in stage.skipped})
        for report in reports:
            by_key.update({r.key: r for r in report.results})
        why = "not started: the rollout stopped before its stage"
        results = tuple(by_key.get(op.key) or _skipped(op, why) for op in ops)
        halted = next((r for r in reports if r.halted), None)
        return ApplyReport(
            self.plan.id,
            results,
            sum(r.requests for r in reports),
            sum(r.seconds for r in reports) + sum(c.seconds for s in stages for c in s.checks),
            any(r.interrupted for r in reports),
            halted.halted if halted else "",
            halted.halted_exit if halted else 0,
            _verification([r.verification for r in reports]),
            AuditReport(
                tuple(e for r in reports for e in r.audit.edits),
                next((r.audit.unavailable for r in reports if r.audit.unavailable), ""),
            ),
        )


def _skipped(op: Operation, why: str) -> OperationResult:
    return OperationResult(op.key, op.kind, op.name, op.action, SKIPPED, why, 0.0, op.resource_id)


def _recap(stage: StageResult) -> dict[str, int]:
    results = list(stage.report.results if stage.report else ()) + list(stage.skipped)
    outcomes = [r.outcome for r in results]
    return {o: outcomes.count(o) for o in (UNCHANGED, CHANGED, FAILED, SKIPPED)}


def _verification(parts: Sequence[Verification]) -> Verification:
    return Verification(
        sum(v.checked for v in parts),
        tuple(x for v in parts for x in v.reapplied),
        tuple(x for v in parts for x in v.unresolved),
        sum(v.requests for v in parts),
    )
