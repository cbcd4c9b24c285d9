"""Ad-hoc tasks (``POST /tasks``), re-running, queued-behind, a target's task history and
the runbook run templates."""

from __future__ import annotations

import pytest

from tests.plugins.deployments.test_sandbox_tasks import EMBER_ADMIN, STAGING, deploy
from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
DEVELOPMENT = "Environments-1"
DEV_API = "Machines-7"  # dev-api-01, untenanted, in Development only
PAUSED_TASK = "ServerTasks-35"  # executing, waiting on an approval


def health(api, **arguments) -> dict:
    response = api.post(f"{SPACE}/tasks", {"Name": "Health", "Arguments": arguments})
    assert response.status_code == 201, response.text
    validate("TaskResource", response.json())
    return response.json()


def test_a_health_check_runs_to_completion_on_each_target(fresh_api):
    task = health(fresh_api, EnvironmentId=DEVELOPMENT, Timeout="00:05:00")
    assert task["Name"] == "Health" and task["Arguments"]["EnvironmentId"] == DEVELOPMENT
    done = fresh_api.json(f"/api/tasks/{task['Id']}")
    assert (done["State"], done["FinishedSuccessfully"], done["CanRerun"]) == (
        "Success",
        True,
        True,
    )
    steps = fresh_api.json(f"/api/tasks/{task['Id']}/details")["ActivityLogs"][0]["Children"]
    targets = fresh_api.json(f"{SPACE}/environments/{DEVELOPMENT}/machines", take=500)
    enabled = [m for m in targets["Items"] if not m["IsDisabled"]]
    assert len(steps) == len(enabled)
    assert all(s["Status"] == "Success" and "Check health of" in s["Name"] for s in steps)
    listed = fresh_api.json(f"{SPACE}/tasks", name="Health")["Items"]
    assert [t["Id"] for t in listed] == [task["Id"]]


def test_named_targets_and_scripts(fresh_api):
    upgrade = fresh_api.post(
        "/api/tasks", {"Name": "Upgrade", "Arguments": {"MachineIds": [DEV_API]}}
    ).json()
    assert upgrade["SpaceId"] == "Spaces-1"
    elsewhere = fresh_api.post("/api/tasks", {"Name": "Health", "SpaceId": "Spaces-9"})
    assert elsewhere.status_code == 400
    assert elsewhere.json()["Errors"] == ["The space 'Spaces-9' was not found."]
    assert fresh_api.json(f"/api/tasks/{upgrade['Id']}")["State"] == "Success"
    script = fresh_api.post(
        f"{SPACE}/tasks",
        {
            "Name": "AdHocScript",
            "Description": "Clear temp",
            "Arguments": {
                "ScriptBody": "rm -rf /tmp/x",
                "Syntax": "Bash",
                "EnvironmentIds": [DEVELOPMENT],
                "TargetRoles": ["db"],
            },
        },
    )
    assert script.status_code == 201, script.text
    assert script.json()["Description"] == "Clear temp"
    steps = fresh_api.json(f"/api/tasks/{script.json()['Id']}/details")["ActivityLogs"][0]
    names = [s["Name"] for s in steps["Children"]]
    assert names and all("dev-db-" in n for n in names)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"Name": "Backup"}, "Name must be one of Health, Upgrade, AdHocScript"),
        ({"Name": "Health"}, "needs MachineIds or an EnvironmentId"),
        ({"Name": "Health", "Arguments": {"MachineIds": ["Machines-999"]}}, "'Machines-999'"),
        ({"Name": "Health", "Arguments": {"EnvironmentId": "Environments-99"}}, "Environments-99"),
        ({"Name": "AdHocScript", "Arguments": {"MachineIds": [DEV_API]}}, "ScriptBody"),
    ],
)
def test_bad_ad_hoc_tasks_are_the_servers_400(fresh_api, body, error):
    before = fresh_api.json("/api/tasks")["TotalResults"]
    response = fresh_api.post(f"{SPACE}/tasks", body)
    assert response.status_code == 400
    assert any(error in e for e in response.json()["Errors"]), response.json()
    assert fresh_api.json("/api/tasks")["TotalResults"] == before


def test_a_finished_ad_hoc_task_can_be_rerun_but_a_deployment_cannot(fresh_api):
    first = health(fresh_api, MachineIds=[DEV_API])
    again = fresh_api.post(f"/api/tasks/rerun/{first['Id']}")
    assert again.status_code == 200, again.text
    assert again.json()["Id"] != first["Id"]
    assert again.json()["Arguments"] == first["Arguments"]
    deployment_task = deploy(fresh_api)["TaskId"]
    refused = fresh_api.post(f"/api/tasks/rerun/{deployment_task}")
    assert refused.status_code == 400
    assert refused.json()["ErrorMessage"] == "This task cannot be re-run."


def test_a_queued_task_lists_the_unfinished_tasks_ahead_of_it(fresh_api):
    queued = deploy(fresh_api, QueueTime="2999-01-01T00:00:00Z")["TaskId"]
    behind = fresh_api.json(f"/api/tasks/{queued}/queued-behind")
    validate("TaskResourceResourceCollection", behind)
    ids = [t["Id"] for t in behind["Items"]]
    assert PAUSED_TASK in ids and queued not in ids
    assert all(t["State"] in ("Queued", "Executing") for t in behind["Items"])
    assert fresh_api.json(f"/api/tasks/{PAUSED_TASK}/queued-behind")["TotalResults"] == 0


def test_a_targets_task_history(fresh_api):
    before = fresh_api.json(f"{SPACE}/machines/{DEV_API}/tasks")
    validate("TaskResourceResourceCollection", before)
    assert before["TotalResults"] > 0
    assert before["Links"]["Template"].startswith(f"{SPACE}/machines/{DEV_API}/tasks{{?skip")
    for task in before["Items"]:
        assert task["Name"] == "Deploy" and "to Development" in task["Description"]
    check = health(fresh_api, MachineIds=[DEV_API])
    staging = deploy(fresh_api, EMBER_ADMIN, STAGING)["TaskId"]
    after = fresh_api.json(f"{SPACE}/machines/{DEV_API}/tasks")
    assert after["Items"][0]["Id"] == check["Id"]
    assert staging not in [t["Id"] for t in after["Items"]]
    assert after["TotalResults"] == before["TotalResults"] + 1
    assert fresh_api.get(f"{SPACE}/machines/Machines-999/tasks").status_code == 404


def test_runbook_run_templates(fresh_api):
    template = fresh_api.json(f"{SPACE}/runbooks/Runbooks-1/runbookRunTemplate")
    validate("RunbookRunTemplateResource", template)
    environments = fresh_api.json(f"{SPACE}/environments/all")
    assert [e["Id"] for e in template["PromoteTo"]] == [e["Id"] for e in environments]
    assert template["IsRunbookProcessModified"] is False
    runbook = fresh_api.json(f"{SPACE}/runbooks/Runbooks-1")
    path = f"{SPACE}/runbookProcesses/{runbook['RunbookProcessId']}"
    process = fresh_api.json(path)
    process["Steps"][0]["Name"] = "Renamed"
    assert fresh_api.put(path, process).status_code == 200
    changed = fresh_api.json(f"{SPACE}/runbooks/Runbooks-1/runbookRunTemplate")
    assert changed["IsRunbookProcessModified"] is True
    snapshot = runbook["PublishedRunbookSnapshotId"]
    by_snapshot = fresh_api.json(f"{SPACE}/runbookSnapshots/{snapshot}/runbookRuns/template")
    validate("RunbookRunTemplateResource", by_snapshot)
    assert by_snapshot == changed
    missing = fresh_api.get(f"{SPACE}/runbookSnapshots/RunbookSnapshots-999/runbookRuns/template")
    assert missing.status_code == 404


def test_a_tenanted_runbooks_template_lists_each_connected_tenant(fresh_api):
    path = f"{SPACE}/runbooks/Runbooks-3"  # Notification Service: 15 tenants in Test..Production
    runbook = fresh_api.json(path)
    assert fresh_api.json(path + "/runbookRunTemplate")["TenantPromotions"] == []
    runbook["MultiTenancyMode"] = "TenantedOrUntenanted"
    assert fresh_api.put(path, runbook).status_code == 200
    template = fresh_api.json(path + "/runbookRunTemplate")
    validate("RunbookRunTemplateResource", template)
    tenants = fresh_api.json(f"{SPACE}/tenants/all", projectId="Projects-6")
    assert {t["Id"] for t in template["TenantPromotions"]} == {t["Id"] for t in tenants}
    assert len(tenants) == 15
    for promotion in template["TenantPromotions"]:
        assert [e["Id"] for e in promotion["PromoteTo"]] == [
            "Environments-2",
            "Environments-3",
            "Environments-4",
        ]
