"""Run the worker steps of some projects inside an execution container.

Selects projects by name (``project``) or project group (``group``), then the
actions of their deployment processes that run on a worker (optionally only
those of one ``action_type``), and runs them in ``image`` from the container
feed ``feed``. A version-controlled (Config-as-Code) project's process is
committed to its default branch, or as ``branch``, ``new_branch`` and
``commit_message`` say (``docs/config-as-code.md``): one commit per project.
"""

from octoflow_recipes import _git as recipegit
from octoflow_recipes import _projects as recipeprojects

from octoflow.recipe import Param

PARAMETERS = (
    *recipeprojects.PARAMETERS,
    Param("action_type", "Only actions of this type, e.g. Octopus.Script", default=""),
    Param("feed", "Container feed the image comes from", default="Docker Hub"),
    Param("image", "Container image", default="octopuslabs/workertools:latest"),
    *recipegit.PARAMETERS,
)


def statements(
    octo,
    project,
    group,
    action_type,
    feed,
    image,
    branch,
    new_branch,
    only_protected,
    commit_message,
):
    selected = recipeprojects.selected(octo, project, group)
    selected = recipegit.on_git(selected, branch, new_branch, only_protected, commit_message)
    steps = selected.steps.where(runs_on_worker=True)
    if action_type:
        steps = steps.where(action_type=action_type)
    return steps.set_container(image, feed=feed)
