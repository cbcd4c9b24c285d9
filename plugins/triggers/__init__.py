"""The triggers provider: project triggers (scheduled, deployment-target and feed),
enabled and disabled in bulk, deleted, and ensured by name (each of the three kinds)."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = ("triggers-toggle",)


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.triggers.intents import INTENTS
    from octoflow_plugins.triggers.kinds import KINDS

    registry.add_collection("triggers", "octoflow_plugins.triggers.collection:Triggers")
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
