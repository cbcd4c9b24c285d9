"""Runs of a runbook kept in Git, from a git ref: ``POST
/projects/{id}/{gitRef}/runbooks/{runbookId}/run/v1`` (OctopusClients
``RunbookRepository.Run``: ``RunGitRunbookParameters``, answered with
``RunbookRunGitResource``) and the executions API's ``POST
/runbook-runs/git/create/v1`` (go-octopusdeploy ``GitRunbookRunCommandV1``).

A run from Git has no snapshot: the runbook's process is frozen at the ref's
commit (one frozen copy per process version and commit) and the run records the
ref and commit in ``GitReference`` (UNCONFIRMED: the field's name on a run).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from octoflow_plugins.deployments.sandbox import runbookruns, runs
from octoflow_plugins.deployments.sandbox.execution_request import (
    command,
    environments,
    names,
    pick,
    project_for,
)
from octoflow_plugins.deployments.sandbox.executions import deployment_fields
from octoflow_plugins.deployments.sandbox.runs import Draft

from octoflow.sandbox.area import (
    RUNBOOK,
    CIDict,
    Doc,
    Request,
    Router,
    SandboxError,
    State,
    git,
    invalid,
    new_process,
    plain,
)


def git_runbook(state: State, project: Doc, ref: git.GitRef, wanted: Any) -> tuple[Doc, Doc]:
    """The runbook named ``wanted`` (id, slug or name) at ``ref`` and its process there."""
    documents = git.documents_at(state, project, ref)
    if "Runbooks" not in documents:
        raise invalid(f"The runbooks of the project '{project['Id']}' are not stored in Git.")
    runbook = pick(documents["Runbooks"].values(), wanted, "runbook", f"at '{ref.name}'")
    return runbook, documents["RunbookProcesses"][runbook["RunbookProcessId"]]


def frozen_process(state: State, process: Doc, ref: git.GitRef) -> str:
    """A frozen copy of ``process`` as committed at ``ref`` (reused for the same commit)."""
    frozen_id = f"{process['Id']}-s-{process['Version']}-{ref.commit[:7].upper()}"
    if state.get(RUNBOOK.collection, frozen_id) is None:
        copy = {k: plain(v) for k, v in process.items() if k not in ("LastModifiedOn", "Links")}
        new_process(state, RUNBOOK, copy | {"Id": frozen_id, "LastSnapshotId": None})
    return frozen_id


def checker(state: State, runbook: Doc, frozen_id: str, ref: git.GitRef) -> Callable[[Any], Draft]:
    """Check one run's body of the Git runbook (``expand_runs``'s ``check``)."""

    def check(body: Any) -> Draft:
        body = body if isinstance(body, CIDict) else CIDict(body.items())
        env = runs.in_space(state, "Environments", body.get("EnvironmentId"), runbook["SpaceId"])
        runs.require_found([("environment", "EnvironmentId", env)], body, runbookruns.FAILED)
        assert env is not None
        source = (None, frozen_id)
        draft = runbookruns.draft_run(state, runbook["SpaceId"], runbook, source, env, body, [])
        draft.doc["GitReference"] = {"GitRef": ref.canonical, "GitCommit": ref.commit}
        return draft

    return check


def run_at_ref(req: Request) -> tuple[int, Doc]:
    project = runs.in_space(req.state, "Projects", req.path_params["id"], req.space_id)
    if project is None:
        raise SandboxError(404, f"The resource '{req.path_params['id']}' was not found.")
    body = req.json_object()
    ref = git.resolve(req.state, project, req.path_params["gitRef"])
    runbook, process = git_runbook(req.state, project, ref, req.path_params["runbookId"])
    check = checker(req.state, runbook, frozen_process(req.state, process, ref), ref)
    items = [r for r in body.get("Runs") or [] if isinstance(r, dict)]
    if not items:
        raise SandboxError(400, runbookruns.FAILED, errors=["Runs must name at least one run."])
    common = {k: v for k, v in body.items() if k != "Runs"}
    drafts = [check({**common, **item}) for item in items]
    return 201, {"Resources": runbookruns.stored(req, drafts)}


def create_git_runbook_runs(req: Request) -> tuple[int, Doc]:
    body = command(req)
    project = project_for(req, body)
    if not body.get("GitRef"):
        raise invalid("The gitRef field is required.")
    if not body.get("RunbookName"):
        raise invalid("The runbookName field is required.")
    ref = git.resolve(req.state, project, str(body["GitRef"]))
    runbook, process = git_runbook(req.state, project, ref, body.get("RunbookName"))
    frozen_id = frozen_process(req.state, process, ref)
    everyone = req.state.values("Tenants", req.space_id)
    tenant_ids = [
        pick(everyone, t, "tenant", f"in {req.space_id}")["Id"] for t in names(body.get("Tenants"))
    ]
    drafts = runbookruns.expand_runs(
        req.state,
        runbook,
        None,
        [e["Id"] for e in environments(req, names(body.get("EnvironmentNames")))],
        tenant_ids,
        names(body.get("TenantTags")),
        deployment_fields(req, body, req.state.get(RUNBOOK.collection, frozen_id)),
        checker(req.state, runbook, frozen_id, ref),
    )
    stored = runbookruns.stored(req, drafts)
    return 201, {
        "RunbookRunServerTasks": [
            {"RunbookRunId": r["Id"], "ServerTaskId": r["TaskId"]} for r in stored
        ]
    }


def register_routes(router: Router) -> None:
    router.space("POST", "/projects/{id}/{gitRef}/runbooks/{runbookId}/run/v1", run_at_ref)
    router.space("POST", "/runbook-runs/git/create/v1", create_git_runbook_runs)
