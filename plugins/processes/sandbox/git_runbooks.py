"""Runbooks kept in Git (a project whose ``ConversionState.RunbooksAreInGit``), under a
git ref: ``GET …/{gitRef}/runbooks``, ``GET``/``PUT …/{gitRef}/runbooks/{id}`` and
``GET``/``PUT …/{gitRef}/runbookProcesses/{id}`` (go-octopusdeploy ``GitRunbook*``
templates; OctopusClients ``RunbookRepository`` and ``RunbookProcessRepository``
address both by the runbook's slug and send ``ChangeDescription`` with a write).

UNCONFIRMED: a runbook in Git is identified by its slug here (its ``Id``), and its
process by ``RunbookProcess-<slug>``; either id or the slug finds the process.
"""

from __future__ import annotations

from collections.abc import Callable

from octoflow_plugins.processes.sandbox.git_processes import replaced
from octoflow_plugins.processes.sandbox.processes import project_of
from octoflow_plugins.processes.sandbox.runbooks import SCOPES, TENANCY, runbook_defaults

from octoflow.sandbox.area import (
    RUNBOOK,
    Doc,
    Request,
    Router,
    SandboxError,
    commit_documents,
    git,
    invalid,
    page,
    plain,
    slugify,
)

#: Runbook fields a write under a git ref may change (the runbook settings in Git).
SETTINGS = (
    "Name",
    "Description",
    "EnvironmentScope",
    "Environments",
    "MultiTenancyMode",
    "DefaultGuidedFailureMode",
    "ConnectivityPolicy",
    "RunRetentionPolicy",
    "ForcePackageDownload",
)


def new_git_runbook(project: Doc, name: str, steps: list[Doc], **fields: object) -> tuple[Doc, Doc]:
    """A runbook and its process as Git keeps them (for a seed or a conversion)."""
    slug = slugify(name)
    runbook = runbook_defaults()
    runbook.update(
        Id=slug,
        Name=name,
        Slug=slug,
        ProjectId=project["Id"],
        SpaceId=project["SpaceId"],
        RunbookProcessId=f"RunbookProcess-{slug}",
        **fields,
    )
    del runbook["Links"]
    process = {
        "Id": runbook["RunbookProcessId"],
        "SpaceId": project["SpaceId"],
        "ProjectId": project["Id"],
        "RunbookId": slug,
        "Version": 1,
        "LastSnapshotId": None,
        "Steps": steps,
    }
    return runbook, process


def _base(project: Doc, ref: git.GitRef) -> str:
    return f"/api/{project['SpaceId']}/projects/{project['Id']}/{ref.segment}"


def runbook_at(project: Doc, ref: git.GitRef, stored: Doc) -> Doc:
    base = _base(project, ref)
    doc = dict(stored)
    doc["Links"] = {
        "Self": f"{base}/runbooks/{stored['Id']}",
        "Project": f"/api/{project['SpaceId']}/projects/{project['Id']}",
        "RunbookProcesses": f"{base}/runbookProcesses/{stored['RunbookProcessId']}",
    }
    return doc


def runbook_process_at(project: Doc, ref: git.GitRef, stored: Doc) -> Doc:
    base = _base(project, ref)
    doc = dict(stored)
    doc["Links"] = {
        "Self": f"{base}/runbookProcesses/{stored['Id']}",
        "Project": f"/api/{project['SpaceId']}/projects/{project['Id']}",
        "Runbook": f"{base}/runbooks/{stored['RunbookId']}",
    }
    return doc


def _at_ref(req: Request) -> tuple[Doc, git.GitRef, Doc]:
    project = project_of(req, req.path_params["id"])
    ref = git.resolve(req.state, project, req.path_params["gitRef"])
    documents = git.documents_at(req.state, project, ref)
    if "Runbooks" not in documents:
        # UNCONFIRMED: what a server answers for a project whose runbooks are not in Git.
        raise invalid(f"The runbooks of the project '{project['Id']}' are not stored in Git.")
    return project, ref, documents


def _key(table: dict[str, Doc], ref: str, field: str) -> str:
    """The key of the document in ``table`` whose id or ``field`` is ``ref``."""
    lowered = ref.lower()
    for key, doc in table.items():
        if key.lower() == lowered or str(doc.get(field) or "").lower() == lowered:
            return key
    raise SandboxError(404, f"The resource '{ref}' was not found.")


def list_runbooks(req: Request) -> Doc:
    project, ref, documents = _at_ref(req)
    items = [runbook_at(project, ref, r) for r in documents["Runbooks"].values()]
    partial = (req.query.get("partialName") or "").lower()
    items = [r for r in items if partial in r["Name"].lower()]
    items.sort(key=lambda r: r["Name"].lower())
    base = _base(project, ref) + "/runbooks"
    return page(req, items, "Runbook", base, "{?skip,take,partialName}")


def get_runbook(req: Request) -> Doc:
    project, ref, documents = _at_ref(req)
    key = _key(documents["Runbooks"], req.path_params["runbookId"], "Slug")
    return runbook_at(project, ref, documents["Runbooks"][key])


def put_runbook(req: Request) -> Doc:
    body = req.json_object()
    project, ref, documents = _at_ref(req)
    git.writable_branch(project, ref)
    key = _key(documents["Runbooks"], req.path_params["runbookId"], "Slug")
    message = git.change_description(body)
    runbook = documents["Runbooks"][key]
    runbook.update({name: plain(body[name]) for name in SETTINGS if name in body})
    errors = []
    if not isinstance(runbook["Name"], str) or not runbook["Name"].strip():
        errors.append("The Name field is required.")
    if runbook["EnvironmentScope"] not in SCOPES:
        errors.append(f"EnvironmentScope must be one of {', '.join(SCOPES)}.")
    if runbook["MultiTenancyMode"] not in TENANCY:
        errors.append(f"MultiTenancyMode must be one of {', '.join(TENANCY)}.")
    if errors:
        raise invalid(*errors)
    req.state.stamp(runbook)
    runbook["LastModifiedBy"] = git.author_of(req.state, req.user_id)
    view = _entry(runbook_at, key)
    return commit_documents(req, project, ref, documents, message, view, "Runbooks")


View = Callable[[Doc, git.GitRef, Doc], Doc]


def _entry(view: View, key: str) -> View:
    """``view`` of one entry of a committed table (runbooks and their processes by id)."""
    return lambda project, ref, table: view(project, ref, table[key])


def get_runbook_process(req: Request) -> Doc:
    project, ref, documents = _at_ref(req)
    key = _key(documents["RunbookProcesses"], req.path_params["processId"], "RunbookId")
    return runbook_process_at(project, ref, documents["RunbookProcesses"][key])


def put_runbook_process(req: Request) -> Doc:
    body = req.json_object()
    project, ref, documents = _at_ref(req)
    git.writable_branch(project, ref)
    key = _key(documents["RunbookProcesses"], req.path_params["processId"], "RunbookId")
    message = git.change_description(body)
    processes = documents["RunbookProcesses"]
    processes[key] = replaced(req, RUNBOOK, processes[key], body)
    view = _entry(runbook_process_at, key)
    return commit_documents(req, project, ref, documents, message, view, "RunbookProcesses")


def register_routes(router: Router) -> None:
    at = "/projects/{id}/{gitRef}"
    router.space("GET", at + "/runbooks", list_runbooks)
    router.space("GET", at + "/runbooks/{runbookId}", get_runbook)
    router.space("PUT", at + "/runbooks/{runbookId}", put_runbook)
    router.space("GET", at + "/runbookProcesses/{processId}", get_runbook_process)
    router.space("PUT", at + "/runbookProcesses/{processId}", put_runbook_process)
