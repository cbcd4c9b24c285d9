"""The registry providers fill in through ``octoflow_register``.

It is the only place lookups of collections, resource kinds, intents, actions,
sandbox areas and recipes happen, and it refuses a name registered twice, naming both
plugins.
"""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from octoflow.errors import PluginError, UsageError

#: An intent function changes one resource document in place, given the
#: JSON-able arguments the planner resolved (ids, not names). It must be
#: deterministic and idempotent: applying it twice changes nothing the second time.
IntentFn = Callable[[dict[str, Any], Mapping[str, Any]], None]
#: An apply-time intent (``add_intent(..., at_apply=True)``) also gets
#: ``secret_row(path, header, row)``. It never runs while planning, so what it makes or
#: reads (an initial password, a secret from the environment) is in no plan. Apply runs
#: it on the body of a document it is about to create, or on the fresh copy of a
#: document it updates, after the planned intents were replayed on it, right before the
#: PUT (again after a version conflict). ``secret_row`` hands a value it made to the
#: private file the user named (see :mod:`octoflow.apply.secretfiles`); files are
#: written before the first write, so on an update ``secret_row`` raises.
ApplyIntentFn = Callable[[dict[str, Any], Mapping[str, Any], Callable[..., None]], None]
#: How a sandbox area is named for lazy loading: ``package.module:Attribute``.
IMPORT_PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*")


@attrs.frozen
class ResourceKind:
    """A kind of Octopus document the engine can read, create, update and delete.

    :param name: the kind's name in plans, e.g. ``Tenant``.
    :param collection: the URL segment of its collection, e.g. ``tenants``.
    :param space_scoped: whether it lives under ``/api/{spaceId}/``.
    :param batch_read: whether the collection accepts ``?ids=`` for batched re-reads.
    :param document_path: a path template for the document when it is not
        ``<collection>/{id}`` (e.g. ``tenants/{id}/variables``).
    :param token: the field holding an optimistic-concurrency token the server
        checks on a write (``Version`` on processes and variable sets,
        ``ConcurrencyToken`` on tenant variables). A write refused as stale (409,
        or a 400 with ``version_conflict`` in its text) is re-read and replayed.
        Documents without a token are verified after apply instead (read back,
        and re-applied where someone undid an intent).
    :param version_conflict: text of the 400 the server answers when someone saved
        in between our read and our write (older servers answer 400, not 409).
    :param not_undoable: why ``octoflow undo`` does not take a write of this kind back
        (e.g. a commit to a Config-as-Code project's Git repository: revert it there);
        empty when it does.
    :param audited: whether the server's audit log names documents of this kind by
        their id, so apply can ask it who else changed them. A document under a Git ref
        (id ``Projects-1/refs%2Fheads%2Fmain``) is not one: its changes are commits.
    """

    name: str
    collection: str
    space_scoped: bool = True
    batch_read: bool = True
    document_path: str | None = None
    version_conflict: str = ""
    token: str = ""
    not_undoable: str = ""
    audited: bool = True

    def path(self, resource_id: str) -> str:
        """The document's path relative to the space (or ``/api`` when unscoped)."""
        if self.document_path:
            return self.document_path.format(id=resource_id)
        return f"{self.collection}/{resource_id}"


class SandboxArea(Protocol):
    """A provider's part of the embedded Octopus: state, routes and seeds.

    An area may also name, in ``seed_after``, the areas whose seeded documents its
    own seed builds on (see :mod:`octoflow.sandbox.area`).
    """

    name: str

    def register_routes(self, router: Any) -> None:
        """Add this area's handlers to the sandbox router."""

    def seed(self, state: Any, seed: str) -> None:
        """Fill ``state`` for the named seed (``empty``, ``demo``)."""


@attrs.frozen
class Entry:
    value: Any
    plugin: str


class Registry:
    """What the loaded plugins contributed, by kind and name."""

    def __init__(self) -> None:
        self.current_plugin = "<unknown>"
        self._at_apply: set[str] = set()
        self._tables: dict[str, dict[str, Entry]] = {
            "collection": {},
            "resource kind": {},
            "intent": {},
            "sandbox area": {},
            "recipe": {},
            "action": {},
        }

    # -- registration -------------------------------------------------------

    def add_collection(self, name: str, factory: Callable[[Any], Any] | str) -> None:
        """Expose ``factory(octo)`` as ``octo.<name>`` in the DSL.

        ``factory`` is best given as ``"package.module:Selection"``: the module is imported
        when a run first uses ``octo.<name>``, and the class instantiated without
        arguments, so a run pays only for the collections it uses.
        """
        if isinstance(factory, str):
            who = f"plugin {self.current_plugin!r} registered the collection {name!r} as"
            _check_path(factory, who)
            factory = _LazyCollection(factory, self.current_plugin)
        self._add("collection", name, factory)

    def add_resource_kind(self, kind: ResourceKind) -> None:
        self._add("resource kind", kind.name, kind)

    def add_intent(self, name: str, fn: IntentFn | ApplyIntentFn, at_apply: bool = False) -> None:
        """Register an intent by a dotted name such as ``tenant.add_project``.

        With ``at_apply``, ``fn`` is an :data:`ApplyIntentFn`: it only ever runs at apply
        time, on a document being created or on the fresh copy of one being updated
        (planning leaves it out). An update with one is always in the plan: the
        planner cannot see what it will change.
        """
        self._add("intent", name, fn)
        if at_apply:
            self._at_apply.add(name)

    def add_action(self, name: str, fn: Callable[[Any], Any]) -> None:
        """Register an action (see :mod:`octoflow.apply.actions`) by a dotted name such
        as ``deployment.create``; plans name it in the intents of ``run`` operations."""
        self._add("action", name, fn)

    def add_sandbox_area(self, area: SandboxArea | str, name: str | None = None) -> None:
        """Add a provider's part of the embedded Octopus (see :mod:`octoflow.sandbox.area`).

        ``area`` is best given as ``"package.module:AreaClass"``: nothing is imported
        until a sandbox is built, so a run against a real server loads no fake-server
        code. The class is then instantiated without arguments (an attribute that is
        not a class is used as it is), and must be named ``name``, by default the
        registering plugin's name. An area object is accepted too; its ``name`` is used.
        """
        if not isinstance(area, str):
            self._add("sandbox area", area.name, area)
            return
        _check_path(area, f"plugin {self.current_plugin!r} registered the sandbox area")
        self._add("sandbox area", name or self.current_plugin, area)

    def add_recipe(self, name: str, path: Path) -> None:
        """Ship the recipe file at ``path`` under ``name`` (``octoflow recipes``)."""
        self._add("recipe", name, Path(path))

    def _add(self, table: str, name: str, value: Any) -> None:
        entries = self._tables[table]
        if name in entries:
            raise PluginError(
                f"{table} {name!r} is registered twice: by plugin "
                f"{entries[name].plugin!r} and by plugin {self.current_plugin!r}; "
                "uninstall or block one of them (OCTOFLOW_BLOCK_PLUGINS)"
            )
        entries[name] = Entry(value, self.current_plugin)

    # -- lookups -------------------------------------------------------------

    def collection(self, name: str) -> Callable[[Any], Any]:
        return self._get("collection", name)

    def resource_kind(self, name: str) -> ResourceKind:
        return self._get("resource kind", name)

    def intent(self, name: str) -> IntentFn:
        return self._get("intent", name)

    def action(self, name: str) -> Callable[[Any], Any]:
        return self._get("action", name)

    def runs_at_apply(self, intent_name: str) -> bool:
        """Whether the intent was registered with ``at_apply`` (see :meth:`add_intent`)."""
        return intent_name in self._at_apply

    def recipe(self, name: str) -> Path:
        return self._get("recipe", name)

    def has_collection(self, name: str) -> bool:
        return name in self._tables["collection"]

    def names(self, table: str) -> list[str]:
        return sorted(self._tables[table])

    def contributed_by(self, table: str, name: str) -> str:
        return self._tables[table][name].plugin

    @property
    def sandbox_areas(self) -> list[SandboxArea]:
        """Areas in registration order, those registered by path imported now (once)."""
        table = self._tables["sandbox area"]
        for name, entry in list(table.items()):
            if isinstance(entry.value, str):
                table[name] = Entry(_load_area(name, entry), entry.plugin)
        return [e.value for e in table.values()]

    @property
    def recipes(self) -> Mapping[str, Path]:
        return {name: e.value for name, e in sorted(self._tables["recipe"].items())}

    def _get(self, table: str, name: str) -> Any:
        try:
            return self._tables[table][name].value
        except KeyError:
            raise UsageError(unknown_name_message(table, name, self._tables[table])) from None


def _check_path(path: str, who: str) -> None:
    if not IMPORT_PATH.fullmatch(path):
        raise PluginError(
            f"{who} {path!r}: give a path such as 'my_plugin.module:Name' "
            "(module, colon, attribute)"
        )


@attrs.frozen
class _LazyCollection:
    """A collection factory named by ``module:Class``, imported on first use."""

    path: str
    plugin: str

    def __call__(self, octo: Any) -> Any:
        module_name, _, attribute = self.path.partition(":")
        try:
            found = getattr(importlib.import_module(module_name), attribute)
        except Exception as exc:
            raise PluginError(
                f"plugin {self.plugin!r} registered a collection as {self.path!r}, which "
                f"does not load: {type(exc).__name__}: {exc}"
            ) from exc
        return found()


def _load_area(name: str, entry: Entry) -> SandboxArea:
    """The area at ``entry.value`` (``module:attribute``), checked to be named ``name``."""
    module_name, _, attribute = entry.value.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), attribute)
        area = found() if isinstance(found, type) else found
    except Exception as exc:
        raise PluginError(
            f"plugin {entry.plugin!r} registered the sandbox area {name!r} as "
            f"{entry.value!r}, which does not load: {type(exc).__name__}: {exc}"
        ) from exc
    if getattr(area, "name", None) != name:
        raise PluginError(
            f"plugin {entry.plugin!r} registered the sandbox area {name!r} as "
            f"{entry.value!r}, but that area is named {getattr(area, 'name', None)!r}; "
            "pass its name to add_sandbox_area(path, name=...)"
        )
    return area


def unknown_name_message(what: str, name: str, known: Iterable[str]) -> str:
    """``unknown project 'Web': did you mean 'Web App'?`` — the house wording."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if not close:
        close = [k for k in known if name.lower() in k.lower()][:3]
    text = f"unknown {what} {name!r}"
    if close:
        return text + ": did you mean " + " or ".join(repr(c) for c in close) + "?"
    if len(known) <= 8 and known:
        return text + "; known: " + ", ".join(sorted(known))
    return text
