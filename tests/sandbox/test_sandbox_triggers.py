"""Project triggers (``/projecttriggers``, ``/projects/{id}/triggers``): CRUD, 400s, 404s."""

from __future__ import annotations

import pytest

from tests.sandbox.schema import load_sample, validate

SPACE = "/api/Spaces-1"
TRIGGERS = f"{SPACE}/projecttriggers"


def project(api, name: str) -> dict:
    return next(p for p in api.json(f"{SPACE}/projects/all") if p["Name"] == name)


def scheduled(project_id: str, name: str = "Every morning") -> dict:
    return {
        "Name": name,
        "ProjectId": project_id,
        "Filter": {"FilterType": "OnceDailySchedule", "StartTime": "2026-01-01T09:00:00.000",
                   "DaysOfWeek": ["Tuesday"], "Timezone": "Singapore Standard Time"},
        "Action": {"ActionType": "DeployLatestRelease", "SourceEnvironmentIds": ["Environments-1"],
                   "DestinationEnvironmentId": "Environments-2"},
    }  # fmt: skip


def test_demo_triggers_match_the_reference(api):
    listed = api.json(TRIGGERS)
    validate("ProjectTriggerResourceResourceCollection", listed)
    assert {t["Filter"]["FilterType"] for t in listed["Items"]} == {
        "OnceDailySchedule", "MachineFilter", "CronExpressionSchedule"}  # fmt: skip
    for trigger in listed["Items"]:
        assert api.json(trigger["Links"]["Self"]) == trigger
        assert api.json(trigger["Links"]["Project"])["Id"] == trigger["ProjectId"]
    assert api.json(f"{SPACE}")["Links"]["ProjectTriggers"].startswith(TRIGGERS)


def test_the_projects_triggers_link_lists_its_triggers(api):
    marketing = project(api, "Marketing Site")
    link = marketing["Links"]["Triggers"].split("{")[0]
    listed = api.json(link)
    validate("ProjectTriggerResourceResourceCollection", listed)
    assert [t["Name"] for t in listed["Items"]] == ["Nightly promotion to Test"]
    assert api.json(link, triggerActionType="AutoDeploy")["Items"] == []
    assert api.json(f"{SPACE}/projects/{marketing['Slug']}/triggers")["TotalResults"] == 1


def test_crud_keeps_the_references_shape(fresh_api):
    pid = project(fresh_api, "Customer Portal")["Id"]
    created = fresh_api.post(TRIGGERS, scheduled(pid))
    assert created.status_code == 201, created.text
    doc = created.json()
    validate("ProjectTriggerResource", doc)
    sample = load_sample("project-trigger.response.json")
    assert set(sample) <= set(doc)
    assert set(doc["Filter"]) == set(sample["Filter"])
    assert set(doc["Action"]) == set(sample["Action"])

    doc["IsDisabled"] = True
    updated = fresh_api.put(f"{TRIGGERS}/{doc['Id']}", doc)
    assert updated.status_code == 200 and updated.json()["IsDisabled"] is True
    assert fresh_api.delete(f"{TRIGGERS}/{doc['Id']}").status_code == 200
    assert fresh_api.get(f"{TRIGGERS}/{doc['Id']}").status_code == 404
    categories = [
        e["Category"] for e in fresh_api.json("/api/events", regarding=doc["Id"])["Items"]
    ]
    assert categories == ["Deleted", "Modified", "Created"]


def test_deleting_a_project_deletes_its_triggers(fresh_api):
    identity = project(fresh_api, "Identity Server")
    (trigger,) = fresh_api.json(f"{SPACE}/projects/{identity['Id']}/triggers")["Items"]
    assert fresh_api.delete(identity["Links"]["Self"]).status_code == 200
    assert fresh_api.get(f"{TRIGGERS}/{trigger['Id']}").status_code == 404
    assert trigger["Id"] not in [t["Id"] for t in fresh_api.json(f"{TRIGGERS}/all")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ProjectId": "Projects-999"}, "The project 'Projects-999' was not found."),
        ({"Filter": None}, "The trigger's Filter is required."),
        ({"Filter": {"FilterType": "Hourly"}}, "FilterType must be one of MachineFilter"),
        ({"Action": {"ActionType": "Explode"}}, "ActionType must be one of AutoDeploy"),
        ({"Name": ""}, "The Name field is required."),
        ({"Name": "Nightly promotion to Test"},
         "A trigger with the name 'Nightly promotion to Test' already exists."),
    ],
)  # fmt: skip
def test_bad_bodies_are_the_servers_400(fresh_api, change, message):
    body = dict(scheduled(project(fresh_api, "Marketing Site")["Id"]), **change)
    response = fresh_api.post(TRIGGERS, body)
    assert response.status_code == 400
    assert any(e.startswith(message) for e in response.json()["Errors"]), response.json()
    assert fresh_api.json(TRIGGERS)["TotalResults"] == 3


def test_unknown_ids_are_404(api):
    for path in (f"{TRIGGERS}/ProjectTriggers-999", f"{SPACE}/projects/Projects-999/triggers"):
        assert api.get(path).status_code == 404
    other = project(api, "Customer Portal")["Id"]
    trigger = api.json(TRIGGERS)["Items"][0]
    assert api.get(f"{SPACE}/projects/{other}/triggers/{trigger['Id']}").status_code == 404
