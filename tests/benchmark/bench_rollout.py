"""Benchmark what a staged rollout costs over a plain apply: 1,000 tenants, batches of 100.

Run from the repository root (takes about a minute)::

    python -m tests.benchmark.bench_rollout

The state is the demo plus copies of its tenants (as ``bench_tenants`` makes them),
in order, until 1,000 are tagged ``Region/EU`` (2,4xx tenants in all), so
``tenants-add-project`` with ``tag=Region/EU`` changes 1,000 tenants. Three runs of
plan + apply, each against its own sandbox process loaded from that state and
served on loopback with 20 ms added to every request (``python -m
tests.benchmark.bench_rollout --serve STATE``: ``sandbox serve --state`` would make
the sandbox compare all 2,4xx tenants to log each write, and that would be most of
the time measured): a plain apply, a rollout in stages of 100 without
checks, and a rollout with a canary of 10, stages of 100 and the check
``tenants-check-eu`` after each stage. Each run must change 1,000 tenants and leave
nothing for a re-plan.
Prints a table like the other benchmarks; the rows have no targets.
"""

from __future__ import annotations

import copy
import json
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from octoflow.apply.checks import Check
from octoflow.apply.stages import Rollout
from octoflow.config import Connection
from octoflow.plan.model import Plan
from octoflow.plugin import PluginHost
from octoflow.sandbox import Sandbox, SandboxServer
from octoflow.session import Octoflow, build_sandbox
from tests.benchmark.bench_tenants import PARAMS, RECIPE
from tests.benchmark.common import Row, report, require

KEY = "API-EXAMPLEBENCHMARKKEY0000000"
LATENCY_MS = 20
CONCURRENCY = 8
CHANGED = 1_000
BATCH = 100
CANARY = 10


def copied_tenant(original: dict[str, Any], new_id: str, suffix: str) -> dict[str, Any]:
    """``original`` under a new id and a unique name (links follow the id)."""
    own_id = re.compile(re.escape(original["Id"]) + r"(?!\d)")
    clone = copy.deepcopy(original)
    clone["Id"] = new_id
    clone["Name"] = f"{original['Name']} ({suffix})"
    if clone.get("Slug"):
        clone["Slug"] = f"{original['Slug']}-{suffix.replace(' ', '-')}"
    clone["Links"] = {k: own_id.sub(new_id, v) for k, v in (original.get("Links") or {}).items()}
    return clone


def state_with_eu_tenants(demo: dict[str, Any], count: int) -> dict[str, Any]:
    """The demo state plus copies of its tenants, in order, until ``count`` are EU ones."""
    state = copy.deepcopy(demo)
    tenants = state["collections"]["Tenants"]
    originals = sorted(tenants.values(), key=lambda t: int(t["Id"].rsplit("-", 1)[1]))
    last = state["counters"]["Tenants"]
    n = 0
    while sum(PARAMS["tag"] in t["TenantTags"] for t in tenants.values()) < count:
        original = originals[n % len(originals)]
        clone = copied_tenant(original, f"Tenants-{last + 1 + n}", f"copy {n // 1000 + 1}")
        tenants[clone["Id"]] = clone
        n += 1
    state["counters"]["Tenants"] = last + n
    return state


def planned(octo: Octoflow) -> Plan:
    return octo.plan_recipe(RECIPE, PARAMS)


def plain(octo: Octoflow) -> tuple[int, int]:
    report = octo.apply(planned(octo), concurrency=CONCURRENCY)
    require(report.succeeded, f"apply failed: {report.recap}")
    return report.count("changed"), 0


def staged(rollout: Rollout) -> Callable[[Octoflow], tuple[int, int]]:
    def run(octo: Octoflow) -> tuple[int, int]:
        done = octo.roll_out(planned(octo), rollout, concurrency=CONCURRENCY)
        require(done.exit_code == 0, f"rollout stopped: {done.stopped or done.report.recap}")
        return done.report.count("changed"), len(done.stages)

    return run


def measure(state_path: Path, run: Callable[[Octoflow], tuple[int, int]]) -> dict[str, Any]:
    """Plan + apply (``run``) against a fresh server process: requests, seconds, stages."""
    with state_server(state_path) as url:
        octo = Octoflow.connect(Connection(url, api_key=KEY))
        started = time.perf_counter()
        changed, stages = run(octo)
        seconds, requests = time.perf_counter() - started, octo.client.request_count
        require(changed == CHANGED, f"{changed} tenants changed, not {CHANGED}")
        require(octo.plan_recipe(RECIPE, PARAMS).is_empty, "a re-plan still shows changes")
        return {"requests": requests, "seconds": seconds, "stages": stages}


def rows(runs: dict[str, dict[str, Any]]) -> list[Row]:
    base = runs["plain apply"]
    table = []
    for name, run in runs.items():
        stages = f", {run['stages']} stages" if run["stages"] else ""
        extra = run["requests"] - base["requests"]
        slower = run["seconds"] - base["seconds"]
        over = f" (+{extra}, +{slower:.2f} s)" if run is not base else ""
        table.append(
            Row(
                f"rollout of {CHANGED} tenants: {name}{stages}",
                f"{run['requests']} requests, {run['seconds']:.2f} s{over}",
            )
        )
    return table


@contextmanager
def state_server(state_path: Path) -> Iterator[str]:
    """A sandbox process serving ``state_path`` (not durably); yields its URL."""
    command = [sys.executable, "-m", "tests.benchmark.bench_rollout", "--serve", str(state_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            url = process.stdout.readline().strip() if process.stdout else ""
            require(url.startswith("http://"), f"the sandbox process said {url!r}")
            yield url
        finally:
            process.terminate()


def serve(state_path: str) -> int:
    """The child process of :func:`state_server`: serve until terminated."""
    registry = PluginHost.from_entry_points().build_registry()
    sandbox = build_sandbox(registry, state_path, api_keys=(KEY,), latency_ms=LATENCY_MS)
    server = SandboxServer(sandbox.app, host="127.0.0.1", port=0).start()
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
    print(server.url, flush=True)
    signal.sigwait([signal.SIGTERM])
    return 0


def main() -> int:
    started = time.perf_counter()
    areas = PluginHost.from_entry_points().build_registry().sandbox_areas
    check = Check("recipe", "tenants-check-eu", PARAMS, "tenants-check-eu")
    runs_to_make = {
        "plain apply": plain,
        f"stages of {BATCH}": staged(Rollout(batch_size=BATCH)),
        f"canary {CANARY}, stages of {BATCH}, tenants-check-eu after each": staged(
            Rollout(canary=CANARY, batch_size=BATCH, checks=(check,))
        ),
    }
    with tempfile.TemporaryDirectory() as tmp:
        state_path = Path(tmp) / "tenants.json"
        state = state_with_eu_tenants(Sandbox(areas, seed="demo").dump(), CHANGED)
        state_path.write_text(json.dumps(state))
        runs = {name: measure(state_path, run) for name, run in runs_to_make.items()}
    return report(rows(runs), started)


if __name__ == "__main__":
    raise SystemExit(serve(sys.argv[2]) if sys.argv[1:2] == ["--serve"] else main())
