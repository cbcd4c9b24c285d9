"""Seeds, dump and reload, determinism, and the threaded server under load."""

from __future__ import annotations

import gc
import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from octoflow_plugins.tenants.sandbox import connections

from octoflow.sandbox import Sandbox
from octoflow.sandbox.core.tagsets import resolve_tags
from tests.sandbox.conftest import in_process


def test_demo_seed_is_deterministic(areas, demo):
    again = Sandbox(areas, seed="demo")
    assert json.dumps(again.dump()) == json.dumps(demo.dump())


def test_dump_and_reload_give_identical_state(areas, tmp_path):
    sandbox = Sandbox(areas, seed="demo")
    client = in_process(sandbox)
    client.post("/api/Spaces-1/tenants", {"Name": "Round Trip", "TenantTags": ["Tier/Gold"]})
    client.delete("/api/Spaces-1/tenants/Tenants-9")
    path = tmp_path / "state.json"
    sandbox.save(path)
    reloaded = Sandbox(areas, seed=path)
    assert reloaded.dump() == sandbox.dump()
    created = in_process(reloaded).post("/api/Spaces-1/tenants", {"Name": "After Reload"}).json()
    assert created["Id"] == "Tenants-1002", "id counters survive the round trip"


def test_reads_do_not_change_the_state(demo, api):
    before = json.dumps(demo.dump())
    for path in (
        "/api/Spaces-1/tenants/Tenants-1/variables",
        "/api/Spaces-1/tenantvariables/all",
        "/api/Spaces-1/tenants/variables-missing",
        "/api/Spaces-1/tenants/Tenants-1/commonvariables",
    ):
        api.json(path)
    assert json.dumps(demo.dump()) == before


def test_empty_seed_is_a_fresh_server(areas):
    client = in_process(Sandbox(areas, seed="empty"))
    space = client.json("/api/spaces/all")
    assert [(s["Id"], s["Name"], s["IsDefault"], s["Slug"]) for s in space] == [
        ("Spaces-1", "Default", True, "default")
    ]
    assert [(g["Id"], g["Name"]) for g in client.json("/api/Spaces-1/projectgroups/all")] == [
        ("ProjectGroups-1", "Default Project Group")
    ]
    lifecycles = client.json("/api/Spaces-1/lifecycles/all")
    assert [(lc["Id"], lc["Name"], lc["Phases"]) for lc in lifecycles] == [
        ("Lifecycles-1", "Default Lifecycle", [])
    ]
    for segment in ("environments", "projects", "tenants", "tagsets"):
        assert client.json(f"/api/Spaces-1/{segment}/all") == []


def test_demo_core_facts(api):
    envs = api.json("/api/Spaces-1/environments/all")
    assert [(e["Id"], e["Name"], e["SortOrder"]) for e in envs] == [
        ("Environments-1", "Development", 0),
        ("Environments-2", "Test", 1),
        ("Environments-3", "Staging", 2),
        ("Environments-4", "Production", 3),
    ]
    tag_sets = {t["Name"]: t for t in api.json("/api/Spaces-1/tagsets/all")}
    assert [t["CanonicalTagName"] for t in tag_sets["Region"]["Tags"]] == [
        "Region/EU",
        "Region/US",
        "Region/APAC",
    ]
    assert tag_sets["Region"]["Tags"][0]["Id"] == "TagSets-1/Tags-1"
    assert (tag_sets["Tier"]["Scopes"], tag_sets["Hosting"]["Scopes"]) == (
        ["Tenant"],
        ["Environment"],
    )
    everything = api.json("/api/Spaces-1/projects/all")
    # The core seeds Projects-1 to -14; the processes area adds more after them.
    projects = {p["Name"]: p for p in everything if int(p["Id"].split("-")[1]) <= 14}
    assert len(projects) == 14
    assert projects["Customer Portal"]["Id"] == "Projects-1"
    assert projects["Customer Portal"]["TenantedDeploymentMode"] == "Tenanted"
    assert projects["Billing API"]["TenantedDeploymentMode"] == "TenantedOrUntenanted"
    assert projects["Legacy Reporting"]["TenantedDeploymentMode"] == "Untenanted"
    assert projects["Internal Tools"]["LifecycleId"] == "Lifecycles-2"
    core_ids = {p["Id"] for p in projects.values()}
    channels = [c for c in api.json("/api/Spaces-1/channels/all") if c["ProjectId"] in core_ids]
    assert len(channels) == 14 and all(c["IsDefault"] and c["Name"] == "Default" for c in channels)
    settings = api.json("/api/Spaces-1/libraryvariablesets/all")
    assert [s["Name"] for s in settings] == ["Customer Settings"]


def test_demo_tenant_facts(api):
    tenants = api.json("/api/Spaces-1/tenants/all")
    assert len(tenants) == 1000 == len({t["Name"] for t in tenants})
    regions = Counter(tag for t in tenants for tag in t["TenantTags"] if tag.startswith("Region/"))
    assert regions == {"Region/EU": 400, "Region/US": 350, "Region/APAC": 250}
    assert all(sum(tag.startswith("Region/") for tag in t["TenantTags"]) == 1 for t in tenants)
    tiers = Counter(tag for t in tenants for tag in t["TenantTags"] if tag.startswith("Tier/"))
    assert tiers == {"Tier/Gold": 200, "Tier/Silver": 350, "Tier/Bronze": 300}
    eu_portal = [
        t
        for t in tenants
        if "Region/EU" in t["TenantTags"] and "Projects-1" in t["ProjectEnvironments"]
    ]
    assert len(eu_portal) == 40
    assert all(t["ProjectEnvironments"]["Projects-1"] == ["Environments-2"] for t in eu_portal)
    assert eu_portal[0]["Id"] == "Tenants-107", "the tenant other tests use"
    assert sum(t["IsDisabled"] for t in tenants) == 12


def test_every_seeded_tenant_is_valid(demo):
    state = demo.state
    for tenant in state.values("Tenants"):
        tags, tag_errors = resolve_tags(state, "Spaces-1", tenant["TenantTags"], "Tenant")
        connected, errors = connections(state, "Spaces-1", tenant["ProjectEnvironments"])
        assert (tag_errors, errors) == ([], []), tenant["Id"]
        assert (tags, connected) == (tenant["TenantTags"], tenant["ProjectEnvironments"])


def test_bad_seed_names(areas):
    with pytest.raises(ValueError, match="seed must be one of"):
        Sandbox(areas, seed="demo2")
    with pytest.raises(ValueError, match="not an octoflow sandbox state"):
        Sandbox(areas).load({"format": "something else"})


def test_a_missing_state_file_starts_from_demo(areas, tmp_path):
    path = tmp_path / "new" / "state.json"
    path.parent.mkdir()
    sandbox = Sandbox(areas, seed=str(path))
    assert sandbox.state_file == path and not path.exists()
    assert len(sandbox.state.values("Tenants")) == 1000


def test_threaded_server_serves_many_clients_at_once(fresh, served):
    """One at a time, 20 requests of 0.2 s take 4 s; served side by side, far less. The
    latency is long next to a loaded machine's own overhead, so the bound (half the
    serial time) holds under load and still fails for a server that serialises."""
    fresh.settings.latency_ms = 200
    paths = [f"/api/Spaces-1/tenants/Tenants-{n}" for n in range(1, 21)]
    started = time.perf_counter()
    with ThreadPoolExecutor(20) as pool:
        bodies = list(pool.map(lambda p: served.json(p), paths))
    assert [b["Id"] for b in bodies] == [p.rsplit("/", 1)[1] for p in paths]
    assert time.perf_counter() - started < 20 * 0.2 / 2, "requests overlapped"


def test_concurrent_writes_are_all_applied(fresh, served):
    def connect(n: int) -> int:
        path = f"/api/Spaces-1/tenants/Tenants-{n}"
        doc = served.json(path)
        doc["TenantTags"] = sorted(set(doc["TenantTags"]) | {"Tier/Gold"})
        return served.put(path, doc).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(connect, range(1, 101))) == {200}
    gold = {t["Id"] for t in served.json("/api/Spaces-1/tenants/all", tags="Tier/Gold")}
    assert {f"Tenants-{n}" for n in range(1, 101)} <= gold


@pytest.fixture
def unfrozen():
    """``gc.freeze`` is process-wide: give this test process its collector back."""
    yield
    gc.unfreeze()


def tracked_by_the_collector(obj: object) -> bool:
    """Whether a collection can visit ``obj`` (frozen objects are in none of its lists)."""
    return any(o is obj for o in gc.get_objects())


def test_a_frozen_state_stays_out_of_collections_after_a_reset_and_is_still_served(areas, unfrozen):
    sandbox = Sandbox(areas, seed="demo")
    tenant = sandbox.state.values("Tenants")[0]
    assert tracked_by_the_collector(tenant)

    sandbox.freeze_state()
    assert not tracked_by_the_collector(tenant)

    sandbox.reset("demo")
    reseeded = sandbox.state.values("Tenants")[0]
    assert reseeded is not tenant and not tracked_by_the_collector(reseeded)
    api = in_process(sandbox)
    assert api.get(f"/api/Spaces-1/tenants/{reseeded['Id']}").json()["Name"] == reseeded["Name"]


def test_a_sandbox_freezes_nothing_unless_asked(areas):
    sandbox = Sandbox(areas, seed="demo")
    sandbox.reset("demo")

    assert tracked_by_the_collector(sandbox.state.values("Tenants")[0])
