"""Remove a step, by name, from the deployment process of some projects.

Selects projects by name (``project``) or project group (``group``). Projects
without the step are left alone; a name that matches no step but is close to
one that exists is reported as a likely typo. A version-controlled
(Config-as-Code) project's process is committed to its default branch, or as
``branch``, ``new_branch`` and ``commit_message`` say (``docs/config-as-code.md``):
one commit per project.
"""

from octoflow_recipes import _git as recipegit

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    Param(
        "project",
        "Comma-separated project names (* for every project)",
        kind="list",
        default=[],
        everything="every project",
    ),
    Param(
        "group",
        "Comma-separated project group names (* for every group)",
        kind="list",
        default=[],
        everything="every project group",
    ),
    Param("name", "Name of the step to remove"),
    *recipegit.PARAMETERS,
)


def statements(octo, project, group, name, branch, new_branch, only_protected, commit_message):
    if not project and not group:
        raise UsageError("select projects with -p project=… or -p group=… (or both)")
    selected = octo.projects.where(name=project) if project else octo.projects
    if group:
        selected = selected.where(group=group)
    selected = recipegit.on_git(selected, branch, new_branch, only_protected, commit_message)
    return selected.process.remove_step(name)
