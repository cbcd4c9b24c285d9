"""Config-as-Code (version-controlled) projects while planning: which branch a
project's edits commit to, and reading its documents at a ref.

A version-controlled project keeps its deployment process (and settings, and
runbooks once converted) in Git. octoflow reads them at a ref
(``GET projects/{id}/{gitRef}/deploymentprocesses``) and writes each back with a
``PUT`` carrying the ``Version`` read at the branch head and a
``ChangeDescription`` (:mod:`.gitedits`): the server makes one commit per
document written. The branch is the project's default branch unless a statement
says ``on_branch(name)``; ``on_new_branch(template, from_=...)`` first creates a
branch, for branches the server protects (:mod:`.gittarget`).
"""

from __future__ import annotations

import fnmatch
import re
import weakref
from typing import Any
from urllib.parse import quote

import attrs
from octoflow_plugins.processes.gittarget import DEFAULT_MESSAGE, HEADS, GitTarget

from octoflow.provider import (
    PlanContext,
    Project,
    TemplateProblem,
    render_template,
    unknown_name_message,
)

Doc = dict[str, Any]
FEATURE, BRANCHING = "version-controlled projects", "git branch creation"
RUNBOOKS_FEATURE = "runbooks in Git"
TAGS = "refs/tags/"
_COMMIT_ID = re.compile(r"[0-9a-fA-F]{7,40}")
#: A branch name Git accepts (git check-ref-format, conservatively): no spaces or
#: control characters, no ``..``, ``~^:?*[\``, ``@{``, no empty or dot-led part,
#: not ending in ``/``, ``.`` or ``.lock``.
VALID_BRANCH = re.compile(
    r"(?!.*\.\.)(?!.*@\{)(?!.*/\.)(?!.*//)"  # no "..", "@{", dot-led or empty part
    r"(?!.*\.lock$)(?!.*[./]$)(?![-/.])"  # no bad ending or start
    r"[^\s~^:?*\[\\\x00-\x1f\x7f]+"
)
#: Per plan: branches of a project (name → protected); documents at a ref.
_BRANCHES: weakref.WeakKeyDictionary[PlanContext, dict[str, dict[str, bool]]] = (
    weakref.WeakKeyDictionary()
)
_DOCUMENTS: weakref.WeakKeyDictionary[PlanContext, dict[tuple[str, str, str], Doc]] = (
    weakref.WeakKeyDictionary()
)


# -- planning -------------------------------------------------------------------------


@attrs.frozen
class Write:
    """Where one project's process is read and committed."""

    project: Project
    branch: str
    read_ref: str
    message: str
    create_from: str | None = None
    #: Why the branch cannot be written (problem and hint): a problem once there is
    #: something to commit.
    refused: tuple[str, ...] = ()

    @property
    def resource_id(self) -> str:
        return git_resource_id(str(self.project.id), self.branch)

    @property
    def name(self) -> str:
        return self.label(self.project.name)

    def label(self, what: str) -> str:
        """``Atlas Web (branch main, 1 commit)``: a document's write and where it lands."""
        new = ", new" if self.create_from else ""
        return f"{what} (branch {self.branch}{new}, 1 commit)"


def git_resource_id(project_id: str, branch: str) -> str:
    """``Projects-1/refs%2Fheads%2Fmain``: a project's process at a branch (the ref as
    go-octopusdeploy sends it: full and URL-escaped)."""
    return f"{project_id}/{quote(HEADS + branch, safe='')}"


def default_branch(project: Project) -> str:
    settings = project.extra.get("PersistenceSettings") or {}
    return str(settings.get("DefaultBranch") or "main")


def resolve_writes(ctx: PlanContext, projects: list[Project], target: GitTarget) -> list[Write]:
    """:func:`resolve_write` for each project, the branch lists they need read first,
    ``read_workers`` at once (one per project: a request each in turn cost 20 ms of
    latency per protected project)."""
    needing = [p for p in projects if _lists_branches(p, target)]
    cache = _BRANCHES.setdefault(ctx, {})
    missing = [p for p in needing if str(p.id) not in cache]
    ctx.client.map(lambda p: branches(ctx, p), missing, ctx.read_workers)
    return [w for p in projects if (w := resolve_write(ctx, p, target)) is not None]


def _lists_branches(project: Project, target: GitTarget) -> bool:
    """Whether :func:`resolve_write` reads ``project``'s branch list for ``target``."""
    if target.branch is not None:
        return True
    return bool(target.new_branch) and (default_protected(project) or not target.only_protected)


def resolve_write(ctx: PlanContext, project: Project, target: GitTarget) -> Write | None:
    """The branch ``project``'s edits go to, or ``None`` after a problem."""
    wanted = target.branch or default_branch(project)
    protected = _branch_protected(ctx, project, target, wanted)
    if protected is None:
        return None
    new = None
    if target.new_branch and (protected or not target.only_protected):
        new = render(ctx, target.new_branch, project, "branch name")
        if new is None:
            return None
    message = render(ctx, target.message or DEFAULT_MESSAGE, project, "commit message")
    if message is None:
        return None
    if new is None:
        refused = _protected(project, wanted) if protected else ()
        return Write(project, wanted, HEADS + wanted, message, refused=refused)
    base = start_ref(ctx, project, target.base or wanted)
    if base is None:
        return None
    known = branches(ctx, project)
    if new in known:  # made by an earlier run: commit there again (re-runs converge)
        if known[new]:
            ctx.problem(f"branch {new!r} of project {project.name!r} exists and is protected")
            return None
        return Write(project, new, HEADS + new, message)
    if not ctx.require(BRANCHING, f"on_new_branch (creating {new!r} in {project.name!r})"):
        return None
    return Write(project, new, base, message, create_from=base)


def _branch_protected(
    ctx: PlanContext, project: Project, target: GitTarget, wanted: str
) -> bool | None:
    """Whether the branch a statement commits to (or branches from) is protected;
    ``None`` after a problem (it is no branch). The default branch needs no request:
    the project's ``PersistenceSettings`` say whether it is protected. Another branch
    is looked up in the project's branches (``IsProtected``)."""
    if target.branch is None:
        return default_protected(project)
    known = branches(ctx, project)
    if not _is_branch(ctx, project, wanted, known):
        return None
    return known[wanted]


def default_protected(project: Project) -> bool:
    """``ProtectedDefaultBranch`` (go-octopusdeploy's GitPersistenceSettings), or a
    ``ProtectedBranchNamePatterns`` pattern matching the default branch (UNCONFIRMED:
    the servers' pattern syntax; shell-style wildcards are assumed, as the sandbox does)."""
    settings = project.extra.get("PersistenceSettings") or {}
    if settings.get("ProtectedDefaultBranch"):
        return True
    patterns = settings.get("ProtectedBranchNamePatterns") or []
    return any(fnmatch.fnmatchcase(default_branch(project), str(p)) for p in patterns)


def _protected(project: Project, branch: str) -> tuple[str, str]:
    return (
        f"branch {branch!r} of project {project.name!r} is protected: the server refuses "
        "commits to it",
        "commit to a new branch and merge it through your Git provider: "
        '.on_new_branch("octoflow/{{ plan.id }}") (add only_protected=True to do so only '
        "where the branch is protected; recipes: -p new_branch=octoflow/{{ plan.id }} "
        "-p only_protected=true), or leave the project out of the selection",
    )


def render(ctx: PlanContext, template: str, project: Project, what: str) -> str | None:
    """A branch name or commit message for ``project``; ``None`` after a problem."""
    project_scope = {"id": str(project.id), "name": project.name}
    scope = {"plan": {"id": ctx.plan_id}, "recipe": ctx.recipe, "project": project_scope}
    try:
        text = render_template(template, scope).strip()
    except TemplateProblem as exc:
        ctx.problem(f"the {what} template {template!r} does not render: {exc}")
        return None
    if not text:
        ctx.problem(f"the {what} template {template!r} renders empty")
        return None
    if what == "branch name" and not VALID_BRANCH.fullmatch(text):
        ctx.problem(
            f"the branch name {text!r} (from {template!r}, for {project.name!r}) is not a "
            "valid Git branch name",
            "use letters, digits and - _ . / (no spaces, no '..', not ending in / or .lock)",
        )
        return None
    return text


def _is_branch(ctx: PlanContext, project: Project, name: str, known: dict[str, bool]) -> bool:
    """Whether ``name`` is a branch to write to; a problem saying what it is otherwise."""
    if name in known:
        return True
    if name in tags(ctx, project):
        what = "a tag"
    elif _COMMIT_ID.fullmatch(name):
        what = "a commit id"
    else:
        ctx.problem(f"project {project.name!r}: " + unknown_name_message("branch", name, known))
        return False
    ctx.problem(
        f"{name!r} is {what} of project {project.name!r}: commits go to a branch",
        f'name a branch, or start one from it: .on_new_branch("…", from_={name!r})',
    )
    return False


def start_ref(ctx: PlanContext, project: Project, name: str) -> str | None:
    """The full ref a new branch starts from (a branch, a tag or a commit id)."""
    known = branches(ctx, project)
    if name in known:
        return HEADS + name
    if name.startswith(("refs/", TAGS)) or _COMMIT_ID.fullmatch(name):
        return name
    if name in tags(ctx, project):
        return TAGS + name
    ctx.problem(f"project {project.name!r}: " + unknown_name_message("branch", name, known))
    return None


def usable(ctx: PlanContext) -> bool:
    """Whether the server has the git-ref routes."""
    return ctx.client.capabilities.has(FEATURE)


def branches(ctx: PlanContext, project: Project) -> dict[str, bool]:
    """The project's branches, name → protected (read once per plan)."""
    cache = _BRANCHES.setdefault(ctx, {})
    key = str(project.id)
    if key not in cache:
        path = ctx.client.space_path(f"projects/{key}/git/branches")
        cache[key] = {str(b["Name"]): bool(b.get("IsProtected")) for b in ctx.client.list_all(path)}
    return cache[key]


def tags(ctx: PlanContext, project: Project) -> set[str]:
    path = ctx.client.space_path(f"projects/{project.id}/git/tags")
    return {str(t["Name"]) for t in ctx.client.list_all(path)}


def read_processes(ctx: PlanContext, refs: list[tuple[Project, str]]) -> dict[str, Doc]:
    """Deployment processes at full refs, by project id (read at once, cached per plan)."""
    return _read(ctx, refs, "deploymentprocesses")


def read_settings(ctx: PlanContext, refs: list[tuple[Project, str]]) -> dict[str, Doc]:
    """Deployment settings at full refs, by project id (read at once, cached per plan)."""
    return _read(ctx, refs, "deploymentsettings")


def _read(ctx: PlanContext, refs: list[tuple[Project, str]], document: str) -> dict[str, Doc]:
    cache = _DOCUMENTS.setdefault(ctx, {})
    missing = [(str(p.id), ref) for p, ref in refs if (document, str(p.id), ref) not in cache]
    paths = [f"projects/{pid}/{quote(ref, safe='')}/{document}" for pid, ref in missing]
    for (pid, ref), doc in zip(missing, ctx.get_each(paths), strict=True):
        cache[(document, pid, ref)] = doc
    return {str(p.id): cache[(document, str(p.id), ref)] for p, ref in refs}


def commits_note(writes: list[Write]) -> str:
    """Where version-controlled projects commit, counted by branch, and the message."""
    counts: dict[str, int] = {}
    for write in writes:
        where = write.branch + (" (new)" if write.create_from else "")
        counts[where] = counts.get(where, 0) + 1
    said = ", ".join(f"{n} on {where}" for where, n in counts.items())
    return (
        f"commits to version-controlled projects, one commit per changed process: {said}; "
        f"message {writes[0].message!r}"
    )


def runbooks_in_git(project: Project) -> bool:
    settings = project.extra.get("PersistenceSettings") or {}
    return bool((settings.get("ConversionState") or {}).get("RunbooksAreInGit"))


def read_runbooks(ctx: PlanContext, project: Project, ref: str) -> list[Doc]:
    """The runbooks kept in Git at ``ref`` (``GET …/{gitRef}/runbooks``)."""
    path = f"projects/{project.id}/{quote(ref, safe='')}/runbooks"
    return list(ctx.client.list_all(ctx.client.space_path(path)))


def read_runbook_processes(ctx: PlanContext, write: Write, runbooks: list[Doc]) -> list[Doc]:
    """Their processes at the write's ref, read at once."""
    base = f"projects/{write.project.id}/{quote(write.read_ref, safe='')}/runbookProcesses"
    return ctx.get_each([f"{base}/{r['RunbookProcessId']}" for r in runbooks])
