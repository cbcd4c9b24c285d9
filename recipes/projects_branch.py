"""Create a branch in the Git repository of some version-controlled projects.

Selects projects by name (``project``) or project group (``group``); each
version-controlled (Config-as-Code) one gets the branch ``name`` (a template:
``{{ plan.id }}``, ``{{ project.name }}``), started from ``from`` (default: the
project's default branch). A branch that exists is left alone, so a second run
changes nothing; database projects a group takes in are left out with a note.
Then commit a change there with ``-p branch=…`` on another ``projects-*`` recipe.
"""

from octoflow_recipes import _projects as recipeprojects

from octoflow.recipe import Param

PARAMETERS = (
    *recipeprojects.PARAMETERS,
    Param("name", "The branch to create (a template, e.g. octoflow/{{ plan.id }})"),
    Param(
        "from",
        "The branch, tag or commit id it starts from (default: the default branch)",
        default="",
    ),
)


def statements(octo, project, group, name, **given):
    selected = recipeprojects.selected(octo, project, group)
    return selected.create_branch(name, from_=given["from"] or None)
