"""Typed views of the Octopus documents octoflow works with.

Plain attrs classes with snake_case attributes; :mod:`octoflow.client.wire`
converts them from and to the server's PascalCase JSON. Every model carries
``extra`` (fields octoflow does not model, sent back untouched) and ``sent``
(which wire keys the server sent). Build them with ``from_wire``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import attrs

from octoflow.client import wire

M = TypeVar("M", bound="Model")


@attrs.define(kw_only=True)
class Model:
    id: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    sent: frozenset[str] = attrs.field(default=frozenset(), repr=False, eq=False)

    @classmethod
    def from_wire(cls: type[M], data: dict[str, Any]) -> M:
        return wire.structure(cls, data)

    def to_wire(self) -> dict[str, Any]:
        return wire.unstructure(self)


@attrs.define(kw_only=True)
class Named(Model):
    name: str = ""
    slug: str | None = None
    description: str | None = None
    space_id: str | None = None


@attrs.define(kw_only=True)
class Space(Named):
    is_default: bool = False


@attrs.define(kw_only=True)
class Environment(Named):
    sort_order: int = 0
    use_guided_failure: bool = False


@attrs.define(kw_only=True)
class Phase(Model):
    name: str = ""
    automatic_deployment_targets: list[str] = attrs.field(factory=list)
    optional_deployment_targets: list[str] = attrs.field(factory=list)
    is_optional_phase: bool = False


@attrs.define(kw_only=True)
class Lifecycle(Named):
    phases: list[Phase] = attrs.field(factory=list)

    def environment_ids(self, all_environment_ids: list[str]) -> list[str]:
        """Environments the lifecycle can deploy to; no phases means all of them."""
        if not self.phases:
            return list(all_environment_ids)
        ids: list[str] = []
        for phase in self.phases:
            for env in phase.automatic_deployment_targets + phase.optional_deployment_targets:
                if env not in ids:
                    ids.append(env)
        return ids

    def first_environment_ids(self, all_environment_ids: list[str]) -> list[str]:
        """Where a release with no deployments yet may go: the first phase's environments,
        and the next phase's while the phases before are optional (no phases: anywhere)."""
        if not self.phases:
            return list(all_environment_ids)
        ids: list[str] = []
        for phase in self.phases:
            ids += phase.automatic_deployment_targets + phase.optional_deployment_targets
            if not phase.is_optional_phase:
                break
        return list(dict.fromkeys(ids))


@attrs.define(kw_only=True)
class ProjectGroup(Named):
    pass


@attrs.define(kw_only=True)
class VariableTemplate(Model):
    name: str = ""
    label: str | None = None
    help_text: str | None = None
    default_value: Any = None
    display_settings: dict[str, Any] = attrs.field(factory=dict)

    @property
    def is_sensitive(self) -> bool:
        return self.display_settings.get("Octopus.ControlType") == "Sensitive"


@attrs.define(kw_only=True)
class Project(Named):
    project_group_id: str | None = None
    lifecycle_id: str | None = None
    tenanted_deployment_mode: str = "Untenanted"
    is_disabled: bool = False
    is_version_controlled: bool = False
    included_library_variable_set_ids: list[str] = attrs.field(factory=list)
    templates: list[VariableTemplate] = attrs.field(factory=list)

    @property
    def allows_tenants(self) -> bool:
        return self.tenanted_deployment_mode != "Untenanted"


@attrs.define(kw_only=True)
class Channel(Named):
    project_id: str | None = None
    lifecycle_id: str | None = None
    is_default: bool = False


@attrs.define(kw_only=True)
class Tag(Model):
    name: str = ""
    canonical_tag_name: str | None = None
    color: str | None = None
    description: str | None = None
    sort_order: int = 0


@attrs.define(kw_only=True)
class TagSet(Named):
    tags: list[Tag] = attrs.field(factory=list)
    scopes: list[str] | None = None
    sort_order: int = 0

    @property
    def scoped_to_tenants(self) -> bool:
        """Older servers have no ``Scopes``: every tag set applies to tenants there."""
        return self.scopes is None or "Tenant" in self.scopes


@attrs.define(kw_only=True)
class LibraryVariableSet(Named):
    templates: list[VariableTemplate] = attrs.field(factory=list)


@attrs.define(kw_only=True)
class Tenant(Named):
    tenant_tags: list[str] = attrs.field(factory=list)
    project_environments: dict[str, list[str]] = attrs.field(factory=dict)
    is_disabled: bool = False


@attrs.define(kw_only=True)
class WorkerPool(Named):
    """A worker pool: targets put workers in them, deployment steps run on them."""

    is_default: bool = False
    worker_pool_type: str = "StaticWorkerPool"
    can_add_workers: bool = True
    worker_type: str | None = None
