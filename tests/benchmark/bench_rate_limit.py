"""Benchmark Q1 under the server's rate limit: octoflow paced vs a sequential script.

Run from the repository root::

    python -m tests.benchmark.bench_rate_limit               # demo-large, about 25 minutes
    python -m tests.benchmark.bench_rate_limit --seed demo   # about three minutes

``octoflow sandbox serve --seed SEED --rate-limit 200/min --burst 200`` runs in its own
process at 20 ms per request (``demo-large``: about 4,000 ``Region/EU`` tenants).
octoflow plans and applies Q1 (``tenants-add-project -p tag=Region/EU -p
"project=Customer Portal"``) through the CLI, process start included,
from a full bucket; its wall time is set against the limit's own bound, ``(requests -
burst) / rate``, and the 429s it met are counted in the sandbox's request log. The
sequential script (list the tagged tenants, GET and PUT each, sleeping ``Retry-After`` on
a 429) runs a fixed sample of tenants only, and its time for all of them is extrapolated:
the time until its first 429, then the rest of its requests at the rate it was answered
after that. Not a pytest test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from typing import Any

import requests

from tests.benchmark.common import Row, report, require, server_process

RECIPE = "tenants-add-project"
TAG = "Region/EU"
PROJECT = "Customer Portal"
ENVIRONMENTS = ("Test", "Production")
SPACE = "Spaces-1"
KEY = "API-EXAMPLEBENCHRATELIMIT00000"
LATENCY_MS = 20
PER_MINUTE = 200
BURST = 200
#: Tenants the sequential script is timed on (its time for all is extrapolated).
SAMPLE = 150
BOUND_FACTOR = 1.1
REFUSED_SHARE = 0.01
SCRIPT_RATIO = 0.55
LIMIT = {"rate_limit": {"requests_per_minute": PER_MINUTE, "burst": BURST}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", choices=("demo", "demo-large"), default="demo-large")
    seed = parser.parse_args(argv).seed
    started = time.perf_counter()
    serve = ["--rate-limit", f"{PER_MINUTE}/min", "--burst", str(BURST)]
    with server_process(KEY, LATENCY_MS, seed=seed, extra=serve) as url:
        estimate = plan_estimate(url, seed)
        octoflow_seconds, sent, refused = octoflow_run(url, seed)
        replan_exit = replan(url)
        script = script_sample(url, seed)
    bound = (sent - BURST) * 60 / PER_MINUTE
    eu = script["tenants"]
    script_seconds = extrapolate(script, 3 + 2 * eu)
    rows = [
        Row("plan's estimate (text)", estimate),
        Row("octoflow requests, plan + apply (sandbox log)", str(sent)),
        Row(
            "octoflow wall time (CLI, process start included)",
            f"{octoflow_seconds:.1f} s",
            f"<= {BOUND_FACTOR} x bound {bound:.1f} s ((requests - {BURST}) / {PER_MINUTE}/min)",
            octoflow_seconds <= BOUND_FACTOR * bound,
        ),
        Row(
            "octoflow requests answered 429",
            f"{refused} ({refused / sent:.1%})",
            f"< {REFUSED_SHARE:.0%}",
            refused < REFUSED_SHARE * sent,
        ),
        Row(
            "plan after apply (--detailed-exitcode: 0 when empty)",
            f"exit {replan_exit}",
            "exit 0",
            replan_exit == 0,
        ),
        Row(
            f"sequential script, sample of {SAMPLE} of {eu} tenants",
            f"{script['seconds']:.1f} s, {script['sent']} requests, {script['refused']} x 429",
        ),
        Row(
            f"sequential script, all {eu} tenants ({3 + 2 * eu} requests), extrapolated",
            f"{script_seconds:.1f} s",
        ),
        Row(
            "octoflow / script",
            f"{octoflow_seconds / script_seconds:.2f}",
            f"<= {SCRIPT_RATIO}",
            octoflow_seconds <= SCRIPT_RATIO * script_seconds,
        ),
    ]
    note = f"seed {seed}; limit {PER_MINUTE}/min, burst {BURST}; latency {LATENCY_MS} ms; "
    return report(rows, started, note)


def fresh(url: str, seed: str) -> None:
    """The seed again, a full bucket (a new limiter) and an empty request log."""
    control(url, "POST", "reset", json={"seed": seed})
    control(url, "PUT", "settings", json=LIMIT)
    control(url, "DELETE", "requests")


def control(url: str, method: str, action: str, **options: Any) -> Any:
    response = requests.request(
        method, f"{url}/_sandbox/{action}", headers={"X-Octopus-ApiKey": KEY}, **options
    )
    response.raise_for_status()
    return response.json() if response.content else None


def cli(url: str, *args: str, check: bool = True) -> tuple[float, str, int]:
    """``octoflow <args>`` in a child process: (seconds, stdout, exit code)."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, OCTOPUS_URL=url, OCTOPUS_API_KEY=KEY, OCTOFLOW_HOME=home)
        params = ["-p", f"tag={TAG}", "-p", f"project={PROJECT}"]
        params += ["-p", f"environments={','.join(ENVIRONMENTS)}"]
        command = [sys.executable, "-m", "octoflow.cli", *args, RECIPE, *params]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
    if check:
        require(done.returncode == 0, f"{' '.join(args)} exited {done.returncode}: {done.stderr}")
    return seconds, done.stdout, done.returncode


def plan_estimate(url: str, seed: str) -> str:
    fresh(url, seed)
    _seconds, out, _code = cli(url, "plan")
    found = re.search(r"^Apply will make .*$", out, re.MULTILINE)
    require(found is not None and "requests/min" in found.group(0), f"no estimate in {out!r}")
    return found.group(0)  # type: ignore[union-attr]


def octoflow_run(url: str, seed: str) -> tuple[float, int, int]:
    """(seconds, requests, 429s) of ``octoflow apply`` from a full bucket."""
    fresh(url, seed)
    seconds, _out, _code = cli(url, "apply", "--yes")
    logged = control(url, "GET", "requests")
    return seconds, len(logged), sum(1 for r in logged if r["status"] == 429)


def replan(url: str) -> int:
    """The exit code of a plan right after the apply: 0 when it plans nothing."""
    _seconds, _out, code = cli(url, "plan", "--detailed-exitcode", check=False)
    return code


def script_sample(url: str, seed: str) -> dict[str, Any]:
    """The sequential script on the first ``SAMPLE`` tagged tenants, from a full bucket:
    when each request was answered, and how."""
    fresh(url, seed)
    answers: list[tuple[float, int]] = []
    started = time.perf_counter()
    with requests.Session() as http:
        http.headers["X-Octopus-ApiKey"] = KEY

        def call(method: str, path: str, **options: Any) -> Any:
            while True:
                response = http.request(method, f"{url}/api/{SPACE}/{path}", **options)
                answers.append((time.perf_counter() - started, response.status_code))
                if response.status_code != 429:
                    response.raise_for_status()
                    return response.json()
                time.sleep(float(response.headers.get("Retry-After", "1")))

        project_id = next(p["Id"] for p in call("GET", "projects/all") if p["Name"] == PROJECT)
        names = {e["Name"]: e["Id"] for e in call("GET", "environments/all")}
        wanted = [names[n] for n in ENVIRONMENTS]
        listed = call("GET", "tenants", params={"tags": TAG, "take": 10_000})["Items"]
        for item in listed[:SAMPLE]:
            tenant = call("GET", f"tenants/{item['Id']}")
            connected = tenant["ProjectEnvironments"].setdefault(project_id, [])
            connected.extend(e for e in wanted if e not in connected)
            call("PUT", f"tenants/{tenant['Id']}", json=tenant)
    refused = sum(1 for _t, status in answers if status == 429)
    return {
        "answers": answers,
        "tenants": len(listed),
        "seconds": answers[-1][0],
        "sent": len(answers),
        "refused": refused,
    }


def extrapolate(sample: dict[str, Any], requests_needed: int) -> float:
    """The script's seconds for ``requests_needed`` answered requests: the sample's time to
    its first 429 (the burst spent), then the rest at the rate the sample was answered
    after that (its 429s and sleeps included)."""
    answers = sample["answers"]
    first = next((i for i, (_t, status) in enumerate(answers) if status == 429), None)
    done = [t for t, status in answers if status != 429]
    if first is None:  # never limited in the sample: it scales with its requests
        return done[-1] * requests_needed / len(done)
    burst_end = answers[first][0]
    before = sum(1 for t in done if t <= burst_end)
    after = len(done) - before
    require(after > 0, "the sample ended at its first 429; raise SAMPLE")
    per_second = after / (done[-1] - burst_end)
    return burst_end + (requests_needed - before) / per_second


if __name__ == "__main__":
    raise SystemExit(main())
