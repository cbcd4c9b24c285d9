"""What deployments and runbook runs share: which steps run, tenants, schedules, storing
a checked run with its server task, and listing runs.

Both are *runs* of a frozen process in one environment (and for one tenant):
checked first into a :class:`Draft` (so a request that creates several stores
none when any is refused), then stored with a task (``tasks``) whose
plan lists the process's steps and why any of them is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from octoflow_plugins.deployments.sandbox import lifecycle
from octoflow_plugins.deployments.sandbox.interruptions import acting_user_id
from octoflow_plugins.deployments.sandbox.taskrun import iso, parse_time, refresh_task
from octoflow_plugins.deployments.sandbox.tasks import new_task

from octoflow.sandbox.area import (
    SERVER_FIELDS,
    Doc,
    Request,
    SandboxError,
    State,
    not_found,
    page,
    plain,
)

MANUAL = "Octopus.Manual"
LIST_FIELDS = ("SkipActions", "SpecificMachineIds", "ExcludedMachineIds")


@dataclass
class Draft:
    """A checked deployment or runbook run, not yet stored."""

    doc: Doc
    steps: list[Doc]
    guided: bool
    description: str
    related: list[str]  # project, environment[, tenant]


# -- documents and references -------------------------------------------------------------


def in_space(state: State, collection: str, ref: Any, space: str) -> Doc | None:
    doc = state.get(collection, ref) if isinstance(ref, str) else None
    return doc if doc is not None and doc.get("SpaceId") == space else None


def missing(noun: str, ref: Any, field_name: str) -> str:
    if not ref:
        return f"The {field_name} field is required."
    return f"The {noun} '{ref}' was not found."


def require_found(
    found: list[tuple[str, str, Doc | None]], body: Mapping[str, Any], message: str
) -> None:
    """Refuse (400 ``message``) a request naming documents that do not exist: ``found``
    holds (noun, body field, the document or None) for each."""
    errors = [missing(noun, body.get(key), key) for noun, key, doc in found if doc is None]
    if errors:
        raise SandboxError(400, message, errors=errors)


def run_links(space: str, doc: Doc) -> dict[str, str]:
    """The links every run (deployment, runbook run) has besides its own."""
    doc_id = doc["Id"]
    out = {
        "Task": f"/api/tasks/{doc['TaskId']}",
        "Artifacts": f"/api/{space}/artifacts?regarding={doc_id}",
        "Interruptions": f"/api/{space}/interruptions?regarding={doc_id}",
    }
    if doc.get("TenantId"):
        out["Tenant"] = f"/api/{space}/tenants/{doc['TenantId']}"
    return out


def tenant_for(
    state: State, owner: Doc, mode: str, project: Doc, env: Doc, ref: Any
) -> tuple[Doc | None, list[str]]:
    """The tenant of a run of ``owner`` (a project or runbook with tenancy ``mode``)."""
    noun = "runbook" if owner is not project else "project"
    if not ref:
        if mode == "Tenanted":
            return None, [f"The {noun} '{owner['Name']}' runs for tenants only: give a TenantId."]
        return None, []
    if mode == "Untenanted":
        return None, [f"The {noun} '{owner['Name']}' is not tenanted: remove the TenantId."]
    tenant = in_space(state, "Tenants", ref, project["SpaceId"])
    if tenant is None:
        return None, [f"The tenant '{ref}' was not found."]
    if tenant.get("IsDisabled"):
        return tenant, [f"The tenant '{tenant['Name']}' is disabled."]
    if env["Id"] not in lifecycle.tenant_environment_ids(state, project["Id"], tenant["Id"]):
        return tenant, [
            f"The tenant '{tenant['Name']}' is not connected to the project '{project['Name']}' "
            f"in the environment '{env['Name']}'."
        ]
    return tenant, []


def tags_match(have: list[str], wanted: list[str]) -> bool:
    """Octopus tag filters: any tag of a tag set, and every tag set named."""
    groups: dict[str, set[str]] = {}
    for tag in wanted:
        groups.setdefault(tag.split("/", 1)[0].lower(), set()).add(tag.lower())
    owned = {t.lower() for t in have}
    return all(owned & group for group in groups.values())


# -- which steps run ----------------------------------------------------------------------------


def plan_steps(
    state: State,
    process: Doc | None,
    environment_id: str,
    channel_id: str | None,
    tenant: Doc | None,
    skip: list[str],
) -> list[Doc]:
    """The process's steps as a task plan: each with the reason it is skipped, if it is."""
    steps = []
    for step in (process or {}).get("Steps") or []:
        reasons = [
            _not_running(state, a, environment_id, channel_id, tenant, skip)
            for a in step["Actions"]
        ]
        running = [a for a, why in zip(step["Actions"], reasons, strict=True) if why is None]
        manual = next((a for a in running if a.get("ActionType") == MANUAL), None)
        steps.append(
            {
                "StepName": step["Name"],
                "ActionIds": [a["Id"] for a in running],
                "Manual": _manual(manual) if manual else None,
                "Skipped": None if running else (reasons[0] if reasons else "it has no actions"),
                "Status": "Pending",
                "Started": None,
                "Ended": None,
                "ProgressPercentage": 0,
                "Log": [],
            }
        )
    return steps


def _not_running(
    state: State,
    action: Doc,
    env_id: str,
    channel_id: str | None,
    tenant: Doc | None,
    skip: list[str],
) -> str | None:
    """Why ``action`` does not run here (None when it does)."""
    env_name = (state.get("Environments", env_id) or {}).get("Name", env_id)
    if action.get("IsDisabled"):
        return "the step is disabled"
    if action["Id"] in skip:
        return "it was chosen to be skipped"
    scoped = action.get("Environments") or []
    if (scoped and env_id not in scoped) or env_id in (action.get("ExcludedEnvironments") or []):
        return f"it does not run in {env_name}"
    channels = action.get("Channels") or []
    if channel_id and channels and channel_id not in channels:
        return "it does not run in this channel"
    tags = action.get("TenantTags") or []
    if tags and (tenant is None or not tags_match(tenant.get("TenantTags") or [], tags)):
        return "it does not run for this tenant" if tenant else "it runs for tenants only"
    return None


def _manual(action: Doc) -> Doc:
    props = action.get("Properties") or {}
    teams = str(props.get("Octopus.Action.Manual.ResponsibleTeamIds") or "")
    return {
        "Instructions": props.get("Octopus.Action.Manual.Instructions"),
        "ResponsibleTeamIds": [t.strip() for t in teams.split(",") if t.strip()],
    }


def action_ids(process: Doc | None) -> set[str]:
    return {a["Id"] for s in (process or {}).get("Steps") or [] for a in s["Actions"]}


def unknown_actions(process: Doc | None, skip: list[str], whose: str) -> list[str]:
    known = action_ids(process)
    return [f"SkipActions: '{a}' is not an action of {whose}." for a in skip if a not in known]


def guided_failure(state: State, owner: Doc, environment_id: str, requested: Any) -> bool:
    """The run's guided failure: asked for, else the project's (or runbook's) mode."""
    if requested is True:
        return True
    mode = owner.get("DefaultGuidedFailureMode") or "EnvironmentDefault"
    if mode == "EnvironmentDefault":
        return bool((state.get("Environments", environment_id) or {}).get("UseGuidedFailure"))
    return mode == "On"


# -- request fields -----------------------------------------------------------------------------


def field_errors(state: State, body: Mapping[str, Any]) -> list[str]:
    """Problems with the id lists and ``FormValues`` of a run request."""
    errors = []
    for key in LIST_FIELDS:
        refs = body.get(key) or []
        if not isinstance(refs, list):
            errors.append(f"{key} must be an array of ids.")
        elif key != "SkipActions":
            errors += [
                f"{key}: the machine '{m}' was not found."
                for m in refs
                if state.get("Machines", m) is None
            ]
    if not isinstance(body.get("FormValues") or {}, Mapping):
        errors.append("FormValues must be an object of names and values.")
    return errors


def schedule_fields(body: Mapping[str, Any], message: str) -> tuple[str | None, str | None]:
    """``QueueTime`` and ``QueueTimeExpiry`` as ISO text, or ``message`` (400) when invalid."""
    try:
        queue = parse_time(body.get("QueueTime"))
        expiry = parse_time(body.get("QueueTimeExpiry"))
    except (TypeError, ValueError):
        problem = "QueueTime and QueueTimeExpiry must be dates."
        raise SandboxError(400, message, errors=[problem]) from None
    if queue is not None and expiry is not None and expiry <= queue:
        raise SandboxError(400, message, errors=["QueueTimeExpiry must be after QueueTime."])
    return (iso(queue) if queue else None), (iso(expiry) if expiry else None)


def request_fields(body: Mapping[str, Any], defaults: Doc, message: str) -> Doc:
    """What a run keeps of its request: fields it does not model, and the common ones."""
    out = {k: plain(v) for k, v in body.items() if k not in defaults and k not in SERVER_FIELDS}
    out.update({k: plain(body[k]) for k in ("Comments", *LIST_FIELDS) if body.get(k) is not None})
    values = body.get("FormValues") or {}
    out["FormValues"] = {str(k): None if v is None else str(v) for k, v in values.items()}
    out["ForcePackageDownload"] = bool(body.get("ForcePackageDownload"))
    out["QueueTime"], out["QueueTimeExpiry"] = schedule_fields(body, message)
    return out


# -- storing ------------------------------------------------------------------------------------


def store(
    state: State,
    collection: str,
    draft: Draft,
    user_id: str | None,
    task: tuple[str, str, str],
    links: Callable[[Doc], dict[str, str]],
) -> Doc:
    """Store a checked run and create its task: ``task`` is (task name, argument, noun)."""
    doc = draft.doc
    doc["Id"] = state.next_id(collection)
    user = state.get("Users", acting_user_id(state, user_id)) or {}
    doc.update(
        Created=state.now(),
        ManifestVariableSetId=f"variableset-{doc['Id']}",
        DeployedById=user.get("Id"),
        DeployedBy=user.get("Username"),
    )
    state.stamp(doc)
    state.put(collection, doc)
    name, argument, noun = task
    plan = {
        "Steps": draft.steps,
        "Noun": noun,
        "ProjectId": doc["ProjectId"],
        "EnvironmentId": doc["EnvironmentId"],
        "TenantId": doc["TenantId"],
        "RunbookId": doc.get("RunbookId"),
        "GuidedFailure": draft.guided,
        "Owner": [collection, doc["Id"]],
        "RelatedDocumentIds": [doc["Id"], *draft.related],
    }
    arguments = {argument: doc["Id"]}
    created = new_task(
        state,
        doc["SpaceId"],
        name,
        draft.description,
        arguments,
        plan,
        doc["QueueTime"],
        doc["QueueTimeExpiry"],
    )
    doc["TaskId"] = created["Id"]
    doc["Links"] = links(doc)
    return doc


# -- reading ------------------------------------------------------------------------------------


def find(req: Request, collection: str, ref: str) -> Doc:
    """A run of the request's space, its task brought up to date."""
    doc = in_space(req.state, collection, ref, req.space_id)
    if doc is None:
        raise not_found(ref)
    task_state(req.state, doc)
    return doc


def delete(req: Request, collection: str) -> tuple[int, None]:
    """Deletes the run named in the path; its task (and log) stay, as on a real server."""
    doc = find(req, collection, req.path_params["id"])
    req.state.remove(collection, doc["Id"])
    req.changed(collection, doc, None)
    return 200, None


def task_state(state: State, doc: Doc) -> str:
    task = state.get("ServerTasks", doc.get("TaskId"))
    return refresh_task(state, task)["State"] if task is not None else ""


def listing(
    req: Request, items: list[Doc], filters: tuple[tuple[str, str], ...], item_type: str, base: str
) -> Doc:
    """A page of runs: the id filters, ``partialName``, ``taskState``; newest first."""
    for param, key in filters:
        wanted = {v.lower() for v in req.query.getlist(param)}
        if wanted:
            items = [d for d in items if str(d.get(key)).lower() in wanted]
    partial = (req.query.get("partialName") or "").lower()
    items = [d for d in items if partial in (d.get("Name") or "").lower()]
    states = {s.lower() for s in req.query.getlist("taskState")}
    if states:
        items = [d for d in items if task_state(req.state, d).lower() in states]
    items = sorted(items, key=lambda d: int(d["Id"].rpartition("-")[2]), reverse=True)
    query = "{?skip,take," + ",".join(p for p, _ in filters) + ",taskState,partialName}"
    return page(req, items, item_type, base, query)
