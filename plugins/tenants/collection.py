"""``octo.tenants``: select tenants and say what should change about them.

Examples::

    octo.tenants.where(tag="Region/EU").add_project("Customer Portal", environments=["Test"])
    octo.tenants.where(tag=["Region/EU", "Tier/Gold"]).add_tag("Support/Priority")
    octo.tenants.where(partial_name="Acme").set_variable("Support Email", "ops@acme.example")

Tag criteria follow Octopus: tags of one tag set are ORed, tag sets are ANDed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.tenants.ensure import EnsureTenant
from octoflow_plugins.tenants.kinds import TENANT, VARIABLES
from octoflow_plugins.tenants.verbs import (
    AddEnvironments,
    AddProject,
    AddTag,
    ClearVariable,
    Delete,
    PerTenant,
    RemoveEnvironments,
    RemoveProject,
    RemoveTag,
    SetVariable,
    TenantVerb,
)

from octoflow.provider import (
    Edit,
    Environment,
    Intent,
    PlanContext,
    Project,
    Selection,
    Tenant,
    UsageError,
    as_names,
    lookups,
    optional_names,
)


@attrs.frozen
class Tenants(Selection):
    collection: ClassVar[str] = "tenants"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {"tag", "name", "partial_name", "project", "environment", "is_disabled"}
    )

    # -- verbs -----------------------------------------------------------------

    def add_project(self, project: str, environments: str | Iterable[str] | None = None) -> Tenants:
        """Connect to ``project`` in ``environments`` (default: all in its lifecycle)."""
        envs = optional_names(
            environments, "environments", "every environment of the project's lifecycle"
        )
        return self._with_verb(AddProject(project, envs))

    def remove_project(self, project: str) -> Tenants:
        """Disconnect from ``project`` (Octopus deletes the tenant's values for it)."""
        return self._with_verb(RemoveProject(project))

    def add_environments(self, project: str, environments: str | Iterable[str]) -> Tenants:
        """Add environments to an already connected project."""
        return self._with_verb(
            AddEnvironments(project, _required(environments, "add_environments"))
        )

    def remove_environments(self, project: str, environments: str | Iterable[str]) -> Tenants:
        return self._with_verb(
            RemoveEnvironments(project, _required(environments, "remove_environments"))
        )

    def add_tag(self, *tags: str) -> Tenants:
        """Add canonical tags (``Set/Tag``)."""
        return self._with_verb(AddTag(_required(tags, "add_tag")))

    def remove_tag(self, *tags: str) -> Tenants:
        return self._with_verb(RemoveTag(_required(tags, "remove_tag")))

    def set_variable(
        self,
        template: str,
        value: str,
        project: str | None = None,
        environments: str | Iterable[str] | None = None,
    ) -> Tenants:
        """Set a common variable (no ``project``) or a project variable.

        Project variables are set in ``environments``, default: every environment
        the tenant is connected to for that project.
        """
        envs = optional_names(
            environments, "environments", "every environment the tenant is connected to"
        )
        return self._with_verb(SetVariable(template, str(value), project, envs))

    def clear_variable(
        self,
        template: str,
        project: str | None = None,
        environments: str | Iterable[str] | None = None,
    ) -> Tenants:
        envs = optional_names(
            environments, "environments", "every environment the tenant is connected to"
        )
        return self._with_verb(ClearVariable(template, None, project, envs))

    def delete(self) -> Tenants:
        """Delete every selected tenant (cannot be combined with other verbs)."""
        if self.verbs:
            raise UsageError(
                "tenants.delete() cannot follow other verbs: deleted tenants cannot also be changed"
            )
        return self._with_verb(Delete())

    def ensure(
        self,
        name: str,
        tags: Iterable[str] = (),
        description: str | None = None,
        projects: Mapping[str, Iterable[str]] | None = None,
    ) -> EnsureTenant:
        """A tenant named ``name`` exists with at least these tags and project connections.

        Created when missing; otherwise only what differs is changed.
        """
        return EnsureTenant(
            name,
            as_names(tags, "tags"),
            description,
            tuple((p, as_names(e, "environments")) for p, e in (projects or {}).items()),
        )

    # -- planning --------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        selected = self.select(ctx)
        per_tenant = [v.per_tenant(ctx) for v in self.verbs if isinstance(v, TenantVerb)]
        if ctx.problems:
            return []
        ctx.selected("tenant", len(selected), ctx.total("tenants"), self.whole_is_wide)
        if any(isinstance(v, Delete) for v in self.verbs):
            return [
                Edit(
                    TENANT,
                    t.id,
                    t.name,
                    {},
                    (Intent("tenant.delete", {}, "delete"),),
                    action="delete",
                )
                for t in selected
                if t.id
            ]
        return [edit for tenant in selected for edit in self._edits(ctx, tenant, per_tenant)]

    def _edits(self, ctx: PlanContext, tenant: Tenant, per_tenant: list[PerTenant]) -> list[Edit]:
        wanted: dict[str, list[Intent]] = {}
        for verb in per_tenant:
            for kind, intents in verb(tenant).items():
                wanted.setdefault(kind, []).extend(intents)
        edits = []
        tenant_key = f"{TENANT}/{tenant.id}"
        if TENANT in wanted:
            edits.append(
                Edit(
                    TENANT,
                    tenant.id,
                    tenant.name,
                    ctx.document("tenants", str(tenant.id)),
                    tuple(wanted[TENANT]),
                )
            )
        if VARIABLES in wanted:
            document = ctx.get(f"tenants/{tenant.id}/variables")
            edits.append(
                Edit(
                    VARIABLES,
                    tenant.id,
                    tenant.name,
                    document,
                    tuple(wanted[VARIABLES]),
                    after=(tenant_key,),
                )
            )
        return edits

    def select(self, ctx: PlanContext) -> list[Tenant]:
        """The tenants the criteria select (problems for names that do not resolve)."""
        resolved: dict[str, list[str]] = {}
        tests = [self._test(ctx, c.key, c.value, resolved) for c in self.criteria]
        tenants = _candidates(ctx, _server_filter(resolved))
        for test in tests:
            tenants = [t for t in tenants if test(t)]
        return tenants

    def _test(
        self, ctx: PlanContext, key: str, value: Any, resolved: dict[str, list[str]]
    ) -> Callable[[Tenant], bool]:
        """The test of one criterion; tags and projects it names go into ``resolved``."""
        if key == "predicate":
            return value  # type: ignore[no-any-return]
        if key == "tag":
            tags = lookups.canonical_tags(ctx, as_names(value, "tag"))
            resolved.setdefault("tags", []).extend(tags)
            test = lookups.has_tags(tags)
            return lambda t: test(t.tenant_tags)
        if key == "name":
            names = {n.lower() for n in as_names(value, "name")}
            return lambda t: t.name.lower() in names
        if key == "partial_name":
            part = str(value).lower()
            return lambda t: part in t.name.lower()
        if key == "is_disabled":
            wanted = bool(value)
            if wanted and not ctx.require("disabled tenants", "selecting disabled tenants"):
                return lambda t: False
            return lambda t: t.is_disabled == wanted
        if key == "project":
            found = ctx.find("projects", Project, str(value), "project")
            resolved.setdefault("projectId", []).extend([found.id] if found else [])
            return lambda t: found is not None and found.id in t.project_environments
        env = ctx.find("environments", Environment, str(value), "environment")
        return lambda t: (
            env is not None and any(env.id in e for e in t.project_environments.values())
        )


def _candidates(ctx: PlanContext, params: dict[str, str]) -> list[Tenant]:
    """Every tenant, or only those ``GET tenants?tags=…&projectId=…`` answers when the
    criteria give a filter: fewer documents for one more request (the ``take=0`` count the
    wide check needs), e.g. Q1 on the demo reads 400 tenants in 2 requests instead of
    1,000 in 1. The criteria are tested again on what the server sends."""
    if not params:
        return ctx.models("tenants", Tenant)
    return ctx.matching_models("tenants", params, Tenant)


def _server_filter(resolved: dict[str, list[str]]) -> dict[str, str]:
    """``tags`` and ``projectId`` that every tenant the criteria select must match.

    UNCONFIRMED: how Octopus combines several ``tags`` on ``GET tenants`` (the sandbox does
    as tenant tag filters elsewhere: any tag within a tag set, every tag set). Only a tag
    that is the one wanted tag of its set is sent, so that rule, "all tags" and "any tag"
    all answer a superset of the selection.
    """
    by_set: dict[str, set[str]] = {}
    for tag in resolved.get("tags", []):
        by_set.setdefault(tag.split("/", 1)[0].lower(), set()).add(tag)
    tags = sorted(t for group in by_set.values() if len(group) == 1 for t in group)
    params = {"tags": ",".join(t for t in tags if "," not in t)}
    params["projectId"] = next(iter(resolved.get("projectId", [])), "")
    return {k: v for k, v in params.items() if v}


def _required(values: str | Iterable[str], verb: str) -> tuple[str, ...]:
    names = as_names(values, verb)
    if not names:
        raise UsageError(f"tenants.{verb}() needs at least one name")
    return names
