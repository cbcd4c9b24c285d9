"""The plugin host loads providers through entry points and rejects bad ones clearly."""

from __future__ import annotations

import pytest

from octoflow import hookimpl
from octoflow.errors import PluginError
from octoflow.plugin import PluginHost
from octoflow.registry import ResourceKind


def plugin(**hooks) -> object:
    """A plugin object carrying the given hook functions (plugins are hashable objects)."""
    return type("Plugin", (), {name: staticmethod(fn) for name, fn in hooks.items()})()


def test_builtin_providers_load_through_entry_points() -> None:
    host = PluginHost.from_entry_points()
    infos = {i.name: i for i in host.describe()}
    assert infos["tenants"].distribution == "octoflow-octopus"
    assert "octoflow_register" in infos["tenants"].hooks
    registry = host.build_registry()
    assert registry.has_collection("tenants")
    assert "tenants-add-project" in registry.recipes
    assert registry.contributed_by("recipe", "tenants-add-project") == "tenants"


def test_a_name_registered_twice_names_both_plugins() -> None:
    @hookimpl
    def octoflow_register(registry):
        registry.add_resource_kind(ResourceKind("Tenant", "tenants"))

    host = PluginHost.from_entry_points([("copycat", plugin(octoflow_register=octoflow_register))])
    with pytest.raises(PluginError, match="registered twice.*'tenants'.*'copycat'"):
        host.build_registry()


def test_a_plugin_that_fails_while_registering_is_named() -> None:
    @hookimpl
    def octoflow_register(registry):
        raise RuntimeError("boom")

    host = PluginHost.from_entry_points([("broken", plugin(octoflow_register=octoflow_register))])
    with pytest.raises(
        PluginError, match="plugin 'broken' failed while registering: RuntimeError: boom"
    ):
        host.build_registry()


def test_a_hook_name_typo_is_reported() -> None:
    @hookimpl
    def octoflow_regster(registry):
        pass

    with pytest.raises(PluginError, match="typo"):
        PluginHost.from_entry_points([("typo", plugin(octoflow_regster=octoflow_regster))])


def test_duplicate_plugin_names_are_refused() -> None:
    with pytest.raises(PluginError, match="already registered"):
        PluginHost.from_entry_points([("tenants", plugin())])


def test_blocking_a_required_provider_is_allowed_but_drops_it(monkeypatch) -> None:
    monkeypatch.setenv("OCTOFLOW_BLOCK_PLUGINS", "tenants")
    registry = PluginHost.from_entry_points().build_registry()
    assert not registry.has_collection("tenants")


def test_lifecycle_hooks_reach_plugins() -> None:
    seen = []

    @hookimpl
    def octoflow_plan_ready(plan):
        seen.append(plan)

    host = PluginHost.from_entry_points(
        [("audit", plugin(octoflow_plan_ready=octoflow_plan_ready))]
    )
    host.plan_ready(plan="a plan")
    assert seen == ["a plan"]
