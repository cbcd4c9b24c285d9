"""``octo.triggers`` from Python against the in-process demo sandbox: selecting by
project, group, type and name; enable/disable converging; ensure of a cron trigger;
delete; what is refused; replay on the re-read trigger."""

from __future__ import annotations

from typing import Any

import pytest

from octoflow.errors import PlanError, UsageError
from octoflow.testing import apply_and_replan

SPACE = "/api/Spaces-1"
SCHEDULED = {"Nightly promotion to Test", "Weekly rebuild"}
NIGHTLY = dict(cron="0 0 2 * * *", action="deploy-new-release", environment="Development")


def triggers(octo) -> dict[str, dict[str, Any]]:
    return {t["Name"]: t for t in octo.client.get(f"{SPACE}/projecttriggers/all")}


def names(plan) -> set[str]:
    return {op.name.split(" / ")[1] for op in plan.operations}


@pytest.mark.parametrize(
    ("criteria", "selected"),
    [
        ({"type": "scheduled"}, SCHEDULED),
        ({"type": "deployment-target"}, {"Deploy to new web servers"}),
        ({"type": ["scheduled", "Deployment-Target"]}, SCHEDULED | {"Deploy to new web servers"}),
        ({"type": "feed"}, set()),
        ({"project": "Marketing Site"}, {"Nightly promotion to Test"}),
        ({"name": "weekly rebuild"}, {"Weekly rebuild"}),
        ({"partial_name": "NIGHT"}, {"Nightly promotion to Test"}),
        ({"type": "scheduled", "project": "Data Warehouse ETL"}, {"Weekly rebuild"}),
    ],
)
def test_where_selects_by_project_type_and_name(octo, criteria, selected) -> None:
    assert names(octo.plan(octo.triggers.where(**criteria).disable())) == selected


def test_disable_then_enable_converge_and_a_trigger_already_so_is_unchanged(octo) -> None:
    freeze = octo.triggers.where(type="scheduled").disable()
    apply_and_replan(octo, octo.plan(freeze), freeze)
    after = triggers(octo)
    assert {n for n, t in after.items() if t["IsDisabled"]} == SCHEDULED
    thaw = octo.triggers.where(type="*").enable()
    plan = octo.plan(thaw)
    assert names(plan) == SCHEDULED and len(plan.unchanged) == 1
    assert not plan.wide  # every trigger on purpose, and only three
    octo.apply(plan)
    assert not any(t["IsDisabled"] for t in triggers(octo).values())


def test_ensure_creates_a_cron_trigger_per_project_then_plans_nothing(octo) -> None:
    ensure = octo.triggers.where(project=["Customer Portal", "Billing API"]).ensure(
        "Nightly", description="every night", **NIGHTLY
    )
    apply_and_replan(octo, octo.plan(ensure), ensure)
    made = [t for t in octo.client.get(f"{SPACE}/projecttriggers/all") if t["Name"] == "Nightly"]
    assert len(made) == 2
    for trigger in made:
        assert trigger["Filter"]["FilterType"] == "CronExpressionSchedule"
        assert trigger["Filter"]["CronExpression"] == "0 0 2 * * *"
        assert trigger["Filter"]["Timezone"] == "UTC"
        assert trigger["Action"]["ActionType"] == "DeployNewRelease"
        assert trigger["Action"]["EnvironmentId"] == "Environments-1"
        assert trigger["Description"] == "every night" and not trigger["IsDisabled"]


def test_ensure_turns_an_existing_trigger_into_the_cron_one_asked_for(octo) -> None:
    ensure = octo.triggers.where(project="Marketing Site").ensure(
        "Nightly promotion to Test",
        cron="0 30 1 * * *",
        timezone="Europe/Berlin",
        action="deploy-latest-release",
        source_environments=["Development", "Test"],
        environment="Staging",
    )
    apply_and_replan(octo, octo.plan(ensure), ensure)
    trigger = triggers(octo)["Nightly promotion to Test"]
    assert trigger["Filter"]["FilterType"] == "CronExpressionSchedule"
    assert "StartTime" not in trigger["Filter"]  # the daily schedule's field went with it
    assert trigger["Filter"]["Timezone"] == "Europe/Berlin"
    action = trigger["Action"]
    assert action["SourceEnvironmentIds"] == ["Environments-1", "Environments-2"]
    assert action["DestinationEnvironmentId"] == "Environments-3"
    assert action["ShouldRedeployWhenReleaseIsCurrent"] is True  # kept: same action type


def test_apply_replays_on_the_reread_trigger_keeping_edits_made_meanwhile(octo) -> None:
    plan = octo.plan(octo.triggers.where(name="Weekly rebuild").disable())
    trigger = triggers(octo)["Weekly rebuild"]
    trigger["Description"] = "edited meanwhile"
    octo.client.request("PUT", f"{SPACE}/projecttriggers/{trigger['Id']}", json=trigger)

    octo.apply(plan)

    after = triggers(octo)["Weekly rebuild"]
    assert after["IsDisabled"] and after["Description"] == "edited meanwhile"


def test_delete_removes_the_selected_triggers(octo) -> None:
    octo.apply(octo.plan(octo.triggers.where(type="deployment-target").delete()))
    assert set(triggers(octo)) == SCHEDULED


def test_unknown_names_are_plan_errors_all_together_and_nothing_is_written(
    octo, octo_requests
) -> None:
    with pytest.raises(PlanError) as caught:
        octo.plan(
            octo.triggers.where(project="Marketing Sight").disable(),
            octo.triggers.where(group="Dataa Pipelines").disable(),
            octo.triggers.where(name="Weekly rebuilt").enable(),
            octo.triggers.where(project="Customer Portal").ensure(
                "Nightly", cron="0 0 2 * * *", action="deploy-new-release", environment="Tset"
            ),
        )
    messages = "\n".join(p.message for p in caught.value.problems)
    assert "unknown project 'Marketing Sight': did you mean 'Marketing Site'" in messages
    assert "unknown project group 'Dataa Pipelines': did you mean 'Data Pipelines'?" in messages
    assert "'Weekly rebuilt': did you mean 'Weekly rebuild'?" in messages
    assert "unknown environment 'Tset': did you mean 'Test'?" in messages
    octo_requests.assert_no_writes()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: t.where(type="schedule"), "unknown trigger type 'schedule': did you mean"),
        (lambda t: t.where(type=""), "an empty value selects nothing"),
        (lambda t: t.where(project=" "), "an empty value selects nothing"),
        (lambda t: t.where(name="x").ensure("N", **NIGHTLY), "names its trigger itself"),
        (lambda t: t.ensure("N", **{**NIGHTLY, "cron": "0 2 * * *"}), "write six fields"),
        (lambda t: t.ensure("N", **{**NIGHTLY, "action": "deploy"}), "unknown action 'deploy'"),
        (lambda t: t.ensure("N", **{**NIGHTLY, "environment": ""}), "needs environment="),
        (
            lambda t: t.ensure("N", **{**NIGHTLY, "source_environments": ["Test"]}),
            "source_environments= goes with",
        ),
        (
            lambda t: t.ensure("N", **{**NIGHTLY, "action": "deploy-latest-release"}),
            "source_environments= goes with",
        ),
        (lambda t: t.ensure(" ", **NIGHTLY), "needs name="),
        (lambda t: t.delete().enable(), "cannot follow delete"),
    ],
)
def test_bad_calls_are_refused_at_the_call_site(octo, call, message) -> None:
    with pytest.raises(UsageError, match=message):
        call(octo.triggers)
