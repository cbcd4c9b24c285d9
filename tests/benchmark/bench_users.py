"""Benchmark the ``team-add-members`` recipe: 40 new people into an empty team.

Run from the repository root (takes about ten seconds)::

    python -m tests.benchmark.bench_users

The CSV lists 40 people who do not exist yet; the team is the demo's empty
``Release Managers``. So the minimum is 41 writes: 40 user creations and one
team update. Prints the same kind of table as ``bench_tenants`` and exits 1
when a target is missed.
"""

from __future__ import annotations

import csv
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from octoflow.config import Connection
from octoflow.plugin import PluginHost
from octoflow.session import Octoflow
from tests.benchmark.bench_tenants import (
    CONCURRENCY,
    KEY,
    LATENCY_MS,
    control,
)
from tests.benchmark.common import Row, report, request_budget, require, server_process, timed

RECIPE = "team-add-members"
TEAM = "Release Managers"
PEOPLE = 40
SPEEDUP_TARGET = 3.0


def write_csv(path: Path) -> list[dict[str, str]]:
    rows = [
        {"username": f"new.person{n:02d}", "display_name": f"New Person {n:02d}",
         "email": f"new.person{n:02d}@example.com"}
        for n in range(PEOPLE)
    ]  # fmt: skip
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["username", "display_name", "email"])
        writer.writeheader()
        writer.writerows(rows)
    return rows


def params(csv_path: Path, passwords: Path) -> dict[str, str]:
    return {"team": TEAM, "users_csv": str(csv_path), "passwords_out": str(passwords)}


def request_rows(csv_path: Path, tmp: Path) -> list[Row]:
    """Requests a plan + apply makes in process, against one write per change."""
    octo = Octoflow.with_sandbox("demo")
    octo.sandbox.clear_requests()
    before = octo.client.request_count
    plan = octo.plan_recipe(RECIPE, params(csv_path, tmp / "in-process.csv"))
    report = octo.apply(plan, concurrency=CONCURRENCY)
    require(report.succeeded, f"apply failed: {report.recap}")
    made = octo.client.request_count - before
    logged = octo.sandbox.requests
    writes = sum(1 for r in logged if r.method != "GET")
    changed = report.count("changed")
    limit, target = request_budget(changed)
    return [
        Row("team-add-members: users created + team updated (= minimum writes)", str(changed)),
        Row("team-add-members: requests, plan + apply (client count)", str(made),
            target, made <= limit),
        Row("team-add-members: requests, plan + apply (sandbox log)",
            f"{len(logged)} ({writes} writes, {len(logged) - writes} reads)", "= client count",
            len(logged) == made),
    ]  # fmt: skip


def wall_time_rows(csv_path: Path, rows: list[dict[str, str]], tmp: Path) -> list[Row]:
    """octoflow at concurrency 8 vs a sequential script, against ``octoflow sandbox serve
    --latency-ms 20`` in its own process, reset to a fresh demo before each run."""
    with server_process(KEY, LATENCY_MS) as url:
        control(url, "POST", "reset", json={"seed": "demo"})
        octoflow_seconds = timed(lambda: octoflow_run(url, csv_path, tmp / "octoflow.csv"))
        octoflow_result = members(url)
        control(url, "POST", "reset", json={"seed": "demo"})
        script_seconds = timed(lambda: script_run(url, rows, tmp / "script.csv"))
        require(members(url) == octoflow_result, "octoflow and the script left different teams")
    require(len(octoflow_result) == PEOPLE, f"the team has {len(octoflow_result)} members")
    ratio = script_seconds / octoflow_seconds
    return [
        Row(f"team-add-members: wall time, octoflow (concurrency {CONCURRENCY})",
            f"{octoflow_seconds:.2f} s"),
        Row("team-add-members: wall time, sequential requests script", f"{script_seconds:.2f} s"),
        Row("team-add-members: speed-up (script / octoflow)", f"{ratio:.1f}x",
            f">= {SPEEDUP_TARGET:.0f}x", ratio >= SPEEDUP_TARGET),
    ]  # fmt: skip


def octoflow_run(url: str, csv_path: Path, passwords: Path) -> None:
    octo = Octoflow.connect(Connection(url, api_key=KEY))
    report = octo.apply(octo.plan_recipe(RECIPE, params(csv_path, passwords)), concurrency=8)
    require(report.succeeded, f"apply failed: {report.recap}")


def script_run(url: str, rows: list[dict[str, str]], passwords: Path) -> None:
    """What a hand-written API script does: list users and teams once, create each missing
    user with a password, then GET the team and PUT it with the members added."""
    with requests.Session() as http:
        http.headers["X-Octopus-ApiKey"] = KEY

        def call(method: str, path: str, **options: Any) -> Any:
            response = http.request(method, f"{url}/api/{path}", **options)
            response.raise_for_status()
            return response.json()

        existing = {u["Username"].lower(): u["Id"] for u in call("GET", "users/all")}
        team_id = next(t["Id"] for t in call("GET", "Spaces-1/teams/all") if t["Name"] == TEAM)
        ids, made = [], []
        for row in rows:
            user_id = existing.get(row["username"].lower())
            if user_id is None:
                password = secrets.token_urlsafe(15)
                body = {"Username": row["username"], "DisplayName": row["display_name"],
                        "EmailAddress": row["email"], "IsActive": True, "IsService": False,
                        "Password": password}  # fmt: skip
                user_id = call("POST", "users", json=body)["Id"]
                made.append((row["username"], password))
            ids.append(user_id)
        team = call("GET", f"teams/{team_id}")
        team["MemberUserIds"] += [i for i in ids if i not in team["MemberUserIds"]]
        call("PUT", f"teams/{team_id}", json=team)
    with passwords.open("w", newline="") as handle:
        csv.writer(handle).writerows([("username", "password"), *made])


def members(url: str) -> frozenset[str]:
    """Usernames of the team's members, to check both runs did the same work."""
    collections = control(url, "GET", "state")["collections"]
    team = next(t for t in collections["Teams"].values() if t["Name"] == TEAM)
    return frozenset(collections["Users"][i]["Username"] for i in team["MemberUserIds"])


def main() -> int:
    started = time.perf_counter()
    PluginHost.from_entry_points()  # fail early when octoflow is not installed
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        csv_path = tmp / "people.csv"
        rows = write_csv(csv_path)
        table_rows = request_rows(csv_path, tmp) + wall_time_rows(csv_path, rows, tmp)
    return report(table_rows, started, note=f"latency: {LATENCY_MS} ms per request; ")


if __name__ == "__main__":
    raise SystemExit(main())
