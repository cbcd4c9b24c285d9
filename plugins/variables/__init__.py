"""The variables provider: project and library variable sets, their scopes and
sensitive values, and the ``octopus-register-instance`` recipe."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = ("octopus-register-instance",)


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.variables.intents import APPLY_TIME_INTENTS, INTENTS
    from octoflow_plugins.variables.kinds import KINDS

    registry.add_collection("variables", "octoflow_plugins.variables.collection:Variables")
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    for name, apply_fn in APPLY_TIME_INTENTS.items():
        registry.add_intent(name, apply_fn, at_apply=True)
    registry.add_sandbox_area("octoflow_plugins.variables.sandbox:VariablesArea")
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
