"""The executions API (REFERENCE §8.3): what the Octopus CLI and the Go/TS clients call.

``POST /api/{spaceId}/releases/create/v1`` (in :mod:`.execution_release`),
``…/deployments/create/untenanted/v1``, ``…/deployments/create/tenanted/v1`` and
``…/runbook-runs/create/v1`` (here; shared request handling in
:mod:`.execution_request`). The space in the path must be an id (other
URL forms answer 404) and the body must repeat it as ``spaceIdOrName`` (its id
or name). Property names match in any
case (the Go client sends camelCase, the TS client PascalCase); responses are
PascalCase. Names may be given where the clients send names: projects,
channels, environments, tenants, runbooks and snapshots by name or id, steps
and machines by name. Everything a request would create is checked before any
of it is stored. A release, deployment or run created answers 201; an
existing release returned for ``ignoreIfAlreadyExists`` answers 200 (the
exact success code is UNCONFIRMED; clients accept any 2xx).
"""

from __future__ import annotations

import difflib

from octoflow_plugins.deployments.sandbox import deployments, runbookruns, runs
from octoflow_plugins.deployments.sandbox.execution_release import create_release_v1
from octoflow_plugins.deployments.sandbox.execution_request import (
    command,
    environments,
    names,
    pick,
    project_for,
    release_for,
)
from octoflow_plugins.deployments.sandbox.runs import Draft

from octoflow.sandbox.area import CIDict, Doc, Request, Router, invalid

# -- deployments/create/*/v1 -----------------------------------------------------------------------


def deployment_fields(req: Request, body: CIDict, process: Doc | None) -> Doc:
    """The common execution fields as a deployment or run body."""
    return {
        "SkipActions": _skipped(process, names(body.get("SkipStepNames"))),
        "SpecificMachineIds": _machines(req, names(body.get("SpecificMachineNames"))),
        "ExcludedMachineIds": _machines(req, names(body.get("ExcludedMachineNames"))),
        "ForcePackageDownload": bool(body.get("ForcePackageDownload")),
        "ForcePackageRedeployment": bool(body.get("ForcePackageRedeployment")),
        "UseGuidedFailure": body.get("UseGuidedFailure"),
        "QueueTime": body.get("RunAt"),
        "QueueTimeExpiry": body.get("NoRunAfter"),
        "FormValues": dict(body.get("Variables") or {}),
    }


def _skipped(process: Doc | None, step_names: list[str]) -> list[str]:
    steps = (process or {}).get("Steps") or []
    out = []
    for name in step_names:
        matched = [
            a["Id"]
            for s in steps
            for a in s["Actions"]
            if name.lower() in (s["Name"].lower(), a["Name"].lower())
        ]
        if not matched:
            known = [s["Name"] for s in steps]
            close = difflib.get_close_matches(name, known, n=3)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise invalid(f"The step '{name}' in skipStepNames is not a step of the process.{hint}")
        out += matched
    return out


def _machines(req: Request, machine_names: list[str]) -> list[str]:
    machines = req.state.values("Machines", req.space_id)
    return [pick(machines, name, "machine", f"in {req.space_id}")["Id"] for name in machine_names]


def create_untenanted(req: Request) -> tuple[int, Doc]:
    body = command(req)
    project = project_for(req, body)
    release = release_for(req, project, body.get("ReleaseVersion"))
    envs = environments(req, names(body.get("EnvironmentNames")))
    if not envs:
        raise invalid("The environmentNames field is required: name at least one environment.")
    common = _deployment_common(req, body, release)
    drafts = [
        deployments.check_deployment(
            req.state, req.space_id, dict(common, ReleaseId=release["Id"], EnvironmentId=e["Id"])
        )
        for e in envs
    ]
    return 201, _deployment_tasks(req, drafts)


def create_tenanted(req: Request) -> tuple[int, Doc]:
    body = command(req)
    project = project_for(req, body)
    release = release_for(req, project, body.get("ReleaseVersion"))
    env_ref = body.get("EnvironmentName")
    if not env_ref:
        raise invalid("The environmentName field is required.")
    (env,) = environments(req, names(env_ref)[:1])
    tenants = _tenants(req, project, env, names(body.get("Tenants")), names(body.get("TenantTags")))
    common = _deployment_common(req, body, release)
    drafts = [
        deployments.check_deployment(
            req.state,
            req.space_id,
            dict(common, ReleaseId=release["Id"], EnvironmentId=env["Id"], TenantId=t["Id"]),
        )
        for t in tenants
    ]
    return 201, _deployment_tasks(req, drafts)


def _deployment_common(req: Request, body: CIDict, release: Doc) -> Doc:
    process = req.state.get(
        "DeploymentProcesses", release.get("ProjectDeploymentProcessSnapshotId")
    )
    return deployment_fields(req, body, process)


def _tenants(req: Request, project: Doc, env: Doc, refs: list[str], tags: list[str]) -> list[Doc]:
    """The tenants named, then those with ``tags`` connected to the project in ``env``."""
    everyone = req.state.values("Tenants", req.space_id)
    chosen = [pick(everyone, ref, "tenant", f"in {req.space_id}") for ref in refs]
    if tags:
        chosen += [
            t
            for t in sorted(everyone, key=lambda t: int(t["Id"].rpartition("-")[2]))
            if not t.get("IsDisabled")
            and env["Id"] in (t.get("ProjectEnvironments") or {}).get(project["Id"], [])
            and runs.tags_match(t.get("TenantTags") or [], tags)
        ]
    unique = list({t["Id"]: t for t in chosen}.values())
    if not unique:
        raise invalid(
            f"No tenants were chosen: name tenants, or tenant tags that match tenants connected to "
            f"'{project['Name']}' in '{env['Name']}'."
        )
    return unique


def _deployment_tasks(req: Request, drafts: list[Draft]) -> Doc:
    stored = deployments.stored(req, drafts)
    return {
        "DeploymentServerTasks": [
            {"DeploymentId": d["Id"], "ServerTaskId": d["TaskId"]} for d in stored
        ]
    }


# -- runbook-runs/create/v1 ----------------------------------------------------------------------


def create_runbook_runs(req: Request) -> tuple[int, Doc]:
    body = command(req)
    project = project_for(req, body)
    runbooks = [
        r for r in req.state.values("Runbooks", req.space_id) if r["ProjectId"] == project["Id"]
    ]
    if not body.get("RunbookName"):
        raise invalid("The runbookName field is required.")
    runbook = pick(
        runbooks, body.get("RunbookName"), "runbook", f"in the project '{project['Name']}'"
    )
    snapshot_id = runbookruns.snapshot_for(
        req,
        runbook,
        {
            "UseDefaultSnapshot": not body.get("Snapshot"),
            "RunbookSnapshotNameOrId": body.get("Snapshot"),
        },
    )
    snapshot = req.state.require("RunbookSnapshots", snapshot_id)
    process = req.state.get("RunbookProcesses", snapshot.get("FrozenRunbookProcessId"))
    envs = environments(req, names(body.get("EnvironmentNames")))
    everyone = req.state.values("Tenants", req.space_id)
    tenant_ids = [
        pick(everyone, t, "tenant", f"in {req.space_id}")["Id"] for t in names(body.get("Tenants"))
    ]
    common = deployment_fields(req, body, process)
    drafts = runbookruns.expand_runs(
        req.state,
        runbook,
        snapshot_id,
        [e["Id"] for e in envs],
        tenant_ids,
        names(body.get("TenantTags")),
        common,
    )
    stored = runbookruns.stored(req, drafts)
    return 201, {
        "RunbookRunServerTasks": [
            {"RunbookRunId": r["Id"], "ServerTaskId": r["TaskId"]} for r in stored
        ]
    }


def register_routes(router: Router) -> None:
    router.space("POST", "/releases/create/v1", create_release_v1)
    router.space("POST", "/deployments/create/untenanted/v1", create_untenanted)
    router.space("POST", "/deployments/create/tenanted/v1", create_tenanted)
    router.space("POST", "/runbook-runs/create/v1", create_runbook_runs)
    # The release name is api-client.ts's; the other three follow its naming (UNCONFIRMED).
    router.capability(
        "CreateReleaseCommandV1",
        "CreateDeploymentUntenantedCommandV1",
        "CreateDeploymentTenantedCommandV1",
        "CreateRunbookRunCommandV1",
    )
