"""Config-as-Code (version-controlled) projects: the branch a process edit commits to.

A version-controlled project keeps its deployment process in Git. octoflow reads
it at a ref (``GET projects/{id}/{gitRef}/deploymentprocesses``) and writes it
back with a ``PUT`` carrying the ``Version`` read at the branch head and a
``ChangeDescription``: the server makes one commit per document written. Every
statement's intents on one project's process coalesce into one write, so one
commit. The branch is the project's default branch unless a statement says
``on_branch(name)``; ``on_new_branch(template, from_=...)`` first creates a
branch (``POST projects/{id}/git/branches/v2``, a ``run`` operation the write
waits for), for branches the server protects.
"""

from __future__ import annotations

import re
import weakref
from typing import Any
from urllib.parse import quote

import attrs
from octoflow_plugins.processes.kinds import (
    GIT_BRANCH,
    GIT_PROCESS,
    GIT_RUNBOOK_PROCESS,
    GIT_SETTINGS,
)

from octoflow.provider import (
    ActionCall,
    ActionResult,
    Edit,
    Intent,
    PlanContext,
    Project,
    TemplateProblem,
    UsageError,
    ValidationError,
    check_template,
    render_template,
    unknown_name_message,
)

Doc = dict[str, Any]
CREATE_BRANCH = "git.create_branch"
FEATURE, BRANCHING = "version-controlled projects", "git branch creation"
RUNBOOKS_FEATURE = "runbooks in Git"
HEADS, TAGS = "refs/heads/", "refs/tags/"
DEFAULT_MESSAGE = "octoflow{% if recipe %} {{ recipe }}{% endif %} (plan {{ plan.id }})"
_COMMIT_ID = re.compile(r"[0-9a-fA-F]{7,40}")
#: Per plan: branches of a project (name → protected); documents at a ref.
_BRANCHES: weakref.WeakKeyDictionary[PlanContext, dict[str, dict[str, bool]]] = (
    weakref.WeakKeyDictionary()
)
_DOCUMENTS: weakref.WeakKeyDictionary[PlanContext, dict[tuple[str, str, str], Doc]] = (
    weakref.WeakKeyDictionary()
)


@attrs.frozen
class GitTarget:
    """Where a statement's edits of version-controlled projects are committed.

    :param branch: the branch written (``None``: each project's default branch), or
        the base of a new branch.
    :param new_branch: a branch name template (jinja2); the branch is created first.
    :param base: the ref a new branch starts from (``None``: ``branch`` or the default).
    :param only_protected: create ``new_branch`` only where the branch is protected;
        elsewhere commit to the branch itself.
    :param message: the commit message template (jinja2).
    """

    branch: str | None = None
    new_branch: str | None = None
    base: str | None = None
    only_protected: bool = False
    message: str | None = None

    @property
    def given(self) -> bool:
        """Whether the statement chose a branch for every project (a project that is not
        CaC cannot take one); ``only_protected`` is a fallback, not a choice."""
        return bool(self.branch or (self.new_branch and not self.only_protected))

    def describe(self) -> str:
        parts = []
        if self.branch:
            parts.append(f".on_branch({self.branch!r})")
        if self.new_branch:
            extra = f", from_={self.base!r}" if self.base else ""
            extra += ", only_protected=True" if self.only_protected else ""
            parts.append(f".on_new_branch({self.new_branch!r}{extra})")
        if self.message:
            parts.append(f".commit_message({self.message!r})")
        return "".join(parts)


#: Each project's default branch, the default commit message.
DEFAULT_TARGET = GitTarget()


def checked_template(text: Any, what: str) -> str:
    """A branch name or message template, compiled now (bad input fails before planning)."""
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"{what}() needs a non-empty text")
    try:
        check_template(text)
    except TemplateProblem as exc:
        raise UsageError(f"{what}(): the template {text!r} does not compile: {exc}") from None
    return text.strip()


def branch_name(text: Any, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"{what} needs a branch name, e.g. 'main'")
    name = text.strip()
    return name[len(HEADS) :] if name.startswith(HEADS) else name


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
        return git_resource_id(self.project.id, self.branch)

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


def resolve_write(ctx: PlanContext, project: Project, target: GitTarget) -> Write | None:
    """The branch ``project``'s edits go to, or ``None`` after a problem."""
    known = branches(ctx, project)
    wanted = target.branch or default_branch(project)
    if not _is_branch(ctx, project, wanted, known):
        return None
    scope = {"plan": {"id": ctx.plan_id}, "recipe": ctx.recipe, "project": _project(project)}
    new = None
    if target.new_branch and (known[wanted] or not target.only_protected):
        new = _render(ctx, target.new_branch, scope, "branch name")
        if new is None:
            return None
    message = _render(ctx, target.message or DEFAULT_MESSAGE, scope, "commit message")
    if message is None:
        return None
    if new is None:
        refused = _protected(project, wanted) if known[wanted] else ()
        return Write(project, wanted, HEADS + wanted, message, refused=refused)
    base = _ref(ctx, project, target.base or wanted, known)
    if base is None:
        return None
    if new in known:  # made by an earlier run: commit there again (re-runs converge)
        if known[new]:
            ctx.problem(f"branch {new!r} of project {project.name!r} exists and is protected")
            return None
        return Write(project, new, HEADS + new, message)
    if not ctx.require(BRANCHING, f"on_new_branch (creating {new!r} in {project.name!r})"):
        return None
    return Write(project, new, base, message, create_from=base)


def _protected(project: Project, branch: str) -> tuple[str, str]:
    return (
        f"branch {branch!r} of project {project.name!r} is protected: the server refuses "
        "commits to it",
        "commit to a new branch and merge it through your Git provider: "
        '.on_new_branch("octoflow/{{ plan.id }}") (add only_protected=True to do so only '
        "where the branch is protected; recipes: -p new_branch=octoflow/{{ plan.id }} "
        "-p only_protected=true), or leave the project out of the selection",
    )


def _project(project: Project) -> dict[str, str]:
    return {"id": str(project.id), "name": project.name}


def _render(ctx: PlanContext, template: str, scope: dict[str, Any], what: str) -> str | None:
    try:
        text = render_template(template, scope).strip()
    except TemplateProblem as exc:
        ctx.problem(f"the {what} template {template!r} does not render: {exc}")
        return None
    if not text:
        ctx.problem(f"the {what} template {template!r} renders empty")
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


def _ref(ctx: PlanContext, project: Project, name: str, known: dict[str, bool]) -> str | None:
    """The full ref a new branch starts from (a branch, a tag or a commit id)."""
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
    if project.id not in cache:
        path = ctx.client.space_path(f"projects/{project.id}/git/branches")
        cache[project.id] = {
            str(b["Name"]): bool(b.get("IsProtected")) for b in ctx.client.list_all(path)
        }
    return cache[project.id]


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


def branch_edit(project: Project, branch: str, base: str, done: str = "") -> Edit:
    """The ``run`` operation creating ``branch`` from the full ref ``base``."""
    args = {"project": str(project.id), "name": branch, "base": base}
    summary = f"create branch {branch} from {base.removeprefix(HEADS)}"
    intent = Intent(CREATE_BRANCH, args, summary, f"branch {branch} exists")
    name = f"{project.name}: {branch}"
    return Edit(GIT_BRANCH, None, name, {}, (intent,), action="run", done=done)


def new_branch(ctx: PlanContext, project: Project, template: str, base: str | None) -> Edit | None:
    """The branch ``template`` renders to, created from ``base`` (default: the default
    branch) unless it exists; ``None`` after a problem."""
    known = branches(ctx, project)
    scope = {"plan": {"id": ctx.plan_id}, "recipe": ctx.recipe, "project": _project(project)}
    name = _render(ctx, template, scope, "branch name")
    start = _ref(ctx, project, base or default_branch(project), known)
    if name is None or start is None:
        return None
    if name in known:
        return branch_edit(project, name, start, done=f"branch {name} exists")
    if not ctx.require(BRANCHING, f"creating the branch {name!r} in {project.name!r}"):
        return None
    return branch_edit(project, name, start)


def process_edit(write: Write, document: Doc, intents: tuple[Intent, ...]) -> list[Edit]:
    """The process write (one commit), after the branch creation when there is one."""
    return _commit(GIT_PROCESS, write.resource_id, write.name, write, document, intents)


def settings_edit(write: Write, document: Doc, intents: tuple[Intent, ...]) -> list[Edit]:
    """The deployment settings write: a commit of its own (one per document written)."""
    name = write.label(f"{write.project.name} settings")
    return _commit(GIT_SETTINGS, write.resource_id, name, write, document, intents)


def runbook_process_edit(
    write: Write, runbook: str, document: Doc, intents: tuple[Intent, ...]
) -> list[Edit]:
    """A runbook's process kept in Git: a commit of its own, as every document written."""
    resource_id = f"{write.resource_id}/runbookProcesses/{document['Id']}"
    name = write.label(f"{write.project.name} / {runbook}")
    return _commit(GIT_RUNBOOK_PROCESS, resource_id, name, write, document, intents)


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


def _commit(
    kind: str,
    resource_id: str,
    name: str,
    write: Write,
    document: Doc,
    intents: tuple[Intent, ...],
) -> list[Edit]:
    create = None
    if write.create_from is not None:
        create = branch_edit(write.project, write.branch, write.create_from)
    edit = Edit(
        kind,
        resource_id,
        name,
        document,
        intents,
        after=(create.key,) if create else (),
        send={"ChangeDescription": write.message},
    )
    return [create, edit] if create else [edit]


# -- apply --------------------------------------------------------------------------


def create_branch(call: ActionCall) -> ActionResult:
    """``git.create_branch``: create the branch unless it exists (a saved plan applied
    again); a plan made just now saw it missing."""
    project, name, base = (str(call.args[k]) for k in ("project", "name", "base"))
    path = call.client.space_path(f"projects/{project}/git/branches")
    if not call.fresh:  # a saved plan: the branch may have been made since
        found = call.client.list_all(path, {"searchByName": name})
        if any(b.get("Name") == name for b in found):
            return ActionResult(False, f"branch {name} exists")
    # go-octopusdeploy ProjectBranchesService.Add: NewBranchName and BaseGitRef.
    body = {"NewBranchName": name, "BaseGitRef": base}
    try:
        call.client.request("POST", path + "/v2", json=body)
    except ValidationError as exc:  # made since the plan (UNCONFIRMED: the server's words)
        if "already exists" not in " ".join((exc.error_message, *exc.errors)):
            raise
        return ActionResult(False, f"branch {name} exists")
    return ActionResult(True, f"created branch {name} from {base}")
