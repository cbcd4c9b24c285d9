"""Runbook runs (REFERENCE §7.5): ``POST /runbookRuns``, ``POST /runbooks/{id}/run``, list,
get and delete.

A run executes a runbook snapshot's frozen process in one environment (and
for one tenant, when the runbook is tenanted) through a ``RunbookRun`` server
task. ``/runbooks/{id}/run`` runs the published snapshot (or a named one with
``UseDefaultSnapshot: false``) in every environment of ``EnvironmentIds`` for
every tenant of ``TenantIds``/``TenantTagNames``, and answers 201 with the
array of runs. Every run is checked before any is stored. The processes area
owns runbooks and snapshots; they are read from the state here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from octoflow_plugins.deployments.sandbox import runs
from octoflow_plugins.deployments.sandbox.runs import Draft

from octoflow.sandbox.area import CIDict, Doc, Request, Router, SandboxError, State, not_found

COLLECTION = "RunbookRuns"
QUERY = "{?skip,take,ids,projects,environments,tenants,runbooks,taskState,partialName}"
FILTERS = (
    ("ids", "Id"),
    ("projects", "ProjectId"),
    ("environments", "EnvironmentId"),
    ("tenants", "TenantId"),
    ("runbooks", "RunbookId"),
)
FAILED = "RunbookRun creation failed."
BAD_SCHEDULE = "RunbookRun Schedule is invalid."
NOT_PUBLISHED = "Runbook has no published snapshot."
#: The fields of a ``/runbooks/{id}/run`` body each run it creates carries over.
COMMON = (
    "SkipActions",
    "SpecificMachineIds",
    "ExcludedMachineIds",
    "FormValues",
    "ForcePackageDownload",
    "UseGuidedFailure",
    "QueueTime",
    "QueueTimeExpiry",
    "Comments",
)


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "RunbookId": None,
        "RunbookSnapshotId": None,
        "FrozenRunbookProcessId": None,
        "EnvironmentId": None,
        "TenantId": None,
        "ProjectId": None,
        "TaskId": None,
        "SkipActions": [],
        "SpecificMachineIds": [],
        "ExcludedMachineIds": [],
        "FormValues": {},
        "ForcePackageDownload": False,
        "UseGuidedFailure": False,
        "QueueTime": None,
        "QueueTimeExpiry": None,
        "Comments": None,
        "Created": None,
        "DeployedBy": None,
        "DeployedById": None,
        "DeployedToMachineIds": [],
        "FailureEncountered": False,
        "ManifestVariableSetId": None,
        "TentacleRetentionPeriod": None,
        "SpaceId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    if doc.get("GitReference"):
        return git_run_links(doc)
    space, doc_id = doc["SpaceId"], doc["Id"]
    out = {
        "Self": f"/api/{space}/runbookRuns/{doc_id}",
        "Runbook": f"/api/{space}/runbooks/{doc['RunbookId']}",
        "RunbookSnapshot": f"/api/{space}/runbookSnapshots/{doc['RunbookSnapshotId']}",
        "Environment": f"/api/{space}/environments/{doc['EnvironmentId']}",
        "Project": f"/api/{space}/projects/{doc['ProjectId']}",
        "Web": f"/app#/{space}/projects/{doc['ProjectId']}/operations/runbooks/"
        f"{doc['RunbookId']}/snapshots/{doc['RunbookSnapshotId']}/runs/{doc_id}",
    }
    return {**out, **runs.run_links(space, doc)}


def git_run_links(doc: Doc) -> dict[str, str]:
    """A run from Git: its runbook is read under the run's commit; it has no snapshot."""
    space, doc_id = doc["SpaceId"], doc["Id"]
    project = f"/api/{space}/projects/{doc['ProjectId']}"
    commit = doc["GitReference"]["GitCommit"]
    return {
        "Self": f"/api/{space}/runbookRuns/{doc_id}",
        "Runbook": f"{project}/{commit}/runbooks/{doc['RunbookId']}",
        "Environment": f"/api/{space}/environments/{doc['EnvironmentId']}",
        "Project": project,
        "Web": f"/app#/{space}/projects/{doc['ProjectId']}/operations/runbooks/"
        f"{doc['RunbookId']}/runs/{doc_id}",
        **runs.run_links(space, doc),
    }


# -- checking a run --------------------------------------------------------------------------


def check_run(state: State, space: str, body: Mapping[str, Any]) -> Draft:
    """Validate one run request (PascalCase keys, any case); raises the server's 400."""
    body = body if isinstance(body, CIDict) else CIDict(body.items())
    runbook = runs.in_space(state, "Runbooks", body.get("RunbookId"), space)
    snapshot = runs.in_space(state, "RunbookSnapshots", body.get("RunbookSnapshotId"), space)
    env = runs.in_space(state, "Environments", body.get("EnvironmentId"), space)
    found = [
        ("runbook", "RunbookId", runbook),
        ("runbook snapshot", "RunbookSnapshotId", snapshot),
        ("environment", "EnvironmentId", env),
    ]
    runs.require_found(found, body, FAILED)
    errors: list[str] = []
    assert runbook is not None and snapshot is not None and env is not None
    if snapshot["RunbookId"] != runbook["Id"]:
        errors.append(
            f"The snapshot '{snapshot['Name']}' is not a snapshot of '{runbook['Name']}'."
        )
    frozen = snapshot.get("FrozenRunbookProcessId")
    return draft_run(state, space, runbook, (snapshot["Id"], frozen), env, body, errors)


def draft_run(
    state: State,
    space: str,
    runbook: Doc,
    source: tuple[str | None, str | None],
    env: Doc,
    body: CIDict,
    errors: list[str],
) -> Draft:
    """A checked run of ``runbook``'s frozen process; ``source`` is (snapshot id, frozen
    process id), the snapshot None for a run from Git."""
    snapshot_id, frozen_id = source
    project = state.require("Projects", runbook["ProjectId"])
    errors += _scope_errors(state, runbook, project, env)
    mode = runbook.get("MultiTenancyMode") or "Untenanted"
    tenant, more = runs.tenant_for(state, runbook, mode, project, env, body.get("TenantId"))
    process = state.get("RunbookProcesses", frozen_id)
    skip = [str(s) for s in body.get("SkipActions") or []]
    where = "the snapshot's process" if snapshot_id else "the runbook's process"
    errors += more + runs.unknown_actions(process, skip, where)
    errors += runs.field_errors(state, body)
    if errors:
        raise SandboxError(400, FAILED, errors=errors)
    guided = runs.guided_failure(state, runbook, env["Id"], body.get("UseGuidedFailure"))
    doc = defaults()
    doc.update(runs.request_fields(body, doc, BAD_SCHEDULE))
    doc.update(
        Name=runbook["Name"],
        RunbookId=runbook["Id"],
        RunbookSnapshotId=snapshot_id,
        FrozenRunbookProcessId=frozen_id,
        EnvironmentId=env["Id"],
        TenantId=tenant["Id"] if tenant else None,
        ProjectId=project["Id"],
        UseGuidedFailure=guided,
        SpaceId=space,
    )
    # UNCONFIRMED: no captured run shows its Name or its task's Description; these are the
    # most plausible (the runbook's name; "Run <runbook> in <environment> [for <tenant>]").
    text = f"Run {runbook['Name']} in {env['Name']}" + (f" for {tenant['Name']}" if tenant else "")
    steps = runs.plan_steps(state, process, env["Id"], None, tenant, skip)
    related = [project["Id"], env["Id"], *([tenant["Id"]] if tenant else [])]
    return Draft(doc, steps, guided, text, related)


def runbook_environment_ids(state: State, runbook: Doc, project: Doc) -> list[str]:
    """Where a runbook may run: every environment, its own list, or the project's lifecycles."""
    scope = runbook.get("EnvironmentScope") or "All"
    if scope == "Specified":
        return list(runbook.get("Environments") or [])
    if scope == "FromProjectLifecycles":
        return state.project_environment_ids(project)
    return [e["Id"] for e in state.environments_in_order(runbook["SpaceId"])]


def _scope_errors(state: State, runbook: Doc, project: Doc, env: Doc) -> list[str]:
    allowed = runbook_environment_ids(state, runbook, project)
    if env["Id"] in allowed:
        return []
    names = [(state.get("Environments", e) or {}).get("Name", e) for e in allowed]
    return [
        f"The runbook '{runbook['Name']}' cannot run in '{env['Name']}': it may run in "
        f"{', '.join(names) or 'no environment'}."
    ]


# -- storing runs -------------------------------------------------------------------------------


def store_run(state: State, draft: Draft, user_id: str | None) -> Doc:
    """Store a checked run and create its task (``user_id`` None: the administrator)."""
    return runs.store(
        state, COLLECTION, draft, user_id, ("RunbookRun", "RunbookRunId", "runbook run"), links
    )


def stored(req: Request, drafts: list[Draft]) -> list[Doc]:
    """Store checked runs as the requesting user and tell the other areas."""
    docs = [store_run(req.state, d, req.user_id) for d in drafts]
    for doc in docs:
        req.changed(COLLECTION, None, doc)
    return docs


def expand_runs(
    state: State,
    runbook: Doc,
    snapshot_id: str,
    environment_ids: list[str],
    tenant_ids: list[str],
    tags: list[str],
    common: Mapping[str, Any],
    check: Callable[[Mapping[str, Any]], Draft] | None = None,
) -> list[Draft]:
    """One checked run per environment and tenant (tenants named or matching ``tags``),
    each checked by ``check`` (``check_run``, of the snapshot, unless given)."""
    if not environment_ids:
        raise SandboxError(400, FAILED, errors=["Choose at least one environment to run in."])
    drafts = []
    for env_id in dict.fromkeys(environment_ids):
        tenants = list(dict.fromkeys([*tenant_ids, *_tagged(state, runbook, env_id, tags)]))
        if tags and not tenants:
            raise SandboxError(
                400, FAILED, errors=[f"No tenant matching {', '.join(tags)} can run in '{env_id}'."]
            )
        for tenant_id in tenants or [None]:
            body = {k: common[k] for k in COMMON if common.get(k) is not None}
            body.update(
                RunbookId=runbook["Id"],
                RunbookSnapshotId=snapshot_id,
                EnvironmentId=env_id,
                TenantId=tenant_id,
            )
            if check is None:
                drafts.append(check_run(state, runbook["SpaceId"], body))
            else:
                drafts.append(check(body))
    return drafts


def _tagged(state: State, runbook: Doc, env_id: str, tags: list[str]) -> list[str]:
    """Enabled tenants with ``tags`` connected to the runbook's project in ``env_id``."""
    if not tags:
        return []
    project_id = runbook["ProjectId"]
    return [
        t["Id"]
        for t in state.values("Tenants", runbook["SpaceId"])
        if not t.get("IsDisabled")
        and env_id in (t.get("ProjectEnvironments") or {}).get(project_id, [])
        and runs.tags_match(t.get("TenantTags") or [], tags)
    ]


# -- routes --------------------------------------------------------------------------------------


def create(req: Request) -> tuple[int, Doc]:
    return 201, stored(req, [check_run(req.state, req.space_id, req.json_object())])[0]


def run_runbook(req: Request) -> tuple[int, list[Doc]]:
    """``POST /runbooks/{id}/run`` (RunbookRunParameters): an array of runs."""
    runbook = runs.in_space(req.state, "Runbooks", req.path_params["id"], req.space_id)
    if runbook is None:
        raise not_found(req.path_params["id"])
    body = req.json_object()
    snapshot_id = snapshot_for(req, runbook, body)
    envs = [
        *(body.get("EnvironmentIds") or []),
        *([body["EnvironmentId"]] if body.get("EnvironmentId") else []),
    ]
    tenants = [
        *(body.get("TenantIds") or []),
        *([body["TenantId"]] if body.get("TenantId") else []),
    ]
    tags = list(body.get("TenantTagNames") or [])
    drafts = expand_runs(req.state, runbook, snapshot_id, envs, tenants, tags, body)
    return 201, stored(req, drafts)


def snapshot_for(req: Request, runbook: Doc, body: Mapping[str, Any]) -> str:
    """The published snapshot, or with ``UseDefaultSnapshot: false`` the one named or id'd."""
    if body.get("UseDefaultSnapshot") is not False:
        if not runbook.get("PublishedRunbookSnapshotId"):
            raise SandboxError(400, NOT_PUBLISHED, errors=[NOT_PUBLISHED])
        return str(runbook["PublishedRunbookSnapshotId"])
    ref = str(body.get("RunbookSnapshotNameOrId") or "")
    found = find_snapshot(req.state, runbook, ref)
    if found is None:
        raise SandboxError(400, FAILED, errors=[f"The runbook snapshot '{ref}' was not found."])
    return str(found["Id"])


def find_snapshot(state: State, runbook: Doc, ref: str) -> Doc | None:
    """A snapshot of ``runbook`` by id or name (case-insensitive)."""
    lowered = ref.lower()
    for snapshot in state.values("RunbookSnapshots", runbook["SpaceId"]):
        if snapshot["RunbookId"] == runbook["Id"] and lowered in (
            snapshot["Id"].lower(),
            str(snapshot.get("Name")).lower(),
        ):
            return snapshot
    return None


def list_runs(req: Request) -> Doc:
    items = req.state.values(COLLECTION, req.space_id)
    return runs.listing(req, items, FILTERS, "RunbookRun", f"/api/{req.space_id}/runbookRuns")


def snapshot_runs(req: Request) -> Doc:
    snapshot = runs.in_space(req.state, "RunbookSnapshots", req.path_params["id"], req.space_id)
    if snapshot is None:
        raise not_found(req.path_params["id"])
    items = [
        r
        for r in req.state.values(COLLECTION, req.space_id)
        if r["RunbookSnapshotId"] == snapshot["Id"]
    ]
    base = f"/api/{req.space_id}/runbookSnapshots/{snapshot['Id']}/runbookRuns"
    return runs.listing(req, items, FILTERS, "RunbookRun", base)


def get_run(req: Request) -> Doc:
    return runs.find(req, COLLECTION, req.path_params["id"])


def delete_run(req: Request) -> tuple[int, None]:
    return runs.delete(req, COLLECTION)


def register_routes(router: Router) -> None:
    router.space("GET", "/runbookRuns", list_runs)
    router.space("POST", "/runbookRuns", create)
    router.space("GET", "/runbookRuns/{id}", get_run)
    router.space("DELETE", "/runbookRuns/{id}", delete_run)
    router.space("POST", "/runbooks/{id}/run", run_runbook)
    router.space("GET", "/runbookSnapshots/{id}/runbookRuns", snapshot_runs)
    router.link("RunbookRuns", "/runbookRuns{/id}" + QUERY)
    router.add_field_names(defaults())
    router.add_field_names(
        [
            "UseDefaultSnapshot",
            "RunbookSnapshotNameOrId",
            "EnvironmentIds",
            "TenantIds",
            "TenantTagNames",
            "DebugMode",
        ]
    )
