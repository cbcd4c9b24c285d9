"""Add and remove roles and environments on the targets with a role, environment or tenant tag.

Selects deployment targets by ``role``, ``environment`` and ``tenant_tag`` (at
least one; together they are ANDed), then adds and removes the comma-separated
roles and environments given. A change that would leave a target without a
role or an environment is refused before anything is written.
"""

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    Param(
        "role",
        "Role (target tag) selecting the targets, e.g. web (* for any)",
        default=None,
        everything="targets of any role",
    ),
    Param(
        "environment",
        "Environment selecting the targets, e.g. Test (* for any)",
        default=None,
        everything="targets in any environment",
    ),
    Param(
        "tenant_tag",
        "Canonical tenant tag selecting the targets, e.g. Region/EU (* for any)",
        default=None,
        everything="targets with any tenant tag",
    ),
    Param("add_roles", "Comma-separated roles to add", kind="list", default=[]),
    Param("remove_roles", "Comma-separated roles to remove", kind="list", default=[]),
    Param("add_environments", "Comma-separated environments to add", kind="list", default=[]),
    Param("remove_environments", "Comma-separated environments to remove", kind="list", default=[]),
)


def statements(
    octo,
    role,
    environment,
    tenant_tag,
    add_roles,
    remove_roles,
    add_environments,
    remove_environments,
):
    selectors = {"role": role, "environment": environment, "tenant_tag": tenant_tag}
    selectors = {key: value for key, value in selectors.items() if value}
    if not selectors:
        raise UsageError("targets-update needs a selector: role, environment or tenant_tag")
    if not (add_roles or remove_roles or add_environments or remove_environments):
        raise UsageError(
            "targets-update needs a change: add_roles, remove_roles, "
            "add_environments or remove_environments"
        )
    targets = octo.targets.where(**selectors)
    if add_roles:
        targets = targets.add_role(*add_roles)
    if remove_roles:
        targets = targets.remove_role(*remove_roles)
    if add_environments:
        targets = targets.add_environment(*add_environments)
    if remove_environments:
        targets = targets.remove_environment(*remove_environments)
    return targets
