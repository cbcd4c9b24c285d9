"""Planning shared by every process statement: select projects, read their
processes (batched), and turn intents into edits, publishing runbooks on request.

Processes are read with ``?ids=`` in batches (one request per 100), once per
plan. A version-controlled (Config as Code) project keeps its deployment process
in Git (and its runbooks' processes, once converted too): they are read at a ref
and committed to a branch (:mod:`.git`).
"""

from __future__ import annotations

import random
import string
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
from octoflow_plugins.processes import git, gitedits
from octoflow_plugins.processes.gittarget import DEFAULT_TARGET, GitTarget
from octoflow_plugins.processes.intents import roles_of
from octoflow_plugins.processes.kinds import (
    DEPLOYMENT_PROCESS,
    GIT_PROCESS,
    GIT_RUNBOOK_PROCESS,
    RUNBOOK,
    RUNBOOK_PROCESS,
    RUNBOOK_SNAPSHOT,
)
from octoflow_plugins.processes.models import Runbook
from octoflow_plugins.processes.resolve import Names

from octoflow.provider import (
    IDS_PER_REQUEST,
    Criterion,
    Edit,
    Intent,
    PlanContext,
    Project,
    as_names,
    created_ref,
    diff,
    replay,
    unknown_name_message,
)

Doc = dict[str, Any]
_DOCUMENTS: weakref.WeakKeyDictionary[PlanContext, dict[tuple[str, str], Doc]] = (
    weakref.WeakKeyDictionary()
)


@attrs.frozen
class ProcessToEdit:
    """One process a statement edits: a project's deployment process or a runbook's."""

    project: Project
    kind: str
    document: Doc
    runbook: Runbook | None = None
    #: Where a version-controlled project's process is committed.
    write: git.Write | None = None

    @property
    def name(self) -> str:
        if self.runbook is None:
            return self.project.name
        return f"{self.project.name} / {self.runbook.name}"


# -- projects ----------------------------------------------------------------------------


def select_projects(ctx: PlanContext, names: Names, criteria: Sequence[Criterion]) -> list[Project]:
    projects = ctx.models("projects", Project)
    for criterion in sorted(criteria, key=lambda c: c.key in PROCESS_CRITERIA):
        test = _project_test(ctx, names, criterion.key, criterion.value, projects)
        projects = [p for p in projects if test(p)]
    return projects


PROCESS_CRITERIA = ("has_step", "has_step_type", "uses_role", "predicate")


def _project_test(
    ctx: PlanContext, names: Names, key: str, value: Any, projects: list[Project]
) -> Callable[[Project], bool]:
    if key == "predicate":
        return value
    if key == "name":
        wanted = as_names(value, "name")
        known = {p.name.lower() for p in ctx.models("projects", Project)}
        for name in wanted:
            if name.lower() not in known:
                ctx.problem(
                    unknown_name_message(
                        "project", name, [p.name for p in ctx.models("projects", Project)]
                    )
                )
        lowered = {n.lower() for n in wanted}
        return lambda p: p.name.lower() in lowered
    if key == "partial_name":
        part = str(value).lower()
        return lambda p: part in p.name.lower()
    if key == "group":
        ids = {g.id for g in (names.group(n) for n in as_names(value, "group")) if g}
        return lambda p: p.project_group_id in ids
    if key == "lifecycle":
        found = names.lifecycle(str(value))
        return lambda p: found is not None and p.lifecycle_id == found.id
    if key == "tenanted":
        if isinstance(value, bool):
            return lambda p: p.allows_tenants == value
        return lambda p: p.tenanted_deployment_mode.lower() == str(value).lower()
    if key in ("is_disabled", "is_version_controlled"):
        return lambda p: bool(getattr(p, key)) == bool(value)
    return _process_test(ctx, key, value, projects)


def _process_test(
    ctx: PlanContext, key: str, value: Any, projects: list[Project]
) -> Callable[[Project], bool]:
    """``has_step`` / ``has_step_type`` / ``uses_role``: read the deployment processes
    (a version-controlled project's at its default branch)."""
    database = [p for p in projects if not p.is_version_controlled]
    processes = read_processes(ctx, DEPLOYMENT_PROCESS, [process_id(p) for p in database])
    cac = [(p, git.HEADS + git.default_branch(p)) for p in projects if p.is_version_controlled]
    in_git = git.read_processes(ctx, cac) if cac and git.usable(ctx) else {}
    wanted = {v.lower() for v in as_names(value, key)}

    def test(project: Project) -> bool:
        if project.is_version_controlled:
            process = in_git.get(str(project.id))
        else:
            process = processes.get(process_id(project))
        if process is None:
            return False
        for step in process.get("Steps") or []:
            if key == "uses_role" and wanted & {r.lower() for r in roles_of(step)}:
                return True
            if key == "has_step" and str(step.get("Name")).lower() in wanted:
                return True
            for action in step.get("Actions") or []:
                if key == "has_step_type" and str(action.get("ActionType")).lower() in wanted:
                    return True
        return False

    return test


def process_id(project: Project) -> str:
    return str(project.extra.get("DeploymentProcessId") or f"deploymentprocess-{project.id}")


# -- reading processes -------------------------------------------------------------------


def read_processes(ctx: PlanContext, kind: str, ids: Iterable[str]) -> dict[str, Doc]:
    """Process documents by id, read in ``?ids=`` batches once per plan."""
    cache = _DOCUMENTS.setdefault(ctx, {})
    segment = ctx.registry.resource_kind(kind).collection
    missing = [i for i in dict.fromkeys(ids) if (kind, i) not in cache]
    for start in range(0, len(missing), IDS_PER_REQUEST):
        chunk = missing[start : start + IDS_PER_REQUEST]
        for doc in ctx.client.get_many(ctx.client.space_path(segment), chunk):
            cache[(kind, doc["Id"])] = doc
    return {i: cache[(kind, i)] for i in ids if (kind, i) in cache}


def processes_to_edit(
    ctx: PlanContext,
    projects: list[Project],
    runbooks: tuple[str, ...] | None,
    target: GitTarget = DEFAULT_TARGET,
    criteria: Sequence[Criterion] = (),
) -> list[ProcessToEdit]:
    """The processes of ``projects`` to edit: deployment processes, or runbooks' processes.

    A version-controlled project's deployment process is read where ``target`` commits;
    a project named in ``criteria`` that is not version-controlled cannot take a branch.
    """
    cac = [p for p in projects if p.is_version_controlled]
    database = [p for p in projects if not p.is_version_controlled]
    if target.given:
        check_database_projects(ctx, database, target.describe().lstrip("."), criteria)
    if runbooks is not None:
        return _all_runbook_processes(ctx, projects, runbooks, target)
    docs = read_processes(ctx, DEPLOYMENT_PROCESS, [process_id(p) for p in database])
    found = [
        ProcessToEdit(p, DEPLOYMENT_PROCESS, docs[process_id(p)])
        for p in database
        if process_id(p) in docs
    ]
    return found + _git_processes(ctx, cac, target)


def check_database_projects(
    ctx: PlanContext, database: list[Project], what: str, criteria: Sequence[Criterion]
) -> None:
    """A branch given for a project, named by name, that keeps its process in the database
    (one selected through a group is edited in the database, as always)."""
    by_name = {n.lower() for c in criteria if c.key == "name" for n in as_names(c.value, "name")}
    named = [p.name for p in database if p.name.lower() in by_name]
    if named:
        ctx.problem(
            f"project(s) {', '.join(repr(n) for n in named)} are not version-controlled: "
            f"{what} applies to Config-as-Code projects only",
            "leave the branch out for these projects, or select them in another statement",
        )


def settings_to_edit(
    ctx: PlanContext,
    projects: list[Project],
    intents: tuple[Intent, ...],
    target: GitTarget,
    criteria: Sequence[Criterion],
) -> list[Edit]:
    """Commits of version-controlled projects' deployment settings (release versioning)."""
    if not git.usable(ctx):
        missing = ctx.client.capabilities.missing(git.FEATURE, "changing their settings")
        ctx.problem(f"{len(projects)} version-controlled project(s) selected: {missing}")
        return []
    writes = git.resolve_writes(ctx, projects, target)
    docs = git.read_settings(ctx, [(w.project, w.read_ref) for w in writes])
    out: list[Edit] = []
    for write in writes:
        document = docs[str(write.project.id)]
        if write.refused:
            if diff(document, replay(document, intents, ctx.registry)):
                ctx.problem(*write.refused)
            continue
        out += gitedits.settings_edit(write, document, intents)
    return out


def _git_processes(
    ctx: PlanContext, projects: list[Project], target: GitTarget
) -> list[ProcessToEdit]:
    if not projects:
        return []
    if not git.usable(ctx):  # a server this old has no version-controlled project
        missing = ctx.client.capabilities.missing(git.FEATURE, "editing them")
        ctx.note(f"skips {len(projects)} version-controlled project(s): {missing}")
        return []
    writes = git.resolve_writes(ctx, projects, target)
    if writes:
        ctx.note(git.commits_note(writes))
    docs = git.read_processes(ctx, [(w.project, w.read_ref) for w in writes])
    return [ProcessToEdit(w.project, GIT_PROCESS, docs[str(w.project.id)], write=w) for w in writes]


def _all_runbook_processes(
    ctx: PlanContext, projects: list[Project], wanted: tuple[str, ...], target: GitTarget
) -> list[ProcessToEdit]:
    """Runbooks' processes: in the database, or in Git for a version-controlled project
    whose runbooks were converted too (read and committed where ``target`` says)."""
    in_git = [p for p in projects if p.is_version_controlled and git.runbooks_in_git(p)]
    if in_git and not ctx.client.capabilities.has(git.RUNBOOKS_FEATURE):
        missing = ctx.client.capabilities.missing(git.RUNBOOKS_FEATURE, "editing them")
        ctx.note(f"skips the runbooks in Git of {len(in_git)} project(s): {missing}")
        in_git = []
    found, known = _runbook_processes(ctx, [p for p in projects if p not in in_git], wanted)
    for project in in_git:
        more, names = _git_runbook_processes(ctx, project, wanted, target)
        found += more
        known |= names
    lowered = {k.lower() for k in known}
    for name in wanted:
        if name.lower() not in lowered:
            ctx.problem(unknown_name_message("runbook", name, sorted(known)))
    return found


def _runbook_processes(
    ctx: PlanContext, projects: list[Project], wanted: tuple[str, ...]
) -> tuple[list[ProcessToEdit], set[str]]:
    """Database runbooks' processes, and the names of the projects' runbooks."""
    by_project = {p.id: p for p in projects}
    mine = [r for r in ctx.models("runbooks", Runbook) if r.project_id in by_project]
    lowered = {w.lower() for w in wanted}
    chosen = [r for r in mine if not lowered or r.name.lower() in lowered]
    docs = read_processes(ctx, RUNBOOK_PROCESS, [str(r.runbook_process_id) for r in chosen])
    found = [
        ProcessToEdit(by_project[r.project_id], RUNBOOK_PROCESS, docs[str(r.runbook_process_id)], r)
        for r in chosen
        if str(r.runbook_process_id) in docs
    ]
    return found, {r.name for r in mine}


def _git_runbook_processes(
    ctx: PlanContext, project: Project, wanted: tuple[str, ...], target: GitTarget
) -> tuple[list[ProcessToEdit], set[str]]:
    write = git.resolve_write(ctx, project, target)
    if write is None:
        return [], set()
    runbooks = git.read_runbooks(ctx, project, write.read_ref)
    lowered = {w.lower() for w in wanted}
    chosen = [r for r in runbooks if not lowered or str(r["Name"]).lower() in lowered]
    docs = git.read_runbook_processes(ctx, write, chosen)
    found = [
        ProcessToEdit(project, GIT_RUNBOOK_PROCESS, doc, Runbook.from_wire(r), write=write)
        for r, doc in zip(chosen, docs, strict=True)
    ]
    return found, {str(r["Name"]) for r in runbooks}


# -- edits ---------------------------------------------------------------------------


def edits(
    ctx: PlanContext, process: ProcessToEdit, intents: list[Intent], publish: bool
) -> list[Edit]:
    """The edit of the process, plus a published snapshot when asked and needed."""
    if not intents:
        return []
    for step in process.document["Steps"]:  # plans show steps and actions by name
        ctx.labels[step["Id"]] = step["Name"]
        for action in step["Actions"]:
            ctx.labels[action["Id"]] = action["Name"]
    if process.write is not None:
        return _git_edits(ctx, process, process.write, intents)
    edit = Edit(
        process.kind, process.document["Id"], process.name, process.document, tuple(intents)
    )
    if not (publish and process.runbook is not None):
        return [edit]
    desired = replay(process.document, intents, ctx.registry)
    if not diff(process.document, desired):
        return [edit]  # unchanged: nothing new to publish
    return [edit, *_publish(ctx, process, process.runbook, edit.key)]


def _git_edits(
    ctx: PlanContext, process: ProcessToEdit, write: git.Write, intents: list[Intent]
) -> list[Edit]:
    """The commit to a version-controlled project's branch; a problem when the branch
    refuses it and there is something to commit. A runbook kept in Git runs from a
    ref: there is no snapshot to publish."""
    document = process.document
    if write.refused:
        if diff(document, replay(document, intents, ctx.registry)):
            ctx.problem(*write.refused)
        return []
    if process.runbook is not None:
        return gitedits.runbook_process_edit(write, process.runbook.name, document, tuple(intents))
    return gitedits.process_edit(write, document, tuple(intents))


def _publish(ctx: PlanContext, process: ProcessToEdit, runbook: Runbook, after: str) -> list[Edit]:
    name = "Snapshot " + "".join(random.choices(string.ascii_uppercase, k=7))
    fields = {
        "ProjectId": process.project.id,
        "RunbookId": runbook.id,
        "Name": name,
        "Notes": "Published by octoflow after editing the runbook's process.",
    }
    create = Edit(
        RUNBOOK_SNAPSHOT,
        None,
        process.name,
        dict(fields),
        (Intent("runbook_snapshot.set_fields", {"fields": fields}, f"create {name}"),),
        action="create",
        after=(after,),
    )
    ref = created_ref(create.key)
    ctx.labels[ref] = f"{name} (created by this apply)"
    publish = Edit(
        RUNBOOK,
        runbook.id,
        process.name,
        ctx.document("runbooks", str(runbook.id)),
        (Intent("runbook.publish_snapshot", {"snapshot_id": ref}, f"publish {name}"),),
        after=(create.key,),
    )
    return [create, publish]
