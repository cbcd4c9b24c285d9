"""Deployments inside a freeze are refused, as the server refuses them; the others, and
those after the freeze has ended, go ahead."""

from __future__ import annotations

from freezes_support import holidays
from octoflow.testing import apply_and_replan, plan_recipe

REFUSED = "There was a problem with your request."


def outcomes(report):
    return {r.name: (r.outcome, r.detail) for r in report.results}


def test_a_deployment_into_a_frozen_project_and_environment_is_refused(octo, octo_requests):
    apply_and_replan(octo, plan_recipe(octo, "freeze-ensure", **holidays()))

    frozen = octo.apply(
        plan_recipe(octo, "release-deploy", project="Ember Web", environment="Production")
    )
    ((outcome, detail),) = outcomes(frozen).values()
    assert outcome == "failed"
    assert REFUSED in detail and "The environment Production is frozen by Holidays." in detail
    assert octo_requests.count("POST", "/deployments") == 1  # tried once, nothing created

    elsewhere = octo.apply(
        plan_recipe(octo, "release-deploy", project="Ember Web", environment="Staging", force=True)
    )
    other_project = octo.apply(
        plan_recipe(octo, "release-deploy", project="Beacon Admin", environment="Production")
    )
    assert elsewhere.succeeded and other_project.succeeded
    assert [r.outcome for r in (*elsewhere.results, *other_project.results)] == ["changed"] * 2


def test_a_tenant_freeze_refuses_only_its_tenants(octo):
    frozen = holidays(name="Gold week", projects="Billing API", environments="Test")
    apply_and_replan(octo, plan_recipe(octo, "freeze-ensure", **frozen, tenants="Acme Travel Inc."))
    tenants = octo.tenants.where(name=["Acme Travel Inc.", "Beacon Retail Corp."])
    report = octo.apply(
        octo.plan(octo.deployments.deploy("Billing API", to="Test", tenants=tenants, force=True))
    )
    by_tenant = {name.rsplit(" for ", 1)[1]: result for name, result in outcomes(report).items()}
    assert by_tenant["Beacon Retail Corp."][0] == "changed"
    outcome, detail = by_tenant["Acme Travel Inc."]
    assert outcome == "failed"
    assert "The environment Test is frozen by Gold week for the tenant Acme Travel Inc." in detail


def test_after_freeze_end_the_deployment_goes_ahead(octo):
    apply_and_replan(octo, plan_recipe(octo, "freeze-ensure", **holidays()))
    apply_and_replan(octo, plan_recipe(octo, "freeze-end", name="Holidays"))
    report = octo.apply(
        plan_recipe(octo, "release-deploy", project="Ember Web", environment="Production")
    )
    assert [r.outcome for r in report.results] == ["changed"]


def test_the_demo_freeze_is_over_and_refuses_nothing(octo):
    report = octo.apply(
        plan_recipe(octo, "release-deploy", project="Billing API", environment="Production")
    )
    assert [r.outcome for r in report.results] == ["changed"]
