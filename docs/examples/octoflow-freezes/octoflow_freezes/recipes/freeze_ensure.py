"""Freeze deployments to some environments for a while, for projects or for tenants.

The freeze is looked up by name (freezes belong to the Octopus instance, not a space)
and created when it is missing; otherwise its window becomes start..end and the
projects, environments and tenants named are added to what it covers (nothing is taken
away). Without tenants or tenant_tag it freezes the projects' deployments to those
environments, tenanted or not; with them, only those tenants' deployments of the
projects they are connected to. start and end are ISO 8601 date-times with an offset
(2026-12-20T18:00:00+01:00, Z for UTC) or dates (midnight UTC).
"""

from octoflow import Param
from octoflow.provider import UsageError

PARAMETERS = (
    Param("name", "Name of the freeze (at most 200 characters)"),
    Param("start", "When it starts: an ISO 8601 date-time with an offset, or a date"),
    Param("end", "When it ends: an ISO 8601 date-time with an offset, or a date"),
    Param(
        "environments",
        "Comma-separated environment names (* for every environment)",
        kind="list",
        everything="every environment",
    ),
    Param(
        "projects",
        "Comma-separated project names (default: every project of the space)",
        kind="list",
        default=None,
        everything="every project",
    ),
    Param(
        "tenants",
        "Comma-separated tenant names: freeze only their deployments (* for every tenant)",
        kind="list",
        default=None,
        everything="every tenant",
    ),
    Param(
        "tenant_tag",
        "Freeze only the deployments of tenants with this tag, e.g. Region/EU",
        default=None,
    ),
    Param("description", "What the freeze is for", default=None),
)


def statements(octo, name, start, end, environments, projects, tenants, tenant_tag, description):
    if tenants is not None and tenant_tag is not None:
        raise UsageError("give tenants or tenant_tag, not both")
    if tenant_tag is not None:
        tenants = octo.tenants.where(tag=tenant_tag)
    return octo.freezes.ensure(
        name,
        start,
        end,
        environments=environments,
        projects=projects,
        tenants=tenants,
        description=description,
    )
