"""The targets DSL against the demo sandbox: criteria, verbs, guards, idempotency, requests."""

from __future__ import annotations

import pytest

from octoflow import Octoflow, PlanError
from octoflow.errors import UsageError
from tests.e2e.support import api_for

TEST, STAGING = "Environments-2", "Environments-3"


@pytest.fixture(scope="module")
def octo() -> Octoflow:
    """A demo sandbox shared by the read-only tests of this module."""
    return Octoflow.with_sandbox("demo")


@pytest.fixture
def fresh() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def targets(octo: Octoflow) -> list[dict]:
    return api_for(octo.sandbox).get("/api/Spaces-1/machines/all")


def selected(octo: Octoflow, selection) -> set[str]:
    """Names a selection picks: the changed and the unchanged of a harmless verb."""
    plan = octo.plan(selection.enable())
    return {op.name for op in plan.operations} | {u.name for u in plan.unchanged}


def names(octo: Octoflow, test) -> set[str]:
    return {t["Name"] for t in targets(octo) if test(t)}


CRITERIA = [
    ({"role": "web"}, lambda t: "web" in t["Roles"]),
    ({"role": ["DB", "worker"]}, lambda t: {"db", "worker"} & set(t["Roles"])),
    ({"environment": "Test"}, lambda t: TEST in t["EnvironmentIds"]),
    (
        {"role": "web", "environment": "Test"},
        lambda t: "web" in t["Roles"] and TEST in t["EnvironmentIds"],
    ),
    ({"tenant": "Summit Health Ltd."}, lambda t: "Tenants-130" in t["TenantIds"]),
    ({"tenant_tag": "Tier/Gold"}, lambda t: "Tier/Gold" in t["TenantTags"]),
    (
        {"tenant_tag": ["Region/EU", "Region/US"]},
        lambda t: {"Region/EU", "Region/US"} & set(t["TenantTags"]),
    ),
    (
        {"tenant_tag": ["Region/EU", "Tier/Gold"]},
        lambda t: {"Region/EU", "Tier/Gold"} <= set(t["TenantTags"]),
    ),
    (
        {"health": ["Unavailable", "unhealthy"]},
        lambda t: t["HealthStatus"] in ("Unavailable", "Unhealthy"),
    ),
    (
        {"comm_style": "listening"},
        lambda t: t["Endpoint"]["CommunicationStyle"] == "TentaclePassive",
    ),
    (
        {"comm_style": ["ssh", "Kubernetes", "cloud-region"]},
        lambda t: t["Endpoint"]["CommunicationStyle"] in ("Ssh", "Kubernetes", "None"),
    ),
    ({"name": ["test-web-01", "PROD-DB-02"]}, lambda t: t["Name"] in ("test-web-01", "prod-db-02")),
    ({"partial_name": "stage-"}, lambda t: t["Name"].startswith("stage-")),
    ({"is_disabled": True}, lambda t: t["IsDisabled"]),
    ({"machine_policy": "Cloud Targets"}, lambda t: t["MachinePolicyId"] == "MachinePolicies-2"),
]


@pytest.mark.parametrize(("criteria", "test"), CRITERIA, ids=[str(c) for c, _ in CRITERIA])
def test_criteria_select_what_the_api_shows(octo, criteria, test) -> None:
    expected = names(octo, test)
    assert expected
    assert selected(octo, octo.targets.where(**criteria)) == expected


def test_where_calls_and_predicates_are_anded(octo) -> None:
    chained = (
        octo.targets.where(role="web")
        .where(environment="Production")
        .where(lambda t: t.tenanted_deployment_participation == "Tenanted")
    )
    assert selected(octo, chained) == {"prod-web-09", "prod-web-10", "prod-web-11", "prod-web-12"}


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ({"health": "Sick"}, "unknown health status 'Sick'"),
        ({"comm_style": "listenning"}, "did you mean 'listening'"),
        ({"roles": "web"}, "did you mean 'role'"),
    ],
)
def test_bad_criteria_fail_at_the_call_site(octo, criteria, message) -> None:
    with pytest.raises(UsageError, match=message):
        octo.targets.where(**criteria)


def test_verbs_check_their_arguments_at_the_call_site(octo) -> None:
    with pytest.raises(UsageError, match="needs at least one name"):
        octo.targets.add_role()
    with pytest.raises(UsageError, match="unknown tenanted participation 'sometimes'"):
        octo.targets.set_tenanted_participation("sometimes")
    with pytest.raises(UsageError, match="cannot follow other verbs"):
        octo.targets.add_role("x").delete()


def test_add_role_and_environment_changes_exactly_the_selection_and_converges(fresh) -> None:
    before = {t["Id"]: t for t in targets(fresh)}
    statement = (
        fresh.targets.where(role="web", environment="Test")
        .add_role("api")
        .add_environment("Staging")
    )
    fresh.sandbox.clear_requests()
    plan = fresh.plan(statement)
    reads = [r.path for r in fresh.sandbox.requests]
    assert reads == [
        "/api",
        "/api/spaces/all",
        "/api/Spaces-1/machines/all",
        "/api/Spaces-1/environments/all",
    ]
    assert plan.summary == {"add": 0, "change": 11, "delete": 0, "run": 0}
    assert [u.name for u in plan.unchanged] == ["test-web-01"]
    fresh.sandbox.clear_requests()
    report = fresh.apply(plan)
    assert report.recap == {"ok": 0, "changed": 11, "failed": 0, "skipped": 0}
    # the audit log's newest event, re-reads (?ids=) right before the writes, 8 at a time
    # (8 + 3); then, at the same time, one read back and the question who else wrote
    # (the key's user, events on the written ids)
    machines, events = ("GET", "/api/Spaces-1/machines"), ("GET", "/api/events")
    gets = [(r.method, r.path) for r in fresh.sandbox.requests if r.method == "GET"]
    assert gets[:3] == [events, machines, machines]
    assert sorted(gets[3:]) == sorted([machines, ("GET", "/api/users/me"), events])
    assert report.requests == plan.request_estimate == 17
    for target_id, target in {t["Id"]: t for t in targets(fresh)}.items():
        old = before[target_id]
        if "web" in old["Roles"] and TEST in old["EnvironmentIds"]:
            assert {"web", "api"} <= set(target["Roles"]) and STAGING in target["EnvironmentIds"]
        else:
            assert target == old
    assert fresh.plan(statement).is_empty


def test_an_edit_made_meanwhile_survives(fresh) -> None:
    plan = fresh.plan(fresh.targets.where(name="test-web-04").add_role("api"))
    api = api_for(fresh.sandbox)
    doc = api.get("/api/Spaces-1/machines/Machines-24")
    api.put("/api/Spaces-1/machines/Machines-24", {**doc, "Roles": ["web", "cache"]})
    assert fresh.apply(plan).succeeded
    assert api.get("/api/Spaces-1/machines/Machines-24")["Roles"] == ["web", "cache", "api"]


def test_a_change_that_empties_roles_or_environments_names_the_targets(octo) -> None:
    with pytest.raises(PlanError) as info:
        octo.plan(octo.targets.where(role="db").remove_role("db"))
    text = str(info.value)
    assert "would leave 17 target(s) without a role: 'dev-db-01'" in text and "7 more" in text
    with pytest.raises(PlanError, match="1 target\\(s\\) without an environment: 'test-web-05'"):
        octo.plan(octo.targets.where(name="test-web-05").remove_environment("Test"))
    # A replacement in the same statement is fine.
    swap = (
        octo.targets.where(name="test-web-05").remove_environment("Test").add_environment("Staging")
    )
    assert octo.plan(swap).summary["change"] == 1


def test_the_guard_sees_statements_that_are_coalesced(octo) -> None:
    web_api = octo.targets.where(name="test-web-02")  # roles web and api
    with pytest.raises(PlanError, match="without a role: 'test-web-02'"):
        octo.plan(web_api.remove_role("web"), web_api.remove_role("api"))
    assert octo.plan(web_api.remove_role("web")).summary["change"] == 1


def test_tenants_tags_and_participation(fresh) -> None:
    tenant_targets = fresh.targets.where(name=["test-api-01", "prod-web-09"])
    plan = fresh.plan(tenant_targets.add_tenant("Oakridge Realty K.K.").add_tenant_tag("Tier/Gold"))
    by_name = {op.name: op for op in plan.operations}
    changed = {".".join(c.path): (c.before, c.after) for c in by_name["test-api-01"].changes}
    assert changed["TenantedDeploymentParticipation"] == ("Untenanted", "TenantedOrUntenanted")
    assert "TenantedDeploymentParticipation" not in {
        ".".join(c.path) for c in by_name["prod-web-09"].changes
    }  # already Tenanted
    assert fresh.apply(plan).succeeded
    assert fresh.plan(tenant_targets.add_tenant("Oakridge Realty K.K.")).is_empty
    undo = tenant_targets.remove_tenant("Oakridge Realty K.K.").remove_tenant_tag("Tier/Gold")
    fresh.apply(fresh.plan(undo.set_tenanted_participation("untenanted")))
    rows = {t["Name"]: t for t in targets(fresh)}
    assert rows["test-api-01"]["TenantIds"] == [] and rows["test-api-01"]["TenantTags"] == []
    assert rows["prod-web-09"]["TenantIds"] == ["Tenants-130"]
    assert rows["prod-web-09"]["TenantedDeploymentParticipation"] == "Untenanted"


def test_disable_enable_and_machine_policy(fresh) -> None:
    unavailable = fresh.targets.where(health="Unavailable")
    fresh.apply(fresh.plan(unavailable.disable().set_machine_policy("Cloud Targets")))
    rows = [t for t in targets(fresh) if t["HealthStatus"] == "Unavailable"]
    assert len(rows) == 2
    assert all(t["IsDisabled"] and t["MachinePolicyId"] == "MachinePolicies-2" for t in rows)
    again = fresh.plan(unavailable.disable())
    assert again.is_empty and again.unchanged[0].reasons == ("already disabled",)
    assert fresh.plan(fresh.targets.where(is_disabled=True).enable()).summary["change"] == 5


def test_delete_removes_exactly_the_selected_targets(fresh) -> None:
    plan = fresh.plan(fresh.targets.where(is_disabled=True).delete())
    assert plan.summary == {"add": 0, "change": 0, "delete": 3, "run": 0}
    assert fresh.apply(plan).succeeded
    assert len(targets(fresh)) == 97 and not [t for t in targets(fresh) if t["IsDisabled"]]


def test_every_unknown_name_is_reported_in_one_plan(octo) -> None:
    with pytest.raises(PlanError) as info:
        octo.plan(
            octo.targets.where(
                role="wbe", environment="Tset", tenant="Nobody Ltd", tenant_tag="Region/Mars"
            ).remove_role("dbb"),
            octo.targets.where(role="web")
            .set_machine_policy("Defualt Machine Policy")
            .add_tenant_tag("Hosting/Cloud"),
        )
    text = str(info.value)
    assert "7 problem(s)" in text
    for expected in (
        "unknown role 'wbe': did you mean 'web'",
        "unknown environment 'Tset'",
        "unknown tenant 'Nobody Ltd'",
        "unknown tag 'Region/Mars'",
        "unknown role 'dbb': did you mean 'db'",
        "did you mean 'Default Machine Policy'",
        "not available to tenants",
    ):
        assert expected in text
    assert not [r for r in octo.sandbox.requests if r.method != "GET"]


def test_a_new_role_is_noted(octo) -> None:
    plan = octo.plan(octo.targets.where(role="db").add_role("backup"))
    assert any("role 'backup' is new" in note for note in plan.notes)
    assert plan.summary["change"] == 17
