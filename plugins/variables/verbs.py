"""The verbs of a variable set statement: ``set`` and ``remove`` one variable.

Each verb names a variable and its exact scope; ``intent(ctx, owner, scope,
document)`` says what it wants of the set once the scope is resolved
(``document``: the set as read while planning).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.variables import intents as edits
from octoflow_plugins.variables.resolve import Owner, Scope

from octoflow.provider import Intent, PlanContext, Verb

#: ``(("environments", ("Test", "Production")), ("targets", (<ensure>,)))``: the scope
#: as written, per DSL keyword (targets may be ``octo.targets.ensure(...)`` statements).
ScopeSpec = tuple[tuple[str, tuple[Any, ...]], ...]


@attrs.frozen
class VariableVerb(Verb):
    """``variable`` is the variable's name (``name`` is the verb's)."""

    variable: str
    scope: ScopeSpec

    def describe(self) -> str:
        """``set('Ops.Region', …, scope={'environments': ['Production']})``: values
        elided, ensured targets by name."""
        return f"{self.name}({', '.join(self.shown())})"

    def shown(self) -> list[str]:
        return [repr(self.variable)] + self._scope_shown()

    def _scope_shown(self) -> list[str]:
        if not self.scope:
            return []
        scope = {k: [getattr(i, "name", i) for i in items] for k, items in self.scope}
        return [f"scope={scope!r}"]

    def intent(
        self, ctx: PlanContext, owner: Owner, scope: Scope, document: dict[str, Any]
    ) -> Intent:
        """What this verb wants of the variable set (problems on ``ctx``)."""
        raise NotImplementedError


@attrs.frozen
class RemoveVariable(VariableVerb):
    name: ClassVar[str] = "remove"

    def intent(
        self, ctx: PlanContext, owner: Owner, scope: Scope, document: dict[str, Any]
    ) -> Intent:
        _label(ctx, owner, self.variable, scope, document)
        shown = f"{self.variable} {scope.text}"
        args = {"name": self.variable, "scope": scope.ids}
        return Intent("variable.remove", args, f"remove {shown}", f"no {shown} to remove")


@attrs.frozen
class SetVariable(VariableVerb):
    """A plain ``value``, or (``sensitive``) the value of ``$from_env`` read at apply time;
    an existing sensitive variable counts as set unless ``rotate``."""

    name: ClassVar[str] = "set"
    value: str | None = None
    sensitive: bool = False
    from_env: str | None = None
    rotate: bool = False
    description: str | None = None

    def shown(self) -> list[str]:
        parts = [repr(self.variable)] + (["…"] if self.value is not None else [])
        parts += self._scope_shown()
        if self.sensitive:
            parts.append(f"sensitive=True, from_env={self.from_env!r}")
            if self.rotate:
                parts.append("rotate=True")
        return parts

    def intent(
        self, ctx: PlanContext, owner: Owner, scope: Scope, document: dict[str, Any]
    ) -> Intent:
        existing, variable_id = _label(ctx, owner, self.variable, scope, document)
        name = self.variable
        args: dict[str, Any] = {"name": name, "scope": scope.ids, "id": variable_id}
        if self.description is not None:
            args["description"] = self.description
        if not self.sensitive:
            args["value"] = self.value
            summary = f"{name} = {self.value!r} {scope.text}"
            return Intent(
                "variable.set", args, summary, f"{name} already {self.value!r} {scope.text}"
            )
        return self._secret(ctx, existing, args, scope)

    def _secret(
        self, ctx: PlanContext, existing: dict[str, Any] | None, args: dict[str, Any], scope: Scope
    ) -> Intent:
        name, env = self.variable, str(self.from_env)
        is_set = existing is not None and bool(existing.get("IsSensitive"))
        if is_set and not self.rotate:
            args["sensitive"] = True
            shown = f"{name} {scope.text}"
            return Intent(
                "variable.set", args, f"{name} (sensitive) {scope.text}", f"{shown}: already set"
            )
        ctx.require_env(env, f"the value of the sensitive variable {name!r}")
        args["env"] = env
        summary = f"{name} (sensitive, read from ${env} at apply) {scope.text}"
        return Intent("variable.set_secret", args, summary)


def variable_id_for(set_id: str, name: str, scope: Mapping[str, Iterable[str]]) -> str:
    """A new variable's id: derived from the set, name and scope, so plans are stable."""
    canonical = {k: sorted(str(v).lower() for v in vs) for k, vs in scope.items() if vs}
    text = json.dumps([set_id, name.lower(), canonical], sort_keys=True)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "octoflow:variable:" + text))


def _label(
    ctx: PlanContext, owner: Owner, name: str, scope: Scope, document: dict[str, Any]
) -> tuple[dict[str, Any] | None, str]:
    """The variable as the set has it (if it does) and its id; plans show it by name."""
    existing = edits.find(document, name, scope.ids)
    variable_id = existing["Id"] if existing else variable_id_for(owner.set_id, name, scope.ids)
    ctx.labels[variable_id] = f"{name} {scope.text}"
    return existing, variable_id
