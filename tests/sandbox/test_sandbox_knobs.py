"""Knobs and the control plane: latency, concurrency limit, faults, /_sandbox/ routes."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from octoflow.sandbox import Sandbox, SandboxServer
from tests.sandbox.conftest import in_process

TENANT = "/api/Spaces-1/tenants/Tenants-5"


def _settings(client, **changes):
    response = client.put("/_sandbox/settings", changes)
    assert response.status_code == 200, response.text
    return response.json()


def test_latency_applies_to_every_api_request(fresh, fresh_api):
    fresh.settings.latency_ms = 60
    started = time.perf_counter()
    assert fresh_api.get(TENANT).status_code == 200
    assert time.perf_counter() - started >= 0.06
    _settings(fresh_api, latency_ms=0)
    started = time.perf_counter()
    fresh_api.get(TENANT)
    assert time.perf_counter() - started < 0.05


def test_concurrent_requests_overlap_and_the_limit_serialises_them(fresh, served):
    _settings(served, latency_ms=100)

    def burst() -> float:
        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda _: served.get(TENANT).status_code, range(4)))
        assert statuses == [200] * 4
        return time.perf_counter() - started

    assert burst() < 0.35, "four 100 ms requests run at once"
    _settings(served, concurrency_limit=1)
    assert burst() >= 0.4, "one at a time"


def test_status_fault_with_retry_after(fresh_api, fresh):
    _settings(
        fresh_api,
        faults=[
            {
                "status": 503,
                "retry_after": 2,
                "times": 2,
                "method": "PUT",
                "path_contains": "tenants",
            }
        ],
    )
    doc = fresh_api.json(TENANT)
    first, second, third = (fresh_api.put(TENANT, doc) for _ in range(3))
    assert (first.status_code, first.headers["Retry-After"]) == (503, "2")
    assert second.status_code == 503 and "ErrorMessage" in second.json()
    assert third.status_code == 200
    assert fresh_api.json("/_sandbox/settings")["faults"] == []
    assert [r.status for r in fresh.requests if r.method == "PUT"] == [503, 503, 200]


def test_rate_limit_fault_every_time_until_cleared(fresh_api):
    _settings(fresh_api, faults=[{"status": 429, "retry_after": None, "times": None}])
    for _ in range(3):
        response = fresh_api.get("/api/Spaces-1/environments")
        assert response.status_code == 429 and "Retry-After" not in response.headers
    assert fresh_api.get("/_sandbox/settings").status_code == 200, "control plane is never faulted"
    _settings(fresh_api, faults=[])
    assert fresh_api.get("/api/Spaces-1/environments").status_code == 200


def test_dropped_connection_in_process(fresh, fresh_api):
    fresh.settings.add_fault({"drop_connection": True, "path_contains": "Tenants-5"})
    with pytest.raises(requests.exceptions.ConnectionError):
        fresh_api.get(TENANT)
    assert fresh_api.get(TENANT).status_code == 200
    assert [r.status for r in fresh.requests] == [0, 200]


def test_dropped_connection_over_a_socket(fresh, served):
    _settings(served, faults=[{"drop_connection": True, "method": "GET"}])
    with pytest.raises(requests.exceptions.ConnectionError):
        served.get(TENANT)
    assert served.get(TENANT).status_code == 200


def test_concurrent_edit_lands_after_the_read(fresh_api):
    _settings(
        fresh_api,
        faults=[{"edit": {"id": "Tenants-5", "set": {"Description": "edited meanwhile"}}}],
    )
    assert fresh_api.json("/api/Spaces-1/tenants", ids="Tenants-4")["Items"], "other reads pass"
    read = fresh_api.json("/api/Spaces-1/tenants", ids="Tenants-5,Tenants-6")["Items"][0]
    assert read["Description"] is None
    now = fresh_api.json(TENANT)
    assert now["Description"] == "edited meanwhile"
    assert now["LastModifiedOn"] != read["LastModifiedOn"]
    assert fresh_api.json("/_sandbox/settings")["faults"] == []


def test_concurrent_edit_by_path_on_a_single_document(fresh_api):
    _settings(
        fresh_api,
        faults=[{"edit": {"path_contains": "Tenants-5", "set": {"IsDisabled": True}}, "times": 2}],
    )
    assert fresh_api.json(TENANT)["IsDisabled"] is False
    assert fresh_api.json(TENANT)["IsDisabled"] is True
    assert fresh_api.json("/_sandbox/settings")["faults"] == []


@pytest.mark.parametrize(
    "settings",
    [
        {"latency_ms": -1},
        {"concurrency_limit": 0},
        {"faults": [{"status": 404}]},
        {"faults": [{"method": "GET"}]},
        {"faults": [{"status": 503, "times": 0}]},
        {"faults": [{"edit": {"id": "Tenants-1"}}]},
        {"faults": {"status": 503}},
        {"speed": "fast"},
    ],
)
def test_bad_settings_are_400_and_change_nothing(fresh_api, settings):
    before = fresh_api.json("/_sandbox/settings")
    response = fresh_api.put("/_sandbox/settings", settings)
    assert response.status_code == 400 and response.json()["Errors"]
    assert fresh_api.json("/_sandbox/settings") == before


def test_request_log(fresh, fresh_api):
    fresh_api.get("/api/Spaces-1/tenants?take=5")
    fresh_api.get("/api/Spaces-1/tenants/Tenants-99999")
    log = fresh_api.json("/_sandbox/requests")
    assert log == [
        {"method": "GET", "path": "/api/Spaces-1/tenants", "query": "take=5", "status": 200},
        {
            "method": "GET",
            "path": "/api/Spaces-1/tenants/Tenants-99999",
            "query": "",
            "status": 404,
        },
    ]
    assert fresh.requests[0].status == 200
    assert fresh_api.delete("/_sandbox/requests").status_code == 200
    assert fresh.requests == []


def test_reset_to_a_seed(fresh_api):
    assert fresh_api.delete(TENANT).status_code == 200
    empty = fresh_api.post("/_sandbox/reset", {"seed": "empty"}).json()
    assert empty["seed"] == "empty" and "Tenants" not in empty["counts"]
    assert fresh_api.json("/api/Spaces-1/projects")["TotalResults"] == 0
    assert fresh_api.post("/_sandbox/reset", {"seed": "nonsense"}).status_code == 400
    fresh_api.request("POST", "/_sandbox/reset")
    assert fresh_api.json(TENANT)["Id"] == "Tenants-5", "the sandbox's own seed again"


def test_state_and_save(tmp_path, areas):
    path = tmp_path / "state.json"
    sandbox = Sandbox(areas, seed=path)
    client = in_process(sandbox)
    assert client.json("/_sandbox/state") == sandbox.dump()
    client.delete(TENANT)
    assert client.post("/_sandbox/save").json() == {"path": str(path)}
    assert json.loads(path.read_text()) == sandbox.dump()
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"], "no temporary files left"
    reloaded = in_process(Sandbox(areas, seed=path))
    assert reloaded.get(TENANT).status_code == 404
    assert in_process(Sandbox(areas)).post("/_sandbox/save").status_code == 400


def test_control_plane_needs_a_key(fresh):
    anonymous = in_process(fresh, key=None)
    for method, path in (
        ("GET", "/_sandbox/state"),
        ("POST", "/_sandbox/reset"),
        ("PUT", "/_sandbox/settings"),
    ):
        assert anonymous.request(method, path).status_code == 401


def test_server_is_loopback_on_an_ephemeral_port(fresh):
    with SandboxServer(fresh.app) as one, SandboxServer(fresh.app) as two:
        assert one.url.startswith("http://127.0.0.1:") and one.url != two.url
        assert requests.get(one.url + "/api", timeout=5).json()["Application"] == "Octopus Deploy"
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(one.url + "/api", timeout=2)
