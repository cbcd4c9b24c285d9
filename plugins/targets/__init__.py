"""The targets provider: deployment targets and workers (roles, environments,
tenants, machine policies, worker pools)."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = ("targets-update",)


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.targets.intents import INTENTS
    from octoflow_plugins.targets.kinds import KINDS

    registry.add_collection("targets", "octoflow_plugins.targets.collection:Targets")
    registry.add_collection("workers", "octoflow_plugins.targets.workers:Workers")
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    registry.add_sandbox_area("octoflow_plugins.targets.sandbox:TargetsArea")
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
