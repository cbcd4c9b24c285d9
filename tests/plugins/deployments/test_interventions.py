"""``octo.interventions`` against the demo sandbox: selecting pending interruptions,
answering them, and refusing what the key's user may not answer.

The demo's one pending interruption, ``Interruptions-1``, is Harbor Admin's
"Approve production release" of 1.2.0 in Production, owned by Release Managers.
"""

from __future__ import annotations

from typing import Any

import pytest

from octoflow import Octoflow
from octoflow.client import OctopusClient
from octoflow.config import Connection
from octoflow.errors import PlanError, UsageError
from octoflow.sandbox import IN_PROCESS_URL, SandboxAdapter

PENDING = "Interruptions-1"
NAME = "Approve production release (Harbor Admin 1.2.0 to Production)"


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def get(octo: Octoflow, path: str, **params: Any) -> Any:
    return octo.client.get(octo.client.space_path(path), params or None)


def writes(octo: Octoflow) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in octo.sandbox.requests if r.method != "GET"]


def selected(octo: Octoflow, selection: Any) -> list[str]:
    return [op.resource_id for op in octo.plan(selection.proceed()).operations]


def as_user(octo: Octoflow, team: str) -> Octoflow:
    """A session of the same sandbox with the API key of a member of ``team``."""
    team_doc = next(t for t in octo.client.get("/api/teams/all") if t["Name"] == team)
    user_id = team_doc["MemberUserIds"][0]
    key = octo.client.request("POST", f"/api/users/{user_id}/apikeys", json={"Purpose": "tests"})
    connection = Connection(IN_PROCESS_URL, api_key=key["ApiKey"])
    client = OctopusClient(connection, adapter=SandboxAdapter(octo.sandbox.app))
    return Octoflow(client, octo.host, octo.registry, octo.sandbox)


def test_the_criteria_select_the_pending_interruption(octo) -> None:
    task = get(octo, f"interruptions/{PENDING}")["TaskId"]
    every = octo.interventions
    assert selected(octo, every) == [PENDING]
    for matching in (
        every.where(project="harbor admin", environment="Production"),
        every.where(environment=["Test", "Production"]),
        every.where(release="1.2.0"),
        every.where(task=task),
        every.where(title="approve*"),
        every.where(lambda d: d["ResponsibleTeamIds"] == ["Teams-4"]),
    ):
        assert selected(octo, matching) == [PENDING], matching.describe()
    for other in (
        every.where(project="Ember Web"),
        every.where(environment="Test"),
        every.where(release="1.1.0"),
        every.where(task="ServerTasks-1"),
        every.where(title="Deploy*"),
        every.where(project="Harbor Admin").where(environment="Staging"),
    ):
        plan = octo.plan(other.proceed())
        assert plan.is_empty and "selects 0 pending interruption(s)" in plan.notes[0]


def test_the_plan_names_the_interruption_and_what_apply_will_do(octo) -> None:
    plan = octo.plan(octo.interventions.where(project="Harbor Admin").proceed("CHG-1", wait=True))

    (op,) = plan.operations
    assert (op.action, op.kind, op.name) == ("run", "Interruption", NAME)
    intent = op.intents[0]
    assert intent.args == {
        "interruption_id": PENDING,
        "field": "Result",
        "answer": "Proceed",
        "notes": "CHG-1",
        "wait": True,
        "timeout": 1800.0,
        "poll": 2.0,
    }
    assert intent.summary == (
        "take responsibility and proceed with notes 'CHG-1', then wait up to 1800s for "
        f"{get(octo, f'interruptions/{PENDING}')['TaskId']}"
    )


def test_an_answer_is_described_as_written_and_waits_as_asked(octo) -> None:
    """What is left at its default stays out of the plan's description of the call."""
    every = octo.interventions
    assert every.proceed().describe() == "interventions.proceed()"
    assert every.proceed("", wait=False, timeout=1800).describe() == "interventions.proceed()"
    assert every.abort("not now").describe() == "interventions.abort(notes='not now')"
    assert (
        every.where(task="ServerTasks-1").guidance("IGNORE", "flaky", wait=True, poll=5).describe()
        == "interventions.where(task='ServerTasks-1')"
        ".guidance(action='Ignore', notes='flaky', wait=True, poll=5.0)"
    )
    statement = every.proceed(timeout=60, poll=1)
    assert statement.describe() == "interventions.proceed(timeout=60.0, poll=1.0)"
    (op,) = octo.plan(statement).operations
    args = op.intents[0].args
    assert (args["notes"], args["wait"], args["timeout"], args["poll"]) == ("", False, 60.0, 1.0)


def test_proceed_takes_responsibility_submits_and_the_task_finishes(octo) -> None:
    plan = octo.plan(
        octo.interventions.where(project="Harbor Admin").proceed("ok", wait=True, poll=0.01)
    )
    octo.sandbox.clear_requests()

    report = octo.apply(plan)

    (result,) = report.results
    task_id = result.outputs["TaskId"]
    assert result.outputs == {"InterruptionId": PENDING, "TaskId": task_id, "Result": "Proceed"}
    assert result.detail == f"submitted Proceed; {task_id} Success"
    base = f"/api/Spaces-1/interruptions/{PENDING}"
    assert writes(octo) == [("PUT", base + "/responsible"), ("POST", base + "/submit")]
    answered = get(octo, f"interruptions/{PENDING}")
    assert not answered["IsPending"]
    assert answered["Form"]["Values"] == {"Instructions": None, "Notes": "ok", "Result": "Proceed"}
    assert octo.plan(octo.interventions.proceed()).is_empty  # nothing pending: converged


def test_abort_fails_the_deployment(octo) -> None:
    octo.plan(octo.interventions.abort())  # the root document and spaces are read once
    octo.sandbox.clear_requests()
    plan = octo.plan(octo.interventions.where(release="1.2.0").abort("not now"))
    planned = [r.path for r in octo.sandbox.requests]
    octo.sandbox.clear_requests()

    report = octo.apply(plan)

    space = "/api/Spaces-1"
    assert planned == [
        f"{space}/interruptions",  # pending ones, every page (one here)
        f"{space}/projects/all",
        f"{space}/environments/all",
        f"{space}/deployments",  # ?ids= of the deployments they name
        f"{space}/releases",  # ?ids= of those deployments' releases
    ]
    assert [(r.method, r.path) for r in octo.sandbox.requests] == [
        ("GET", f"{space}/interruptions/{PENDING}"),
        ("PUT", f"{space}/interruptions/{PENDING}/responsible"),
        ("POST", f"{space}/interruptions/{PENDING}/submit"),
    ]
    (result,) = report.results
    assert result.outputs["Result"] == "Abort" and result.detail == "submitted Abort"
    assert octo.client.get(f"/api/tasks/{result.outputs['TaskId']}")["State"] == "Failed"


def test_an_interruption_answered_after_planning_is_left_alone(octo) -> None:
    plan = octo.plan(octo.interventions.proceed())
    base = octo.client.space_path(f"interruptions/{PENDING}")
    octo.client.request("PUT", base + "/responsible")
    octo.client.request("POST", base + "/submit", json={"Result": "Abort", "Notes": "no"})
    octo.sandbox.clear_requests()

    report = octo.apply(plan)

    (result,) = report.results
    assert (result.outcome, result.detail) == ("ok", "already submitted (Abort)")
    assert result.outputs["Result"] == "Abort"
    assert writes(octo) == []


def test_responsibility_already_held_is_not_taken_again(octo) -> None:
    base = octo.client.space_path(f"interruptions/{PENDING}")
    octo.client.request("PUT", base + "/responsible")

    plan = octo.plan(octo.interventions.proceed())
    octo.sandbox.clear_requests()
    octo.apply(plan)

    assert plan.operations[0].intents[0].summary == "proceed"
    assert writes(octo) == [("POST", f"/api/Spaces-1/interruptions/{PENDING}/submit")]


def test_a_user_outside_the_responsible_teams_is_refused_while_planning(octo) -> None:
    operator = as_user(octo, "Operations")
    octo.sandbox.clear_requests()

    with pytest.raises(PlanError) as raised:
        operator.plan(operator.interventions.where(project="Harbor Admin").proceed())

    (problem,) = raised.value.problems
    assert problem.message == (
        "the API key's user may not take responsibility for 'Approve production release' "
        "(Interruptions-1, Harbor Admin 1.2.0 to Production)"
    )
    assert problem.hint.startswith("only members of 'Release Managers' may")
    assert writes(octo) == []


def tenanted_guided_failure(octo: Octoflow) -> str:
    """Customer Portal's Restart App Pool, made tenanted, failing for a tenant with guided
    failure on: its task waits for guidance. Returns the tenant's name."""
    portal = next(p["Id"] for p in get(octo, "projects/all") if p["Name"] == "Customer Portal")
    runbook = next(
        r
        for r in get(octo, "runbooks/all")
        if r["ProjectId"] == portal and r["Name"] == "Restart App Pool"
    )
    octo.client.request(
        "PUT",
        octo.client.space_path(f"runbooks/{runbook['Id']}"),
        json={**runbook, "MultiTenancyMode": "Tenanted"},
    )
    tenant = next(
        t["Name"]
        for t in get(octo, "tenants/all")
        if "Environments-2" in t["ProjectEnvironments"].get(portal, [])
    )
    octo.client.request("PUT", "/_sandbox/tasks", json={"fail_projects": ["Customer Portal"]})
    octo.apply(
        octo.plan(
            octo.runbooks.run(
                "Customer Portal",
                "Restart App Pool",
                environments="Test",
                tenants=tenant,
                guided_failure=True,
            )
        )
    )
    return tenant


def test_guided_failure_is_answered_with_guidance(octo) -> None:
    tenant = tenanted_guided_failure(octo)
    portal = octo.interventions.where(project="Customer Portal")

    manual = octo.plan(portal.proceed())
    assert manual.is_empty
    assert "1 selected interruption(s) are not manual interventions: left alone" in manual.notes[0]
    plan = octo.plan(portal.guidance("Retry", notes="flaky"))
    (op,) = plan.operations
    assert op.name == (
        f"Check health requires failure guidance (Customer Portal runbook run in Test for {tenant})"
    )
    assert op.intents[0].summary == "take responsibility and answer Retry with notes 'flaky'"
    (result,) = octo.apply(plan).results
    answered = get(octo, f"interruptions/{op.resource_id}")
    assert answered["Form"]["Values"] == {"Notes": "flaky", "Guidance": "Retry"}
    assert result.outputs["Result"] == "Retry"


def runbook_consumer(octo: Octoflow) -> Octoflow:
    """A session as a user whose only role is Runbook consumer: it may see and answer
    interruptions, but not read teams, deployments or releases."""
    user = octo.client.request(
        "POST", "/api/users", json={"Username": "consumer", "DisplayName": "Consumer"}
    )
    team = octo.client.request(
        "POST", "/api/teams", json={"Name": "Consumers", "MemberUserIds": [user["Id"]]}
    )
    octo.client.request(
        "POST",
        "/api/scopeduserroles",
        json={
            "TeamId": team["Id"],
            "UserRoleId": "userroles-runbookconsumer",
            "SpaceId": "Spaces-1",
        },
    )
    return as_user(octo, "Consumers")


def test_what_a_limited_key_may_not_read_is_named_by_id(octo) -> None:
    consumer = runbook_consumer(octo)
    octo.sandbox.clear_requests()

    with pytest.raises(PlanError) as raised:
        consumer.plan(consumer.interventions.proceed())
    (problem,) = raised.value.problems
    assert problem.message.endswith("(Interruptions-1, Harbor Admin deployment to Production)")
    assert problem.hint.startswith("only members of 'Teams-4' may")
    with pytest.raises(PlanError, match="cannot select by release"):
        consumer.plan(consumer.interventions.where(release="1.2.0").proceed())
    assert writes(octo) == []


def test_bad_verbs_fail_at_the_call_and_no_verb_is_a_problem(octo) -> None:
    with pytest.raises(UsageError, match="one answer per statement"):
        octo.interventions.proceed().abort()
    with pytest.raises(UsageError, match="unknown guidance 'skip'; known: exclude, fail"):
        octo.interventions.guidance("skip")
    with pytest.raises(UsageError, match="leave out wait"):
        octo.interventions.guidance("fail", wait=True)
    with pytest.raises(UsageError, match="unknown keyword 'tenant'"):
        octo.interventions.where(tenant="Acme")
    with pytest.raises(PlanError, match="add .proceed\\(\\), .abort\\(\\) or .guidance"):
        octo.plan(octo.interventions.where(project="Harbor Admin"))
    with pytest.raises(PlanError) as raised:
        octo.plan(octo.interventions.where(project="Harbor Admn", environment="Prod").proceed())
    assert [p.message for p in raised.value.problems] == [
        "unknown project 'Harbor Admn': did you mean 'Harbor Admin' or 'Yarrow Admin' or "
        "'Harbor Web'?",
        "unknown environment 'Prod': did you mean 'Production'?",
    ]
