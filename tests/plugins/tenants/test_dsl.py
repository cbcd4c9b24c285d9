"""The tenants DSL against the demo sandbox: criteria, verbs, coalescing, idempotency."""

from __future__ import annotations

import pytest

from octoflow import Octoflow, PlanError
from octoflow.errors import UsageError
from tests.e2e.support import api_for


@pytest.fixture(scope="module")
def octo() -> Octoflow:
    """A demo sandbox shared by the read-only tests of this module."""
    return Octoflow.with_sandbox("demo")


@pytest.fixture
def fresh() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def selected(octo: Octoflow, selection) -> set[str]:
    """Names a selection picks, read off the plan of a no-op-free verb."""
    plan = octo.plan(selection.add_tag("Tier/Gold"))
    return {op.name for op in plan.operations} | {u.name for u in plan.unchanged}


def tenants(octo: Octoflow) -> list[dict]:
    return api_for(octo.sandbox).tenants()


def test_tags_of_one_set_are_ored_and_sets_are_anded(octo) -> None:
    everyone = tenants(octo)
    eu_or_us = {t["Name"] for t in everyone if {"Region/EU", "Region/US"} & set(t["TenantTags"])}
    eu_silver = {
        t["Name"] for t in everyone if {"Region/EU", "Tier/Silver"} <= set(t["TenantTags"])
    }
    assert selected(octo, octo.tenants.where(tag=["Region/EU", "Region/US"])) == eu_or_us
    assert selected(octo, octo.tenants.where(tag=["Region/EU", "Tier/Silver"])) == eu_silver
    chained = octo.tenants.where(tag="Region/EU").where(tag="Tier/Silver")
    assert selected(octo, chained) == eu_silver


def test_name_partial_name_disabled_and_predicate(octo) -> None:
    everyone = tenants(octo)
    first, second = everyone[0]["Name"], everyone[1]["Name"]
    assert selected(octo, octo.tenants.where(name=[first, second.upper()])) == {first, second}
    part = first.split()[0]
    assert selected(octo, octo.tenants.where(partial_name=part.lower())) == {
        t["Name"] for t in everyone if part.lower() in t["Name"].lower()
    }
    disabled = {t["Name"] for t in everyone if t["IsDisabled"]}
    assert disabled and selected(octo, octo.tenants.where(is_disabled=True)) == disabled
    long_names = octo.tenants.where(lambda t: len(t.name) > 25)
    assert selected(octo, long_names) == {t["Name"] for t in everyone if len(t["Name"]) > 25}


def test_connected_project_and_environment_criteria(octo) -> None:
    api = api_for(octo.sandbox)
    portal = api.project_id("Customer Portal")
    (test_env,) = api.environment_ids("Test")
    everyone = tenants(octo)
    assert selected(octo, octo.tenants.where(project="Customer Portal")) == {
        t["Name"] for t in everyone if portal in t["ProjectEnvironments"]
    }
    assert selected(octo, octo.tenants.where(environment="Test")) == {
        t["Name"] for t in everyone if any(test_env in e for e in t["ProjectEnvironments"].values())
    }


def test_a_misspelt_criterion_fails_at_the_call_site(octo) -> None:
    with pytest.raises(UsageError, match="did you mean 'tag'"):
        octo.tenants.where(tags="Region/EU")


def test_statements_are_immutable(octo) -> None:
    eu = octo.tenants.where(tag="Region/EU")
    eu.add_tag("Tier/Gold")
    assert eu.verbs == ()


def test_environments_can_be_added_and_removed(fresh) -> None:
    eu = fresh.tenants.where(tag="Region/EU")
    fresh.apply(fresh.plan(eu.add_project("Customer Portal", environments=["Test"])))
    fresh.apply(fresh.plan(eu.add_environments("Customer Portal", ["Staging", "Production"])))
    api = api_for(fresh.sandbox)
    portal = api.project_id("Customer Portal")
    test_, staging, prod = api.environment_ids("Test", "Staging", "Production")
    eu_tenants = [t for t in api.tenants() if "Region/EU" in t["TenantTags"]]
    assert all({test_, staging, prod} <= set(t["ProjectEnvironments"][portal]) for t in eu_tenants)

    fresh.apply(fresh.plan(eu.remove_environments("Customer Portal", "Staging")))
    eu_tenants = [t for t in api.tenants() if "Region/EU" in t["TenantTags"]]
    assert not [t for t in eu_tenants if staging in t["ProjectEnvironments"][portal]]


def test_add_project_defaults_to_the_lifecycle_environments(fresh) -> None:
    plan = fresh.plan(fresh.tenants.where(tag="Region/US").add_project("Internal Tools"))
    fresh.apply(plan)
    api = api_for(fresh.sandbox)
    tools = api.project_id("Internal Tools")
    us = [t for t in api.tenants() if "Region/US" in t["TenantTags"]]
    assert {tuple(sorted(t["ProjectEnvironments"][tools])) for t in us} == {
        tuple(sorted(api.environment_ids("Development", "Test")))
    }


def test_common_and_project_variables_are_set_once_and_cleared(fresh) -> None:
    gold_eu = fresh.tenants.where(tag=["Region/EU"]).where(tag="Tier/Gold")
    fresh.apply(
        fresh.plan(gold_eu.add_project("Customer Portal", environments=["Test", "Production"]))
    )
    setting = gold_eu.set_variable("Customer.ContactEmail", "ops@example.com").set_variable(
        "Portal.Theme", "dark", project="Customer Portal", environments=["Production"]
    )
    plan = fresh.plan(setting)
    assert plan.operations and {op.kind for op in plan.operations} == {"TenantVariables"}
    assert fresh.apply(plan).succeeded
    assert fresh.plan(setting).is_empty

    api = api_for(fresh.sandbox)
    portal = api.project_id("Customer Portal")
    (prod,) = api.environment_ids("Production")
    tenant_id = plan.operations[0].resource_id
    doc = api.get(f"/api/Spaces-1/tenants/{tenant_id}/variables")
    common = [v for lvs in doc["LibraryVariables"].values() for v in lvs["Variables"].values()]
    assert "ops@example.com" in common
    assert "dark" in doc["ProjectVariables"][portal]["Variables"][prod].values()

    cleared = fresh.plan(gold_eu.clear_variable("Portal.Theme", project="Customer Portal"))
    assert fresh.apply(cleared).succeeded
    doc = api.get(f"/api/Spaces-1/tenants/{tenant_id}/variables")
    assert "dark" not in doc["ProjectVariables"][portal]["Variables"].get(prod, {}).values()


def test_unknown_and_sensitive_templates_are_plan_errors(fresh) -> None:
    with pytest.raises(PlanError) as info:
        fresh.plan(
            fresh.tenants.where(tag="Region/EU")
            .set_variable("Customer.ContactEmial", "x")
            .set_variable("Customer.ApiKey", "secret")
        )
    text = str(info.value)
    assert "did you mean 'Customer.ContactEmail'" in text
    assert "'Customer.ApiKey' is sensitive" in text
    assert "secret" not in text.replace("sensitive", "")


def test_ensure_creates_once_then_only_updates(fresh) -> None:
    ensure = fresh.tenants.ensure(
        "Zeta Widgets",
        tags=["Region/EU"],
        description="new customer",
        projects={"Customer Portal": ["Test"]},
    )
    created = fresh.plan(ensure)
    assert created.summary == {"add": 1, "change": 0, "delete": 0, "run": 0}
    assert fresh.apply(created).succeeded
    assert fresh.plan(ensure).is_empty
    tenant = next(t for t in tenants(fresh) if t["Name"] == "Zeta Widgets")
    assert tenant["TenantTags"] == ["Region/EU"] and tenant["Description"] == "new customer"

    retagged = fresh.plan(fresh.tenants.ensure("Zeta Widgets", tags=["Tier/Gold"]))
    assert retagged.summary == {"add": 0, "change": 1, "delete": 0, "run": 0}


def test_delete_removes_exactly_the_selected_tenants(fresh) -> None:
    before = tenants(fresh)
    disabled = {t["Id"] for t in before if t["IsDisabled"]}
    plan = fresh.plan(fresh.tenants.where(is_disabled=True).delete())
    assert plan.summary["delete"] == len(disabled)
    assert fresh.apply(plan).succeeded
    assert {t["Id"] for t in tenants(fresh)} == {t["Id"] for t in before} - disabled


def test_delete_cannot_be_combined_with_other_verbs(octo) -> None:
    eu = octo.tenants.where(tag="Region/EU")
    with pytest.raises(UsageError, match="cannot follow other verbs"):
        eu.add_tag("Tier/Gold").delete()
    with pytest.raises(UsageError, match="cannot follow delete"):
        eu.delete().add_tag("Tier/Gold")


def test_common_variables_skip_tenants_without_a_project_using_the_set(fresh) -> None:
    plan = fresh.plan(
        fresh.tenants.where(tag="Region/EU").set_variable("Customer.SupportTier", "Premium")
    )
    api = api_for(fresh.sandbox)
    including = {
        p["Id"]
        for p in api.get("/api/Spaces-1/projects/all")
        if "LibraryVariableSets-1" in p["IncludedLibraryVariableSetIds"]
    }
    eligible = {
        t["Id"]
        for t in api.tenants()
        if "Region/EU" in t["TenantTags"] and including & set(t["ProjectEnvironments"])
    }
    assert {op.resource_id for op in plan.operations} == eligible
    assert any("other tenants are skipped" in note for note in plan.notes)
    assert fresh.apply(plan).succeeded


def test_plan_text_names_environments_and_templates(fresh) -> None:
    from octoflow import render_plan

    gold_eu = fresh.tenants.where(tag="Region/EU").where(tag="Tier/Gold")
    text = render_plan(fresh.plan(gold_eu.add_project("Customer Portal")))
    assert "in Development, Test, Staging, Production" in text
    assert "Environments-" not in text
    fresh.apply(fresh.plan(gold_eu.add_project("Customer Portal")))
    text = render_plan(fresh.plan(gold_eu.set_variable("Customer.SupportTier", "Premium")))
    assert "Customer Settings" in text and "Customer.SupportTier" in text
    assert "LibraryVariableSets-" not in text
