"""Remove a step, by name, from the deployment process of some projects.

Selects projects by name (``project``) or project group (``group``). Projects
without the step are left alone; a name that matches no step but is close to
one that exists is reported as a likely typo. Version-controlled projects
are reported and skipped.
"""

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
)


def statements(octo, project, group, name):
    if not project and not group:
        raise UsageError("select projects with -p project=… or -p group=… (or both)")
    selected = octo.projects.where(name=project) if project else octo.projects
    if group:
        selected = selected.where(group=group)
    return selected.process.remove_step(name)
