"""Check that every tenant with a tag is connected to a project in some environments.

A policy check, never applied: its plan is empty when the policy holds, and lists
each tenant that breaks it otherwise. Run it with `octoflow check`, or after every
stage of a staged apply with --check tenants-check-eu (it then takes the apply's
-p values for tag, project and environments).
"""

from octoflow.recipe import Param

CHECK_ONLY = True

PARAMETERS = (
    Param(
        "tag",
        "Canonical tag selecting the tenants the policy covers, e.g. Region/EU "
        "(* for every tenant)",
        everything="every tenant",
    ),
    Param("project", "Name of the project they must be connected to"),
    Param(
        "environments",
        "Comma-separated environment names they must be connected in (default: every "
        "environment of the project's lifecycle)",
        kind="list",
        default=None,
    ),
)


def statements(octo, tag, project, environments):
    return octo.tenants.where(tag=tag).add_project(project, environments=environments)
