"""Which API creates a release, a deployment or a runbook run, and what it is sent.

Octopus 2022.3 brought the executions API (``POST /api/{spaceId}/releases/create/v1``,
``…/deployments/create/untenanted/v1``, ``…/deployments/create/tenanted/v1``,
``…/runbook-runs/create/v1``); older servers have only ``POST releases``,
``deployments`` and ``runbookRuns``. The actions hand this module the operation
as planned (the legacy body, plus ``execution``: what the executions API takes by
name that the body holds as ids); it picks the route from the server's version,
builds that route's body from the same operation and answers with what the
actions output (``Id``, ``Version`` or ``TaskId``) whichever route was taken.

Projects, channels, environments, tenants and snapshots go by id (the executions
API takes an id or a name for each); releases go by version, runbooks and steps
to skip by name. An operation the executions API cannot express exactly goes the
legacy route, never losing a field:

- comments on a deployment or run (the executions API has no comments field);
- steps to skip whose names do not pick exactly the planned actions, or a plan
  saved before the names were planned (no ``execution`` in its arguments);
- a step or package reference name containing ``:``, which the ``packages``
  entries (``Step:Version``, ``Step:Reference:Version``) cannot carry;
- a deployment of a version-controlled project: Octopus 2022.3 answered the
  executions deploy routes 404 for those (REFERENCE §8.3, ISS #7746); in which
  release that was fixed is UNCONFIRMED, so they stay on ``POST deployments``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from octoflow.provider import ActionCall, OctoflowError

Doc = dict[str, Any]
FEATURE = "executions API"


def uses_executions(call: ActionCall) -> bool:
    return call.client.capabilities.has(FEATURE)


def step_names(process: Doc, action_ids: Iterable[str]) -> list[str] | None:
    """The names that pick exactly ``action_ids`` as ``skipStepNames`` does (a step's or
    an action's name picks every action it names), or ``None`` when some name picks
    more. How Octopus matches these names is UNCONFIRMED; the sandbox matches a step
    name or an action name, in any case."""
    names = []
    actions = [(s, a) for s in process.get("Steps") or [] for a in s.get("Actions") or []]
    for action_id in action_ids:
        name = next(a["Name"] for _s, a in actions if a["Id"] == action_id)
        picked = [
            a["Id"] for s, a in actions if name.lower() in (s["Name"].lower(), a["Name"].lower())
        ]
        if picked != [action_id]:
            return None
        names.append(name)
    return names


# -- releases ----------------------------------------------------------------------------------


def create_release(call: ActionCall, body: Doc) -> Doc:
    """Create the release ``body`` describes (a legacy release body); ``{Id, Version}``."""
    packages = package_specs(body.get("SelectedPackages") or [])
    if not uses_executions(call) or packages is None:
        created = call.client.request("POST", call.client.space_path("releases"), json=body)
        return {"Id": created["Id"], "Version": created["Version"]}
    sent = {
        "SpaceIdOrName": call.client.space_id,
        "ProjectName": body["ProjectId"],
        "ChannelName": body.get("ChannelId"),
        "ReleaseVersion": body["Version"],
        "ReleaseNotes": body.get("ReleaseNotes"),
        "Packages": packages,
    }
    git = body.get("VersionControlReference") or {}
    sent.update({k: v for k, v in git.items() if k in ("GitRef", "GitCommit") and v})
    answer = _post(call, "releases/create/v1", sent)
    return {"Id": _field(answer, "ReleaseId"), "Version": _field(answer, "ReleaseVersion")}


def package_specs(selected: list[Doc]) -> list[str] | None:
    """``SelectedPackages`` as ``packages`` entries, named references first (an entry
    without a reference matches any package of its step); ``None`` when a name has a
    ``:``. The entry format is the CLI's (UNCONFIRMED for the API, see REFERENCE §8.3)."""
    named, unnamed = [], []
    for package in selected:
        parts = [str(package.get("ActionName") or package.get("StepName"))]
        parts += [str(package.get("PackageReferenceName") or "")]
        if any(":" in p for p in parts):
            return None
        if parts[1]:
            named.append(":".join([*parts, str(package["Version"])]))
        else:
            unnamed.append(f"{parts[0]}:{package['Version']}")
    return named + unnamed


# -- deployments and runbook runs ----------------------------------------------------------------


def create_deployment(call: ActionCall, body: Doc) -> Doc:
    """Create the deployment ``body`` describes (a legacy body, empty values left out);
    ``{Id, TaskId}``."""
    common = _common(call, body)
    if common is None or call.args["execution"].get("VersionControlled"):
        return _legacy(call, "deployments", body)
    common.update(
        ProjectName=call.args["project_id"],
        ReleaseVersion=call.args["execution"]["ReleaseVersion"],
        ForcePackageRedeployment=bool(body.get("ForcePackageRedeployment")),
    )
    if body.get("TenantId"):
        common.update(EnvironmentName=body["EnvironmentId"], Tenants=[body["TenantId"]])
        answer = _post(call, "deployments/create/tenanted/v1", common)
    else:
        common.update(EnvironmentNames=[body["EnvironmentId"]])
        answer = _post(call, "deployments/create/untenanted/v1", common)
    return _only(answer, "DeploymentServerTasks", "DeploymentId")


def run_runbook(call: ActionCall, body: Doc) -> Doc:
    """Start the runbook run ``body`` describes (a legacy body, empty values left out);
    ``{Id, TaskId}``."""
    common = _common(call, body)
    if common is None:
        return _legacy(call, "runbookRuns", body)
    execution = call.args["execution"]
    common.update(
        ProjectName=execution["ProjectId"],
        RunbookName=execution["RunbookName"],
        Snapshot=body["RunbookSnapshotId"],
        EnvironmentNames=[body["EnvironmentId"]],
    )
    if body.get("TenantId"):
        common.update(Tenants=[body["TenantId"]])
    answer = _post(call, "runbook-runs/create/v1", common)
    return _only(answer, "RunbookRunServerTasks", "RunbookRunId")


def _common(call: ActionCall, body: Doc) -> Doc | None:
    """The fields every execution shares, or ``None`` when the legacy route must be taken."""
    execution = call.args.get("execution")
    if not uses_executions(call) or not execution or body.get("Comments"):
        return None
    skip = execution.get("SkipStepNames")
    if body.get("SkipActions") and skip is None:
        return None
    sent = {
        "SpaceIdOrName": call.client.space_id,
        "SkipStepNames": skip or [],
        "Variables": dict(body.get("FormValues") or {}),
        "UseGuidedFailure": body.get("UseGuidedFailure"),
        "RunAt": body.get("QueueTime"),
    }
    return {k: v for k, v in sent.items() if v not in (None, [], {})}


def _legacy(call: ActionCall, collection: str, body: Doc) -> Doc:
    created = call.client.request("POST", call.client.space_path(collection), json=body)
    return {"Id": created["Id"], "TaskId": created["TaskId"]}


def _post(call: ActionCall, route: str, body: Doc) -> Doc:
    return dict(call.client.request("POST", call.client.space_path(route), json=body))


def _only(answer: Doc, tasks: str, id_field: str) -> Doc:
    """The one ``{…Id, ServerTaskId}`` entry of an executions answer as ``{Id, TaskId}``."""
    entries = _field(answer, tasks) or []
    if len(entries) != 1:
        raise OctoflowError(f"the server answered {len(entries)} entries in {tasks}, expected 1")
    return {"Id": _field(entries[0], id_field), "TaskId": _field(entries[0], "ServerTaskId")}


def _field(doc: Mapping[str, Any], name: str) -> Any:
    """A response field in either case (clients note both; UNCONFIRMED which Octopus sends)."""
    return doc[name] if name in doc else doc[name[0].lower() + name[1:]]
