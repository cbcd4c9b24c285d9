"""Lifecycle progression: where a release may be deployed now (REFERENCE §6.3, §8.1).

A release follows its channel's lifecycle, else its project's. Phases are
taken in order; a phase is *complete* once the release has a successful
deployment (its task in ``ServerTasks`` has ``State`` ``Success``) to at least
``MinimumEnvironmentsBeforePromotion`` of the phase's environments (0 meaning
all of them, automatic and optional). A release may go to every environment of
every phase up to and including the first incomplete phase that is not
optional (``IsOptionalPhase`` phases never block), and may be redeployed
anywhere it has been deployed before.

A lifecycle without phases follows Octopus's default convention (docs,
"Lifecycles › No phases"): one phase per environment of the space, in the
environments' order, each to be deployed to before the next.

Tenants (Octopus issues #2792, #4707): a tenant's progression counts only that
tenant's deployments in the phases where the tenant is connected to an
environment; a phase holding none of the tenant's environments counts every
deployment of the release (any tenant, or untenanted). The tenant may only
deploy to environments it is connected to for the release's project. Without a
tenant, progression counts every deployment of the release.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from octoflow_plugins.deployments.sandbox.taskrun import refresh_task

from octoflow.sandbox.area import State

Doc = dict[str, Any]
SUCCESS = "Success"


@dataclass(frozen=True)
class PhaseState:
    """One phase of a release's lifecycle, as it stands for one tenant (or none)."""

    phase: Doc
    environment_ids: tuple[str, ...]  # the phase's environments, in environment order
    succeeded: tuple[str, ...]  # of those, where the release was deployed successfully
    required: int  # successful environments needed to complete the phase
    reached: bool  # the release may be deployed to this phase's environments
    complete: bool

    @property
    def progress(self) -> str:
        """``Complete``, ``Current`` (reached, not complete) or ``Pending`` (PhaseProgress)."""
        if self.complete:
            return "Complete"
        return "Current" if self.reached else "Pending"


def lifecycle_of(state: State, release: Doc) -> Doc | None:
    """The release's channel lifecycle, else its project's (None if neither exists)."""
    channel = state.get("Channels", release.get("ChannelId")) or {}
    project = state.get("Projects", release.get("ProjectId")) or {}
    return state.get("Lifecycles", channel.get("LifecycleId") or project.get("LifecycleId"))


def phases_of(state: State, lifecycle: Doc) -> list[Doc]:
    """The lifecycle's phases; without phases, one per environment (the default convention)."""
    if lifecycle.get("Phases"):
        return list(lifecycle["Phases"])
    return [
        {
            "Id": None,
            "Name": env["Name"],
            "AutomaticDeploymentTargets": [],
            "OptionalDeploymentTargets": [env["Id"]],
            "MinimumEnvironmentsBeforePromotion": 0,
            "IsOptionalPhase": False,
        }
        for env in state.environments_in_order(lifecycle["SpaceId"])
    ]


def release_deployments(state: State, release: Doc) -> list[Doc]:
    """Every deployment of the release (collection ``Deployments``)."""
    return [
        d
        for d in state.values("Deployments", release.get("SpaceId"))
        if d.get("ReleaseId") == release["Id"]
    ]


def task_of(state: State, deployment: Doc) -> Doc | None:
    """The deployment's server task, brought up to date with the task schedule first."""
    task = state.get("ServerTasks", deployment.get("TaskId"))
    return refresh_task(state, task) if task is not None else None


def is_successful(state: State, deployment: Doc) -> bool:
    return (task_of(state, deployment) or {}).get("State") == SUCCESS


def tenant_environment_ids(state: State, project_id: str, tenant_id: str) -> set[str]:
    """Environments the tenant is connected to for the project (empty if none or no tenant)."""
    tenant = state.get("Tenants", tenant_id) or {}
    return set((tenant.get("ProjectEnvironments") or {}).get(project_id) or [])


def phase_environments(state: State, release: Doc) -> list[tuple[Doc, tuple[str, ...]]]:
    """Each phase of the release's lifecycle with its environments, in environment order."""
    lifecycle = lifecycle_of(state, release)
    if lifecycle is None:
        return []
    order = [e["Id"] for e in state.environments_in_order(lifecycle["SpaceId"])]
    out = []
    for phase in phases_of(state, lifecycle):
        named = set(phase.get("AutomaticDeploymentTargets") or [])
        named.update(phase.get("OptionalDeploymentTargets") or [])
        out.append((phase, tuple(e for e in order if e in named)))
    return out


def phase_states(
    state: State,
    release: Doc,
    tenant_id: str | None = None,
    deployments: list[Doc] | None = None,
) -> list[PhaseState]:
    """Every phase of the release's lifecycle with its progress (for ``tenant_id``);
    ``deployments``: the release's, when the caller has them already."""
    if deployments is None:
        deployments = release_deployments(state, release)
    everyone = {d["EnvironmentId"] for d in deployments if is_successful(state, d)}
    own = {
        d["EnvironmentId"]
        for d in deployments
        if d.get("TenantId") == tenant_id and is_successful(state, d)
    }
    connected = (
        tenant_environment_ids(state, release["ProjectId"], tenant_id) if tenant_id else set()
    )
    out: list[PhaseState] = []
    blocked = False
    for phase, envs in phase_environments(state, release):
        counted, pool = _counted(envs, connected, own, everyone, tenant_id)
        minimum = phase.get("MinimumEnvironmentsBeforePromotion") or 0
        required = min(minimum, len(counted)) if minimum > 0 else len(counted)
        succeeded = tuple(e for e in envs if e in pool)
        done = sum(1 for e in counted if e in pool) >= required
        out.append(PhaseState(phase, envs, succeeded, required, not blocked, done))
        if not done and not phase.get("IsOptionalPhase"):
            blocked = True
    return out


def _counted(
    envs: tuple[str, ...],
    connected: set[str],
    own: set[str],
    everyone: set[str],
    tenant_id: str | None,
) -> tuple[tuple[str, ...], set[str]]:
    """The environments that count toward a phase and the successes counted there."""
    if tenant_id is None:
        return envs, everyone
    mine = tuple(e for e in envs if e in connected)
    if mine:
        return mine, own
    return envs, everyone


def allowed_environment_ids(
    state: State, release: Doc, tenant_id: str | None, deployments: list[Doc] | None = None
) -> list[str]:
    """The environments (ids, lifecycle order) the release may be deployed to now.

    For a tenant, only environments the tenant is connected to for the release's
    project are returned. ``deployments``: the release's, when the caller has them
    already (the deployment template asks once per tenant).
    """
    if deployments is None:
        deployments = release_deployments(state, release)
    phases = phase_states(state, release, tenant_id, deployments)
    allowed = {e for item in phases if item.reached for e in item.environment_ids}
    allowed.update(
        d.get("EnvironmentId")
        for d in deployments
        if tenant_id is None or d.get("TenantId") == tenant_id
    )
    if tenant_id is not None:
        allowed &= tenant_environment_ids(state, release["ProjectId"], tenant_id)
    ranked = [e for item in phases for e in item.environment_ids]
    ranked += [e["Id"] for e in state.environments_in_order(release.get("SpaceId") or "")]
    return [e for e in dict.fromkeys(ranked) if e in allowed]
