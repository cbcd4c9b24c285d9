"""The verbs of ``octo.targets`` and ``octo.workers``: each resolves its names once
per plan and returns the intents every selected machine gets.

``intents(ctx, kind)`` runs once per statement; ``kind`` (``Target`` or ``Worker``)
names the intents of the verbs both collections have. A name that does not
resolve is a problem on ``ctx`` and the verb then asks for nothing more.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from octoflow_plugins.targets import resolve

from octoflow.provider import Intent, PlanContext, Verb, lookups


@attrs.frozen
class MachineVerb(Verb):
    def intents(self, ctx: PlanContext, kind: str) -> list[Intent]:
        """Resolve names (problems on ``ctx``); the intents for each selected machine."""
        raise NotImplementedError


def set_fields(kind: str, fields: dict[str, Any], summary: str, noop: str) -> Intent:
    return Intent(f"{kind.lower()}.set_fields", {"fields": fields}, summary, noop)


# -- targets and workers --------------------------------------------------------------


@attrs.frozen
class Delete(MachineVerb):
    """Planned as whole-document deletes by the selection itself."""

    name: ClassVar[str] = "delete"

    def intents(self, ctx: PlanContext, kind: str) -> list[Intent]:
        return []


@attrs.frozen
class Enable(MachineVerb):
    name: ClassVar[str] = "enable"

    def intents(self, ctx: PlanContext, kind: str) -> list[Intent]:
        return [set_fields(kind, {"IsDisabled": False}, "enable", "already enabled")]


@attrs.frozen
class Disable(MachineVerb):
    name: ClassVar[str] = "disable"

    def intents(self, ctx: PlanContext, kind: str) -> list[Intent]:
        return [set_fields(kind, {"IsDisabled": True}, "disable", "already disabled")]


@attrs.frozen
class SetMachinePolicy(MachineVerb):
    name: ClassVar[str] = "set_machine_policy"
    policy: str

    def intents(self, ctx: PlanContext, kind: str) -> list[Intent]:
        found = resolve.machine_policy(ctx, self.policy)
        if found is None:
            return []
        shown = f"machine policy {found.name}"
        return [set_fields(kind, {"MachinePolicyId": found.id}, shown, f"already uses {shown}")]


# -- targets only -----------------------------------------------------------------------


@attrs.frozen
class ListVerb(MachineVerb):
    """Adds or removes names in one list field: ``intent`` gets ``{arg: names}``;
    ``summary`` and ``noop`` show the names through ``{}``."""

    intent: ClassVar[str] = ""
    arg: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    noop: ClassVar[str] = ""

    def found(self, ctx: PlanContext) -> list[str]:
        """The names resolved to what the documents hold (ids, canonical spellings)."""
        raise NotImplementedError

    def intents(self, ctx: PlanContext, kind: str) -> list[Intent]:
        found = self.found(ctx)
        shown = lookups.labels(ctx, found)
        summary, noop = self.summary.format(shown), self.noop.format(shown)
        return [Intent(self.intent, {self.arg: found}, summary, noop)]


@attrs.frozen
class AddRole(ListVerb):
    name: ClassVar[str] = "add_role"
    intent: ClassVar[str] = "target.add_roles"
    arg: ClassVar[str] = "roles"
    summary: ClassVar[str] = "add role {}"
    noop: ClassVar[str] = "already has role {}"
    roles: tuple[str, ...]

    def found(self, ctx: PlanContext) -> list[str]:
        return resolve.roles_to_add(ctx, self.roles)


@attrs.frozen
class RemoveRole(ListVerb):
    name: ClassVar[str] = "remove_role"
    intent: ClassVar[str] = "target.remove_roles"
    arg: ClassVar[str] = "roles"
    summary: ClassVar[str] = "remove role {}"
    noop: ClassVar[str] = "does not have role {}"
    roles: tuple[str, ...]

    def found(self, ctx: PlanContext) -> list[str]:
        return lookups.existing_roles(ctx, self.roles)


@attrs.frozen
class AddEnvironment(ListVerb):
    name: ClassVar[str] = "add_environment"
    intent: ClassVar[str] = "target.add_environments"
    arg: ClassVar[str] = "environment_ids"
    summary: ClassVar[str] = "add environment {}"
    noop: ClassVar[str] = "already in {}"
    environments: tuple[str, ...]

    def found(self, ctx: PlanContext) -> list[str]:
        return lookups.environment_ids(ctx, self.environments)


@attrs.frozen
class RemoveEnvironment(ListVerb):
    name: ClassVar[str] = "remove_environment"
    intent: ClassVar[str] = "target.remove_environments"
    arg: ClassVar[str] = "environment_ids"
    summary: ClassVar[str] = "remove environment {}"
    noop: ClassVar[str] = "not in {}"
    environments: tuple[str, ...]

    def found(self, ctx: PlanContext) -> list[str]:
        return lookups.environment_ids(ctx, self.environments)


@attrs.frozen
class AddTenant(ListVerb):
    name: ClassVar[str] = "add_tenant"
    intent: ClassVar[str] = "target.add_tenants"
    arg: ClassVar[str] = "tenant_ids"
    summary: ClassVar[str] = "link tenant {}"
    noop: ClassVar[str] = "already linked to {}"
    tenants: tuple[str, ...]

    def found(self, ctx: PlanContext) -> list[str]:
        return lookups.tenant_ids(ctx, self.tenants)


@attrs.frozen
class RemoveTenant(ListVerb):
    name: ClassVar[str] = "remove_tenant"
    intent: ClassVar[str] = "target.remove_tenants"
    arg: ClassVar[str] = "tenant_ids"
    summary: ClassVar[str] = "unlink tenant {}"
    noop: ClassVar[str] = "not linked to {}"
    tenants: tuple[str, ...]

    def found(self, ctx: PlanContext) -> list[str]:
        return lookups.tenant_ids(ctx, self.tenants)


@attrs.frozen
class AddTenantTag(ListVerb):
    name: ClassVar[str] = "add_tenant_tag"
    intent: ClassVar[str] = "target.add_tenant_tags"
    arg: ClassVar[str] = "tags"
    summary: ClassVar[str] = "add tenant tag {}"
    noop: ClassVar[str] = "already has tenant tag {}"
    tags: tuple[str, ...]

    def found(self, ctx: PlanContext) -> list[str]:
        return lookups.canonical_tags(ctx, self.tags)


@attrs.frozen
class RemoveTenantTag(ListVerb):
    name: ClassVar[str] = "remove_tenant_tag"
    intent: ClassVar[str] = "target.remove_tenant_tags"
    arg: ClassVar[str] = "tags"
    summary: ClassVar[str] = "remove tenant tag {}"
    noop: ClassVar[str] = "does not have tenant tag {}"
    tags: tuple[str, ...]

    def found(self, ctx: PlanContext) -> list[str]:
        return lookups.canonical_tags(ctx, self.tags)


@attrs.frozen
class SetTenantedParticipation(MachineVerb):
    name: ClassVar[str] = "set_tenanted_participation"
    mode: str

    def intents(self, ctx: PlanContext, kind: str) -> list[Intent]:
        fields = {"TenantedDeploymentParticipation": self.mode}
        summary = f"tenanted participation {self.mode}"
        return [set_fields(kind, fields, summary, f"already {self.mode}")]


# -- workers only -----------------------------------------------------------------------


@attrs.frozen
class AddToPool(ListVerb):
    """Only static pools: adding to a dynamic one is a problem."""

    name: ClassVar[str] = "add_to_pool"
    intent: ClassVar[str] = "worker.add_pools"
    arg: ClassVar[str] = "worker_pool_ids"
    summary: ClassVar[str] = "add to pool {}"
    noop: ClassVar[str] = "already in pool {}"
    pools: tuple[str, ...]

    def found(self, ctx: PlanContext) -> list[str]:
        return resolve.worker_pool_ids(ctx, self.pools, adding=True)


@attrs.frozen
class RemoveFromPool(ListVerb):
    name: ClassVar[str] = "remove_from_pool"
    intent: ClassVar[str] = "worker.remove_pools"
    arg: ClassVar[str] = "worker_pool_ids"
    summary: ClassVar[str] = "remove from pool {}"
    noop: ClassVar[str] = "not in pool {}"
    pools: tuple[str, ...]

    def found(self, ctx: PlanContext) -> list[str]:
        return resolve.worker_pool_ids(ctx, self.pools, adding=False)
