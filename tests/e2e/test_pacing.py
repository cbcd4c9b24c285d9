"""Pacing under the server's advertised rate limit (``Octopus-RateLimit-Policy``), and
``--max-rate``. Counts are asserted (429s in the sandbox's request log, waits for a token),
never times: the in-process runs share one virtual clock between client and sandbox."""

from __future__ import annotations

import json
import math

import pytest

from octoflow import Octoflow
from octoflow.cli import build_parser
from octoflow.client import OctopusClient
from octoflow.client.budget import Policy
from octoflow.config import Connection
from octoflow.plan.model import Plan
from octoflow.plugin import PluginHost
from octoflow.sandbox import IN_PROCESS_URL, SANDBOX_API_KEY, Sandbox, SandboxAdapter
from tests.e2e.support import TEST_KEY, VirtualClock

EU_TO_PORTAL = {"tag": "Region/EU", "project": "Customer Portal", "environments": "Test,Production"}
Q1 = ["-p", "tag=Region/EU", "-p", "project=Customer Portal", "-p", "environments=Test"]


def limited_session(
    clock: VirtualClock, per_minute: float | None, burst: int = 20, app_wrapper=None
) -> Octoflow:
    """The demo sandbox in-process, limited to ``per_minute`` (None: no limit), its limiter
    and the client on the same virtual clock."""
    host = PluginHost.from_entry_points()
    registry = host.build_registry()
    sandbox = Sandbox(registry.sandbox_areas, seed="demo", clock=clock.now)
    if per_minute is not None:
        sandbox.settings.update({"rate_limit": {"requests_per_minute": per_minute, "burst": burst}})
    app = app_wrapper(sandbox.app) if app_wrapper else sandbox.app
    connection = Connection(IN_PROCESS_URL, api_key=SANDBOX_API_KEY)
    client = OctopusClient(connection, adapter=SandboxAdapter(app), clock=clock)
    return Octoflow(client, host, registry, sandbox)


def refused(octo: Octoflow) -> int:
    return sum(1 for r in octo.sandbox.requests if r.status == 429)


def without_rate_limit_headers(app):
    """The sandbox behind a proxy that limits but drops the advisory headers."""

    def proxied(environ, start_response):
        def start(status, headers, exc_info=None):
            kept = [(k, v) for k, v in headers if not k.lower().startswith("octopus-ratelimit")]
            return start_response(status, kept, exc_info)

        return app(environ, start)

    return proxied


def test_a_run_under_the_servers_limit_waits_for_tokens_and_is_never_refused():
    clock = VirtualClock()
    octo = limited_session(clock, per_minute=200, burst=20)
    plan = octo.plan_recipe("tenants-add-project", EU_TO_PORTAL)

    report = octo.apply(plan, concurrency=8)

    assert report.succeeded and report.count("changed") == 400
    sent = octo.client.request_count
    assert sent > 400 and refused(octo) == 0
    throttle = octo.client.throttle
    assert throttle.policy == Policy(per_minute=200, burst=20)
    # Every request past the burst waited for a token (a few went on refilled ones).
    assert sent - 20 - 8 <= throttle.budget_waits <= sent
    assert throttle.storms == 0
    assert octo.plan_recipe("tenants-add-project", EU_TO_PORTAL).is_empty


def test_pacing_follows_a_limit_that_changes_during_the_run():
    clock = VirtualClock()
    octo = limited_session(clock, per_minute=600, burst=50)
    plan = octo.plan_recipe("tenants-add-project", EU_TO_PORTAL)
    octo.sandbox.settings.update({"rate_limit": {"requests_per_minute": 100, "burst": 5}})

    report = octo.apply(plan, concurrency=8)

    assert report.succeeded
    assert octo.client.throttle.policy == Policy(per_minute=100, burst=5)
    # The new, smaller bucket starts full: only the requests in flight when the first
    # answer told of the change can have found it empty.
    assert refused(octo) <= 8


def test_without_the_headers_nothing_waits_for_a_budget_and_429s_back_off_as_before():
    clock = VirtualClock()
    octo = limited_session(
        clock, per_minute=1200, burst=100, app_wrapper=without_rate_limit_headers
    )
    plan = octo.plan_recipe("tenants-add-project", EU_TO_PORTAL)

    report = octo.apply(plan, concurrency=8)

    assert report.succeeded and report.count("changed") == 400
    throttle = octo.client.throttle
    assert throttle.policy is None and throttle.budget_waits == 0
    assert refused(octo) > 0 and throttle.storms > 0


def test_a_server_without_a_limit_makes_nothing_wait():
    clock = VirtualClock()
    octo = limited_session(clock, per_minute=None)
    plan = octo.plan_recipe("tenants-add-project", EU_TO_PORTAL)

    report = octo.apply(plan, concurrency=8)

    assert report.succeeded
    throttle = octo.client.throttle
    assert throttle.policy is None and throttle.budget_waits == 0


def test_the_cli_over_loopback_is_paced_to_a_small_burst(server, cli, tmp_path):
    sandbox, _srv = server
    # 1,200/min refills a token every 50 ms: fast enough for a test, far slower than
    # eight threads send, so an unpaced run would be refused many times.
    sandbox.settings.update({"rate_limit": {"requests_per_minute": 1200, "burst": 5}})
    journal = tmp_path / "journal.jsonl"

    code, out, err = cli(
        "apply", "tenants-add-project", *Q1, "--limit", "30", "--yes", "--journal", str(journal)
    )

    assert code == 0, err
    assert sum(1 for r in sandbox.requests if r.status == 429) == 0
    assert TEST_KEY not in out + err + journal.read_text()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "'0': the rate must be more than 0 requests"),
        ("-5/min", "'-5/min' is not a rate"),
        ("fast", "'fast' is not a rate: write requests per unit, such as 150/min, 5/s or 1000/h"),
        ("150/fortnight", "'150/fortnight' is not a rate"),
    ],
)
def test_a_bad_max_rate_exits_2_saying_what_to_write(cli, capsys, tmp_path, value, message):
    out_file = tmp_path / "plan.json"

    with pytest.raises(SystemExit) as exited:
        cli("plan", "tenants-add-project", *Q1, f"--max-rate={value}", "--out", str(out_file))

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --max-rate: {message}" in " ".join(err.split())
    assert not out_file.exists()


@pytest.mark.parametrize(("value", "per_minute"), [("150", 150), ("150/min", 150), ("5/s", 300)])
def test_max_rate_takes_a_rate_in_any_unit(value, per_minute):
    args = build_parser().parse_args(["plan", "tenants-add-project", "--max-rate", value])
    assert args.max_rate == per_minute


# -- the plan's estimate -------------------------------------------------------------


def test_the_plan_says_how_long_apply_takes_under_the_servers_limit(server, cli):
    sandbox, _srv = server
    sandbox.settings.update({"rate_limit": {"requests_per_minute": 200, "burst": 200}})

    code, out, err = cli("plan", "tenants-add-project", *Q1, "--format", "json")
    assert code == 0, err
    plan = json.loads(out)
    requests = plan["request_estimate"]
    assert requests > 200
    seconds = math.ceil((requests - 200) * 60 / 200)
    assert plan["rate_limit"] == {
        "requests_per_minute": 200,
        "burst": 200,
        "apply_seconds": seconds,
    }

    code, text, err = cli("plan", "tenants-add-project", *Q1)
    assert code == 0, err
    minutes, rest = divmod(seconds, 60)
    pace = " ".join(([f"{minutes} min"] if minutes else []) + ([f"{rest} s"] if rest else []))
    assert (
        f"Apply will make about {requests} API requests: ≈ {pace} at 200 requests/min (burst 200)."
    ) in text
    assert TEST_KEY not in out + text + err


def test_a_plan_the_burst_covers_says_so(server, cli):
    sandbox, _srv = server
    sandbox.settings.update({"rate_limit": {"requests_per_minute": 200, "burst": 1000}})

    code, text, err = cli("plan", "tenants-add-project", *Q1)

    assert code == 0, err
    assert ": within the server's burst (200 requests/min, burst 1000)." in text


def test_without_a_limit_the_plan_says_nothing_new(server, cli):
    code, out, err = cli("plan", "tenants-add-project", *Q1, "--format", "json")
    assert code == 0, err
    assert "rate_limit" not in json.loads(out)

    code, text, err = cli("plan", "tenants-add-project", *Q1)
    assert code == 0, err
    estimate = next(line for line in text.splitlines() if line.startswith("Apply will make"))
    assert estimate.endswith(" API requests.")


def test_the_limit_is_kept_in_a_saved_plan_and_left_out_of_its_digest():
    clock = VirtualClock()
    limited = limited_session(clock, per_minute=200, burst=20)
    unlimited = limited_session(clock, per_minute=None)

    plan = limited.plan_recipe("tenants-add-project", EU_TO_PORTAL)
    same = unlimited.plan_recipe("tenants-add-project", EU_TO_PORTAL)

    assert plan.rate_limit and same.rate_limit is None
    assert plan.digest == same.digest
    assert Plan.from_json(json.loads(plan.dumps())).rate_limit == plan.rate_limit


def test_a_narrowed_plan_estimates_its_own_requests(server, cli):
    sandbox, _srv = server
    sandbox.settings.update({"rate_limit": {"requests_per_minute": 60, "burst": 10}})

    code, out, err = cli("plan", "tenants-add-project", *Q1, "--limit", "30", "--format", "json")

    assert code == 0, err
    plan = json.loads(out)
    assert len(plan["operations"]) == 30
    seconds = plan["request_estimate"] - 10  # at 60 a minute: a second a request
    assert plan["rate_limit"] == {"requests_per_minute": 60, "burst": 10, "apply_seconds": seconds}
