"""Runbooks and runbook snapshots (REFERENCE §7.2, §7.4).

Creating a runbook creates its process (``RunbookProcess-<runbook id>``).
Creating a snapshot freezes a copy of the runbook's process under an id with
``-s-``; ``?publish=true`` also makes it the runbook's published snapshot, as
does a PUT of the runbook with ``PublishedRunbookSnapshotId``.
"""

from __future__ import annotations

import random
import string

from octoflow_plugins.processes.sandbox.processes import find, project_of
from octoflow_plugins.processes.sandbox.release import snapshot_template

from octoflow.sandbox.area import (
    DEPLOYMENT,
    RUNBOOK,
    CIDict,
    Doc,
    Request,
    Resource,
    Router,
    State,
    new_process,
    not_found,
    page,
    register,
)

RUNBOOK_QUERY = "{?skip,take,ids,partialName,clone,projectIds}"
SNAPSHOT_QUERY = "{?skip,take,ids,publish}"
SCOPES = ("All", "Specified", "FromProjectLifecycles")
TENANCY = ("Untenanted", "TenantedOrUntenanted", "Tenanted")


def runbook_defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Description": "",
        "ProjectId": None,
        "SpaceId": None,
        "RunbookProcessId": None,
        "PublishedRunbookSnapshotId": None,
        "EnvironmentScope": "All",
        "Environments": [],
        "MultiTenancyMode": "Untenanted",
        "DefaultGuidedFailureMode": "EnvironmentDefault",
        "ConnectivityPolicy": {
            "SkipMachineBehavior": "None",
            "TargetRoles": [],
            "AllowDeploymentsToNoTargets": True,
            "ExcludeUnhealthyTargets": False,
        },
        "RunRetentionPolicy": {"QuantityToKeep": 100, "ShouldKeepForever": False},
        "ForcePackageDownload": False,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def runbook_links(doc: Doc) -> dict[str, str]:
    space, rid = doc["SpaceId"], doc["Id"]
    base = f"/api/{space}/runbooks/{rid}"
    return {
        "Self": base,
        "Project": f"/api/{space}/projects/{doc['ProjectId']}",
        "RunbookProcesses": f"/api/{space}/runbookProcesses/{doc['RunbookProcessId']}",
        "RunbookSnapshots": base + "/runbookSnapshots{?skip,take}",
        "RunbookSnapshotTemplate": base + "/runbookSnapshotTemplate",
        "RunbookRunTemplate": base + "/runbookRunTemplate",
        "Run": base + "/run",
        "Web": f"/app#/{space}/projects/{doc['ProjectId']}/operations/runbooks/{rid}",
    }


def runbook_validate(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    errors = []
    project = req.state.get("Projects", doc.get("ProjectId"))
    if project is None or project["SpaceId"] != req.space_id:
        errors.append(f"The project '{doc.get('ProjectId')}' does not exist in {req.space_id}.")
    if old is not None and old["ProjectId"] != doc.get("ProjectId"):
        errors.append("A runbook cannot be moved to another project.")
    if doc["EnvironmentScope"] not in SCOPES:
        errors.append(f"EnvironmentScope must be one of {', '.join(SCOPES)}.")
    if doc["MultiTenancyMode"] not in TENANCY:
        errors.append(f"MultiTenancyMode must be one of {', '.join(TENANCY)}.")
    for env_id in doc["Environments"]:
        env = req.state.get("Environments", env_id) if isinstance(env_id, str) else None
        if env is None or env["SpaceId"] != req.space_id:
            errors.append(f"The environment '{env_id}' does not exist in {req.space_id}.")
    published = doc.get("PublishedRunbookSnapshotId")
    if published:
        snapshot = req.state.get("RunbookSnapshots", published)
        if snapshot is None or snapshot.get("RunbookId") != doc["Id"]:
            errors.append(f"The runbook snapshot '{published}' is not a snapshot of this runbook.")
    return errors


def runbook_finish(state: State, doc: Doc) -> None:
    doc["RunbookProcessId"] = f"RunbookProcess-{doc['Id']}"


def runbook_created(req: Request, doc: Doc) -> None:
    create_runbook_process(req.state, doc)


def create_runbook_process(state: State, runbook: Doc) -> Doc:
    return new_process(
        state,
        RUNBOOK,
        {
            "Id": runbook["RunbookProcessId"],
            "SpaceId": runbook["SpaceId"],
            "ProjectId": runbook["ProjectId"],
            "RunbookId": runbook["Id"],
        },
    )


def runbook_deleted(req: Request, doc: Doc) -> None:
    """A runbook takes its process, its snapshots and their frozen processes with it."""
    req.state.remove("RunbookProcesses", doc["RunbookProcessId"])
    for snapshot in req.state.values("RunbookSnapshots", doc["SpaceId"]):
        if snapshot["RunbookId"] == doc["Id"]:
            forget_snapshot(req, snapshot)


def project_filter(req: Request, items: list[Doc]) -> list[Doc]:
    wanted = {p.lower() for p in req.query.getlist("projectIds")}
    return [r for r in items if r["ProjectId"].lower() in wanted] if wanted else items


RUNBOOKS = Resource(
    collection="Runbooks",
    segment="runbooks",
    item_type="Runbook",
    noun="runbook",
    query_template=RUNBOOK_QUERY,
    defaults=runbook_defaults,
    links=runbook_links,
    validate=runbook_validate,
    filters=project_filter,
    name_scope=lambda d: (d.get("SpaceId"), d.get("ProjectId")),
    has_slug=False,
    keep_on_update=("RunbookProcessId",),
    finish=runbook_finish,
    after_create=runbook_created,
    on_delete=runbook_deleted,
    nested_fields=("SkipMachineBehavior", "QuantityToKeep", "ShouldKeepForever"),
)


# -- snapshots ---------------------------------------------------------------------


def snapshot_defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Notes": None,
        "ProjectId": None,
        "RunbookId": None,
        "SpaceId": None,
        "FrozenRunbookProcessId": None,
        "FrozenProjectVariableSetId": None,
        "ProjectVariableSetSnapshotId": None,
        "LibraryVariableSetSnapshotIds": [],
        "SelectedPackages": [],
        "Assembled": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def snapshot_links(doc: Doc) -> dict[str, str]:
    space = doc["SpaceId"]
    base = f"/api/{space}/runbookSnapshots/{doc['Id']}"
    return {
        "Self": base,
        "Runbook": f"/api/{space}/runbooks/{doc['RunbookId']}",
        "Project": f"/api/{space}/projects/{doc['ProjectId']}",
        "FrozenRunbookProcess": f"/api/{space}/runbookProcesses/{doc['FrozenRunbookProcessId']}",
        "RunbookRuns": base + "/runbookRuns{?skip,take}",
    }


def snapshot_prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    runbook = req.state.get("Runbooks", doc.get("RunbookId"))
    if runbook is None or runbook["SpaceId"] != req.space_id:
        return [f"The runbook '{doc.get('RunbookId')}' does not exist in {req.space_id}."]
    if old is not None:
        for field in ("RunbookId", "FrozenRunbookProcessId", "Assembled", "ProjectId"):
            doc[field] = old[field]
        return []
    doc["ProjectId"] = runbook["ProjectId"]
    doc["Assembled"] = req.state.now()
    return []


def snapshot_created(req: Request, doc: Doc) -> None:
    freeze(req.state, doc, random.Random())
    if req.query.bool("publish"):
        runbook = req.state.require("Runbooks", doc["RunbookId"])
        runbook["PublishedRunbookSnapshotId"] = doc["Id"]
        req.state.stamp(runbook)


def freeze(state: State, snapshot: Doc, rng: random.Random) -> None:
    """Copy the runbook's process into a frozen process the snapshot points at."""
    runbook = state.require("Runbooks", snapshot["RunbookId"])
    live = state.require("RunbookProcesses", runbook["RunbookProcessId"])
    suffix = "".join(rng.choice(string.ascii_uppercase) for _ in range(5))
    frozen_id = f"{live['Id']}-s-{live['Version']}-{suffix}"
    new_process(
        state,
        RUNBOOK,
        {k: v for k, v in live.items() if k not in ("LastModifiedOn", "LastModifiedBy", "Links")}
        | {"Id": frozen_id, "Steps": [dict(s) for s in live["Steps"]]},
    )
    project_id = snapshot["ProjectId"]
    snapshot["FrozenRunbookProcessId"] = frozen_id
    snapshot["FrozenProjectVariableSetId"] = (
        f"variableset-{project_id}-s-{live['Version']}-{suffix}"
    )
    snapshot["ProjectVariableSetSnapshotId"] = snapshot["FrozenProjectVariableSetId"]
    snapshot["Links"] = snapshot_links(snapshot)
    live["LastSnapshotId"] = snapshot["Id"]


def forget_snapshot(req: Request, doc: Doc) -> None:
    req.state.remove("RunbookSnapshots", doc["Id"])
    req.state.remove("RunbookProcesses", doc.get("FrozenRunbookProcessId") or "")
    runbook = req.state.get("Runbooks", doc["RunbookId"])
    if runbook is not None and runbook.get("PublishedRunbookSnapshotId") == doc["Id"]:
        runbook["PublishedRunbookSnapshotId"] = None


SNAPSHOTS = Resource(
    collection="RunbookSnapshots",
    segment="runbookSnapshots",
    item_type="RunbookSnapshot",
    noun="runbook snapshot",
    query_template=SNAPSHOT_QUERY,
    defaults=snapshot_defaults,
    links=snapshot_links,
    prepare=snapshot_prepare,
    name_scope=lambda d: (d.get("SpaceId"), d.get("RunbookId")),
    has_slug=False,
    after_create=snapshot_created,
    on_delete=lambda req, doc: forget_snapshot(req, doc),
)


# -- routes scoped to a project or runbook ---------------------------------------------


def project_runbooks(req: Request) -> Doc:
    project = project_of(req, req.path_params["id"])
    items = [r for r in RUNBOOKS.select(req) if r["ProjectId"] == project["Id"]]
    base = f"/api/{req.space_id}/projects/{project['Id']}/runbooks"
    return page(req, items, "Runbook", base, "{?skip,take,partialName}")


def runbook_snapshots(req: Request) -> Doc:
    runbook = RUNBOOKS.find(req, req.path_params["id"])
    items = [s for s in SNAPSHOTS.select(req) if s["RunbookId"] == runbook["Id"]]
    items.sort(key=lambda s: s.get("Assembled") or "", reverse=True)
    base = f"/api/{req.space_id}/runbooks/{runbook['Id']}/runbookSnapshots"
    return page(req, items, "RunbookSnapshot", base, "{?skip,take}")


def project_snapshots(req: Request) -> Doc:
    project = project_of(req, req.path_params["id"])
    items = [s for s in SNAPSHOTS.select(req) if s["ProjectId"] == project["Id"]]
    items.sort(key=lambda s: s.get("Assembled") or "", reverse=True)
    base = f"/api/{req.space_id}/projects/{project['Id']}/runbookSnapshots"
    return page(req, items, "RunbookSnapshot", base, "{?skip,take,searchByName}")


def project_snapshot_by_name(req: Request) -> Doc:
    project = project_of(req, req.path_params["id"])
    name = req.path_params["name"]
    for snapshot in SNAPSHOTS.items(req):
        if snapshot["ProjectId"] == project["Id"] and snapshot["Name"].lower() == name.lower():
            return snapshot
    raise not_found(name)


def project_runbook(req: Request) -> Doc:
    """``/projects/{projectId}/runbooks/{id}``: a runbook of that project (newer servers;
    api-client.ts reads runbooks this way), 404 for another project's."""
    project = project_of(req, req.path_params["projectId"])
    runbook = RUNBOOKS.find(req, req.path_params["id"])
    if runbook["ProjectId"] != project["Id"]:
        raise not_found(req.path_params["id"])
    return runbook


def project_summary(req: Request) -> Doc:
    """ProjectSummary: whether the project has deployment steps and runbooks."""
    project = project_of(req, req.path_params["id"])
    process = req.state.get(DEPLOYMENT.collection, project.get("DeploymentProcessId")) or {}
    has_runbooks = any(r["ProjectId"] == project["Id"] for r in RUNBOOKS.items(req))
    return {"HasDeploymentProcess": bool(process.get("Steps")), "HasRunbooks": has_runbooks}


def runbook_snapshot_template(req: Request) -> Doc:
    runbook = RUNBOOKS.find(req, req.path_params["id"])
    return snapshot_template(req, find(req, RUNBOOK, runbook["RunbookProcessId"]))


def register_routes(router: Router) -> None:
    register(router, RUNBOOKS)
    register(router, SNAPSHOTS)
    router.space("GET", "/projects/{id}/runbooks", project_runbooks)
    router.space("GET", "/projects/{projectId}/runbooks/{id}", project_runbook)
    router.space("GET", "/projects/{id}/summary", project_summary)
    router.space("GET", "/projects/{id}/runbookSnapshots", project_snapshots)
    router.space("GET", "/projects/{id}/runbookSnapshots/{name}", project_snapshot_by_name)
    router.space("GET", "/runbooks/{id}/runbookSnapshots", runbook_snapshots)
    router.space("GET", "/runbooks/{id}/runbookSnapshotTemplate", runbook_snapshot_template)
    router.link("Runbooks", "/runbooks{/id}" + RUNBOOK_QUERY)
    router.link("RunbookSnapshots", "/runbookSnapshots{/id}" + SNAPSHOT_QUERY)
