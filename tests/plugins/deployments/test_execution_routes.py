"""Which API creates releases, deployments and runbook runs (``executions.py``), and that
every field planned arrives on what is created, whichever route it took.

On the current profile the executions API is used; what it cannot express exactly
(comments, steps to skip whose names would pick more actions) goes the legacy route.
The per-profile checks (legacy routes on 2020.5) are in ``tests/e2e/test_server_versions.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from octoflow_plugins.deployments.executions import package_specs

from octoflow import Octoflow
from octoflow.plan.model import Plan

SPACE = "/api/Spaces-1"
QUEUE_AT = "2030-01-01T10:00:00+00:00"


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def posts(octo: Octoflow) -> list[str]:
    return [r.path for r in octo.sandbox.requests if r.method == "POST"]


def get(octo: Octoflow, path: str, **params: Any) -> Any:
    return octo.client.get(f"{SPACE}/{path}", params or None)


def test_tenanted_deployments_with_options_go_through_executions(octo) -> None:
    connected = [
        t["Name"]
        for t in octo.sandbox.state.values("Tenants", "Spaces-1")
        if "Environments-2" in (t.get("ProjectEnvironments") or {}).get("Projects-2", [])
    ][:3]
    statement = octo.deployments.deploy(
        "Billing API", release="1.2.0", to="Test", tenants=connected, skip_steps="Stop service",
        variables={"Reason": "x"}, queue_time=QUEUE_AT, force=True,
    )  # fmt: skip
    plan = octo.plan(statement)
    octo.sandbox.clear_requests()

    report = octo.apply(plan)

    assert report.succeeded and len(plan.operations) == len(connected) == 3
    assert posts(octo) == [f"{SPACE}/deployments/create/tenanted/v1"] * 3
    for op, result in zip(plan.operations, report.results, strict=True):
        planned = op.intents[0].args["body"]
        made = get(octo, f"deployments/{result.outputs['DeploymentId']}")
        assert made["TaskId"] == result.outputs["TaskId"]
        assert made["TenantId"] == planned["TenantId"]
        assert made["SkipActions"] == planned["SkipActions"] != []
        assert made["FormValues"] == {"Reason": "x"}
        assert made["QueueTime"].startswith("2030-01-01T10:00:00")
        assert made["ForcePackageRedeployment"] is True


def test_a_new_release_and_its_deployment_go_through_executions(octo) -> None:
    statement = octo.releases.create(
        "Compass Web", version="2.0.0", packages="Deploy:1.8.2", notes="Built for {{ project }}"
    ).deploy(to="Development")
    plan = octo.plan(statement)
    octo.sandbox.clear_requests()

    report = octo.apply(plan)

    assert report.succeeded
    assert posts(octo) == [
        f"{SPACE}/releases/create/v1",
        f"{SPACE}/deployments/create/untenanted/v1",
    ]
    created, deployed = report.results
    release = get(octo, f"releases/{created.outputs['ReleaseId']}")
    assert created.outputs["ReleaseVersion"] == release["Version"] == "2.0.0"
    assert release["ReleaseNotes"] == "Built for Compass Web"
    assert [(p["ActionName"], p["Version"]) for p in release["SelectedPackages"]] == [
        ("Deploy", "1.8.2")
    ]
    deployment = get(octo, f"deployments/{deployed.outputs['DeploymentId']}")
    assert deployment["ReleaseId"] == release["Id"]
    assert deployment["TaskId"] == deployed.outputs["TaskId"]


def test_comments_take_the_legacy_route_and_arrive(octo) -> None:
    statement = octo.deployments.deploy(
        "Garnet Web", release="1.2.0", to="Staging", comments="change CHG-42"
    )
    plan = octo.plan(statement)
    octo.sandbox.clear_requests()

    (result,) = octo.apply(plan).results

    assert posts(octo) == [f"{SPACE}/deployments"]  # the executions API has no comments field
    deployment = get(octo, f"deployments/{result.outputs['DeploymentId']}")
    assert deployment["Comments"] == "change CHG-42"
    assert deployment["TaskId"] == result.outputs["TaskId"]


def test_a_runbook_run_with_every_option_but_comments_goes_through_executions(octo) -> None:
    statement = octo.runbooks.run(
        "Ember Web", "Restart App Pool", environments="Test", skip_steps="check health",
        variables={"Reason": "stuck"}, guided_failure=True,
    )  # fmt: skip
    plan = octo.plan(statement)
    octo.sandbox.clear_requests()

    (result,) = octo.apply(plan).results

    assert posts(octo) == [f"{SPACE}/runbook-runs/create/v1"]
    run = get(octo, f"runbookRuns/{result.outputs['RunbookRunId']}")
    assert run["TaskId"] == result.outputs["TaskId"]
    assert run["SkipActions"] == plan.operations[0].intents[0].args["body"]["SkipActions"] != []
    assert run["FormValues"] == {"Reason": "stuck"}
    assert run["UseGuidedFailure"] is True


def test_a_step_name_that_would_skip_more_actions_takes_the_legacy_route(octo) -> None:
    """Skipping a step skips its first action (as octoflow plans it); its name in
    ``skipStepNames`` would skip every action of the step, so the legacy route is taken."""
    release = next(
        r for r in get(octo, "releases", take=1000)["Items"]
        if r["Version"] == "1.2.0" and r["ProjectId"] == project_id(octo, "Garnet Web")
    )  # fmt: skip
    frozen = octo.sandbox.state.require(
        "DeploymentProcesses", release["ProjectDeploymentProcessSnapshotId"]
    )
    step = frozen["Steps"][0]
    step["Actions"].append(dict(step["Actions"][0], Id="extra-action", Name="Second action"))
    plan = octo.plan(
        octo.deployments.deploy(
            "Garnet Web", release="1.2.0", to="Staging", skip_steps=step["Name"]
        )
    )
    octo.sandbox.clear_requests()

    (result,) = octo.apply(plan).results

    assert posts(octo) == [f"{SPACE}/deployments"]
    deployment = get(octo, f"deployments/{result.outputs['DeploymentId']}")
    assert deployment["SkipActions"] == [step["Actions"][0]["Id"]]


def test_a_version_controlled_project_deploys_through_the_legacy_route(octo) -> None:
    """Octopus 2022.3 answered the executions deploy routes 404 for such projects."""
    garnet = project_id(octo, "Garnet Admin")
    process = get(octo, f"projects/{garnet}/main/deploymentprocesses")
    release = octo.client.request(
        "POST",
        f"{SPACE}/releases",
        json={
            "ProjectId": garnet,
            "Version": "3.0.0",
            "VersionControlReference": {"GitRef": "refs/heads/main"},
            "SelectedPackages": [
                {"ActionName": a["Name"], "PackageReferenceName": "", "Version": "1.0.0"}
                for step in process["Steps"]
                for a in step["Actions"]
                if a["Packages"]
            ],
        },
    )
    plan = octo.plan(octo.deployments.deploy("Garnet Admin", release="3.0.0", to="Development"))
    octo.sandbox.clear_requests()

    (result,) = octo.apply(plan).results

    assert posts(octo) == [f"{SPACE}/deployments"]
    deployment = get(octo, f"deployments/{result.outputs['DeploymentId']}")
    assert deployment["ReleaseId"] == release["Id"]


def test_a_plan_saved_before_execution_names_were_planned_takes_the_legacy_route(octo) -> None:
    """Such a plan has no ``execution`` arguments: the legacy body alone says what to do."""
    statement = octo.deployments.deploy("Garnet Web", release="1.2.0", to="Staging")
    saved = octo.plan(statement).to_json()
    for op in saved["operations"]:
        for intent in op["intents"]:
            del intent["args"]["execution"]
    octo.sandbox.clear_requests()

    (result,) = octo.apply(Plan.from_json(saved)).results

    assert result.outcome == "changed"
    assert posts(octo) == [f"{SPACE}/deployments"]


def project_id(octo: Octoflow, name: str) -> str:
    return next(p["Id"] for p in get(octo, "projects/all") if p["Name"] == name)


def test_selected_packages_become_packages_entries_named_references_first() -> None:
    selected = [
        {"ActionName": "Deploy", "PackageReferenceName": "", "Version": "1.0.0"},
        {"ActionName": "Deploy", "PackageReferenceName": "Tools", "Version": "2.0.0"},
    ]
    assert package_specs(selected) == ["Deploy:Tools:2.0.0", "Deploy:1.0.0"]
    colon = [{"ActionName": "Deploy: web", "PackageReferenceName": "", "Version": "1.0.0"}]
    assert package_specs(colon) is None  # the legacy route carries it instead
