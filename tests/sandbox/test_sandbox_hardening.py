"""Malformed and oversized requests get a 4xx in the Octopus error envelope, never a 500;
connections time out and handler threads are bounded."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
import requests

from octoflow.plugin import PluginHost
from octoflow.sandbox import SANDBOX_API_KEY, Sandbox, SandboxServer
from octoflow.sandbox.request import MAX_BODY_BYTES
from tests.sandbox.conftest import handler_threads, in_process, wait_for_handlers

#: URL segments whose collection is not simply the segment's name.
COLLECTION_OF = {"tasks": "ServerTasks", "rerun": "ServerTasks", "variables": "VariableSets"}
MALFORMED = {
    "invalid JSON": b'{"Name": "half',
    "a JSON array": b'[{"Name": "listed"}]',
    "a JSON string": b'"Name"',
    "not UTF-8": b'{"Name": "\xff\xfe caf\xe9"}',
}
WRONG_TYPES = {
    "Name": 5, "Id": [], "ProjectIds": "x", "TenantTags": 3, "Steps": {"a": 1}, "Purpose": 7,
    "Username": 1, "Password": 2, "EnvironmentIds": 1, "ProjectEnvironments": [1], "State": 3,
    "Reason": [], "Version": {}, "ReleaseId": 5, "EnvironmentId": [], "ProjectId": 2,
    "ChannelId": 3, "Instructions": 4, "MemberUserIds": 5, "Phases": "x",
}  # fmt: skip


def write_routes(sandbox: Sandbox) -> list[tuple[str, str]]:
    """Every POST and PUT route, in its ``/api/Spaces-1/…`` form, with ids that exist."""
    out = set()
    for route in sandbox.router.routes():
        if route.method in ("POST", "PUT") and route.space_form in (None, "id"):
            out.add((route.method, _path(sandbox, route.segments)))
    return sorted(out)


def _path(sandbox: Sandbox, segments) -> str:
    parts: list[str] = []
    for segment in segments:
        if segment.literal is not None:
            parts.append(segment.literal)
        elif segment.param == "spaceId":
            parts.append("Spaces-1")
        elif segment.param == "gitRef":  # under a version-controlled project's main
            parts[-1] = next(
                p["Id"]
                for p in sandbox.dump()["collections"]["Projects"].values()
                if p["IsVersionControlled"]
                and not p["PersistenceSettings"]["ProtectedDefaultBranch"]
            )
            parts.append("main")
        elif "main" in parts:  # a runbook kept in Git, by its slug (Atlas Web's)
            parts.append("restart-app-pool")
        else:
            parts.append(_first_id(sandbox, parts[-1]))
    return "/" + "/".join(parts)


def _first_id(sandbox: Sandbox, segment: str) -> str:
    names = {name.lower(): name for name in sandbox.dump()["collections"]}
    collection = COLLECTION_OF.get(segment) or names[segment]
    return next(iter(sandbox.dump()["collections"][collection]))


@pytest.fixture(scope="module")
def battered(areas) -> Sandbox:
    return Sandbox(areas, seed="demo")


ROUTES = write_routes(Sandbox(PluginHost.from_entry_points().build_registry().sandbox_areas))


@pytest.mark.parametrize("write_route", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_malformed_bodies_are_a_400_on_every_write_route(battered, write_route):
    method, path = write_route
    client = in_process(battered)
    needs_body = client.request(method, path).status_code >= 400
    for what, body in MALFORMED.items():
        response = client.request(method, path, data=body)
        if needs_body:
            assert response.status_code == 400, (what, response.status_code, response.text[:300])
        if response.status_code >= 400:  # routes that take no body may ignore one, as Octopus does
            assert response.status_code == 400, (what, response.status_code, response.text[:300])
            assert_envelope(response)
    wrong = client.request(method, path, json=WRONG_TYPES)
    assert wrong.status_code < 500, wrong.text[:500]
    if wrong.status_code >= 400:
        assert_envelope(wrong)


def assert_envelope(response: requests.Response) -> None:
    body = response.json()
    assert set(body) == {"ErrorMessage", "Errors"}, body
    assert isinstance(body["ErrorMessage"], str) and body["ErrorMessage"]
    assert body["Errors"] and all(isinstance(e, str) for e in body["Errors"])
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_a_field_of_the_wrong_type_is_a_400_naming_the_problem(fresh_api):
    response = fresh_api.post("/api/Spaces-1/tenants", {"Name": 5})
    assert response.status_code == 400
    assert_envelope(response)
    assert "wrong type" in response.json()["Errors"][0]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "body",
    [
        b'{"Name": NaN}',
        b'{"Name": "Env", "SortOrder": Infinity}',
        b'{"Name": "\\ud800 lone surrogate"}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["NaN", "Infinity", "lone surrogate", "nested too deeply"],
)
def test_json_that_cannot_be_served_back_is_refused_and_nothing_stored(fresh, fresh_api, body):
    before = fresh_api.json("/api/Spaces-1/environments/all")
    response = fresh_api.request("POST", "/api/Spaces-1/environments", data=body)
    assert response.status_code == 400
    assert_envelope(response)
    assert "not valid JSON" in response.json()["Errors"][0]
    assert fresh_api.json("/api/Spaces-1/environments/all") == before


def test_a_body_beyond_the_limit_is_a_413(fresh, fresh_api):
    too_big = b" " * (MAX_BODY_BYTES + 1)
    response = fresh_api.request("POST", "/api/Spaces-1/environments", data=too_big)
    assert response.status_code == 413
    assert_envelope(response)
    assert str(MAX_BODY_BYTES) in response.json()["ErrorMessage"]
    at_limit = b'{"Name": "At The Limit"}'.ljust(MAX_BODY_BYTES)
    assert fresh_api.request("POST", "/api/Spaces-1/environments", data=at_limit).ok


def test_an_oversized_body_is_refused_before_it_is_sent(fresh):
    with SandboxServer(fresh.app) as server:
        head = (
            "POST /api/Spaces-1/environments HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\nX-Octopus-ApiKey: {SANDBOX_API_KEY}\r\n"
            f"Content-Length: {50 * MAX_BODY_BYTES}\r\n\r\n"
        )
        status, body = exchange(server.port, head.encode())
    assert status == 413 and "at most" in body["ErrorMessage"]


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "²"])
def test_a_bad_content_length_is_a_400(fresh, length):
    with SandboxServer(fresh.app) as server:
        head = (
            "POST /api/Spaces-1/environments HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\nX-Octopus-ApiKey: {SANDBOX_API_KEY}\r\n"
            f"Content-Length: {length}\r\n\r\n{{}}"
        )
        status, body = exchange(server.port, head.encode("latin-1"))
    assert status == 400 and "Content-Length" in body["Errors"][0]


def test_a_sandbox_bug_is_a_500_whose_body_arrives_whole(areas):
    class Broken:
        name = "broken"

        def register_routes(self, router):
            router.space("GET", "/broken", lambda req: 1 / 0)

        def seed(self, state, seed):
            pass

    sandbox = Sandbox([*areas, Broken()], seed="empty")
    with SandboxServer(sandbox.app) as server:
        response = requests.get(
            server.url + "/api/broken", headers={"X-Octopus-ApiKey": SANDBOX_API_KEY}, timeout=10
        )
    assert response.status_code == 500
    assert "Traceback" in response.json()["FullException"]
    assert int(response.headers["Content-Length"]) == len(response.content)


def exchange(port: int, request: bytes) -> tuple[int, dict]:
    """Send ``request`` as is; the status and JSON body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


# -- connections -----------------------------------------------------------------------------


def test_the_documented_connection_limits_are_the_defaults(fresh):
    server = SandboxServer(fresh.app)
    assert (server.read_timeout, server.max_threads) == (10.0, 64)


def test_a_silent_connection_is_closed_after_the_read_timeout(fresh):
    with SandboxServer(fresh.app, read_timeout=0.5) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as idle:
            started = time.monotonic()
            assert idle.recv(1) == b"", "the server hung up"
            assert time.monotonic() - started < 8
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as slow:
            slow.sendall(
                b"POST /api/Spaces-1/environments HTTP/1.1\r\n"
                + f"X-Octopus-ApiKey: {SANDBOX_API_KEY}\r\nContent-Length: 40\r\n\r\n".encode()
                + b'{"Name": "Half'
            )
            assert slow.recv(1) == b"", "a body that stops coming is dropped"
        names = [e["Name"] for e in in_process(fresh).json("/api/Spaces-1/environments/all")]
        assert "Half" not in " ".join(names)


def test_handler_threads_are_bounded(fresh):
    before = handler_threads()
    with SandboxServer(fresh.app, max_threads=2, read_timeout=30) as server:
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(6)]
        try:
            wait_for_handlers(before + 2)
            time.sleep(0.5)
            assert handler_threads() - before == 2, "no more than two, however long it waits"
            results: list[int] = []
            waiting = threading.Thread(
                target=lambda: results.append(
                    requests.get(server.url + "/api", timeout=30).status_code
                )
            )
            waiting.start()
            time.sleep(0.3)
            assert results == [], "a request waits while every handler thread is taken"
        finally:
            for conn in idle:
                conn.close()
        waiting.join(timeout=30)
        assert results == [200]
