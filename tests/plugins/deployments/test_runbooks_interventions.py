"""The runbook-run and interventions recipes, end to end through the CLI against a demo
sandbox served on loopback: what they do, what they refuse, and waits that time out."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.e2e.support import TEST_KEY, Api, writes

PENDING = "Interruptions-1"  # Harbor Admin 1.2.0 in Production, owned by Release Managers
EMBER = ("-p", "project=Ember Web", "-p", "runbook=Restart App Pool")


def args(recipe: str, *params: str, command: str = "apply") -> tuple[str, ...]:
    tail = ("--yes",) if command == "apply" else ()
    return (command, recipe, *(a for p in params for a in ("-p", p)), *tail)


def runbook(api: Api, project: str, name: str) -> dict[str, Any]:
    project_id = api.project_id(project)
    return next(
        r
        for r in api.get("/api/Spaces-1/runbooks/all")
        if r["ProjectId"] == project_id and r["Name"] == name
    )


def change_runbook(api: Api, project: str, name: str, **fields: Any) -> None:
    doc = runbook(api, project, name)
    api.put(f"/api/Spaces-1/runbooks/{doc['Id']}", {**doc, **fields})


def schedule(api: Api, **settings: Any) -> None:
    api.put("/_sandbox/tasks", settings)


# -- runbook-run ------------------------------------------------------------------------


def test_runbook_run_plans_then_runs_the_published_snapshot(server, server_api, cli) -> None:
    sandbox, _srv = server
    published = runbook(server_api, "Ember Web", "Restart App Pool")["PublishedRunbookSnapshotId"]
    params = (*EMBER, "-p", "environment=Test,Staging")

    code, out, err = cli("plan", "runbook-run", *params)
    assert code == 0, err
    assert "> RunbookRun 'Ember Web: Restart App Pool in Staging'" in out
    assert "Plan: 0 to add, 0 to change, 0 to delete, 2 to run." in out
    assert writes(sandbox) == []

    code, out, err = cli(
        "apply", "runbook-run", *params, "-p", "wait=true", "--yes", "--format", "json"
    )

    assert code == 0, err
    results = json.loads(out)["report"]["results"]
    runs = server_api.get("/api/Spaces-1/runbookRuns")["Items"]
    assert {r["Id"] for r in runs} == {r["outputs"]["RunbookRunId"] for r in results}
    assert {r["RunbookSnapshotId"] for r in runs} == {published}
    for result in results:
        task = server_api.get(f"/api/tasks/{result['outputs']['TaskId']}")
        assert task["State"] == "Success" and result["detail"].endswith(f"{task['Id']} Success")


def test_runbook_run_for_tagged_tenants(server, server_api, cli) -> None:
    change_runbook(server_api, "Customer Portal", "Restart App Pool", MultiTenancyMode="Tenanted")
    portal = server_api.project_id("Customer Portal")
    gold = {
        t["Id"]
        for t in server_api.tenants()
        if "Tier/Gold" in t["TenantTags"]
        and "Environments-2" in t["ProjectEnvironments"].get(portal, [])
        and not t["IsDisabled"]
    }

    code, out, err = cli(
        *args(
            "runbook-run",
            "project=Customer Portal",
            "runbook=Restart App Pool",
            "environment=Test",
            "tenant_tag=Tier/Gold",
        ),
    )

    assert code == 0, err
    runs = server_api.get("/api/Spaces-1/runbookRuns", take=1000)["Items"]
    assert gold and {r["TenantId"] for r in runs} == gold and len(runs) == len(gold)
    assert f"Apply complete: {len(gold)} changed" in out


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            ("project=Ember Wbe", "runbook=Restart App Pool", "environment=Test"),
            "unknown project 'Ember Wbe': did you mean 'Ember Web'",
        ),
        (
            ("project=Ember Web", "runbook=Restart Pool", "environment=Test"),
            "Ember Web: unknown runbook 'Restart Pool': did you mean 'Restart App Pool'",
        ),
        (
            ("project=Ember Web", "runbook=Restart App Pool", "environment=Test,Stagng"),
            "unknown environment 'Stagng': did you mean 'Staging'",
        ),
        (
            (
                "project=Ember Web",
                "runbook=Restart App Pool",
                "environment=Test",
                "snapshot=Snapshot XYZ",
            ),
            "unknown snapshot 'Snapshot XYZ'",
        ),
        (
            (
                "project=Ember Web",
                "runbook=Restart App Pool",
                "environment=Test",
                "tenant_tag=Region/EU",
            ),
            "runbook 'Restart App Pool' of 'Ember Web' is not tenanted",
        ),
        (
            (
                "project=Ember Web",
                "runbook=Restart App Pool",
                "environment=Test",
                "tenant_tag=Region/Mars",
            ),
            "Region/Mars",
        ),
        (("project=Ember Web", "runbook=Restart App Pool"), "missing parameter 'environment'"),
        (
            ("project=Ember Web", "runbook=Restart App Pool", "environment=Test", "wait=maybe"),
            "maybe",
        ),
    ],
)
def test_runbook_run_bad_input(server, cli, params, expected) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()

    code, out, err = cli(*args("runbook-run", *params))

    assert code == 2, out + err
    assert expected in err
    assert writes(sandbox) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"PublishedRunbookSnapshotId": None},
            "runbook 'Restart App Pool' of 'Ember Web' has no published snapshot (publish one",
        ),
        (
            {"EnvironmentScope": "Specified", "Environments": ["Environments-3"]},
            "runbook 'Restart App Pool' of 'Ember Web' cannot run in Test (its environment scope "
            "allows: Staging)",
        ),
        (
            {"MultiTenancyMode": "Tenanted"},
            "runbook 'Restart App Pool' of 'Ember Web' runs for tenants only",
        ),
    ],
)
def test_runbook_run_refuses_what_the_runbook_does_not_allow(
    server, server_api, cli, fields, expected
) -> None:
    sandbox, _srv = server
    change_runbook(server_api, "Ember Web", "Restart App Pool", **fields)
    sandbox.clear_requests()

    code, _out, err = cli(*args("runbook-run", *EMBER[1::2], "environment=Test"))

    assert code == 2
    assert expected in err
    assert writes(sandbox) == []


def test_a_wait_that_times_out_fails_naming_the_task(server, server_api, cli) -> None:
    schedule(server_api, mode="polls", polls=10_000)

    code, out, err = cli(
        *args("runbook-run", *EMBER[1::2], "environment=Test", "wait=true", "timeout=1")
    )

    assert code == 1
    (run,) = server_api.get("/api/Spaces-1/runbookRuns")["Items"]
    assert f"gave up waiting after 1s: {run['TaskId']} is still Executing" in out + err
    assert "Apply complete: 0 changed, 0 ok, 1 failed, 0 skipped" in out
    assert TEST_KEY not in out + err


# -- interventions -----------------------------------------------------------------------


def test_interventions_proceed_lets_the_paused_deployment_finish(server, server_api, cli) -> None:
    sandbox, _srv = server
    task_id = server_api.get(f"/api/Spaces-1/interruptions/{PENDING}")["TaskId"]

    code, out, err = cli(
        *args(
            "interventions",
            "action=proceed",
            "project=Harbor Admin",
            "environment=Production",
            "notes=CHG-42 approved",
            "wait=true",
        ),
        "--format",
        "json",
    )

    assert code == 0, err
    (result,) = json.loads(out)["report"]["results"]
    assert result["outputs"] == {"InterruptionId": PENDING, "TaskId": task_id, "Result": "Proceed"}
    assert server_api.get(f"/api/tasks/{task_id}")["State"] == "Success"
    answered = server_api.get(f"/api/Spaces-1/interruptions/{PENDING}")
    assert answered["Form"]["Values"]["Notes"] == "CHG-42 approved"
    harbor = server_api.project_id("Harbor Admin")
    board = server_api.get("/api/Spaces-1/dashboard", projectId=harbor)["Items"]
    production = next(i for i in board if i["EnvironmentId"] == "Environments-4")
    assert production["State"] == "Success" and not production["HasPendingInterruptions"]
    sandbox.clear_requests()

    code, out, err = cli(*args("interventions", "action=proceed"))

    assert code == 0
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out and "Nothing to do" in err
    assert writes(sandbox) == []


def test_interventions_abort_fails_the_deployment(server_api, cli) -> None:
    code, out, err = cli(*args("interventions", "action=Abort", "notes=wrong build"))

    assert code == 0, err
    assert "take responsibility and abort with notes 'wrong build'" in out
    task_id = server_api.get(f"/api/Spaces-1/interruptions/{PENDING}")["TaskId"]
    assert server_api.get(f"/api/tasks/{task_id}")["State"] == "Failed"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (("action=approve",), "unknown action 'approve'; known: abort, proceed"),
        (("project=Harbor",), "missing parameter 'action'"),
        (("action=abort", "wait=true"), "wait=true goes with action=proceed"),
        (
            ("action=proceed", "project=Harbor Admn"),
            "unknown project 'Harbor Admn': did you mean 'Harbor Admin'",
        ),
        (
            ("action=proceed", "environment=Prod"),
            "unknown environment 'Prod': did you mean 'Production'",
        ),
    ],
)
def test_interventions_bad_input(server, cli, params, expected) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()

    code, out, err = cli(*args("interventions", *params))

    assert code == 2, out + err
    assert expected in err
    assert writes(sandbox) == []


def user_key(api: Api, team: str) -> str:
    """A new API key of the first member of ``team``."""
    team_doc = next(t for t in api.get("/api/teams/all") if t["Name"] == team)
    user_id = team_doc["MemberUserIds"][0]
    response = api.session.post(f"{api.base}/api/users/{user_id}/apikeys", json={"Purpose": "e2e"})
    response.raise_for_status()
    return str(response.json()["ApiKey"])


def test_an_intervention_owned_by_a_team_the_user_is_not_in_is_refused(
    server, server_api, cli, monkeypatch
) -> None:
    sandbox, _srv = server
    key = user_key(server_api, "Operations")
    monkeypatch.setenv("OCTOPUS_API_KEY", key)
    sandbox.clear_requests()

    code, out, err = cli(*args("interventions", "action=proceed", "project=Harbor Admin"))

    assert code == 2
    assert (
        "the API key's user may not take responsibility for 'Approve production release' "
        "(Interruptions-1, Harbor Admin 1.2.0 to Production)" in err
    )
    assert "only members of 'Release Managers' may" in err
    assert writes(sandbox) == []
    assert key not in out + err
    pending = requests.get(
        f"{server_api.base}/api/Spaces-1/interruptions/{PENDING}",
        headers={"X-Octopus-ApiKey": TEST_KEY},
        timeout=10,
    ).json()
    assert pending["IsPending"] and pending["ResponsibleUserId"] is None


def test_an_intervention_wait_that_times_out_fails_naming_the_task(server, server_api, cli) -> None:
    schedule(server_api, mode="polls", polls=10_000)
    task_id = server_api.get(f"/api/Spaces-1/interruptions/{PENDING}")["TaskId"]

    code, out, err = cli(*args("interventions", "action=proceed", "wait=true", "timeout=1"))

    assert code == 1
    assert f"gave up waiting after 1s: {task_id} is still Executing" in out + err
    assert not server_api.get(f"/api/Spaces-1/interruptions/{PENDING}")["IsPending"]
    assert TEST_KEY not in out + err
