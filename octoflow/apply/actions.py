"""Actions: operations that ask the server to *do* something rather than store a document.

Creating a release, deploying it, running a runbook or answering a manual
intervention are not edits of a document apply can re-read and replay. A
provider registers an action function by name (``registry.add_action``) and
plans an :class:`~octoflow.plan.model.Operation` with ``action="run"`` whose
intents name it. Apply calls the function with an :class:`ActionCall`; the
function makes its requests, checks first whether its work is already done (so
an interrupted apply can simply be run again), and may wait for server tasks,
reporting progress as it goes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from octoflow.client import OctopusClient


@attrs.frozen
class ActionResult:
    """What an action did.

    :param changed: whether it changed anything on the server (``False``: already done).
    :param detail: one line for the recap, e.g. ``deployed: ServerTasks-12 Success``.
    :param created_id: the id of what it created, for dependents' ``created_ref``.
    :param outputs: JSON-able facts worth keeping (release version, deployment and
        task ids); they go into the apply report, the journal and step output variables.
    """

    changed: bool
    detail: str
    created_id: str | None = None
    outputs: Mapping[str, Any] = attrs.field(factory=dict)


class ActionFailed(Exception):
    """The action ran but did not achieve its end (a task failed, a wait timed out).

    Raise it with a message that says what happened and what to do; ``outputs``
    still reach the report (the task id of a failed deployment is worth having).
    """

    def __init__(self, message: str, outputs: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.outputs = dict(outputs or {})


@attrs.frozen
class ActionCall:
    """Everything an action function gets.

    :param client: the space's client.
    :param args: the intent's arguments, with ``created_ref`` s resolved.
    :param fresh: the plan was made by this process just before this apply; when
        ``False`` (a saved plan), an action must check the server for work someone
        did since the plan (a re-run, a colleague) before it acts.
    """

    client: OctopusClient
    args: Mapping[str, Any]
    fresh: bool
    _progress: Callable[[str], None]
    _stop: threading.Event

    def progress(self, message: str) -> None:
        """Tell the person watching what is happening (a task's state while waiting)."""
        self._progress(message)

    def sleep(self, seconds: float) -> bool:
        """Wait ``seconds``; ``False`` when apply is being stopped (Ctrl-C) meanwhile."""
        return not self._stop.wait(seconds)


#: An action function: does its work through ``call.client`` and says what it did.
ActionFn = Callable[[ActionCall], ActionResult]
