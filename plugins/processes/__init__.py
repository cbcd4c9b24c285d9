"""The processes provider: deployment processes, runbooks and their steps."""

from __future__ import annotations

from importlib import resources

from octoflow.provider import Registry, hookimpl

RECIPES = (
    "projects-add-step",
    "projects-remove-step",
    "projects-use-container",
    "projects-use-worker-pool",
    "projects-clone",
    "projects-branch",
)


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.processes.clone import COPY_PROCESS, copy_process
    from octoflow_plugins.processes.gitedits import CREATE_BRANCH, create_branch
    from octoflow_plugins.processes.intents import INTENTS
    from octoflow_plugins.processes.kinds import KINDS

    registry.add_collection("projects", "octoflow_plugins.processes.collection:Projects")
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    registry.add_action(COPY_PROCESS, copy_process)
    registry.add_action(CREATE_BRANCH, create_branch)
    registry.add_sandbox_area("octoflow_plugins.processes.sandbox:ProcessesArea")
    recipes = resources.files("octoflow_recipes")
    for name in RECIPES:
        registry.add_recipe(name, recipes / (name.replace("-", "_") + ".py"))  # type: ignore[arg-type]
