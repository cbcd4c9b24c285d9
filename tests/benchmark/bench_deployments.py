"""Benchmark ``promote`` over the demo's projects and ``deploy-coordinated`` of 10 projects.

Run from the repository root (about a minute)::

    python -m tests.benchmark.bench_deployments

The state is the demo plus, made in process before anything is measured, a
release 5.0.0 of every untenanted database project deployed to Development and
Test, so ``promote Test → Staging`` has a deployment to make per project.
Both recipes race a sequential ``requests`` script against ``octoflow sandbox
serve --latency-ms 20``; the coordinated race runs each task for a second.
Prints a table and exits 1 when a target is missed.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from octoflow.config import Connection
from octoflow.session import Octoflow
from tests.benchmark.common import Row, report, require, server_process, timed

SPACE = "Spaces-1"
KEY = "API-EXAMPLEBENCHMARKKEY0000000"
LATENCY_MS = 20
CONCURRENCY = 8
PROMOTE = {"from_env": "Test", "to_env": "Staging"}
PROMOTE_SPEEDUP = 2.0
COORDINATED_SPEEDUP = 2.0
TASK_SECONDS = 1.0
POLL_SECONDS = 0.25
#: 10 projects in three layers: one first, three after it, six after those.
LAYERS = (
    ("Ember Admin",),
    ("Compass Web", "Garnet Web", "Beacon Admin"),
    ("Falcon Admin", "Harbor Admin", "Ember Web", "Aspen Admin", "Accounts API", "Alerts API"),
)


def promoted_state(path: Path) -> int:
    """Write the demo plus release 5.0.0 in Development and Test of every untenanted
    database project to ``path``; returns how many projects that is."""
    octo = Octoflow.with_sandbox("demo")
    projects = octo.projects.where(tenanted=False, is_version_controlled=False, is_disabled=False)
    steps = [
        octo.releases.create(projects, version="5.0.0", packages="5.0.0").deploy(to="Development"),
    ]
    for statement in steps + [octo.deployments.deploy(projects, release="5.0.0", to="Test")]:
        done = octo.apply(octo.plan(statement), concurrency=CONCURRENCY)
        require(done.succeeded, f"setting up failed: {done.recap}")
    path.write_text(json.dumps(octo.sandbox.dump()))
    return sum(1 for r in done.results if r.outcome == "changed")


def promote_rows(state_path: Path) -> list[Row]:
    octo = Octoflow.with_sandbox(str(state_path))
    candidates = len(in_test_not_staging(octo.client.get(f"/api/{SPACE}/dashboard")))
    before = octo.client.request_count
    done = octo.apply(octo.plan_recipe("promote", PROMOTE), concurrency=CONCURRENCY)
    require(done.succeeded, f"promote failed: {done.recap}")
    made = octo.client.request_count - before
    deployed = done.count("changed")
    limit = candidates + deployed + 10
    with server_process(KEY, LATENCY_MS, state_path) as url:
        ours = timed(lambda: run_recipe(url, "promote", PROMOTE))
        result = staging(url)
    with server_process(KEY, LATENCY_MS, state_path) as url:
        theirs = timed(lambda: script_promote(url))
        require(staging(url) == result, "octoflow and the script left Staging differently")
    ratio = theirs / ours
    return [
        Row("promote: deployments made (= minimum writes)", str(deployed)),
        Row(
            "promote: requests, plan + apply (client count)",
            str(made),
            f"<= {limit} (a lifecycle check per release in Test not in Staging, "
            "a write per deployment, + 10)",
            made <= limit,
        ),
        Row(f"promote: wall time, octoflow (concurrency {CONCURRENCY})", f"{ours:.2f} s"),
        Row("promote: wall time, sequential requests script", f"{theirs:.2f} s"),
        Row(
            "promote: speed-up (script / octoflow)",
            f"{ratio:.1f}x",
            f">= {PROMOTE_SPEEDUP}x",
            ratio >= PROMOTE_SPEEDUP,
        ),
    ]


def coordinated_rows(state_path: Path, spec: Path) -> list[Row]:
    params = {"spec": str(spec), "environment": "Staging", "wait": "true"}
    with server_process(KEY, LATENCY_MS, state_path) as url:
        slow_tasks(url)
        session = Octoflow.connect(Connection(url, api_key=KEY))
        plan = session.plan_recipe("deploy-coordinated", params)
        started = time.perf_counter()
        done = session.apply(plan, concurrency=CONCURRENCY)
        ours = time.perf_counter() - started
        require(done.succeeded, f"deploy-coordinated failed: {done.recap}")
        writes = sum(1 for r in sandbox_requests(url) if r["method"] == "POST")
        result = staging(url)
    with server_process(KEY, LATENCY_MS, state_path) as url:
        slow_tasks(url)
        theirs = timed(lambda: script_coordinated(url))
        require(staging(url) == result, "octoflow and the script left Staging differently")
    ratio = theirs / ours
    projects = sum(len(layer) for layer in LAYERS)
    return [
        Row(
            f"deploy-coordinated: {projects} projects, writes",
            str(writes),
            f"= {projects} (one deployment each)",
            writes == projects,
        ),
        Row(
            "deploy-coordinated: requests in apply (task polls included)",
            f"{done.requests} (tasks take {TASK_SECONDS:g} s; the script polls every "
            f"{POLL_SECONDS:g} s)",
        ),
        Row("deploy-coordinated: wall time, octoflow", f"{ours:.2f} s"),
        Row("deploy-coordinated: wall time, sequential requests script", f"{theirs:.2f} s"),
        Row(
            "deploy-coordinated: speed-up (script / octoflow)",
            f"{ratio:.1f}x",
            f">= {COORDINATED_SPEEDUP}x",
            ratio >= COORDINATED_SPEEDUP,
        ),
    ]


def run_recipe(url: str, recipe: str, params: dict[str, str]) -> None:
    octo = Octoflow.connect(Connection(url, api_key=KEY))
    done = octo.apply(octo.plan_recipe(recipe, params), concurrency=CONCURRENCY)
    require(done.succeeded, f"{recipe} failed: {done.recap}")


class Script:
    """What a hand-written script does, one request at a time."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.headers["X-Octopus-ApiKey"] = KEY

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(f"{self.url}/api/{SPACE}/{path}", params=params)
        response.raise_for_status()
        return response.json()

    def deploy(self, release_id: str, environment_id: str) -> dict[str, Any] | None:
        """The new deployment, or ``None`` when the server refuses it (the lifecycle)."""
        body = {"ReleaseId": release_id, "EnvironmentId": environment_id}
        response = self.http.post(f"{self.url}/api/{SPACE}/deployments", json=body)
        if response.status_code == 400:
            return None
        response.raise_for_status()
        return response.json()

    def wait(self, task_id: str) -> None:
        while self.get(f"tasks/{task_id}")["State"] not in ("Success", "Failed"):
            time.sleep(POLL_SECONDS)


def script_promote(url: str) -> None:
    """Read the dashboard once, then deploy what is in Test and not in Staging
    (a release its lifecycle keeps out of Staging is refused, and skipped)."""
    script = Script(url)
    board = script.get("dashboard")
    staging = next(e["Id"] for e in board["Environments"] if e["Name"] == "Staging")
    for item in in_test_not_staging(board):
        script.deploy(item["ReleaseId"], staging)


def in_test_not_staging(board: dict[str, Any]) -> list[dict[str, Any]]:
    """Untenanted dashboard items successful in Test whose release is not current in Staging."""
    envs = {e["Name"]: e["Id"] for e in board["Environments"]}
    items = {(i["ProjectId"], i["EnvironmentId"], i["TenantId"]): i for i in board["Items"]}
    return [
        item
        for (project, env, tenant), item in sorted(items.items(), key=str)
        if env == envs["Test"]
        and not tenant
        and item["State"] == "Success"
        and (items.get((project, envs["Staging"], None)) or {}).get("ReleaseId")
        != item["ReleaseId"]
    ]


def script_coordinated(url: str) -> None:
    """Each project in order: find its latest release, deploy it, wait for the task."""
    script = Script(url)
    envs = {e["Name"]: e["Id"] for e in script.get("environments/all")}
    projects = {p["Name"]: p["Id"] for p in script.get("projects/all")}
    for name in (n for layer in LAYERS for n in layer):
        release = script.get(f"projects/{projects[name]}/releases", take=1)["Items"][0]
        deployment = script.deploy(release["Id"], envs["Staging"])
        require(deployment is not None, f"the script could not deploy {name}")
        script.wait(deployment["TaskId"])  # type: ignore[index]


def slow_tasks(url: str) -> None:
    response = requests.put(
        f"{url}/_sandbox/tasks",
        json={"mode": "seconds", "seconds": TASK_SECONDS},
        headers={"X-Octopus-ApiKey": KEY},
    )
    response.raise_for_status()


def sandbox_requests(url: str) -> list[dict[str, Any]]:
    response = requests.get(f"{url}/_sandbox/requests", headers={"X-Octopus-ApiKey": KEY})
    response.raise_for_status()
    return list(response.json())


def staging(url: str) -> dict[str, str]:
    """The release of each project's deployment to Staging, newest last."""
    response = requests.get(f"{url}/_sandbox/state", headers={"X-Octopus-ApiKey": KEY})
    response.raise_for_status()
    collections = response.json()["collections"]
    envs = {e["Name"]: e["Id"] for e in collections["Environments"].values()}
    deployments = sorted(collections["Deployments"].values(), key=lambda d: int(d["Id"][12:]))
    return {
        d["ProjectId"]: d["ReleaseId"]
        for d in deployments
        if d["EnvironmentId"] == envs["Staging"] and not d.get("TenantId")
    }


def coordinated_spec(path: Path) -> None:
    entries = [{"project": LAYERS[0][0]}]
    entries += [{"project": p, "after": list(LAYERS[0])} for p in LAYERS[1]]
    entries += [{"project": p, "after": [LAYERS[1][i % 3]]} for i, p in enumerate(LAYERS[2])]
    path.write_text(json.dumps(entries))


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        state_path, spec = Path(tmp) / "deployments.json", Path(tmp) / "spec.json"
        projects = promoted_state(state_path)
        coordinated_spec(spec)
        rows = [Row("projects with release 5.0.0 in Test", str(projects))]
        rows += promote_rows(state_path) + coordinated_rows(state_path, spec)
    return report(rows, started)


if __name__ == "__main__":
    raise SystemExit(main())
