"""What ``demo-large`` adds to the demo's tenants: 9,000 more, 10,000 in all.

Deterministic, and spread as the demo's are: 40% EU, 35% US, 25% APAC (so
4,000 Region/EU tenants in all), tiers in the demo's proportions, 1% disabled.
A share is connected to the demo's tenanted projects, so selections by project
and by tag meet both connected and unconnected tenants.
"""

from __future__ import annotations

import random

from octoflow_plugins.tenants.sandbox.seed import FIRST, SECOND, SUFFIXES

from octoflow.sandbox.area import Resource, State, slugify

SPACE_ID = "Spaces-1"
EXTRA = 9000
REGIONS = ("EU",) * 40 + ("US",) * 35 + ("APAC",) * 25
TIERS = ("Gold",) * 20 + ("Silver",) * 35 + ("Bronze",) * 30 + (None,) * 15
#: (project, environments, region, one tenant in how many of that region)
CONNECTIONS = (
    ("Projects-2", ["Environments-2", "Environments-4"], "US", 4),
    ("Projects-5", ["Environments-3", "Environments-4"], "EU", 5),
    ("Projects-6", ["Environments-2", "Environments-3", "Environments-4"], "EU", 7),
    ("Projects-11", ["Environments-4"], "APAC", 6),
)


def seed_large_tenants(state: State, tenants_resource: Resource) -> None:
    rng = random.Random("octoflow-demo-large-tenants")
    for n in range(EXTRA):
        region, tier = rng.choice(REGIONS), rng.choice(TIERS)
        # numbered store names keep 9,000 company-like names unique
        name = (
            f"{rng.choice(FIRST)} {rng.choice(SECOND)} {n + 1:04d} {rng.choice(SUFFIXES[region])}"
        )
        tags = [f"Region/{region}"] + ([f"Tier/{tier}"] if tier else [])
        tenants_resource.insert(
            state,
            SPACE_ID,
            {
                "Name": name,
                "Slug": slugify(name),
                "TenantTags": tags,
                "IsDisabled": n % 100 == 99,
                "ProjectEnvironments": _connections(region, n),
            },
        )


def _connections(region: str, n: int) -> dict[str, list[str]]:
    return {
        project: list(envs)
        for project, envs, wanted, every in CONNECTIONS
        if region == wanted and n % every == 0
    }
