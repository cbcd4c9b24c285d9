"""The resources provider: ``octo.resources("Lifecycles")``, any collection the server
links, changed through document paths (set, add, remove, delete)."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = ("resources-set", "resources-delete")


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.resources.intents import APPLY_TIME_INTENTS, INTENTS
    from octoflow_plugins.resources.kinds import KINDS

    registry.add_collection("resources", "octoflow_plugins.resources.selection:Resources")
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    for name, apply_fn in APPLY_TIME_INTENTS.items():
        registry.add_intent(name, apply_fn, at_apply=True)
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
