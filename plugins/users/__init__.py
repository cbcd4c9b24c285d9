"""The users provider: users, teams, their members and scoped user roles."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = ("team-add-members",)


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.users.intents import APPLY_TIME_INTENTS, INTENTS
    from octoflow_plugins.users.kinds import KINDS
    from octoflow_plugins.users.passwords import SETTLE, settle_passwords

    registry.add_collection("users", "octoflow_plugins.users.users:Users")
    registry.add_collection("teams", "octoflow_plugins.users.teams:Teams")
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    for name, apply_fn in APPLY_TIME_INTENTS.items():
        registry.add_intent(name, apply_fn, at_apply=True)
    registry.add_action(SETTLE, settle_passwords)
    registry.add_sandbox_area("octoflow_plugins.users.sandbox:UsersArea")
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
