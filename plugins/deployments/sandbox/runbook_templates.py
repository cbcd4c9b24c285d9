"""What a runbook run form needs (RunbookRunTemplateResource, swagger-2020.5.json):
``GET /runbooks/{id}/runbookRunTemplate`` and ``GET /runbookSnapshots/{id}/runbookRuns/template``.

``PromoteTo`` lists the environments the runbook may run in; for a runbook
that runs for tenants, ``TenantPromotions`` lists each connected tenant with
the environments it may run in there. ``IsRunbookProcessModified`` says the
runbook's process changed since the snapshot (the published one, for the
runbook's template) was taken. Variable-set changes are not tracked: the
sandbox reports them unmodified.
"""

from __future__ import annotations

from octoflow_plugins.deployments.sandbox import lifecycle
from octoflow_plugins.deployments.sandbox.runbookruns import runbook_environment_ids
from octoflow_plugins.deployments.sandbox.runs import in_space

from octoflow.sandbox.area import Doc, Request, Router, State, not_found


def _target(doc: Doc) -> Doc:
    return {"Id": doc["Id"], "Name": doc["Name"], "Links": {}}


def template(state: State, runbook: Doc, snapshot: Doc | None) -> Doc:
    project = state.require("Projects", runbook["ProjectId"])
    allowed = runbook_environment_ids(state, runbook, project)
    envs = [e for e in state.environments_in_order(runbook["SpaceId"]) if e["Id"] in allowed]
    tenants = []
    if (runbook.get("MultiTenancyMode") or "Untenanted") != "Untenanted":
        for tenant in sorted(state.values("Tenants", runbook["SpaceId"]), key=lambda t: t["Name"]):
            mine = lifecycle.tenant_environment_ids(state, project["Id"], tenant["Id"])
            promote = [_target(e) for e in envs if e["Id"] in mine]
            if promote:
                tenants.append({**_target(tenant), "PromoteTo": promote})
    return {
        "Id": None,
        "PromoteTo": [_target(e) for e in envs],
        "TenantPromotions": tenants,
        "IsRunbookProcessModified": _process_modified(state, runbook, snapshot),
        "IsVariableSetModified": False,
        "IsLibraryVariableSetModified": False,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def _process_modified(state: State, runbook: Doc, snapshot: Doc | None) -> bool:
    live = state.get("RunbookProcesses", runbook.get("RunbookProcessId")) or {}
    if snapshot is None:
        return bool(live.get("Steps"))
    frozen = state.get("RunbookProcesses", snapshot.get("FrozenRunbookProcessId")) or {}
    return live.get("Steps") != frozen.get("Steps")


def runbook_template(req: Request) -> Doc:
    runbook = in_space(req.state, "Runbooks", req.path_params["id"], req.space_id)
    if runbook is None:
        raise not_found(req.path_params["id"])
    published = req.state.get("RunbookSnapshots", runbook.get("PublishedRunbookSnapshotId"))
    return template(req.state, runbook, published)


def snapshot_template(req: Request) -> Doc:
    snapshot = in_space(req.state, "RunbookSnapshots", req.path_params["id"], req.space_id)
    if snapshot is None:
        raise not_found(req.path_params["id"])
    runbook = req.state.require("Runbooks", snapshot["RunbookId"])
    return template(req.state, runbook, snapshot)


def register_routes(router: Router) -> None:
    router.space("GET", "/runbooks/{id}/runbookRunTemplate", runbook_template)
    router.space("GET", "/runbookSnapshots/{id}/runbookRuns/template", snapshot_template)
