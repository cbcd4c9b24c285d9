"""``octo.triggers``: project triggers, enabled or disabled in bulk, deleted, or one
ensured by name (scheduled, deployment target or feed).

Examples::

    octo.triggers.where(type="scheduled").disable()            # the freeze
    octo.triggers.where(group="Apps", name="Nightly").enable()
    octo.triggers.where(project="Web App").ensure(
        "Nightly to Test", cron="0 0 2 * * *", action="deploy-latest-release",
        source_environments=["Development"], environment="Test")
    octo.triggers.where(group="Web").ensure_deployment_target(
        "Deploy to new web servers", environments=["Production"], roles=["web"])
    octo.triggers.where(project="Web App").ensure_feed("New package", steps="Deploy")

``project`` takes project names or an ``octo.projects.where(…)`` selection, ``group``
project group names, ``type`` ``scheduled``, ``deployment-target`` or ``feed``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import attrs
from octoflow_plugins.triggers import intents
from octoflow_plugins.triggers.ensure import EnsureTrigger
from octoflow_plugins.triggers.feeds import EnsureFeedTrigger
from octoflow_plugins.triggers.kinds import TRIGGER, TYPES
from octoflow_plugins.triggers.targets import EnsureTargetTrigger

from octoflow.provider import (
    Edit,
    Intent,
    PlanContext,
    Selection,
    UsageError,
    Verb,
    as_names,
    clone,
    is_everything,
    lookups,
    unknown_name_message,
)

Doc = dict[str, Any]


@attrs.frozen
class SetDisabled(Verb):
    name: ClassVar[str] = "disable"
    disabled: bool = True

    def describe(self) -> str:
        return "disable()" if self.disabled else "enable()"

    def intent(self) -> Intent:
        word = "disabled" if self.disabled else "enabled"
        return Intent(
            intents.SET_FIELDS, {"fields": {"IsDisabled": self.disabled}}, word, f"already {word}"
        )


@attrs.frozen
class Delete(Verb):
    name: ClassVar[str] = "delete"


@attrs.frozen
class Triggers(Selection):
    collection: ClassVar[str] = "triggers"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {"project", "group", "name", "partial_name", "type"}
    )

    def where(self, predicate: Callable[[Any], bool] | None = None, **criteria: Any) -> Triggers:
        """Narrow the selection; ``type`` is checked here, names when planning."""
        if "type" in criteria and not is_everything(criteria["type"]):
            criteria["type"] = tuple(_type(t) for t in as_names(criteria["type"], "type"))
        return super().where(predicate, **criteria)

    # -- verbs -----------------------------------------------------------------

    def enable(self) -> Triggers:
        return self._with_verb(SetDisabled(False))

    def disable(self) -> Triggers:
        return self._with_verb(SetDisabled(True))

    def delete(self) -> Triggers:
        """Delete the selected triggers (cannot be combined with other verbs)."""
        if self.verbs:
            raise UsageError("triggers.delete() cannot follow other verbs")
        return self._with_verb(Delete())

    def ensure(
        self,
        name: str,
        cron: str,
        action: str,
        environment: str | None = None,
        source_environments: Iterable[str] | None = None,
        timezone: str = "UTC",
        description: str | None = None,
        enabled: bool = True,
    ) -> EnsureTrigger:
        """A scheduled trigger called ``name`` exists in every selected project, firing
        on ``cron`` (Octopus's six-field cron, ``0 0 2 * * *``) in ``timezone``.
        ``action``: ``deploy-latest-release`` (from ``source_environments`` to
        ``environment``) or ``deploy-new-release`` (to ``environment``)."""
        self._projects_only("ensure")
        return EnsureTrigger.make(
            self,
            name,
            cron,
            action,
            environment,
            source_environments,
            timezone,
            description,
            enabled,
        )

    def ensure_deployment_target(
        self,
        name: str,
        environments: Iterable[str] | str | None = None,
        roles: Iterable[str] | str | None = None,
        event_groups: Iterable[str] | str | None = None,
        event_categories: Iterable[str] | str | None = None,
        redeploy: bool = False,
        description: str | None = None,
        enabled: bool = True,
    ) -> EnsureTargetTrigger:
        """A deployment target trigger called ``name`` exists in every selected project:
        auto-deploy to targets of ``environments`` with ``roles`` (any when left out) on
        these events (``MachineAvailableForDeployment`` when none are given);
        ``redeploy`` also deploys to targets that already have the release."""
        self._projects_only("ensure_deployment_target")
        return EnsureTargetTrigger.make(
            self, name, environments, roles, event_groups, event_categories, redeploy,
            description, enabled,
        )  # fmt: skip

    def ensure_feed(
        self,
        name: str,
        steps: Iterable[str] | str,
        channel: str | None = None,
        description: str | None = None,
        enabled: bool = True,
    ) -> EnsureFeedTrigger:
        """An external feed trigger called ``name`` exists in every selected project:
        a new version of a package of ``steps`` creates a release (in ``channel``)."""
        self._projects_only("ensure_feed")
        return EnsureFeedTrigger.make(self, name, steps, channel, description, enabled)

    def _projects_only(self, verb: str) -> None:
        if (
            self.criteria_for("name")
            or self.criteria_for("partial_name")
            or self.criteria_for("type")
        ):
            raise UsageError(
                f"triggers.{verb}() names its trigger itself: select projects with "
                "where(project=…, group=…), not triggers"
            )

    # -- selecting -------------------------------------------------------------

    def select(self, ctx: PlanContext) -> list[Doc]:
        """The selected trigger documents (as listed; treat as read-only)."""
        projects = {p.id for p in lookups.projects_in(ctx, self)}
        triggers = [t for t in ctx.documents("projecttriggers") if t.get("ProjectId") in projects]
        for kinds in self.criteria_for("type"):
            filters = set().union(*(TYPES[k] for k in kinds))
            triggers = [t for t in triggers if (t.get("Filter") or {}).get("FilterType") in filters]
        for names in self.criteria_for("name"):
            triggers = lookups.documents_named(
                ctx, triggers, names, "trigger of the selected projects"
            )
        for part in self.criteria_for("partial_name"):
            text = str(part).strip().lower()
            triggers = [t for t in triggers if text in str(t.get("Name", "")).lower()]
        for predicate in self.criteria_for("predicate"):
            triggers = [t for t in triggers if predicate(clone(t))]
        return triggers

    # -- planning --------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        triggers = self.select(ctx)
        if len(ctx.problems) > known_problems:
            return []
        total = len(ctx.documents("projecttriggers"))
        ctx.selected("trigger", len(triggers), total, self.whole_is_wide)
        if any(isinstance(v, Delete) for v in self.verbs):
            return [
                Edit(
                    TRIGGER,
                    t["Id"],
                    label(ctx, t),
                    {},
                    (Intent("trigger.delete", {}, "delete"),),
                    "delete",
                )
                for t in triggers
            ]
        made = tuple(v.intent() for v in self.verbs if isinstance(v, SetDisabled))
        if not made:
            return []
        return [Edit(TRIGGER, t["Id"], label(ctx, t), t, made) for t in triggers]


def label(ctx: PlanContext, trigger: Doc) -> str:
    """``Web App / Nightly``: plans name a trigger with its project."""
    project = ctx.document("projects", str(trigger.get("ProjectId")))
    return f"{project.get('Name')} / {trigger.get('Name')}"


def _type(value: str) -> str:
    key = value.strip().lower()
    if key not in TYPES:
        raise UsageError(
            "triggers.where(type=…): " + unknown_name_message("trigger type", value, TYPES)
        )
    return key
