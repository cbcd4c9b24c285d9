"""The channels provider: the channels of projects, ensured by name across many
projects with version rules, lifecycles and tenant tags, or deleted."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = ("channels-ensure",)


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.channels.intents import INTENTS
    from octoflow_plugins.channels.kinds import KINDS

    registry.add_collection("channels", "octoflow_plugins.channels.collection:Channels")
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
