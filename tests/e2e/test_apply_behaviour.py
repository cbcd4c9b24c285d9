"""Apply against a misbehaving or changing server: retries, rate limits, conflicts, counts."""

from __future__ import annotations

import json
import math

import pytest

from octoflow import Octoflow
from octoflow.client.http import IDS_PER_REQUEST
from octoflow.errors import ConflictError
from tests.e2e.support import VirtualClock, api_for, run_cli, writes

EU_TO_PORTAL = {"tag": "Region/EU", "project": "Customer Portal", "environments": "Test,Production"}


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo", backoff_seconds=0.01)


def portal_plan(octo: Octoflow):
    return octo.plan_recipe("tenants-add-project", EU_TO_PORTAL)


def test_requests_are_one_write_per_change_plus_batched_reads(octo) -> None:
    start = octo.client.request_count
    plan = portal_plan(octo)
    plan_requests = octo.client.request_count - start

    report = octo.apply(plan)

    changed = len(plan.operations)
    assert report.recap == {"ok": 0, "changed": changed, "failed": 0, "skipped": 0}
    # the root document, then spaces, tag sets, the tagged tenants (a server-side
    # filter), projects, environments and lifecycles: one list call each, and the count
    # of all tenants (take=0) for the wide check
    assert plan_requests == 8
    # writes, re-reads right before them (8 at a time, as apply writes 8 at a time),
    # reading back what was written (100 per request), and asking the audit log who
    # else changed them: the newest event before, the key's user and 100 ids per request
    rereads, read_back = math.ceil(changed / 8), math.ceil(changed / IDS_PER_REQUEST)
    audit = 2 + math.ceil(changed / IDS_PER_REQUEST)
    assert report.requests == changed + rereads + read_back + audit
    assert report.verification.requests == read_back
    assert report.requests == plan.request_estimate
    assert len([r for r in octo.sandbox.requests if r.method == "PUT"]) == changed


def test_transient_server_errors_and_dropped_connections_are_retried(octo) -> None:
    plan = portal_plan(octo)
    settings = octo.sandbox.settings
    settings.add_fault({"status": 503, "retry_after": 0, "method": "PUT", "times": 3})
    settings.add_fault({"status": 502, "method": "GET", "path_contains": "ids=", "times": 1})
    settings.add_fault({"drop_connection": True, "method": "PUT", "times": 2})

    report = octo.apply(plan)

    assert report.succeeded
    assert report.count("changed") == len(plan.operations)


def test_a_429_right_after_its_pause_slows_down_until_writes_succeed(caplog) -> None:
    octo = Octoflow.with_sandbox("demo", clock=VirtualClock())
    tenants = api_for(octo.sandbox).tenants()
    names = [t["Name"] for t in tenants if "Tier/Gold" not in t["TenantTags"]][:30]
    plan = octo.plan(octo.tenants.where(name=names).add_tag("Tier/Gold"))
    late = plan.operations[25].resource_id  # by then enough requests to measure a rate
    octo.sandbox.settings.add_fault(
        {"status": 429, "retry_after": 0, "method": "PUT", "path_contains": f"/{late}", "times": 2}
    )

    report = octo.apply(plan, concurrency=1)

    assert report.succeeded
    assert report.count("changed") == len(plan.operations) == 30
    assert len([r for r in octo.sandbox.requests if r.status == 429]) == 2
    assert octo.client.throttle.storms == 2
    assert "the server keeps rate-limiting; slowing down" in caplog.text
    assert octo.client.throttle.per_minute is None, "the next answered writes restored it"


def test_a_failing_tenant_fails_alone_and_a_rerun_converges(octo) -> None:
    plan = portal_plan(octo)
    victim = plan.operations[3]
    octo.sandbox.settings.add_fault(
        {"status": 500, "method": "PUT", "path_contains": f"/{victim.resource_id}", "times": None}
    )

    report = octo.apply(plan)

    failed = [r for r in report.results if r.outcome == "failed"]
    assert [r.key for r in failed] == [victim.key]
    assert "500" in failed[0].detail
    assert report.count("changed") == len(plan.operations) - 1

    octo.sandbox.settings.faults.clear()
    again = portal_plan(octo)
    assert [op.key for op in again.operations] == [victim.key]
    assert octo.apply(again).succeeded
    assert portal_plan(octo).is_empty


def test_an_edit_made_between_plan_and_apply_survives(octo) -> None:
    plan = portal_plan(octo)
    target = plan.operations[0].resource_id
    api = api_for(octo.sandbox)
    tenant = api.get(f"/api/Spaces-1/tenants/{target}")
    api.put(
        f"/api/Spaces-1/tenants/{target}", {**tenant, "Description": "edited in the UI meanwhile"}
    )

    assert octo.apply(plan).succeeded

    tenant = api.get(f"/api/Spaces-1/tenants/{target}")
    assert tenant["Description"] == "edited in the UI meanwhile"
    portal = api_for(octo.sandbox).project_id("Customer Portal")
    assert portal in tenant["ProjectEnvironments"]


def test_a_saved_plan_refuses_when_a_tenant_was_deleted(octo) -> None:
    plan = portal_plan(octo)
    gone = plan.operations[5]
    api_for(octo.sandbox).session.delete(
        f"{api_for(octo.sandbox).base}/api/Spaces-1/tenants/{gone.resource_id}"
    ).raise_for_status()
    octo.sandbox.clear_requests()

    with pytest.raises(ConflictError, match=f"{gone.resource_id}.*no longer exists"):
        octo.apply(plan, preflight=True)

    assert writes(octo.sandbox) == []


def test_a_saved_plan_refuses_a_contradicting_edit(octo) -> None:
    tenant = api_for(octo.sandbox).tenants()[0]
    plan = octo.plan(octo.tenants.ensure(tenant["Name"], description="ours"))
    api = api_for(octo.sandbox)
    api.put(f"/api/Spaces-1/tenants/{tenant['Id']}", {**tenant, "Description": "theirs"})
    octo.sandbox.clear_requests()

    with pytest.raises(ConflictError, match="Description is now 'theirs'"):
        octo.apply(plan, preflight=True)
    assert writes(octo.sandbox) == []


def test_cli_applies_a_saved_plan_later(areas, state_file, tmp_path, capsys) -> None:
    plan_file = tmp_path / "plan.json"
    params = [a for k, v in EU_TO_PORTAL.items() for a in ("-p", f"{k}={v}")]
    code, _out, err = run_cli(
        "plan",
        "tenants-add-project",
        "--sandbox",
        str(state_file),
        *params,
        "--out",
        str(plan_file),
        capsys=capsys,
    )
    assert code == 0, err
    planned = json.loads(plan_file.read_text())["summary"]["change"]

    code, out, err = run_cli(
        "apply", str(plan_file), "--sandbox", str(state_file), "--yes", capsys=capsys
    )

    assert code == 0, err
    assert f"Apply complete: {planned} changed" in out


def test_coalescing_makes_one_write_per_tenant(octo) -> None:
    eu = octo.tenants.where(tag="Region/EU")
    plan = octo.plan(
        eu.add_project("Customer Portal", environments=["Test"]),
        eu.add_tag("Tier/Gold"),
        octo.tenants.where(tag="Tier/Gold").add_project("Customer Portal", environments=["Test"]),
    )
    keys = [op.key for op in plan.operations]
    assert len(keys) == len(set(keys))
    report = octo.apply(plan)
    assert report.requests == plan.request_estimate
    assert len([r for r in octo.sandbox.requests if r.method == "PUT"]) == len(keys)
    assert octo.plan(eu.add_tag("Tier/Gold")).is_empty


def test_apply_stops_when_the_server_keeps_failing(octo) -> None:
    from octoflow.apply.executor import FAILING_IN_A_ROW

    plan = portal_plan(octo)
    octo.sandbox.settings.add_fault({"status": 500, "method": "PUT", "times": None})

    report = octo.apply(plan, concurrency=2)

    assert f"failed {FAILING_IN_A_ROW} operations in a row" in report.halted
    assert report.halted_exit == 4
    assert FAILING_IN_A_ROW <= report.count("failed") <= FAILING_IN_A_ROW + 2
    assert report.count("skipped") == len(plan.operations) - report.count("failed")
    puts = [r for r in octo.sandbox.requests if r.method == "PUT"]
    assert len(puts) == report.count("failed") * (octo.client.retries + 1)
