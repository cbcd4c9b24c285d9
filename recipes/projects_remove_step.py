"""Remove a step, by name, from the deployment process of some projects.

Selects projects by name (``project``) or project group (``group``). Projects
without the step are left alone; a name that matches no step but is close to
one that exists is reported as a likely typo. A version-controlled
(Config-as-Code) project's process is committed to its default branch, or as
``branch``, ``new_branch`` and ``commit_message`` say (``docs/config-as-code.md``):
one commit per project.
"""

from octoflow_recipes import _git as recipegit
from octoflow_recipes import _projects as recipeprojects

from octoflow.recipe import Param

PARAMETERS = (
    *recipeprojects.PARAMETERS,
    Param("name", "Name of the step to remove"),
    *recipegit.PARAMETERS,
)


def statements(octo, project, group, name, branch, new_branch, only_protected, commit_message):
    selected = recipeprojects.selected(octo, project, group)
    selected = recipegit.on_git(selected, branch, new_branch, only_protected, commit_message)
    return selected.process.remove_step(name)
