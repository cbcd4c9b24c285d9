"""Apply through 429s: Retry-After honoured, storms counted once, no lasting slowdown.

Waits run on a virtual clock (``VirtualClock``): the client's pauses cost no real
time, and ``clock.waited`` is how long a real run would have been held.
"""

from __future__ import annotations

import email.utils
import time
from collections import Counter

import pytest

from octoflow import Octoflow
from octoflow.client import OctopusClient
from octoflow.client.throttle import DEFAULT_WAIT
from octoflow.config import Connection
from octoflow.sandbox import IN_PROCESS_URL, SANDBOX_API_KEY, SandboxAdapter
from tests.e2e.support import VirtualClock

EU_TO_PORTAL = {"tag": "Region/EU", "project": "Customer Portal", "environments": "Test,Production"}


def sandbox_with_clock(latency_ms: int = 0) -> tuple[Octoflow, VirtualClock]:
    clock = VirtualClock()
    return Octoflow.with_sandbox("demo", latency_ms=latency_ms, clock=clock), clock


def assert_every_write_landed_once(octo: Octoflow, plan) -> None:
    landed = Counter(r.path for r in octo.sandbox.requests if r.method == "PUT" and r.status < 300)
    wanted = {f"/api/Spaces-1/tenants/{op.resource_id}" for op in plan.operations}
    assert set(landed) == wanted and set(landed.values()) == {1}
    assert octo.plan_recipe("tenants-add-project", EU_TO_PORTAL).is_empty


def rate_limited(octo: Octoflow) -> int:
    return len([r for r in octo.sandbox.requests if r.status == 429])


def spread(plan, count: int) -> list[str]:
    """``count`` tenant ids spread evenly through the plan, none a prefix of another's."""
    ids = [op.resource_id for op in plan.operations]
    unique = [i for i in ids if not any(o != i and o.startswith(i) for o in ids)]
    step = len(unique) // count
    return unique[::step][:count]


def test_forty_single_429s_cost_about_their_retry_after() -> None:
    octo, clock = sandbox_with_clock()
    plan = octo.plan_recipe("tenants-add-project", EU_TO_PORTAL)
    assert len(plan.operations) == 400
    for tenant in spread(plan, 40):
        octo.sandbox.settings.add_fault(
            {"status": 429, "retry_after": 1, "method": "PUT", "path_contains": f"/{tenant}"}
        )
    start = clock.now()

    report = octo.apply(plan)

    assert report.succeeded and report.count("changed") == 400
    assert rate_limited(octo) == 40
    assert_every_write_landed_once(octo, plan)
    throttle = octo.client.throttle
    # One pause of the Retry-After per storm (two 429s in flight together are one
    # storm), no slowdown that outlasts them: a real run would wait about 40 s.
    assert 1 <= throttle.storms <= 40
    assert throttle.seconds_paused == pytest.approx(throttle.storms * 1.0)
    assert throttle.seconds_paused <= clock.now() - start <= 2 * 40 * 1.0
    assert throttle.per_minute is None


@pytest.mark.parametrize("retry_after", [2, None], ids=["retry-after", "no-retry-after"])
def test_a_429_storm_is_one_pause_not_a_slowdown(retry_after) -> None:
    # 10 ms per request keeps the 8 threads' requests in flight together.
    octo, clock = sandbox_with_clock(latency_ms=10)
    plan = octo.plan_recipe("tenants-add-project", EU_TO_PORTAL)
    octo.sandbox.settings.add_fault(
        {"status": 429, "retry_after": retry_after, "method": "PUT", "times": 24}
    )
    start = clock.now()

    report = octo.apply(plan, concurrency=8)

    assert report.succeeded and report.count("changed") == 400
    assert rate_limited(octo) == 24
    assert_every_write_landed_once(octo, plan)
    wait = retry_after or DEFAULT_WAIT
    throttle = octo.client.throttle
    # 24 refusals, 8 at a time: a few storms of one pause each, not 24 pauses.
    assert 2 <= throttle.storms <= 6
    assert throttle.seconds_paused == pytest.approx(throttle.storms * wait)
    assert throttle.seconds_paused <= clock.now() - start <= 24 * wait / 2
    assert throttle.per_minute is None


def test_retry_after_as_an_http_date_is_honoured() -> None:
    """``Retry-After: <HTTP date>``, counted from the server's ``Date`` header."""
    octo = Octoflow.with_sandbox("demo")
    answered = []

    def rate_limit_once(environ, start_response):
        if answered:
            return octo.sandbox.app(environ, start_response)
        answered.append(environ["PATH_INFO"])
        now = time.time()
        start_response(
            "429 Too Many Requests",
            [
                ("Date", email.utils.formatdate(now, usegmt=True)),
                ("Retry-After", email.utils.formatdate(now + 5, usegmt=True)),
            ],
        )
        return [b""]

    clock = VirtualClock()
    connection = Connection(IN_PROCESS_URL, api_key=SANDBOX_API_KEY)
    client = OctopusClient(connection, adapter=SandboxAdapter(rate_limit_once), clock=clock)

    assert client.get("/api/Spaces-1/environments/all")
    assert answered == ["/api/Spaces-1/environments/all"]
    assert clock.waited == pytest.approx(5.0)
