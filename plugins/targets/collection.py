"""``octo.targets``: select deployment targets and say what should change about them.

Examples::

    octo.targets.where(role="web", environment="Test").add_role("api").add_environment("Staging")
    octo.targets.where(tenant_tag="Region/EU").set_tenanted_participation("Tenanted")
    octo.targets.where(health="Unavailable", comm_style="polling").disable()

Several values for one keyword select any of them; keywords and ``where``
calls are ANDed. Tenant tags follow Octopus: tags of one tag set are ORed, tag
sets are ANDed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.targets.endpoints import Endpoint
from octoflow_plugins.targets.ensure import EnsureTarget
from octoflow_plugins.targets.kinds import TARGET
from octoflow_plugins.targets.machines import COMMON_KEYS, MachineSelection, Test, choose, required
from octoflow_plugins.targets.models import PARTICIPATION, Target
from octoflow_plugins.targets.verbs import (
    AddEnvironment,
    AddRole,
    AddTenant,
    AddTenantTag,
    RemoveEnvironment,
    RemoveRole,
    RemoveTenant,
    RemoveTenantTag,
    SetTenantedParticipation,
)

from octoflow.provider import PlanContext, UsageError, as_names, lookups


@attrs.frozen
class Targets(MachineSelection):
    collection: ClassVar[str] = "targets"
    criteria_keys: ClassVar[frozenset[str]] = COMMON_KEYS | {
        "role",
        "environment",
        "tenant",
        "tenant_tag",
    }
    kind: ClassVar[str] = TARGET
    segment: ClassVar[str] = "machines"
    model: ClassVar[type[Target]] = Target

    # -- verbs -----------------------------------------------------------------

    def add_role(self, *roles: str) -> Targets:
        """Add roles (target tags); spelled as other targets spell them."""
        return self._with_verb(AddRole(required(roles, "targets.add_role")))

    def remove_role(self, *roles: str) -> Targets:
        return self._with_verb(RemoveRole(required(roles, "targets.remove_role")))

    def add_environment(self, *environments: str) -> Targets:
        names = required(environments, "targets.add_environment")
        return self._with_verb(AddEnvironment(names))

    def remove_environment(self, *environments: str) -> Targets:
        names = required(environments, "targets.remove_environment")
        return self._with_verb(RemoveEnvironment(names))

    def add_tenant(self, *tenants: str) -> Targets:
        """Link tenants; an Untenanted target becomes TenantedOrUntenanted."""
        return self._with_verb(AddTenant(required(tenants, "targets.add_tenant")))

    def remove_tenant(self, *tenants: str) -> Targets:
        return self._with_verb(RemoveTenant(required(tenants, "targets.remove_tenant")))

    def add_tenant_tag(self, *tags: str) -> Targets:
        """Add canonical tenant tags (``Set/Tag``); an Untenanted target becomes
        TenantedOrUntenanted."""
        return self._with_verb(AddTenantTag(required(tags, "targets.add_tenant_tag")))

    def remove_tenant_tag(self, *tags: str) -> Targets:
        return self._with_verb(RemoveTenantTag(required(tags, "targets.remove_tenant_tag")))

    def set_tenanted_participation(self, mode: str) -> Targets:
        """``Untenanted``, ``TenantedOrUntenanted`` or ``Tenanted``."""
        mode = choose("participation", mode, PARTICIPATION)
        return self._with_verb(SetTenantedParticipation(mode))

    def ensure(
        self,
        name: str,
        endpoint: Endpoint | Mapping[str, Any],
        roles: Iterable[str],
        environments: Iterable[str],
        tenants: Iterable[str] = (),
        tenant_tags: Iterable[str] = (),
        participation: str | None = None,
        machine_policy: str | None = None,
    ) -> EnsureTarget:
        """A target named ``name`` exists, with at least these roles, environments,
        tenants and tenant tags. Created when missing (from ``endpoint``); otherwise
        only what differs is changed. Ignores any ``where``."""
        roles, environments = as_names(roles, "roles"), as_names(environments, "environments")
        if not roles or not environments:
            raise UsageError("targets.ensure() needs at least one role and one environment")
        changes = Targets().add_role(*roles).add_environment(*environments)
        if tenants:
            changes = changes.add_tenant(*as_names(tenants, "tenants"))
        if tenant_tags:
            changes = changes.add_tenant_tag(*as_names(tenant_tags, "tenant_tags"))
        if participation:
            changes = changes.set_tenanted_participation(participation)
        if machine_policy:
            changes = changes.set_machine_policy(machine_policy)
        if not isinstance(endpoint, Endpoint):
            endpoint = Endpoint.from_wire(endpoint)
        return EnsureTarget(name, endpoint, changes)

    # -- criteria --------------------------------------------------------------

    def _own_test(self, ctx: PlanContext, key: str, value: Any) -> Test:
        names = as_names(value, key)
        if key == "role":
            wanted = {r.lower() for r in lookups.existing_roles(ctx, names)}
            return lambda t: bool(wanted & {r.lower() for r in t.roles})
        if key == "environment":
            env_ids = set(lookups.environment_ids(ctx, names))
            return lambda t: bool(env_ids & set(t.environment_ids))
        if key == "tenant":
            tenant_ids = set(lookups.tenant_ids(ctx, names))
            return lambda t: bool(tenant_ids & set(t.tenant_ids))
        has_tags = lookups.has_tags(lookups.canonical_tags(ctx, names))
        return lambda t: has_tags(t.tenant_tags)
