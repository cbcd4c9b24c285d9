"""The Git repository of a version-controlled (Config-as-Code) project.

A real server keeps these projects' deployment process, deployment settings,
runbooks (once converted) and non-sensitive variables as files in a Git
repository (Octopus docs, "Configuration as Code reference"). The sandbox keeps
one document per such project in ``GitRepositories`` (``gitrepository-<project id>``):
``Branches`` and ``Tags`` name commits, and each commit in ``Commits`` holds the
message, author, timestamp, parents and a full copy of the git-kept documents
(``Documents``, by kind: ``DeploymentProcess``, ``DeploymentSettings``,
``Runbooks`` and ``RunbookProcesses`` by id, and ``Variables`` once the
project's text variables are in Git). A write appends one commit to a
branch. A ``{gitRef}`` in a route is a branch name, a full ref
(``refs/heads/main``, URL-encoded or not), a tag or a commit id (seven or more
hex digits); only a branch can be written.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from octoflow.sandbox.core.deploymentsettings import FIELDS
from octoflow.sandbox.errors import SandboxError, invalid
from octoflow.sandbox.state import SANDBOX_USER, State

Doc = dict[str, Any]

COLLECTION = "GitRepositories"
HEADS, TAGS = "refs/heads/", "refs/tags/"
BRANCH, TAG, COMMIT = "GitBranch", "GitTag", "GitCommit"
_SHA = re.compile(r"[0-9a-f]{7,40}", re.IGNORECASE)

# UNCONFIRMED: the wording of these refusals; none was found in a client or the docs.
UNKNOWN_REF = "The git reference '{ref}' could not be found in the project's repository."
READ_ONLY_REF = "The git reference '{ref}' is a {kind}; changes can only be committed to a branch."
PROTECTED = (
    "The branch '{branch}' is protected. Commit your changes to a new branch and merge "
    "it through your Git provider instead."
)
NO_DESCRIPTION = "The ChangeDescription field is required: it is the commit message."
BRANCH_EXISTS = "A branch named '{branch}' already exists."
NOT_VERSION_CONTROLLED = "The project '{project}' is not version controlled."


@dataclass(frozen=True)
class GitRef:
    """A resolved ``{gitRef}``: what it names and the commit it points at."""

    kind: str  # BRANCH, TAG or COMMIT
    name: str  # "main", "v1.0" or a full commit id
    canonical: str  # "refs/heads/main", "refs/tags/v1.0" or the commit id
    commit: str

    @property
    def segment(self) -> str:
        """The ref as one URL path segment, as the server writes it in links."""
        return encode(self.canonical)


def encode(canonical: str) -> str:
    # The server writes full refs with lower-case escapes (go-octopusdeploy's captured
    # replies: "refs%2fheads%2fmain").
    return quote(canonical, safe="").replace("%2F", "%2f")


def repository(state: State, project: Doc) -> Doc:
    repo = state.get(COLLECTION, repo_id(project)) if project.get("IsVersionControlled") else None
    if repo is None:
        raise invalid(NOT_VERSION_CONTROLLED.format(project=project["Id"]))
    return repo


def repo_id(project: Doc) -> str:
    return f"gitrepository-{project['Id']}"


def author_of(state: State, user_id: str | None) -> str:
    """Who commits: the user whose API key was sent (the built-in administrator's name
    for the sandbox's own keys)."""
    user = state.get("Users", user_id) if user_id else None
    return str(user.get("Username")) if user else SANDBOX_USER


def initial_documents(project: Doc, steps: list[Doc]) -> Doc:
    """The git-kept documents of a project converted with ``steps`` as its process: the
    deployment settings are the project's own (``deploymentsettings.FIELDS``)."""
    process = {
        "Id": f"deploymentprocess-{project['Id']}",
        "SpaceId": project["SpaceId"],
        "ProjectId": project["Id"],
        "Version": 1,
        "LastSnapshotId": None,
        "Steps": copy.deepcopy(steps),
    }
    settings = {name: copy.deepcopy(project.get(field)) for name, field in FIELDS.items()}
    return {"DeploymentProcess": process, "DeploymentSettings": settings}


def new_repository(state: State, project: Doc, history: list[tuple[Doc, str]]) -> Doc:
    """Create ``project``'s repository: one commit per ``(documents, message)``, oldest
    first, on its default branch."""
    repo: Doc = {
        "Id": repo_id(project),
        "SpaceId": project["SpaceId"],
        "ProjectId": project["Id"],
        "Branches": {},
        "Tags": {},
        "Commits": {},
    }
    sha = None
    for documents, message in history:
        sha = _append(state, repo, sha, documents, message, SANDBOX_USER)
    repo["Branches"][default_branch(project)] = sha
    return state.put(COLLECTION, repo)


def default_branch(project: Doc) -> str:
    return str((project.get("PersistenceSettings") or {}).get("DefaultBranch") or "main")


def resolve(state: State, project: Doc, text: str) -> GitRef:
    """What ``text`` (a route's ``{gitRef}``, perhaps still URL-encoded) names."""
    repo = repository(state, project)
    ref = unquote(text)
    for prefix, kind, table in ((HEADS, BRANCH, "Branches"), (TAGS, TAG, "Tags")):
        name = ref[len(prefix) :] if ref.startswith(prefix) else ref
        if name in repo[table]:
            return GitRef(kind, name, prefix + name, repo[table][name])
    if _SHA.fullmatch(ref):
        found = [sha for sha in repo["Commits"] if sha.startswith(ref.lower())]
        if len(found) == 1:
            return GitRef(COMMIT, found[0], found[0], found[0])
    raise SandboxError(404, UNKNOWN_REF.format(ref=ref))


def documents_at(state: State, project: Doc, ref: GitRef) -> Doc:
    """A copy of the git-kept documents at ``ref``'s commit."""
    commit = repository(state, project)["Commits"][ref.commit]
    return copy.deepcopy(commit["Documents"])


def commit_info(state: State, project: Doc, sha: str) -> Doc:
    return repository(state, project)["Commits"][sha]


def is_protected(project: Doc, branch: str) -> bool:
    settings = project.get("PersistenceSettings") or {}
    if settings.get("ProtectedDefaultBranch") and branch == default_branch(project):
        return True
    patterns = settings.get("ProtectedBranchNamePatterns") or []
    # UNCONFIRMED: the server's pattern syntax; shell-style wildcards are assumed.
    return any(fnmatch.fnmatchcase(branch, str(p)) for p in patterns)


def writable_branch(project: Doc, ref: GitRef) -> None:
    """Refuse a write to a tag, a commit or a protected branch."""
    if ref.kind != BRANCH:
        kind = "tag" if ref.kind == TAG else "commit"
        raise invalid(READ_ONLY_REF.format(ref=ref.name, kind=kind))
    if is_protected(project, ref.name):
        raise invalid(PROTECTED.format(branch=ref.name))


def change_description(body: Any) -> str:
    text = body.get("ChangeDescription") if hasattr(body, "get") else None
    if not isinstance(text, str) or not text.strip():
        raise invalid(NO_DESCRIPTION)
    return text


def commit(
    state: State, project: Doc, ref: GitRef, documents: Doc, message: str, author: str
) -> GitRef:
    """Append one commit holding ``documents`` to the branch ``ref``; the new head."""
    writable_branch(project, ref)
    repo = repository(state, project)
    sha = _append(state, repo, repo["Branches"][ref.name], documents, message, author)
    repo["Branches"][ref.name] = sha
    state.put(COLLECTION, repo)
    return GitRef(BRANCH, ref.name, ref.canonical, sha)


def create_branch(state: State, project: Doc, name: str, base: GitRef) -> GitRef:
    repo = repository(state, project)
    branch = name[len(HEADS) :] if name.startswith(HEADS) else name
    if branch in repo["Branches"]:
        raise invalid(BRANCH_EXISTS.format(branch=branch))
    if not branch or branch.endswith("/") or ".." in branch or " " in branch:
        raise invalid(f"'{name}' is not a valid branch name.")
    repo["Branches"][branch] = base.commit
    state.put(COLLECTION, repo)
    return GitRef(BRANCH, branch, HEADS + branch, base.commit)


def seed_document(state: State, project: Doc, key: str, document: Doc) -> None:
    """Put ``document`` as ``key`` into every commit, as though it had been kept in Git
    since the conversion (for a seed; commit ids stay as they were)."""
    repo = repository(state, project)
    for info in repo["Commits"].values():
        info["Documents"][key] = copy.deepcopy(document)
    state.put(COLLECTION, repo)


def add_tag(state: State, project: Doc, name: str, sha: str) -> None:
    repo = repository(state, project)
    repo["Tags"][name] = sha
    state.put(COLLECTION, repo)


def branches(state: State, project: Doc) -> list[GitRef]:
    repo = repository(state, project)
    return [GitRef(BRANCH, n, HEADS + n, sha) for n, sha in sorted(repo["Branches"].items())]


def tags(state: State, project: Doc) -> list[GitRef]:
    repo = repository(state, project)
    return [GitRef(TAG, n, TAGS + n, sha) for n, sha in sorted(repo["Tags"].items())]


def history(state: State, project: Doc, head: str) -> list[Doc]:
    """The commits reachable from ``head`` along first parents, newest first."""
    commits = repository(state, project)["Commits"]
    out, sha = [], head
    while sha:
        out.append(commits[sha])
        sha = (commits[sha]["Parents"] or [None])[0]
    return out


def _append(
    state: State, repo: Doc, parent: str | None, documents: Doc, message: str, author: str
) -> str:
    when = state.now()
    content = json.dumps([parent, message, author, when, documents], sort_keys=True)
    sha = hashlib.sha1(f"{repo['Id']}\n{content}".encode()).hexdigest()
    repo["Commits"][sha] = {
        "Id": sha,
        "Message": message,
        "Author": author,
        "Timestamp": when,
        "Parents": [parent] if parent else [],
        "Documents": copy.deepcopy(documents),
    }
    return sha
