"""The writes of version-controlled projects: a commit per document (process,
settings, runbook process), after the ``run`` operation creating its branch when
there is one; and ``git.create_branch``, that operation's action."""

from __future__ import annotations

from typing import Any

from octoflow_plugins.processes import git
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
    ValidationError,
)

Doc = dict[str, Any]
CREATE_BRANCH = "git.create_branch"


def branch_edit(project: Project, branch: str, base: str, done: str = "") -> Edit:
    """The ``run`` operation creating ``branch`` from the full ref ``base``."""
    args = {"project": str(project.id), "name": branch, "base": base}
    summary = f"create branch {branch} from {base.removeprefix(git.HEADS)}"
    intent = Intent(CREATE_BRANCH, args, summary, f"branch {branch} exists")
    name = f"{project.name}: {branch}"
    return Edit(GIT_BRANCH, None, name, {}, (intent,), action="run", done=done)


def new_branch(ctx: PlanContext, project: Project, template: str, base: str | None) -> Edit | None:
    """The branch ``template`` renders to, created from ``base`` (default: the default
    branch) unless it exists; ``None`` after a problem."""
    known = git.branches(ctx, project)
    name = git.render(ctx, template, project, "branch name")
    start = git.start_ref(ctx, project, base or git.default_branch(project))
    if name is None or start is None:
        return None
    if name in known:
        return branch_edit(project, name, start, done=f"branch {name} exists")
    if not ctx.require(git.BRANCHING, f"creating the branch {name!r} in {project.name!r}"):
        return None
    return branch_edit(project, name, start)


def process_edit(write: git.Write, document: Doc, intents: tuple[Intent, ...]) -> list[Edit]:
    """The process write (one commit), after the branch creation when there is one."""
    return _commit(GIT_PROCESS, write.resource_id, write.name, write, document, intents)


def settings_edit(write: git.Write, document: Doc, intents: tuple[Intent, ...]) -> list[Edit]:
    """The deployment settings write: a commit of its own (one per document written)."""
    name = write.label(f"{write.project.name} settings")
    return _commit(GIT_SETTINGS, write.resource_id, name, write, document, intents)


def runbook_process_edit(
    write: git.Write, runbook: str, document: Doc, intents: tuple[Intent, ...]
) -> list[Edit]:
    """A runbook's process kept in Git: a commit of its own, as every document written."""
    resource_id = f"{write.resource_id}/runbookProcesses/{document['Id']}"
    name = write.label(f"{write.project.name} / {runbook}")
    return _commit(GIT_RUNBOOK_PROCESS, resource_id, name, write, document, intents)


def _commit(
    kind: str,
    resource_id: str,
    name: str,
    write: git.Write,
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
