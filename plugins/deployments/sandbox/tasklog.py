"""A server task's log, as ``/tasks/{id}/details`` (an activity tree) and ``/raw`` (text).

The entries are those ``taskrun`` wrote into the task's plan: the
task's own (``RootLog``) and each step's (``Log``).
"""

from __future__ import annotations

from octoflow_plugins.deployments.sandbox.taskrun import parse_time, plan_of

from octoflow.sandbox.area import SERVER_VERSION, Doc, State

ACTIVITY_STATUS = {
    "Queued": "Pending",
    "Executing": "Running",
    "Cancelling": "Running",
    "TimedOut": "Failed",
}


def details(state: State, task: Doc, verbose: bool, tail: int | None) -> Doc:
    """The TaskDetailsResource: one root node for the task, one child per step; ``verbose``
    keeps Verbose entries, ``tail`` keeps each node's last entries only."""
    plan = plan_of(state, task) or {"Steps": [], "RootLog": []}
    children = [
        _node(f"{task['Id']}_{n}", f"Step {n}: {s['StepName']}", s, verbose, tail)
        for n, s in enumerate(plan["Steps"], start=1)
    ]
    root = _node(task["Id"], task["Description"], _root_fields(task, plan), verbose, tail)
    root["Children"] = children
    return {
        "Id": task["Id"],
        "Task": task,
        "ActivityLogs": [root],
        "PhysicalLogSize": len(raw_text(state, task).encode("utf-8")),
        "Progress": {
            "ProgressPercentage": root["ProgressPercentage"],
            "EstimatedTimeRemaining": "" if task["IsCompleted"] else None,
        },
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {"Self": f"/api/tasks/{task['Id']}/details"},
    }


def _root_fields(task: Doc, plan: Doc) -> Doc:
    """The root node: the task's own state and log, with progress over its steps."""
    status = ACTIVITY_STATUS.get(task["State"], task["State"])
    if status == "Success" and task["HasWarningsOrErrors"]:
        status = "SuccessWithWarning"
    steps = plan["Steps"]
    done = sum(1 for s in steps if s["Status"] not in ("Pending", "Running"))
    percent = 100 if task["IsCompleted"] or not steps else done * 100 // len(steps)
    return {
        "Status": status,
        "Started": task["StartTime"],
        "Ended": task["CompletedTime"],
        "ProgressPercentage": percent,
        "Log": plan["RootLog"],
    }


def _node(node_id: str, name: str, source: Doc, verbose: bool, tail: int | None) -> Doc:
    entries = [e for e in source["Log"] if verbose or e["Category"] != "Verbose"]
    return {
        "Id": node_id,
        "Name": name,
        "Started": source.get("Started"),
        "Ended": source.get("Ended"),
        "Status": source["Status"],
        "Children": [],
        "ShowAtSummaryLevel": True,
        "ProgressPercentage": source.get("ProgressPercentage") or 0,
        "ProgressMessage": None,
        "LogElements": entries[-tail:] if tail else entries,
    }


def raw_text(state: State, task: Doc) -> str:
    """The raw log: a header like a real server's, then every entry, step by step."""
    plan = plan_of(state, task) or {"Steps": [], "RootLog": [], "RelatedDocumentIds": []}
    related = [*(plan.get("RelatedDocumentIds") or []), task["SpaceId"]]
    lines = [
        f"Task ID:        {task['Id']}",
        f"Related IDs:    {', '.join(related)}",
        f"Task status:    {task['State']}",
        f"Task queued:    {task['QueueTime']}",
        f"Task started:   {task['StartTime'] or ''}",
        f"Task completed: {task['CompletedTime'] or ''}",
        f"Task duration:  {task['Duration']}",
        f"Server version: {SERVER_VERSION}",
        f"Server node:    {task['ServerNode'] or ''}",
        "",
        f"                    | == {task['State']}: {task['Description']} ==",
    ]
    lines += [_raw_line(e, 1) for e in plan["RootLog"]]
    for n, step in enumerate(plan["Steps"], start=1):
        lines.append(
            f"                    |   == {step['Status']}: Step {n}: {step['StepName']} =="
        )
        lines += [_raw_line(e, 2) for e in step["Log"]]
    return "\n".join(lines) + "\n"


def _raw_line(entry: Doc, depth: int) -> str:
    moment = parse_time(entry["OccurredAt"])
    clock = f"{moment:%H:%M:%S}" if moment else ""
    return f"{clock:<10} {entry['Category']:<8} | {'  ' * depth}{entry['MessageText']}"
