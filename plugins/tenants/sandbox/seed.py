"""The demo seed's 1000 tenants, their tags, connections and a few variable values.

Deterministic: a fixed ``random.Random`` shuffles fixed lists, so the counts
are exact and every build is identical. Facts other tests rely on:

* 1000 tenants, ``Tenants-1`` … ``Tenants-1000``, company-like unique names;
* Region: exactly 400 EU, 350 US, 250 APAC (one each); Tier: 200 Gold,
  350 Silver, 300 Bronze, 150 without a tier;
* 40 EU tenants are connected to Customer Portal in Test only;
  25 APAC tenants to Customer Portal in all four environments;
  60 US tenants to Billing API in Test and Production;
  30 EU tenants to Mobile Backend in Staging and Production;
  10 tenants to Internal Tools in Development;
  15 EU tenants to Notification Service in Test, Staging and Production;
  8 APAC tenants to Search Service in Production (both projects are tenanted or
  untenanted and own a published runbook: a common shape of real instances);
* 12 tenants are disabled.
"""

from __future__ import annotations

import random

from octoflow_plugins.tenants.sandbox.variables import new_item, store

from octoflow.sandbox.area import SENSITIVE, Doc, Resource, State, slugify

SPACE_ID = "Spaces-1"
TENANT_COUNT = 1000
FIRST = (
    "Acme",
    "Apex",
    "Arctic",
    "Aurora",
    "Beacon",
    "Bluebird",
    "Brightwater",
    "Cascade",
    "Cedar",
    "Cobalt",
    "Copperfield",
    "Crescent",
    "Crystal",
    "Delta",
    "Eastwind",
    "Emerald",
    "Evergreen",
    "Falcon",
    "Goldcrest",
    "Granite",
    "Harbor",
    "Horizon",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Maple",
    "Meridian",
    "Northwind",
    "Oakridge",
    "Pacific",
    "Pinnacle",
    "Quantum",
    "Redwood",
    "Riverbend",
    "Sapphire",
    "Silverline",
    "Summit",
    "Titan",
    "Vertex",
)
SECOND = (
    "Analytics",
    "Bank",
    "Bakeries",
    "Biotech",
    "Builders",
    "Cargo",
    "Clinics",
    "Consulting",
    "Dental",
    "Energy",
    "Engineering",
    "Farms",
    "Fitness",
    "Foods",
    "Freight",
    "Health",
    "Hotels",
    "Insurance",
    "Labs",
    "Legal",
    "Logistics",
    "Media",
    "Motors",
    "Outfitters",
    "Pharma",
    "Realty",
    "Retail",
    "Robotics",
    "Software",
    "Travel",
)
SUFFIXES = {
    "EU": ("GmbH", "B.V.", "SARL", "Ltd", "AB", "S.p.A.", "Oy", "ApS"),
    "US": ("Inc.", "LLC", "Corp.", "Co."),
    "APAC": ("Pty Ltd", "Pte. Ltd.", "K.K.", "Ltd."),
}
REGIONS = ("EU",) * 400 + ("US",) * 350 + ("APAC",) * 250
TIERS = ("Gold",) * 200 + ("Silver",) * 350 + ("Bronze",) * 300 + (None,) * 150
# (project, environments, region the tenants come from, how many)
CONNECTIONS = (
    ("Projects-1", ["Environments-2"], "EU", 40),
    (
        "Projects-1",
        ["Environments-1", "Environments-2", "Environments-3", "Environments-4"],
        "APAC",
        25,
    ),
    ("Projects-2", ["Environments-2", "Environments-4"], "US", 60),
    ("Projects-5", ["Environments-3", "Environments-4"], "EU", 30),
    ("Projects-4", ["Environments-1"], None, 10),
    # Added after the others, so the connections above stay as they were.
    ("Projects-6", ["Environments-2", "Environments-3", "Environments-4"], "EU", 15),
    ("Projects-11", ["Environments-4"], "APAC", 8),
)
DISABLED_COUNT = 12


def seed_demo_tenants(state: State, tenants_resource: Resource) -> None:
    rng = random.Random("octoflow-demo-tenants")
    regions, tiers = list(REGIONS), list(TIERS)
    rng.shuffle(regions)
    rng.shuffle(tiers)
    names = _names(rng)
    disabled = set(rng.sample(range(TENANT_COUNT), DISABLED_COUNT))
    tenants = []
    for n, (name, region, tier) in enumerate(zip(names, regions, tiers, strict=True)):
        tags = [f"Region/{region}"] + ([f"Tier/{tier}"] if tier else [])
        full_name = f"{name} {rng.choice(SUFFIXES[region])}"
        tenants.append(
            tenants_resource.insert(
                state,
                SPACE_ID,
                {
                    "Name": full_name,
                    "Slug": slugify(full_name),
                    "TenantTags": tags,
                    "IsDisabled": n in disabled,
                },
            )
        )
    _connect(state, rng, tenants, regions)


def _names(rng: random.Random) -> list[str]:
    combos = [f"{a} {b}" for a in FIRST for b in SECOND]
    rng.shuffle(combos)
    return combos[:TENANT_COUNT]


def _connect(state: State, rng: random.Random, tenants: list[Doc], regions: list[str]) -> None:
    taken: set[int] = set()
    for project_id, envs, region, count in CONNECTIONS:
        pool = [
            n for n, r in enumerate(regions) if (region is None or r == region) and n not in taken
        ]
        for n in sorted(rng.sample(pool, count)):
            taken.add(n)
            tenants[n]["ProjectEnvironments"][project_id] = list(envs)
    for tenant in tenants:
        if "Projects-1" in tenant["ProjectEnvironments"]:
            _portal_values(state, tenant)


def _portal_values(state: State, tenant: Doc) -> None:
    """Customer Portal tenants have a host name, a contact email and (some) an API key."""
    portal = state.require("Projects", "Projects-1")
    settings = state.require("LibraryVariableSets", "LibraryVariableSets-1")
    hostname, _theme = portal["Templates"]
    email, _tier, api_key = settings["Templates"]
    envs = tenant["ProjectEnvironments"]["Projects-1"]
    values = store(state, tenant, create=True)
    slug = tenant["Slug"]
    scope = ["Environments-2"] if envs == ["Environments-2"] else []
    values["Project"].append(
        new_item(
            state, "project", "Projects-1", hostname["Id"], f"{slug}.portal.example.com", scope
        )
    )
    values["Common"].append(
        new_item(
            state, "common", "LibraryVariableSets-1", email["Id"], f"ops@{slug}.example.com", []
        )
    )
    if len(envs) > 1:
        values["Common"].append(
            new_item(state, "common", "LibraryVariableSets-1", api_key["Id"], dict(SENSITIVE), [])
        )
    state.stamp(values)
