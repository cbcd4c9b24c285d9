"""Add and remove tags on every tenant with a tag.

Selects tenants by one canonical tag, then adds the tags in ``add`` and removes
the tags in ``remove`` (both comma-separated canonical names, e.g. Tier/Gold).
"""

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    Param(
        "tag",
        "Canonical tag selecting the tenants, e.g. Region/EU (* for every tenant)",
        everything="every tenant",
    ),
    Param("add", "Comma-separated canonical tags to add", kind="list", default=[]),
    Param("remove", "Comma-separated canonical tags to remove", kind="list", default=[]),
)


def statements(octo, tag, add, remove):
    if not add and not remove:
        raise UsageError("tenants-tag needs add or remove (or both)")
    tenants = octo.tenants.where(tag=tag)
    if add:
        tenants = tenants.add_tag(*add)
    if remove:
        tenants = tenants.remove_tag(*remove)
    return tenants
