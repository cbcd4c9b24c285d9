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

import weakref
from collections.abc import Mapping
from typing import Any

import attrs
from octoflow_plugins.variables import resolve
from octoflow_plugins.variables.kinds import VARIABLE_SET
from octoflow_plugins.variables.verbs import (
    RemoveVariable,
    ScopeSpec,
    SetVariable,
    VariableVerb,
)

from octoflow.provider import (
    Edit,
    Ensure,
    Intent,
    PlanContext,
    UsageError,
    as_names,
    is_env_name,
    unknown_name_message,
)

Doc = dict[str, Any]
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
    verbs: tuple[VariableVerb, ...] = ()

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
        spec = _scope_spec(scope, "set")
        text = None if description is None else str(description)
        if sensitive:
            if value is not None:
                raise UsageError(
                    f"variables.set({name!r}): a sensitive value never goes into a plan; "
                    "leave value out and name the environment variable holding it with "
                    "from_env='NAME'"
                )
            if not is_env_name(from_env):
                raise UsageError(
                    f"variables.set({name!r}, sensitive=True) needs from_env: the name of the "
                    f"environment variable apply reads the value from, not {from_env!r}"
                )
            verb = SetVariable(name, spec, None, True, from_env, bool(rotate), text)
        else:
            if from_env is not None or rotate:
                raise UsageError(
                    f"variables.set({name!r}): from_env and rotate are for sensitive values; "
                    "add sensitive=True"
                )
            if value is None or isinstance(value, (dict, list, tuple, set)):
                raise UsageError(f"variables.set({name!r}) needs a value (text), not {value!r}")
            verb = SetVariable(name, spec, str(value), description=text)
        return attrs.evolve(self, verbs=self.verbs + (verb,))

    def remove(self, name: str, scope: Mapping[str, Any] | None = None) -> VariableSetEdits:
        """Remove the variable ``name`` with exactly ``scope`` (none: the unscoped one)."""
        verb = RemoveVariable(_required_name(name, "remove"), _scope_spec(scope, "remove"))
        return attrs.evolve(self, verbs=self.verbs + (verb,))

    def describe(self) -> str:
        return f"variables.{self.kind}({self.owner!r})" + "".join(
            f".{v.describe()}" for v in self.verbs
        )

    # -- planning -----------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        owner = resolve.owner(ctx, self.kind, self.owner)
        scopes = [resolve.scope(ctx, owner, verb.scope) for verb in self.verbs]
        if owner is None or len(ctx.problems) > known_problems:
            return []
        if self._text_in_git(ctx, owner):
            return []
        document = _document(ctx, owner.set_id)
        intents: list[Intent] = []
        for verb, scope in zip(self.verbs, scopes, strict=True):
            intents.append(verb.intent(ctx, owner, scope, document))
        if len(ctx.problems) > known_problems or not intents:
            return []
        after = tuple(dict.fromkeys(key for scope in scopes for key in scope.after))
        return [Edit(VARIABLE_SET, owner.set_id, owner.name, document, tuple(intents), after=after)]

    def _text_in_git(self, ctx: PlanContext, owner: resolve.Owner) -> bool:
        """A problem when a version-controlled project keeps its text variables in Git
        (``ConversionState.VariablesAreInGit``) and a verb edits one: the server takes
        them only as a commit. Sensitive values stay in the database and are set as
        usual."""
        if owner.kind != "project":
            return False
        project = ctx.document("projects", owner.id)
        settings = project.get("PersistenceSettings") or {}
        in_git = bool((settings.get("ConversionState") or {}).get("VariablesAreInGit"))
        if not in_git or all(isinstance(v, SetVariable) and v.sensitive for v in self.verbs):
            return False
        ctx.problem(
            f"project {owner.name!r} is version-controlled and keeps its text variables in "
            "Git: octoflow edits only its sensitive variables (set(..., sensitive=True)), "
            "which stay in the database; change the others with a commit to its repository"
        )
        return True


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
    if _is_target(items):
        items = [items]
    if isinstance(items, str) or items is None:
        return as_names(items, keyword)
    out: list[Any] = []
    for item in items:
        if _is_target(item):
            if keyword != "targets":
                raise UsageError(f"a targets.ensure(...) can only go in the scope's targets, "
                                 f"not in {keyword}")  # fmt: skip
            out.append(item)
        else:
            out.extend(as_names(str(item), keyword))
    return tuple(out)


def _is_target(item: Any) -> bool:
    """A target ``octo.targets.ensure(...)`` makes (by contract, whatever provider)."""
    return isinstance(item, Ensure) and item.collection == "targets"
