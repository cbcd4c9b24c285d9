"""A version-controlled project's deployment process under a git ref
(``GET``/``PUT /projects/{id}/{gitRef}/deploymentprocesses``, TS
``DeploymentProcessRepository.getByGitRef``/``updateByGitRef``) and its release
template there.

A ``PUT`` is OctopusClients' ``ModifyDeploymentProcessCommand``: the process plus
``ChangeDescription``, the commit message. It must carry the ``Version`` it read
at the branch head, and makes exactly one commit on that branch.
"""

from __future__ import annotations

from octoflow_plugins.processes.sandbox.processes import project_of
from octoflow_plugins.processes.sandbox.release import process_release_template
from octoflow_plugins.processes.sandbox.steps import StepChecker, new_guid

from octoflow.sandbox.area import (
    DEPLOYMENT,
    Doc,
    ProcessKind,
    Request,
    Router,
    check_version,
    commit_documents,
    git,
    invalid,
    plain,
)

# UNCONFIRMED: the status a real server gives a stale write under a git ref; the
# database route answers 400 with the same words.
STALE_STATUS = 409


def process_at(project: Doc, ref: git.GitRef, stored: Doc) -> Doc:
    """The stored process as served under ``ref``."""
    base = f"/api/{project['SpaceId']}/projects/{project['Id']}/{ref.segment}"
    doc = dict(stored)
    doc["Links"] = {
        "Self": base + "/deploymentprocesses",
        "Project": f"/api/{project['SpaceId']}/projects/{project['Id']}",
        "Template": base + "/deploymentprocesses/template{?channel,releaseId}",
    }
    return doc


def _at_ref(req: Request) -> tuple[Doc, git.GitRef, Doc]:
    project = project_of(req, req.path_params["id"])
    ref = git.resolve(req.state, project, req.path_params["gitRef"])
    return project, ref, git.documents_at(req.state, project, ref)


def get_git_process(req: Request) -> Doc:
    project, ref, documents = _at_ref(req)
    return process_at(project, ref, documents["DeploymentProcess"])


def put_git_process(req: Request) -> Doc:
    project, ref, documents = _at_ref(req)
    git.writable_branch(project, ref)
    body = req.json_object()
    message = git.change_description(body)
    old = documents["DeploymentProcess"]
    documents["DeploymentProcess"] = replaced(req, DEPLOYMENT, old, body)
    return commit_documents(req, project, ref, documents, message, process_at, "DeploymentProcess")


def replaced(req: Request, kind: ProcessKind, old: Doc, body: Doc) -> Doc:
    """``old`` with the body's ``Steps``, checked against the ``Version`` that was read."""
    check_version(body, old["Version"], kind.conflict, STALE_STATUS)
    checker = StepChecker(req.state, req.space_id, old["ProjectId"], new_guid)
    steps = checker.steps(body.get("Steps", []))
    if checker.errors:
        raise invalid(*checker.errors)
    doc = dict(old)
    ignored = ("Links", "ChangeDescription")
    doc.update({k: plain(v) for k, v in body.items() if k not in doc and k not in ignored})
    doc.update({"Steps": steps, "Version": old["Version"] + 1})
    req.state.stamp(doc)
    doc["LastModifiedBy"] = git.author_of(req.state, req.user_id)
    return doc


def git_release_template(req: Request) -> Doc:
    project, ref, documents = _at_ref(req)
    return process_release_template(req, process_at(project, ref, documents["DeploymentProcess"]))


def register_routes(router: Router) -> None:
    router.space("GET", "/projects/{id}/{gitRef}/deploymentprocesses", get_git_process)
    router.space("PUT", "/projects/{id}/{gitRef}/deploymentprocesses", put_git_process)
    router.space(
        "GET", "/projects/{id}/{gitRef}/deploymentprocesses/template", git_release_template
    )
