"""Server tasks (REFERENCE §10): documents, routes and the ``/_sandbox/tasks`` schedule.

Tasks are served at ``/api/tasks`` (every space; ``spaces=`` narrows it) and
at ``/api/{spaceId}/tasks`` (one space), newest first. Reading a task brings it
up to date first (``taskrun``); anything else that shows a task's
state (deployments, the dashboard) should call :func:`refresh_task` first too.
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.deployments.sandbox import tasklog
from octoflow_plugins.deployments.sandbox import taskrun as run
from octoflow_plugins.deployments.sandbox.taskrun import (
    COLLECTION,
    DEFAULT_SCHEDULE,
    MODES,
    plan_of,
    refresh_task,
)

from octoflow.sandbox.area import (
    Doc,
    PlainText,
    Request,
    Router,
    SandboxError,
    State,
    invalid,
    not_found,
    page,
)

__all__ = ["new_task", "refresh_task", "register_routes", "task_links"]

TASK_QUERY = (
    "{?skip,active,environment,tenant,runbook,project,name,node,running,states,"
    "hasPendingInterruptions,hasWarningsOrErrors,take,ids,partialName,spaces,includeSystem,"
    "description,fromCompletedDate,toCompletedDate,fromQueueDate,toQueueDate,fromStartDate,"
    "toStartDate}"
)
SETTABLE = ("Canceled", "Failed", "Success")
NO_BODY = "No body was provided."
NO_STATE = "No state was provided."
NO_REASON = "No reason was provided."
BAD_STATE = "The task can not be put into the state.  Valid states are: Canceled, Failed, Success."
SAME_STATE = "The task is already in the state."
FIXED_STATE = (
    "The task state can not be changed to the selected state.  It can only be changed out of "
    "the states: Canceled, Failed, Success."
)
DATE_FILTERS = (
    ("QueueTime", "QueueDate"),
    ("StartTime", "StartDate"),
    ("CompletedTime", "CompletedDate"),
)


# -- documents ---------------------------------------------------------------------------


def task_links(task_id: str, space_id: str) -> dict[str, str]:
    base = f"/api/tasks/{task_id}"
    return {
        "Self": base,
        "Web": f"/app#/{space_id}/tasks/{task_id}",
        "Raw": base + "/raw",
        "Rerun": f"/api/tasks/rerun/{task_id}",
        "Cancel": base + "/cancel",
        "State": base + "/state",
        "QueuedBehind": base + "/queued-behind{?skip,take}",
        "Details": base + "/details{?verbose,tail}",
        "Artifacts": f"/api/{space_id}/artifacts?regarding={task_id}",
        "Interruptions": f"/api/{space_id}/interruptions?regarding={task_id}",
    }


def new_task(
    state: State,
    space_id: str,
    name: str,
    description: str,
    arguments: Doc,
    plan: Doc,
    queue_time: str | None = None,
    queue_time_expiry: str | None = None,
) -> Doc:
    """Store a queued task and its plan, then let it progress as far as the schedule allows.

    ``plan`` holds ``Steps`` (``deployments.plan_steps``), ``Noun``
    ("deployment" or "runbook run"), ``ProjectId``, ``EnvironmentId``,
    ``TenantId``, ``RunbookId``, ``GuidedFailure``, ``Owner`` (``[collection,
    id]`` of the deployment or run) and ``RelatedDocumentIds``.
    """
    task_id = state.next_id(COLLECTION)
    now = state.now()
    task = {
        "Id": task_id,
        "SpaceId": space_id,
        "Name": name,
        "Description": description,
        "Arguments": arguments,
        "State": "Queued",
        "Completed": None,
        "QueueTime": queue_time or now,
        "QueueTimeExpiry": queue_time_expiry,
        "StartTime": None,
        "LastUpdatedTime": now,
        "CompletedTime": None,
        "ServerNode": None,
        "Duration": "",
        "ErrorMessage": "",
        "HasBeenPickedUpByProcessor": False,
        "IsCompleted": False,
        "FinishedSuccessfully": False,
        "HasPendingInterruptions": False,
        "CanRerun": False,
        "HasWarningsOrErrors": False,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": task_links(task_id, space_id),
    }
    state.stamp(task)
    runnable = [i for i, s in enumerate(plan["Steps"]) if not s["Skipped"] and not s["Manual"]]
    plan.update(
        Id=run.plan_id(task_id),
        TaskId=task_id,
        SpaceId=space_id,
        Position=0,
        Waiting=None,
        FailIndex=runnable[-1] if runnable else None,
        RootLog=[],
    )
    state.put(COLLECTION, task)
    state.put(run.PLANS, plan)
    return refresh_task(state, task)


# -- the schedule (control plane) --------------------------------------------------------------


def get_schedule(req: Request) -> dict[str, Any]:
    return run.schedule(req.state)


def put_schedule(req: Request) -> dict[str, Any]:
    """Change part of the schedule; a body with any bad value changes nothing."""
    body = req.raw_json()
    if not isinstance(body, dict):
        raise invalid('The body must be a JSON object such as {"mode": "polls", "polls": 2}.')
    errors = [f"Unknown task setting '{key}'." for key in body if key not in DEFAULT_SCHEDULE]
    errors += _schedule_errors(body)
    if errors:
        raise invalid(*errors)
    req.state.meta["tasks"] = {**req.state.meta.get("tasks", {}), **body}
    return run.schedule(req.state)


def _schedule_errors(body: dict[str, Any]) -> list[str]:
    errors = []
    if "mode" in body and body["mode"] not in MODES:
        errors.append(f"mode must be one of {', '.join(MODES)}, not {body['mode']!r}.")
    polls = body.get("polls", 1)
    if isinstance(polls, bool) or not isinstance(polls, int) or polls < 1:
        errors.append(f"polls must be a whole number of reads, at least 1, not {polls!r}.")
    seconds = body.get("seconds", 0)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        errors.append(f"seconds must be a number of seconds, 0 or more, not {seconds!r}.")
    for key in ("fail_projects", "timeout_projects"):
        names = body.get(key, [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            errors.append(f"{key} must be a list of project names or ids.")
    return errors


# -- reading tasks ---------------------------------------------------------------------------


def find_task(req: Request, ref: str, read: bool = True) -> Doc:
    """The task ``ref`` (in the request's space, if space-scoped), brought up to date."""
    task = req.state.get(COLLECTION, ref)
    if task is None or (req.space_id and task.get("SpaceId") != req.space_id):
        raise not_found(ref)
    return refresh_task(req.state, task, read)


def list_tasks(req: Request) -> Doc:
    named = {i.lower() for i in req.query.getlist("ids")}
    items = [t for t in req.state.values(COLLECTION) if _in_scope(req, t)]
    if named:
        items = [t for t in items if t["Id"].lower() in named]
    for task in items:
        refresh_task(req.state, task, read=bool(named))
    items = sorted(_filtered(req, items), key=_number, reverse=True)
    base = f"/api/{req.space_id}/tasks" if req.space_id else "/api/tasks"
    return page(req, items, "Task", base, TASK_QUERY)


def _in_scope(req: Request, task: Doc) -> bool:
    if req.space_id:
        return task.get("SpaceId") == req.space_id
    spaces = {s.lower() for s in req.query.getlist("spaces")}
    return not spaces or str(task.get("SpaceId")).lower() in spaces


def _number(doc: Doc) -> int:
    return int(doc["Id"].rpartition("-")[2] or 0)


def _filtered(req: Request, items: list[Doc]) -> list[Doc]:
    query = req.query
    states = {s.lower() for s in query.getlist("states")}
    names = {n.lower() for n in query.getlist("name")}
    text = (query.get("partialName") or query.get("description") or "").lower()
    node = query.get("node")
    out = []
    for task in items:
        if states and task["State"].lower() not in states:
            continue
        if names and task["Name"].lower() not in names:
            continue
        if text and text not in task["Description"].lower():
            continue
        if node and (task.get("ServerNode") or "").lower() != node.lower():
            continue
        if _flags_match(req, task) and _related_match(req, task) and _dates_match(req, task):
            out.append(task)
    return out


def _flags_match(req: Request, task: Doc) -> bool:
    if req.query.bool("active") and task["IsCompleted"]:
        return False
    if req.query.bool("running") and task["State"] not in ("Executing", "Cancelling"):
        return False
    for name in ("HasPendingInterruptions", "HasWarningsOrErrors"):
        wanted = req.query.bool(name[0].lower() + name[1:])
        if wanted is not None and bool(task[name]) != wanted:
            return False
    return True


def _related_match(req: Request, task: Doc) -> bool:
    plan = plan_of(req.state, task) or {}
    for param, field in (
        ("project", "ProjectId"),
        ("environment", "EnvironmentId"),
        ("tenant", "TenantId"),
        ("runbook", "RunbookId"),
    ):
        wanted = {v.lower() for v in req.query.getlist(param)}
        if wanted and str(plan.get(field)).lower() not in wanted:
            return False
    return True


def _dates_match(req: Request, task: Doc) -> bool:
    for field, suffix in DATE_FILTERS:
        for prefix, later in (("from", True), ("to", False)):
            bound = _time_param(req, prefix + suffix)
            value = run.parse_time(task.get(field))
            if bound is None:
                continue
            if value is None or (value < bound if later else value > bound):
                return False
    return True


def _time_param(req: Request, name: str) -> Any:
    text = req.query.get(name)
    try:
        return run.parse_time(text)
    except ValueError:
        raise invalid(f"The value '{text}' is not valid for {name}.") from None


def get_task(req: Request) -> Doc:
    return find_task(req, req.path_params["id"])


def task_details(req: Request) -> Doc:
    """``/tasks/{id}/details{?verbose,tail}``: the task and its activity log tree."""
    task = find_task(req, req.path_params["id"])
    verbose = bool(req.query.bool("verbose"))
    return tasklog.details(req.state, task, verbose, req.query.int("tail", 0) or None)


def task_raw(req: Request) -> PlainText:
    """``/tasks/{id}/raw``: the whole log as plain text."""
    return PlainText(tasklog.raw_text(req.state, find_task(req, req.path_params["id"])))


# -- changing tasks ----------------------------------------------------------------------------


def cancel_task(req: Request) -> Doc:
    task = find_task(req, req.path_params["id"], read=False)
    run.cancel(req.state, task)
    return task


def set_task_state(req: Request) -> Doc:
    """``POST /tasks/{id}/state`` ``{State, Reason}``: change a finished task's outcome."""
    task = find_task(req, req.path_params["id"], read=False)
    if not req.has_body:
        raise _refused(NO_BODY)
    body = req.json_object()
    wanted, reason = body.get("State"), body.get("Reason")
    if not wanted:
        raise _refused(NO_STATE)
    if not reason:
        raise _refused(NO_REASON)
    wanted = next((s for s in SETTABLE if s.lower() == str(wanted).lower()), None)
    if wanted is None:
        raise _refused(BAD_STATE)
    if task["State"] not in SETTABLE:
        raise _refused(FIXED_STATE)
    if task["State"] == wanted:
        raise _refused(SAME_STATE)
    progress = run.Progress(req.state, task, plan_of(req.state, task) or {"RootLog": []})
    message = f"The task state was changed from {task['State']} to {wanted}: {reason}"
    progress.log(progress.plan["RootLog"], "Info", message)
    task.update(State=wanted, FinishedSuccessfully=wanted == "Success")
    task["ErrorMessage"] = "" if wanted == "Success" else str(reason)
    progress.touch()
    return task


def _refused(message: str) -> SandboxError:
    return SandboxError(400, message, errors=[message])


def register_routes(router: Router) -> None:
    """Both forms of each route; the system form (``/api/tasks``, every space) is added last."""
    for add in (router.space, router.system):
        add("GET", "/tasks", list_tasks)
        add("GET", "/tasks/{id}", get_task)
        add("GET", "/tasks/{id}/details", task_details)
        add("GET", "/tasks/{id}/raw", task_raw)
        add("POST", "/tasks/{id}/cancel", cancel_task)
        add("POST", "/tasks/{id}/state", set_task_state)
    router.link("Tasks", "/tasks{/id}" + TASK_QUERY, space_scoped=False)
    router.add_field_names(["State", "Reason"])
    router.control("GET", "/tasks", get_schedule)
    router.control("PUT", "/tasks", put_schedule)
