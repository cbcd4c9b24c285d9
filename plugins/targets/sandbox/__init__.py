"""The targets provider's sandbox area: deployment targets, machine roles, machine
policies, worker pools and workers (REFERENCE §5.1, §5.3, §5.5).

Like a fresh server, every space has a ``Default Machine Policy`` and a
``Default Worker Pool``. Targets stay consistent when other documents go away:
a deleted environment or tenant leaves the targets that named it, and renamed or
removed tags are renamed or removed on targets too.
"""

from __future__ import annotations

from collections.abc import Callable

from octoflow_plugins.targets.sandbox import policies, summary, workers
from octoflow_plugins.targets.sandbox.endpoints import connection
from octoflow_plugins.targets.sandbox.machines import (
    MACHINE_QUERY,
    MACHINES,
    distinct,
    environment_machines,
    machine_roles,
)
from octoflow_plugins.targets.sandbox.seed import seed_demo_targets
from octoflow_plugins.targets.sandbox.seed_large import seed_large_targets

from octoflow.sandbox.area import Doc, Request, Router, State, is_demo, is_large, register

SPACE_ID = "Spaces-1"


def forget(collection: str, field: str) -> Callable[[Request, Doc | None, Doc | None], None]:
    """A listener removing a deleted document's id from every target's ``field``."""

    def listener(req: Request, old: Doc | None, new: Doc | None) -> None:
        if new is not None or old is None:
            return
        for machine in req.state.values("Machines", old["SpaceId"]):
            if old["Id"] in machine.get(field, []):
                machine[field] = [i for i in machine[field] if i != old["Id"]]

    listener.__name__ = f"forget_{collection.lower()}"
    return listener


def follow_tags(req: Request, old: Doc | None, new: Doc | None) -> None:
    """Renamed tags are renamed on targets; removed tags are removed from them."""
    if old is None:
        return
    new_names = {t["Id"]: t["CanonicalTagName"] for t in (new or {}).get("Tags") or []}
    renamed = {t["CanonicalTagName"]: new_names.get(t["Id"]) for t in old.get("Tags") or []}
    for machine in req.state.values("Machines", old["SpaceId"]):
        tags = machine.get("TenantTags") or []
        if any(t in renamed for t in tags):
            kept = [renamed.get(t, t) for t in tags]
            machine["TenantTags"] = [t for t in kept if t is not None]


def furnish_space(req: Request, old: Doc | None, new: Doc | None) -> None:
    """A new space gets its default machine policy and default worker pool."""
    if old is None and new is not None:
        policies.insert_default(req.state, new["Id"])
        workers.insert_default_pool(req.state, new["Id"])


class TargetsArea:
    """Targets, roles, policies, pools and workers for the sandbox; see the module docstring."""

    name = "targets"

    def register_routes(self, router: Router) -> None:
        policies.register_routes(router)
        workers.register_routes(router)
        router.space("GET", "/machineroles/all", machine_roles)
        router.space("GET", "/machines/operatingsystem/names/all", distinct("OperatingSystem"))
        router.space("GET", "/machines/operatingsystem/shells/all", distinct("ShellName"))
        register(router, MACHINES)
        router.space(
            "GET", "/machines/{id}/connection", lambda req: connection(req, MACHINES.get_one(req))
        )
        router.space("GET", "/environments/{id}/machines", environment_machines)
        summary.register_routes(router)
        router.on_change("Environments", forget("Environments", "EnvironmentIds"))
        router.on_change("Tenants", forget("Tenants", "TenantIds"))
        router.on_change("TagSets", follow_tags)
        router.on_change("Spaces", furnish_space)
        router.link("Machines", "/machines{/id}" + MACHINE_QUERY)
        router.link("MachineRoles", "/machineroles/all")
        router.link("MachineOperatingSystems", "/machines/operatingsystem/names/all")
        router.link("MachineShells", "/machines/operatingsystem/shells/all")

    def seed(self, state: State, seed: str) -> None:
        policies.insert_default(state, SPACE_ID)
        workers.insert_default_pool(state, SPACE_ID)
        if is_demo(seed):
            seed_demo_targets(state)
        if is_large(seed):
            seed_large_targets(state)
