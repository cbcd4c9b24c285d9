"""Deployments in the sandbox: creation with the server's checks, the routes and filters,
and the demo seed's deployments."""

from __future__ import annotations

from typing import Any

import pytest

from octoflow.sandbox import Sandbox
from tests.sandbox.conftest import Client, in_process
from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
DEPLOYMENTS = SPACE + "/deployments"
FAILED = "Deployment creation failed."
PROBLEM = "There was a problem with your request."
DEV, TEST, STAGING, PRODUCTION = (f"Environments-{n}" for n in range(1, 5))
BILLING = "Projects-2"  # tenanted or untenanted; US tenants connected in Test and Production
EMBER_ADMIN = "Projects-22"  # untenanted; 1.2.0 in Test, not in Staging
BEACON_WEB = "Projects-17"  # tenanted, no tenant connected
US_TENANT = "Tenants-5"  # connected to Billing API in Test and Production
#: Untenanted released projects, and those of them with 1.2.0 in Staging (the seed's facts).
UNTENANTED = {f"Projects-{n}" for n in (18, 19, 21, 22, 24, 25, 28)}
IN_STAGING = {f"Projects-{n}" for n in (18, 21, 24, 28)}


@pytest.fixture(scope="module")
def api(areas) -> Client:
    return in_process(Sandbox(areas, seed="demo"))


def release_id(api: Client, project: str, version: str = "1.2.0") -> str:
    return api.json(f"{SPACE}/projects/{project}/releases/{version}")["Id"]


def refused(api: Client, body: Any, message: str = FAILED) -> list[str]:
    response = api.post(DEPLOYMENTS, body)
    assert response.status_code == 400, response.text
    assert response.json()["ErrorMessage"] == message
    return response.json()["Errors"]


def test_creating_a_deployment_answers_201_with_the_document_and_its_task(fresh_api) -> None:
    release = release_id(fresh_api, EMBER_ADMIN)
    body = {
        "releaseId": release,
        "environmentId": STAGING,
        "comments": "Promoted by the nightly job",
        "formValues": {"Approver": "Ops", "count": 3},
        "ExcludedTargetTagIds": [],
    }
    response = fresh_api.post(DEPLOYMENTS, body)
    assert response.status_code == 201, response.text
    doc = response.json()
    validate("DeploymentResource", doc)
    assert doc["Id"] == "Deployments-47" and doc["Name"] == "Deploy to Staging"
    assert (doc["ProjectId"], doc["ReleaseId"], doc["EnvironmentId"]) == (
        EMBER_ADMIN,
        release,
        STAGING,
    )
    assert doc["TenantId"] is None and doc["ChannelId"] == "Channels-22"
    assert doc["Comments"] == "Promoted by the nightly job"
    assert doc["FormValues"] == {"Approver": "Ops", "count": "3"}
    assert doc["ExcludedTargetTagIds"] == []  # not modelled: kept and echoed
    assert doc["DeployedBy"] == "admin" and doc["DeployedById"] == "Users-1"
    assert doc["ManifestVariableSetId"] == "variableset-Deployments-47"
    release_doc = fresh_api.json(f"{SPACE}/releases/{release}")
    assert doc["DeploymentProcessId"] == release_doc["ProjectDeploymentProcessSnapshotId"]
    assert doc["Links"]["Task"] == f"/api/tasks/{doc['TaskId']}"
    assert doc["Links"]["Release"] == f"{SPACE}/releases/{release}"
    task = fresh_api.json(f"/api/tasks/{doc['TaskId']}")
    assert task["Description"] == "Deploy Ember Admin release 1.2.0 to Staging"
    assert task["Arguments"] == {"DeploymentId": doc["Id"]} and task["State"] == "Success"
    assert fresh_api.json(f"{DEPLOYMENTS}/{doc['Id']}") == doc


def test_a_tenanted_deployment(fresh_api) -> None:
    body = {
        "ReleaseId": release_id(fresh_api, BILLING),
        "EnvironmentId": TEST,
        "TenantId": "Tenants-770",
    }
    doc = fresh_api.post(DEPLOYMENTS, body).json()
    assert doc["TenantId"] == "Tenants-770"
    assert doc["Links"]["Tenant"] == f"{SPACE}/tenants/Tenants-770"
    task = fresh_api.json(f"/api/tasks/{doc['TaskId']}")
    tenant = fresh_api.json(f"{SPACE}/tenants/Tenants-770")["Name"]
    assert task["Description"] == f"Deploy Billing API release 1.2.0 to Test for {tenant}"


def test_skipped_actions_are_skipped_in_the_task(fresh_api) -> None:
    release = fresh_api.json(f"{SPACE}/releases/{release_id(fresh_api, EMBER_ADMIN)}")
    process = fresh_api.json(
        f"{SPACE}/deploymentprocesses/{release['ProjectDeploymentProcessSnapshotId']}"
    )
    step = process["Steps"][0]
    body = {
        "ReleaseId": release["Id"],
        "EnvironmentId": STAGING,
        "SkipActions": [step["Actions"][0]["Id"]],
    }
    doc = fresh_api.post(DEPLOYMENTS, body).json()
    details = fresh_api.json(f"/api/tasks/{doc['TaskId']}/details")
    first = details["ActivityLogs"][0]["Children"][0]
    assert first["Name"] == f"Step 1: {step['Name']}" and first["Status"] == "Skipped"
    assert first["LogElements"][-1]["MessageText"] == "Skipped: it was chosen to be skipped"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, ["The ReleaseId field is required.", "The EnvironmentId field is required."]),
        ({"ReleaseId": "Releases-999", "EnvironmentId": "Environments-99"},
         ["The release 'Releases-999' was not found.",
          "The environment 'Environments-99' was not found."]),
        ({"ReleaseId": "release:ember", "EnvironmentId": PRODUCTION},
         ["Release '1.2.0' of project 'Ember Admin' cannot be deployed to 'Production': the "
          "lifecycle 'Default Lifecycle' allows it to be deployed to Development, Test, Staging "
          "now. Each phase must be complete before the release moves on."]),
        ({"ReleaseId": "release:ember", "EnvironmentId": STAGING, "TenantId": US_TENANT},
         ["The project 'Ember Admin' is not tenanted: remove the TenantId."]),
        ({"ReleaseId": "release:beacon", "EnvironmentId": DEV},
         ["The project 'Beacon Web' runs for tenants only: give a TenantId."]),
        ({"ReleaseId": "release:billing", "EnvironmentId": STAGING, "TenantId": US_TENANT},
         ["The tenant '{tenant}' is not connected to the project 'Billing API' in the "
          "environment 'Staging'."]),
        ({"ReleaseId": "release:billing", "EnvironmentId": TEST, "TenantId": "Tenants-9999"},
         ["The tenant 'Tenants-9999' was not found."]),
        ({"ReleaseId": "release:ember", "EnvironmentId": STAGING, "SkipActions": ["nope"],
          "SpecificMachineIds": ["Machines-999"], "FormValues": "Approver=Ops"},
         ["SkipActions: 'nope' is not an action of the release's process.",
          "SpecificMachineIds: the machine 'Machines-999' was not found.",
          "FormValues must be an object of names and values."]),
    ],
)  # fmt: skip
def test_deployments_are_refused_with_the_reasons(fresh_api, body, errors) -> None:
    refs = {"ember": EMBER_ADMIN, "beacon": BEACON_WEB, "billing": BILLING}
    if str(body.get("ReleaseId", "")).startswith("release:"):
        body = dict(body, ReleaseId=release_id(fresh_api, refs[body["ReleaseId"][8:]]))
    tenant = fresh_api.json(f"{SPACE}/tenants/{US_TENANT}")["Name"]
    assert refused(fresh_api, body) == [e.format(tenant=tenant) for e in errors]
    assert fresh_api.json(DEPLOYMENTS)["TotalResults"] == 46


def test_a_bad_schedule_and_a_missing_body(fresh_api) -> None:
    release = release_id(fresh_api, EMBER_ADMIN)
    base = {"ReleaseId": release, "EnvironmentId": STAGING}
    late = dict(base, QueueTime="2030-01-02T00:00:00Z", QueueTimeExpiry="2030-01-01T00:00:00Z")
    assert refused(fresh_api, late, "Deployment Schedule is invalid.") == [
        "QueueTimeExpiry must be after QueueTime."
    ]
    assert refused(fresh_api, dict(base, QueueTime="soon"), "Deployment Schedule is invalid.") == [
        "QueueTime and QueueTimeExpiry must be dates."
    ]
    empty = fresh_api.request("POST", DEPLOYMENTS, data=b"")
    assert empty.status_code == 400
    assert empty.json()["ErrorMessage"] == "No request body was supplied."


def test_a_disabled_tenant_cannot_be_deployed_to(fresh_api) -> None:
    tenant = fresh_api.json(f"{SPACE}/tenants/Tenants-770")
    assert fresh_api.put(f"{SPACE}/tenants/Tenants-770", dict(tenant, IsDisabled=True)).ok
    body = {
        "ReleaseId": release_id(fresh_api, BILLING),
        "EnvironmentId": TEST,
        "TenantId": "Tenants-770",
    }
    assert refused(fresh_api, body) == [f"The tenant '{tenant['Name']}' is disabled."]


def test_a_disabled_project_cannot_be_deployed(fresh_api) -> None:
    project = fresh_api.json(f"{SPACE}/projects/{EMBER_ADMIN}")
    assert fresh_api.put(f"{SPACE}/projects/{EMBER_ADMIN}", dict(project, IsDisabled=True)).ok
    body = {"ReleaseId": release_id(fresh_api, EMBER_ADMIN), "EnvironmentId": STAGING}
    assert refused(fresh_api, body) == [
        "The project 'Ember Admin' is disabled, so it cannot be deployed."
    ]


def test_a_failed_deployment_does_not_complete_its_phase(fresh_api) -> None:
    assert fresh_api.put("/_sandbox/tasks", {"fail_projects": ["Ember Admin"]}).ok
    release = release_id(fresh_api, EMBER_ADMIN)
    failed = fresh_api.post(DEPLOYMENTS, {"ReleaseId": release, "EnvironmentId": STAGING}).json()
    assert fresh_api.json(f"/api/tasks/{failed['TaskId']}")["State"] == "Failed"
    assert refused(fresh_api, {"ReleaseId": release, "EnvironmentId": PRODUCTION})[0].endswith(
        "allows it to be deployed to Development, Test, Staging now. Each phase must be "
        "complete before the release moves on."
    )


class NoStaging:
    """An area whose admission check refuses deployments to Staging."""

    name = "no-staging"

    def register_routes(self, router: Any) -> None:
        router.admission("Deployments", self.check)

    def seed(self, state: Any, seed: str) -> None:
        pass

    def check(self, req: Any, doc: dict[str, Any]) -> list[str]:
        return ["Staging is closed."] if doc["EnvironmentId"] == STAGING else []


def test_deployments_pass_other_areas_admission_checks_before_any_is_stored(areas) -> None:
    api = in_process(Sandbox([*areas, NoStaging()], seed="demo"))
    release = release_id(api, EMBER_ADMIN)
    assert refused(api, {"ReleaseId": release, "EnvironmentId": STAGING}, PROBLEM) == [
        "Staging is closed."
    ]
    both = {
        "spaceIdOrName": "Spaces-1",
        "projectName": "Ember Admin",
        "releaseVersion": "1.2.0",
        "environmentNames": ["Test", "Staging"],
    }
    response = api.post(f"{SPACE}/deployments/create/untenanted/v1", both)
    assert response.status_code == 400 and response.json()["Errors"] == ["Staging is closed."]
    assert api.json(DEPLOYMENTS)["TotalResults"] == 46  # the seed's: not even Test was stored
    test = api.post(DEPLOYMENTS, {"ReleaseId": release, "EnvironmentId": TEST})
    assert test.status_code == 201, test.text


def test_deployments_are_listed_newest_first_with_filters(api) -> None:
    listed = api.json(DEPLOYMENTS, take=100)
    validate("DeploymentResourceResourceCollection", listed)
    assert listed["ItemType"] == "Deployment" and listed["TotalResults"] == 46
    assert [d["Id"] for d in listed["Items"][:2]] == ["Deployments-46", "Deployments-45"]
    assert listed["Links"]["Template"] == DEPLOYMENTS + (
        "{?skip,take,ids,projects,environments,tenants,channels,taskState,partialName}"
    )
    executing = api.json(DEPLOYMENTS, taskState="Executing")["Items"]
    assert [d["Id"] for d in executing] == ["Deployments-35"]
    tenants = api.json(DEPLOYMENTS, projects=BILLING, tenants=US_TENANT)["Items"]
    assert [d["EnvironmentId"] for d in tenants] == [PRODUCTION, TEST]
    hotfix = api.json(DEPLOYMENTS, channels="Channels-201", environments=TEST)["Items"]
    assert [d["Id"] for d in hotfix] == ["Deployments-11"]
    assert api.json(DEPLOYMENTS, partialName="to prod")["TotalResults"] == 3
    assert api.json(DEPLOYMENTS, ids="Deployments-2,Deployments-1", take=1)["NumberOfPages"] == 2


def test_the_seed_deploys_the_latest_releases_to_test_and_some_to_staging(api) -> None:
    items = api.json(DEPLOYMENTS, take=100)["Items"]
    current: dict[tuple[str, str], str] = {}
    for doc in sorted(items, key=lambda d: (d["Created"], int(d["Id"].rpartition("-")[2]))):
        if doc["TenantId"] is None:
            current[(doc["ProjectId"], doc["EnvironmentId"])] = doc["ReleaseId"]
    for project in UNTENANTED:
        releases = api.json(f"{SPACE}/projects/{project}/releases")["Items"]
        newest = max(releases, key=lambda r: r["Assembled"])
        assert current[(project, TEST)] == newest["Id"], project
    assert {p for p, e in current if e == STAGING} == IN_STAGING | {BILLING}
    assert api.json("/api/tasks", states="Success")["TotalResults"] == 45


def test_deleting_a_deployment_keeps_its_task(fresh_api) -> None:
    assert fresh_api.delete(f"{DEPLOYMENTS}/Deployments-1").status_code == 200
    assert fresh_api.get(f"{DEPLOYMENTS}/Deployments-1").status_code == 404
    assert fresh_api.get("/api/tasks/ServerTasks-1").status_code == 200
    missing = fresh_api.delete(f"{DEPLOYMENTS}/Deployments-999")
    assert missing.status_code == 404
    assert missing.json()["ErrorMessage"] == "The resource 'Deployments-999' was not found."
    assert fresh_api.json("/api")["Links"]["Deployments"] == DEPLOYMENTS + (
        "{/id}{?skip,take,ids,projects,environments,tenants,channels,taskState,partialName}"
    )
