"""``octo.projects.ensure(name, like=…)``: a project exists, made like another one.

A missing project is created with the source's settings (group and lifecycle as given
or the source's, tenanted mode, guided failure, release versioning, discrete channel
releases, connectivity, included library variable sets) and then gets the source's
deployment process steps. The source may live in another space (``like_space``):
every document the settings and steps refer to (project group, lifecycle, library
variable sets, environments, feeds, worker pools, accounts, certificates, step
templates) is found by name in the target space, and a plan error names each one
missing. Step, action and package ids are left out so the server gives new ones.
An existing project gets the group and lifecycle given and the source's steps it
lacks (by name); its other steps stay as they are. Not copied: variables,
channels, triggers, runbooks and project variable templates. A version-controlled
project is neither a source nor a target.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.processes.intents import append_missing_steps
from octoflow_plugins.processes.kinds import DEPLOYMENT_PROCESS, PROJECT
from octoflow_plugins.processes.planner import ProcessToEdit, edits, process_id, read_processes
from octoflow_plugins.processes.resolve import Names
from octoflow_plugins.processes.settings import SET

from octoflow.provider import (
    ActionCall,
    ActionResult,
    Edit,
    Ensure,
    Intent,
    PlanContext,
    Project,
    UsageError,
    clone,
    created_ref,
    unknown_name_message,
)

Doc = dict[str, Any]
APPEND_STEPS = "process.append_missing_steps"
COPY_PROCESS = "project.copy_process"
#: Project fields copied as they are.
SETTINGS = (
    "Description",
    "TenantedDeploymentMode",
    "DefaultGuidedFailureMode",
    "DefaultToSkipIfAlreadyInstalled",
    "DiscreteChannelRelease",
    "ReleaseNotesTemplate",
    "DeploymentChangesTemplate",
    "ProjectConnectivityPolicy",
)
#: Collections whose ids steps may hold (any property value, or the fields below), and
#: what one is called in a plan error.
REFERENCED = {
    "environments": "environment",
    "feeds": "feed",
    "workerpools": "worker pool",
    "accounts": "account",
    "certificates": "certificate",
    "actiontemplates": "step template",
}


@attrs.frozen
class EnsureProject(Ensure):
    collection: ClassVar[str] = "projects"
    kind: ClassVar[str] = PROJECT
    name: str
    like: str
    like_space: str | None = None
    group: str | None = None
    lifecycle: str | None = None

    def describe(self) -> str:
        given = (
            ("like_space", self.like_space),
            ("group", self.group),
            ("lifecycle", self.lifecycle),
        )
        more = "".join(f", {k}={v!r}" for k, v in given if v)
        return f"projects.ensure({self.name!r}, like={self.like!r}{more})"

    @classmethod
    def checked(cls, name: Any, like: Any, like_space: Any, group: Any, lifecycle: Any) -> Any:
        for value, what in ((name, "a name"), (like, "like= (the project to copy)")):
            if not isinstance(value, str) or not value.strip():
                raise UsageError(f"projects.ensure() needs {what}")
        for value, what in ((like_space, "like_space"), (group, "group"), (lifecycle, "lifecycle")):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise UsageError(f"projects.ensure({name!r}): {what} is blank; leave it out")
        given = (v.strip() if isinstance(v, str) else None for v in (like_space, group, lifecycle))
        return cls(name.strip(), like.strip(), *given)

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        source = Source.read(ctx, self.like, self.like_space)
        if source is None:
            return []
        settings = self._settings(ctx, source)
        steps = source.steps(ctx)
        existing = next(
            (p for p in ctx.models("projects", Project) if p.name.lower() == self.name.lower()),
            None,
        )
        if len(ctx.problems) > known_problems:
            return []
        if existing is None:
            return self._create(ctx, settings, steps)
        return self._converge(ctx, existing, settings, steps)

    def _settings(self, ctx: PlanContext, source: Source) -> Doc:
        doc = source.project
        out = {f: clone(doc[f]) for f in SETTINGS if f in doc}
        strategy = dict(doc.get("VersioningStrategy") or {})
        if strategy:
            strategy["DonorPackageStepId"] = None  # the source's action id; DonorPackage names it
            out["VersioningStrategy"] = strategy
        names = Names(ctx)
        for field, given, found, collection, what in (
            ("ProjectGroupId", self.group, names.group, "projectgroups", "project group"),
            ("LifecycleId", self.lifecycle, names.lifecycle, "lifecycles", "lifecycle"),
        ):
            if given:  # named here: unknown names get close matches
                model = found(given)
                out[field] = model.id if model is not None else None
            else:
                name = source.name_of(collection, doc[field])
                out[field] = target_id(ctx, collection, name, what, self.like)
        out["IncludedLibraryVariableSetIds"] = [
            target_id(
                ctx,
                "libraryvariablesets",
                source.name_of("libraryvariablesets", i),
                "library variable set",
                self.like,
            )
            for i in doc.get("IncludedLibraryVariableSetIds") or []
        ]
        return out

    def _create(self, ctx: PlanContext, settings: Doc, steps: list[Doc]) -> list[Edit]:
        body = {"Name": self.name, **settings}
        like = f"like {self.like}" + (f" in {self.like_space}" if self.like_space else "")
        create = Edit(
            PROJECT,
            None,
            self.name,
            {},
            (Intent(SET, {"fields": body}, f"create {like}"),),
            action="create",
        )
        if not steps:
            return [create]
        ref = created_ref(create.key)
        ctx.labels[ref] = f"{self.name} (created by this apply)"
        names = ", ".join(repr(s["Name"]) for s in steps)
        copy = Intent(
            COPY_PROCESS, {"project": ref, "steps": steps}, f"deployment process steps {names}"
        )
        run = Edit(
            DEPLOYMENT_PROCESS, None, self.name, {}, (copy,), action="run", after=(create.key,)
        )
        return [create, run]

    def _converge(
        self, ctx: PlanContext, existing: Project, settings: Doc, steps: list[Doc]
    ) -> list[Edit]:
        if existing.is_version_controlled:
            ctx.problem(
                f"project {existing.name!r} exists and is version-controlled: its process "
                "lives in Git",
                "ensure another name",
            )
            return []
        fields = {
            k: settings[k]
            for k, given in (("ProjectGroupId", self.group), ("LifecycleId", self.lifecycle))
            if given
        }
        out = []
        if fields:
            said = ", ".join(
                f"{k} {v}" for k, v in (("group", self.group), ("lifecycle", self.lifecycle)) if v
            )
            intent = Intent(SET, {"fields": fields}, said, f"{said}: already so")
            out.append(
                Edit(
                    PROJECT,
                    existing.id,
                    existing.name,
                    ctx.document("projects", existing.id),
                    (intent,),
                )
            )
        process = read_processes(ctx, DEPLOYMENT_PROCESS, [process_id(existing)]).get(
            process_id(existing)
        )
        if process is not None and steps:
            names = ", ".join(repr(s["Name"]) for s in steps)
            intent = Intent(
                APPEND_STEPS,
                {"steps": steps},
                f"steps of {self.like}: {names}",
                f"has the steps of {self.like}",
            )
            out += edits(ctx, ProcessToEdit(existing, DEPLOYMENT_PROCESS, process), [intent], False)
        return out


@attrs.frozen
class Source:
    """The project to copy, its process, and its space's documents by id."""

    space: str  # "" for the space being planned
    project: Doc
    process: Doc
    names: Mapping[str, Mapping[str, str]]  # collection → id → name

    @classmethod
    def read(cls, ctx: PlanContext, like: str, like_space: str | None) -> Source | None:
        space = "" if like_space is None else _space_id(ctx, like_space)
        if space is None:
            return None
        projects = _documents(ctx, space, "projects")
        project = next((p for p in projects if p["Name"].lower() == like.lower()), None)
        if project is None:
            where = f" in space {like_space!r}" if like_space else ""
            ctx.problem(
                unknown_name_message("project", like, [p["Name"] for p in projects]) + where
            )
            return None
        if project.get("IsVersionControlled"):
            ctx.problem(
                f"project {project['Name']!r} is version-controlled (Config as Code): its process "
                "lives in Git and cannot be copied here",
                "copy a project stored in the database",
            )
            return None
        process = ctx.client.get(
            _path(ctx, space, f"deploymentprocesses/{process_id(Project.from_wire(project))}")
        )
        lookups = ("projectgroups", "lifecycles", "libraryvariablesets", *REFERENCED)
        names = {c: {d["Id"]: d["Name"] for d in _documents(ctx, space, c)} for c in lookups}
        return cls(space, project, process, names)

    def name_of(self, collection: str, doc_id: str) -> str:
        return self.names[collection].get(doc_id, doc_id)

    def steps(self, ctx: PlanContext) -> list[Doc]:
        """The process's steps with new-id placeholders and references mapped to the target."""
        ids = {i: c for c in REFERENCED for i in self.names[c]}
        mapped: dict[str, str] = {}

        def target(value: Any) -> Any:
            if not isinstance(value, str) or value not in ids:
                return value
            if value not in mapped:
                collection = ids[value]
                name = self.name_of(collection, value)
                mapped[value] = (
                    target_id(ctx, collection, name, REFERENCED[collection], self.project["Name"])
                    or value
                )
            return mapped[value]

        steps = self.process.get("Steps") or []
        _check_tags(ctx, self.project["Name"], steps)
        scoped = [
            s["Name"] for s in steps if any(a.get("Channels") for a in s.get("Actions") or [])
        ]
        if scoped:
            ctx.note(
                f"the copies of {', '.join(map(repr, scoped))} run in every channel: "
                f"{self.project['Name']}'s channels are not copied"
            )
        return [_fresh_step(step, target) for step in steps]


def _check_tags(ctx: PlanContext, source: str, steps: list[Doc]) -> None:
    """A problem for each tenant tag the steps are scoped to that this space lacks."""
    known = {
        f"{s['Name']}/{t['Name']}".lower() for s in ctx.documents("tagsets") for t in s["Tags"]
    }
    used = {t for s in steps for a in s.get("Actions") or [] for t in a.get("TenantTags") or []}
    for tag in sorted(t for t in used if t.lower() not in known):
        ctx.problem(
            f"project {source!r} uses tenant tag {tag!r}, which this space lacks",
            "create the tag set and tag in this space first",
        )


def _fresh_step(step: Doc, target: Any) -> Doc:
    out = clone(step)
    out["Id"] = None
    out["Properties"] = {k: target(v) for k, v in (out.get("Properties") or {}).items()}
    for action in out.get("Actions") or []:
        action["Id"] = None
        action["Properties"] = {k: target(v) for k, v in (action.get("Properties") or {}).items()}
        for field in ("Environments", "ExcludedEnvironments"):
            action[field] = [target(e) for e in action.get(field) or []]
        action["WorkerPoolId"] = target(action.get("WorkerPoolId"))
        container = action.get("Container") or {}
        if container.get("FeedId"):
            container["FeedId"] = target(container["FeedId"])
        for package in action.get("Packages") or []:
            package["Id"] = None
            package["FeedId"] = target(package.get("FeedId"))
        action["Channels"] = []  # the source project's channels (not copied)
    return out


def target_id(ctx: PlanContext, collection: str, name: str, what: str, source: str) -> str | None:
    """The id of the document named ``name`` in the space being planned; else a problem."""
    docs = ctx.documents(collection)
    found = next((d for d in docs if str(d.get("Name")).lower() == name.lower()), None)
    if found is None:
        known = ", ".join(sorted(str(d.get("Name")) for d in docs)[:8]) or "none"
        ctx.problem(
            f"project {source!r} uses {what} {name!r}, which this space lacks",
            f"create it in this space first (known: {known})",
        )
        return None
    ctx.labels[str(found["Id"])] = str(found["Name"])
    return str(found["Id"])


def _space_id(ctx: PlanContext, name: str) -> str | None:
    spaces = ctx.documents("/api/spaces")
    found = next((s for s in spaces if name.lower() in (s["Name"].lower(), s["Id"].lower())), None)
    if found is None:
        ctx.problem(unknown_name_message("space", name, [s["Name"] for s in spaces]))
        return None
    return str(found["Id"])


def _path(ctx: PlanContext, space: str, segment: str) -> str:
    return f"/api/{space}/{segment}" if space else ctx.client.space_path(segment)


def _documents(ctx: PlanContext, space: str, collection: str) -> list[Doc]:
    if not space or space == ctx.client.space_id:
        return ctx.documents(collection)
    return ctx.documents(f"/api/{space}/{collection}")


# -- apply -------------------------------------------------------------------------------


def copy_process(call: ActionCall) -> ActionResult:
    """``project.copy_process``: give the new project's deployment process the steps."""
    project = call.client.get(call.client.space_path(f"projects/{call.args['project']}"))
    path = project["Links"]["DeploymentProcess"]
    process = call.client.get(path)
    before = len(process.get("Steps") or [])
    append_missing_steps(process, call.args)
    added = len(process["Steps"]) - before
    if not added:
        return ActionResult(False, "the process has the steps already")
    call.client.request("PUT", path, json=process)
    return ActionResult(True, f"added {added} step(s) to {project['Name']}'s process")
