"""Benchmark octoflow's tenant recipe against the demo sandbox.

Run from the repository root (takes a minute or two)::

    python -m tests.benchmark.bench_tenants

Prints a table of figures with their targets and the machine, and exits 1 when
a target is missed. Not a pytest test: the figures depend on the machine.
"""

from __future__ import annotations

import gc
import os
import resource
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests

from octoflow.config import Connection
from octoflow.plugin import PluginHost
from octoflow.sandbox import IN_PROCESS_URL, SANDBOX_API_KEY, Sandbox, SandboxAdapter, SandboxServer
from octoflow.session import Octoflow
from tests.benchmark.common import (
    Row,
    octoflow_command,
    report,
    request_budget,
    require,
    server_process,
    timed,
)

RECIPE = "tenants-add-project"
TAG = "Region/EU"
PROJECT = "Customer Portal"
ENVIRONMENTS = ("Test", "Production")
PARAMS = {"tag": TAG, "project": PROJECT, "environments": ",".join(ENVIRONMENTS)}
SPACE = "Spaces-1"
#: A key only this benchmark uses, for the loopback runs.
KEY = "API-EXAMPLEBENCHMARKKEY0000000"

LATENCY_MS = 20
CONCURRENCY = 8
#: octoflow through the CLI (process start included) against the sequential script.
RATIO_TARGET = 0.12
BIG_TENANT_COUNT = 10_000
COMPILE_SECONDS_TARGET = 0.5
COMPILE_MB_TARGET = 300.0


# -- 1. requests per change ------------------------------------------------------


def request_rows() -> list[Row]:
    """Requests a plan + apply makes, against one write per changed tenant."""
    octo = Octoflow.with_sandbox("demo")
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
        Row("tenants changed (= minimum writes)", str(changed)),
        Row(
            "requests, plan + apply (client count)",
            str(made),
            target,
            made <= limit,
        ),
        Row(
            "requests, plan + apply (sandbox log)",
            f"{len(logged)} ({writes} writes, {len(logged) - writes} reads)",
            "= client count",
            len(logged) == made,
        ),
    ]


# -- 2. wall time over loopback ---------------------------------------------------


def wall_time_rows(areas: list[Any]) -> list[Row]:
    """octoflow at concurrency 8 vs a sequential GET + PUT script, 20 ms per request.

    The target: ``octoflow apply`` as a user runs it, a process of its own (its start
    included), against ``octoflow sandbox serve`` in a process of its own, as a real
    server is. Shown too: octoflow called in this process, and both against a sandbox
    that is a thread of this process (there the sandbox's CPU work per request competes
    with the client for the GIL).
    """
    with server_process(KEY, LATENCY_MS) as url:
        cli_seconds, script_seconds = race(url, cli_run)
        in_process_seconds, _script = race(url, octoflow_run)
    with server_thread(areas) as url:
        octoflow_shared, script_shared = race(url, octoflow_run)
    ratio = cli_seconds / script_seconds
    return [
        Row(
            f"wall time, `octoflow apply` through the CLI (concurrency {CONCURRENCY})",
            f"{cli_seconds:.2f} s",
        ),
        Row("wall time, sequential requests script", f"{script_seconds:.2f} s"),
        Row(
            "octoflow (CLI) / script",
            f"{ratio:.3f}",
            f"<= {RATIO_TARGET}",
            ratio <= RATIO_TARGET,
        ),
        Row("wall time, octoflow called in this process", f"{in_process_seconds:.2f} s"),
        Row(
            "in process, sandbox as a thread of this process",
            f"{octoflow_shared / script_shared:.3f} ({octoflow_shared:.2f} s / "
            f"{script_shared:.2f} s)",
        ),
    ]


def race(url: str, run: Callable[[str], None]) -> tuple[float, float]:
    """(octoflow seconds, script seconds), each from a fresh demo; both must do the same."""
    control(url, "POST", "reset", json={"seed": "demo"})
    octoflow_seconds = timed(lambda: run(url))
    octoflow_result = connections(url)
    control(url, "POST", "reset", json={"seed": "demo"})
    script_seconds = timed(lambda: script_run(url))
    require(connections(url) == octoflow_result, "octoflow and the script left different tenants")
    return octoflow_seconds, script_seconds


@contextmanager
def server_thread(areas: list[Any]) -> Iterator[str]:
    sandbox = Sandbox(areas, seed="demo", api_keys=(KEY,), latency_ms=LATENCY_MS)
    with SandboxServer(sandbox.app) as server:
        yield server.url


def control(url: str, method: str, action: str, **options: Any) -> Any:
    """The sandbox's control plane (``/_sandbox/...``), outside the timed runs."""
    response = requests.request(
        method, f"{url}/_sandbox/{action}", headers={"X-Octopus-ApiKey": KEY}, **options
    )
    response.raise_for_status()
    return response.json()


def octoflow_run(url: str) -> None:
    octo = Octoflow.connect(Connection(url, api_key=KEY))
    report = octo.apply(octo.plan_recipe(RECIPE, PARAMS), concurrency=CONCURRENCY)
    require(report.succeeded, f"apply failed: {report.recap}")


def cli_run(url: str) -> None:
    """``octoflow apply`` as a user runs it: a new process, its own home directory."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, OCTOPUS_URL=url, OCTOPUS_API_KEY=KEY, OCTOFLOW_HOME=home)
        params = [arg for name, value in PARAMS.items() for arg in ("-p", f"{name}={value}")]
        command = [*octoflow_command(), "apply", RECIPE, *params, "--yes"]
        command += ["--concurrency", str(CONCURRENCY)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    require(done.returncode == 0, f"octoflow apply exited {done.returncode}: {done.stderr}")


def script_run(url: str) -> None:
    """What a hand-written API script does: list the tagged tenants, then GET and PUT each."""
    with requests.Session() as http:
        http.headers["X-Octopus-ApiKey"] = KEY

        def get(path: str, **params: Any) -> Any:
            response = http.get(f"{url}/api/{SPACE}/{path}", params=params)
            response.raise_for_status()
            return response.json()

        project_id = next(p["Id"] for p in get("projects/all") if p["Name"] == PROJECT)
        names = {e["Name"]: e["Id"] for e in get("environments/all")}
        wanted = [names[n] for n in ENVIRONMENTS]
        for listed in get("tenants", tags=TAG, skip=0, take=BIG_TENANT_COUNT)["Items"]:
            tenant = get(f"tenants/{listed['Id']}")
            connected = tenant["ProjectEnvironments"].setdefault(project_id, [])
            connected.extend(e for e in wanted if e not in connected)
            http.put(f"{url}/api/{SPACE}/tenants/{tenant['Id']}", json=tenant).raise_for_status()


def connections(url: str) -> dict[str, dict[str, frozenset[str]]]:
    """Each tenant's project connections, to check both runs did the same work."""
    tenants = control(url, "GET", "state")["collections"]["Tenants"].values()
    return {
        t["Id"]: {project: frozenset(envs) for project, envs in t["ProjectEnvironments"].items()}
        for t in tenants
    }


# -- 3. compiling a plan for 10,000 tenants --------------------------------------


def compile_rows(areas: list[Any]) -> list[Row]:
    """Time and peak memory of compiling three statements over 10,000 tenants."""
    sandbox = Sandbox(areas, seed="demo-large")
    timed = session_over(sandbox)
    gc.collect()
    rss_before = _maxrss_mb()
    started = time.perf_counter()
    plan = timed.plan(*big_statements(timed))
    seconds = time.perf_counter() - started
    rss_growth = _maxrss_mb() - rss_before
    traced_mb = traced_peak_mb(session_over(sandbox))
    tenants = len(sandbox.dump()["collections"]["Tenants"])
    return [
        Row(
            f"compile: {tenants} tenants, 3 statements",
            f"{seconds:.2f} s "
            f"({len(plan.operations)} changes, {timed.client.request_count} requests)",
            f"< {COMPILE_SECONDS_TARGET} s",
            seconds < COMPILE_SECONDS_TARGET,
        ),
        Row(
            "compile: peak traced memory (tracemalloc)",
            f"{traced_mb:.0f} MB",
            f"< {COMPILE_MB_TARGET:.0f} MB",
            traced_mb < COMPILE_MB_TARGET,
        ),
        Row("compile: growth of peak RSS (maxrss), untraced run", f"{rss_growth:.0f} MB"),
    ]


def big_statements(octo: Octoflow) -> list[Any]:
    """Three statements whose selections overlap, so some tenants get coalesced edits."""
    return [
        octo.tenants.where(tag=TAG).add_project(PROJECT, environments=list(ENVIRONMENTS)),
        octo.tenants.where(tag="Tier/Silver").add_tag("Tier/Gold"),
        octo.tenants.where(tag="Region/APAC").remove_tag("Tier/Bronze"),
    ]


def session_over(sandbox: Sandbox) -> Octoflow:
    """A fresh session (empty caches) on an in-process sandbox that is already built."""
    connection = Connection(IN_PROCESS_URL, api_key=SANDBOX_API_KEY)
    return Octoflow.connect(connection, adapter=SandboxAdapter(sandbox.app))


def traced_peak_mb(octo: Octoflow) -> float:
    """Peak memory allocated by Python during one compile (tracemalloc slows it down)."""
    gc.collect()
    tracemalloc.start()
    try:
        octo.plan(*big_statements(octo))
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# -- the table --------------------------------------------------------------------


def main() -> int:
    started = time.perf_counter()
    areas = PluginHost.from_entry_points().build_registry().sandbox_areas
    rows = request_rows() + wall_time_rows(areas) + compile_rows(areas)
    return report(rows, started)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
