"""``octo.releases`` and ``octo.deployments`` against the demo sandbox: what they plan and do."""

from __future__ import annotations

from typing import ClassVar

import attrs
import pytest
from octoflow_plugins.deployments.packages import PackageRules, split_rules

from octoflow import Octoflow
from octoflow.errors import PlanError, UsageError
from octoflow.plan.refs import created_ref
from octoflow.provider import PlanContext, Project, Selection, lookups


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def get(octo: Octoflow, path: str, **params):
    return octo.client.get(octo.client.space_path(path), params or None)


def project_id(octo: Octoflow, name: str) -> str:
    return next(p["Id"] for p in get(octo, "projects/all") if p["Name"] == name)


def body(plan) -> dict:
    return dict(plan.operations[0].intents[0].args["body"])


def test_package_rules_parse_ranges_steps_and_donors() -> None:
    assert split_rules("a:[1.0,2.0), b:latest") == ["a:[1.0,2.0)", "b:latest"]
    rules = PackageRules.parse(
        "latest, Deploy Web:[1.0,2.0), Deploy Web:Sidecar:2.1.0, same-as:1.4.0"
    )
    assert rules.same_as == "1.4.0"
    assert rules.rule_for({"ActionName": "Deploy Web", "PackageReferenceName": ""}) == "[1.0,2.0)"
    assert (
        rules.rule_for({"ActionName": "Deploy Web", "PackageReferenceName": "Sidecar"}) == "2.1.0"
    )
    assert rules.rule_for({"ActionName": "Other"}) == "latest"
    assert PackageRules.parse("1.2.3").rule_for({"ActionName": "X"}) == "1.2.3"
    with pytest.raises(UsageError, match="has no version"):
        PackageRules.parse("Deploy Web:")


def test_latest_packages_respect_the_channel_rules(octo) -> None:
    plan = octo.plan(
        octo.releases.create("Compass Web", channel="Hotfix", version="1.9.0-hotfix.1")
    )
    (package,) = body(plan)["SelectedPackages"]
    listed = get(
        octo,
        "feeds/feeds-builtin/packages/versions",
        packageId="OctoDemo.CompassWeb",
        includePreRelease="true",
        take=100,
    )["Items"]
    hotfixes = [v["Version"] for v in listed if "-hotfix" in v["Version"]]
    newest = [v["Version"] for v in listed]
    assert package["Version"] in hotfixes  # the channel's tag rule (^hotfix) holds
    assert package["Version"] != newest[0]  # the feed's newest version is not a hotfix
    assert package["Version"] == hotfixes[0]  # the newest that the rules allow


def test_versions_from_patterns_and_from_another_release(octo) -> None:
    plan = octo.plan(
        octo.releases.create("Garnet Web", version="{{ next }}-rc.1", packages="same-as:1.1.0")
    )
    donor = get(octo, f"projects/{project_id(octo, 'Garnet Web')}/releases/1.1.0")
    assert body(plan)["Version"] == "1.2.1-rc.1"
    assert body(plan)["SelectedPackages"] == [
        {k: p[k] for k in ("ActionName", "PackageReferenceName", "Version")}
        for p in donor["SelectedPackages"]
    ]


def test_the_next_release_is_not_made_twice_for_the_same_packages(octo) -> None:
    octo.apply(octo.plan(octo.releases.create("Garnet Web", packages="Deploy:1.0.0")))

    again = octo.plan(octo.releases.create("Garnet Web", packages="Deploy:1.0.0"))
    forced = octo.plan(octo.releases.create("Garnet Web", packages="Deploy:1.0.0", force=True))

    assert again.is_empty
    assert "already has these package versions" in again.unchanged[0].reasons[0]
    assert body(forced)["Version"] == "1.2.2"


def test_a_new_release_and_its_deployment_in_one_plan(octo) -> None:
    statement = octo.releases.create("Garnet Web", version="3.0.0").deploy(to="Development")
    plan = octo.plan(statement)

    release_op, deploy_op = plan.operations
    assert deploy_op.depends_on == (release_op.key,)
    assert deploy_op.intents[0].args["body"]["ReleaseId"] == created_ref(release_op.key)

    report = octo.apply(plan)

    assert report.succeeded
    release_id = report.results[0].outputs["ReleaseId"]
    deployment = get(octo, f"deployments/{report.results[1].outputs['DeploymentId']}")
    assert deployment["ReleaseId"] == release_id


def test_a_new_release_goes_only_where_its_lifecycle_starts(octo) -> None:
    """The plan refuses what the server would: a brand-new release skipping Development."""
    with pytest.raises(PlanError) as refused:
        octo.plan(octo.releases.create("Garnet Web", version="3.0.0").deploy(to="Test"))
    (problem,) = refused.value.problems
    assert "the lifecycle does not allow Garnet Web 3.0.0 in Test yet" in problem.message
    assert problem.hint == "it can go to: Development (deploy it to the earlier phases first)"


def test_a_new_tenanted_release_is_refused_once_per_environment(octo) -> None:
    eu = octo.tenants.where(tag="Region/EU")
    octo.apply(octo.plan(eu.add_project("Customer Portal", environments=["Development", "Test"])))
    new = octo.releases.create("Customer Portal", version="9.0.0")
    with pytest.raises(PlanError) as refused:
        octo.plan(new.deploy(to="Test", tenants=eu))
    assert len(refused.value.problems) == 1


def test_disabled_tenants_are_left_out_of_deployments_with_a_note(octo) -> None:
    eu = octo.tenants.where(tag="Region/EU")
    octo.apply(octo.plan(eu.add_project("Customer Portal", environments=["Development"])))
    development = next(e["Id"] for e in get(octo, "environments/all") if e["Name"] == "Development")
    portal = project_id(octo, "Customer Portal")
    eu_tenants = [t for t in get(octo, "tenants/all") if "Region/EU" in t["TenantTags"]]
    disabled = {t["Name"] for t in eu_tenants if t["IsDisabled"]}
    assert disabled and all(development in t["ProjectEnvironments"][portal] for t in eu_tenants)
    new = octo.releases.create("Customer Portal", version="9.0.0")

    plan = octo.plan(new.deploy(to="Development", tenants=eu))

    planned = {op.name.split(" for ")[1] for op in plan.operations if " for " in op.name}
    assert planned == {t["Name"] for t in eu_tenants} - disabled
    note = f"{len(disabled)} selected tenant(s) connected in Development are disabled"
    assert any(note in n for n in plan.notes)
    assert octo.apply(plan).succeeded


def test_tenanted_deployments_go_to_connected_tenants_only(octo) -> None:
    test = next(e["Id"] for e in get(octo, "environments/all") if e["Name"] == "Test")
    board = get(octo, "dashboard")
    project = next(i["ProjectId"] for i in board["Items"] if i["TenantId"])
    name = next(p["Name"] for p in board["Projects"] if p["Id"] == project)
    tenants = get(octo, "tenants/all")
    connected = {t["Name"] for t in tenants if test in t["ProjectEnvironments"].get(project, [])}
    assert 0 < len(connected) < len(tenants)

    plan = octo.plan(
        octo.deployments.deploy(name, release="latest", to="Test", tenants=octo.tenants, force=True)
    )

    planned = {op.name.split(" for ")[1] for op in plan.operations}
    assert planned == connected
    assert all(op.intents[0].args["body"]["TenantId"] for op in plan.operations)


def test_untenanted_projects_refuse_tenants(octo) -> None:
    with pytest.raises(PlanError, match="is not tenanted: leave tenants out"):
        octo.plan(octo.deployments.deploy("Garnet Web", to="Test", tenants=["Acme"]))


def test_promote_reads_once_and_writes_one_request_per_deployment(octo) -> None:
    start = octo.client.request_count
    plan = octo.plan(octo.deployments.promote("Test", "Staging"))
    planning = octo.client.request_count - start
    releases = {op.intents[0].args["body"]["ReleaseId"] for op in plan.operations}

    report = octo.apply(plan)

    assert report.succeeded and plan.operations
    # root, spaces, environments, projects, tenants, the dashboard, a template per release
    assert planning == 6 + len(releases)
    # planned just now: one POST per deployment (a saved plan re-checks first)
    assert report.requests == len(plan.operations)


@attrs.frozen
class Chosen(Selection):
    """A selection of projects that is not the processes provider's own: statements
    take it by contract (its ``collection`` and ``select``), whatever its class."""

    collection: ClassVar[str] = "projects"
    names: tuple[str, ...] = ()

    def select(self, ctx: PlanContext) -> list[Project]:
        return lookups.projects(ctx, self.names)


def test_statements_take_any_selection_of_projects(octo) -> None:
    chosen = Chosen(names=("Garnet Web", "Compass Web"))

    create = octo.releases.create(chosen, version="3.0.0")
    deploy = octo.deployments.deploy(chosen, to="Development", force=True)
    promote = octo.deployments.promote("Test", "Staging", projects=chosen)

    assert create.describe() == "releases.create(projects, version='3.0.0')"
    assert [op.name for op in octo.plan(create).operations] == [
        "Garnet Web 3.0.0",
        "Compass Web 3.0.0",
    ]
    deployed = [op.name.split(" ")[:2] for op in octo.plan(deploy).operations]
    assert deployed == [["Garnet", "Web"], ["Compass", "Web"]]
    everything = octo.plan(octo.deployments.promote("Test", "Staging")).operations
    promoted = [op.name for op in octo.plan(promote).operations]
    assert len(everything) > len(promoted)
    assert [name.split(" ")[:2] for name in promoted] == [["Garnet", "Web"], ["Compass", "Web"]]
