"""Planning shared by every process statement: select projects, read their
processes (batched), and turn intents into edits, publishing runbooks on request.

Processes are read with ``?ids=`` in batches (one request per 100), once per
plan. A version-controlled (Config as Code) project keeps its process in Git:
it is reported in the plan's notes and skipped, never edited in the database.
"""

from __future__ import annotations

import random
import string
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
from octoflow_plugins.processes.intents import roles_of
from octoflow_plugins.processes.kinds import (
    DEPLOYMENT_PROCESS,
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
    """``has_step`` / ``has_step_type`` / ``uses_role``: read the deployment processes."""
    database = [p for p in projects if not p.is_version_controlled]
    processes = read_processes(ctx, DEPLOYMENT_PROCESS, [process_id(p) for p in database])
    wanted = {v.lower() for v in as_names(value, key)}

    def test(project: Project) -> bool:
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
    ctx: PlanContext, projects: list[Project], runbooks: tuple[str, ...] | None
) -> list[ProcessToEdit]:
    """The processes of ``projects`` to edit: deployment processes, or runbooks' processes."""
    cac = [p for p in projects if p.is_version_controlled]
    if cac:
        ctx.note(
            f"skips {len(cac)} version-controlled (Config as Code) project(s), whose processes "
            "live in Git; octoflow edits database processes only: " + ", ".join(p.name for p in cac)
        )
    database = [p for p in projects if not p.is_version_controlled]
    if runbooks is None:
        docs = read_processes(ctx, DEPLOYMENT_PROCESS, [process_id(p) for p in database])
        return [
            ProcessToEdit(p, DEPLOYMENT_PROCESS, docs[process_id(p)])
            for p in database
            if process_id(p) in docs
        ]
    return _runbook_processes(ctx, database, runbooks)


def _runbook_processes(
    ctx: PlanContext, projects: list[Project], wanted: tuple[str, ...]
) -> list[ProcessToEdit]:
    by_project = {p.id: p for p in projects}
    all_runbooks = ctx.models("runbooks", Runbook)
    lowered = {w.lower() for w in wanted}
    chosen = [
        r
        for r in all_runbooks
        if r.project_id in by_project and (not lowered or r.name.lower() in lowered)
    ]
    known = {r.name.lower() for r in all_runbooks if r.project_id in by_project}
    for name in wanted:
        if name.lower() not in known:
            names = sorted({r.name for r in all_runbooks if r.project_id in by_project})
            ctx.problem(unknown_name_message("runbook", name, names))
    docs = read_processes(ctx, RUNBOOK_PROCESS, [str(r.runbook_process_id) for r in chosen])
    return [
        ProcessToEdit(by_project[r.project_id], RUNBOOK_PROCESS, docs[str(r.runbook_process_id)], r)
        for r in chosen
        if str(r.runbook_process_id) in docs
    ]


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
    edit = Edit(
        process.kind, process.document["Id"], process.name, process.document, tuple(intents)
    )
    if not (publish and process.runbook is not None):
        return [edit]
    desired = replay(process.document, intents, ctx.registry)
    if not diff(process.document, desired):
        return [edit]  # unchanged: nothing new to publish
    return [edit, *_publish(ctx, process, process.runbook, edit.key)]


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
