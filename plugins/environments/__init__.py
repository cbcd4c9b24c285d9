"""The environments provider: ensure environments, their settings and sort order, and
add one next to another (its lifecycle phases, tenants, team roles and variable scopes)."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = ("environments-add",)


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.environments.intents import INTENTS
    from octoflow_plugins.environments.kinds import KINDS
    from octoflow_plugins.environments.sortorder import ACTIONS

    registry.add_collection("environments", "octoflow_plugins.environments.collection:Environments")
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    for name, fn in ACTIONS.items():
        registry.add_action(name, fn)
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
