"""Project variables of a version-controlled project whose variables are in Git
(``PersistenceSettings.ConversionState.VariablesAreInGit``, Octopus 2022.3 on).

Such a project's variables are split: the text ones live in Git, one set per ref
(``GET``/``PUT /projects/{id}/{gitRef}/variables``, go-octopusdeploy
``ProjectVariableService.*ByGitRef``); the sensitive ones stay in the database
(``GET``/``PUT /projects/{id}/variables``), and the project's ``/variables/{id}``
set then holds only those (Octopus blog "Config as Code variables", route changes).
The project links them as ``Variables`` (a ``{gitRef}`` template) and
``SensitiveVariables`` (OctopusClients ``VariableSetRepository.Get``).

``…/git/migrate-variables`` moves a project's text variables to Git with one commit
(Octopus API reference, "Variables"; the demo seed moves two projects' into every
commit instead, as though they had been there since the conversion).

The set in Git is the commit's ``Documents["Variables"]``: ``Version`` and
``Variables``; a project converted before its variables moved has none there yet
and reads an empty set at version 0. A ``PUT`` is ``ModifyProjectVariableSetInGitCommand``:
the set plus ``ChangeDescription`` (the commit message), checked against the
``Version`` read at the branch head, one commit per write.
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.variables.sandbox.check import VariableChecker
from octoflow_plugins.variables.sandbox.scope import known_ids, scope_values
from octoflow_plugins.variables.sandbox.sets import (
    CONFLICT,
    SERVER_OWNED,
    SETS,
    VALIDATION,
    get_set,
    owner_of,
    put_set,
)

from octoflow.sandbox.area import (
    PROJECTS,
    Doc,
    Request,
    Router,
    SandboxError,
    State,
    check_version,
    commit_documents,
    git,
    invalid,
    not_found,
    plain,
)

KEY = "Variables"
# UNCONFIRMED: the status a real server gives a stale write under a git ref; the same
# as the git process route's (the database set answers 400 with the same words).
STALE_STATUS = 409
# UNCONFIRMED: the wording of these refusals; none was found in a client or the docs.
NOT_IN_GIT = "The variables of the project '{project}' are not stored in Git."
SENSITIVE_IN_GIT = (
    "Sensitive variables cannot be committed to Git: '{names}'. Save them through "
    "/projects/{project}/variables, where they stay in the database."
)
ALREADY_IN_GIT = "The variables of the project '{project}' are already stored in Git."
TEXT_IN_DATABASE = (
    "The text variables of the project '{project}' are stored in Git: '{names}'. Save them "
    "through /projects/{project}/{{gitRef}}/variables."
)


def variables_in_git(project: Doc) -> bool:
    settings = project.get("PersistenceSettings") or {}
    return bool((settings.get("ConversionState") or {}).get("VariablesAreInGit"))


def stored_at(documents: Doc) -> Doc:
    """The set a commit holds (empty at version 0 when it holds none)."""
    stored = documents.get(KEY) or {}
    return {"Version": stored.get("Version", 0), "Variables": stored.get("Variables", [])}


def set_at(state: State, project: Doc, ref: git.GitRef, stored: Doc) -> Doc:
    """The set as served under ``ref``: the project's set id, scope values and links."""
    base = f"/api/{project['SpaceId']}/projects/{project['Id']}"
    return {
        "Id": project["VariableSetId"],
        "OwnerId": project["Id"],
        "SpaceId": project["SpaceId"],
        "Version": stored["Version"],
        "Variables": [dict(v) for v in stored["Variables"]],
        "ScopeValues": scope_values(state, project["SpaceId"], project),
        "Links": {"Self": f"{base}/{ref.segment}/variables"},
    }


def _git_project(req: Request) -> Doc:
    project = req.state.get("Projects", req.path_params["id"])
    if project is None or project.get("SpaceId") != req.space_id:
        raise not_found(req.path_params["id"])
    git.repository(req.state, project)
    if not variables_in_git(project):
        raise invalid(NOT_IN_GIT.format(project=project["Id"]))
    return project


def _at_ref(req: Request) -> tuple[Doc, git.GitRef, Doc]:
    project = _git_project(req)
    ref = git.resolve(req.state, project, req.path_params["gitRef"])
    return project, ref, git.documents_at(req.state, project, ref)


def get_git_variables(req: Request) -> Doc:
    project, ref, documents = _at_ref(req)
    return set_at(req.state, project, ref, stored_at(documents))


def put_git_variables(req: Request) -> Doc:
    project, ref, documents = _at_ref(req)
    git.writable_branch(project, ref)
    body = req.json_object()
    message = git.change_description(body)
    documents[KEY] = _replaced(req.state, project, stored_at(documents), body)

    def view(p: Doc, head: git.GitRef, stored: Doc) -> Doc:
        return set_at(req.state, p, head, stored)

    return commit_documents(req, project, ref, documents, message, view, KEY)


def _replaced(state: State, project: Doc, old: Doc, body: Any) -> Doc:
    check_version(body, old["Version"], CONFLICT, STALE_STATUS)
    checker = VariableChecker(
        project["SpaceId"],
        {v["Id"]: v for v in old["Variables"]},
        {},
        known_ids(state, project["SpaceId"], project),
    )
    variables = checker.variables(body.get("Variables"))
    if checker.errors:
        raise SandboxError(400, VALIDATION, errors=checker.errors)
    sensitive = [v["Name"] for v in variables if v.get("IsSensitive")]
    if sensitive:
        names = "', '".join(sensitive)
        raise invalid(SENSITIVE_IN_GIT.format(names=names, project=project["Id"]))
    ignored = (*SERVER_OWNED, "ChangeDescription", "GitRef", "ProjectId")
    extra = {k: plain(v) for k, v in body.items() if k not in old and k not in ignored}
    return {**extra, "Version": old["Version"] + 1, "Variables": variables}


# -- moving a project's variables to Git --------------------------------------------------


def _convertible(req: Request) -> tuple[Doc, Doc]:
    project = _project(req)
    git.repository(req.state, project)
    if variables_in_git(project):
        raise invalid(ALREADY_IN_GIT.format(project=project["Id"]))
    return project, req.state.require(SETS, project["VariableSetId"])


def migration_summary(req: Request) -> Doc:
    """``GET …/git/migrate-variables``: how many variables a migration would move."""
    _project_doc, live = _convertible(req)
    sensitive = sum(1 for v in live["Variables"] if v.get("IsSensitive"))
    text = len(live["Variables"]) - sensitive
    return {"SensitiveVariableCount": sensitive, "TextVariableCount": text}


def migrate(req: Request) -> Doc:
    """``POST …/git/migrate-variables`` (``ConvertProjectVariablesToGitCommand``): one
    commit on ``Branch`` (created from the default branch with ``CreateBranch``) holding
    the text variables; the sensitive ones stay in the database set."""
    project, live = _convertible(req)
    body = req.json_object()
    branch, message = body.get("Branch"), body.get("CommitMessage")
    if not isinstance(branch, str) or not branch.strip():
        raise invalid("The Branch field is required.")
    if not isinstance(message, str) or not message.strip():
        raise invalid("The CommitMessage field is required.")
    if body.get("CreateBranch"):
        if git.is_protected(project, branch):  # refused before the branch is made
            raise invalid(git.PROTECTED.format(branch=branch))
        base = git.resolve(req.state, project, git.default_branch(project))
        ref = git.create_branch(req.state, project, branch, base)
    else:
        ref = git.resolve(req.state, project, branch)
        git.writable_branch(project, ref)
    documents = git.documents_at(req.state, project, ref)
    text = [v for v in live["Variables"] if not v.get("IsSensitive")]
    documents[KEY] = {"Version": 0, "Variables": text}
    git.commit(req.state, project, ref, documents, message, git.author_of(req.state, req.user_id))
    _keep_sensitive(req.state, project, live)
    return {}


def move_to_git(state: State, project: Doc) -> None:
    """Move ``project``'s text variables into Git, into every commit (a seed's migration:
    the sensitive ones stay in its database set), and mark its variables as in Git."""
    live = state.require(SETS, project["VariableSetId"])
    text = [v for v in live["Variables"] if not v.get("IsSensitive")]
    git.seed_document(state, project, KEY, {"Version": 0, "Variables": text})
    _keep_sensitive(state, project, live)


def _keep_sensitive(state: State, project: Doc, live: Doc) -> None:
    """Leave only the sensitive variables in the database and mark the project's
    variables as in Git (its links change with it)."""
    live["Variables"] = [v for v in live["Variables"] if v.get("IsSensitive")]
    state.put(SETS, live)
    settings = project["PersistenceSettings"]
    settings["ConversionState"] = {**settings.get("ConversionState", {}), "VariablesAreInGit": True}
    project["Links"] = PROJECTS.links(project)
    state.put("Projects", project)


# -- the project's database set -----------------------------------------------------------


def _project(req: Request) -> Doc:
    project = req.state.get("Projects", req.path_params["id"])
    if project is None or project.get("SpaceId") != req.space_id:
        raise not_found(req.path_params["id"])
    return project


def _as_set_route(req: Request, project: Doc) -> Request:
    """``req`` addressed to the project's set, as ``/variables/{id}`` would be."""
    req.path_params["id"] = project["VariableSetId"]
    return req


def get_project_variables(req: Request) -> Doc:
    """The project's set in the database: every variable of a database project, the
    sensitive ones of a project whose variables are in Git."""
    return get_set(_as_set_route(req, _project(req)))


def put_project_variables(req: Request) -> Doc:
    """``ModifyProjectVariableSetInDatabaseCommand``."""
    project = _project(req)
    _refuse_text(project, req.json_object())
    return put_set(_as_set_route(req, project))


def put_database_set(req: Request) -> Doc:
    """``PUT /variables/{id}``, which with a project's variables in Git holds only its
    sensitive ones, as ``/projects/{id}/variables`` does."""
    owner = owner_of(req.state, req.path_params["id"])
    if owner is not None and owner["Id"].startswith("Projects-"):
        _refuse_text(owner, req.json_object())
    return put_set(req)


def _refuse_text(project: Doc, body: Any) -> None:
    """With variables in Git, only sensitive variables may be saved in the database
    (UNCONFIRMED: the server's check and its words)."""
    raw = body.get("Variables")
    if not variables_in_git(project) or not isinstance(raw, list):
        return
    text = [str(v.get("Name")) for v in raw if hasattr(v, "get") and not v.get("IsSensitive")]
    if text:
        names = "', '".join(text)
        raise invalid(TEXT_IN_DATABASE.format(project=project["Id"], names=names))


def register_routes(router: Router) -> None:
    router.space("GET", "/projects/{id}/{gitRef}/variables", get_git_variables)
    router.space("PUT", "/projects/{id}/{gitRef}/variables", put_git_variables)
    router.space("GET", "/projects/{id}/variables", get_project_variables)
    router.space("PUT", "/projects/{id}/variables", put_project_variables)
    router.space("PUT", "/variables/{id}", put_database_set)
    router.space("GET", "/projects/{id}/git/migrate-variables", migration_summary)
    router.space("POST", "/projects/{id}/git/migrate-variables", migrate)
