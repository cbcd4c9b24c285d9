"""The tenants provider: tenants, tags, project connections, tenant variables."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = ("tenants-add-project", "tenants-remove-project", "tenants-tag", "tenants-check-eu")


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.tenants.intents import INTENTS
    from octoflow_plugins.tenants.kinds import KINDS

    registry.add_collection("tenants", "octoflow_plugins.tenants.collection:Tenants")
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    registry.add_sandbox_area("octoflow_plugins.tenants.sandbox:TenantsArea")
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
