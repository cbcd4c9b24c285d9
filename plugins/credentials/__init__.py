"""The credentials provider: accounts and feeds (ensure, rotate a secret read from the
environment at apply time), replacing one account by another wherever processes and
variables use it, and certificates (ensure, replace their data, archive)."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = ("accounts-replace", "certificates-rotate", "credentials-rotate")


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.credentials import certintents
    from octoflow_plugins.credentials.intents import APPLY_TIME_INTENTS, INTENTS
    from octoflow_plugins.credentials.kinds import KINDS

    registry.add_collection("accounts", "octoflow_plugins.credentials.accounts:Accounts")
    registry.add_collection("feeds", "octoflow_plugins.credentials.feeds:Feeds")
    registry.add_collection(
        "certificates", "octoflow_plugins.credentials.certificates:Certificates"
    )
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in {**INTENTS, **certintents.INTENTS}.items():
        registry.add_intent(name, fn)
    for name, apply_fn in {**APPLY_TIME_INTENTS, **certintents.APPLY_TIME_INTENTS}.items():
        registry.add_intent(name, apply_fn, at_apply=True)
    for name, action in certintents.ACTIONS.items():
        registry.add_action(name, action)
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
