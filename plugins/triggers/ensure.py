"""``octo.triggers.where(…).ensure(name, cron=…, action=…)``: a scheduled trigger by that
name in every selected project, created where missing and brought in line where it
exists (its filter becomes the cron schedule, its action the one given); and what every
``ensure…`` of triggers shares (:func:`plan_ensure`).

UNCONFIRMED: that Octopus accepts a six-field cron expression (seconds first) as the
sandbox does; the reference names the ``CronExpressionSchedule`` filter and its
``CronExpression`` field only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import attrs
from octoflow_plugins.triggers import intents
from octoflow_plugins.triggers.kinds import TRIGGER

from octoflow.provider import (
    Edit,
    Intent,
    PlanContext,
    Project,
    Selection,
    UsageError,
    as_names,
    lookups,
    unknown_name_message,
)

Doc = dict[str, Any]
#: ``action=`` → the ``ActionType`` it makes.
ACTIONS = {"deploy-latest-release": "DeployLatestRelease", "deploy-new-release": "DeployNewRelease"}


@attrs.frozen
class EnsureTrigger:
    """One trigger per selected project, so not an ``Ensure`` (whose contract is one named
    document another provider may refer to while it does not exist yet)."""

    projects: Selection
    name: str
    cron: str
    action: str
    environment: str
    source_environments: tuple[str, ...] = ()
    timezone: str = "UTC"
    description: str | None = None
    enabled: bool = True

    @classmethod
    def make(
        cls,
        projects: Selection,
        name: str,
        cron: str,
        action: str,
        environment: str | None,
        source_environments: Iterable[str] | None,
        timezone: str,
        description: str | None,
        enabled: bool,
    ) -> EnsureTrigger:
        """Check the arguments at the call site (bad ones are a UsageError)."""
        for what, value in (("name", name), ("cron", cron), ("timezone", timezone)):
            if not isinstance(value, str) or not value.strip():
                raise UsageError(f"triggers.ensure() needs {what}= (non-empty text)")
        if len(cron.split()) not in (6, 7):
            raise UsageError(
                f"triggers.ensure(cron={cron!r}): write six fields, seconds first, "
                "e.g. '0 0 2 * * *' (02:00 every day)"
            )
        key = str(action).strip().lower()
        if key not in ACTIONS:
            raise UsageError(
                "triggers.ensure(action=…): " + unknown_name_message("action", str(action), ACTIONS)
            )
        if not environment or not str(environment).strip():
            raise UsageError(f"triggers.ensure(action={key!r}) needs environment=")
        sources = as_names(source_environments, "source_environments")
        if (key == "deploy-latest-release") != bool(sources):
            raise UsageError(
                "triggers.ensure(): source_environments= goes with action='deploy-latest-release', "
                "and only with it"
            )
        if not isinstance(enabled, bool):
            raise UsageError("triggers.ensure(enabled=…) takes True or False")
        return cls(
            projects,
            name.strip(),
            cron.strip(),
            key,
            str(environment).strip(),
            sources,
            timezone.strip(),
            description,
            enabled,
        )

    def describe(self) -> str:
        return f"{self.projects.describe()}.ensure({self.name!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        return plan_ensure(ctx, self)

    def resolve(self, ctx: PlanContext) -> Doc:
        """The action, with its environments' ids."""
        destination = lookups.environment_ids(ctx, [self.environment])
        if self.action == "deploy-new-release":
            return {"ActionType": "DeployNewRelease", "EnvironmentId": _one(destination)}
        return {
            "ActionType": "DeployLatestRelease",
            "SourceEnvironmentIds": lookups.environment_ids(ctx, self.source_environments),
            "DestinationEnvironmentId": _one(destination),
        }

    def intents(self, ctx: PlanContext, action: Doc, project: Project) -> tuple[Intent, ...]:
        schedule = {
            "FilterType": "CronExpressionSchedule",
            "CronExpression": self.cron,
            "Timezone": self.timezone,
        }
        return (
            state_intent(self.enabled, self.description),
            part_intent("Filter", schedule, f"schedule: cron {self.cron} ({self.timezone})",
                        "schedule already as given"),
            part_intent("Action", action, f"action: {self.action} to {self.environment}",
                        "action already as given"),
        )  # fmt: skip


def _one(ids: list[str]) -> str | None:
    return ids[0] if ids else None


class Ensuring(Protocol):
    """What :func:`plan_ensure` needs of an ``ensure…`` statement of triggers."""

    @property
    def projects(self) -> Selection: ...

    @property
    def name(self) -> str: ...

    def resolve(self, ctx: PlanContext) -> Any:
        """Names → ids, once per plan (problems recorded on ``ctx``)."""

    def intents(self, ctx: PlanContext, resolved: Any, project: Project) -> tuple[Intent, ...]:
        """The intents that make one project's trigger what is asked (``()``: skip it)."""


def plan_ensure(ctx: PlanContext, ensure: Ensuring) -> list[Edit]:
    """One trigger called ``ensure.name`` per selected project: created where missing,
    its state, filter and action merged in where it exists."""
    known_problems = len(ctx.problems)
    projects = lookups.projects_in(ctx, ensure.projects)
    resolved = ensure.resolve(ctx)
    if len(ctx.problems) > known_problems:
        return []
    total = len(ctx.documents("projects"))
    ctx.selected("project", len(projects), total, ensure.projects.whole_is_wide)
    made = [(project, ensure.intents(ctx, resolved, project)) for project in projects]
    if len(ctx.problems) > known_problems:
        return []
    return [trigger_edit(ctx, project, ensure.name, i) for project, i in made if i]


def trigger_edit(ctx: PlanContext, project: Project, name: str, made: tuple[Intent, ...]) -> Edit:
    label = f"{project.name} / {name}"
    existing = next(
        (
            t
            for t in ctx.documents("projecttriggers")
            if t.get("ProjectId") == project.id and str(t.get("Name")).lower() == name.lower()
        ),
        None,
    )
    if existing is not None:
        return Edit(TRIGGER, existing["Id"], label, existing, made)
    body = {
        "Name": name,
        "ProjectId": project.id,
        "SpaceId": ctx.client.space_id,
        "Description": "",
        "IsDisabled": False,
        "Filter": None,
        "Action": None,
    }
    create = Intent(
        intents.SET_FIELDS,
        {"fields": {"Name": name, "ProjectId": project.id}},
        f"create trigger {name!r}",
    )
    return Edit(TRIGGER, None, label, body, (create, *made), action="create")


def state_intent(enabled: bool, description: str | None) -> Intent:
    fields: Doc = {"IsDisabled": not enabled}
    if description is not None:
        fields["Description"] = description
    state = "enabled" if enabled else "disabled"
    return Intent(intents.SET_FIELDS, {"fields": fields}, state, f"already {state}")


def part_intent(field: str, values: Doc, summary: str, noop: str) -> Intent:
    """Merge ``values`` into the trigger's ``Filter`` or ``Action``."""
    type_field = "FilterType" if field == "Filter" else "ActionType"
    args = {"field": field, "type_field": type_field, "values": values}
    return Intent(intents.MERGE, args, summary, noop)
