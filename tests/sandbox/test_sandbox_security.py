"""The control API needs the built-in administrator's key; the request log keeps no
credentials; the socket server refuses browsers and foreign Host names."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
import requests

from octoflow.sandbox import SANDBOX_API_KEY, Sandbox, SandboxServer
from octoflow.sandbox.app import CONTROL_REFUSED
from octoflow.sandbox.browsers import allowed_names
from tests.plugins.users.test_sandbox_auth import issue_key, join, new_user
from tests.sandbox.conftest import Client, in_process

ADMINISTRATORS = "teams-administrators"
CONTROL_BODIES = {"/reset": {"seed": "empty"}, "/settings": {"latency_ms": 5}, "/tasks": {}}


def control_routes(sandbox: Sandbox) -> list[tuple[str, str]]:
    routes = [r for r in sandbox.router.routes() if r.kind == "control"]
    return sorted((r.method, "/" + "/".join(s.literal or "x" for s in r.segments)) for r in routes)


@pytest.fixture(scope="module")
def guarded(areas) -> dict[str, Any]:
    """A demo sandbox with two user keys: one without any role, one of an administrator."""
    sandbox = Sandbox(areas, seed="demo")
    admin_api = in_process(sandbox)
    plain = issue_key(admin_api, new_user(admin_api, "nobody"))
    boss_id = new_user(admin_api, "boss")
    join(admin_api, ADMINISTRATORS, boss_id)
    boss = issue_key(admin_api, boss_id)
    assert in_process(sandbox, key=boss).get("/api/users/all").status_code == 200
    return {"sandbox": sandbox, "plain": plain, "boss": boss}


def test_the_control_routes_are_the_documented_ones(areas):
    assert control_routes(Sandbox(areas, seed="empty")) == [
        ("DELETE", "/_sandbox/requests"),
        ("GET", "/_sandbox/requests"),
        ("GET", "/_sandbox/settings"),
        ("GET", "/_sandbox/state"),
        ("GET", "/_sandbox/tasks"),
        ("POST", "/_sandbox/reset"),
        ("POST", "/_sandbox/save"),
        ("PUT", "/_sandbox/settings"),
        ("PUT", "/_sandbox/tasks"),
    ]


CONTROL = [
    ("DELETE", "/_sandbox/requests"),
    ("GET", "/_sandbox/requests"),
    ("GET", "/_sandbox/settings"),
    ("GET", "/_sandbox/state"),
    ("GET", "/_sandbox/tasks"),
    ("POST", "/_sandbox/reset"),
    ("POST", "/_sandbox/save"),
    ("PUT", "/_sandbox/settings"),
    ("PUT", "/_sandbox/tasks"),
    ("GET", "/_sandbox/no-such-route"),
]


@pytest.mark.parametrize("who", ["plain", "boss"], ids=["user key", "administrator's user key"])
@pytest.mark.parametrize(("method", "path"), CONTROL, ids=[f"{m} {p}" for m, p in CONTROL])
def test_user_keys_get_a_403_from_every_control_route(guarded, who, method, path):
    sandbox = guarded["sandbox"]
    before = (json.dumps(sandbox.dump()), sandbox.settings.to_json(), len(sandbox.requests))
    body = CONTROL_BODIES.get(path.removeprefix("/_sandbox"))
    response = in_process(sandbox, key=guarded[who]).request(method, path, json=body)
    assert response.status_code == 403
    assert response.json() == {"ErrorMessage": CONTROL_REFUSED, "Errors": [CONTROL_REFUSED]}
    after = (json.dumps(sandbox.dump()), sandbox.settings.to_json(), len(sandbox.requests))
    assert after == before, "a refused control request changes nothing"


@pytest.mark.parametrize(
    ("method", "path"), CONTROL[:-1], ids=[f"{m} {p}" for m, p in CONTROL[:-1]]
)
def test_the_sandbox_key_opens_every_control_route(areas, tmp_path, method, path):
    Sandbox(areas, seed="empty").save(tmp_path / "state.json")
    sandbox = Sandbox(areas, seed=tmp_path / "state.json")
    body = CONTROL_BODIES.get(path.removeprefix("/_sandbox"))
    response = in_process(sandbox).request(method, path, json=body)
    assert response.status_code == 200, response.text


def test_user_keys_still_get_their_permissions_on_the_api(guarded):
    boss = in_process(guarded["sandbox"], key=guarded["boss"])
    assert boss.get("/api/Spaces-1/tenants/Tenants-1").status_code == 200
    plain = in_process(guarded["sandbox"], key=guarded["plain"])
    assert plain.get("/api/Spaces-1/tenants/Tenants-1").status_code == 403


# -- the request log ------------------------------------------------------------------------

USER_KEY = "API-EXAMPLEUSERKEY0000000000000"
SECRET_QUERIES = [
    {"apikey": SANDBOX_API_KEY},
    {"ApiKey": SANDBOX_API_KEY},
    {"API_KEY": "hunter2-api"},
    {"X-Octopus-ApiKey": "hunter2-header"},
    {"password": "hunter2-password"},
    {"Password": "hunter2-Password"},
    {"pwd": "hunter2-pwd"},
    {"access_token": "hunter2-token"},
    {"client_secret": "hunter2-secret"},
    {"Authorization": "Bearer hunter2-auth"},
    {"credentials": "hunter2-credential"},
    {"sessionId": "hunter2-session"},
    {"cookie": "hunter2-cookie"},
    {"X-Amz-Signature": "hunter2-signature"},
    {"partialName": USER_KEY},
]


def test_the_request_log_masks_credentials_in_queries(fresh):
    client = in_process(fresh, key=None)
    for params in SECRET_QUERIES:
        query = dict(params, take="5", apikey=SANDBOX_API_KEY)
        assert client.get("/api/Spaces-1/environments", params=query).status_code == 200
    client.get("/api/Spaces-1/environments?" + SANDBOX_API_KEY)
    logged = json.dumps(in_process(fresh).json("/_sandbox/requests"))
    for secret in [SANDBOX_API_KEY, USER_KEY, "hunter2"]:
        assert secret not in logged and secret not in repr(fresh.requests)
    first = fresh.requests[0]
    assert first.query == "apikey=********&take=5", "everything else is kept as sent"


def test_the_request_log_decodes_names_before_judging_them(fresh):
    with SandboxServer(fresh.app) as server:
        query = "?p%61ssword=hunter2&api%4Bey=hunter2&take=1"
        raw_get(server.port, "/api/Spaces-1/environments" + query, f"127.0.0.1:{server.port}")
    assert [r.query for r in fresh.requests] == ["p%61ssword=********&api%4Bey=********&take=1"]


def test_the_request_log_masks_keys_in_paths(areas):
    custom = "my-own-sandbox-key"
    sandbox = Sandbox(areas, seed="empty", api_keys=[custom])
    client = in_process(sandbox, key=custom)
    client.get(f"/api/users/{USER_KEY}")
    client.get(f"/api/Spaces-1/environments/{custom}")
    paths = [r.path for r in sandbox.requests]
    assert paths == ["/api/users/********", "/api/Spaces-1/environments/********"]


def test_dropped_requests_are_logged_masked_too(fresh):
    fresh.settings.add_fault({"drop_connection": True, "path_contains": "/environments"})
    client = in_process(fresh, key=None)
    with pytest.raises(requests.exceptions.ConnectionError):
        client.get("/api/Spaces-1/environments", params={"apikey": SANDBOX_API_KEY})
    assert fresh.requests[-1].query == "apikey=********"
    assert fresh.requests[-1].status == 0


# -- browsers and DNS rebinding ------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
    ids=["foreign origin", "null origin", "loopback origin", "cross-site", "same-site"],
)
def test_requests_from_web_pages_are_refused(fresh, served: Client, headers):
    for method, path in (("GET", "/api/Spaces-1/environments"), ("POST", "/_sandbox/reset")):
        response = served.request(method, path, headers=headers)
        assert response.status_code == 403
        assert set(response.json()) == {"ErrorMessage", "Errors"}
    assert fresh.requests == [], "refused before the sandbox sees them"
    assert served.get("/api/Spaces-1/environments/Environments-1").status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "localhost.evil.example:{port}", "127.0.0.1:1", "localhost"]
)
def test_a_host_header_other_than_the_address_served_is_refused(fresh, host):
    with SandboxServer(fresh.app) as server:
        answer = raw_get(server.port, "/api/Spaces-1/environments", host.format(port=server.port))
    assert answer.startswith("HTTP/1.1 403")
    assert json.loads(answer.split("\r\n\r\n", 1)[1])["ErrorMessage"].startswith(
        f"The sandbox serves on port {server.port}"
    )


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_loopback_host_names_with_the_port_are_served(fresh, host):
    with SandboxServer(fresh.app) as server:
        answer = raw_get(server.port, "/api", host.format(port=server.port))
    assert answer.startswith("HTTP/1.1 200")


def test_bound_to_every_address_this_machines_name_is_served_too(fresh):
    with SandboxServer(fresh.app, host="0.0.0.0") as server:
        mine = raw_get(server.port, "/api", f"{socket.gethostname()}:{server.port}")
        foreign = raw_get(server.port, "/api", f"evil.example:{server.port}")
    assert mine.startswith("HTTP/1.1 200") and foreign.startswith("HTTP/1.1 403")


def test_bound_to_a_name_that_name_is_served():
    assert "build-box.example" in allowed_names("Build-Box.example")
    assert "build-box.example" not in allowed_names("127.0.0.1")


def test_the_in_process_adapter_needs_no_loopback_host(fresh_api):
    response = fresh_api.get("/api/Spaces-1/environments")
    assert response.status_code == 200 and response.request.url.startswith(
        "http://sandbox.octoflow.invalid/"
    )


def raw_get(port: int, path: str, host: str) -> str:
    """GET ``path`` over a plain socket with exactly this Host header."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        conn.sendall(request.encode("latin-1"))
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8")
