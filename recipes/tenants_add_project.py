"""Connect every tenant with a tag to a project in some environments.

Tenants already connected keep their other environments; the listed ones are
added. The project must allow tenanted deployments and the environments must
be in its lifecycle.
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param(
        "tag",
        "Canonical tag selecting the tenants, e.g. Region/EU (* for every tenant)",
        everything="every tenant",
    ),
    Param("project", "Name of the project to connect them to"),
    Param(
        "environments",
        "Comma-separated environment names (default: every environment of the project's lifecycle)",
        kind="list",
        default=None,
    ),
)


def statements(octo, tag, project, environments):
    return octo.tenants.where(tag=tag).add_project(project, environments=environments)
