"""``freeze-ensure`` / ``octo.freezes.ensure``: the freeze is created with the server's
shape, changed only where it differs, and a second plan is empty."""

from __future__ import annotations

import pytest
from freezes_support import (
    ACME_TRAVEL,
    BILLING_API,
    EMBER_WEB,
    FALCON_ADMIN,
    FIELDS,
    FREEZES,
    GOLD_ON_BILLING,
    PRODUCTION,
    STAGING,
    TEST,
    holidays,
    moment,
    named,
    parse,
)
from octoflow.provider import PlanError
from octoflow.testing import apply_and_replan, plan_recipe


def test_freeze_ensure_creates_an_instance_wide_freeze_and_converges(
    octo, octo_sandbox, octo_requests
):
    params = holidays(description="No releases over the holidays")
    plan = plan_recipe(octo, "freeze-ensure", **params)
    assert [(op.action, op.kind, op.name) for op in plan.operations] == [
        ("create", "DeploymentFreeze", "Holidays")
    ]
    apply_and_replan(octo, plan)  # the second plan is empty

    assert octo_requests.count("POST", FREEZES) == 1
    assert octo_requests.count("POST", "/api/Spaces-1/deploymentfreezes") == 0
    freeze = named(octo_sandbox, "Holidays")
    assert set(freeze) == FIELDS
    assert freeze["Name"] == "Holidays"
    assert freeze["Description"] == "No releases over the holidays"
    assert parse(freeze["Start"]) == parse(params["start"])
    assert parse(freeze["End"]) == parse(params["end"])
    assert freeze["ProjectEnvironmentScope"] == {
        EMBER_WEB: [PRODUCTION],
        FALCON_ADMIN: [PRODUCTION],
    }
    assert freeze["TenantProjectEnvironmentScope"] == []
    assert freeze["RecurringSchedule"] is None


def test_ensure_changes_only_what_differs_and_never_narrows_the_scope(octo, octo_requests):
    first = holidays()
    apply_and_replan(octo, plan_recipe(octo, "freeze-ensure", **first))
    later = moment(3)
    changed = {**first, "end": later, "projects": "Ember Web", "environments": "Staging"}
    again = plan_recipe(octo, "freeze-ensure", **changed)
    (op,) = again.operations
    assert (op.action, op.name) == ("update", "Holidays")
    assert sorted(c.path for c in op.changes) == [
        ("End",),
        ("ProjectEnvironmentScope", EMBER_WEB),
    ]
    octo_requests.clear()
    apply_and_replan(octo, again)
    assert octo_requests.count("PUT", FREEZES + "/") == 1
    (freeze,) = octo_requests.written_documents("DeploymentFreezes")
    assert parse(freeze["End"]) == parse(later)
    assert freeze["ProjectEnvironmentScope"] == {
        EMBER_WEB: [PRODUCTION, STAGING],
        FALCON_ADMIN: [PRODUCTION],
    }


def test_every_project_and_environment_on_purpose(octo):
    plan = octo.plan(
        octo.freezes.ensure("Everything", moment(-1), moment(1), environments="*", projects="*")
    )
    (op,) = plan.operations
    scope = op.body["ProjectEnvironmentScope"]
    assert len(scope) == 200  # every project of the demo space
    assert all(len(environments) == 4 for environments in scope.values())


def test_projects_left_out_means_every_project_of_the_space(octo):
    plan = octo.plan(octo.freezes.ensure("Prod", moment(-1), moment(1), environments="Production"))
    (op,) = plan.operations
    scope = op.body["ProjectEnvironmentScope"]
    assert len(scope) == 200
    assert all(environments == [PRODUCTION] for environments in scope.values())


def test_a_tenant_freeze_covers_only_those_tenants_deployments(octo, octo_sandbox):
    plan = plan_recipe(
        octo,
        "freeze-ensure",
        **holidays(name="Gold quiet week", projects="Billing API", environments="Test"),
        tenant_tag="Tier/Gold",
    )
    apply_and_replan(octo, plan)
    freeze = named(octo_sandbox, "Gold quiet week")
    assert freeze["ProjectEnvironmentScope"] == {}
    entries = freeze["TenantProjectEnvironmentScope"]
    assert len(entries) == GOLD_ON_BILLING
    assert {"TenantId": ACME_TRAVEL, "ProjectId": BILLING_API, "EnvironmentId": TEST} in entries
    assert {(e["ProjectId"], e["EnvironmentId"]) for e in entries} == {(BILLING_API, TEST)}


def test_tenants_by_name_or_as_a_selection_alike(octo):
    by_name = octo.plan(
        octo.freezes.ensure(
            "Acme", moment(-1), moment(1), environments="Test", tenants="Acme Travel Inc."
        )
    )
    selected = octo.plan(
        octo.freezes.ensure(
            "Acme",
            moment(-1),
            moment(1),
            environments="Test",
            tenants=octo.tenants.where(name="Acme Travel Inc."),
        )
    )
    scopes = [p.operations[0].body["TenantProjectEnvironmentScope"] for p in (by_name, selected)]
    assert scopes[0] == scopes[1]
    assert {"TenantId": ACME_TRAVEL, "ProjectId": BILLING_API, "EnvironmentId": TEST} in scopes[0]


def test_projects_as_a_selection_of_the_projects_collection(octo):
    plan = octo.plan(
        octo.freezes.ensure(
            "Web", moment(-1), moment(1), environments="Production",
            projects=octo.projects.where(name=["Ember Web", "Falcon Admin"]),
        )
    )  # fmt: skip
    (op,) = plan.operations
    assert op.body["ProjectEnvironmentScope"] == {
        EMBER_WEB: [PRODUCTION],
        FALCON_ADMIN: [PRODUCTION],
    }


def test_a_selection_of_another_collection_is_a_plan_error(octo):
    wrong = octo.freezes.ensure(
        "Web", moment(-1), moment(1), environments="Production", projects=octo.tenants
    )
    with pytest.raises(PlanError, match="selects tenants, not projects"):
        octo.plan(wrong)


def test_dates_are_midnight_utc_and_offsets_are_kept(octo):
    plan = octo.plan(
        octo.freezes.ensure(
            "Later", "2099-12-20", "2099-12-27T18:00:00+01:00", environments="Production"
        )
    )
    (op,) = plan.operations
    assert op.body["Start"] == "2099-12-20T00:00:00+00:00"
    assert op.body["End"] == "2099-12-27T18:00:00+01:00"
