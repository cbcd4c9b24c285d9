"""The workers DSL: select by pool, health and style; move between pools; guards."""

from __future__ import annotations

import pytest

from octoflow import Octoflow, PlanError
from tests.e2e.support import api_for


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def workers(octo: Octoflow) -> dict[str, dict]:
    return {w["Name"]: w for w in api_for(octo.sandbox).get("/api/Spaces-1/workers/all")}


def selected(octo: Octoflow, selection) -> set[str]:
    plan = octo.plan(selection.enable())
    return {op.name for op in plan.operations} | {u.name for u in plan.unchanged}


def test_criteria(octo) -> None:
    assert selected(octo, octo.workers.where(pool="Linux Workers")) == {
        "linux-worker-01",
        "linux-worker-02",
        "linux-worker-03",
    }
    assert selected(octo, octo.workers.where(pool=["WorkerPools-1"], comm_style="ssh")) == {
        "linux-worker-01"
    }
    assert selected(octo, octo.workers.where(health="Unhealthy")) == {"win-worker-03"}
    assert selected(octo, octo.workers.where(partial_name="WIN")) == {
        "win-worker-01",
        "win-worker-02",
        "win-worker-03",
    }


def test_moving_workers_between_pools_converges(octo) -> None:
    statement = octo.workers.where(pool="Linux Workers").add_to_pool("Default Worker Pool")
    plan = octo.plan(statement, octo.workers.where(name="win-worker-03").disable())
    assert plan.summary == {"add": 0, "change": 3, "delete": 0, "run": 0}
    assert [u.name for u in plan.unchanged] == ["linux-worker-01"]
    assert octo.apply(plan).succeeded
    rows = workers(octo)
    assert all("WorkerPools-1" in rows[f"linux-worker-0{n}"]["WorkerPoolIds"] for n in (1, 2, 3))
    assert rows["win-worker-03"]["IsDisabled"]
    assert octo.plan(statement).is_empty
    moved = octo.workers.where(pool="Linux Workers").remove_from_pool("Linux Workers")
    assert octo.apply(octo.plan(moved)).succeeded
    assert all(
        rows["WorkerPoolIds"] == ["WorkerPools-1"]
        for name, rows in workers(octo).items()
        if name.startswith("linux")
    )


def test_pool_problems(octo) -> None:
    with pytest.raises(PlanError) as info:
        octo.plan(
            octo.workers.where(pool="Linux Workers").remove_from_pool("Linux Workers"),
            octo.workers.where(pool="Linux Workers").add_to_pool("Hosted Windows"),
            octo.workers.where(pool="Linux Workerz").delete(),
        )
    text = str(info.value)
    assert (
        "would leave 2 worker(s) without a worker pool: 'linux-worker-02', 'linux-worker-03'"
        in text
    )
    assert "worker pool 'Hosted Windows' is a dynamic pool" in text
    assert "unknown worker pool 'Linux Workerz': did you mean 'Linux Workers'" in text
    assert not [r for r in octo.sandbox.requests if r.method != "GET"]


def test_delete_and_policy(octo) -> None:
    unhealthy = octo.workers.where(health="Unhealthy")
    assert octo.apply(
        octo.plan(octo.workers.where(pool="Linux Workers").set_machine_policy("Cloud Targets"))
    ).succeeded
    assert {w["MachinePolicyId"] for n, w in workers(octo).items() if n.startswith("linux")} == {
        "MachinePolicies-2"
    }
    plan = octo.plan(unhealthy.delete())
    assert plan.summary == {"add": 0, "change": 0, "delete": 1, "run": 0}
    assert octo.apply(plan).succeeded
    assert "win-worker-03" not in workers(octo)
