"""Interruptions in the sandbox: manual interventions and guided failure, responsibility
(only the responsible teams) and submitting, with the server's messages."""

from __future__ import annotations

from typing import Any

import pytest

from octoflow.sandbox import Sandbox
from tests.sandbox.conftest import Client, in_process
from tests.sandbox.schema import load_sample, validate

SPACE = "/api/Spaces-1"
INTERRUPTIONS = SPACE + "/interruptions"
SEEDED = INTERRUPTIONS + "/Interruptions-1"  # Harbor Admin 1.2.0 to Production, pending
PAUSED_TASK = "ServerTasks-35"
RELEASE_MANAGERS, OPERATIONS = "Teams-4", "Teams-2"
EMBER_ADMIN, HARBOR_ADMIN = "Projects-22", "Projects-28"
STAGING, PRODUCTION = "Environments-3", "Environments-4"
FORM_ERRORS = "There were errors with the form."
NOT_RESPONSIBLE = (
    "You must take responsibility for this interruption before attempting to submit it."
)
SOMEONE_ELSE = (
    "Someone else has taken responsibility for this interruption, and only they are allowed to "
    "submit it."
)


@pytest.fixture(scope="module")
def api(areas) -> Client:
    return in_process(Sandbox(areas, seed="demo"))


def person(sandbox: Sandbox, admin: Client, name: str, team: str | None) -> tuple[str, Client]:
    """A new user (in ``team``, if given) and a client using an API key of theirs."""
    user = admin.post(
        "/api/users", {"Username": name, "DisplayName": name.title(), "IsService": True}
    )
    user_id = user.json()["Id"]
    key = admin.post(f"/api/users/{user_id}/apikeys", {"Purpose": "tests"}).json()["ApiKey"]
    if team:
        doc = admin.json(f"/api/teams/{team}")
        doc["MemberUserIds"].append(user_id)
        assert admin.put(f"/api/teams/{team}", doc).status_code == 200
    return user_id, in_process(sandbox, key=key)


def answer(api: Client, path: str, **values: Any) -> Any:
    taken = api.put(path + "/responsible")
    assert taken.status_code == 200, taken.text
    return api.post(path + "/submit", values)


def refused(response: Any, status: int, message: str, errors: list[str] | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.json()["ErrorMessage"] == message
    if errors is not None:
        assert response.json()["Errors"] == errors


def test_the_seeded_interruption_has_the_real_shape(api) -> None:
    sample = load_sample("interruption.manual-intervention.pending.response.json")
    doc = api.json(SEEDED)
    validate("InterruptionResource", doc)
    assert set(doc) == set(sample) | {"Type", "SpaceId", "LastModifiedOn", "LastModifiedBy"}
    assert doc["Title"] == "Approve production release" and doc["Type"] == "ManualIntervention"
    assert doc["Form"]["Values"] == sample["Form"]["Values"]
    sample["Form"]["Elements"][0]["Control"]["Text"] = (
        "Check the release notes of Harbor Admin and the change ticket before deploying to "
        "Production."
    )
    assert doc["Form"]["Elements"] == sample["Form"]["Elements"]
    assert doc["RelatedDocumentIds"] == ["Deployments-35", PAUSED_TASK, HARBOR_ADMIN, PRODUCTION]
    assert doc["ResponsibleTeamIds"] == [RELEASE_MANAGERS] and doc["ResponsibleUserId"] is None
    assert (doc["IsPending"], doc["CanTakeResponsibility"], doc["HasResponsibility"]) == (
        True,
        True,
        False,
    )
    assert doc["CorrelationId"].startswith(PAUSED_TASK + "_")
    assert doc["Links"] == {
        "Self": SEEDED,
        "Submit": SEEDED + "/submit",
        "Responsible": SEEDED + "/responsible",
    }
    task = api.json(f"/api/tasks/{PAUSED_TASK}")
    assert (task["State"], task["HasPendingInterruptions"]) == ("Executing", True)


def test_interruptions_are_listed_with_filters(api) -> None:
    sample = load_sample("interruptions.collection.response.json")
    listed = api.json(INTERRUPTIONS)
    validate("InterruptionResourceResourceCollection", listed)
    assert set(listed) == set(sample) and set(listed["Links"]) == set(sample["Links"])
    assert listed["ItemType"] == "Interruption" and listed["TotalResults"] == 1
    assert listed["Links"]["Template"] == INTERRUPTIONS + "{?skip,take,regarding,pendingOnly,ids}"
    for regarding in ("Deployments-35", PAUSED_TASK, HARBOR_ADMIN, PRODUCTION):
        assert api.json(INTERRUPTIONS, regarding=regarding)["TotalResults"] == 1
    assert api.json(INTERRUPTIONS, regarding="Projects-1")["TotalResults"] == 0
    assert api.json(INTERRUPTIONS, pendingOnly="true", ids="Interruptions-1")["TotalResults"] == 1
    assert api.json("/api/interruptions", ids="Interruptions-2")["TotalResults"] == 0
    assert api.json("/api")["Links"]["Interruptions"] == (
        INTERRUPTIONS + "{/id}{?skip,take,regarding,pendingOnly,ids}"
    )
    missing = api.get(INTERRUPTIONS + "/Interruptions-99")
    refused(missing, 404, "The resource 'Interruptions-99' was not found.")


def test_responsibility_and_the_proceed_answer(fresh, fresh_api) -> None:
    refused(
        fresh_api.get(SEEDED + "/responsible"),
        404,
        "Nobody has taken responsibility for the interruption 'Interruptions-1' yet.",
    )
    refused(fresh_api.post(SEEDED + "/submit", {"Result": "Proceed"}), 400, NOT_RESPONSIBLE)
    taken = fresh_api.put(SEEDED + "/responsible")
    assert taken.status_code == 200 and taken.json()["Id"] == "Users-1"
    validate("UserResource", taken.json())
    assert fresh_api.json(SEEDED)["HasResponsibility"] is True
    manager_id, manager = person(fresh, fresh_api, "rita", RELEASE_MANAGERS)
    seen = manager.json(SEEDED)
    assert (seen["CanTakeResponsibility"], seen["HasResponsibility"]) == (True, False)
    assert manager.put(SEEDED + "/responsible").json()["Id"] == manager_id
    assert fresh_api.json(SEEDED + "/responsible")["Username"] == "rita"
    refused(fresh_api.post(SEEDED + "/submit", {"Result": "Proceed"}), 400, SOMEONE_ELSE)
    submitted = manager.post(SEEDED + "/submit", {"result": "proceed", "notes": "Change 4711 ok"})
    assert submitted.status_code == 200
    doc = submitted.json()
    validate("InterruptionResource", doc)
    assert doc["IsPending"] is False and doc["CanTakeResponsibility"] is False
    assert doc["Form"]["Values"] == {
        "Instructions": None,
        "Notes": "Change 4711 ok",
        "Result": "Proceed",
    }
    task = fresh_api.json(f"/api/tasks/{PAUSED_TASK}")
    assert (task["State"], task["HasPendingInterruptions"]) == ("Success", False)
    refused(
        manager.post(SEEDED + "/submit", {"Result": "Proceed"}),
        400,
        "The interruption has already been submitted.",
    )
    refused(
        manager.put(SEEDED + "/responsible"),
        400,
        "This interruption has already been submitted, possibly by another user.",
    )


def test_only_the_responsible_teams_may_take_responsibility(fresh, fresh_api) -> None:
    _, operator = person(fresh, fresh_api, "otto", OPERATIONS)
    assert operator.json(SEEDED)["CanTakeResponsibility"] is False
    refused(
        operator.put(SEEDED + "/responsible"),
        403,
        "You do not have permission to take responsibility for this interruption. Only members "
        "of these teams may: Release Managers.",
    )
    _, outsider = person(fresh, fresh_api, "nobody", None)
    refused(
        outsider.put(SEEDED + "/responsible"),
        403,
        "You do not have permission to perform this action. Please contact your Octopus "
        "administrator. Missing permission: InterruptionSubmit",
    )
    assert fresh_api.json(SEEDED)["ResponsibleUserId"] is None


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"Notes": "?"}, "Result is required: choose one of Proceed, Abort."),
        ({"Result": "Maybe"}, "'Maybe' is not a Result: choose one of Proceed, Abort."),
        ({"Result": 1}, "'1' is not a Result: choose one of Proceed, Abort."),
    ],
)
def test_a_bad_form_is_refused(fresh_api, values, error) -> None:
    refused(answer(fresh_api, SEEDED, **values), 400, FORM_ERRORS, [error])
    assert fresh_api.json(SEEDED)["IsPending"] is True


def test_abort_fails_the_task(fresh_api) -> None:
    assert answer(fresh_api, SEEDED, Result="Abort", Notes="Not today").status_code == 200
    task = fresh_api.json(f"/api/tasks/{PAUSED_TASK}")
    assert task["State"] == "Failed" and task["ErrorMessage"].startswith("The deployment failed")
    details = fresh_api.json(f"/api/tasks/{PAUSED_TASK}/details")
    assert details["ActivityLogs"][0]["Children"][0]["Status"] == "Failed"


def test_after_proceed_a_task_runs_to_its_end_per_the_schedule(fresh_api) -> None:
    assert fresh_api.put("/_sandbox/tasks", {"mode": "polls", "polls": 2}).ok
    release = fresh_api.json(f"{SPACE}/projects/{HARBOR_ADMIN}/releases/1.2.0")["Id"]
    again = fresh_api.post(
        SPACE + "/deployments", {"ReleaseId": release, "EnvironmentId": PRODUCTION}
    ).json()
    pending = fresh_api.json(INTERRUPTIONS, regarding=again["Id"])["Items"]
    assert [i["Id"] for i in pending] == ["Interruptions-2"]
    assert answer(fresh_api, INTERRUPTIONS + "/Interruptions-2", Result="Proceed").ok
    states = [fresh_api.json(f"/api/tasks/{again['TaskId']}")["State"] for _ in range(2)]
    assert states == ["Executing", "Success"]


def guided(api: Client, project: str = EMBER_ADMIN, **fields: Any) -> dict:
    """A Staging deployment of ``project`` that fails, with guided failure on."""
    assert api.put("/_sandbox/tasks", {"fail_projects": [project]}).ok
    release = api.json(f"{SPACE}/projects/{project}/releases/1.2.0")["Id"]
    body = {"ReleaseId": release, "EnvironmentId": STAGING, **fields}
    return api.post(SPACE + "/deployments", body).json()


def test_guided_failure_from_the_project_and_retry(fresh_api) -> None:
    project = fresh_api.json(f"{SPACE}/projects/{EMBER_ADMIN}")
    assert fresh_api.put(
        f"{SPACE}/projects/{EMBER_ADMIN}", dict(project, DefaultGuidedFailureMode="On")
    ).ok
    deployment = guided(fresh_api)
    assert deployment["UseGuidedFailure"] is True
    task = fresh_api.json(f"/api/tasks/{deployment['TaskId']}")
    assert (task["State"], task["HasPendingInterruptions"]) == ("Executing", True)
    (doc,) = fresh_api.json(INTERRUPTIONS, regarding=deployment["Id"], pendingOnly="true")["Items"]
    validate("InterruptionResource", doc)
    assert doc["Title"] == "Swap deployment slots requires failure guidance"
    assert doc["Type"] == "GuidedFailure" and doc["ResponsibleTeamIds"] == []
    assert doc["Form"]["Values"] == {"Notes": None, "Guidance": None}
    buttons = doc["Form"]["Elements"][1]["Control"]["Buttons"]
    assert [b["Value"] for b in buttons] == ["Fail", "Retry", "Ignore", "Exclude"]
    path = f"{INTERRUPTIONS}/{doc['Id']}"
    refused(
        answer(fresh_api, path, Result="Proceed"),
        400,
        FORM_ERRORS,
        ["Guidance is required: choose one of Fail, Retry, Ignore, Exclude."],
    )
    assert fresh_api.post(path + "/submit", {"Guidance": "Retry"}).ok
    (again,) = fresh_api.json(INTERRUPTIONS, regarding=deployment["Id"], pendingOnly="true")[
        "Items"
    ]
    assert again["Id"] != doc["Id"]
    assert fresh_api.put("/_sandbox/tasks", {"fail_projects": []}).ok
    assert answer(fresh_api, f"{INTERRUPTIONS}/{again['Id']}", Guidance="Retry").ok
    task = fresh_api.json(f"/api/tasks/{deployment['TaskId']}")
    assert (task["State"], task["HasWarningsOrErrors"]) == ("Success", True)


@pytest.mark.parametrize(
    ("guidance", "state"), [("Fail", "Failed"), ("Ignore", "Success"), ("Exclude", "Success")]
)
def test_guided_failure_asked_for_by_the_deployment(fresh_api, guidance, state) -> None:
    deployment = guided(fresh_api, UseGuidedFailure=True)
    (doc,) = fresh_api.json(INTERRUPTIONS, regarding=deployment["TaskId"])["Items"]
    assert answer(fresh_api, f"{INTERRUPTIONS}/{doc['Id']}", Guidance=guidance).ok
    task = fresh_api.json(f"/api/tasks/{deployment['TaskId']}")
    assert task["State"] == state and task["HasWarningsOrErrors"] is True
    assert fresh_api.json(f"{SPACE}/deployments/{deployment['Id']}")["FailureEncountered"]
