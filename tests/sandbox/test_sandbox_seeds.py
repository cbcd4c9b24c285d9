"""The named seeds: ``demo-large`` is the demo with a large customer's volume on top."""

from __future__ import annotations

import pytest

from octoflow.sandbox import Sandbox
from tests.sandbox.conftest import in_process


@pytest.fixture(scope="module")
def large(areas) -> Sandbox:
    return Sandbox(areas, seed="demo-large")


def test_demo_large_has_a_large_customers_volume(large):
    counts = {name: len(docs) for name, docs in large.state.collections.items()}
    assert counts["Tenants"] == 10_000
    assert counts["Machines"] == 1_000
    assert counts["Projects"] == 1_000
    assert counts["Users"] == 500
    eu = sum("Region/EU" in t["TenantTags"] for t in large.state.values("Tenants"))
    assert 3_900 <= eu <= 4_100  # 40% of the 9,000 added, plus the demo's 400


def test_demo_large_names_are_unique_as_the_server_requires(large):
    for collection in ("Tenants", "Machines", "Projects", "Users"):
        key = "Username" if collection == "Users" else "Name"
        names = [d[key].lower() for d in large.state.values(collection)]
        assert len(names) == len(set(names)), collection


def test_every_demo_fact_still_holds_in_demo_large(large, demo_dump):
    """Documents the demo seeds are the same in demo-large (but for the time they
    were stamped), so what the docs say of the demo is true of it too."""
    stamped = ("LastModifiedOn", "LastModifiedBy")
    for collection in ("Tenants", "Machines", "Projects", "Users", "DeploymentProcesses"):
        for doc_id, demo_doc in demo_dump["collections"][collection].items():
            large_doc = large.state.get(collection, doc_id)
            assert large_doc is not None, doc_id
            assert {k: v for k, v in large_doc.items() if k not in stamped} == {
                k: v for k, v in demo_doc.items() if k not in stamped
            }, doc_id


def test_the_control_api_resets_to_demo_large(areas):
    sandbox = Sandbox(areas, seed="empty")
    api = in_process(sandbox)
    answer = api.post("/_sandbox/reset", {"seed": "demo-large"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["counts"]["Tenants"] == 10_000
    listed = api.get("/api/Spaces-1/tenants", params={"tags": "Region/EU", "take": 1}).json()
    assert listed["TotalResults"] > 3_900


def test_an_unknown_seed_names_the_ones_there_are(areas):
    with pytest.raises(ValueError, match="empty, demo, demo-large"):
        Sandbox(areas, seed="huge")
