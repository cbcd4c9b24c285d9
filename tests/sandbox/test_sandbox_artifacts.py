"""Artifacts (``/artifacts``): the ``regarding`` links of releases, deployments and
tasks, CRUD, content, 400s and 404s."""

from __future__ import annotations

import pytest

from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
ARTIFACTS = f"{SPACE}/artifacts"


def seeded_deployment(api) -> dict:
    """A deployment whose task collected the demo's smoke-test report."""
    artifact = api.json(ARTIFACTS)["Items"][0]
    task = api.json(f"/api/tasks/{artifact['ServerTaskId']}")
    return api.json(f"{SPACE}/deployments/{task['Arguments']['DeploymentId']}")


def test_demo_artifacts_match_the_reference(api):
    listed = api.json(ARTIFACTS)
    validate("ArtifactResourceResourceCollection", listed)
    assert listed["TotalResults"] == 7
    assert {a["Filename"] for a in listed["Items"]} == {"smoke-tests.xml"}
    first = listed["Items"][0]
    validate("ArtifactResource", api.json(first["Links"]["Self"]))
    content = api.get(first["Links"]["Content"])
    assert content.status_code == 200 and "<testsuite" in content.text
    assert api.json(SPACE)["Links"]["Artifacts"].startswith(ARTIFACTS + "{/id}")


def test_artifacts_links_of_a_deployment_its_release_and_task_find_the_report(api):
    deployment = seeded_deployment(api)
    release = api.json(f"{SPACE}/releases/{deployment['ReleaseId']}")
    task = api.json(f"/api/tasks/{deployment['TaskId']}")
    for owner in (deployment, release, task):
        found = api.json(owner["Links"]["Artifacts"])["Items"]
        assert found, owner["Id"]
        assert all(a["ServerTaskId"] for a in found)
    (only,) = api.json(task["Links"]["Artifacts"])["Items"]
    assert only["ServerTaskId"] == task["Id"]
    assert api.json(ARTIFACTS, regarding="Releases-99999")["Items"] == []


def test_crud_and_content(fresh_api):
    task_id = fresh_api.json(ARTIFACTS)["Items"][0]["ServerTaskId"]
    created = fresh_api.post(ARTIFACTS, {"Filename": "plan.txt", "ServerTaskId": task_id})
    assert created.status_code == 201, created.text
    doc = created.json()
    validate("ArtifactResource", doc)
    assert doc["Created"]

    assert (
        fresh_api.put(doc["Links"]["Content"], data="terraform plan: 3 to add").status_code == 200
    )
    assert fresh_api.get(doc["Links"]["Content"]).text == "terraform plan: 3 to add"
    assert len(fresh_api.json("/api/events", regarding=doc["Id"])["Items"]) == 1  # the create
    updated = fresh_api.put(doc["Links"]["Self"], dict(doc, Source="worker-1"))
    assert updated.status_code == 200 and updated.json()["Source"] == "worker-1"
    assert updated.json()["Created"] == doc["Created"]
    assert doc["Id"] in [a["Id"] for a in fresh_api.json(ARTIFACTS, regarding=task_id)["Items"]]

    assert fresh_api.delete(doc["Links"]["Self"]).status_code == 200
    assert fresh_api.get(doc["Links"]["Self"]).status_code == 404
    assert fresh_api.get(doc["Links"]["Content"]).status_code == 404
    categories = [
        e["Category"] for e in fresh_api.json("/api/events", regarding=doc["Id"])["Items"]
    ]
    assert categories == ["Deleted", "Modified", "Created"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"Source": "x"}, "The Filename field is required."),
        ({"Filename": "a.txt", "ServerTaskId": "ServerTasks-99999"},
         "The task 'ServerTasks-99999' was not found."),
    ],
)  # fmt: skip
def test_bad_bodies_are_the_servers_400(fresh_api, body, message):
    response = fresh_api.post(ARTIFACTS, body)
    assert response.status_code == 400
    assert response.json()["Errors"] == [message]
    assert fresh_api.json(ARTIFACTS)["TotalResults"] == 7


def test_binary_content_is_refused(fresh_api):
    first = fresh_api.json(ARTIFACTS)["Items"][0]
    response = fresh_api.put(first["Links"]["Content"], data=b"\xff\xfe\x00binary")
    assert response.status_code == 400
    assert "<testsuite" in fresh_api.get(first["Links"]["Content"]).text


def test_unknown_ids_are_404(api):
    for path in (ARTIFACTS + "/Artifacts-999", ARTIFACTS + "/Artifacts-999/content"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["ErrorMessage"] == "The resource 'Artifacts-999' was not found."
