"""``octo.workers``: select workers and move them between worker pools.

Examples::

    octo.workers.where(pool="Default Worker Pool", comm_style="ssh").add_to_pool("Linux Workers")
    octo.workers.where(health="Unhealthy").remove_from_pool("Default Worker Pool")

A worker belongs to at least one static pool: a change that would leave it in
none is a plan error, and dynamic pools cannot take workers.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from octoflow_plugins.targets import resolve
from octoflow_plugins.targets.kinds import WORKER
from octoflow_plugins.targets.machines import COMMON_KEYS, MachineSelection, Test, required
from octoflow_plugins.targets.models import Worker
from octoflow_plugins.targets.verbs import AddToPool, RemoveFromPool

from octoflow.provider import PlanContext, as_names


@attrs.frozen
class Workers(MachineSelection):
    collection: ClassVar[str] = "workers"
    criteria_keys: ClassVar[frozenset[str]] = COMMON_KEYS | {"pool"}
    kind: ClassVar[str] = WORKER
    segment: ClassVar[str] = "workers"
    model: ClassVar[type[Worker]] = Worker

    def add_to_pool(self, *pools: str) -> Workers:
        """Add the workers to static worker pools (by name or id)."""
        return self._with_verb(AddToPool(required(pools, "workers.add_to_pool")))

    def remove_from_pool(self, *pools: str) -> Workers:
        return self._with_verb(RemoveFromPool(required(pools, "workers.remove_from_pool")))

    def _own_test(self, ctx: PlanContext, key: str, value: Any) -> Test:
        pool_ids = set(resolve.worker_pool_ids(ctx, as_names(value, key), adding=False))
        return lambda w: bool(pool_ids & set(w.worker_pool_ids))
