"""``octo.lifecycles`` from Python: retention, phase verbs, bad input as plan errors,
replay on the document re-read at apply."""

from __future__ import annotations

import pytest

from octoflow.errors import PlanError, UsageError
from octoflow.testing import apply_and_replan

SPACE = "/api/Spaces-1"
DEFAULT = "Default Lifecycle"


def lifecycle(octo, lifecycle_id: str = "Lifecycles-1") -> dict:
    return octo.client.get(f"{SPACE}/lifecycles/{lifecycle_id}")


def phases(doc: dict) -> dict[str, dict]:
    return {p["Name"]: p for p in doc["Phases"]}


def test_retention_sets_both_policies_and_converges(octo, octo_requests) -> None:
    statement = octo.lifecycles.where(name=DEFAULT).retention(releases=30, files=10)
    octo_requests.clear()
    apply_and_replan(octo, octo.plan(statement), statement)
    doc = lifecycle(octo)
    assert doc["ReleaseRetentionPolicy"] == {
        "Unit": "Days",
        "QuantityToKeep": 30,
        "ShouldKeepForever": False,
        "Strategy": "Count",
    }
    assert doc["TentacleRetentionPolicy"]["QuantityToKeep"] == 10
    assert octo_requests.count("PUT", "/lifecycles/") == 1


def test_keep_forever_and_releases_only(octo) -> None:
    forever = octo.lifecycles.where(name="Dev and Test Only").retention(keep_forever=True)
    octo.apply(octo.plan(forever))
    doc = lifecycle(octo, "Lifecycles-2")
    assert doc["ReleaseRetentionPolicy"]["ShouldKeepForever"] is True
    assert doc["TentacleRetentionPolicy"]["Strategy"] == "Forever"
    releases = octo.lifecycles.where(name="Dev and Test Only").retention(releases=5, unit="Items")
    octo.apply(octo.plan(releases))
    doc = lifecycle(octo, "Lifecycles-2")
    assert doc["ReleaseRetentionPolicy"]["QuantityToKeep"] == 5
    assert doc["ReleaseRetentionPolicy"]["Unit"] == "Items"
    assert doc["TentacleRetentionPolicy"]["ShouldKeepForever"] is True  # left alone


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs releases=N, files=N or keep_forever=True"),
        ({"releases": 0}, "give a whole number above 0"),
        ({"releases": "30"}, "give a whole number above 0"),
        ({"releases": 30, "unit": "Weeks"}, "the unit is one of Days, Items"),
        ({"releases": 30, "keep_forever": True}, "keep_forever=True takes no counts"),
    ],
)
def test_bad_retention_is_refused_at_the_call(octo, kwargs, message) -> None:
    with pytest.raises(UsageError, match=message):
        octo.lifecycles.retention(**kwargs)


def test_a_negative_minimum_is_refused_at_the_call(octo) -> None:
    with pytest.raises(UsageError, match="give a whole number, 0 for all"):
        octo.lifecycles.phase("Test").min_environments(-1)


def test_phase_verbs_add_remove_and_min_environments(octo) -> None:
    default = octo.lifecycles.where(name=DEFAULT)
    statements = [
        # One chain: Staging leaves its phase before it joins Test (one phase each).
        default.phase("Staging")
        .remove_environments("Staging")
        .phase("test")
        .add_environments("Staging", automatic=True),
        default.phase("Production").min_environments(1),
    ]
    apply_and_replan(octo, octo.plan(*statements), *statements)
    got = phases(lifecycle(octo))
    assert got["Test"]["AutomaticDeploymentTargets"] == ["Environments-3"]
    assert got["Test"]["OptionalDeploymentTargets"] == ["Environments-2"]
    assert got["Staging"]["OptionalDeploymentTargets"] == []
    assert got["Production"]["MinimumEnvironmentsBeforePromotion"] == 1


def test_ensure_phase_adds_it_after_the_one_named_and_converges(octo) -> None:
    statement = (
        octo.lifecycles.where(name=DEFAULT)
        .ensure_phase("Hotfix", after="Test")
        .phase("Hotfix")
        .min_environments(1)
    )
    apply_and_replan(octo, octo.plan(statement), statement)
    doc = lifecycle(octo)
    assert [p["Name"] for p in doc["Phases"]] == [
        "Development",
        "Test",
        "Hotfix",
        "Staging",
        "Production",
    ]
    assert phases(doc)["Hotfix"]["Id"]  # made from the lifecycle and the name: stable
    assert phases(doc)["Hotfix"]["MinimumEnvironmentsBeforePromotion"] == 1


def test_an_unknown_phase_is_a_plan_error_with_a_suggestion(octo, octo_requests) -> None:
    with pytest.raises(PlanError, match="lifecycle 'Default Lifecycle': unknown phase 'Tset'"):
        octo.plan(octo.lifecycles.where(name=DEFAULT).phase("Tset").min_environments(1))
    octo_requests.assert_no_writes()


def test_an_environment_in_another_phase_is_a_plan_error(octo, octo_requests) -> None:
    with pytest.raises(PlanError, match="environment 'Staging' is already in phase 'Staging'"):
        octo.plan(octo.lifecycles.where(name=DEFAULT).phase("Test").add_environments("Staging"))
    octo_requests.assert_no_writes()


def test_unknown_names_are_plan_errors(octo) -> None:
    with pytest.raises(PlanError, match="unknown lifecycle 'Defualt'"):
        octo.plan(octo.lifecycles.where(name="Defualt").retention(releases=3))
    with pytest.raises(PlanError, match="unknown environment 'Stagin'"):
        octo.plan(octo.lifecycles.phase("Test").add_environments("Stagin"))


def test_a_phase_verb_needs_a_phase_and_blanks_are_refused(octo) -> None:
    with pytest.raises(UsageError, match=r"name it first, e.g. .phase\('Test'\)"):
        octo.lifecycles.min_environments(1)
    with pytest.raises(UsageError, match="an empty value selects nothing"):
        octo.lifecycles.where(name="")
    with pytest.raises(UsageError, match="name at least one environment"):
        octo.lifecycles.phase("Test").add_environments(" , ")


def test_every_lifecycle_of_two_is_not_wide_but_naming_both_is(octo) -> None:
    plan = octo.plan(octo.lifecycles.retention(releases=7))
    assert not plan.wide and any("selects all 2 lifecycles" in n for n in plan.notes)
    both = octo.lifecycles.where(name=["Default Lifecycle", "Dev and Test Only"])
    plan = octo.plan(both.retention(releases=7))
    assert plan.wide and "selects 2 of 2 lifecycles" in plan.wide[0]


def test_apply_replays_on_the_fresh_lifecycle_keeping_edits_made_meanwhile(octo) -> None:
    plan = octo.plan(octo.lifecycles.where(name=DEFAULT).phase("Test").min_environments(1))
    doc = lifecycle(octo)
    doc["Description"] = "edited meanwhile"
    octo.client.request("PUT", f"{SPACE}/lifecycles/Lifecycles-1", json=doc)
    octo.apply(plan)
    after = lifecycle(octo)
    assert after["Description"] == "edited meanwhile"
    assert phases(after)["Test"]["MinimumEnvironmentsBeforePromotion"] == 1
