"""Benchmark the process recipes on the demo's 200 projects.

Run from the repository root (takes about half a minute)::

    python -m tests.benchmark.bench_processes

For ``projects-use-container`` and ``projects-add-step`` over every project
group: requests per changed process (in process), and wall time against a
sequential ``requests`` script, both talking to ``octoflow sandbox serve``
with 20 ms of latency per request. Prints a Markdown table and exits 1 when a
target is missed. Not a pytest test: the figures depend on the machine.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from octoflow.config import Connection
from octoflow.session import Octoflow
from tests.benchmark.bench_tenants import (
    CONCURRENCY,
    KEY,
    LATENCY_MS,
    control,
)
from tests.benchmark.common import Row, report, request_budget, require, server_process, timed

SPACE = "Spaces-1"
SPEEDUP_TARGET = 5.0
GROUPS = (
    "Default Project Group,Customer Apps,Platform,Internal,Apps,Services,Data Pipelines,"
    "Infrastructure"
)
STEP = Path(__file__).parents[1] / "plugins" / "processes" / "data" / "notify-slack.json.j2"
IMAGE = "octopuslabs/workertools:latest"
#: Version-controlled projects commit to their default branch, or to a new branch where
#: it is protected (the demo has six such projects, three with a protected main).
GIT = {"new_branch": "octoflow/benchmark", "only_protected": "true"}
CASES: dict[str, dict[str, str]] = {
    "projects-use-container": {"group": GROUPS, "image": IMAGE, **GIT},
    "projects-add-step": {"group": GROUPS, "step": str(STEP), "after": "Deploy", **GIT},
}


def request_rows(recipe: str) -> list[Row]:
    """Requests a plan + apply makes, against one write per changed process.

    A version-controlled project's process is read at its branch while planning and again
    right before its commit (the git-ref routes take no ``?ids=``), and a protected
    branch's project lists its branches before one is created: the budget adds those.
    """
    octo = Octoflow.with_sandbox("demo")
    octo.sandbox.clear_requests()
    before = octo.client.request_count
    plan = octo.plan_recipe(recipe, CASES[recipe])
    report = octo.apply(plan, concurrency=CONCURRENCY, allow_wide=True)
    require(report.succeeded, f"{recipe}: apply failed: {report.recap}")
    made = octo.client.request_count - before
    logged = octo.sandbox.requests
    writes = sum(1 for r in logged if r.method != "GET")
    changed = report.count("changed")
    in_git = sum(1 for op in plan.operations if op.kind.startswith("Git") and op.action == "update")
    branches = sum(1 for op in plan.operations if op.action == "run")
    limit, target = request_budget(changed - in_git - branches, read_back=False)
    limit += 3 * in_git + 2 * branches
    target = f"<= {limit} ({target[3:]} for the database; 3 per commit, 2 per new branch)"
    return [
        Row(
            f"{recipe}: changed (= minimum writes)",
            f"{changed}: {changed - in_git - branches} processes, {in_git} commits, "
            f"{branches} new branches",
        ),
        Row(
            f"{recipe}: requests, plan + apply (client count)",
            str(made),
            target,
            made <= limit,
        ),
        Row(
            f"{recipe}: requests, plan + apply (sandbox log)",
            f"{len(logged)} ({writes} writes, {len(logged) - writes} reads)",
            "= client count",
            len(logged) == made,
        ),
    ]


def wall_time_rows(url: str, recipe: str, script: Callable[[str], None]) -> list[Row]:
    control(url, "POST", "reset", json={"seed": "demo"})
    octoflow_seconds = timed(lambda: octoflow_run(url, recipe))
    octoflow_result = processes(url)
    control(url, "POST", "reset", json={"seed": "demo"})
    script_seconds = timed(lambda: script(url))
    require(processes(url) == octoflow_result, f"{recipe}: octoflow and the script differ")
    ratio = script_seconds / octoflow_seconds
    return [
        Row(
            f"{recipe}: wall time, octoflow (concurrency {CONCURRENCY})",
            f"{octoflow_seconds:.2f} s",
        ),
        Row(f"{recipe}: wall time, sequential requests script", f"{script_seconds:.2f} s"),
        Row(
            f"{recipe}: speed-up (script / octoflow)",
            f"{ratio:.1f}x",
            f">= {SPEEDUP_TARGET:.0f}x",
            ratio >= SPEEDUP_TARGET,
        ),
    ]


def octoflow_run(url: str, recipe: str) -> None:
    octo = Octoflow.connect(Connection(url, api_key=KEY))
    plan = octo.plan_recipe(recipe, CASES[recipe])
    report = octo.apply(plan, concurrency=CONCURRENCY, allow_wide=True)
    require(report.succeeded, f"{recipe}: apply failed: {report.recap}")


def processes(url: str) -> dict[str, Any]:
    """Every process's steps without ids (a script gives new steps other ids than octoflow)."""
    state = control(url, "GET", "state")["collections"]["DeploymentProcesses"]
    return {pid: strip_ids(p["Steps"]) for pid, p in state.items()}


def strip_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_ids(v) for k, v in value.items() if k not in ("Id", "Slug")}
    if isinstance(value, list):
        return [strip_ids(v) for v in value]
    return value


# -- what a hand-written script does ----------------------------------------------------


def each_process(url: str, change: Callable[[dict[str, Any], dict[str, Any]], bool]) -> None:
    """GET every database project's process, ``change`` it, PUT it when it changed (the
    script leaves version-controlled projects out: it has less to do than octoflow)."""
    with requests.Session() as http:
        http.headers["X-Octopus-ApiKey"] = KEY
        base = f"{url}/api/{SPACE}"
        feeds = {f["Name"]: f["Id"] for f in http.get(f"{base}/feeds/all").json()}
        for project in http.get(f"{base}/projects/all").json():
            if project["IsVersionControlled"]:
                continue
            path = f"{base}/projects/{project['Id']}/deploymentprocesses"
            process = http.get(path).json()
            if change(process, {"project": project, "feeds": feeds}):
                http.put(path, json=process).raise_for_status()


def script_use_container(url: str) -> None:
    def change(process: dict[str, Any], seen: dict[str, Any]) -> bool:
        return use_container(process, {"Image": IMAGE, "FeedId": seen["feeds"]["Docker Hub"]})

    each_process(url, change)


def use_container(process: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """The sequential script's edit: ``wanted`` as the container of every worker action;
    whether anything changed."""
    changed = False
    for step in process["Steps"]:
        for action in step["Actions"]:
            on_worker = action["Properties"].get("Octopus.Action.RunOnServer") == "true"
            if on_worker and action["Container"] != wanted:
                action["Container"] = dict(wanted)
                changed = True
    return changed


def script_add_step(url: str) -> None:
    reference = Octoflow.with_sandbox("demo")
    plan = reference.plan_recipe("projects-add-step", CASES["projects-add-step"])
    steps = {
        op.resource_id: op.intents[0].args["step"]
        for op in plan.operations
        if op.kind == "DeploymentProcess"  # the script edits database processes only
    }

    def change(process: dict[str, Any], seen: dict[str, Any]) -> bool:
        names = [s["Name"] for s in process["Steps"]]
        if "Notify Slack" in names:
            return False
        step = copy.deepcopy(steps[process["Id"]])  # the same content, as a script would build
        process["Steps"].insert(names.index("Deploy") + 1, step)
        return True

    each_process(url, change)


def main() -> int:
    started = time.perf_counter()
    rows = [row for recipe in CASES for row in request_rows(recipe)]
    with server_process(KEY, LATENCY_MS) as url:
        rows += wall_time_rows(url, "projects-use-container", script_use_container)
        rows += wall_time_rows(url, "projects-add-step", script_add_step)
    return report(rows, started)


if __name__ == "__main__":
    raise SystemExit(main())
