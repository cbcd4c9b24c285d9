"""Per-user rate limiting (``--rate-limit``, the ``rate_limit`` setting): a token bucket per
user, 429 with ``Retry-After`` when it is empty, Octopus's advisory headers on every limited
request. Time is a clock the tests move, nothing sleeps; the one test of ``sandbox serve`` as
a process uses a rate too slow to refill while it runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from octoflow.cli import main
from octoflow.sandbox import SANDBOX_API_KEY, Sandbox, SandboxServer
from octoflow.sandbox.errors import SandboxError
from octoflow.sandbox.ratelimit import TokenBucketLimiter, parse_rate
from tests.sandbox.test_sandbox_durability import serving


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def limit(requests_per_minute: float, burst: int) -> dict:
    return {"rate_limit": {"requests_per_minute": requests_per_minute, "burst": burst}}


# -- the bucket ---------------------------------------------------------------------


def test_the_bucket_allows_its_burst_then_refuses_until_a_token_has_refilled():
    clock = Clock()
    bucket = TokenBucketLimiter(requests_per_minute=60, burst=3, clock=clock)
    assert [bucket.take("Users-1")[1][1] for _ in range(3)] == ["r=2;t=1", "r=1;t=2", "r=0;t=3"]
    with pytest.raises(SandboxError) as refused:
        bucket.take("Users-1")
    assert refused.value.status == 429
    assert refused.value.headers["Retry-After"] == "1"
    clock.advance(0.999)
    with pytest.raises(SandboxError):
        bucket.take("Users-1")
    clock.advance(0.001)
    assert bucket.take("Users-1")[1] == ("Octopus-RateLimit", "r=0;t=3")


def test_retry_after_is_whole_seconds_rounded_up():
    clock = Clock()
    bucket = TokenBucketLimiter(requests_per_minute=12, burst=1, clock=clock)  # 1 per 5 s
    bucket.take("Users-1")
    clock.advance(2.5)
    with pytest.raises(SandboxError) as refused:
        bucket.take("Users-1")
    assert refused.value.headers["Retry-After"] == "3"
    assert refused.value.headers["Octopus-RateLimit"] == "r=0;t=3"


def test_the_bucket_never_holds_more_than_its_burst():
    clock = Clock()
    bucket = TokenBucketLimiter(requests_per_minute=600, burst=2, clock=clock)
    bucket.take("Users-1")
    clock.advance(3600)
    assert bucket.take("Users-1")[1][1] == "r=1;t=1"
    bucket.take("Users-1")
    with pytest.raises(SandboxError):
        bucket.take("Users-1")


@pytest.mark.parametrize(
    ("text", "per_minute"), [("200/min", 200), ("5/s", 300), ("1200/h", 20), ("0.5/s", 30)]
)
def test_rates_are_read_in_any_unit(text, per_minute):
    assert parse_rate(text) == per_minute


# -- through the HTTP server ----------------------------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limited(areas, clock) -> Iterator[tuple[Sandbox, str]]:
    """A demo sandbox on loopback whose rate limiter reads ``clock``; limits start off."""
    sandbox = Sandbox(areas, seed="demo", clock=clock)
    with SandboxServer(sandbox.app) as server:
        yield sandbox, server.url


def call(url: str, key: str, path: str = "/api/tenants?take=1", method: str = "GET"):
    return requests.request(method, url + path, headers={"X-Octopus-ApiKey": key}, timeout=30)


def settings(url: str, body: dict) -> requests.Response:
    """``PUT /_sandbox/settings`` (``{}`` changes nothing and answers the settings)."""
    return requests.put(
        url + "/_sandbox/settings",
        json=body,
        headers={"X-Octopus-ApiKey": SANDBOX_API_KEY},
        timeout=30,
    )


def user_key(url: str, user_id: str) -> str:
    created = requests.post(
        f"{url}/api/users/{user_id}/apikeys",
        json={"Purpose": "rate limit test"},
        headers={"X-Octopus-ApiKey": SANDBOX_API_KEY},
        timeout=30,
    )
    assert created.status_code == 200, created.text
    return created.json()["ApiKey"]


def test_limits_are_off_by_default(limited):
    sandbox, url = limited
    answers = [call(url, SANDBOX_API_KEY) for _ in range(30)]
    assert {a.status_code for a in answers} == {200}
    assert not any("Octopus-RateLimit" in a.headers for a in answers)
    assert settings(url, {}).json()["rate_limit"] is None


def test_a_burst_then_429_with_retry_after_and_the_advisory_headers(limited, clock):
    sandbox, url = limited
    assert settings(url, limit(200, 5)).status_code == 200
    sandbox.clear_requests()
    answers = [call(url, SANDBOX_API_KEY) for _ in range(7)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    assert [a.headers["Octopus-RateLimit"] for a in answers[:5]] == [
        "r=4;t=1",
        "r=3;t=1",
        "r=2;t=1",
        "r=1;t=2",
        "r=0;t=2",
    ]
    refused = answers[5]
    assert refused.headers["Retry-After"] == "1"  # 0.3 s to the next token, rounded up
    assert refused.headers["Octopus-RateLimit-Policy"] == "l=5;rpm=200"
    assert refused.json()["ErrorMessage"] == refused.json()["Errors"][0]
    assert "rate limit" in refused.json()["ErrorMessage"]
    assert [r.status for r in sandbox.requests] == [200] * 5 + [429] * 2


def test_a_refused_request_is_not_processed(limited, clock):
    sandbox, url = limited
    settings(url, limit(60, 1))
    call(url, SANDBOX_API_KEY)

    def create() -> requests.Response:
        return requests.post(
            url + "/api/environments",
            json={"Name": "Refused at first"},
            headers={"X-Octopus-ApiKey": SANDBOX_API_KEY},
            timeout=30,
        )

    assert create().status_code == 429
    names = {e["Name"] for e in sandbox.dump()["collections"]["Environments"].values()}
    assert "Refused at first" not in names
    clock.advance(1)
    assert create().status_code == 201


def test_each_user_has_a_bucket_of_their_own(limited):
    sandbox, url = limited
    first, second = user_key(url, "Users-42"), user_key(url, "Users-6")
    settings(url, limit(60, 2))
    assert [call(url, first).status_code for _ in range(3)] == [200, 200, 429]
    assert [call(url, second).status_code for _ in range(3)] == [200, 200, 429]
    assert [call(url, SANDBOX_API_KEY).status_code for _ in range(3)] == [200, 200, 429]


def test_the_bucket_refills_as_time_passes(limited, clock):
    sandbox, url = limited
    settings(url, limit(120, 2))  # one token every half second
    assert [call(url, SANDBOX_API_KEY).status_code for _ in range(3)] == [200, 200, 429]
    clock.advance(0.5)
    assert [call(url, SANDBOX_API_KEY).status_code for _ in range(2)] == [200, 429]
    clock.advance(60)
    answers = [call(url, SANDBOX_API_KEY) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["Octopus-RateLimit"] == "r=1;t=1"


def test_every_api_request_counts_whatever_its_answer(limited):
    sandbox, url = limited
    settings(url, limit(60, 3))
    assert call(url, SANDBOX_API_KEY, "/api/no-such-thing").status_code == 404
    assert call(url, SANDBOX_API_KEY, "/api").status_code == 200  # anonymous, but a user's
    assert call(url, SANDBOX_API_KEY, "/api/tenants/Tenants-99999").status_code == 404
    missing = call(url, SANDBOX_API_KEY, "/api/no-such-thing")
    assert missing.status_code == 429


def test_the_control_api_and_keyless_requests_are_not_limited(limited):
    sandbox, url = limited
    settings(url, limit(60, 1))
    for _ in range(5):
        assert settings(url, {}).status_code == 200
        assert call(url, "API-EXAMPLENOTTHISSANDBOXS0").status_code == 401
        assert requests.get(url + "/api", timeout=30).status_code == 200
        assert call(url, SANDBOX_API_KEY, "/app").status_code == 200
    assert call(url, SANDBOX_API_KEY).status_code == 200
    assert call(url, SANDBOX_API_KEY).status_code == 429


def test_the_control_api_turns_the_limit_on_and_off(limited):
    sandbox, url = limited
    turned_on = settings(url, limit(100, 1))
    assert turned_on.json()["rate_limit"] == {"requests_per_minute": 100, "burst": 1}
    assert [call(url, SANDBOX_API_KEY).status_code for _ in range(2)] == [200, 429]
    assert settings(url, {"latency_ms": 0}).json()["rate_limit"] is not None  # left alone
    assert call(url, SANDBOX_API_KEY).status_code == 429
    assert settings(url, {"rate_limit": None}).json()["rate_limit"] is None
    answer = call(url, SANDBOX_API_KEY)
    assert answer.status_code == 200
    assert "Octopus-RateLimit" not in answer.headers


def test_without_a_burst_the_bucket_holds_a_minute_of_requests(limited):
    sandbox, url = limited
    answer = settings(url, {"rate_limit": {"requests_per_minute": 30}})
    assert answer.json()["rate_limit"] == {"requests_per_minute": 30, "burst": 30}


@pytest.mark.parametrize(
    ("rate_limit", "message"),
    [
        ({"requests_per_minute": 0, "burst": 5}, "requests_per_minute must be a number above 0"),
        ({"requests_per_minute": "200/min"}, "requests_per_minute must be a number above 0"),
        ({"requests_per_minute": 200, "burst": 0}, "burst must be a whole number, 1 or more"),
        ({"requests_per_minute": 200, "burst": 2.5}, "burst must be a whole number, 1 or more"),
        ({"requests_per_minute": 200, "bust": 5}, "Unknown rate_limit field 'bust'"),
        ("200/min", "rate_limit must be null (off) or"),
    ],
)
def test_a_bad_rate_limit_setting_is_refused_and_changes_nothing(limited, rate_limit, message):
    sandbox, url = limited
    refused = settings(url, {"rate_limit": rate_limit, "latency_ms": 5})
    assert refused.status_code == 400
    assert any(message in e for e in refused.json()["Errors"]), refused.json()
    assert settings(url, {}).json()["rate_limit"] is None
    assert settings(url, {}).json()["latency_ms"] == 0


# -- octoflow sandbox serve -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rate-limit", "0/min"], "--rate-limit '0/min': the rate must be more than 0"),
        (["--rate-limit", "abc"], "--rate-limit 'abc' is not a rate: write requests per unit"),
        (["--rate-limit", "200/min", "--burst", "-1"], "--burst '-1': give a whole number"),
        (["--rate-limit", "200/min", "--burst", "x"], "--burst 'x': give a whole number"),
        (["--burst", "200"], "--burst needs --rate-limit"),
    ],
)
def test_bad_rate_limit_options_are_refused_before_serving(capsys, args, message):
    code = main(["sandbox", "serve", "--port", "0", *args])
    out, err = capsys.readouterr()
    assert code == 2
    assert "serving on" not in out
    assert err.startswith("octoflow: error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_serve_limits_each_user_as_asked():
    # Real time passes here: a token every 30 s, so none comes back during the test.
    with serving("--seed", "empty", "--rate-limit", "2/min", "--burst", "3") as (process, url):
        answers = [call(url, SANDBOX_API_KEY) for _ in range(4)]
        process.terminate()
        # Read the buffered pipe first: communicate() reads the pipe itself and misses
        # what readline buffered; then it closes the pipes.
        out = process.stdout.read()
        process.communicate(timeout=60)
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["Octopus-RateLimit-Policy"] == "l=3;rpm=2"
    assert "rate limit: 2 requests/min per user, burst 3" in out
