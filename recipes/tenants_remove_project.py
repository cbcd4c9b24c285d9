"""Disconnect every tenant with a tag from a project.

Octopus deletes the tenant's variable values for that project when it is
disconnected.
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param(
        "tag",
        "Canonical tag selecting the tenants, e.g. Region/EU (* for every tenant)",
        everything="every tenant",
    ),
    Param("project", "Name of the project to disconnect them from"),
)


def statements(octo, tag, project):
    return octo.tenants.where(tag=tag).remove_project(project)
