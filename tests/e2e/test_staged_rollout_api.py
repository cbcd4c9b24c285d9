"""Staged rollout from Python (``Octoflow.roll_out``) against the in-process sandbox:
failure limits, prompt pauses, and operations that depend on earlier stages."""

from __future__ import annotations

import json

import attrs
import pytest

from octoflow import Octoflow
from octoflow.apply.checks import Check
from octoflow.apply.resume import read_rollout
from octoflow.apply.stages import FailureLimit, Pause, Rollout
from octoflow.errors import PlanError, UsageError
from tests.e2e.support import api_for, writes

EU_TEST = {"tag": "Region/EU", "project": "Customer Portal", "environments": "Test"}


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo", backoff_seconds=0.01)


def alone(ids: list[str], start: int, count: int) -> list[int]:
    """Positions from ``start`` whose id is no prefix of another (a fault matches a part
    of the path: ``/Tenants-40`` would also fail ``Tenants-401``)."""
    return [i for i in range(start, len(ids)) if len(ids[i]) >= 11 and ids[i] != "Tenants-100"][
        :count
    ]


def fail_puts_to(octo: Octoflow, *ids: str) -> None:
    for resource_id in ids:
        octo.sandbox.settings.add_fault(
            {"status": 500, "method": "PUT", "path_contains": f"/{resource_id}", "times": None}
        )


def written_ids(octo: Octoflow) -> set[str]:
    return {r.path.rsplit("/", 1)[-1] for r in writes(octo.sandbox) if r.method == "PUT"}


def test_failures_above_the_count_stop_after_their_stage(octo) -> None:
    plan = octo.plan_recipe("tenants-add-project", EU_TEST)
    ids = [str(op.resource_id) for op in plan.operations]
    victims = alone(ids, 20, 3)
    assert victims[-1] < 60
    fail_puts_to(octo, *(ids[i] for i in victims))
    octo.sandbox.clear_requests()

    rollout = Rollout(canary=10, batch_size=50, max_failures=FailureLimit(count=2))
    report = octo.roll_out(plan, rollout)

    assert report.stopped == (
        "3 of 60 operation(s) failed by stage 2/8, more than --max-failures 2"
    )
    assert report.exit_code == 1
    assert written_ids(octo) == set(ids[:60]), "stage 3 and later were never started"
    assert report.report.recap == {"ok": 0, "changed": 57, "failed": 3, "skipped": 300}


def test_failures_within_a_percentage_let_it_go_on(octo) -> None:
    plan = octo.plan_recipe("tenants-add-project", EU_TEST)
    ids = [str(op.resource_id) for op in plan.operations]
    fail_puts_to(octo, ids[alone(ids, 50, 1)[0]])  # in stage 2 (11-210): 1 of 210

    rollout = Rollout(canary=10, batch_size=200, max_failures=FailureLimit(percent=1))
    report = octo.roll_out(plan, rollout)

    assert report.stopped == ""
    assert report.report.recap["changed"] == len(plan.operations) - 1
    assert report.exit_code == 1, "a failed operation still fails the apply"


def test_a_prompt_pause_asks_between_stages_and_no_stops(octo, tmp_path) -> None:
    plan = octo.plan_recipe("tenants-add-project", EU_TEST)
    asked: list[str] = []
    answers = iter([True, False])

    def ask(question: str) -> bool:
        asked.append(question)
        return next(answers)

    journal = tmp_path / "rollout.jsonl"
    rollout = Rollout(canary=10, batch_size=100, pause=Pause(prompt=True))
    report = octo.roll_out(plan, rollout, journal=journal, ask=ask)

    assert asked == ["stage 1/5 done; continue?", "stage 2/5 done; continue?"]
    assert report.stopped == "not continued at the prompt after stage 2"
    assert report.report.recap["changed"] == 110
    assert read_rollout(journal).left == len(plan.operations) - 110


def test_a_prompt_pause_without_ask_needs_a_terminal(octo) -> None:
    plan = octo.plan_recipe("tenants-add-project", EU_TEST)
    with pytest.raises(UsageError, match="--pause prompt asks on the terminal"):
        octo.roll_out(plan, Rollout(canary=1, pause=Pause(prompt=True)))
    assert writes(octo.sandbox) == []


def test_ids_created_in_earlier_stages_reach_later_ones_even_across_a_resume(
    octo, tmp_path
) -> None:
    params = {"team": "Release Managers", "users_csv": "docs/examples/people.csv"}
    params["passwords_out"] = str(tmp_path / "passwords.csv")
    plan = octo.plan_recipe("team-add-members", params)
    assert [op.action for op in plan.operations] == ["create"] * 3 + ["update"]
    journal = tmp_path / "rollout.jsonl"
    stop_at_2 = Check("cmd", 'test "$OCTOFLOW_STAGE" != 2')

    first = octo.roll_out(
        plan, Rollout(canary=1, batch_size=2, checks=(stop_at_2,)), journal=journal
    )

    assert first.stopped.startswith("check cmd:test")
    assert first.report.recap == {"ok": 0, "changed": 3, "failed": 0, "skipped": 1}
    resumable = read_rollout(journal)
    assert resumable.left == 1
    second = octo.roll_out(
        resumable.plan,
        attrs.evolve(resumable.rollout, checks=()),
        journal=journal,
        resumption=resumable.resumption,
    )

    assert second.exit_code == 0, second.report.results
    api = api_for(octo.sandbox)
    users = {u["Username"]: u["Id"] for u in api.get("/api/users/all")}
    team = next(t for t in api.get("/api/Spaces-1/teams/all") if t["Name"] == "Release Managers")
    wanted = {users[n] for n in ("grace.hopper", "alan.turing", "svc-reports")}
    assert wanted <= set(team["MemberUserIds"])
    stages = [json.loads(line) for line in journal.read_text().splitlines()]
    started = [e["operations"] for e in stages if e["event"] == "stage-started"]
    assert started[-1] == ["Team/Teams-4"]


def test_a_health_check_runs_a_health_task_after_every_stage(octo) -> None:
    api_for(octo.sandbox).put("/_sandbox/tasks", {"mode": "polls", "polls": 2})
    plan = octo.plan_recipe("tenants-add-project", EU_TEST)
    octo.sandbox.clear_requests()

    rollout = Rollout(canary=10, batch_size=200, checks=(Check("health", "Production"),))
    report = octo.roll_out(plan, rollout)

    assert report.exit_code == 0
    results = [c for s in report.stages for c in s.checks]
    assert [c.passed for c in results] == [True, True, True]
    assert all(c.output.endswith("ended Success") for c in results)
    posts = [r for r in octo.sandbox.requests if r.method == "POST" and r.path.endswith("/tasks")]
    assert len(posts) == 3


def test_a_runbook_check_runs_the_runbook_and_a_failed_run_stops_the_rollout(octo) -> None:
    plan = octo.plan_recipe("tenants-add-project", EU_TEST)
    runbook = "-p 'project=Ember Web' -p 'runbook=Restart App Pool' -p environment=Test"
    check = Check.parse(f"runbook:{runbook}", {}, octo)

    first = octo.roll_out(plan, Rollout(canary=10, batch_size=200, checks=(check,)))

    assert [c.passed for s in first.stages for c in s.checks] == [True, True, True]
    assert "Restart App Pool in Test: ran (RunbookRunId=" in first.stages[0].checks[0].output
    octo.client.request("PUT", "/_sandbox/tasks", json={"fail_projects": ["Ember Web"]})
    params = {**EU_TEST, "project": "Billing API"}
    second = octo.roll_out(
        octo.plan_recipe("tenants-add-project", params), Rollout(canary=10, checks=(check,))
    )

    assert second.stopped == f"check runbook:{runbook} failed after stage 1/2"
    assert "failed" in second.failed_check.output
    assert second.report.recap["changed"] == 10


def test_a_runbook_check_naming_an_unknown_runbook_is_refused_before_any_write(octo) -> None:
    plan = octo.plan_recipe("tenants-add-project", EU_TEST)
    check = Check.parse(
        "runbook:-p 'project=Ember Web' -p runbook=Nope -p environment=Test", {}, octo
    )
    octo.sandbox.clear_requests()

    with pytest.raises(PlanError, match="unknown runbook 'Nope'") as refused:
        octo.roll_out(plan, Rollout(canary=10, checks=(check,)))
    assert refused.value.exit_code == 2
    assert writes(octo.sandbox) == []
