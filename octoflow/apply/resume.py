"""Resuming a staged rollout from its journal (``apply --resume JOURNAL``).

The journal's first ``rollout-started`` event holds the plan and its digest, its
last one the stage settings; ``operation`` events say what is done (changed or
ok), ``stage-finished`` which stages passed their checks. The rest of the plan
is applied afresh: apply re-reads every document, so edits made meanwhile stay.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from octoflow.apply.report import CHANGED, UNCHANGED
from octoflow.apply.stages import Resumption, Rollout
from octoflow.errors import UsageError
from octoflow.plan.model import Plan


@attrs.frozen
class Resumable:
    """A stopped rollout: its plan, settings, and what an earlier run did."""

    plan: Plan
    rollout: Rollout
    resumption: Resumption
    finished: bool = False

    @property
    def left(self) -> int:
        return len(self.plan.operations) - len(self.resumption.done)


def read_rollout(path: Path) -> Resumable:
    """The rollout ``path`` journaled; a clear ``UsageError`` for anything else."""
    started: list[Mapping[str, Any]] = []
    done: dict[str, str | None] = {}
    passed: list[frozenset[str]] = []
    finished = False
    for event in _events(path):
        kind = event.get("event")
        if kind == "rollout-started":
            started.append(event)
        elif kind == "operation" and event.get("outcome") in (CHANGED, UNCHANGED):
            key = str(event.get("key"))
            created = event.get("action") in ("create", "run")
            done[key] = event.get("resource_id") if created else None
        elif kind == "stage-finished" and event.get("passed"):
            passed.append(frozenset(map(str, event.get("operations", ()))))
        if kind in ("rollout-started", "rollout-stopped", "rollout-finished"):
            finished = kind == "rollout-finished"
    if not started:
        raise UsageError(
            f"{path} is not the journal of a staged rollout (it has no rollout-started "
            "event); only a rollout started with --canary, --batch-size or --check resumes"
        )
    plan = _plan(path, started[0])
    unknown = sorted(set(done) - {op.key for op in plan.operations})
    if unknown:
        raise UsageError(
            f"{path} records operations its plan does not have ({', '.join(unknown[:3])}); "
            "the journal was edited or mixes two plans: start the rollout again"
        )
    try:
        rollout = Rollout.from_json(started[-1]["settings"])
    except (KeyError, TypeError, ValueError, UsageError) as exc:
        raise UsageError(f"{path}: its stage settings cannot be read ({exc})") from None
    return Resumable(plan, rollout, Resumption(done, tuple(passed)), finished)


def _events(path: Path) -> Iterator[Mapping[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--resume {path}: no such journal") from None
    except IsADirectoryError:
        raise UsageError(f"--resume {path} is a directory; give a journal file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--resume {path}: cannot read the journal: {exc}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            raise UsageError(
                f"--resume {path}: line {number} is not JSON; is this an octoflow journal?"
            ) from None
        if isinstance(event, Mapping):
            yield event


def _plan(path: Path, started: Mapping[str, Any]) -> Plan:
    try:
        plan = Plan.from_json(started["plan"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(f"{path}: the plan it holds cannot be read ({exc})") from None
    if plan.digest != started.get("digest"):
        raise UsageError(
            f"{path}: the plan it holds does not match its digest (the journal was edited); "
            "start the rollout again"
        )
    return plan
