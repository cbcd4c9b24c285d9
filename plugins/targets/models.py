"""Typed views of targets, workers, worker pools and machine policies.

Plain attrs classes like :mod:`octoflow.models`; the endpoint stays a wire-form
dict because its fields depend on its ``CommunicationStyle``.
"""

from __future__ import annotations

from typing import Any

import attrs

from octoflow.provider import Named

HEALTH_STATUSES = ("Healthy", "Unavailable", "Unknown", "HasWarnings", "Unhealthy")
PARTICIPATION = ("Untenanted", "TenantedOrUntenanted", "Tenanted")
#: Communication styles by the names people use for them (and their own names).
STYLE_ALIASES = {
    "listening": "TentaclePassive",
    "polling": "TentacleActive",
    "ssh": "Ssh",
    "kubernetes": "Kubernetes",
    "cloud-region": "None",
    "offline-drop": "OfflineDrop",
    "azure-web-app": "AzureWebApp",
    "azure-cloud-service": "AzureCloudService",
    "azure-service-fabric": "AzureServiceFabricCluster",
    "ftp": "Ftp",
    "step-package": "StepPackage",
    "kubernetes-agent": "KubernetesTentacle",
    "ecs": "AwsEcsCluster",
}
STYLE_NAMES = {style: alias for alias, style in STYLE_ALIASES.items()}


@attrs.define(kw_only=True)
class Machine(Named):
    """What targets and workers share."""

    machine_policy_id: str | None = None
    is_disabled: bool = False
    health_status: str = "Unknown"
    endpoint: dict[str, Any] = attrs.field(factory=dict)

    @property
    def communication_style(self) -> str:
        return str((self.endpoint or {}).get("CommunicationStyle") or "")


@attrs.define(kw_only=True)
class Target(Machine):
    """A deployment target (``/machines``)."""

    roles: list[str] = attrs.field(factory=list)
    environment_ids: list[str] = attrs.field(factory=list)
    tenant_ids: list[str] = attrs.field(factory=list)
    tenant_tags: list[str] = attrs.field(factory=list)
    tenanted_deployment_participation: str = "Untenanted"


@attrs.define(kw_only=True)
class Worker(Machine):
    worker_pool_ids: list[str] = attrs.field(factory=list)


@attrs.define(kw_only=True)
class MachinePolicy(Named):
    is_default: bool = False
