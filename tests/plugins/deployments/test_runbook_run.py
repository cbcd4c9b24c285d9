"""``octo.runbooks.run`` against the demo sandbox: what it plans, what it runs, what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from octoflow import Octoflow
from octoflow.errors import PlanError, UsageError

TEST, STAGING = "Environments-2", "Environments-3"
PORTAL = "Projects-1"  # tenanted; its runbooks are untenanted in the demo


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def get(octo: Octoflow, path: str, **params: Any) -> Any:
    return octo.client.get(octo.client.space_path(path), params or None)


def runbook(octo: Octoflow, project: str, name: str) -> dict[str, Any]:
    projects = {p["Name"]: p["Id"] for p in get(octo, "projects/all")}
    return next(
        r
        for r in get(octo, "runbooks/all")
        if r["ProjectId"] == projects[project] and r["Name"] == name
    )


def change_runbook(octo: Octoflow, project: str, name: str, **fields: Any) -> dict[str, Any]:
    doc = runbook(octo, project, name)
    path = octo.client.space_path(f"runbooks/{doc['Id']}")
    return octo.client.request("PUT", path, json={**doc, **fields})


def writes(octo: Octoflow) -> list[Any]:
    return [r for r in octo.sandbox.requests if r.method != "GET"]


def problems(octo: Octoflow, statement: Any) -> list[str]:
    octo.sandbox.clear_requests()
    with pytest.raises(PlanError) as raised:
        octo.plan(statement)
    assert writes(octo) == []
    return [f"{p.message} ({p.hint})" for p in raised.value.problems]


def test_one_run_per_environment_of_the_published_snapshot(octo) -> None:
    restart = runbook(octo, "Ember Web", "Restart App Pool")

    plan = octo.plan(
        octo.runbooks.run("Ember Web", "restart app pool", environments="Test, Staging")
    )

    assert plan.summary == {"add": 0, "change": 0, "delete": 0, "run": 2}
    bodies = [op.intents[0].args["body"] for op in plan.operations]
    assert [b["EnvironmentId"] for b in bodies] == [TEST, STAGING]
    for body in bodies:
        assert body["RunbookId"] == restart["Id"]
        assert body["RunbookSnapshotId"] == restart["PublishedRunbookSnapshotId"]
        assert body["TenantId"] is None and body["SkipActions"] == []
    assert [op.name for op in plan.operations] == [
        "Ember Web: Restart App Pool in Test",
        "Ember Web: Restart App Pool in Staging",
    ]
    assert plan.operations[0].intents[0].summary == (
        f"run Restart App Pool (published snapshot {restart['PublishedRunbookSnapshotId']}) in Test"
    )


def test_apply_starts_the_runs_and_every_apply_runs_again(octo) -> None:
    statement = octo.runbooks.run("Ember Web", "Restart App Pool", environments="Test,Staging")
    octo.sandbox.clear_requests()

    report = octo.apply(octo.plan(statement))

    assert report.recap == {"ok": 0, "changed": 2, "failed": 0, "skipped": 0}
    made = [(r.method, r.path) for r in octo.sandbox.requests]
    # one request per run, through the executions API
    assert made[-2:] == [("POST", "/api/Spaces-1/runbook-runs/create/v1")] * 2
    reads = ("environments", "projects", "runbooks")  # after the root document and spaces
    assert made[2:-2] == [("GET", f"/api/Spaces-1/{c}/all") for c in reads]
    runs = get(octo, "runbookRuns")["Items"]
    assert {r["Id"] for r in runs} == {res.outputs["RunbookRunId"] for res in report.results}
    for result in report.results:
        task = octo.client.get(f"/api/tasks/{result.outputs['TaskId']}")
        assert task["Arguments"] == {"RunbookRunId": result.outputs["RunbookRunId"]}
    again = octo.plan(statement)
    assert again.summary["run"] == 2  # a runbook run is an operation, not a state
    octo.apply(again)
    assert get(octo, "runbookRuns")["TotalResults"] == 4


def test_options_reach_the_run(octo) -> None:
    snapshot = runbook(octo, "Ember Web", "Restart App Pool")["PublishedRunbookSnapshotId"]
    frozen = get(octo, f"runbookSnapshots/{snapshot}")["FrozenRunbookProcessId"]
    health = next(
        s for s in get(octo, f"runbookProcesses/{frozen}")["Steps"] if s["Name"] == "Check health"
    )

    plan = octo.plan(
        octo.runbooks.run(
            "Ember Web",
            "Restart App Pool",
            environments="Test",
            skip_steps="check health",
            variables={"Reason": "stuck"},
            guided_failure=True,
            comments="after the incident",
        )
    )
    octo.apply(plan)

    # comments have no field in the executions API: the run is a legacy POST /runbookRuns
    assert [r.path for r in writes(octo)][-1] == "/api/Spaces-1/runbookRuns"
    (run,) = get(octo, "runbookRuns")["Items"]
    assert run["SkipActions"] == [health["Actions"][0]["Id"]]
    assert run["FormValues"] == {"Reason": "stuck"}
    assert run["UseGuidedFailure"] is True and run["Comments"] == "after the incident"
    assert plan.operations[0].intents[0].summary.endswith("in Test, skipping check health")


def test_a_named_snapshot_by_name_or_id(octo) -> None:
    doc = runbook(octo, "Ember Web", "Restart App Pool")
    older = octo.client.request(
        "POST",
        octo.client.space_path("runbookSnapshots"),
        json={"Name": "Before the fix", "ProjectId": doc["ProjectId"], "RunbookId": doc["Id"]},
    )

    for ref in ("before the fix", older["Id"]):
        plan = octo.plan(
            octo.runbooks.run("Ember Web", "Restart App Pool", environments="Test", snapshot=ref)
        )
        (op,) = plan.operations
        assert op.intents[0].args["body"]["RunbookSnapshotId"] == older["Id"]
        assert "(snapshot 'Before the fix') in Test" in op.intents[0].summary

    found = problems(
        octo,
        octo.runbooks.run(
            "Ember Web", "Restart App Pool", environments="Test", snapshot="Before the fx"
        ),
    )
    assert found == [
        "Ember Web, runbook 'Restart App Pool': unknown snapshot 'Before the fx': did you mean "
        "'Before the fix'? ()"
    ]


def test_unknown_names_are_all_reported_with_close_matches(octo) -> None:
    found = problems(octo, octo.runbooks.run("Ember Wbe", "Restart", environments="Tset"))
    assert found == [
        "unknown environment 'Tset': did you mean 'Test'? ()",
        "unknown project 'Ember Wbe': did you mean 'Ember Web' or 'Umber Web' or 'Ember Admin'? ()",
    ]
    found = problems(
        octo,
        octo.runbooks.run(
            "Ember Web", "Restart Ap Pool", environments="Test", tenants="Nobody Inc"
        ),
    )
    assert found[0].startswith("unknown tenant 'Nobody Inc'")
    assert found[1] == (
        "Ember Web: unknown runbook 'Restart Ap Pool': did you mean 'Restart App Pool'? ()"
    )
    found = problems(
        octo,
        octo.runbooks.run(
            "Ember Web", "Restart App Pool", environments="Test", skip_steps="Check helth"
        ),
    )
    assert found == [
        "Ember Web, runbook 'Restart App Pool': unknown step to skip 'Check helth': did you "
        "mean 'Check health'? ()"
    ]


def test_a_runbook_without_a_published_snapshot_is_a_problem(octo) -> None:
    change_runbook(octo, "Ember Web", "Purge CDN Cache", PublishedRunbookSnapshotId=None)

    found = problems(octo, octo.runbooks.run("Ember Web", "Purge CDN Cache", environments="Test"))

    assert found == [
        "runbook 'Purge CDN Cache' of 'Ember Web' has no published snapshot (publish one in "
        "Octopus with the runbook's Publish button, or name a snapshot to run with snapshot=…)"
    ]


def test_the_runbooks_environment_scope_is_checked(octo) -> None:
    change_runbook(
        octo,
        "Ember Web",
        "Restart App Pool",
        EnvironmentScope="Specified",
        Environments=["Environments-1", STAGING],
    )

    found = problems(
        octo, octo.runbooks.run("Ember Web", "Restart App Pool", environments="Test, Staging")
    )

    assert found == [
        "runbook 'Restart App Pool' of 'Ember Web' cannot run in Test (its environment scope "
        "allows: Development, Staging)"
    ]


def connected(octo: Octoflow, project_id: str, env_id: str) -> list[dict[str, Any]]:
    return [
        t
        for t in get(octo, "tenants/all")
        if env_id in t["ProjectEnvironments"].get(project_id, []) and not t["IsDisabled"]
    ]


def test_tenanted_runbooks_run_once_per_connected_tenant(octo) -> None:
    change_runbook(octo, "Customer Portal", "Restart App Pool", MultiTenancyMode="Tenanted")
    two = [t["Name"] for t in connected(octo, PORTAL, TEST)[:2]]
    outside = next(
        t["Name"]
        for t in get(octo, "tenants/all")
        if TEST not in t["ProjectEnvironments"].get(PORTAL, [])
    )

    plan = octo.plan(
        octo.runbooks.run(
            "Customer Portal", "Restart App Pool", environments="Test", tenants=[*two, outside]
        )
    )

    assert [op.name for op in plan.operations] == [
        f"Customer Portal: Restart App Pool in Test for {name}" for name in two
    ]
    assert "1 selected tenant(s) are not connected to it in Test" in plan.notes[0]
    tagged = octo.plan(
        octo.runbooks.run(
            "Customer Portal",
            "Restart App Pool",
            environments="Test",
            tenants=octo.tenants.where(tag="Region/EU"),
        )
    )
    eu = {t["Id"] for t in connected(octo, PORTAL, TEST) if "Region/EU" in t["TenantTags"]}
    assert {op.intents[0].args["body"]["TenantId"] for op in tagged.operations} == eu
    found = problems(
        octo, octo.runbooks.run("Customer Portal", "Restart App Pool", environments="Test")
    )
    assert found == [
        "runbook 'Restart App Pool' of 'Customer Portal' runs for tenants only (choose them "
        "with tenants=… (or tenant_tag=… in the recipe))"
    ]
    found = problems(
        octo,
        octo.runbooks.run(
            "Customer Portal", "Restart App Pool", environments="Test", tenants=[outside]
        ),
    )
    assert found == [
        "none of the 1 selected tenant(s) can run 'Restart App Pool' of 'Customer Portal' in "
        "Test (connect them to the project in that environment first)"
    ]


def test_tenants_for_an_untenanted_runbook_are_a_problem(octo) -> None:
    tenant = connected(octo, PORTAL, TEST)[0]["Name"]

    found = problems(
        octo,
        octo.runbooks.run(
            "Customer Portal", "Purge CDN Cache", environments="Test", tenants=tenant
        ),
    )

    assert found == [
        "runbook 'Purge CDN Cache' of 'Customer Portal' is not tenanted: leave tenants out ()"
    ]


def test_wait_follows_the_task_and_a_failed_run_fails_the_apply(octo) -> None:
    octo.client.request("PUT", "/_sandbox/tasks", json={"mode": "polls", "polls": 2})
    messages: list[str] = []
    plan = octo.plan(
        octo.runbooks.run(
            "Ember Web", "Restart App Pool", environments="Test", wait=True, poll=0.01
        )
    )

    report = octo.apply(plan, on_progress=lambda op, message: messages.append(message))

    (result,) = report.results
    task_id = result.outputs["TaskId"]
    assert result.detail.endswith(f"; {task_id} Success")
    assert messages[-1] == f"{task_id} Success" and len(messages) >= 2
    octo.client.request("PUT", "/_sandbox/tasks", json={"fail_projects": ["Ember Web"]})
    failed = octo.apply(
        octo.plan(
            octo.runbooks.run(
                "Ember Web", "Restart App Pool", environments="Test", wait=True, poll=0.01
            )
        )
    )
    (result,) = failed.results
    assert result.outcome == "failed" and not failed.succeeded
    assert result.detail.startswith(f"{result.outputs['TaskId']} ended Failed")
    assert f"GET /api/tasks/{result.outputs['TaskId']}/raw" in result.detail
    assert result.outputs["RunbookRunId"].startswith("RunbookRuns-")


def test_bad_arguments_fail_at_the_call(octo) -> None:
    with pytest.raises(UsageError, match="name the environments"):
        octo.runbooks.run("Ember Web", "Restart App Pool", environments="")
    with pytest.raises(UsageError, match="name the runbook"):
        octo.runbooks.run("Ember Web", " ", environments="Test")
    with pytest.raises(UsageError, match="positive"):
        octo.runbooks.run("Ember Web", "Restart App Pool", environments="Test", timeout=0)
