"""The executions API in the sandbox (REFERENCE §8.3), as the Go (camelCase) and TS
(PascalCase) clients call it: releases, untenanted and tenanted deployments, runbook runs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import Client
from tests.sandbox.schema import load_sample, validate

SPACE = "/api/Spaces-1"
RELEASES = SPACE + "/releases/create/v1"
UNTENANTED = SPACE + "/deployments/create/untenanted/v1"
TENANTED = SPACE + "/deployments/create/tenanted/v1"
RUNBOOK_RUNS = SPACE + "/runbook-runs/create/v1"
PROBLEM = "There was a problem with your request."
EMBER_ADMIN = "Projects-22"
TEST, STAGING = "Environments-2", "Environments-3"
COMMON = {"spaceId": "Spaces-1", "spaceIdOrName": "Spaces-1"}
EMBER = dict(COMMON, projectName="Ember Admin", releaseVersion="1.2.0")


def refused(response: Any, message: str = PROBLEM) -> list[str]:
    assert response.status_code == 400, response.text
    assert response.json()["ErrorMessage"] == message
    return response.json()["Errors"]


def count(api: Client, collection: str) -> int:
    return api.json(f"{SPACE}/{collection}")["TotalResults"]


# -- the request -----------------------------------------------------------------------------


def test_the_sample_request_deploys_a_release(fresh_api) -> None:
    body = load_sample("deployment.create-untenanted-v1.request.issue-7746.json")
    body.update(projectName="Ember Admin", releaseVersion="1.2.0", environmentNames=["Staging"])
    response = fresh_api.post(UNTENANTED, body)
    assert response.status_code == 201, response.text
    (created,) = response.json()["DeploymentServerTasks"]
    assert response.json() == {
        "DeploymentServerTasks": [
            {"DeploymentId": "Deployments-47", "ServerTaskId": "ServerTasks-47"}
        ]
    }
    deployment = fresh_api.json(f"{SPACE}/deployments/{created['DeploymentId']}")
    validate("DeploymentResource", deployment)
    assert (deployment["ProjectId"], deployment["EnvironmentId"]) == (EMBER_ADMIN, STAGING)
    assert fresh_api.json(f"/api/tasks/{created['ServerTaskId']}")["State"] == "Success"


def test_pascal_case_bodies_names_and_ids_work_alike(fresh_api) -> None:
    body = {
        "SpaceIdOrName": "Default",
        "ProjectName": EMBER_ADMIN,
        "ReleaseVersion": "1.2.0",
        "EnvironmentNames": STAGING,
        "SkipStepNames": ["swap deployment slots"],
        "RunAt": "2999-01-01T00:00:00+00:00",
        "Variables": {"Approver": "Ops"},
        "UseGuidedFailure": None,
    }
    response = fresh_api.post(UNTENANTED, body)
    assert response.status_code == 201, response.text
    (created,) = response.json()["DeploymentServerTasks"]
    deployment = fresh_api.json(f"{SPACE}/deployments/{created['DeploymentId']}")
    process = fresh_api.json(f"{SPACE}/deploymentprocesses/{deployment['DeploymentProcessId']}")
    assert deployment["SkipActions"] == [process["Steps"][1]["Actions"][0]["Id"]]
    assert deployment["FormValues"] == {"Approver": "Ops"}
    assert deployment["QueueTime"] == "2999-01-01T00:00:00.000+00:00"
    assert fresh_api.json(f"/api/tasks/{created['ServerTaskId']}")["State"] == "Queued"


@pytest.mark.parametrize(
    "path",
    [
        "/api/deployments/create/untenanted/v1",
        "/api/spaces/default/deployments/create/untenanted/v1",
        "/api/Spaces-9/deployments/create/untenanted/v1",
    ],
)
def test_the_space_in_the_path_must_be_an_existing_id(fresh_api, path) -> None:
    body = dict(
        COMMON, projectName="Ember Admin", releaseVersion="1.2.0", environmentNames=["Staging"]
    )
    assert fresh_api.post(path, body).status_code == 404
    assert count(fresh_api, "deployments") == 46


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "The spaceIdOrName field is required: repeat the space's id in the body."),
        (COMMON, "A project name is required."),
        ({"spaceIdOrName": "Spaces-2"},
         "The space 'Spaces-2' in the body is not the space in the path (Spaces-1)."),
        (dict(COMMON, projectName="Ember Admn"),
         "The project 'Ember Admn' was not found in Spaces-1. Did you mean 'Ember Admin', "
         "'Umber Admin', 'Sable Admin'?"),
        (dict(COMMON, projectName="Ember Admin"), "The releaseVersion field is required."),
        (dict(COMMON, projectName="Ember Admin", releaseVersion="9.9.9"),
         "The release '9.9.9' of project 'Ember Admin' was not found."),
        (dict(COMMON, projectName="Ember Admin", releaseVersion="1.2.0"),
         "The environmentNames field is required: name at least one environment."),
        (dict(EMBER, environmentNames=["Stagin"]),
         "The environment 'Stagin' was not found in Spaces-1. Did you mean 'Staging'?"),
        (dict(EMBER, environmentNames=["Staging"], skipStepNames=["Deploi"]),
         "The step 'Deploi' in skipStepNames is not a step of the process. Did you mean 'Deploy'?"),
        (dict(EMBER, environmentNames=["Staging"], specificMachineNames=["web-99"]),
         "The machine 'web-99' was not found in Spaces-1."),
    ],
)  # fmt: skip
def test_bad_untenanted_requests(fresh_api, body, error) -> None:
    assert refused(fresh_api.post(UNTENANTED, body)) == [error]


def test_every_deployment_is_checked_before_any_is_created(fresh_api) -> None:
    body = dict(
        COMMON,
        projectName="Ember Admin",
        releaseVersion="1.2.0",
        environmentNames=["Staging", "Production"],
    )
    errors = refused(fresh_api.post(UNTENANTED, body), "Deployment creation failed.")
    assert errors[0].startswith(
        "Release '1.2.0' of project 'Ember Admin' cannot be deployed to 'Production'"
    )
    assert count(fresh_api, "deployments") == 46


# -- releases -------------------------------------------------------------------------------------


def test_creating_a_release_picks_the_latest_stable_packages(fresh_api) -> None:
    response = fresh_api.post(RELEASES, dict(COMMON, projectName="Ember Admin", releaseNotes="Hi"))
    assert response.status_code == 201, response.text
    assert response.json() == {"ReleaseId": "Releases-41", "ReleaseVersion": "1.2.1"}
    release = fresh_api.json(f"{SPACE}/releases/Releases-41")
    validate("ReleaseResource", release)
    assert release["ReleaseNotes"] == "Hi"
    assert [p["Version"] for p in release["SelectedPackages"]] == ["1.5.2"]
    again = fresh_api.post(
        RELEASES,
        dict(COMMON, projectName="Ember Admin", releaseVersion="1.2.1", ignoreIfAlreadyExists=True),
    )
    assert again.status_code == 200
    assert again.json() == {"ReleaseId": "Releases-41", "ReleaseVersion": "1.2.1"}
    duplicate = fresh_api.post(
        RELEASES, dict(COMMON, projectName="Ember Admin", releaseVersion="1.2.1")
    )
    assert refused(duplicate) == [
        "Release '1.2.1' already exists for this project. Please use a different version, or "
        "look at using a mask to auto-increment the number."
    ]


def test_package_versions_from_the_request_and_the_channel_rules(fresh_api) -> None:
    pinned = {"ReleaseVersion": "3.0.0", "Packages": ["Deploy:1.5.0"], "PackageVersion": "1.5.1"}
    created = fresh_api.post(RELEASES, dict(COMMON, ProjectName="Ember Admin", **pinned)).json()
    release = fresh_api.json(f"{SPACE}/releases/{created['ReleaseId']}")
    assert release["SelectedPackages"][0]["Version"] == "1.5.0"
    every = fresh_api.post(
        RELEASES,
        dict(COMMON, projectName="Ember Admin", releaseVersion="3.1.0", packageVersion="1.5.1"),
    ).json()
    assert (
        fresh_api.json(f"{SPACE}/releases/{every['ReleaseId']}")["SelectedPackages"][0]["Version"]
        == "1.5.1"
    )
    beta = fresh_api.post(
        RELEASES,
        dict(COMMON, projectName="Ember Admin", releaseVersion="3.2.0", packagePrerelease="^beta"),
    ).json()
    assert fresh_api.json(f"{SPACE}/releases/{beta['ReleaseId']}")["SelectedPackages"][0][
        "Version"
    ] == ("1.6.0-beta.1")
    hotfix = fresh_api.post(
        RELEASES, dict(COMMON, projectName="Compass Web", channelName="hotfix")
    ).json()
    release = fresh_api.json(f"{SPACE}/releases/{hotfix['ReleaseId']}")
    assert release["ChannelId"] == "Channels-201" and hotfix["ReleaseVersion"] == "1.2.2"
    assert [p["Version"] for p in release["SelectedPackages"]] == ["1.8.3-hotfix.1"]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"channelName": "Hotfix"},
         ["The channel 'Hotfix' was not found in the project 'Ember Admin'."]),
        ({"packages": ["Deploy"]},
         ["The package 'Deploy' in packages is not StepName:Version or "
          "StepName:PackageReferenceName:Version."]),
        ({"packages": ["Nope:1.0.0", "Deploy:web:1.0.0"]},
         ["The package 'Nope' in packages matches no package step.",
          "The package 'Deploy:web' in packages matches no package step."]),
        ({"packagePrerelease": "^rc"},
         ["No version of the package 'OctoDemo.EmberAdmin' (step 'Deploy') in its feed matches "
          "the channel's rules: give one in packages or packageVersion."]),
        ({"packagePrerelease": "("},
         ["The pre-release tag '(' is not a valid regular expression."]),
    ],
)  # fmt: skip
def test_bad_release_requests(fresh_api, fields, errors) -> None:
    body = dict(COMMON, projectName="Ember Admin", releaseVersion="4.0.0", **fields)
    assert refused(fresh_api.post(RELEASES, body)) == errors
    assert count(fresh_api, "releases") == 40


# -- tenanted deployments and runbook runs ----------------------------------------------------


def test_tenanted_deployments_one_per_tenant(fresh_api) -> None:
    body = dict(
        COMMON,
        projectName="Billing API",
        releaseVersion="1.2.0",
        environmentName="Test",
        tenants=["Tenants-9"],
        tenantTags=["Region/US"],
    )
    tagged = fresh_api.json(f"{SPACE}/tenants", projectId="Projects-2", tags="Region/US", take=100)
    response = fresh_api.post(TENANTED, body)
    assert response.status_code == 201, response.text
    created = response.json()["DeploymentServerTasks"]
    assert len(created) == tagged["TotalResults"] == 60
    first = fresh_api.json(f"{SPACE}/deployments/{created[0]['DeploymentId']}")
    assert (first["TenantId"], first["EnvironmentId"]) == ("Tenants-9", TEST)
    nobody = dict(body, tenants=[], tenantTags=["Region/APAC"])
    assert refused(fresh_api.post(TENANTED, nobody)) == [
        "No tenants were chosen: name tenants, or tenant tags that match tenants connected to "
        "'Billing API' in 'Test'."
    ]
    assert refused(fresh_api.post(TENANTED, dict(body, environmentName=None))) == [
        "The environmentName field is required."
    ]


def test_runbook_runs(fresh_api) -> None:
    body = dict(
        COMMON,
        projectName="Customer Portal",
        runbookName="restart app pool",
        environmentNames=["Development", "Test"],
    )
    response = fresh_api.post(RUNBOOK_RUNS, body)
    assert response.status_code == 201, response.text
    created = response.json()["RunbookRunServerTasks"]
    assert created == [
        {"RunbookRunId": "RunbookRuns-1", "ServerTaskId": "ServerTasks-47"},
        {"RunbookRunId": "RunbookRuns-2", "ServerTaskId": "ServerTasks-48"},
    ]
    run = fresh_api.json(f"{SPACE}/runbookRuns/RunbookRuns-2")
    assert (run["RunbookId"], run["RunbookSnapshotId"]) == ("Runbooks-1", "RunbookSnapshots-1")
    snapshot = fresh_api.json(f"{SPACE}/runbookSnapshots/RunbookSnapshots-1")["Name"]
    named = fresh_api.post(RUNBOOK_RUNS, dict(body, snapshot=snapshot, environmentNames=["Test"]))
    assert named.status_code == 201
    unknown = fresh_api.post(RUNBOOK_RUNS, dict(body, runbookName="Restart App Poool"))
    assert refused(unknown) == [
        "The runbook 'Restart App Poool' was not found in the project 'Customer Portal'. "
        "Did you mean 'Restart App Pool'?"
    ]
    assert refused(fresh_api.post(RUNBOOK_RUNS, dict(body, runbookName=""))) == [
        "The runbookName field is required."
    ]
    bad_snapshot = fresh_api.post(RUNBOOK_RUNS, dict(body, snapshot="Snapshot NOPE"))
    assert refused(bad_snapshot, "RunbookRun creation failed.") == [
        "The runbook snapshot 'Snapshot NOPE' was not found."
    ]
