"""``octo.tenants``: select tenants and say what should change about them.

Examples::

    octo.tenants.where(tag="Region/EU").add_project("Customer Portal", environments=["Test"])
    octo.tenants.where(tag=["Region/EU", "Tier/Gold"]).add_tag("Support/Priority")
    octo.tenants.where(partial_name="Acme").set_variable("Support Email", "ops@acme.example")

Tag criteria follow Octopus: tags of one tag set are ORed, tag sets are ANDed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

import attrs
from octoflow_plugins.tenants import resolve
from octoflow_plugins.tenants.ensure import EnsureTenant
from octoflow_plugins.tenants.kinds import TENANT, VARIABLES

from octoflow.dsl.selection import Selection, as_names, optional_names, selects_note
from octoflow.errors import UsageError
from octoflow.models import Environment, Project, Tenant
from octoflow.plan.compiler import Edit
from octoflow.plan.context import PlanContext
from octoflow.plan.model import Intent

#: Turns one tenant into the intents a verb wants for it, per document kind.
PerTenant = Callable[[Tenant], dict[str, list[Intent]]]


@attrs.frozen
class Tenants(Selection):
    collection: ClassVar[str] = "tenants"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {"tag", "name", "partial_name", "project", "environment", "is_disabled"}
    )

    # -- verbs -----------------------------------------------------------------

    def add_project(self, project: str, environments: str | Iterable[str] | None = None) -> Tenants:
        """Connect to ``project`` in ``environments`` (default: all in its lifecycle)."""
        return self._with_verb(
            "add_project",
            project=project,
            environments=optional_names(
                environments, "environments", "every environment of the project's lifecycle"
            ),
        )

    def remove_project(self, project: str) -> Tenants:
        """Disconnect from ``project`` (Octopus deletes the tenant's values for it)."""
        return self._with_verb("remove_project", project=project)

    def add_environments(self, project: str, environments: str | Iterable[str]) -> Tenants:
        """Add environments to an already connected project."""
        return self._with_verb(
            "add_environments",
            project=project,
            environments=_required(environments, "add_environments"),
        )

    def remove_environments(self, project: str, environments: str | Iterable[str]) -> Tenants:
        return self._with_verb(
            "remove_environments",
            project=project,
            environments=_required(environments, "remove_environments"),
        )

    def add_tag(self, *tags: str) -> Tenants:
        """Add canonical tags (``Set/Tag``)."""
        return self._with_verb("add_tag", tags=_required(tags, "add_tag"))

    def remove_tag(self, *tags: str) -> Tenants:
        return self._with_verb("remove_tag", tags=_required(tags, "remove_tag"))

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
        return self._with_verb(
            "set_variable",
            template=template,
            value=str(value),
            project=project,
            environments=optional_names(
                environments, "environments", "every environment the tenant is connected to"
            ),
        )

    def clear_variable(
        self,
        template: str,
        project: str | None = None,
        environments: str | Iterable[str] | None = None,
    ) -> Tenants:
        return self._with_verb(
            "clear_variable",
            template=template,
            project=project,
            environments=optional_names(
                environments, "environments", "every environment the tenant is connected to"
            ),
        )

    def delete(self) -> Tenants:
        """Delete every selected tenant (cannot be combined with other verbs)."""
        if self.verbs:
            raise UsageError(
                "tenants.delete() cannot follow other verbs: deleted tenants cannot also be changed"
            )
        return self._with_verb("delete")

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
        per_tenant = [self._resolve_verb(ctx, verb.name, dict(verb.args)) for verb in self.verbs]
        if ctx.problems:
            return []
        ctx.note(selects_note("tenant", len(selected), len(ctx.documents("tenants"))))
        if any(v.name == "delete" for v in self.verbs):
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
        tenants = ctx.models("tenants", Tenant)
        for criterion in self.criteria:
            test = self._test(ctx, criterion.key, criterion.value)
            tenants = [t for t in tenants if test(t)]
        return tenants

    def _test(self, ctx: PlanContext, key: str, value: Any) -> Callable[[Tenant], bool]:
        if key == "predicate":
            return value  # type: ignore[no-any-return]
        if key == "tag":
            return _has_tags(resolve.canonical_tags(ctx, as_names(value, "tag")))
        if key == "name":
            names = {n.lower() for n in as_names(value, "name")}
            return lambda t: t.name.lower() in names
        if key == "partial_name":
            part = str(value).lower()
            return lambda t: part in t.name.lower()
        if key == "is_disabled":
            return lambda t: t.is_disabled == bool(value)
        if key == "project":
            found = ctx.find("projects", Project, str(value), "project")
            return lambda t: found is not None and found.id in t.project_environments
        env = ctx.find("environments", Environment, str(value), "environment")
        return lambda t: (
            env is not None and any(env.id in e for e in t.project_environments.values())
        )

    # -- verbs → per-tenant intents ---------------------------------------------

    def _resolve_verb(self, ctx: PlanContext, name: str, args: dict[str, Any]) -> PerTenant:
        return getattr(self, f"_resolve_{name}")(ctx, **args)  # type: ignore[no-any-return]

    def _resolve_delete(self, ctx: PlanContext) -> PerTenant:
        return _nothing  # deletes are planned as whole-document operations in plan()

    def _resolve_add_project(
        self, ctx: PlanContext, project: str, environments: Sequence[str]
    ) -> PerTenant:
        found = resolve.tenanted_project(ctx, project)
        if found is None:
            resolve.environment_ids(ctx, environments)  # report bad names now, too
            return _nothing
        env_ids = resolve.project_environment_ids(ctx, found, environments)
        names = ", ".join(ctx.labels.get(e, e) for e in env_ids) or "no environments"
        intent = Intent(
            "tenant.connect_project",
            {"project_id": found.id, "environment_ids": env_ids},
            f"connect to {found.name} in {names}",
            f"already connected to {found.name} in {names}",
        )
        return lambda tenant: {TENANT: [intent]}

    def _resolve_remove_project(self, ctx: PlanContext, project: str) -> PerTenant:
        found = ctx.find("projects", Project, project, "project")
        if found is None:
            return _nothing
        intent = Intent(
            "tenant.disconnect_project",
            {"project_id": found.id},
            f"disconnect from {found.name}",
            f"not connected to {found.name}",
        )
        return lambda tenant: {TENANT: [intent]}

    def _resolve_add_environments(
        self, ctx: PlanContext, project: str, environments: Sequence[str]
    ) -> PerTenant:
        found = resolve.tenanted_project(ctx, project)
        if found is None:
            resolve.environment_ids(ctx, environments)
            return _nothing
        env_ids = resolve.project_environment_ids(ctx, found, environments)
        names = ", ".join(ctx.labels.get(e, e) for e in env_ids)
        intent = Intent(
            "tenant.connect_project",
            {"project_id": found.id, "environment_ids": env_ids},
            f"add {names} to {found.name}",
            f"already in {names} for {found.name}",
        )
        return lambda t: {TENANT: [intent]} if found.id in t.project_environments else {}

    def _resolve_remove_environments(
        self, ctx: PlanContext, project: str, environments: Sequence[str]
    ) -> PerTenant:
        found = ctx.find("projects", Project, project, "project")
        env_ids = resolve.environment_ids(ctx, environments)
        if found is None:
            return _nothing
        names = ", ".join(ctx.labels.get(e, e) for e in env_ids)
        intent = Intent(
            "tenant.remove_environments",
            {"project_id": found.id, "environment_ids": env_ids},
            f"remove {names} from {found.name}",
            f"not in {names} for {found.name}",
        )
        return lambda tenant: {TENANT: [intent]}

    def _resolve_add_tag(self, ctx: PlanContext, tags: Sequence[str]) -> PerTenant:
        canonical = resolve.canonical_tags(ctx, tags)
        intent = Intent(
            "tenant.add_tags",
            {"tags": canonical},
            f"tag {', '.join(canonical)}",
            f"already tagged {', '.join(canonical)}",
        )
        return lambda tenant: {TENANT: [intent]}

    def _resolve_remove_tag(self, ctx: PlanContext, tags: Sequence[str]) -> PerTenant:
        canonical = resolve.canonical_tags(ctx, tags)
        intent = Intent(
            "tenant.remove_tags",
            {"tags": canonical},
            f"untag {', '.join(canonical)}",
            f"not tagged {', '.join(canonical)}",
        )
        return lambda tenant: {TENANT: [intent]}

    def _resolve_set_variable(
        self,
        ctx: PlanContext,
        template: str,
        value: str,
        project: str | None,
        environments: Sequence[str],
    ) -> PerTenant:
        return self._variable_intents(ctx, template, value, project, environments)

    def _resolve_clear_variable(
        self, ctx: PlanContext, template: str, project: str | None, environments: Sequence[str]
    ) -> PerTenant:
        return self._variable_intents(ctx, template, None, project, environments)

    def _variable_intents(
        self,
        ctx: PlanContext,
        template: str,
        value: str | None,
        project: str | None,
        environments: Sequence[str],
    ) -> PerTenant:
        verb = "set" if value is not None else "clear"
        shown = f"{template} = {value!r}" if value is not None else f"clear {template}"
        if project is None:
            found = resolve.common_template(ctx, template)
            if found is None:
                return _nothing
            lvs_id, tmpl = found
            including = resolve.projects_including(ctx, lvs_id)
            ctx.note(
                f"common variables apply only to tenants connected to a project that "
                f"includes {ctx.labels.get(lvs_id, lvs_id)}; other tenants are skipped"
            )
            args = {"library_variable_set_id": lvs_id, "template_id": tmpl.id, "value": value}
            intent = Intent(f"tenant_variables.{verb}_common", args, shown, f"{shown}: already so")
            return lambda t: (
                {VARIABLES: [intent]} if including & set(t.project_environments) else {}
            )
        proj = ctx.find("projects", Project, project, "project")
        tmpl = resolve.project_template(ctx, proj, template) if proj else None
        env_ids = resolve.environment_ids(ctx, environments)
        if proj is None or tmpl is None:
            return _nothing

        def per_tenant(tenant: Tenant) -> dict[str, list[Intent]]:
            connected = tenant.project_environments.get(str(proj.id))
            if connected is None:
                return {}
            envs = env_ids or connected
            args = {
                "project_id": proj.id,
                "environment_ids": envs,
                "template_id": tmpl.id,
                "value": value,
            }
            return {
                VARIABLES: [
                    Intent(
                        f"tenant_variables.{verb}_project",
                        args,
                        f"{shown} for {proj.name}",
                        f"{shown}: already so",
                    )
                ]
            }

        return per_tenant


def _nothing(tenant: Tenant) -> dict[str, list[Intent]]:
    return {}


def _has_tags(tags: list[str]) -> Callable[[Tenant], bool]:
    """Octopus tag matching: any tag within one tag set, every tag set."""
    by_set: dict[str, set[str]] = {}
    for tag in tags:
        by_set.setdefault(tag.split("/", 1)[0].lower(), set()).add(tag.lower())

    def test(tenant: Tenant) -> bool:
        have = {t.lower() for t in tenant.tenant_tags}
        return all(have & wanted for wanted in by_set.values())

    return test


def _required(values: str | Iterable[str], verb: str) -> tuple[str, ...]:
    names = as_names(values, verb)
    if not names:
        raise UsageError(f"tenants.{verb}() needs at least one name")
    return names
