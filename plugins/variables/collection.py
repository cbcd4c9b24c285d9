"""``octo.variables``: the variables of a project or of a library variable set.

Examples::

    ops = octo.variables.project("Ops Dashboard")
    ops.set("Ops.Region", "eu-west-1", scope={"environments": ["Production"]})
    ops.set("Ops.Token", sensitive=True, from_env="OPS_TOKEN", scope={"roles": "web"})
    octo.variables.library("Customer Settings").remove("Support.Pager")

A variable is its name together with its exact scope: ``set`` with the same
name and scope changes that variable in place (never adds a second one), and
``remove`` removes only that one. Every statement on one set is written in a
single ``PUT``. A sensitive value never goes into a plan: ``from_env`` names the
environment variable apply reads it from, right before the write. A sensitive
variable that exists (same name and scope) counts as set; ``rotate=True``
sends the value again.
"""

from __future__ import annotations

import json
import os
import re
import uuid
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from octoflow_plugins.targets.ensure import EnsureTarget
from octoflow_plugins.variables import intents as edits
from octoflow_plugins.variables import resolve
from octoflow_plugins.variables.kinds import VARIABLE_SET

from octoflow.dsl.selection import NamedVerb, as_names
from octoflow.errors import UsageError
from octoflow.plan.compiler import Edit
from octoflow.plan.context import PlanContext
from octoflow.plan.model import Intent
from octoflow.registry import unknown_name_message

Doc = dict[str, Any]
ScopeSpec = tuple[tuple[str, tuple[Any, ...]], ...]
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOCUMENTS: weakref.WeakKeyDictionary[PlanContext, dict[str, Doc]] = weakref.WeakKeyDictionary()


@attrs.frozen
class Variables:
    """``octo.variables``: pick a variable set, then chain ``set`` and ``remove``."""

    def project(self, name: str) -> VariableSetEdits:
        """The variables of the project named (or with id) ``name``."""
        return VariableSetEdits("project", _required_name(name, "project"))

    def library(self, name: str) -> VariableSetEdits:
        """The variables of the library variable set named (or with id) ``name``."""
        return VariableSetEdits("library", _required_name(name, "library"))


@attrs.frozen
class VariableSetEdits:
    """Changes to one variable set; immutable, every verb returns a new statement."""

    kind: str
    owner: str
    verbs: tuple[NamedVerb, ...] = ()

    def set(
        self,
        name: str,
        value: Any = None,
        *,
        scope: Mapping[str, Any] | None = None,
        sensitive: bool = False,
        from_env: str | None = None,
        rotate: bool = False,
        description: str | None = None,
    ) -> VariableSetEdits:
        """The variable ``name`` with exactly ``scope`` has ``value`` (or, when
        ``sensitive``, the value of ``$from_env`` read at apply time).

        :param scope: ``environments``, ``roles``, ``targets`` (names, or a
            ``octo.targets.ensure(...)`` of the same plan), ``tenants``,
            ``tenant_tags``, ``channels`` (project sets only); none: unscoped.
        :param rotate: send a sensitive value again even though the variable exists.
        """
        name = _required_name(name, "set")
        args: dict[str, Any] = {"name": name, "scope": _scope_spec(scope, "set")}
        if sensitive:
            if value is not None:
                raise UsageError(
                    f"variables.set({name!r}): a sensitive value never goes into a plan; "
                    "leave value out and name the environment variable holding it with "
                    "from_env='NAME'"
                )
            if not isinstance(from_env, str) or not _ENV_NAME.match(from_env):
                raise UsageError(
                    f"variables.set({name!r}, sensitive=True) needs from_env: the name of the "
                    f"environment variable apply reads the value from, not {from_env!r}"
                )
            args.update(sensitive=True, from_env=from_env, rotate=bool(rotate))
        else:
            if from_env is not None or rotate:
                raise UsageError(
                    f"variables.set({name!r}): from_env and rotate are for sensitive values; "
                    "add sensitive=True"
                )
            if value is None or isinstance(value, (dict, list, tuple, set)):
                raise UsageError(f"variables.set({name!r}) needs a value (text), not {value!r}")
            args["value"] = str(value)
        if description is not None:
            args["description"] = str(description)
        return attrs.evolve(self, verbs=self.verbs + (NamedVerb("set", args),))

    def remove(self, name: str, scope: Mapping[str, Any] | None = None) -> VariableSetEdits:
        """Remove the variable ``name`` with exactly ``scope`` (none: the unscoped one)."""
        name = _required_name(name, "remove")
        spec = _scope_spec(scope, "remove")
        return attrs.evolve(
            self, verbs=self.verbs + (NamedVerb("remove", {"name": name, "scope": spec}),)
        )

    def describe(self) -> str:
        return f"variables.{self.kind}({self.owner!r})" + "".join(
            f".{v.name}({_shown_args(v.args)})" for v in self.verbs
        )

    # -- planning -----------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        owner = resolve.owner(ctx, self.kind, self.owner)
        scopes = [resolve.scope(ctx, owner, verb.args["scope"]) for verb in self.verbs]
        if owner is None or len(ctx.problems) > known_problems:
            return []
        document = _document(ctx, owner.set_id)
        intents: list[Intent] = []
        for verb, scope in zip(self.verbs, scopes, strict=True):
            intents.append(_intent(ctx, owner, verb, scope, document))
        if len(ctx.problems) > known_problems or not intents:
            return []
        after = tuple(dict.fromkeys(key for scope in scopes for key in scope.after))
        return [Edit(VARIABLE_SET, owner.set_id, owner.name, document, tuple(intents), after=after)]


def _intent(
    ctx: PlanContext, owner: resolve.Owner, verb: NamedVerb, scope: resolve.Scope, document: Doc
) -> Intent:
    name = verb.args["name"]
    existing = edits.find(document, name, scope.ids)
    variable_id = existing["Id"] if existing else variable_id_for(owner.set_id, name, scope.ids)
    ctx.labels[variable_id] = f"{name} {scope.text}"
    shown = f"{name} {scope.text}"
    if verb.name == "remove":
        args = {"name": name, "scope": scope.ids}
        return Intent("variable.remove", args, f"remove {shown}", f"no {shown} to remove")
    args = {"name": name, "scope": scope.ids, "id": variable_id}
    if "description" in verb.args:
        args["description"] = verb.args["description"]
    if not verb.args.get("sensitive"):
        value = verb.args["value"]
        args["value"] = value
        summary = f"{name} = {value!r} {scope.text}"
        return Intent("variable.set", args, summary, f"{name} already {value!r} {scope.text}")
    env = verb.args["from_env"]
    is_set = existing is not None and bool(existing.get("IsSensitive"))
    if is_set and not verb.args["rotate"]:
        args["sensitive"] = True
        return Intent(
            "variable.set", args, f"{name} (sensitive) {scope.text}", f"{shown}: already set"
        )
    if not os.environ.get(env):
        ctx.problem(
            f"${env} is not set: it must hold the value of the sensitive variable {name!r}",
            "set it in the environment octoflow runs in; apply reads it right before "
            "writing, and it is never shown or saved",
        )
    args["env"] = env
    summary = f"{name} (sensitive, read from ${env} at apply) {scope.text}"
    return Intent("variable.set_secret", args, summary)


def variable_id_for(set_id: str, name: str, scope: Mapping[str, Iterable[str]]) -> str:
    """A new variable's id: derived from the set, name and scope, so plans are stable."""
    canonical = {k: sorted(str(v).lower() for v in vs) for k, vs in scope.items() if vs}
    text = json.dumps([set_id, name.lower(), canonical], sort_keys=True)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "octoflow:variable:" + text))


def _document(ctx: PlanContext, set_id: str) -> Doc:
    """The variable set as read while planning, once per plan however many statements."""
    cache = _DOCUMENTS.setdefault(ctx, {})
    if set_id not in cache:
        cache[set_id] = ctx.get(f"variables/{set_id}")
    return cache[set_id]


def _required_name(name: Any, where: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise UsageError(f"variables.{where}() needs a name, not {name!r}")
    return name.strip()


def _scope_spec(scope: Mapping[str, Any] | None, where: str) -> ScopeSpec:
    """``{"environments": "Test, Production"}`` → ``(("environments", ("Test", "Production")),)``
    (targets may be ``octo.targets.ensure(...)`` statements)."""
    if scope is None:
        return ()
    if not isinstance(scope, Mapping):
        raise UsageError(f"variables.{where}(scope=...) must be a dict such as "
                         "{'environments': ['Test']}")  # fmt: skip
    spec = []
    for keyword, items in scope.items():
        if keyword not in resolve.SCOPES:
            raise UsageError(
                f"variables.{where}(scope=...): "
                + unknown_name_message("scope keyword", str(keyword), resolve.SCOPES)
            )
        values = _scope_items(keyword, items)
        if values:
            spec.append((keyword, values))
    return tuple(spec)


def _scope_items(keyword: str, items: Any) -> tuple[Any, ...]:
    if isinstance(items, EnsureTarget):
        items = [items]
    if isinstance(items, str) or items is None:
        return as_names(items, keyword)
    out: list[Any] = []
    for item in items:
        if isinstance(item, EnsureTarget):
            if keyword != "targets":
                raise UsageError(f"a targets.ensure(...) can only go in the scope's targets, "
                                 f"not in {keyword}")  # fmt: skip
            out.append(item)
        else:
            out.extend(as_names(str(item), keyword))
    return tuple(out)


def _shown_args(args: Mapping[str, Any]) -> str:
    """A verb's arguments for plans and problems: values elided, ensures by name."""
    parts = [repr(args["name"])]
    if "value" in args:
        parts.append("…")
    if args["scope"]:
        scope = {k: [getattr(i, "name", i) for i in items] for k, items in args["scope"]}
        parts.append(f"scope={scope!r}")
    if args.get("sensitive"):
        parts.append(f"sensitive=True, from_env={args['from_env']!r}")
        if args.get("rotate"):
            parts.append("rotate=True")
    return ", ".join(parts)
