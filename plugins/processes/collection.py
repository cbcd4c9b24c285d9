"""``octo.projects``: select projects, then edit their deployment or runbook processes.

Examples::

    apps = octo.projects.where(group="Apps")
    apps.process.add_step("notify.json.j2", after="Deploy")
    apps.steps.where(action_type="Octopus.Script").set_container("octopuslabs/workertools:latest")
    apps.runbooks("Restart App Pool").steps.set_worker_pool("Hosted Ubuntu").publish()

``process`` is each project's deployment process; ``runbooks`` every runbook's
process (``runbooks("A", "B")``: only those). A version-controlled (Config as
Code) project's deployment process is committed to its default branch, or where
``on_branch``/``on_new_branch`` say, with ``commit_message`` (see
``docs/config-as-code.md``), and so is a runbook's process kept in Git::

    octo.projects.on_new_branch("octoflow/{{ plan.id }}").commit_message("Use containers")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.processes import planner
from octoflow_plugins.processes.branches import CreateBranch
from octoflow_plugins.processes.clone import EnsureProject
from octoflow_plugins.processes.gittarget import GitTarget, branch_name, checked_template
from octoflow_plugins.processes.kinds import PROJECT
from octoflow_plugins.processes.perprocess import Seen
from octoflow_plugins.processes.processverbs import AddStep, MoveStep, ProcessVerb, RemoveStep
from octoflow_plugins.processes.resolve import Names
from octoflow_plugins.processes.settings import (
    SetDiscreteChannelRelease,
    SetGroup,
    SetLifecycle,
    SetTenanted,
    SettingVerb,
    SetVersionTemplate,
    discrete,
    required_name,
    tenanted_mode,
    version_template,
)
from octoflow_plugins.processes.steps import Steps
from octoflow_plugins.processes.stepsource import StepSource

from octoflow.provider import (
    Edit,
    Intent,
    PlanContext,
    Project,
    Selection,
    UsageError,
    as_names,
)

Doc = dict[str, Any]


@attrs.frozen
class Projects(Selection):
    collection: ClassVar[str] = "projects"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {
            "name",
            "partial_name",
            "group",
            "lifecycle",
            "tenanted",
            "is_disabled",
            "is_version_controlled",
            "has_step",
            "has_step_type",
            "uses_role",
        }
    )
    #: Where edits of version-controlled projects' processes are committed.
    git: GitTarget = attrs.field(factory=GitTarget)

    # -- Config as Code ----------------------------------------------------------------

    def on_branch(self, branch: str) -> Projects:
        """Commit version-controlled projects' changes to ``branch`` (default: each
        project's default branch)."""
        name = branch_name(branch, "on_branch()")
        return attrs.evolve(self, git=attrs.evolve(self.git, branch=name))

    def on_new_branch(
        self, name: str, *, from_: str | None = None, only_protected: bool = False
    ) -> Projects:
        """Create the branch ``name`` (a jinja2 template: ``plan.id``, ``project.name``,
        ``recipe``) from ``from_`` (default: the ``on_branch`` or default branch) and commit
        there; with ``only_protected``, only where that branch is protected."""
        template = checked_template(name, "on_new_branch")
        base = branch_name(from_, "on_new_branch(from_=)") if from_ is not None else None
        target = attrs.evolve(
            self.git, new_branch=template, base=base, only_protected=only_protected
        )
        return attrs.evolve(self, git=target)

    def commit_message(self, template: str) -> Projects:
        """The commit message (a jinja2 template: ``plan.id``, ``project.name``, ``recipe``)."""
        message = checked_template(template, "commit_message")
        return attrs.evolve(self, git=attrs.evolve(self.git, message=message))

    def create_branch(self, name: str, *, from_: str | None = None) -> CreateBranch:
        """Create the branch ``name`` (a template, like ``on_new_branch``'s) in every
        selected version-controlled project, from ``from_`` (default: its default
        branch); where it exists, nothing changes."""
        template = checked_template(name, "create_branch")
        base = branch_name(from_, "create_branch(from_=)") if from_ is not None else None
        return CreateBranch(self._criteria_only("create_branch()"), template, base)

    @property
    def process(self) -> Process:
        """The deployment process of every selected project."""
        return Process(projects=self._criteria_only("process"))

    @property
    def runbooks(self) -> Runbooks:
        """The runbooks' processes of every selected project; call it to name runbooks."""
        return Runbooks(projects=self._criteria_only("runbooks"), runbook_names=())

    def _criteria_only(self, what: str) -> Projects:
        if self.verbs:
            raise UsageError(
                f"projects.{self.verbs[-1].name}(…).{what}: change project settings and "
                f"processes in two statements (octo.projects.where(…) for each)"
            )
        return self

    def ensure(
        self,
        name: str,
        *,
        like: str,
        like_space: str | None = None,
        group: str | None = None,
        lifecycle: str | None = None,
    ) -> EnsureProject:
        """A project named ``name`` exists, made like the project ``like`` (in the space
        ``like_space``, else this one): its settings and deployment process steps."""
        return EnsureProject.checked(name, like, like_space, group, lifecycle)

    # -- settings verbs ----------------------------------------------------------------

    def set_group(self, group: str) -> Projects:
        """Move the projects to this project group."""
        return self._with_verb(SetGroup(required_name(group, "set_group", "project group")))

    def set_lifecycle(self, lifecycle: str) -> Projects:
        """Use this lifecycle (the default channel's; other channels keep theirs)."""
        return self._with_verb(SetLifecycle(required_name(lifecycle, "set_lifecycle", "lifecycle")))

    def set_tenanted(self, mode: str) -> Projects:
        """``Untenanted``, ``TenantedOrUntenanted`` or ``Tenanted`` (TenantedDeploymentMode)."""
        return self._with_verb(SetTenanted(tenanted_mode(mode)))

    def set_version_template(self, template: str) -> Projects:
        """Number releases from this template (not from a package's version)."""
        return self._with_verb(SetVersionTemplate(version_template(template)))

    def set_discrete_channel_release(self, enabled: bool = True) -> Projects:
        """Treat releases of different channels as separate (DiscreteChannelRelease)."""
        return self._with_verb(SetDiscreteChannelRelease(discrete(enabled)))

    @property
    def steps(self) -> Steps:
        """Shortcut for ``.process.steps``."""
        return self.process.steps

    def select(self, ctx: PlanContext) -> list[Project]:
        """The projects the criteria select (problems for names that do not resolve)."""
        return planner.select_projects(ctx, Names(ctx), self.criteria)

    def plan(self, ctx: PlanContext) -> list[Edit]:
        """Edits of the projects' settings; without a verb only a note of what it selects.

        A version-controlled project's release versioning is committed to its branch
        (deployment settings in Git); its other settings stay on the project document.
        """
        names = Names(ctx)
        known_problems = len(ctx.problems)
        projects = self.select(ctx)
        if not self.verbs:
            in_git = sum(1 for p in projects if p.is_version_controlled)
            ctx.note(f"selects {len(projects)} project(s), {in_git} of them version-controlled")
            return []
        verbs = [v for v in self.verbs if isinstance(v, SettingVerb)]
        made = [(v.in_git, i) for v in verbs if (i := v.intent(names)) is not None]
        if len(ctx.problems) > known_problems:
            return []
        total = len(ctx.documents("projects"))
        ctx.selected("project", len(projects), total, self.whole_is_wide)
        out = [e for p in projects if (e := _settings_edit(ctx, p, made)) is not None]
        git_kept = tuple(i for kept, i in made if kept)
        cac = [p for p in projects if p.is_version_controlled]
        if git_kept and cac:
            out += planner.settings_to_edit(ctx, cac, git_kept, self.git, self.criteria)
        return out


def _settings_edit(
    ctx: PlanContext, project: Project, made: list[tuple[bool, Intent]]
) -> Edit | None:
    """The project document's edit: every intent, or for a version-controlled project
    those of settings kept in the database."""
    intents = tuple(i for git_kept, i in made if not (git_kept and project.is_version_controlled))
    if not intents:
        return None
    document = ctx.document("projects", str(project.id))
    return Edit(PROJECT, project.id, project.name, document, intents)


@attrs.frozen
class Process(Selection):
    collection: ClassVar[str] = "process"
    criteria_keys: ClassVar[frozenset[str]] = frozenset()

    projects: Projects = attrs.field(factory=Projects)
    #: ``None``: deployment processes; a tuple: runbooks (empty: all of them).
    runbook_names: tuple[str, ...] | None = None
    publish_snapshot: bool = False

    @property
    def steps(self) -> Steps:
        """Select steps (actions) of these processes to change them."""
        return Steps(scope=self)

    def describe(self) -> str:
        return self._scope_text() + "".join(f".{v.describe()}" for v in self.verbs)

    def _scope_text(self) -> str:
        return self.projects.describe() + self.projects.git.describe() + ".process"

    def on_branch(self, branch: str) -> Process:
        """See :meth:`Projects.on_branch`."""
        return attrs.evolve(self, projects=self.projects.on_branch(branch))

    def on_new_branch(
        self, name: str, *, from_: str | None = None, only_protected: bool = False
    ) -> Process:
        """See :meth:`Projects.on_new_branch`."""
        projects = self.projects.on_new_branch(name, from_=from_, only_protected=only_protected)
        return attrs.evolve(self, projects=projects)

    def commit_message(self, template: str) -> Process:
        """See :meth:`Projects.commit_message`."""
        return attrs.evolve(self, projects=self.projects.commit_message(template))

    # -- verbs -------------------------------------------------------------------------

    def add_step(
        self,
        step: Mapping[str, Any] | str | Any = None,
        *,
        template: str | None = None,
        name: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        after: str | None = None,
        before: str | None = None,
        first: bool = False,
        last: bool = False,
    ) -> Process:
        """Add a step, last unless ``after``/``before`` a named step or ``first``.

        ``step`` is a dict, or the path of a JSON file or of a jinja2 template
        (``.j2``; rendered per project with ``project`` in scope). Or name a step
        template of the library with ``template`` (and ``name``, ``parameters``).
        A step already there by name is brought in line with the definition.
        """
        if (step is None) == (template is None):
            raise UsageError("add_step() takes a step definition or template=, not both or neither")
        if template is not None:
            source = StepSource.library(template, name, parameters or {})
        else:
            source = StepSource.of(step)
        position = _position(after, before, first)
        if last and position:
            raise UsageError("add_step(): give one of after=, before=, first= or last=")
        return self._with_verb(AddStep(source, position))

    def remove_step(self, *names: str) -> Process:
        """Remove the steps with these names (where they exist)."""
        found = as_names(list(names), "remove_step")
        if not found:
            raise UsageError("remove_step() needs at least one step name")
        return self._with_verb(RemoveStep(found))

    def move_step(
        self,
        name: str,
        *,
        after: str | None = None,
        before: str | None = None,
        first: bool = False,
        last: bool = False,
    ) -> Process:
        """Move a step after/before another one, first or last (reorder steps)."""
        position = _position(after, before, first)
        if last and position:
            raise UsageError("move_step(): give one of after=, before=, first= or last=")
        if not position and not last:
            raise UsageError("move_step() needs after=, before=, first=True or last=True")
        return self._with_verb(MoveStep(name, position))

    # -- planning ----------------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        names = Names(ctx)
        known_problems = len(ctx.problems)
        projects = planner.select_projects(ctx, names, self.projects.criteria)
        verbs = [v.per_process(names) for v in self.verbs if isinstance(v, ProcessVerb)]
        if len(ctx.problems) > known_problems:
            return []  # names of this statement do not resolve: reading processes is pointless
        total = len(ctx.documents("projects"))
        ctx.selected("project", len(projects), total, self.projects.whole_is_wide)
        out: list[Edit] = []
        seen: Seen = {}
        targets = planner.processes_to_edit(
            ctx, projects, self.runbook_names, self.projects.git, self.projects.criteria
        )
        for process in targets:
            steps = process.document["Steps"]
            seen.update((str(s["Name"]).lower(), str(s["Name"])) for s in steps)
            intents = [i for verb in verbs for i in verb.make(process)]
            out += planner.edits(ctx, process, intents, self.publish_snapshot)
        for verb in verbs:
            verb.finish(seen)
        return out


@attrs.frozen
class Runbooks(Process):
    collection: ClassVar[str] = "runbooks"

    def __call__(self, *names: str) -> Runbooks:
        """Only the runbooks with these names."""
        return attrs.evolve(self, runbook_names=as_names(list(names), "runbooks"))

    def publish(self) -> Runbooks:
        """After changing a runbook's process, create a snapshot and publish it."""
        return attrs.evolve(self, publish_snapshot=True)

    def _scope_text(self) -> str:
        runbooks = ", ".join(repr(n) for n in self.runbook_names or ())
        text = self.projects.describe() + self.projects.git.describe() + f".runbooks({runbooks})"
        return text + (".publish()" if self.publish_snapshot else "")


# -- helpers -----------------------------------------------------------------------------


def _position(after: str | None, before: str | None, first: bool) -> Doc:
    given = [k for k, v in (("after", after), ("before", before), ("first", first)) if v]
    if len(given) > 1:
        raise UsageError(f"give only one of after=, before= and first= (got {', '.join(given)})")
    if after is not None:
        return {"after": after}
    if before is not None:
        return {"before": before}
    return {"first": True} if first else {}
