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
from octoflow_plugins.targets import resolve
from octoflow_plugins.targets.endpoints import Endpoint
from octoflow_plugins.targets.ensure import EnsureTarget
from octoflow_plugins.targets.kinds import TARGET
from octoflow_plugins.targets.machines import COMMON_KEYS, MachineSelection, Test, choose, required
from octoflow_plugins.targets.models import PARTICIPATION, Target

from octoflow.dsl.selection import as_names
from octoflow.errors import UsageError
from octoflow.plan.context import PlanContext
from octoflow.plan.model import Intent


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
        return self._with_verb("add_role", roles=required(roles, "targets.add_role"))

    def remove_role(self, *roles: str) -> Targets:
        return self._with_verb("remove_role", roles=required(roles, "targets.remove_role"))

    def add_environment(self, *environments: str) -> Targets:
        names = required(environments, "targets.add_environment")
        return self._with_verb("add_environment", environments=names)

    def remove_environment(self, *environments: str) -> Targets:
        names = required(environments, "targets.remove_environment")
        return self._with_verb("remove_environment", environments=names)

    def add_tenant(self, *tenants: str) -> Targets:
        """Link tenants; an Untenanted target becomes TenantedOrUntenanted."""
        return self._with_verb("add_tenant", tenants=required(tenants, "targets.add_tenant"))

    def remove_tenant(self, *tenants: str) -> Targets:
        return self._with_verb("remove_tenant", tenants=required(tenants, "targets.remove_tenant"))

    def add_tenant_tag(self, *tags: str) -> Targets:
        """Add canonical tenant tags (``Set/Tag``); an Untenanted target becomes
        TenantedOrUntenanted."""
        return self._with_verb("add_tenant_tag", tags=required(tags, "targets.add_tenant_tag"))

    def remove_tenant_tag(self, *tags: str) -> Targets:
        return self._with_verb(
            "remove_tenant_tag", tags=required(tags, "targets.remove_tenant_tag")
        )

    def set_tenanted_participation(self, mode: str) -> Targets:
        """``Untenanted``, ``TenantedOrUntenanted`` or ``Tenanted``."""
        return self._with_verb(
            "set_tenanted_participation", mode=choose("participation", mode, PARTICIPATION)
        )

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
            wanted = {r.lower() for r in resolve.existing_roles(ctx, names)}
            return lambda t: bool(wanted & {r.lower() for r in t.roles})
        if key == "environment":
            env_ids = set(resolve.environment_ids(ctx, names))
            return lambda t: bool(env_ids & set(t.environment_ids))
        if key == "tenant":
            tenant_ids = set(resolve.tenant_ids(ctx, names))
            return lambda t: bool(tenant_ids & set(t.tenant_ids))
        return _has_tags(resolve.canonical_tags(ctx, names))

    # -- verbs → intents ---------------------------------------------------------

    def _resolve(self, ctx: PlanContext, verb: str, args: Any) -> list[Intent]:
        if verb not in LIST_VERBS:
            return super()._resolve(ctx, verb, args)
        intent, arg, resolver, summary, noop = LIST_VERBS[verb]
        (names,) = args.values()
        found = getattr(resolve, resolver)(ctx, names)
        shown = resolve.labels(ctx, found)
        return [Intent(intent, {arg: found}, summary.format(shown), noop.format(shown))]

    def _resolve_set_tenanted_participation(self, ctx: PlanContext, mode: str) -> list[Intent]:
        summary = f"tenanted participation {mode}"
        return [self._fields({"TenantedDeploymentParticipation": mode}, summary, f"already {mode}")]


#: verb: (intent, its argument, the ``resolve`` function for the names, summary, no-op reason)
LIST_VERBS = {
    "add_role": ("target.add_roles", "roles", "roles_to_add", "add role {}", "already has role {}"),
    "remove_role": (
        "target.remove_roles",
        "roles",
        "existing_roles",
        "remove role {}",
        "does not have role {}",
    ),
    "add_environment": (
        "target.add_environments",
        "environment_ids",
        "environment_ids",
        "add environment {}",
        "already in {}",
    ),
    "remove_environment": (
        "target.remove_environments",
        "environment_ids",
        "environment_ids",
        "remove environment {}",
        "not in {}",
    ),
    "add_tenant": (
        "target.add_tenants",
        "tenant_ids",
        "tenant_ids",
        "link tenant {}",
        "already linked to {}",
    ),
    "remove_tenant": (
        "target.remove_tenants",
        "tenant_ids",
        "tenant_ids",
        "unlink tenant {}",
        "not linked to {}",
    ),
    "add_tenant_tag": (
        "target.add_tenant_tags",
        "tags",
        "canonical_tags",
        "add tenant tag {}",
        "already has tenant tag {}",
    ),
    "remove_tenant_tag": (
        "target.remove_tenant_tags",
        "tags",
        "canonical_tags",
        "remove tenant tag {}",
        "does not have tenant tag {}",
    ),
}


def _has_tags(tags: list[str]) -> Test:
    """Octopus tag matching: any tag within one tag set, every tag set."""
    by_set: dict[str, set[str]] = {}
    for tag in tags:
        by_set.setdefault(tag.split("/", 1)[0].lower(), set()).add(tag.lower())

    def test(target: Target) -> bool:
        have = {t.lower() for t in target.tenant_tags}
        return all(have & wanted for wanted in by_set.values())

    return test
