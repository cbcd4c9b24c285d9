"""The plugin host: finds providers, loads them and calls their hooks.

Discovery is staged: find the ``octoflow.providers`` entry points (without
importing), check the built-ins are present, import each, register it under
its entry-point name, then check no hookimpl misses a spec. Built-in providers
are found exactly like third-party ones, through octoflow's own entry points.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from octoflow import hookspecs
from octoflow.errors import PluginError
from octoflow.registry import Registry
from octoflow.undo.restore import RESTORE_INTENT, restore_intent

if TYPE_CHECKING:
    from octoflow.apply.executor import ApplyReport, OperationResult
    from octoflow.plan.model import Plan

ENTRY_POINT_GROUP = "octoflow.providers"
#: The built-in providers; a missing one means octoflow was not installed properly.
REQUIRED_PROVIDERS = frozenset(
    {
        "channels",
        "credentials",
        "deployments",
        "environments",
        "lifecycles",
        "processes",
        "resources",
        "targets",
        "tenants",
        "triggers",
        "users",
        "variables",
    }
)
#: Comma-separated plugin names not to load.
BLOCK_ENV = "OCTOFLOW_BLOCK_PLUGINS"
#: Set to 1 to print every hook call to stderr.
TRACE_ENV = "OCTOFLOW_TRACE_PLUGINS"


@attrs.frozen
class PluginInfo:
    name: str
    distribution: str
    version: str
    hooks: tuple[str, ...]


class PluginHost:
    """Owns one pluggy manager; a session builds its own, never a global."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self._dists: dict[str, tuple[str, str]] = {}
        if os.environ.get(TRACE_ENV) == "1":
            self.pm.trace.root.setwriter(lambda text: print(text, end="", file=_stderr()))
            self.pm.enable_tracing()

    @classmethod
    def from_entry_points(cls, extra: Iterable[tuple[str, Any]] = ()) -> PluginHost:
        """Load every installed provider, then the ``(name, plugin)`` pairs in ``extra``."""
        host = cls()
        blocked = {n.strip() for n in os.environ.get(BLOCK_ENV, "").split(",") if n.strip()}
        found = find_entry_points()
        missing = REQUIRED_PROVIDERS - set(found) - blocked
        if missing:
            raise PluginError(
                "octoflow's built-in providers are not installed: "
                f"expected {sorted(REQUIRED_PROVIDERS)}, installed {sorted(found)}, "
                f"missing {sorted(missing)}. Reinstall with `pip install -e .` "
                "from the octoflow checkout."
            )
        for name, ep in found.items():
            if name in blocked:
                host.pm.set_blocked(name)
                continue
            host.register(name, load_entry_point(name, ep), _dist_of(ep))
        for name, plugin in extra:
            host.register(name, plugin, ("<local>", ""))
        try:
            host.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = host.pm.get_name(exc.plugin) or "?"
            raise PluginError(
                f"plugin {name!r} implements a hook octoflow does not have: {exc}"
            ) from exc
        return host

    def register(self, name: str, plugin: Any, dist: tuple[str, str] = ("<local>", "")) -> None:
        if self.pm.has_plugin(name) or self.pm.is_blocked(name):
            raise PluginError(
                f"a plugin named {name!r} is already registered "
                f"(from {self._dists.get(name, ('?',))[0]}); plugin names must be unique"
            )
        try:
            self.pm.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(f"plugin {name!r} cannot be registered: {exc}") from exc
        self._dists[name] = dist

    def build_registry(self) -> Registry:
        """Call every plugin's ``octoflow_register`` with a fresh registry (which already
        holds octoflow's own intent: ``octoflow.restore``, what undo plans replay)."""
        registry = Registry()
        registry.current_plugin = "octoflow"
        registry.add_intent(RESTORE_INTENT, restore_intent)
        for impl in self.pm.hook.octoflow_register.get_hookimpls():
            registry.current_plugin = impl.plugin_name
            others = [p for p in self.pm.get_plugins() if p is not impl.plugin]
            only_this = self.pm.subset_hook_caller("octoflow_register", remove_plugins=others)
            try:
                only_this(registry=registry)
            except PluginError:
                raise
            except Exception as exc:
                raise PluginError(
                    f"plugin {impl.plugin_name!r} failed while registering: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
        return registry

    # -- lifecycle hooks (one typed method per hook) ---------------------------

    def plan_ready(self, plan: Plan) -> None:
        self.pm.hook.octoflow_plan_ready(plan=plan)

    def operation_done(self, result: OperationResult) -> None:
        self.pm.hook.octoflow_operation_done(result=result)

    def apply_done(self, report: ApplyReport) -> None:
        self.pm.hook.octoflow_apply_done(report=report)

    # -- introspection -------------------------------------------------------

    def plugin_roots(self) -> dict[str, Path]:
        """Each plugin's source: its package's folder (or its module's file), by name."""
        roots = {}
        for name, plugin in self.pm.list_name_plugin():
            root = _source_root(plugin) if plugin is not None else None
            if root is not None:
                roots[name] = root
        return roots

    def describe(self) -> list[PluginInfo]:
        infos = []
        for name, plugin in sorted(self.pm.list_name_plugin(), key=lambda pair: pair[0]):
            if plugin is None:  # blocked
                continue
            dist, version = self._dists.get(name, ("<local>", ""))
            hooks = tuple(sorted(c.name for c in self.pm.get_hookcallers(plugin) or ()))
            infos.append(PluginInfo(name, dist, version, hooks))
        return infos


def find_entry_points() -> dict[str, metadata.EntryPoint]:
    """The ``octoflow.providers`` entry points by name, refusing duplicate names."""
    found: dict[str, metadata.EntryPoint] = {}
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in found and found[ep.name].value != ep.value:
            raise PluginError(
                f"two installed distributions declare the octoflow provider {ep.name!r}: "
                f"{found[ep.name].value} and {ep.value}; uninstall one of them"
            )
        found[ep.name] = ep
    return found


def load_entry_point(name: str, ep: metadata.EntryPoint) -> Any:
    try:
        return ep.load()
    except Exception as exc:
        raise PluginError(
            f"provider {name!r} ({ep.value}) failed to import: {type(exc).__name__}: {exc}. "
            f"Fix or uninstall it, or block it with {BLOCK_ENV}={name}"
        ) from exc


def _dist_of(ep: metadata.EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return ("<unknown>", "")
    return (dist.metadata["Name"], dist.version)


def _source_root(plugin: Any) -> Path | None:
    module = plugin if inspect.ismodule(plugin) else inspect.getmodule(plugin)
    if module is None:
        return None
    if not hasattr(module, "__path__") and module.__package__:
        module = sys.modules.get(module.__package__, module)
    paths = list(getattr(module, "__path__", None) or [])
    source = paths[0] if paths else getattr(module, "__file__", None)
    return Path(source).resolve() if source else None


def _stderr() -> Any:
    import sys

    return sys.stderr
