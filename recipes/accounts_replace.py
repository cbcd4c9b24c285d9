"""Use one account instead of another in every process step and account variable.

Every deployment and runbook process step whose properties name the ``from`` account,
and every account variable holding it (project and library variable sets), is changed
to the ``to`` account, which must be of the same type. ``project`` narrows it to those
projects (their processes and variables; library variable sets are then left alone).
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param("from", "Name of the account to stop using"),
    Param("to", "Name of the account to use instead (of the same type)"),
    Param("project", "Comma-separated project names (left out: every project)", kind="list",
          default=[], everything="every project"),
)  # fmt: skip


def statements(octo, to, project, **given):
    projects = octo.projects.where(name=project) if project and project != ["*"] else None
    return octo.accounts.where(name=given["from"]).replace_with(to, projects=projects)
