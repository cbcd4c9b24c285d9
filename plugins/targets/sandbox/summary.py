"""``GET /environments/summary`` (REFERENCE §5.2; EnvironmentsSummaryResource): each
environment with counts of its deployment targets by health, communication style,
tenant and tenant tag, and the same counts over all of them.

Environments are chosen by ``ids`` and ``partialName`` (and ``hideEmptyEnvironments``);
targets by the machine filters (``machinePartialName``, ``roles``, ``isDisabled``,
``healthStatuses``, ``commStyles``, ``tenantIds``, ``tenantTags``, ``shellNames``).
Sandbox targets never need a Tentacle or Calamari upgrade.
"""

from __future__ import annotations

from collections import Counter

from octoflow_plugins.targets.sandbox.endpoints import style_of
from octoflow_plugins.targets.sandbox.machines import MACHINES, target_filters

from octoflow.sandbox.area import Doc, Request, Router


def counts(machines: list[Doc]) -> Doc:
    tenants: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    for machine in machines:
        tenants.update(machine.get("TenantIds") or [])
        tags.update(machine.get("TenantTags") or [])
    return {
        "MachineEndpointSummaries": dict(Counter(style_of(m) for m in machines)),
        "MachineHealthStatusSummaries": dict(
            Counter(m.get("HealthStatus") or "Unknown" for m in machines)
        ),
        "MachineTenantSummaries": dict(tenants),
        "MachineTenantTagSummaries": dict(tags),
        "MachineIdsForCalamariUpgrade": [],
        "TentacleUpgradesRequired": False,
        "TotalDisabledMachines": sum(bool(m.get("IsDisabled")) for m in machines),
        "TotalMachines": len(machines),
    }


def _machines(req: Request) -> list[Doc]:
    items = target_filters(req, MACHINES.items(req))
    text = (req.query.get("machinePartialName") or "").lower()
    return [m for m in items if text in m["Name"].lower()]


def environments_summary(req: Request) -> Doc:
    machines = _machines(req)
    wanted = {i.lower() for i in req.query.getlist("ids")}
    text = (req.query.get("partialName") or "").lower()
    summaries = []
    for env in req.state.environments_in_order(req.space_id):
        if (wanted and env["Id"].lower() not in wanted) or text not in env["Name"].lower():
            continue
        mine = [m for m in machines if env["Id"] in (m.get("EnvironmentIds") or [])]
        if mine or not req.query.bool("hideEmptyEnvironments"):
            summary = {"Environment": env, **counts(mine), "MachineIdsForTentacleUpgrade": []}
            summaries.append(summary)
    return {"EnvironmentSummaries": summaries, **counts(machines)}


def register_routes(router: Router) -> None:
    router.space("GET", "/environments/summary", environments_summary)
