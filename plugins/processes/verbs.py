"""The verbs of ``steps`` selections: what to change about the selected actions.

Action verbs (container, worker pool, scoping, enable/disable, properties,
type) change the selected actions; step verbs (roles, run condition, start
trigger) change the steps holding them. ``per_process(names)`` runs once per
statement and resolves names (feeds, worker pools, environments, tags); what
it returns makes the intents for one process's selected actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import attrs
from octoflow_plugins.processes.definition import properties
from octoflow_plugins.processes.perprocess import PerProcess, Seen, listed
from octoflow_plugins.processes.planner import ProcessToEdit
from octoflow_plugins.processes.resolve import Names

from octoflow.provider import Channel, Intent, Verb, unknown_name_message

Doc = dict[str, Any]
#: The selected actions of one process, each with the step holding it.
Pairs = list[tuple[Doc, Doc]]
#: One process and its selected actions → the intents a verb wants in it.
MakeForActions = Callable[[ProcessToEdit, Pairs], list[Intent]]
PerActions = PerProcess[MakeForActions]
#: Summary and no-op reason of an intent, given the actions or steps it changes.
Texts = Callable[[str], tuple[str, str]]
EXPRESSION = "Octopus.Step.ConditionVariableExpression"


@attrs.frozen
class StepsVerb(Verb):
    def per_process(self, names: Names) -> PerActions:
        """Resolve names (problems on ``names.ctx``); the intents for each process."""
        raise NotImplementedError


# -- actions --------------------------------------------------------------------------------


@attrs.frozen
class SetContainer(StepsVerb):
    name: ClassVar[str] = "set_container"
    image: str
    feed: str

    def per_process(self, names: Names) -> PerActions:
        found = names.container_feed(self.feed)
        if found is None:
            return PerProcess(_nothing)
        image = self.image
        return _actions(
            lambda who: (
                f"run {who} in {image} from {found.name}",
                f"{who} already run in {image}",
            ),
            merge={"Container": {"Image": image, "FeedId": found.id}},
        )


@attrs.frozen
class ClearContainer(StepsVerb):
    name: ClassVar[str] = "clear_container"

    def per_process(self, names: Names) -> PerActions:
        return _actions(
            lambda who: (f"run {who} outside a container", f"{who} use no container"),
            merge={"Container": {"Image": None, "FeedId": None}},
        )


@attrs.frozen
class SetWorkerPool(StepsVerb):
    name: ClassVar[str] = "set_worker_pool"
    pool: str

    def per_process(self, names: Names) -> PerActions:
        found = names.worker_pool(self.pool)
        if found is None:
            return PerProcess(_nothing)
        names.ctx.label(found)
        return _actions(
            lambda who: (f"run {who} on {found.name}", f"{who} already on {found.name}"),
            set={"WorkerPoolId": found.id, "WorkerPoolVariable": None},
        )


@attrs.frozen
class SetWorkerPoolVariable(StepsVerb):
    name: ClassVar[str] = "set_worker_pool_variable"
    variable: str

    def per_process(self, names: Names) -> PerActions:
        variable = self.variable
        return _actions(
            lambda who: (f"take the worker pool of {who} from {variable}", f"{who} use {variable}"),
            set={"WorkerPoolId": None, "WorkerPoolVariable": variable},
        )


@attrs.frozen
class SetEnvironments(StepsVerb):
    """No environments: every environment."""

    name: ClassVar[str] = "set_environments"
    environments: tuple[str, ...]

    def per_process(self, names: Names) -> PerActions:
        return _scope(names, "Environments", self.environments, "environments")


@attrs.frozen
class SetExcludedEnvironments(StepsVerb):
    name: ClassVar[str] = "set_excluded"
    environments: tuple[str, ...]

    def per_process(self, names: Names) -> PerActions:
        return _scope(names, "ExcludedEnvironments", self.environments, "excluded environments")


@attrs.frozen
class SetTenantTags(StepsVerb):
    name: ClassVar[str] = "set_tenant_tags"
    tags: tuple[str, ...]

    def per_process(self, names: Names) -> PerActions:
        canonical = names.tenant_tags(self.tags)
        shown = ", ".join(canonical) or "none"
        return _actions(
            lambda who: (f"tenant tags of {who}: {shown}", f"tenant tags already {shown}"),
            set={"TenantTags": canonical},
        )


@attrs.frozen
class SetChannels(StepsVerb):
    """Channels are a project's own: projects without them are skipped and noted;
    a channel no selected project has is a problem (a typo, most likely)."""

    name: ClassVar[str] = "set_channels"
    channels: tuple[str, ...]

    def per_process(self, names: Names) -> PerActions:
        ctx, channels = names.ctx, self.channels
        shown = ", ".join(channels) or "none"
        missing: list[str] = []
        known: set[str] = set()

        def make(process: ProcessToEdit, pairs: Pairs) -> list[Intent]:
            project = process.project
            own = [c for c in ctx.models("channels", Channel) if c.project_id == project.id]
            known.update(c.name for c in own)
            by_name = {c.name.lower(): c for c in own}
            found = [by_name[n.lower()] for n in channels if n.lower() in by_name]
            if len(found) < len(channels):
                missing.append(project.name)
                return []
            for channel in found:
                ctx.label(channel)
            return _actions(
                lambda who: (f"channels of {who}: {shown}", f"channels already {shown}"),
                set={"Channels": [c.id for c in found]},
            ).make(process, pairs)

        def finish(seen: Seen) -> None:
            lowered = {k.lower() for k in known}
            unknown = [n for n in channels if n.lower() not in lowered]
            for name in unknown:
                ctx.problem(unknown_name_message("channel", name, sorted(known)))
            if missing and not unknown:
                ctx.note(
                    f"skips {len(missing)} project(s) without channel(s) {shown}: "
                    + listed(missing)
                )

        return PerProcess(make, finish)


@attrs.frozen
class Enable(StepsVerb):
    name: ClassVar[str] = "enable"

    def per_process(self, names: Names) -> PerActions:
        return _actions(
            lambda who: (f"enable {who}", f"{who} enabled already"), set={"IsDisabled": False}
        )


@attrs.frozen
class Disable(StepsVerb):
    name: ClassVar[str] = "disable"

    def per_process(self, names: Names) -> PerActions:
        return _actions(
            lambda who: (f"disable {who}", f"{who} disabled already"), set={"IsDisabled": True}
        )


@attrs.frozen
class SetProperty(StepsVerb):
    name: ClassVar[str] = "set_property"
    property: str
    value: Any

    def per_process(self, names: Names) -> PerActions:
        key = self.property
        return _actions(
            lambda who: (f"set {key} of {who}", f"{key} already so"),
            properties=properties({key: self.value}),
        )


@attrs.frozen
class ClearProperty(StepsVerb):
    name: ClassVar[str] = "clear_property"
    property: str

    def per_process(self, names: Names) -> PerActions:
        key = self.property
        return _actions(
            lambda who: (f"clear {key} of {who}", f"{key} not set"), properties={key: None}
        )


@attrs.frozen
class ChangeType(StepsVerb):
    """Properties in ``rename`` are renamed, those in ``set`` set and (unless
    ``keep_unmapped``) all others dropped."""

    name: ClassVar[str] = "change_type"
    action_type: str
    rename: tuple[tuple[str, str], ...]
    set: tuple[tuple[str, Any], ...]
    keep_unmapped: bool

    def per_process(self, names: Names) -> PerActions:
        action_type = self.action_type
        return _actions(
            lambda who: (f"make {who} {action_type} steps", f"{who} already {action_type}"),
            intent="process.change_type",
            action_type=action_type,
            rename=dict(self.rename),
            set=dict(self.set),
            keep_unmapped=self.keep_unmapped,
        )


@attrs.frozen
class Remove(StepsVerb):
    """Steps left without actions go too."""

    name: ClassVar[str] = "remove"

    def per_process(self, names: Names) -> PerActions:
        return _actions(
            lambda who: (f"remove {who}", f"{who} gone already"), intent="process.remove_actions"
        )


# -- steps ----------------------------------------------------------------------------------


@attrs.frozen
class AddRoles(StepsVerb):
    name: ClassVar[str] = "add_roles"
    roles: tuple[str, ...]

    def per_process(self, names: Names) -> PerActions:
        r = ", ".join(self.roles)
        return _steps(
            "process.add_roles",
            {"roles": list(self.roles)},
            lambda who: (f"add roles {r} to {who}", f"{who} have roles {r}"),
        )


@attrs.frozen
class RemoveRoles(StepsVerb):
    name: ClassVar[str] = "remove_roles"
    roles: tuple[str, ...]

    def per_process(self, names: Names) -> PerActions:
        r = ", ".join(self.roles)
        return _steps(
            "process.remove_roles",
            {"roles": list(self.roles)},
            lambda who: (f"remove roles {r} from {who}", f"{who} lack roles {r}"),
        )


@attrs.frozen
class SetRoles(StepsVerb):
    name: ClassVar[str] = "set_roles"
    roles: tuple[str, ...]

    def per_process(self, names: Names) -> PerActions:
        r = ", ".join(self.roles)
        return _steps(
            "process.set_roles",
            {"roles": list(self.roles)},
            lambda who: (f"set roles of {who} to {r}", f"{who} have roles {r}"),
        )


@attrs.frozen
class SetCondition(StepsVerb):
    """``expression`` only with the ``Variable`` condition."""

    name: ClassVar[str] = "set_condition"
    condition: str
    expression: str | None

    def per_process(self, names: Names) -> PerActions:
        condition, expression = self.condition, self.expression
        shown = f"{condition} ({expression})" if expression else condition
        return _steps(
            "process.update_steps",
            {"set": {"Condition": condition}, "properties": {EXPRESSION: expression}},
            lambda who: (f"run {who} on {shown}", f"{who} run on {shown}"),
        )


@attrs.frozen
class SetStartTrigger(StepsVerb):
    name: ClassVar[str] = "set_start_trigger"
    trigger: str

    def per_process(self, names: Names) -> PerActions:
        trigger = self.trigger
        return _steps(
            "process.update_steps",
            {"set": {"StartTrigger": trigger}},
            lambda who: (f"{who}: {trigger}", f"{who} {trigger} already"),
        )


# -- intents ---------------------------------------------------------------------------------


def _nothing(process: ProcessToEdit, pairs: Pairs) -> list[Intent]:
    return []


def _actions(texts: Texts, intent: str = "process.update_actions", **args: Any) -> PerActions:
    """An action-level intent for the selected actions."""

    def make(process: ProcessToEdit, pairs: Pairs) -> list[Intent]:
        summary, noop = texts(listed(a["Name"] for _, a in pairs))
        return [Intent(intent, {"action_ids": [a["Id"] for _, a in pairs], **args}, summary, noop)]

    return PerProcess(make)


def _steps(intent: str, args: dict[str, Any], texts: Texts) -> PerActions:
    """A step-level intent for the steps holding the selected actions."""

    def make(process: ProcessToEdit, pairs: Pairs) -> list[Intent]:
        summary, noop = texts(listed(s["Name"] for s, _ in pairs))
        step_ids = list(dict.fromkeys(s["Id"] for s, _ in pairs))
        return [Intent(intent, {"step_ids": step_ids, **args}, summary, noop)]

    return PerProcess(make)


def _scope(names: Names, field: str, wanted: tuple[str, ...], what: str) -> PerActions:
    ids = names.environments(wanted)
    shown = ", ".join(wanted) or "none"
    return _actions(
        lambda who: (f"{what} of {who}: {shown}", f"{what} already {shown}"), set={field: ids}
    )
