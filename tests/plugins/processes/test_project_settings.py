"""Project settings verbs of ``octo.projects`` and ``projects.ensure(…, like=…)`` on an
existing project, from Python against the in-process sandbox."""

from __future__ import annotations

import pytest

from octoflow import render_plan
from octoflow.errors import PlanError, UsageError
from octoflow.testing import apply_and_replan
from tests.e2e.support import api_for

SPACE = "/api/Spaces-1"
TEMPLATE = "1.0.#{Octopus.Version.NextPatch}"


def project(octo, name: str) -> dict:
    return next(p for p in api_for(octo.sandbox).get(f"{SPACE}/projects/all") if p["Name"] == name)


def by_name(octo, collection: str, name: str) -> str:
    docs = api_for(octo.sandbox).get(f"{SPACE}/{collection}/all")
    return next(d["Id"] for d in docs if d["Name"] == name)


def test_settings_verbs_change_those_fields_only_and_converge(octo) -> None:
    before = project(octo, "Billing API")
    statement = (
        octo.projects.where(name="Billing API")
        .set_group("Platform")
        .set_lifecycle("Dev and Test Only")
        .set_tenanted("untenanted")
        .set_version_template(TEMPLATE)
        .set_discrete_channel_release()
    )
    plan = octo.plan(statement)
    shown = render_plan(plan)
    for line in ("group Platform", "lifecycle Dev and Test Only", "tenanted mode Untenanted"):
        assert line in shown

    apply_and_replan(octo, plan, statement)

    after = project(octo, "Billing API")
    expected = dict(
        before,
        ProjectGroupId=by_name(octo, "projectgroups", "Platform"),
        LifecycleId=by_name(octo, "lifecycles", "Dev and Test Only"),
        TenantedDeploymentMode="Untenanted",
        VersioningStrategy=dict(before["VersioningStrategy"], Template=TEMPLATE),
        DiscreteChannelRelease=True,
    )
    ignored = ("LastModifiedOn", "LastModifiedBy")
    assert {k: v for k, v in after.items() if k not in ignored} == {
        k: v for k, v in expected.items() if k not in ignored
    }


def test_unknown_names_are_plan_errors_with_suggestions(octo) -> None:
    statement = octo.projects.where(name="Billing API").set_group("Platfrm").set_lifecycle("Dev")
    with pytest.raises(PlanError) as raised:
        octo.plan(statement)
    assert "unknown project group 'Platfrm': did you mean 'Platform'" in str(raised.value)
    assert "unknown lifecycle 'Dev'" in str(raised.value)


def test_release_versioning_of_a_version_controlled_project_is_a_commit_of_its_own(
    octo,
) -> None:
    """Process and deployment settings are two documents in Git: two commits."""
    api = api_for(octo.sandbox)
    atlas = project(octo, "Atlas Web")
    base = f"{SPACE}/projects/{atlas['Id']}"
    before = api.get(f"{base}/git/commits/main")["Name"]
    selected = octo.projects.where(name="Atlas Web")
    statements = (
        selected.set_version_template(TEMPLATE).set_group("Platform"),
        selected.steps.where(runs_on_worker=True).set_container("octopuslabs/workertools:latest"),
    )
    plan = octo.plan(*statements)

    assert sorted(op.kind for op in plan.operations) == [
        "GitDeploymentProcess",
        "GitDeploymentSettings",
        "Project",  # the project group stays in the database
    ]
    apply_and_replan(octo, plan, *statements)

    settings = api.get(f"{base}/main/deploymentsettings")
    assert settings["VersioningStrategy"]["Template"] == TEMPLATE
    second = api.get(f"{base}/git/commits/main")
    first = api.get(f"{base}/git/commits/{second['Parents'][0]}")
    assert first["Parents"] == [before]  # exactly two new commits
    assert project(octo, "Atlas Web")["ProjectGroupId"] == by_name(
        octo, "projectgroups", "Platform"
    )


def test_release_versioning_on_a_protected_branch_needs_a_new_branch(octo) -> None:
    garnet = octo.projects.where(name="Garnet Admin")
    with pytest.raises(PlanError, match="branch 'main' of project 'Garnet Admin' is protected"):
        octo.plan(garnet.set_version_template(TEMPLATE))
    plan = octo.plan(garnet.on_new_branch("octoflow/versions").set_version_template(TEMPLATE))
    assert [op.kind for op in plan.operations] == ["GitBranch", "GitDeploymentSettings"]


@pytest.mark.parametrize(
    "make",
    [
        lambda o: o.projects.set_tenanted("sometimes"),
        lambda o: o.projects.set_group(" "),
        lambda o: o.projects.set_lifecycle(""),
        lambda o: o.projects.set_version_template(""),
        lambda o: o.projects.set_discrete_channel_release("maybe"),
        lambda o: o.projects.where(name="Billing API").set_group("Platform").process,
        lambda o: o.projects.ensure("X", like=""),
        lambda o: o.projects.ensure("", like="Customer Portal"),
        lambda o: o.projects.ensure("X", like="Customer Portal", group=""),
    ],
)
def test_bad_arguments_are_refused_at_the_call(octo, make) -> None:
    with pytest.raises(UsageError):
        make(octo)


def test_ensure_on_an_existing_project_adds_only_the_steps_it_lacks(octo) -> None:
    api = api_for(octo.sandbox)
    billing = project(octo, "Billing API")
    path = f"{SPACE}/deploymentprocesses/{billing['DeploymentProcessId']}"
    before = api.get(path)["Steps"]
    statement = octo.projects.ensure("Billing API", like="Customer Portal", group="Platform")

    apply_and_replan(octo, octo.plan(statement), statement)

    after = api.get(path)["Steps"]
    assert after[: len(before)] == before  # its own steps (Deploy, Notify …) are kept as they were
    assert [s["Name"] for s in after[len(before) :]] == ["Run database migrations", "Smoke test"]
    assert project(octo, "Billing API")["ProjectGroupId"] == by_name(
        octo, "projectgroups", "Platform"
    )
