"""Other writers during an apply: changes are not lost, or the run says so.

Through real HTTP against a loopback sandbox: two octoflow applies over the
same tenants at once, a writer undoing an intent right after octoflow wrote
it, and a stale concurrency token.
"""

from __future__ import annotations

import threading

import pytest

from octoflow import Octoflow
from octoflow.config import Connection
from tests.e2e.support import TEST_KEY


def connect(srv) -> Octoflow:
    return Octoflow.connect(Connection(srv.url, api_key=TEST_KEY), backoff_seconds=0.01)


@pytest.fixture
def slow_server(server):
    """The demo sandbox on loopback, a little slow, so two applies really overlap."""
    sandbox, srv = server
    sandbox.settings.latency_ms = 2
    return sandbox, srv


def test_two_applies_at_once_both_end_with_every_change(slow_server, server_api) -> None:
    sandbox, srv = slow_server
    first, second = connect(srv), connect(srv)
    connect_plan = first.plan(
        first.tenants.where(tag="Region/EU").add_project("Customer Portal", environments=["Test"])
    )
    tag_plan = second.plan(second.tenants.where(tag="Region/EU").add_tag("Tier/Gold"))
    reports = {}

    def run(name: str, octo: Octoflow, plan) -> None:
        reports[name] = octo.apply(plan, concurrency=8)

    threads = [
        threading.Thread(target=run, args=("connect", first, connect_plan)),
        threading.Thread(target=run, args=("tag", second, tag_plan)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert reports["connect"].succeeded and reports["tag"].succeeded
    api = server_api
    portal = api.project_id("Customer Portal")
    (test_env,) = api.environment_ids("Test")
    eu = [t for t in api.tenants() if "Region/EU" in t["TenantTags"]]
    assert len(eu) == 400
    not_connected = [
        t["Name"] for t in eu if test_env not in t["ProjectEnvironments"].get(portal, [])
    ]
    not_tagged = [t["Name"] for t in eu if "Tier/Gold" not in t["TenantTags"]]
    assert not_connected == [] and not_tagged == []


def test_an_intent_undone_after_the_write_is_reapplied(server, server_api) -> None:
    sandbox, srv = server
    octo = connect(srv)
    plan = octo.plan(octo.tenants.where(tag="Region/APAC").add_tag("Tier/Gold"))
    api = server_api
    victim = plan.operations[0].resource_id
    seen = []

    def a_stale_writer_strikes_after_the_last_write(result) -> None:
        seen.append(result)
        if len(seen) == len(plan.operations):
            tenant = api.get(f"/api/Spaces-1/tenants/{victim}")
            tags = [t for t in tenant["TenantTags"] if t != "Tier/Gold"]
            api.put(f"/api/Spaces-1/tenants/{victim}", {**tenant, "TenantTags": tags})

    report = octo.apply(plan, on_result=a_stale_writer_strikes_after_the_last_write)

    assert report.succeeded
    assert report.verification.checked == len(plan.operations)
    assert report.verification.reapplied == (f"Tenant/{victim}",)
    assert "Tier/Gold" in api.get(f"/api/Spaces-1/tenants/{victim}")["TenantTags"]
    assert octo.plan(octo.tenants.where(tag="Region/APAC").add_tag("Tier/Gold")).is_empty


def test_the_cli_recap_says_what_was_reapplied(server, cli) -> None:
    """The recap names the count verified and re-applied (here: none re-applied)."""
    code, out, err = cli("apply", "tenants-tag", "-p", "tag=Region/APAC", "-p", "add=Tier/Gold",
                         "--yes")  # fmt: skip
    assert code == 0, err
    assert "Read back " in out and "written document(s): all as intended." in out


def test_a_write_refused_for_a_stale_concurrency_token_is_replayed(server, server_api) -> None:
    """Tenant variables carry a ConcurrencyToken: a save in between makes the server
    answer 409, and apply re-reads and writes again instead of failing."""
    sandbox, srv = server
    octo = connect(srv)
    api = server_api
    tenant = next(t for t in api.tenants() if t["ProjectEnvironments"])
    variables = api.get(f"/api/Spaces-1/tenants/{tenant['Id']}/variables")
    library = next(iter(variables["LibraryVariables"].values()))
    template = library["Templates"][0]
    plan = octo.plan(
        octo.tenants.where(name=tenant["Name"]).set_variable(template["Name"], "changed by us")
    )
    assert [op.kind for op in plan.operations] == ["TenantVariables"]
    # Someone saves the variables right after octoflow re-reads them.
    sandbox.settings.add_fault(
        {"edit": {"path_contains": f"tenants/{tenant['Id']}/variables", "set": {"Version": 41}}}
    )

    report = octo.apply(plan)

    assert report.succeeded, report.results
    (result,) = report.results
    assert "re-applied after 1 concurrent save(s)" in result.detail
    puts = [r for r in sandbox.requests if r.method == "PUT"]
    assert [r.status for r in puts] == [409, 200]
