"""``….process.steps`` / ``….runbooks.steps``: select actions and change them.

Criteria match actions (a step usually has one, named like it): ``name``
matches a step's or an action's name. Action verbs change the matched
actions; step verbs (roles, condition, start trigger) change the steps that
hold them. Examples::

    apps = octo.projects.where(group="Apps")
    apps.steps.where(action_type="Octopus.Script").set_container("octopuslabs/workertools:latest")
    apps.steps.where(name="Smoke test").set_worker_pool("Hosted Ubuntu").add_roles("smoke")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.processes import planner
from octoflow_plugins.processes.definition import properties
from octoflow_plugins.processes.intents import roles_of
from octoflow_plugins.processes.perprocess import Seen
from octoflow_plugins.processes.planner import ProcessToEdit
from octoflow_plugins.processes.resolve import Names
from octoflow_plugins.processes.verbs import (
    AddRoles,
    ChangeType,
    ClearContainer,
    ClearProperty,
    Disable,
    Enable,
    Remove,
    RemoveRoles,
    SetChannels,
    SetCondition,
    SetContainer,
    SetEnvironments,
    SetExcludedEnvironments,
    SetProperty,
    SetRoles,
    SetStartTrigger,
    SetTenantTags,
    SetWorkerPool,
    SetWorkerPoolVariable,
    StepsVerb,
)

from octoflow.provider import (
    Edit,
    PlanContext,
    Project,
    Selection,
    UsageError,
    as_names,
    unknown_name_message,
)

Doc = dict[str, Any]
Pair = tuple[Doc, Doc]  # (step, action)
RUN_ON_SERVER = "Octopus.Action.RunOnServer"
CONDITIONS = ("Success", "Failure", "Always", "Variable")
TRIGGERS = ("StartAfterPrevious", "StartWithPrevious")
#: Tests of one action: the process, the step holding it, the action.
Test = Callable[[ProcessToEdit, Doc, Doc], bool]


@attrs.frozen
class StepView:
    """What a ``steps.where(predicate)`` function receives for each action."""

    project: Project
    process: str
    step: Doc
    action: Doc

    @property
    def name(self) -> str:
        return str(self.action.get("Name"))

    @property
    def action_type(self) -> str:
        return str(self.action.get("ActionType"))

    @property
    def roles(self) -> list[str]:
        return roles_of(self.step)


@attrs.frozen
class Steps(Selection):
    collection: ClassVar[str] = "steps"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {
            "name",
            "action_type",
            "role",
            "worker_pool",
            "uses_container",
            "runs_on_worker",
            "is_disabled",
        }
    )

    #: The ``process`` or ``runbooks`` selection whose steps these are.
    scope: Any = None

    def publish(self) -> Steps:
        """After changing a runbook's process, create a snapshot and publish it."""
        return attrs.evolve(self, scope=self.scope.publish())

    def on_branch(self, branch: str) -> Steps:
        """See ``Projects.on_branch``."""
        return attrs.evolve(self, scope=self.scope.on_branch(branch))

    def on_new_branch(
        self, name: str, *, from_: str | None = None, only_protected: bool = False
    ) -> Steps:
        """See ``Projects.on_new_branch``."""
        scope = self.scope.on_new_branch(name, from_=from_, only_protected=only_protected)
        return attrs.evolve(self, scope=scope)

    def commit_message(self, template: str) -> Steps:
        """See ``Projects.commit_message``."""
        return attrs.evolve(self, scope=self.scope.commit_message(template))

    def describe(self) -> str:
        where = ", ".join(c.describe() for c in self.criteria)
        text = self.scope.describe() + (f".steps.where({where})" if where else ".steps")
        return text + "".join(f".{v.describe()}" for v in self.verbs)

    # -- verbs: actions -------------------------------------------------------------------

    def set_container(self, image: str, feed: str = "Docker Hub") -> Steps:
        """Run the actions in the container ``image`` from the container feed ``feed``."""
        if not isinstance(image, str) or not image.strip() or any(c.isspace() for c in image):
            raise UsageError(f"set_container(): {image!r} is not a container image name")
        return self._with_verb(SetContainer(image.strip(), feed))

    def clear_container(self) -> Steps:
        """Run the actions directly on their worker again (no execution container)."""
        return self._with_verb(ClearContainer())

    def set_worker_pool(self, pool: str) -> Steps:
        """Run the actions on the worker pool ``pool`` (by name)."""
        return self._with_verb(SetWorkerPool(_name(pool, "set_worker_pool")))

    def set_worker_pool_variable(self, variable: str) -> Steps:
        """Take the worker pool from a project variable (a worker pool variable)."""
        return self._with_verb(SetWorkerPoolVariable(_name(variable, "variable")))

    def set_environments(self, *environments: str) -> Steps:
        """Run the actions only in these environments."""
        environments = _names(environments, "set_environments")
        return self._with_verb(SetEnvironments(environments))

    def clear_environments(self) -> Steps:
        return self._with_verb(SetEnvironments(()))

    def set_excluded_environments(self, *environments: str) -> Steps:
        """Skip the actions in these environments."""
        environments = _names(environments, "set_excluded_environments")
        return self._with_verb(SetExcludedEnvironments(environments))

    def clear_excluded_environments(self) -> Steps:
        return self._with_verb(SetExcludedEnvironments(()))

    def set_channels(self, *channels: str) -> Steps:
        """Run the actions only for releases in these channels (names, per project)."""
        return self._with_verb(SetChannels(_names(channels, "set_channels")))

    def clear_channels(self) -> Steps:
        return self._with_verb(SetChannels(()))

    def set_tenant_tags(self, *tags: str) -> Steps:
        """Run the actions only for tenants with these tags (canonical ``Set/Tag``)."""
        return self._with_verb(SetTenantTags(_names(tags, "set_tenant_tags")))

    def clear_tenant_tags(self) -> Steps:
        return self._with_verb(SetTenantTags(()))

    def enable(self) -> Steps:
        return self._with_verb(Enable())

    def disable(self) -> Steps:
        return self._with_verb(Disable())

    def set_property(self, name: str, value: Any) -> Steps:
        """Set an action property (values become strings, as on the server)."""
        return self._with_verb(SetProperty(_name(name, "set_property"), value))

    def clear_property(self, name: str) -> Steps:
        return self._with_verb(ClearProperty(_name(name, "clear_property")))

    def change_type(
        self,
        action_type: str,
        rename: Mapping[str, str] | None = None,
        set: Mapping[str, Any] | None = None,  # noqa: A002 - mirrors the verb's meaning
        keep_unmapped: bool = True,
    ) -> Steps:
        """Make the actions another step type: properties in ``rename`` are renamed,
        those in ``set`` set, and (unless ``keep_unmapped``) all others dropped."""
        return self._with_verb(
            ChangeType(
                _name(action_type, "change_type"),
                tuple(sorted((rename or {}).items())),
                tuple(sorted(properties(set or {}).items())),
                bool(keep_unmapped),
            )
        )

    def remove(self) -> Steps:
        """Remove the actions (and every step left without actions)."""
        return self._with_verb(Remove())

    # -- steps ---------------------------------------------------------------------

    def add_roles(self, *roles: str) -> Steps:
        """Add target roles (target tags) to the steps."""
        return self._with_verb(AddRoles(_names(roles, "add_roles")))

    def remove_roles(self, *roles: str) -> Steps:
        return self._with_verb(RemoveRoles(_names(roles, "remove_roles")))

    def set_roles(self, *roles: str) -> Steps:
        return self._with_verb(SetRoles(_names(roles, "set_roles")))

    def set_condition(self, condition: str, expression: str | None = None) -> Steps:
        """Run the steps on ``Success``, ``Failure``, ``Always`` or ``Variable`` (with
        ``expression``, e.g. ``#{Deploy.Enabled}``)."""
        found = _choice(condition, CONDITIONS, "set_condition")
        if (found == "Variable") != bool(expression):
            raise UsageError(
                "set_condition(): a Variable condition needs an expression, and only it takes one"
            )
        return self._with_verb(SetCondition(found, expression))

    def set_start_trigger(self, trigger: str) -> Steps:
        """``StartAfterPrevious`` or ``StartWithPrevious`` (run in parallel)."""
        return self._with_verb(SetStartTrigger(_choice(trigger, TRIGGERS, "set_start_trigger")))

    # -- planning --------------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        names = Names(ctx)
        known_problems = len(ctx.problems)
        projects = planner.select_projects(ctx, names, self.scope.projects.criteria)
        verbs = [v.per_process(names) for v in self.verbs if isinstance(v, StepsVerb)]
        match = self._matcher(names)
        if len(ctx.problems) > known_problems:
            return []  # names of this statement do not resolve: reading processes is pointless
        out: list[Edit] = []
        seen: Seen = {}
        matched = matching = 0
        scope = self.scope.projects
        targets = planner.processes_to_edit(
            ctx, projects, self.scope.runbook_names, scope.git, scope.criteria
        )
        for process in targets:
            pairs = [(s, a) for s, a in _all(process.document) if match(process, s, a)]
            seen.update(
                (str(x["Name"]).lower(), str(x["Name"])) for p in _all(process.document) for x in p
            )
            if not pairs:
                continue
            matched, matching = matched + len(pairs), matching + 1
            intents = [i for verb in verbs for i in verb.make(process, pairs)]
            out += planner.edits(ctx, process, intents, self.scope.publish_snapshot)
        for verb in verbs:
            verb.finish(seen)
        ctx.note(
            f"selects {len(projects)} project(s); "
            f"{matched} action(s) in {matching} process(es) match"
        )
        self._check_names(ctx, seen)
        return out

    def _matcher(self, names: Names) -> Test:
        tests = [self._test(names, c.key, c.value) for c in self.criteria]
        return lambda process, step, action: all(t(process, step, action) for t in tests)

    def _test(self, names: Names, key: str, value: Any) -> Test:
        if key == "predicate":
            return lambda p, s, a: bool(value(StepView(p.project, p.name, s, a)))
        if key == "name":
            wanted = {n.lower() for n in as_names(value, "name")}
            return lambda p, s, a: bool({str(s["Name"]).lower(), str(a["Name"]).lower()} & wanted)
        if key == "action_type":
            types = {n.lower() for n in as_names(value, "action_type")}
            return lambda p, s, a: str(a.get("ActionType")).lower() in types
        if key == "role":
            roles = {n.lower() for n in as_names(value, "role")}
            return lambda p, s, a: bool(roles & {r.lower() for r in roles_of(s)})
        if key == "worker_pool":
            pool = names.worker_pool(str(value))
            return lambda p, s, a: pool is not None and a.get("WorkerPoolId") == pool.id
        if key == "uses_container":
            return lambda p, s, a: bool((a.get("Container") or {}).get("Image")) == bool(value)
        if key == "runs_on_worker":
            return lambda p, s, a: _on_worker(a) == bool(value)
        return lambda p, s, a: bool(a.get("IsDisabled")) == bool(value)

    def _check_names(self, ctx: PlanContext, seen: Seen) -> None:
        """A name that matched nothing anywhere, but is close to one that exists, is a typo."""
        for criterion in self.criteria:
            if criterion.key != "name":
                continue
            for name in as_names(criterion.value, "name"):
                if name.lower() not in seen:
                    message = unknown_name_message("step", name, sorted(seen.values()))
                    if "did you mean" in message:
                        ctx.problem(message)


def _all(process: Doc) -> Iterable[Pair]:
    return ((s, a) for s in process["Steps"] for a in s["Actions"])


def _on_worker(action: Doc) -> bool:
    return str((action.get("Properties") or {}).get(RUN_ON_SERVER, "")).lower() == "true"


def _name(value: Any, verb: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{verb}() needs a name, not {value!r}")
    return value.strip()


def _names(values: Iterable[str], verb: str) -> tuple[str, ...]:
    found = as_names(list(values), verb)
    if not found:
        raise UsageError(f"{verb}() needs at least one name (use clear_… to remove them all)")
    return found


def _choice(value: Any, allowed: tuple[str, ...], verb: str) -> str:
    for option in allowed:
        if isinstance(value, str) and value.lower() == option.lower():
            return option
    raise UsageError(f"{verb}(): {value!r} is not one of {', '.join(allowed)}")
