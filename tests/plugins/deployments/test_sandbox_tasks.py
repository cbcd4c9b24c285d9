"""Server tasks in the sandbox: the routes, their filters and messages, and how a task
progresses on the schedule set through ``/_sandbox/tasks``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from octoflow.sandbox import Sandbox
from tests.sandbox.conftest import Client, in_process
from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
SCHEDULE = "/_sandbox/tasks"
EMBER_ADMIN = "Projects-22"  # untenanted; 1.2.0 is in Test, not yet in Staging
STAGING, PRODUCTION = "Environments-3", "Environments-4"
PAUSED_TASK = "ServerTasks-35"  # Harbor Admin 1.2.0 to Production, waiting on an approval
BILLING_TENANT = "Tenants-5"  # has Billing API 1.2.0 in Test and Production
DEFAULTS = {
    "mode": "immediate",
    "polls": 3,
    "seconds": 5.0,
    "fail_projects": [],
    "timeout_projects": [],
}


@pytest.fixture(scope="module")
def api(areas) -> Client:
    return in_process(Sandbox(areas, seed="demo"))


def release_id(api: Client, project: str, version: str = "1.2.0") -> str:
    return api.json(f"{SPACE}/projects/{project}/releases/{version}")["Id"]


def deploy(api: Client, project: str = EMBER_ADMIN, env: str = STAGING, **fields: Any) -> dict:
    body = {"ReleaseId": release_id(api, project), "EnvironmentId": env, **fields}
    response = api.post(SPACE + "/deployments", body)
    assert response.status_code == 201, response.text
    return response.json()


def schedule(api: Client, **settings: Any) -> dict:
    response = api.put(SCHEDULE, settings)
    assert response.status_code == 200, response.text
    return response.json()


def task(api: Client, task_id: str) -> dict:
    return api.json(f"/api/tasks/{task_id}")


# -- reading tasks ---------------------------------------------------------------------------


def test_tasks_are_listed_newest_first_in_every_space_and_in_one(api) -> None:
    everywhere = api.json("/api/tasks", take=100)
    validate("TaskResourceResourceCollection", everywhere)
    assert everywhere["ItemType"] == "Task" and everywhere["TotalResults"] == 46
    numbers = [int(t["Id"].rpartition("-")[2]) for t in everywhere["Items"]]
    assert numbers == sorted(numbers, reverse=True)
    assert api.json(SPACE + "/tasks", take=100)["Items"] == everywhere["Items"]
    assert api.json("/api/tasks", spaces="Spaces-1")["TotalResults"] == 46
    assert api.json("/api/tasks", spaces="Spaces-9")["TotalResults"] == 0
    one = task(api, "ServerTasks-1")
    validate("TaskResource", one)
    assert one["Name"] == "Deploy" and one["Arguments"] == {"DeploymentId": "Deployments-1"}
    assert one["Description"] == "Deploy Beacon Admin release 1.1.0 to Development"
    assert (one["State"], one["IsCompleted"], one["FinishedSuccessfully"]) == (
        "Success",
        True,
        True,
    )
    assert one["Links"]["Self"] == "/api/tasks/ServerTasks-1"
    assert one["Links"]["Details"] == "/api/tasks/ServerTasks-1/details{?verbose,tail}"
    assert api.json("/api")["Links"]["Tasks"].startswith("/api/tasks{/id}{?skip,active,")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"ids": "ServerTasks-2,ServerTasks-1"}, ["ServerTasks-2", "ServerTasks-1"]),
        ({"states": "Executing,Queued"}, [PAUSED_TASK]),
        ({"hasPendingInterruptions": "true"}, [PAUSED_TASK]),
        ({"active": "true"}, [PAUSED_TASK]),
        ({"running": "true"}, [PAUSED_TASK]),
        ({"environment": PRODUCTION, "project": "Projects-28"}, [PAUSED_TASK]),
        ({"tenant": BILLING_TENANT}, ["ServerTasks-40", "ServerTasks-39"]),
        ({"name": "RunbookRun"}, []),
        ({"partialName": "Harbor Admin release 1.2.0 to Prod"}, [PAUSED_TASK]),
        ({"fromCompletedDate": "2025-12-24T00:00:00Z", "toCompletedDate": "2025-12-29T12:00Z"},
         ["ServerTasks-42", "ServerTasks-40", "ServerTasks-10"]),
    ],
)  # fmt: skip
def test_task_filters(api, query, expected) -> None:
    found = api.json("/api/tasks", take=100, **query)
    assert [t["Id"] for t in found["Items"]] == expected


def test_an_unknown_task_a_task_of_another_space_and_a_bad_filter(api) -> None:
    missing = api.get("/api/tasks/ServerTasks-999")
    assert missing.status_code == 404
    assert missing.json()["ErrorMessage"] == "The resource 'ServerTasks-999' was not found."
    assert api.get("/api/Spaces-1/tasks/ServerTasks-1").status_code == 200
    bad = api.get("/api/tasks", params={"fromQueueDate": "yesterday"})
    assert bad.status_code == 400
    assert bad.json()["Errors"] == ["The value 'yesterday' is not valid for fromQueueDate."]


def test_details_hold_an_activity_log_tree_with_one_node_per_step(api) -> None:
    details = api.json(f"/api/tasks/{PAUSED_TASK}/details")
    validate("TaskDetailsResource", details)
    (root,) = details["ActivityLogs"]
    assert root["Name"] == "Deploy Harbor Admin release 1.2.0 to Production"
    assert root["Status"] == "Running" and details["Task"]["Id"] == PAUSED_TASK
    steps = {node["Name"]: node for node in root["Children"]}
    approval = steps["Step 1: Approve production release"]
    assert approval["Status"] == "Running"
    assert approval["LogElements"][-1]["Category"] == "Wait"
    assert approval["LogElements"][-1]["MessageText"] == (
        "Waiting for manual intervention (Interruptions-1)"
    )
    assert {n["Status"] for n in root["Children"][1:]} == {"Pending"}
    assert all(e["Category"] != "Verbose" for n in root["Children"] for e in n["LogElements"])
    verbose = api.json(f"/api/tasks/{PAUSED_TASK}/details", verbose="true", tail=1)
    node = verbose["ActivityLogs"][0]["Children"][0]
    assert [e["MessageText"] for e in node["LogElements"]] == [
        approval["LogElements"][-1]["MessageText"]
    ]
    full = api.json(f"/api/tasks/{PAUSED_TASK}/details", verbose="true")
    assert "Verbose" in {
        e["Category"] for e in full["ActivityLogs"][0]["Children"][0]["LogElements"]
    }


def test_the_raw_log_is_plain_text(api) -> None:
    response = api.get("/api/tasks/ServerTasks-1/raw")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = response.text
    assert text.startswith("Task ID:        ServerTasks-1\n")
    assert "Task status:    Success" in text
    assert "== Success: Deploy Beacon Admin release 1.1.0 to Development ==" in text
    assert "Related IDs:    Deployments-1, Projects-18, Environments-1, Spaces-1" in text
    details = api.json("/api/tasks/ServerTasks-1/details")
    assert details["PhysicalLogSize"] == len(response.content)


# -- the schedule --------------------------------------------------------------------------


def test_the_schedule_defaults_to_immediate_and_is_validated(fresh_api) -> None:
    assert fresh_api.json(SCHEDULE) == DEFAULTS
    bad = fresh_api.put(
        SCHEDULE,
        {"mode": "later", "polls": 0, "seconds": -1, "fail_projects": "Web", "colour": "red"},
    )
    assert bad.status_code == 400
    assert bad.json()["Errors"] == [
        "Unknown task setting 'colour'.",
        "mode must be one of immediate, polls, seconds, not 'later'.",
        "polls must be a whole number of reads, at least 1, not 0.",
        "seconds must be a number of seconds, 0 or more, not -1.",
        "fail_projects must be a list of project names or ids.",
    ]
    assert fresh_api.put(SCHEDULE, ["polls"]).status_code == 400
    assert fresh_api.json(SCHEDULE) == DEFAULTS
    assert schedule(fresh_api, mode="polls", polls=2)["polls"] == 2


def test_a_reset_restores_the_schedule_and_a_dump_keeps_it(areas, fresh_api) -> None:
    schedule(fresh_api, mode="seconds", seconds=30, fail_projects=["Ember Admin"])
    dump = fresh_api.json("/_sandbox/state")
    assert dump["meta"]["tasks"]["fail_projects"] == ["Ember Admin"]
    copy = Sandbox(areas, seed="empty")
    copy.load(dump)
    assert in_process(copy).json(SCHEDULE)["mode"] == "seconds"
    assert fresh_api.post("/_sandbox/reset", {"seed": "empty"}).status_code == 200
    assert fresh_api.json(SCHEDULE) == DEFAULTS


def test_a_task_completes_after_the_number_of_reads_asked_for(fresh_api) -> None:
    schedule(fresh_api, mode="polls", polls=3)
    task_id = deploy(fresh_api)["TaskId"]
    assert fresh_api.json(f"{SPACE}/deployments", ids="Deployments-47")["TotalResults"] == 1
    assert fresh_api.json("/api/tasks", ids=task_id)["Items"][0]["State"] == "Executing"
    assert task(fresh_api, task_id)["State"] == "Executing"
    details = fresh_api.json(f"/api/tasks/{task_id}/details")
    assert details["Task"]["State"] == "Success"
    assert details["Progress"]["ProgressPercentage"] == 100


def test_reads_that_do_not_name_the_task_do_not_move_it(fresh_api) -> None:
    schedule(fresh_api, mode="polls", polls=1)
    deployment = deploy(fresh_api)
    listed = fresh_api.json("/api/tasks", states="Executing,Queued")["Items"]
    assert [t["Id"] for t in listed] == [deployment["TaskId"], PAUSED_TASK]
    fresh_api.json(f"{SPACE}/deployments/{deployment['Id']}")
    assert task(fresh_api, deployment["TaskId"])["State"] == "Success"


def test_a_task_completes_after_the_seconds_asked_for(fresh_api) -> None:
    schedule(fresh_api, mode="seconds", seconds=60)
    started = datetime.now(timezone.utc) - timedelta(seconds=30)
    task_id = deploy(fresh_api, QueueTime=started.isoformat())["TaskId"]
    running = task(fresh_api, task_id)
    assert running["State"] == "Executing"
    assert running["StartTime"] == started.isoformat(timespec="milliseconds")
    schedule(fresh_api, seconds=20)
    done = task(fresh_api, task_id)
    assert done["State"] == "Success" and done["Duration"] in ("30 seconds", "31 seconds")
    assert done["Completed"].endswith(("AM", "PM"))


def test_tasks_of_listed_projects_fail_or_time_out(fresh_api) -> None:
    schedule(fresh_api, fail_projects=["ember admin"], timeout_projects=["Projects-21"])
    failed = deploy(fresh_api)
    failed_task = task(fresh_api, failed["TaskId"])
    assert failed_task["State"] == "Failed" and failed_task["HasWarningsOrErrors"]
    assert failed_task["ErrorMessage"] == (
        "The deployment failed because one or more steps failed. Please see the deployment "
        "log for details."
    )
    assert fresh_api.json(f"{SPACE}/deployments/{failed['Id']}")["FailureEncountered"] is True
    raw = fresh_api.get(f"/api/tasks/{failed['TaskId']}/raw").text
    assert "The step failed: the sandbox fails tasks of 'Ember Admin'." in raw
    timed_out = task(fresh_api, deploy(fresh_api, "Projects-21")["TaskId"])
    assert timed_out["State"] == "TimedOut"
    assert timed_out["ErrorMessage"] == "The task timed out before it finished."


def test_a_task_waits_for_its_queue_time_and_times_out_after_its_expiry(fresh_api) -> None:
    later = deploy(fresh_api, QueueTime="2999-01-01T00:00:00Z")
    queued = task(fresh_api, later["TaskId"])
    assert queued["State"] == "Queued" and queued["QueueTime"] == "2999-01-01T00:00:00.000+00:00"
    assert later["QueueTime"] == queued["QueueTime"]
    expired = deploy(
        fresh_api,
        "Projects-25",
        QueueTime="2020-01-01T00:00:00+00:00",
        QueueTimeExpiry="2020-01-01T00:05:00+00:00",
    )
    late = task(fresh_api, expired["TaskId"])
    assert (late["State"], late["StartTime"]) == ("TimedOut", None)
    assert late["ErrorMessage"] == "The task was not started before its queue time expired."


# -- changing tasks ----------------------------------------------------------------------------


def test_cancelling_a_queued_a_running_and_a_finished_task(fresh_api) -> None:
    queued = deploy(fresh_api, QueueTime="2999-01-01T00:00:00Z")["TaskId"]
    canceled = fresh_api.post(f"/api/tasks/{queued}/cancel")
    assert canceled.status_code == 200
    validate("TaskResource", canceled.json())
    assert canceled.json()["State"] == "Canceled" and canceled.json()["IsCompleted"]
    schedule(fresh_api, mode="polls", polls=5)
    running = deploy(fresh_api, "Projects-25")["TaskId"]
    assert task(fresh_api, running)["State"] == "Executing"
    assert fresh_api.post(f"/api/tasks/{running}/cancel").json()["State"] == "Cancelling"
    assert task(fresh_api, running)["State"] == "Canceled"
    finished = fresh_api.post("/api/tasks/ServerTasks-1/cancel").json()
    assert finished["State"] == "Success"
    assert fresh_api.post("/api/tasks/ServerTasks-999/cancel").status_code == 404


def test_cancelling_a_paused_task_closes_its_interruption(fresh_api) -> None:
    assert fresh_api.post(f"/api/tasks/{PAUSED_TASK}/cancel").json()["State"] == "Canceled"
    interruption = fresh_api.json(SPACE + "/interruptions/Interruptions-1")
    assert interruption["IsPending"] is False
    assert fresh_api.json(SPACE + "/interruptions", pendingOnly="true")["TotalResults"] == 0


@pytest.mark.parametrize(
    ("task_id", "body", "message"),
    [
        ("ServerTasks-1", None, "No body was provided."),
        ("ServerTasks-1", {"Reason": "x"}, "No state was provided."),
        ("ServerTasks-1", {"State": "Failed"}, "No reason was provided."),
        ("ServerTasks-1", {"State": "Queued", "Reason": "x"},
         "The task can not be put into the state.  Valid states are: Canceled, Failed, Success."),
        ("ServerTasks-1", {"State": "Success", "Reason": "x"}, "The task is already in the state."),
        (PAUSED_TASK, {"State": "Failed", "Reason": "x"},
         "The task state can not be changed to the selected state.  It can only be changed out "
         "of the states: Canceled, Failed, Success."),
    ],
)  # fmt: skip
def test_task_state_changes_are_refused_with_the_server_messages(
    fresh_api, task_id, body, message
) -> None:
    response = fresh_api.post(f"/api/tasks/{task_id}/state", body)
    assert response.status_code == 400
    assert response.json() == {"ErrorMessage": message, "Errors": [message]}


def test_a_finished_task_state_can_be_changed(fresh_api) -> None:
    changed = fresh_api.post(
        "/api/tasks/ServerTasks-1/state", {"state": "failed", "reason": "Broke in the night"}
    )
    assert changed.status_code == 200
    body = changed.json()
    assert (body["State"], body["FinishedSuccessfully"]) == ("Failed", False)
    assert body["ErrorMessage"] == "Broke in the night"
    raw = fresh_api.get("/api/tasks/ServerTasks-1/raw").text
    assert "The task state was changed from Success to Failed: Broke in the night" in raw
