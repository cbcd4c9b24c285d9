"""The processes provider's sandbox area: deployment processes, runbooks, runbook
processes and snapshots, feeds with package versions, and action templates.

Every project stored in the database has a deployment process
(``deploymentprocess-<project id>``), created with the project and deleted
with it; a cloned project gets a copy of its source's steps. A
version-controlled project has none: its process lives in Git.
"""

from __future__ import annotations

from octoflow_plugins.processes.sandbox import (
    feeds,
    git_processes,
    git_runbooks,
    library,
    library_views,
    processes,
    release,
    runbooks,
)
from octoflow_plugins.processes.sandbox.feeds import BUILT_IN_ID
from octoflow_plugins.processes.sandbox.seed import seed_demo_processes
from octoflow_plugins.processes.sandbox.seed_large import seed_large_processes
from octoflow_plugins.processes.sandbox.seed_library import seed_feeds
from octoflow_plugins.processes.sandbox.steps import field_names, new_guid

from octoflow.sandbox.area import (
    DEPLOYMENT,
    RUNBOOK,
    Doc,
    Request,
    Router,
    State,
    is_demo,
    is_large,
    new_process,
)


def follow_projects(req: Request, old: Doc | None, new: Doc | None) -> None:
    if old is None and new is not None and not new.get("IsVersionControlled"):
        steps = []
        if req.clone_source is not None:
            source = req.state.get(DEPLOYMENT.collection, req.clone_source["DeploymentProcessId"])
            steps = copy_steps(source["Steps"]) if source else []
        new_process(
            req.state,
            DEPLOYMENT,
            {
                "Id": new["DeploymentProcessId"],
                "SpaceId": new["SpaceId"],
                "ProjectId": new["Id"],
                "Steps": steps,
            },
        )
    elif new is None and old is not None:
        forget_project(req, old)


def furnish_space(req: Request, old: Doc | None, new: Doc | None) -> None:
    """A space made through the API gets its built-in feed."""
    if old is None and new is not None:
        seed_feeds(req.state, new["Id"], f"{BUILT_IN_ID}-{new['Id']}")


def copy_steps(steps: list[Doc]) -> list[Doc]:
    """Steps with fresh ids for every step, action and package (a cloned project's)."""
    out = []
    for step in steps:
        actions = [
            dict(a, Id=new_guid(), Packages=[dict(p, Id=new_guid()) for p in a["Packages"]])
            for a in step["Actions"]
        ]
        out.append(dict(step, Id=new_guid(), Actions=actions))
    return out


def forget_project(req: Request, project: Doc) -> None:
    state = req.state
    for process in state.values(DEPLOYMENT.collection, project["SpaceId"]):
        if process["ProjectId"] == project["Id"]:
            state.remove(DEPLOYMENT.collection, process["Id"])
    for runbook in state.values("Runbooks", project["SpaceId"]):
        if runbook["ProjectId"] == project["Id"]:
            state.remove("Runbooks", runbook["Id"])
            runbooks.runbook_deleted(req, runbook)


class ProcessesArea:
    """See the module docstring; the routes follow the real server's."""

    name = "processes"

    def register_routes(self, router: Router) -> None:
        for kind in (DEPLOYMENT, RUNBOOK):
            seg = "/" + kind.segment
            router.space("GET", seg, processes.list_processes(kind))
            router.space("GET", seg + "/{id}", processes.get_process(kind))
            router.space("PUT", seg + "/{id}", processes.put_process(kind))
            router.link(
                kind.item_type.replace("Process", "Processes"), seg + "{/id}{?skip,take,ids}"
            )
        router.space("GET", "/deploymentprocesses/{id}/template", release.release_template)
        router.space("GET", "/projects/{id}/deploymentprocesses", processes.project_process)
        router.space("PUT", "/projects/{id}/deploymentprocesses", processes.put_project_process)
        router.space(
            "GET",
            "/projects/{id}/deploymentprocesses/template",
            release.project_release_template,
        )
        router.space(
            "GET",
            "/runbookProcesses/{id}/runbookSnapshotTemplate",
            release.runbook_process_template,
        )
        runbooks.register_routes(router)
        git_processes.register_routes(router)
        git_runbooks.register_routes(router)
        feeds.register_routes(router)
        library.register_routes(router)
        library_views.register_routes(router)
        router.add_field_names(field_names() + ("Version", "Steps", "RunbookId", "ProjectId"))
        router.on_change("Projects", follow_projects)
        router.on_change("Spaces", furnish_space)

    def seed(self, state: State, seed: str) -> None:
        seed_feeds(state)
        if is_demo(seed):
            seed_demo_processes(state)
        if is_large(seed):
            seed_large_processes(state)
