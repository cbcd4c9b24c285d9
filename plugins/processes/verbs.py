"""The verbs of ``steps`` selections: checked when called, turned into intents when planned.

Action verbs (container, worker pool, scoping, enable/disable, properties,
type) change the selected actions; step verbs (roles, run condition, start
trigger) change the steps holding them. Names (feeds, worker pools,
environments, channels, tags) are resolved at plan time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from octoflow_plugins.processes.definition import properties
from octoflow_plugins.processes.resolve import Names

from octoflow.dsl.selection import as_names
from octoflow.errors import UsageError
from octoflow.models import Channel
from octoflow.plan.model import Intent
from octoflow.registry import unknown_name_message

Doc = dict[str, Any]
Pairs = list[tuple[Doc, Doc]]
Maker = Callable[[Any, Pairs], list[Intent]]
S = TypeVar("S", bound="StepVerbs")
CONDITIONS = ("Success", "Failure", "Always", "Variable")
TRIGGERS = ("StartAfterPrevious", "StartWithPrevious")
EXPRESSION = "Octopus.Step.ConditionVariableExpression"


class StepVerbs:
    """Verb methods shared by ``Steps`` selections (a mixin for a Selection)."""

    _with_verb: Callable[..., Any]

    # -- actions -------------------------------------------------------------------

    def set_container(self: S, image: str, feed: str = "Docker Hub") -> S:
        """Run the actions in the container ``image`` from the container feed ``feed``."""
        if not isinstance(image, str) or not image.strip() or any(c.isspace() for c in image):
            raise UsageError(f"set_container(): {image!r} is not a container image name")
        return self._with_verb("set_container", image=image.strip(), feed=feed)

    def clear_container(self: S) -> S:
        """Run the actions directly on their worker again (no execution container)."""
        return self._with_verb("clear_container")

    def set_worker_pool(self: S, pool: str) -> S:
        """Run the actions on the worker pool ``pool`` (by name)."""
        return self._with_verb("set_worker_pool", pool=_name(pool, "set_worker_pool"))

    def set_worker_pool_variable(self: S, variable: str) -> S:
        """Take the worker pool from a project variable (a worker pool variable)."""
        return self._with_verb("set_worker_pool_variable", variable=_name(variable, "variable"))

    def set_environments(self: S, *environments: str) -> S:
        """Run the actions only in these environments."""
        environments = _names(environments, "set_environments")
        return self._with_verb("set_environments", environments=environments)

    def clear_environments(self: S) -> S:
        return self._with_verb("set_environments", environments=())

    def set_excluded_environments(self: S, *environments: str) -> S:
        """Skip the actions in these environments."""
        environments = _names(environments, "set_excluded_environments")
        return self._with_verb("set_excluded", environments=environments)

    def clear_excluded_environments(self: S) -> S:
        return self._with_verb("set_excluded", environments=())

    def set_channels(self: S, *channels: str) -> S:
        """Run the actions only for releases in these channels (names, per project)."""
        return self._with_verb("set_channels", channels=_names(channels, "set_channels"))

    def clear_channels(self: S) -> S:
        return self._with_verb("set_channels", channels=())

    def set_tenant_tags(self: S, *tags: str) -> S:
        """Run the actions only for tenants with these tags (canonical ``Set/Tag``)."""
        return self._with_verb("set_tenant_tags", tags=_names(tags, "set_tenant_tags"))

    def clear_tenant_tags(self: S) -> S:
        return self._with_verb("set_tenant_tags", tags=())

    def enable(self: S) -> S:
        return self._with_verb("enable")

    def disable(self: S) -> S:
        return self._with_verb("disable")

    def set_property(self: S, name: str, value: Any) -> S:
        """Set an action property (values become strings, as on the server)."""
        return self._with_verb("set_property", property=_name(name, "set_property"), value=value)

    def clear_property(self: S, name: str) -> S:
        return self._with_verb("clear_property", property=_name(name, "clear_property"))

    def change_type(
        self: S,
        action_type: str,
        rename: Mapping[str, str] | None = None,
        set: Mapping[str, Any] | None = None,  # noqa: A002 - mirrors the verb's meaning
        keep_unmapped: bool = True,
    ) -> S:
        """Make the actions another step type: properties in ``rename`` are renamed,
        those in ``set`` set, and (unless ``keep_unmapped``) all others dropped."""
        return self._with_verb(
            "change_type",
            action_type=_name(action_type, "change_type"),
            rename=tuple(sorted((rename or {}).items())),
            set=tuple(sorted(properties(set or {}).items())),
            keep_unmapped=bool(keep_unmapped),
        )

    def remove(self: S) -> S:
        """Remove the actions (and every step left without actions)."""
        return self._with_verb("remove")

    # -- steps ---------------------------------------------------------------------

    def add_roles(self: S, *roles: str) -> S:
        """Add target roles (target tags) to the steps."""
        return self._with_verb("add_roles", roles=_names(roles, "add_roles"))

    def remove_roles(self: S, *roles: str) -> S:
        return self._with_verb("remove_roles", roles=_names(roles, "remove_roles"))

    def set_roles(self: S, *roles: str) -> S:
        return self._with_verb("set_roles", roles=_names(roles, "set_roles"))

    def set_condition(self: S, condition: str, expression: str | None = None) -> S:
        """Run the steps on ``Success``, ``Failure``, ``Always`` or ``Variable`` (with
        ``expression``, e.g. ``#{Deploy.Enabled}``)."""
        found = _choice(condition, CONDITIONS, "set_condition")
        if (found == "Variable") != bool(expression):
            raise UsageError(
                "set_condition(): a Variable condition needs an expression, and only it takes one"
            )
        return self._with_verb("set_condition", condition=found, expression=expression)

    def set_start_trigger(self: S, trigger: str) -> S:
        """``StartAfterPrevious`` or ``StartWithPrevious`` (run in parallel)."""
        return self._with_verb(
            "set_start_trigger", trigger=_choice(trigger, TRIGGERS, "set_start_trigger")
        )

    # -- planning ------------------------------------------------------------------

    def intent_maker(self, names: Names, verb: str, args: dict[str, Any]) -> Maker:
        """``make(target, pairs)``: this verb's intents for one process's selected actions."""
        return getattr(self, f"_make_{verb}")(names, **args)  # type: ignore[no-any-return]

    def _make_set_container(self, names: Names, image: str, feed: str) -> Maker:
        found = names.container_feed(feed)
        if found is None:
            return _nothing
        merge = {"Container": {"Image": image, "FeedId": found.id}}
        return _actions(
            lambda who: (
                f"run {who} in {image} from {found.name}",
                f"{who} already run in {image}",
            ),
            merge=merge,
        )

    def _make_clear_container(self, names: Names) -> Maker:
        merge = {"Container": {"Image": None, "FeedId": None}}
        return _actions(
            lambda who: (f"run {who} outside a container", f"{who} use no container"), merge=merge
        )

    def _make_set_worker_pool(self, names: Names, pool: str) -> Maker:
        found = names.worker_pool(pool)
        if found is None:
            return _nothing
        names.ctx.label(found)
        fields = {"WorkerPoolId": found.id, "WorkerPoolVariable": None}
        return _actions(
            lambda who: (f"run {who} on {found.name}", f"{who} already on {found.name}"), set=fields
        )

    def _make_set_worker_pool_variable(self, names: Names, variable: str) -> Maker:
        fields = {"WorkerPoolId": None, "WorkerPoolVariable": variable}
        return _actions(
            lambda who: (f"take the worker pool of {who} from {variable}", f"{who} use {variable}"),
            set=fields,
        )

    def _make_set_environments(self, names: Names, environments: tuple[str, ...]) -> Maker:
        return self._scope(names, "Environments", environments, "environments")

    def _make_set_excluded(self, names: Names, environments: tuple[str, ...]) -> Maker:
        return self._scope(names, "ExcludedEnvironments", environments, "excluded environments")

    def _scope(self, names: Names, field: str, wanted: Iterable[str], what: str) -> Maker:
        ids = names.environments(wanted)
        shown = ", ".join(wanted) or "none"
        return _actions(
            lambda who: (f"{what} of {who}: {shown}", f"{what} already {shown}"), set={field: ids}
        )

    def _make_set_tenant_tags(self, names: Names, tags: Iterable[str]) -> Maker:
        canonical = names.tenant_tags(tags)
        shown = ", ".join(canonical) or "none"
        return _actions(
            lambda who: (f"tenant tags of {who}: {shown}", f"tenant tags already {shown}"),
            set={"TenantTags": canonical},
        )

    def _make_set_channels(self, names: Names, channels: tuple[str, ...]) -> Maker:
        """Channels are a project's own: projects without them are skipped and noted;
        a channel no selected project has is a problem (a typo, most likely)."""
        ctx = names.ctx
        shown = ", ".join(channels) or "none"
        missing: list[str] = []
        known: set[str] = set()

        def make(target: Any, pairs: Pairs) -> list[Intent]:
            own = [c for c in ctx.models("channels", Channel) if c.project_id == target.project.id]
            known.update(c.name for c in own)
            by_name = {c.name.lower(): c for c in own}
            found = [by_name.get(n.lower()) for n in channels]
            if None in found:
                missing.append(target.project.name)
                return []
            for channel in found:
                ctx.label(channel)  # type: ignore[arg-type]
            maker = _actions(
                lambda who: (f"channels of {who}: {shown}", f"channels already {shown}"),
                set={"Channels": [c.id for c in found if c]},
            )
            return maker(target, pairs)

        def finish() -> None:
            lowered = {k.lower() for k in known}
            unknown = [n for n in channels if n.lower() not in lowered]
            for name in unknown:
                ctx.problem(unknown_name_message("channel", name, sorted(known)))
            if missing and not unknown:
                ctx.note(
                    f"skips {len(missing)} project(s) without channel(s) {shown}: "
                    + listed(missing)
                )

        make.finish = finish  # type: ignore[attr-defined]
        return make

    def _make_enable(self, names: Names) -> Maker:
        return _actions(
            lambda who: (f"enable {who}", f"{who} enabled already"), set={"IsDisabled": False}
        )

    def _make_disable(self, names: Names) -> Maker:
        return _actions(
            lambda who: (f"disable {who}", f"{who} disabled already"), set={"IsDisabled": True}
        )

    def _make_set_property(self, names: Names, property: str, value: Any) -> Maker:  # noqa: A002
        text = properties({property: value})[property]
        return _actions(
            lambda who: (f"set {property} of {who}", f"{property} already so"),
            properties={property: text},
        )

    def _make_clear_property(self, names: Names, property: str) -> Maker:  # noqa: A002
        return _actions(
            lambda who: (f"clear {property} of {who}", f"{property} not set"),
            properties={property: None},
        )

    def _make_change_type(
        self,
        names: Names,
        action_type: str,
        rename: Any,
        set: Any,
        keep_unmapped: bool,  # noqa: A002
    ) -> Maker:
        args = {
            "action_type": action_type,
            "rename": dict(rename),
            "set": dict(set),
            "keep_unmapped": keep_unmapped,
        }
        return _actions(
            lambda who: (f"make {who} {action_type} steps", f"{who} already {action_type}"),
            intent="process.change_type",
            **args,
        )

    def _make_remove(self, names: Names) -> Maker:
        return _actions(
            lambda who: (f"remove {who}", f"{who} gone already"), intent="process.remove_actions"
        )

    def _make_add_roles(self, names: Names, roles: tuple[str, ...]) -> Maker:
        r = ", ".join(roles)
        return _steps(
            "process.add_roles",
            {"roles": list(roles)},
            lambda who: (f"add roles {r} to {who}", f"{who} have roles {r}"),
        )

    def _make_remove_roles(self, names: Names, roles: tuple[str, ...]) -> Maker:
        r = ", ".join(roles)
        return _steps(
            "process.remove_roles",
            {"roles": list(roles)},
            lambda who: (f"remove roles {r} from {who}", f"{who} lack roles {r}"),
        )

    def _make_set_roles(self, names: Names, roles: tuple[str, ...]) -> Maker:
        r = ", ".join(roles)
        return _steps(
            "process.set_roles",
            {"roles": list(roles)},
            lambda who: (f"set roles of {who} to {r}", f"{who} have roles {r}"),
        )

    def _make_set_condition(self, names: Names, condition: str, expression: str | None) -> Maker:
        shown = f"{condition} ({expression})" if expression else condition
        return _steps(
            "process.update_steps",
            {"set": {"Condition": condition}, "properties": {EXPRESSION: expression}},
            lambda who: (f"run {who} on {shown}", f"{who} run on {shown}"),
        )

    def _make_set_start_trigger(self, names: Names, trigger: str) -> Maker:
        return _steps(
            "process.update_steps",
            {"set": {"StartTrigger": trigger}},
            lambda who: (f"{who}: {trigger}", f"{who} {trigger} already"),
        )


# -- makers ---------------------------------------------------------------------------------


def _nothing(target: Any, pairs: Pairs) -> list[Intent]:
    return []


def listed(names: Iterable[str]) -> str:
    """``'A', 'B' and 3 more`` (plans stay readable with many actions)."""
    unique = list(dict.fromkeys(names))
    shown = ", ".join(repr(n) for n in unique[:3])
    return shown + (f" and {len(unique) - 3} more" if len(unique) > 3 else "")


def _actions(
    texts: Callable[[str], tuple[str, str]], intent: str = "process.update_actions", **args: Any
) -> Maker:
    def make(target: Any, pairs: Pairs) -> list[Intent]:
        who = listed(a["Name"] for _, a in pairs)
        summary, noop = texts(who)
        return [Intent(intent, {"action_ids": [a["Id"] for _, a in pairs], **args}, summary, noop)]

    return make


def _step_ids(pairs: Pairs) -> list[str]:
    return list(dict.fromkeys(s["Id"] for s, _ in pairs))


def _steps(intent: str, args: dict[str, Any], texts: Callable[[str], tuple[str, str]]) -> Maker:
    """A step-level intent for the steps holding the selected actions."""

    def make(target: Any, pairs: Pairs) -> list[Intent]:
        summary, noop = texts(listed(s["Name"] for s, _ in pairs))
        return [Intent(intent, {"step_ids": _step_ids(pairs), **args}, summary, noop)]

    return make


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
