"""The lifecycles provider: retention, phases and the environments in each phase."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = ("lifecycles-retention",)


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.lifecycles.intents import INTENTS
    from octoflow_plugins.lifecycles.kinds import KINDS

    registry.add_collection("lifecycles", "octoflow_plugins.lifecycles.collection:Lifecycles")
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
