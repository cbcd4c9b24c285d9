"""Add a step to the deployment process of some projects.

Selects projects by name (``project``) or project group (``group``) and adds
the step defined in ``step``: a JSON file, or a jinja2 template (``.j2``)
rendered for each project with ``project`` in scope (``project.name``,
``project.slug``, ``project.group``, …). The step goes ``after`` or ``before``
a named step, or last. A step already there by name is left alone when it
matches the definition (and brought in line when it does not), so a second
run changes nothing. A version-controlled (Config-as-Code) project's process
is committed to its default branch, or as ``branch``, ``new_branch`` and
``commit_message`` say (``docs/config-as-code.md``): one commit per project.
"""

from octoflow_recipes import _git as recipegit
from octoflow_recipes import _projects as recipeprojects

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    *recipeprojects.PARAMETERS,
    Param("step", "Step definition: a JSON file or a jinja2 template (.j2)", kind="file"),
    Param("after", "Name of the step to add it after", default=""),
    Param("before", "Name of the step to add it before", default=""),
    *recipegit.PARAMETERS,
)


def statements(
    octo, project, group, step, after, before, branch, new_branch, only_protected, commit_message
):
    if after and before:
        raise UsageError("give after or before, not both")
    selected = recipeprojects.selected(octo, project, group)
    selected = recipegit.on_git(selected, branch, new_branch, only_protected, commit_message)
    return selected.process.add_step(step, after=after or None, before=before or None)
