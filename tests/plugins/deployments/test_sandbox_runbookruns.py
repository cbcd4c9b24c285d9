"""Runbook runs in the sandbox: ``POST /runbookRuns``, ``POST /runbooks/{id}/run``, the
routes and filters, with the server's messages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import Client
from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
RUNS = SPACE + "/runbookRuns"
FAILED = "RunbookRun creation failed."
PORTAL = "Projects-1"  # Customer Portal: 25 APAC tenants connected in every environment
RESTART = "Runbooks-1"  # Customer Portal's "Restart App Pool", snapshot RunbookSnapshots-1
PURGE = "Runbooks-2"  # Customer Portal's "Purge CDN Cache", snapshot RunbookSnapshots-2
DEV, TEST, STAGING, PRODUCTION = (f"Environments-{n}" for n in range(1, 5))


def run_body(**fields: Any) -> dict:
    return {
        "RunbookId": RESTART,
        "RunbookSnapshotId": "RunbookSnapshots-1",
        "EnvironmentId": TEST,
        **fields,
    }


def refused(response: Any, message: str = FAILED) -> list[str]:
    assert response.status_code == 400, response.text
    assert response.json()["ErrorMessage"] == message
    return response.json()["Errors"]


def edit_runbook(api: Client, runbook_id: str, **fields: Any) -> None:
    doc = api.json(f"{SPACE}/runbooks/{runbook_id}")
    assert api.put(f"{SPACE}/runbooks/{runbook_id}", dict(doc, **fields)).status_code == 200


def test_a_run_answers_201_and_runs_the_snapshot_in_a_task(fresh_api) -> None:
    response = fresh_api.post(RUNS, run_body(comments="Nightly", formValues={"Reason": "leak"}))
    assert response.status_code == 201, response.text
    run = response.json()
    validate("RunbookRunResource", run)
    assert run["Id"] == "RunbookRuns-1" and run["Name"] == "Restart App Pool"
    assert (run["ProjectId"], run["EnvironmentId"], run["TenantId"]) == (PORTAL, TEST, None)
    snapshot = fresh_api.json(f"{SPACE}/runbookSnapshots/RunbookSnapshots-1")
    assert run["FrozenRunbookProcessId"] == snapshot["FrozenRunbookProcessId"]
    assert run["FormValues"] == {"Reason": "leak"} and run["Comments"] == "Nightly"
    assert run["Links"]["Runbook"] == f"{SPACE}/runbooks/{RESTART}"
    task = fresh_api.json(f"/api/tasks/{run['TaskId']}")
    assert (task["Name"], task["State"]) == ("RunbookRun", "Success")
    assert task["Arguments"] == {"RunbookRunId": run["Id"]}
    assert task["Description"] == "Run Restart App Pool in Test"
    steps = fresh_api.json(f"/api/tasks/{run['TaskId']}/details")["ActivityLogs"][0]["Children"]
    assert [s["Name"] for s in steps] == ["Step 1: Restart App Pool", "Step 2: Check health"]
    assert [t["Id"] for t in fresh_api.json("/api/tasks", runbook=RESTART)["Items"]] == [
        run["TaskId"]
    ]
    assert fresh_api.json(f"{RUNS}/{run['Id']}") == run


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, ["The RunbookId field is required.", "The RunbookSnapshotId field is required.",
              "The EnvironmentId field is required."]),
        (run_body(RunbookId="Runbooks-999", EnvironmentId="Environments-99"),
         ["The runbook 'Runbooks-999' was not found.",
          "The environment 'Environments-99' was not found."]),
        (run_body(RunbookSnapshotId="RunbookSnapshots-2"),
         ["The snapshot '{other}' is not a snapshot of 'Restart App Pool'."]),
        (run_body(TenantId="Tenants-1"),
         ["The runbook 'Restart App Pool' is not tenanted: remove the TenantId."]),
        (run_body(SkipActions=["nope"], ExcludedMachineIds="Machines-1"),
         ["SkipActions: 'nope' is not an action of the snapshot's process.",
          "ExcludedMachineIds must be an array of ids."]),
    ],
)  # fmt: skip
def test_runs_are_refused_with_the_reasons(fresh_api, body, errors) -> None:
    other = fresh_api.json(f"{SPACE}/runbookSnapshots/RunbookSnapshots-2")["Name"]
    assert refused(fresh_api.post(RUNS, body)) == [e.format(other=other) for e in errors]
    assert fresh_api.json(RUNS)["TotalResults"] == 0


def test_environment_scope_tenancy_and_schedule_are_checked(fresh_api) -> None:
    edit_runbook(fresh_api, RESTART, EnvironmentScope="Specified", Environments=[DEV])
    assert refused(fresh_api.post(RUNS, run_body())) == [
        "The runbook 'Restart App Pool' cannot run in 'Test': it may run in Development."
    ]
    edit_runbook(fresh_api, RESTART, EnvironmentScope="All", MultiTenancyMode="Tenanted")
    assert refused(fresh_api.post(RUNS, run_body())) == [
        "The runbook 'Restart App Pool' runs for tenants only: give a TenantId."
    ]
    late = run_body(TenantId="Tenants-376", QueueTime="2030-01-02", QueueTimeExpiry="2030-01-01")
    errors = refused(fresh_api.post(RUNS, late), "RunbookRun Schedule is invalid.")
    assert errors == ["QueueTimeExpiry must be after QueueTime."]


def test_running_the_published_snapshot_for_tenants_of_a_tag(fresh_api) -> None:
    edit_runbook(fresh_api, RESTART, MultiTenancyMode="TenantedOrUntenanted")
    body = {"EnvironmentIds": [STAGING, PRODUCTION], "TenantTagNames": ["Region/APAC"]}
    response = fresh_api.post(f"{SPACE}/runbooks/{RESTART}/run", body)
    assert response.status_code == 201, response.text
    runs = response.json()
    validate("RunbookRunResource[]", runs)
    assert len(runs) == 50 and {r["RunbookSnapshotId"] for r in runs} == {"RunbookSnapshots-1"}
    assert {r["EnvironmentId"] for r in runs[:25]} == {STAGING}
    tenant = runs[0]["TenantId"]
    assert fresh_api.json(RUNS, tenants=tenant, environments=PRODUCTION)["TotalResults"] == 1
    untenanted = fresh_api.post(f"{SPACE}/runbooks/{RESTART}/run", {"EnvironmentId": DEV}).json()
    assert [r["TenantId"] for r in untenanted] == [None]


def test_running_a_named_snapshot_and_the_refusals(fresh_api) -> None:
    run = f"{SPACE}/runbooks/{PURGE}/run"
    name = fresh_api.json(f"{SPACE}/runbookSnapshots/RunbookSnapshots-2")["Name"]
    named = {
        "UseDefaultSnapshot": False,
        "RunbookSnapshotNameOrId": name.lower(),
        "EnvironmentId": DEV,
    }
    assert fresh_api.post(run, named).json()[0]["RunbookSnapshotId"] == "RunbookSnapshots-2"
    unknown = dict(named, RunbookSnapshotNameOrId="Snapshot NOPE")
    assert refused(fresh_api.post(run, unknown)) == [
        "The runbook snapshot 'Snapshot NOPE' was not found."
    ]
    assert refused(fresh_api.post(run, {"TenantIds": []})) == [
        "Choose at least one environment to run in."
    ]
    edit_runbook(fresh_api, PURGE, EnvironmentScope="Specified", Environments=[DEV])
    both = fresh_api.post(run, {"EnvironmentIds": [DEV, TEST]})
    assert refused(both)[0].startswith("The runbook 'Purge CDN Cache' cannot run in 'Test'")
    edit_runbook(fresh_api, PURGE, PublishedRunbookSnapshotId=None)
    assert refused(
        fresh_api.post(run, {"EnvironmentId": DEV}), "Runbook has no published snapshot."
    ) == ["Runbook has no published snapshot."]
    tags = {"EnvironmentId": TEST, "TenantTagNames": ["Region/APAC"], "UseDefaultSnapshot": False,
            "RunbookSnapshotNameOrId": "RunbookSnapshots-2"}  # fmt: skip
    edit_runbook(fresh_api, PURGE, EnvironmentScope="All", MultiTenancyMode="Tenanted")
    assert refused(fresh_api.post(run, dict(tags, TenantTagNames=["Region/Mars"]))) == [
        f"No tenant matching Region/Mars can run in '{TEST}'."
    ]
    missing = fresh_api.post(f"{SPACE}/runbooks/Runbooks-999/run", {"EnvironmentId": DEV})
    assert missing.status_code == 404
    assert fresh_api.json(RUNS)["TotalResults"] == 1


def test_runs_are_listed_filtered_deleted_and_listed_per_snapshot(fresh_api) -> None:
    first = fresh_api.post(RUNS, run_body()).json()
    second = fresh_api.post(RUNS, run_body(EnvironmentId=DEV)).json()
    listed = fresh_api.json(RUNS)
    validate("RunbookRunResourceResourceCollection", listed)
    assert [r["Id"] for r in listed["Items"]] == [second["Id"], first["Id"]]
    assert listed["Links"]["Template"] == RUNS + (
        "{?skip,take,ids,projects,environments,tenants,runbooks,taskState,partialName}"
    )
    assert fresh_api.json(RUNS, environments=DEV)["Items"] == [second]
    assert fresh_api.json(RUNS, runbooks=PURGE, taskState="Success")["TotalResults"] == 0
    assert fresh_api.json(RUNS, partialName="restart", projects=PORTAL)["TotalResults"] == 2
    per_snapshot = fresh_api.json(f"{SPACE}/runbookSnapshots/RunbookSnapshots-1/runbookRuns")
    assert per_snapshot["TotalResults"] == 2
    assert (
        fresh_api.get(f"{SPACE}/runbookSnapshots/RunbookSnapshots-999/runbookRuns").status_code
        == 404
    )
    assert fresh_api.delete(f"{RUNS}/{first['Id']}").status_code == 200
    assert fresh_api.get(f"{RUNS}/{first['Id']}").status_code == 404
    assert fresh_api.json("/api")["Links"]["RunbookRuns"] == RUNS + (
        "{/id}{?skip,take,ids,projects,environments,tenants,runbooks,taskState,partialName}"
    )
