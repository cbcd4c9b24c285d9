"""Waiting for server tasks: poll until a task completes, fail loudly otherwise.

A wait either ends with the task's success, or raises
:class:`~octoflow.provider.ActionFailed` saying what state the task is in
and what to do: it never returns early as if all were well.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import attrs

from octoflow.provider import ActionCall, ActionFailed

COMPLETED = ("Success", "Failed", "Canceled", "TimedOut")
#: Polls start quick (short tasks end soon) and slow down to ``Wait.poll``.
FIRST_POLL, POLL_GROWTH = 0.25, 1.5


@attrs.frozen
class Wait:
    """How to wait: whether at all, for how long, and at most how long between reads."""

    wait: bool = False
    timeout: float = 1800.0
    poll: float = 2.0

    def to_args(self) -> dict[str, Any]:
        return {"wait": self.wait, "timeout": self.timeout, "poll": self.poll}

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> Wait:
        return cls(bool(args.get("wait")), float(args["timeout"]), float(args["poll"]))


def task_path(call: ActionCall, task_id: str) -> str:
    return call.client.space_path(f"tasks/{task_id}")


def wait_for_task(
    call: ActionCall, task_id: str, how: Wait, outputs: Mapping[str, Any]
) -> dict[str, Any]:
    """The task once it succeeded; ``ActionFailed`` if it failed, was canceled,
    timed out on the server, or did not finish within ``how.timeout`` seconds."""
    deadline = time.monotonic() + how.timeout
    last, pause = "", min(FIRST_POLL, how.poll)
    while True:
        task = call.client.get(task_path(call, task_id))
        state = _describe(task)
        if state != last:
            call.progress(f"{task_id} {state}")
            last = state
        if task.get("State") in COMPLETED:
            break
        if time.monotonic() >= deadline:
            raise ActionFailed(
                f"gave up waiting after {how.timeout:g}s: {task_id} is still {state}; "
                "it goes on on the server — follow it in Octopus, or wait longer "
                "(-p timeout=…)",
                outputs,
            )
        if not call.sleep(min(pause, max(deadline - time.monotonic(), 0))):
            raise ActionFailed(f"stopped waiting for {task_id}: apply was interrupted", outputs)
        pause = min(pause * POLL_GROWTH, how.poll)
    if task["State"] != "Success":
        why = f": {task['ErrorMessage']}" if task.get("ErrorMessage") else ""
        raise ActionFailed(
            f"{task_id} ended {task['State']}{why} (its log: GET /api/tasks/{task_id}/raw)",
            outputs,
        )
    return dict(task)


def _describe(task: Mapping[str, Any]) -> str:
    state = str(task.get("State", "?"))
    if task.get("HasPendingInterruptions"):
        return f"{state}, waiting for a manual intervention"
    return state
