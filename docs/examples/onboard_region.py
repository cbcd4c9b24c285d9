"""Onboard the tenants of one region onto a project and give them a tier.

Connects every tenant tagged Region/<region> to the project in the given
environments and tags them with the tier. Tenants already onboarded are left
as they are, so the recipe can run again after new tenants arrive.
"""

from octoflow import Param

PARAMETERS = (
    Param("region", "Region tag to select, e.g. EU (for Region/EU)"),
    Param("project", "Project to connect the tenants to"),
    Param("environments", "Comma-separated environment names", kind="list",
          default=["Test", "Production"]),
    Param("tier", "Canonical tier tag to add", default="Tier/Silver"),
)


def statements(octo, region, project, environments, tier):
    tenants = octo.tenants.where(tag=f"Region/{region}")
    return [
        tenants.add_project(project, environments=environments),
        tenants.add_tag(tier),
    ]
