"""How server tasks progress: lazily, on a schedule, through segments of steps.

Every task (``tasks``) has a *plan* (collection ``TaskPlans``, id
``taskplan-<task id>``) listing the steps it runs. Progress is evaluated
whenever the task, or anything showing its state, is read: there are no
background threads. The schedule lives in ``state.meta["tasks"]`` (a dump
keeps it, a reset restores the defaults) and is set through ``/_sandbox/tasks``:

* ``mode``: ``immediate`` (the default: a task finishes as soon as it is
  created), ``polls`` (after ``polls`` reads of the task through the API:
  ``/tasks/{id}``, its details or raw log, or ``/tasks?ids=``) or ``seconds``
  (after ``seconds`` of wall time);
* ``fail_projects``: project names or ids whose tasks fail (on their last step
  that runs); ``timeout_projects``: project names or ids whose tasks end
  ``TimedOut``.

A run is a sequence of *segments*: one from the start, and one more after each
answered interruption. Each segment takes the whole schedule to run its
steps, so after ``Proceed`` a task runs to its end "per the schedule" again. A
manual intervention step pauses the task when it is reached; so does a failing
step when guided failure is on (``interruptions`` holds the
interruption documents).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

from octoflow.sandbox.area import Doc, State

COLLECTION = "ServerTasks"
PLANS = "TaskPlans"
COMPLETED = ("Success", "Failed", "Canceled", "TimedOut")
SERVER_NODE = "octoflow-sandbox"
MODES = ("immediate", "polls", "seconds")
DEFAULT_SCHEDULE: dict[str, Any] = {
    "mode": "immediate",
    "polls": 3,
    "seconds": 5.0,
    "fail_projects": [],
    "timeout_projects": [],
}
# What a real server says for a failed deployment (recalled; UNCONFIRMED for runbook runs).
FAILED = "The {noun} failed because one or more steps failed. Please see the {log} for details."
TIMED_OUT = "The task timed out before it finished."
EXPIRED = "The task was not started before its queue time expired."


# -- the schedule ------------------------------------------------------------------------


def schedule(state: State) -> dict[str, Any]:
    return {**DEFAULT_SCHEDULE, **state.meta.get("tasks", {})}


def project_listed(state: State, project_id: str | None, names: list[str]) -> bool:
    project = state.get("Projects", project_id) or {}
    wanted = {n.lower() for n in names}
    return bool(wanted & {str(project.get("Id")).lower(), str(project.get("Name")).lower()})


# -- time --------------------------------------------------------------------------------


def parse_time(text: Any) -> datetime | None:
    """An ISO 8601 timestamp (UTC when it has no offset), or None; ValueError if malformed."""
    if not text:
        return None
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def human_time(moment: datetime) -> str:
    """``Monday, March 20, 2017 9:00 PM``: the ``Completed`` text of a task."""
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{moment:%A}, {moment:%B} {moment.day}, {moment.year} {hour}:{moment:%M} {half}"


def human_duration(seconds: float) -> str:
    if seconds < 1:
        return "less than a second"
    for size, unit in ((3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}" + ("" if count == 1 else "s")
    return "less than a second"


# -- plans --------------------------------------------------------------------------------


def plan_id(task_id: str) -> str:
    return f"taskplan-{task_id}"


def plan_of(state: State, task: Doc) -> Doc | None:
    return state.get(PLANS, plan_id(task["Id"]))


# -- progression --------------------------------------------------------------------------------


def refresh_task(state: State, task: Doc, read: bool = False) -> Doc:
    """Bring ``task`` up to date with the schedule and return it.

    Anything that shows a task's state (deployments, the dashboard) calls this
    first. ``read`` counts one read of the task (the ``polls`` schedule).
    """
    plan = plan_of(state, task)
    if task["IsCompleted"] or plan is None:
        return task
    Progress(state, task, plan).advance(read)
    return task


class Progress:
    """One evaluation of a task against the schedule; see the module docstring."""

    def __init__(self, state: State, task: Doc, plan: Doc) -> None:
        self.state = state
        self.task = task
        self.plan = plan
        self.settings = schedule(state)
        self.now = parse_time(state.now()) or datetime.now(timezone.utc)

    # -- the walk ---------------------------------------------------------------------------

    def advance(self, read: bool) -> None:
        task = self.task
        if task["State"] == "Cancelling":
            self.finish("Canceled", "")
            return
        if task["State"] == "Queued" and not self.start():
            return
        if self.plan["Waiting"]:
            return
        if read:
            self.plan["Reads"] += 1
        self.run()

    def start(self) -> bool:
        """Move a due task to Executing (False while it waits for its queue time); one whose
        ``QueueTimeExpiry`` has passed by then ends ``TimedOut`` instead."""
        due = parse_time(self.task["QueueTime"]) or self.now
        if due > self.now:
            return False
        expiry = parse_time(self.task.get("QueueTimeExpiry"))
        if expiry is not None and expiry < self.now:
            self.finish("TimedOut", EXPIRED)
            return False
        self.task.update(
            State="Executing",
            StartTime=iso(due),
            ServerNode=SERVER_NODE,
            HasBeenPickedUpByProcessor=True,
        )
        self.log(self.plan["RootLog"], "Info", f"Task started on {SERVER_NODE}")
        self.new_segment(due)
        self.touch()
        return True

    def new_segment(self, start: datetime | None = None) -> None:
        steps = self.plan["Steps"][self.plan["Position"] :]
        self.plan.update(
            SegmentStart=iso(start or self.now),
            Reads=0,
            SegmentDone=0,
            SegmentSteps=sum(1 for s in steps if not s["Skipped"] and not s["Manual"]),
        )

    def fraction(self) -> float:
        mode = self.settings["mode"]
        if mode == "polls":
            return min(1.0, self.plan["Reads"] / self.settings["polls"])
        if mode == "seconds":
            begun = parse_time(self.plan["SegmentStart"]) or self.now
            elapsed = (self.now - begun).total_seconds()
            seconds = self.settings["seconds"]
            return 1.0 if seconds <= 0 else min(1.0, elapsed / seconds)
        return 1.0

    def run(self) -> None:
        plan = self.plan
        fraction = self.fraction()
        target = math.floor(fraction * plan["SegmentSteps"] + 1e-9)
        steps = plan["Steps"]
        while plan["Position"] < len(steps):
            step = steps[plan["Position"]]
            if step["Skipped"]:
                self.close_step(step, "Skipped", "Info", f"Skipped: {step['Skipped']}")
                plan["Position"] += 1
                continue
            self.open_step(step)
            if step["Manual"]:
                self.pause(step, "ManualIntervention")
                return
            if plan["SegmentDone"] >= target:
                step["ProgressPercentage"] = int(fraction * 100)
                return
            if plan["Position"] == plan["FailIndex"] and self.listed("fail_projects"):
                self.step_failed(step)
                return
            self.close_step(step, "Success", "Info", f'"{step["StepName"]}" completed.')
            plan["SegmentDone"] += 1
            plan["Position"] += 1
        if fraction >= 1:
            self.complete()

    def complete(self) -> None:
        if self.plan["FailIndex"] is None and self.listed("fail_projects"):
            self.finish("Failed", self.failed_message())
        elif self.listed("timeout_projects"):
            self.finish("TimedOut", TIMED_OUT)
        else:
            self.finish("Success", "")

    def listed(self, key: str) -> bool:
        return project_listed(self.state, self.plan.get("ProjectId"), self.settings[key])

    def failed_message(self) -> str:
        noun = self.plan["Noun"]
        log = "deployment log" if noun == "deployment" else "task log"
        return FAILED.format(noun=noun, log=log)

    # -- steps ----------------------------------------------------------------------------------

    def open_step(self, step: Doc) -> None:
        if step["Status"] != "Running":
            step.update(Status="Running", Started=step["Started"] or iso(self.now))
            self.log(step["Log"], "Verbose", f"Step started on {SERVER_NODE}")
            self.log(step["Log"], "Info", f'Running "{step["StepName"]}"')
            self.touch()

    def close_step(self, step: Doc, status: str, category: str, message: str) -> None:
        step.update(Status=status, Ended=iso(self.now), ProgressPercentage=100)
        step["Started"] = step["Started"] or step["Ended"]
        self.log(step["Log"], category, message)
        self.touch()

    def step_failed(self, step: Doc) -> None:
        project = (self.state.get("Projects", self.plan.get("ProjectId")) or {}).get("Name")
        self.close_step(
            step, "Failed", "Error", f"The step failed: the sandbox fails tasks of '{project}'."
        )
        self.task["HasWarningsOrErrors"] = True
        owner = self.state.get(*self.plan["Owner"]) if self.plan.get("Owner") else None
        if owner is not None:
            owner["FailureEncountered"] = True
        if self.plan["GuidedFailure"]:
            self.pause(step, "GuidedFailure")
        else:
            self.finish("Failed", self.failed_message())

    def pause(self, step: Doc, kind: str) -> None:
        from octoflow_plugins.deployments.sandbox.interruptions import open_interruption

        interruption = open_interruption(self.state, self.task, self.plan, step, kind)
        self.plan["Waiting"] = interruption["Id"]
        self.task["HasPendingInterruptions"] = True
        message = (
            "Waiting for manual intervention"
            if kind == "ManualIntervention"
            else "Waiting for failure guidance"
        )
        self.log(step["Log"], "Wait", f"{message} ({interruption['Id']})")
        self.touch()

    def log(self, entries: list[Doc], category: str, message: str) -> None:
        entries.append(
            {
                "OccurredAt": iso(self.now),
                "Category": category,
                "MessageText": message,
                "Detail": None,
                "Number": len(entries) + 1,
            }
        )

    # -- endings -------------------------------------------------------------------------------

    def finish(self, state_name: str, error: str) -> None:
        task = self.task
        started = parse_time(task.get("StartTime"))
        for step in self.plan["Steps"]:
            if step["Status"] == "Running":
                status = "Canceled" if state_name in ("Canceled", "TimedOut") else "Failed"
                self.close_step(step, status, "Info", f"Step ended: the task is {state_name}.")
        self.plan["Waiting"] = None
        task.update(
            State=state_name,
            IsCompleted=True,
            FinishedSuccessfully=state_name == "Success",
            CompletedTime=iso(self.now),
            Completed=human_time(self.now),
            Duration=human_duration((self.now - started).total_seconds()) if started else "",
            ErrorMessage=error,
            HasPendingInterruptions=False,
        )
        if state_name != "Success":
            task["HasWarningsOrErrors"] = True
        ending = f"Task {state_name}" + (f": {error}" if error else "")
        self.log(self.plan["RootLog"], "Info", ending)
        self.touch()

    def touch(self) -> None:
        self.task["LastUpdatedTime"] = iso(self.now)
        self.state.stamp(self.task)


# -- what other modules do to a task ------------------------------------------------------------


def resume(state: State, task: Doc, outcome: str) -> None:
    """Continue a task paused on an interruption that was just answered.

    ``outcome``: ``Proceed`` (next step), ``Retry`` (the failed step again),
    ``Ignore``/``Exclude`` (past the failed step, with warnings), ``Abort``/``Fail``.
    """
    plan = plan_of(state, task)
    if plan is None or task["IsCompleted"]:
        return
    progress = Progress(state, task, plan)
    step = plan["Steps"][plan["Position"]]
    plan["Waiting"] = None
    task["HasPendingInterruptions"] = False
    if outcome in ("Abort", "Fail"):
        if step["Status"] == "Running":
            progress.close_step(step, "Failed", "Error", f"{outcome} was chosen.")
        progress.finish("Failed", progress.failed_message())
        return
    if outcome == "Retry":
        step["Status"] = "Pending"
        progress.log(step["Log"], "Info", "Retrying the step.")
    else:
        if outcome == "Proceed":
            progress.close_step(step, "Success", "Info", "Proceed was chosen.")
        else:
            progress.log(step["Log"], "Warning", f"{outcome} was chosen: the failure is ignored.")
        plan["Position"] += 1
    progress.new_segment()
    progress.touch()
    progress.run()


def cancel(state: State, task: Doc) -> None:
    """Cancel a queued or running task (Cancelling first, unless tasks run immediately)."""
    if task["IsCompleted"]:
        return
    from octoflow_plugins.deployments.sandbox.interruptions import close_interruptions

    close_interruptions(state, task["Id"])
    plan = plan_of(state, task)
    progress = Progress(state, task, plan or {"Steps": [], "RootLog": []})
    progress.log(progress.plan["RootLog"], "Info", "Cancellation requested.")
    if task["State"] == "Queued" or progress.settings["mode"] == "immediate":
        progress.finish("Canceled", "")
    else:
        task.update(State="Cancelling", HasPendingInterruptions=False)
        progress.touch()
