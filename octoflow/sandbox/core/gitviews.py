"""Git routes of a version-controlled project: branches, tags, commits and the
deployment settings under a git ref.

Shapes from go-octopusdeploy (``GitReference``, ``CreateBranchRequest``, the
replies captured in ``project_service_git_refs_test.go``) and OctopusClients
(``GitBranchResource``, ``ModifyDeploymentSettingsCommand``: the document plus
``ChangeDescription``, the commit message).
"""

from __future__ import annotations

from typing import Any

from octoflow.sandbox.casing import plain
from octoflow.sandbox.core import git
from octoflow.sandbox.core.deploymentsettings import FIELDS
from octoflow.sandbox.core.projects import GUIDED_FAILURE_MODES, PROJECTS
from octoflow.sandbox.crud import Doc
from octoflow.sandbox.errors import SandboxError, invalid
from octoflow.sandbox.paging import page
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router

REF_QUERY = "{?skip,take,searchByName,refresh}"


def project_base(project: Doc) -> str:
    return f"/api/{project['SpaceId']}/projects/{project['Id']}"


def ref_links(project: Doc, ref: git.GitRef) -> dict[str, str]:
    """What a branch, tag or commit resource links to: the documents at that ref."""
    base = f"{project_base(project)}/{ref.segment}"
    links = {
        "DeploymentProcess": base + "/deploymentprocesses",
        "DeploymentSettings": base + "/deploymentsettings",
    }
    if runbooks_in_git(project):
        links["Runbooks"] = base + "/runbooks{?skip,take,partialName}"
    return links


def runbooks_in_git(project: Doc) -> bool:
    state = (project.get("PersistenceSettings") or {}).get("ConversionState") or {}
    return bool(state.get("RunbooksAreInGit"))


def ref_resource(project: Doc, ref: git.GitRef) -> Doc:
    doc: Doc = {"Name": ref.name, "CanonicalName": ref.canonical}
    if ref.kind == git.BRANCH:
        doc["IsProtected"] = git.is_protected(project, ref.name)
    doc["Links"] = ref_links(project, ref)
    return doc


def _cac_project(req: Request) -> Doc:
    project = PROJECTS.find(req, req.path_params["id"])
    git.repository(req.state, project)
    return project


def _listing(req: Request, kind: str) -> Doc:
    project = _cac_project(req)
    refs = git.branches if kind == git.BRANCH else git.tags
    items = [ref_resource(project, r) for r in refs(req.state, project)]
    search = (req.query.get("searchByName") or "").lower()
    items = [i for i in items if search in i["Name"].lower()]
    segment = "branches" if kind == git.BRANCH else "tags"
    return page(req, items, kind, f"{project_base(project)}/git/{segment}", REF_QUERY)


def list_branches(req: Request) -> Doc:
    return _listing(req, git.BRANCH)


def list_tags(req: Request) -> Doc:
    return _listing(req, git.TAG)


def _named(req: Request, kind: str) -> Doc:
    project = _cac_project(req)
    ref = git.resolve(req.state, project, req.path_params["name"])
    if ref.kind != kind:
        raise SandboxError(404, git.UNKNOWN_REF.format(ref=req.path_params["name"]))
    return ref_resource(project, ref)


def get_branch(req: Request) -> Doc:
    return _named(req, git.BRANCH)


def get_tag(req: Request) -> Doc:
    return _named(req, git.TAG)


def create_branch(req: Request) -> Doc:
    """``POST …/git/branches/v2`` (go-octopusdeploy ``ProjectBranchesService.Add``: 200)."""
    project = _cac_project(req)
    body = req.json_object()
    name, base = body.get("NewBranchName"), body.get("BaseGitRef")
    if not isinstance(name, str) or not name.strip():
        raise invalid("The NewBranchName field is required.")
    if not isinstance(base, str) or not base.strip():
        raise invalid("The BaseGitRef field is required.")
    ref = git.create_branch(req.state, project, name, git.resolve(req.state, project, base))
    return ref_resource(project, ref)


def commit_resource(req: Request, project: Doc, sha: str) -> Doc:
    info = git.commit_info(req.state, project, sha)
    ref = git.GitRef(git.COMMIT, sha, sha, sha)
    doc = {"Name": sha, "CanonicalName": sha}
    # UNCONFIRMED: the clients read only Name, CanonicalName and Links; the sandbox adds
    # the commit's message, author, time and parents so a client can audit its commits.
    doc.update({k: info[k] for k in ("Message", "Author", "Timestamp", "Parents")})
    doc["Links"] = ref_links(project, ref)
    return doc


def get_commit(req: Request) -> Doc:
    """A commit by full or short id, or the head commit of a branch or tag
    (UNCONFIRMED: that the server resolves a branch name here)."""
    project = _cac_project(req)
    ref = git.resolve(req.state, project, req.path_params["hash"])
    return commit_resource(req, project, ref.commit)


def list_commits(req: Request) -> Doc:
    """The default branch's history, newest first (UNCONFIRMED: which history the
    server lists without a ref)."""
    project = _cac_project(req)
    head = git.resolve(req.state, project, git.default_branch(project))
    items = [
        commit_resource(req, project, c["Id"]) for c in git.history(req.state, project, head.commit)
    ]
    return page(
        req, items, git.COMMIT, f"{project_base(project)}/git/commits", "{?skip,take,refresh}"
    )


# -- deployment settings under a git ref -------------------------------------------------


def settings_at(project: Doc, ref: git.GitRef, stored: Doc) -> Doc:
    doc = {
        "Id": f"deploymentsettings-{project['Id']}",
        "ProjectId": project["Id"],
        "SpaceId": project["SpaceId"],
        **{name: stored.get(name) for name in FIELDS},
    }
    doc["Links"] = {"Self": f"{project_base(project)}/{ref.segment}/deploymentsettings"}
    return doc


def get_git_settings(req: Request) -> Doc:
    project = _cac_project(req)
    ref = git.resolve(req.state, project, req.path_params["gitRef"])
    documents = git.documents_at(req.state, project, ref)
    return settings_at(project, ref, documents["DeploymentSettings"])


def put_git_settings(req: Request) -> Doc:
    """One commit with the settings the body names; the others are kept."""
    project = _cac_project(req)
    ref = git.resolve(req.state, project, req.path_params["gitRef"])
    git.writable_branch(project, ref)
    body = req.json_object()
    message = git.change_description(body)
    mode = body.get("DefaultGuidedFailureMode")
    if mode is not None and mode not in GUIDED_FAILURE_MODES:
        raise invalid(f"DefaultGuidedFailureMode must be one of {', '.join(GUIDED_FAILURE_MODES)}.")
    documents = git.documents_at(req.state, project, ref)
    settings = documents["DeploymentSettings"]
    settings.update({name: plain(body[name]) for name in FIELDS if name in body})
    return commit_documents(
        req, project, ref, documents, message, settings_at, "DeploymentSettings"
    )


def commit_documents(
    req: Request, project: Doc, ref: git.GitRef, documents: Doc, message: str, view: Any, key: str
) -> Doc:
    """Commit ``documents`` to ``ref`` and answer ``view`` of ``documents[key]`` there."""
    author = git.author_of(req.state, req.user_id)
    head = git.commit(req.state, project, ref, documents, message, author)
    return view(project, head, documents[key])


def follow_projects(req: Request, old: Doc | None, new: Doc | None) -> None:
    """A project created version controlled gets a repository whose one commit holds an
    empty process and its settings; a deleted project's repository goes with it.
    UNCONFIRMED: converting a database project (``…/git/convert``) is not modelled."""
    if new is None and old is not None:
        req.state.remove(git.COLLECTION, git.repo_id(old))
    elif old is None and new is not None and new.get("IsVersionControlled"):
        documents = git.initial_documents(new, [])
        git.new_repository(req.state, new, [(documents, "Initial commit")])


def register_routes(router: Router) -> None:
    router.on_change("Projects", follow_projects)
    router.space("GET", "/projects/{id}/git/branches", list_branches)
    router.space("GET", "/projects/{id}/git/branches/{name}", get_branch)
    router.space("POST", "/projects/{id}/git/branches/v2", create_branch)
    router.space("GET", "/projects/{id}/git/tags", list_tags)
    router.space("GET", "/projects/{id}/git/tags/{name}", get_tag)
    router.space("GET", "/projects/{id}/git/commits", list_commits)
    router.space("GET", "/projects/{id}/git/commits/{hash}", get_commit)
    router.space("GET", "/projects/{id}/{gitRef}/deploymentsettings", get_git_settings)
    router.space("PUT", "/projects/{id}/{gitRef}/deploymentsettings", put_git_settings)
