"""``octo.triggers.where(…).ensure_deployment_target(name, …)``: a deployment target
trigger (auto-deploy) by that name in every selected project.

Its filter is a ``MachineFilter`` (environments, roles, event groups and categories;
empty lists mean any) and its action ``AutoDeploy``. Without events it fires when a
target becomes available for deployment, the group Octopus's documentation advises.

The event identifiers are Octopus's (the groups from the Terraform provider's examples,
the categories from its validation list); UNCONFIRMED that a server accepts no others.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from octoflow_plugins.triggers.ensure import part_intent, plan_ensure, state_intent

from octoflow.provider import (
    Edit,
    Intent,
    PlanContext,
    Project,
    Selection,
    UsageError,
    lookups,
    optional_names,
    unknown_name_message,
)

Doc = dict[str, Any]
EVENT_GROUPS = (
    "Machine",
    "MachineCritical",
    "MachineAvailableForDeployment",
    "MachineUnavailableForDeployment",
    "MachineHealthChanged",
)
EVENT_CATEGORIES = (
    "MachineAdded",
    "MachineCleanupFailed",
    "MachineDeploymentRelatedPropertyWasUpdated",
    "MachineDisabled",
    "MachineEnabled",
    "MachineHealthy",
    "MachineUnavailable",
    "MachineUnhealthy",
    "MachineHasWarnings",
)
DEFAULT_GROUP = "MachineAvailableForDeployment"


@attrs.frozen
class EnsureTargetTrigger:
    """One trigger per selected project (see :class:`~.ensure.EnsureTrigger`)."""

    projects: Selection
    name: str
    environments: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    event_groups: tuple[str, ...] = ()
    event_categories: tuple[str, ...] = ()
    redeploy: bool = False
    description: str | None = None
    enabled: bool = True

    @classmethod
    def make(
        cls,
        projects: Selection,
        name: str,
        environments: Iterable[str] | str | None,
        roles: Iterable[str] | str | None,
        event_groups: Iterable[str] | str | None,
        event_categories: Iterable[str] | str | None,
        redeploy: bool,
        description: str | None,
        enabled: bool,
    ) -> EnsureTargetTrigger:
        """Check the arguments at the call site (bad ones are a UsageError)."""
        if not isinstance(name, str) or not name.strip():
            raise UsageError("triggers.ensure_deployment_target() needs name= (non-empty text)")
        for what, value in (("redeploy", redeploy), ("enabled", enabled)):
            if not isinstance(value, bool):
                raise UsageError(f"triggers.ensure_deployment_target({what}=…) takes True or False")
        groups = _known(event_groups, EVENT_GROUPS, "event group")
        categories = _known(event_categories, EVENT_CATEGORIES, "event category")
        return cls(
            projects,
            name.strip(),
            _names(environments, "environments"),
            _names(roles, "roles"),
            groups if groups or categories else (DEFAULT_GROUP,),
            categories,
            redeploy,
            description,
            enabled,
        )

    def describe(self) -> str:
        return f"{self.projects.describe()}.ensure_deployment_target({self.name!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        return plan_ensure(ctx, self)

    def resolve(self, ctx: PlanContext) -> Doc:
        """The filter, with environment ids and roles as the targets spell them."""
        return {
            "FilterType": "MachineFilter",
            "EnvironmentIds": lookups.environment_ids(ctx, self.environments)
            if self.environments
            else [],
            "Roles": lookups.existing_roles(ctx, self.roles),
            "EventGroups": list(self.event_groups),
            "EventCategories": list(self.event_categories),
        }

    def intents(self, ctx: PlanContext, machines: Doc, project: Project) -> tuple[Intent, ...]:
        action = {"ActionType": "AutoDeploy", "ShouldRedeployWhenMachineHasBeenDeployedTo":
                  self.redeploy}  # fmt: skip
        return (
            state_intent(self.enabled, self.description),
            part_intent("Filter", machines, self._shown(ctx, machines), "filter already as given"),
            part_intent("Action", action, "action: auto-deploy" + (" (redeploy)" if self.redeploy
                        else ""), "action already as given"),
        )  # fmt: skip

    def _shown(self, ctx: PlanContext, machines: Doc) -> str:
        events = [*self.event_groups, *self.event_categories]
        where = lookups.labels(ctx, machines["EnvironmentIds"]) or "any environment"
        roles = ", ".join(machines["Roles"]) or "any role"
        return f"on {', '.join(events)} of targets in {where} with {roles}"


def _names(value: Iterable[str] | str | None, what: str) -> tuple[str, ...]:
    return optional_names(value, f"triggers.ensure_deployment_target({what}=…)", f"any {what}")


def _known(value: Iterable[str] | str | None, known: tuple[str, ...], what: str) -> tuple[str, ...]:
    """The names as Octopus spells them (any case given); a UsageError for another."""
    spelled = {k.lower(): k for k in known}
    out = []
    for name in _names(value, what.replace(" ", "_").replace("y", "ie") + "s"):
        if name.lower() not in spelled:
            raise UsageError(
                "triggers.ensure_deployment_target(): " + unknown_name_message(what, name, known)
            )
        out.append(spelled[name.lower()])
    return tuple(dict.fromkeys(out))
