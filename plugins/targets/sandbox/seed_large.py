"""What ``demo-large`` adds to the demo's targets: 900 more, 1,000 in all.

The demo's layout nine times over (same environments, roles and endpoint styles
in the same proportions), numbered from 100 (``prod-web-100``) so no name meets
a demo one; every tenth is open to tenants tagged with its region.
"""

from __future__ import annotations

import random

from octoflow_plugins.targets.sandbox.machines import MACHINES
from octoflow_plugins.targets.sandbox.seed import ENVIRONMENTS, LAYOUT, _insert, _target

from octoflow.sandbox.area import State

TIMES = 9
REGIONS = ("Region/EU", "Region/US", "Region/APAC")


def seed_large_targets(state: State) -> None:
    rng = random.Random("octoflow-demo-large-targets")
    for env_name, role, count, styles in LAYOUT:
        short, env_id = ENVIRONMENTS[env_name]
        for n in range(100, 100 + count * TIMES):
            name = f"{short}-{role}-{n:03d}"
            fields = _target(name, role, env_id, styles[n % len(styles)], rng)
            if n % 10 == 0:
                fields.update(
                    TenantedDeploymentParticipation="TenantedOrUntenanted",
                    TenantTags=[REGIONS[n // 10 % len(REGIONS)]],
                )
            _insert(state, MACHINES, fields)
