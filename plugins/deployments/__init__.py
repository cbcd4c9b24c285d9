"""The deployments provider: releases, deployments, runbook runs, server tasks and
manual interventions."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = (
    "release-create",
    "release-deploy",
    "deploy-coordinated",
    "promote",
    "runbook-run",
    "interventions",
)


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.deployments.actions import ACTIONS
    from octoflow_plugins.deployments.actions_runbooks import ACTIONS as RUN_ACTIONS

    registry.add_collection("releases", "octoflow_plugins.deployments.releases:Releases")
    registry.add_collection("deployments", "octoflow_plugins.deployments.collection:Deployments")
    registry.add_collection("runbooks", "octoflow_plugins.deployments.runbooks:Runbooks")
    registry.add_collection(
        "interventions", "octoflow_plugins.deployments.interventions:Interventions"
    )
    for name, fn in {**ACTIONS, **RUN_ACTIONS}.items():
        registry.add_action(name, fn)
    registry.add_sandbox_area("octoflow_plugins.deployments.sandbox:DeploymentsArea")
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
