"""The apply executor: order, failures, fresh re-reads, stale writes, read-back, the report.

A real Executor over the in-process demo sandbox; plans are compiled from small fake
statements (``tests.unit.fakes``). Another writer is a plain HTTP client of the same
sandbox (``api_for``), so its requests are in the sandbox's log but not in octoflow's
request count.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from octoflow import Octoflow
from octoflow.apply.executor import CHANGED, FAILED, SKIPPED, UNCHANGED, Executor
from octoflow.plan.compiler import compile_plan
from octoflow.plan.context import PlanContext
from octoflow.plan.refs import created_ref
from tests.e2e.support import api_for
from tests.unit import fakes
from tests.unit.fakes import Fixed, described, edits, new_tenant, tagged, tenant_edit

PACIFIC, NEXT = "Tenants-7", "Tenants-8"
PATH = "/api/Spaces-1/tenants/{}"
NEW = "Tenant/new:Unit Co"


@pytest.fixture
def octoflow_plugins():
    return fakes.PLUGINS


def compile_(octo, *statements):
    return compile_plan(statements, PlanContext(octo.client, octo.registry), "test")


def apply(octo, plan, concurrency: int = 4, **options):
    return Executor(octo.client, octo.registry, concurrency, **options).run(plan)


def tenant(octo, tenant_id: str) -> dict:
    return api_for(octo.sandbox).get(PATH.format(tenant_id))


def edited(octo, tenant_id: str, **fields) -> None:
    """Someone else saves the tenant with ``fields`` changed."""
    api_for(octo.sandbox).put(PATH.format(tenant_id), {**tenant(octo, tenant_id), **fields})


def writes(octo_requests) -> list[tuple[str, str, int]]:
    return [(r.method, r.path, r.status) for r in octo_requests.writes()]


def test_a_dependent_runs_after_its_dependency_with_the_created_id(octo, octo_requests) -> None:
    plan = compile_(
        octo,
        Fixed(
            lambda ctx: [  # the dependent first: only its dependency can hold it back
                tenant_edit(ctx, PACIFIC, described(created_ref(NEW)), after=(NEW,)),
                new_tenant("Unit Co"),
            ]
        ),
    )
    octo_requests.clear()

    report = apply(octo, plan)

    created = report.results[1].resource_id
    assert [r.outcome for r in report.results] == [CHANGED, CHANGED]
    assert writes(octo_requests) == [
        ("POST", "/api/Spaces-1/tenants", 201),
        ("PUT", PATH.format(PACIFIC), 200),
    ]
    assert tenant(octo, created)["Name"] == "Unit Co"
    assert tenant(octo, PACIFIC)["Description"] == created


def test_the_dependents_of_a_failed_operation_are_skipped_saying_why(octo, octo_requests) -> None:
    clash = "Tenant/new:Pacific Bank K.K."  # that name is taken: the server refuses it
    plan = compile_(
        octo,
        Fixed(
            lambda ctx: [
                new_tenant("Pacific Bank K.K."),
                tenant_edit(ctx, PACIFIC, described("one"), after=(clash,)),
                tenant_edit(ctx, NEXT, described("two"), after=(f"Tenant/{PACIFIC}",)),
            ]
        ),
    )
    octo_requests.clear()

    report = apply(octo, plan)

    assert [(r.outcome, r.detail) for r in report.results[1:]] == [
        (SKIPPED, f"depends on {clash}, which did not succeed"),
        (SKIPPED, f"depends on Tenant/{PACIFIC}, which did not succeed"),
    ]
    assert report.results[0].outcome == FAILED and "already exists" in report.results[0].detail
    assert writes(octo_requests) == [("POST", "/api/Spaces-1/tenants", 400)]


def test_an_update_replays_on_a_fresh_copy_so_an_edit_made_after_planning_survives(
    octo,
) -> None:
    plan = compile_(octo, edits((PACIFIC, (described("ours"),))))
    edited(octo, PACIFIC, TenantTags=["Region/APAC", "Tier/Gold"])

    report = apply(octo, plan)

    assert report.results[0].outcome == CHANGED
    after = tenant(octo, PACIFIC)
    assert (after["Description"], after["TenantTags"]) == ("ours", ["Region/APAC", "Tier/Gold"])
    assert report.requests == 3 + 3  # re-read, write, read back; 3 to the audit log


def test_an_update_the_server_already_matches_is_unchanged_and_not_written(
    octo, octo_requests
) -> None:
    plan = compile_(octo, edits((PACIFIC, (described("ours"),))))
    edited(octo, PACIFIC, Description="ours")
    octo_requests.clear()

    report = apply(octo, plan)

    assert [(r.outcome, r.detail) for r in report.results] == [
        (UNCHANGED, "already as planned on the server")
    ]
    assert [r.method for r in octo_requests.without_audit()] == ["GET"]  # the re-read only


def test_a_stale_token_write_is_reread_and_replayed(octo, octo_requests) -> None:
    """Tenant variables carry a ConcurrencyToken: someone saving right after our re-read
    makes the server answer 409, and apply reads them again and writes again."""
    holder = next(
        t for t in octo.client.get("/api/Spaces-1/tenants/all") if t["ProjectEnvironments"]
    )
    variables = f"tenants/{holder['Id']}/variables"
    library = next(iter(octo.client.get(f"/api/Spaces-1/{variables}")["LibraryVariables"].values()))
    name = library["Templates"][0]["Name"]
    statement = octo.tenants.where(name=holder["Name"]).set_variable(name, "changed by us")
    plan = octo.plan(statement)
    octo.sandbox.settings.add_fault({"edit": {"path_contains": variables, "set": {"Version": 41}}})
    octo_requests.clear()

    report = apply(octo, plan)

    (result,) = report.results
    assert result.outcome == CHANGED and "re-applied after 1 concurrent save(s)" in result.detail
    assert [(r.method, r.status) for r in octo_requests.without_audit()] == [
        ("GET", 200),
        ("PUT", 409),
        ("GET", 200),
        ("PUT", 200),
    ]
    assert octo.plan(statement).is_empty  # the value is on the server


def test_the_read_back_reapplies_an_intent_someone_undid_after_the_write(octo) -> None:
    plan = compile_(octo, edits((PACIFIC, (tagged("Tier/Gold"),))))

    def undo(result) -> None:
        edited(octo, PACIFIC, TenantTags=["Region/APAC", "Tier/Silver"])

    report = apply(octo, plan, on_result=undo)

    assert report.succeeded
    check = report.verification
    assert (check.checked, check.reapplied, check.unresolved) == (1, (f"Tenant/{PACIFIC}",), ())
    assert check.requests == 3  # read back, write again, read back
    assert "Tier/Gold" in tenant(octo, PACIFIC)["TenantTags"]


def planned_and_applied(concurrency: int) -> tuple[Octoflow, list[str]]:
    octo = Octoflow.with_sandbox("demo", plugins=fakes.PLUGINS)
    many = [(f"Tenants-{n}", (described(f"n{n}"), tagged("Tier/Gold"))) for n in range(1, 13)]
    plan = compile_(
        octo,
        edits(*many),
        Fixed(lambda ctx: [new_tenant("Unit Co", tagged("Tier/Gold"))]),
        Fixed(
            lambda ctx: [tenant_edit(ctx, "Tenants-20", described(created_ref(NEW)), after=(NEW,))]
        ),
    )
    report = apply(octo, plan, concurrency=concurrency)
    return octo, [r.outcome for r in report.results]


def test_concurrency_one_and_four_end_in_the_same_state() -> None:
    one, outcomes_one = planned_and_applied(1)
    four, outcomes_four = planned_and_applied(4)

    def state(octo) -> list[dict]:
        docs = octo.client.get("/api/Spaces-1/tenants/all")
        return [{k: v for k, v in d.items() if not k.startswith("LastModified")} for d in docs]

    assert outcomes_one == outcomes_four == [CHANGED] * 14
    assert state(one) == state(four)
    assert tenant(four, "Tenants-20")["Description"] == tenant(four, "Tenants-1001")["Id"]


def test_the_recap_counts_the_results(octo, octo_requests) -> None:
    plan = compile_(
        octo,
        edits((PACIFIC, (described("ours"),)), (NEXT, (described("ours"),))),
        Fixed(
            lambda ctx: [
                new_tenant("Pacific Bank K.K."),
                tenant_edit(
                    ctx, "Tenants-9", described("x"), after=("Tenant/new:Pacific Bank K.K.",)
                ),
            ]
        ),
    )
    edited(octo, NEXT, Description="ours")
    octo_requests.clear()

    report = apply(octo, plan)

    outcomes = Counter(r.outcome for r in report.results)
    assert report.recap == {UNCHANGED: 1, CHANGED: 1, FAILED: 1, SKIPPED: 1} == outcomes
    assert report.to_json()["recap"] == report.recap and not report.succeeded
    assert report.requests == len(octo_requests.all)


@pytest.mark.parametrize("dependent", [False, True], ids=["independent", "with a dependency"])
def test_an_error_escaping_an_operation_is_raised_not_swallowed(octo, dependent) -> None:
    """Whether the plan's operations wait for one another or not (two ways to schedule
    them), an error outside what an operation reports, here the caller's result callback,
    reaches the caller once the workers are done."""
    after = ("Tenant/new:Pacific Bank K.K.",) if dependent else ()
    plan = compile_(
        octo,
        Fixed(
            lambda ctx: [
                new_tenant("Pacific Bank K.K."),
                tenant_edit(ctx, "Tenants-9", described("x"), after=after),
            ]
        ),
    )
    assert any(op.depends_on for op in plan.operations) == dependent
    seen = []

    def on_result(result) -> None:
        seen.append(result.key)
        raise RuntimeError("a bug in the caller's callback")

    with pytest.raises(RuntimeError, match="caller's callback"):
        apply(octo, plan, on_result=on_result)
    assert seen


def test_an_empty_plan_applies_at_once_with_nothing_done(octo, octo_requests) -> None:
    plan = compile_(octo, edits())
    assert plan.operations == ()
    octo_requests.clear()
    reports = []
    applying = threading.Thread(target=lambda: reports.append(apply(octo, plan)), daemon=True)

    applying.start()
    applying.join(timeout=30)

    assert not applying.is_alive(), "applying an empty plan did not return"
    assert reports[0].recap == {"ok": 0, "changed": 0, "failed": 0, "skipped": 0}
    assert octo_requests.writes() == []
