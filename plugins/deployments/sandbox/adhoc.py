"""Ad-hoc server tasks (``POST /tasks``, ``POST /tasks/rerun/{id}``) and task views
(``/tasks/{id}/queued-behind``, ``/machines/{id}/tasks``); REFERENCE §10, swagger-2020.5.json.

``POST /tasks`` creates a ``Health``, ``Upgrade`` or ``AdHocScript`` task (201
TaskResource) that runs to completion like the sandbox's other tasks, one step
per target it reaches. Its targets are the ``MachineIds`` of its ``Arguments``,
else the targets of ``EnvironmentId`` (``EnvironmentIds`` and ``TargetRoles`` for
a script). Such a task can be re-run once it has finished (``CanRerun``);
deployments and runbook runs cannot ("This task cannot be re-run.").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from octoflow_plugins.deployments.sandbox.taskrun import COLLECTION, plan_of
from octoflow_plugins.deployments.sandbox.tasks import find_task, new_task

from octoflow.sandbox.area import (
    CIDict,
    Doc,
    Request,
    Router,
    SandboxError,
    State,
    invalid,
    not_found,
    page,
    plain,
)

#: Task name -> the description a task gets when the body gives none (UNCONFIRMED wording),
#: and the step name for each target.
KINDS: dict[str, tuple[str, Callable[[str], str]]] = {
    "Health": ("Check deployment target health", lambda name: f"Check health of {name}"),
    "Upgrade": ("Upgrade Tentacles and Calamari", lambda name: f"Upgrade {name}"),
    "AdHocScript": ("Script run from management console", lambda name: f"Run script on {name}"),
}
SYNTAXES = ("PowerShell", "Bash", "CSharp", "FSharp", "Python")
CANNOT_RERUN = "This task cannot be re-run."
ACTIVE = ("Queued", "Executing", "Cancelling")


def create_task(req: Request) -> tuple[int, Doc]:
    body = req.json_object()
    name = next((k for k in KINDS if k.lower() == str(body.get("Name") or "").lower()), None)
    if name is None:
        # UNCONFIRMED: a real server runs other task types too (Backup, Retention …).
        raise invalid(f"Name must be one of {', '.join(KINDS)}; the sandbox runs no other tasks.")
    arguments = body.get("Arguments") or CIDict()
    if not isinstance(arguments, dict):
        raise invalid("Arguments must be an object.")
    # ``/api/tasks`` takes the space from the body (API run-healthcheck.py sends SpaceId).
    space = req.space_id or str(body.get("SpaceId") or req.state.default_space_id())
    if req.state.get("Spaces", space) is None:
        raise invalid(f"The space '{space}' was not found.")
    description = str(body.get("Description") or KINDS[name][0])
    return 201, start(req.state, space, name, description, plain(arguments))


def start(state: State, space: str, name: str, description: str, arguments: Doc) -> Doc:
    """Check the arguments (the server's 400), then create the task with one step a target."""
    args = CIDict(arguments.items())
    errors = _script_errors(args) if name == "AdHocScript" else []
    machines, more = _targets(state, space, name, args)
    if errors + more:
        raise invalid(*(errors + more))
    step_name = KINDS[name][1]
    steps = [_step(step_name(m["Name"])) for m in machines]
    plan = {
        "Steps": steps,
        "Noun": "task",
        "ProjectId": None,
        "EnvironmentId": args.get("EnvironmentId"),
        "TenantId": None,
        "RunbookId": None,
        "GuidedFailure": False,
        "Owner": None,
        "RelatedDocumentIds": [m["Id"] for m in machines],
    }
    task = new_task(state, space, name, description, arguments, plan)
    task["CanRerun"] = True
    return task


def _script_errors(args: CIDict) -> list[str]:
    errors = []
    if not str(args.get("ScriptBody") or "").strip():
        errors.append("The ScriptBody argument is required.")
    syntax = args.get("Syntax") or "PowerShell"
    if syntax not in SYNTAXES:
        errors.append(f"Syntax must be one of {', '.join(SYNTAXES)}.")
    return errors


def _targets(state: State, space: str, name: str, args: CIDict) -> tuple[list[Doc], list[str]]:
    ids = args.get("MachineIds") or []
    envs = list(args.get("EnvironmentIds") or []) + [args.get("EnvironmentId")]
    envs = [e for e in envs if e]
    if not isinstance(ids, list):
        return [], ["MachineIds must be a list of deployment target ids."]
    missing = [
        f"The deployment target '{i}' was not found." for i in ids if not _machine(state, space, i)
    ]
    missing += [
        f"The environment '{e}' was not found."
        for e in envs
        if not _in(state, "Environments", e, space)
    ]
    if missing:
        return [], missing
    if ids:
        return [_machine(state, space, i) for i in ids], []
    if not envs:
        return [], [f"A {name} task needs MachineIds or an EnvironmentId in its Arguments."]
    roles = set(args.get("TargetRoles") or [])
    found = [
        m
        for m in state.values("Machines", space)
        if set(m.get("EnvironmentIds") or []) & set(envs)
        and (not roles or roles & set(m.get("Roles") or []))
        and not m.get("IsDisabled")
    ]
    return sorted(found, key=lambda m: m["Name"].lower()), []


def _machine(state: State, space: str, ref: Any) -> Doc | None:
    return _in(state, "Machines", ref, space)


def _in(state: State, collection: str, ref: Any, space: str) -> Doc | None:
    doc = state.get(collection, str(ref))
    return doc if doc is not None and doc.get("SpaceId") == space else None


def _step(name: str) -> Doc:
    return {
        "StepName": name,
        "ActionIds": [],
        "Manual": None,
        "Skipped": None,
        "Status": "Pending",
        "Started": None,
        "Ended": None,
        "ProgressPercentage": 0,
        "Log": [],
    }


def rerun_task(req: Request) -> Doc:
    """``POST /tasks/rerun/{id}``: a new task from a finished ad-hoc task (200 TaskResource)."""
    task = find_task(req, req.path_params["id"])
    if not (task.get("CanRerun") and task["IsCompleted"] and task["Name"] in KINDS):
        raise SandboxError(400, CANNOT_RERUN, errors=[CANNOT_RERUN])
    return start(req.state, task["SpaceId"], task["Name"], task["Description"], task["Arguments"])


def queued_behind(req: Request) -> Doc:
    """The unfinished tasks queued before this one, while it waits (newest first)."""
    task = find_task(req, req.path_params["id"])
    ahead: list[Doc] = []
    if task["State"] == "Queued":
        number = _number(task)
        ahead = [
            t for t in req.state.values(COLLECTION) if t["State"] in ACTIVE and _number(t) < number
        ]
    ahead.sort(key=_number, reverse=True)
    return page(req, ahead, "Task", f"/api/tasks/{task['Id']}/queued-behind", "{?skip,take}")


def machine_tasks(req: Request) -> Doc:
    """Tasks regarding a deployment target (TaskResource page, newest first): deployments
    and runbook runs in its environments (for a tenant it serves, when tenanted) and
    ad-hoc tasks that reached it. UNCONFIRMED: a real server also counts which steps
    targeted the machine's roles."""
    machine = _in(req.state, "Machines", req.path_params["id"], req.space_id)
    if machine is None:
        raise not_found(req.path_params["id"])
    items = [
        t
        for t in req.state.values(COLLECTION, req.space_id)
        if _regards(plan_of(req.state, t) or {}, machine)
    ]
    items.sort(key=_number, reverse=True)
    base = f"/api/{req.space_id}/machines/{machine['Id']}/tasks"
    return page(req, items, "Task", base, "{?skip,take}")


def _regards(plan: Doc, machine: Doc) -> bool:
    if machine["Id"] in (plan.get("RelatedDocumentIds") or []):
        return True
    if plan.get("ProjectId") is None or plan.get("EnvironmentId") not in machine["EnvironmentIds"]:
        return False
    tenant = plan.get("TenantId")
    participation = machine.get("TenantedDeploymentParticipation") or "Untenanted"
    if tenant is None:
        return participation != "Tenanted"
    return participation != "Untenanted" and tenant in (machine.get("TenantIds") or [])


def _number(doc: Doc) -> int:
    return int(doc["Id"].rpartition("-")[2] or 0)


def register_routes(router: Router) -> None:
    for add in (router.space, router.system):
        add("POST", "/tasks", create_task)
        add("POST", "/tasks/rerun/{id}", rerun_task)
        add("GET", "/tasks/{id}/queued-behind", queued_behind)
    router.space("GET", "/machines/{id}/tasks", machine_tasks)
    router.add_field_names(["Arguments", "Description"])
