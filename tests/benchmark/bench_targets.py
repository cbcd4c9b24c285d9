"""Benchmark the ``targets-update`` recipe on 100 targets.

Run from the repository root (takes under a minute)::

    python -m tests.benchmark.bench_targets

The demo seed has 12 targets with role ``web`` in Test; the benchmark adds 89
copies of one of them (new ids and names), so the recipe ``role=web
environment=Test add_roles=api add_environments=Staging`` selects 101 targets
and changes 100 (``test-web-01`` already has both). Prints the same kind of
table as ``bench_tenants`` and exits 1 when a target is missed.
"""

from __future__ import annotations

import copy
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from octoflow.config import Connection
from octoflow.plugin import PluginHost
from octoflow.sandbox import Sandbox
from octoflow.session import Octoflow
from tests.benchmark.common import Row, report, request_budget, require, server_process, timed

RECIPE = "targets-update"
PARAMS = {"role": "web", "environment": "Test", "add_roles": "api", "add_environments": "Staging"}
SPACE = "Spaces-1"
KEY = "API-EXAMPLEBENCHMARKKEY0000000"
LATENCY_MS = 20
CONCURRENCY = 8
SPEEDUP_TARGET = 5.0
COPIES = 89
TEMPLATE = "Machines-24"  # test-web-04: role web, in Test only


def big_state(demo: dict[str, Any]) -> dict[str, Any]:
    """The demo state plus ``COPIES`` copies of ``test-web-04``."""
    state = copy.deepcopy(demo)
    machines = state["collections"]["Machines"]
    original = machines[TEMPLATE]
    last = state["counters"]["Machines"]
    for n in range(COPIES):
        new_id, name = f"Machines-{last + 1 + n}", f"test-web-{13 + n:03d}"
        clone = copy.deepcopy(original)
        clone.update(Id=new_id, Name=name, Slug=name)
        clone["Links"] = {k: v.replace(TEMPLATE, new_id) for k, v in original["Links"].items()}
        machines[new_id] = clone
    state["counters"]["Machines"] = last + COPIES
    return state


def request_rows(state_path: Path) -> list[Row]:
    """Requests a plan + apply makes in process, against one write per changed target."""
    octo = Octoflow.with_sandbox(str(state_path))
    octo.sandbox.clear_requests()
    before = octo.client.request_count
    report = octo.apply(octo.plan_recipe(RECIPE, PARAMS), concurrency=CONCURRENCY)
    require(report.succeeded, f"apply failed: {report.recap}")
    made = octo.client.request_count - before
    logged = octo.sandbox.requests
    writes = sum(1 for r in logged if r.method != "GET")
    changed = report.count("changed")
    limit, target = request_budget(changed)
    return [
        Row("targets-update: targets changed (= minimum writes)", str(changed)),
        Row(
            "targets-update: requests, plan + apply (client count)",
            str(made),
            target,
            made <= limit,
        ),
        Row(
            "targets-update: requests, plan + apply (sandbox log)",
            f"{len(logged)} ({writes} writes, {len(logged) - writes} reads)",
            "= client count",
            len(logged) == made,
        ),
    ]


def wall_time_rows(state_path: Path) -> list[Row]:
    """octoflow at concurrency 8 vs a sequential GET + PUT script, each against its own
    ``octoflow sandbox serve`` process loaded from the same state, 20 ms per request."""
    with server_process(KEY, LATENCY_MS, state_path) as url:
        octoflow_seconds = timed(lambda: octoflow_run(url))
        octoflow_result = roles_and_environments(url)
    with server_process(KEY, LATENCY_MS, state_path) as url:
        script_seconds = timed(lambda: script_run(url))
        require(
            roles_and_environments(url) == octoflow_result,
            "octoflow and the script left different targets",
        )
    ratio = script_seconds / octoflow_seconds
    return [
        Row(
            f"targets-update: wall time, octoflow (concurrency {CONCURRENCY})",
            f"{octoflow_seconds:.2f} s",
        ),
        Row("targets-update: wall time, sequential requests script", f"{script_seconds:.2f} s"),
        Row(
            "targets-update: speed-up (script / octoflow)",
            f"{ratio:.1f}x",
            f">= {SPEEDUP_TARGET:.0f}x",
            ratio >= SPEEDUP_TARGET,
        ),
    ]


def octoflow_run(url: str) -> None:
    octo = Octoflow.connect(Connection(url, api_key=KEY))
    report = octo.apply(octo.plan_recipe(RECIPE, PARAMS), concurrency=CONCURRENCY)
    require(report.succeeded, f"apply failed: {report.recap}")


def script_run(url: str) -> None:
    """What a hand-written API script does: find the ids, list the targets, GET and PUT each."""
    with requests.Session() as http:
        http.headers["X-Octopus-ApiKey"] = KEY

        def get(path: str, **params: Any) -> Any:
            response = http.get(f"{url}/api/{SPACE}/{path}", params=params)
            response.raise_for_status()
            return response.json()

        envs = {e["Name"]: e["Id"] for e in get("environments/all")}
        listed = get("machines", roles="web", environmentIds=envs["Test"], take=1000)["Items"]
        for item in listed:
            target = get(f"machines/{item['Id']}")
            if "api" not in target["Roles"]:
                target["Roles"].append("api")
            if envs["Staging"] not in target["EnvironmentIds"]:
                target["EnvironmentIds"].append(envs["Staging"])
            http.put(f"{url}/api/{SPACE}/machines/{target['Id']}", json=target).raise_for_status()


def roles_and_environments(url: str) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    response = requests.get(f"{url}/_sandbox/state", headers={"X-Octopus-ApiKey": KEY})
    response.raise_for_status()
    machines = response.json()["collections"]["Machines"].values()
    return {m["Id"]: (frozenset(m["Roles"]), frozenset(m["EnvironmentIds"])) for m in machines}


def main() -> int:
    started = time.perf_counter()
    areas = PluginHost.from_entry_points().build_registry().sandbox_areas
    with tempfile.TemporaryDirectory() as tmp:
        state_path = Path(tmp) / "targets.json"
        state_path.write_text(json.dumps(big_state(Sandbox(areas, seed="demo").dump())))
        rows = request_rows(state_path) + wall_time_rows(state_path)
    return report(rows, started)


if __name__ == "__main__":
    raise SystemExit(main())
