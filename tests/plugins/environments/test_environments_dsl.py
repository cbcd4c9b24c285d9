"""``octo.environments`` from Python: ensure, settings, sort order, what a plan says."""

from __future__ import annotations

import pytest
from octoflow_plugins.environments.intents import add_environment_to_scopes

from octoflow.errors import PlanError, UsageError
from octoflow.testing import apply_and_replan

SPACE = "/api/Spaces-1"


def environments(octo) -> dict[str, dict]:
    return {e["Name"]: e for e in octo.client.get(f"{SPACE}/environments/all")}


def order(octo) -> list[str]:
    return [e["Name"] for e in octo.client.get(f"{SPACE}/environments/all")]


def test_ensure_creates_with_settings_and_sorts_it_then_converges(octo) -> None:
    statement = octo.environments.ensure(
        "Perf", after="Development", description="Load tests", guided_failure=True
    )
    plan = octo.plan(statement)
    assert [op.action for op in plan.operations] == ["create", "run"]
    assert plan.operations[1].depends_on == (plan.operations[0].key,)
    apply_and_replan(octo, plan, statement)
    perf = environments(octo)["Perf"]
    assert (perf["Description"], perf["UseGuidedFailure"]) == ("Load tests", True)
    assert perf["AllowDynamicInfrastructure"] is False
    assert order(octo) == ["Development", "Perf", "Test", "Staging", "Production"]


def test_ensure_converges_an_existing_environment_and_moves_it(octo, octo_requests) -> None:
    statement = octo.environments.ensure(
        "production", after="Development", dynamic_infrastructure="true"
    )
    octo_requests.clear()
    apply_and_replan(octo, octo.plan(statement), statement)
    assert environments(octo)["Production"]["AllowDynamicInfrastructure"] is True
    assert order(octo) == ["Development", "Production", "Test", "Staging"]
    assert octo_requests.count("POST") == 0


def test_the_sort_order_is_read_again_at_apply(octo) -> None:
    plan = octo.plan(octo.environments.ensure("Production", after="Development"))
    # Someone adds an environment after the plan: it keeps its place (last).
    octo.client.request("POST", f"{SPACE}/environments", json={"Name": "Sandbox"})
    octo.apply(plan)
    assert order(octo) == ["Development", "Production", "Test", "Staging", "Sandbox"]


def test_use_guided_failure_and_dynamic_infrastructure_converge(octo) -> None:
    statement = (
        octo.environments.where(partial_name="prod")
        .use_guided_failure()
        .allow_dynamic_infrastructure(False)
    )
    plan = octo.plan(statement)
    assert [op.name for op in plan.operations] == ["Production"]
    apply_and_replan(octo, plan, statement)
    assert environments(octo)["Production"]["UseGuidedFailure"] is True


def test_every_environment_says_so_and_naming_all_four_is_wide(octo) -> None:
    plan = octo.plan(octo.environments.use_guided_failure())
    assert not plan.wide and any("selects all 4 environments" in n for n in plan.notes)
    names = ["Development", "Test", "Staging", "Production"]
    plan = octo.plan(octo.environments.where(name=names).use_guided_failure())
    assert plan.wide and "selects 4 of 4 environments" in plan.wide[0]


def test_unknown_and_self_neighbours_are_plan_errors(octo, octo_requests) -> None:
    with pytest.raises(PlanError, match="unknown environment 'Prod': did you mean 'Production'"):
        octo.plan(octo.environments.ensure("UAT", after="Prod"))
    with pytest.raises(PlanError, match="like= names itself"):
        octo.plan(octo.environments.ensure("Test", like="test"))
    octo_requests.assert_no_writes()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: e.ensure(" "), "needs an environment name"),
        (lambda e: e.ensure("UAT", after=""), "needs an environment name"),
        (lambda e: e.ensure("UAT", guided_failure="maybe"), "must be true or false"),
        (lambda e: e.where(name="").use_guided_failure(), "an empty value selects nothing"),
        (lambda e: e.where(name="Test").ensure("UAT"), "call it on octo.environments"),
    ],
)
def test_bad_input_is_refused_at_the_call(octo, call, message) -> None:
    with pytest.raises(UsageError, match=message):
        call(octo.environments)


def test_like_never_narrows_an_unscoped_variable() -> None:
    """The intent replayed on a set where the variable lost its environment scope since
    the plan adds nothing: an empty scope means every environment, and adding one
    would narrow it."""
    doc = {
        "Variables": [
            {"Id": "a", "Scope": {"Environment": ["Environments-2"]}},
            {"Id": "b", "Scope": {"Role": ["web"], "Environment": []}},
            {"Id": "c", "Scope": {"Environment": ["Environments-2"]}},
        ]
    }
    add_environment_to_scopes(doc, {"variable_ids": ["a", "b"], "environment_id": "E-9"})
    assert [v["Scope"].get("Environment") for v in doc["Variables"]] == [
        ["Environments-2", "E-9"],
        [],
        ["Environments-2"],
    ]


def test_like_coalesces_with_other_edits_of_a_lifecycle(octo, octo_requests) -> None:
    statements = [
        octo.environments.ensure("UAT", like="Test"),
        octo.lifecycles.where(name="Default Lifecycle").phase("Production").min_environments(1),
    ]
    plan = octo.plan(*statements)
    lifecycle = [op for op in plan.operations if op.resource_id == "Lifecycles-1"]
    assert len(lifecycle) == 1 and len(lifecycle[0].intents) == 2
    octo_requests.clear()
    apply_and_replan(octo, plan, *statements)
    assert octo_requests.count("PUT", "/lifecycles/Lifecycles-1") == 1


def test_like_leaves_a_lifecycle_that_has_it_in_another_phase(octo) -> None:
    octo.apply(octo.plan(octo.environments.ensure("UAT")))
    phase = octo.lifecycles.where(name="Default Lifecycle").phase("Production")
    octo.apply(octo.plan(phase.add_environments("UAT")))

    plan = octo.plan(octo.environments.ensure("UAT", like="Test"))

    assert "lifecycle 'Default Lifecycle' has UAT in phase 'Production' already" in " ".join(
        plan.notes
    )
    assert {op.name for op in plan.operations if op.kind == "Lifecycle"} == {"Dev and Test Only"}


def test_the_sort_order_waits_for_every_edit_of_an_environment(octo) -> None:
    """A PUT of an environment sends the SortOrder it read: sorting first would be undone."""
    plan = octo.plan(
        octo.environments.ensure("Production", after="Development", guided_failure=True),
        octo.environments.where(name="Test").allow_dynamic_infrastructure(),
    )
    run = next(op for op in plan.operations if op.action == "run")
    assert set(run.depends_on) == {"Environment/Environments-4", "Environment/Environments-2"}


def test_where_name_partial_name_ids_and_predicate_narrow_together(octo) -> None:
    guided = octo.environments.use_guided_failure()

    def names(selection) -> list[str]:
        return [op.name for op in octo.plan(selection).operations]

    assert names(guided.where(name="test, PRODUCTION")) == ["Test", "Production"]
    assert names(guided.where(ids="Environments-1")) == ["Development"]
    assert names(guided.where(partial_name="ST")) == ["Test", "Staging"]
    assert names(guided.where(predicate=lambda doc: doc["SortOrder"] >= 2)) == [
        "Staging",
        "Production",
    ]
    assert names(guided.where(partial_name="t").where(ids=["Environments-2"])) == ["Test"]
    with pytest.raises(PlanError, match="unknown environment 'Environments-99'"):
        octo.plan(guided.where(ids="Environments-99"))
