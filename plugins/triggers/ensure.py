"""``octo.triggers.where(…).ensure(name, cron=…, action=…)``: a scheduled trigger by that
name in every selected project, created where missing and brought in line where it
exists (its filter becomes the cron schedule, its action the one given).

UNCONFIRMED: that Octopus accepts a six-field cron expression (seconds first) as the
sandbox does; the reference names the ``CronExpressionSchedule`` filter and its
``CronExpression`` field only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
        known_problems = len(ctx.problems)
        projects = lookups.projects_in(ctx, self.projects)
        action = self._action(ctx)
        if len(ctx.problems) > known_problems:
            return []
        ctx.selected("project", len(projects), len(ctx.documents("projects")))
        made = self._intents(action)
        return [self._edit(ctx, project, made) for project in projects]

    def _edit(self, ctx: PlanContext, project: Project, made: tuple[Intent, ...]) -> Edit:
        label = f"{project.name} / {self.name}"
        existing = next(
            (
                t
                for t in ctx.documents("projecttriggers")
                if t.get("ProjectId") == project.id
                and str(t.get("Name")).lower() == self.name.lower()
            ),
            None,
        )
        if existing is not None:
            return Edit(TRIGGER, existing["Id"], label, existing, made)
        body = {
            "Name": self.name,
            "ProjectId": project.id,
            "SpaceId": ctx.client.space_id,
            "Description": "",
            "IsDisabled": False,
            "Filter": None,
            "Action": None,
        }
        create = Intent(
            intents.SET_FIELDS,
            {"fields": {"Name": self.name, "ProjectId": project.id}},
            f"create trigger {self.name!r}",
        )
        return Edit(TRIGGER, None, label, body, (create, *made), action="create")

    def _action(self, ctx: PlanContext) -> Doc:
        destination = lookups.environment_ids(ctx, [self.environment])
        if self.action == "deploy-new-release":
            return {"ActionType": "DeployNewRelease", "EnvironmentId": _one(destination)}
        return {
            "ActionType": "DeployLatestRelease",
            "SourceEnvironmentIds": lookups.environment_ids(ctx, self.source_environments),
            "DestinationEnvironmentId": _one(destination),
        }

    def _intents(self, action: Doc) -> tuple[Intent, ...]:
        schedule = {
            "FilterType": "CronExpressionSchedule",
            "CronExpression": self.cron,
            "Timezone": self.timezone,
        }
        fields: Doc = {"IsDisabled": not self.enabled}
        if self.description is not None:
            fields["Description"] = self.description
        state = "enabled" if self.enabled else "disabled"
        return (
            Intent(intents.SET_FIELDS, {"fields": fields}, state, f"already {state}"),
            Intent(
                intents.MERGE,
                {"field": "Filter", "type_field": "FilterType", "values": schedule},
                f"schedule: cron {self.cron} ({self.timezone})",
                "schedule already as given",
            ),
            Intent(
                intents.MERGE,
                {"field": "Action", "type_field": "ActionType", "values": action},
                f"action: {self.action} to {self.environment}",
                "action already as given",
            ),
        )


def _one(ids: list[str]) -> str | None:
    return ids[0] if ids else None
