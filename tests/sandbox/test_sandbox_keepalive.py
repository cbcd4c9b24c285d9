"""The loopback server speaks HTTP/1.1 with persistent connections: a session's requests
share one connection, every response carries its length, and a connection closes when the
client asks, when it idles, or when its framing is unsure."""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from octoflow.sandbox import SANDBOX_API_KEY, Sandbox, SandboxServer
from octoflow.sandbox.headers import MAX_HEADERS, MAX_LINE, HeaderError, read_headers

HEADERS = {"X-Octopus-ApiKey": SANDBOX_API_KEY}
SPACE = "/api/Spaces-1"


@pytest.fixture
def server(fresh: Sandbox) -> Iterator[SandboxServer]:
    with SandboxServer(fresh.app) as running:
        yield running


class Raw:
    """A client socket that reads responses by their Content-Length, as a keep-alive client."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.port = port
        self.buffer = b""

    def send(self, method: str, path: str, body: bytes = b"", **headers: str) -> None:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.recv()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
        length = int(headers["content-length"])
        while len(self.buffer) < length:
            self.buffer += self.recv()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), headers, body

    def recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        assert chunk, "the server hung up"
        return chunk

    def closed_by_server(self) -> bool:
        """True once the server has hung up (waits up to the socket's timeout)."""
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw(server: SandboxServer) -> Iterator[Raw]:
    client = Raw(server.port)
    yield client
    client.close()


def test_a_session_makes_its_twenty_requests_on_one_connection(server, fresh):
    session = requests.Session()
    session.headers.update(HEADERS)
    statuses = []
    for n in range(5):
        created = session.post(f"{server.url}{SPACE}/environments", json={"Name": f"Keep {n}"})
        doc = created.json()
        renamed = session.put(f"{server.url}{SPACE}/environments/{doc['Id']}", json=doc)
        statuses += [created.status_code, renamed.status_code]
        statuses.append(session.get(f"{server.url}{SPACE}/environments/{doc['Id']}").status_code)
        statuses.append(session.delete(f"{server.url}{SPACE}/environments/{doc['Id']}").status_code)
    assert statuses == [201, 200, 200, 200] * 5
    assert server.connections_accepted == 1
    assert len(fresh.requests) == 20


def test_every_response_has_a_length_and_the_connection_serves_the_next(raw, server):
    raw.send("GET", "/api", X_Octopus_ApiKey=SANDBOX_API_KEY)
    raw.send("DELETE", f"{SPACE}/environments/Environments-99999", X_Octopus_ApiKey="wrong")
    raw.send("GET", "/api/no-such-route", X_Octopus_ApiKey=SANDBOX_API_KEY)
    raw.send("GET", "/app")
    body = json.dumps({"Name": "Raw"}).encode()
    raw.send("POST", f"{SPACE}/environments", body, X_Octopus_ApiKey=SANDBOX_API_KEY)
    answers = [raw.response() for _ in range(5)]
    assert [status for status, _, _ in answers] == [200, 401, 404, 200, 201]
    created = json.loads(answers[4][2])
    raw.send("DELETE", f"{SPACE}/environments/{created['Id']}", X_Octopus_ApiKey=SANDBOX_API_KEY)
    status, headers, payload = raw.response()
    assert (status, headers["content-length"], payload) == (200, "0", b"")
    assert not any("connection" in h for _, h, _ in answers)
    assert server.connections_accepted == 1


def test_a_body_the_app_did_not_read_is_skipped_not_taken_for_a_request(raw, fresh):
    smuggled = b"GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
    raw.send("POST", f"{SPACE}/environments", smuggled, X_Octopus_ApiKey="wrong")
    assert raw.response()[0] == 401
    raw.send("GET", f"{SPACE}/environments/all", X_Octopus_ApiKey=SANDBOX_API_KEY)
    status, _, body = raw.response()
    assert status == 200
    assert isinstance(json.loads(body), list)
    assert [(r.method, r.status) for r in fresh.requests] == [("POST", 401), ("GET", 200)]


def test_a_big_unread_body_closes_the_connection_instead(raw):
    raw.send("POST", f"{SPACE}/environments", b"x" * (2 * 1024 * 1024), X_Octopus_ApiKey="no")
    status, headers, _ = raw.response()
    assert (status, headers["connection"]) == (401, "close")
    assert raw.closed_by_server()


def test_connection_close_from_the_client_is_honoured(raw):
    raw.send("GET", "/api", Connection="close")
    status, headers, _ = raw.response()
    assert (status, headers["connection"]) == (200, "close")
    assert raw.closed_by_server()


def test_the_documented_idle_timeout_is_the_default(fresh):
    assert SandboxServer(fresh.app).idle_timeout == 5.0


def test_after_a_head_request_the_connection_closes(raw):
    raw.send("HEAD", "/app")
    status_line = raw.recv().split(b"\r\n")
    assert status_line[0] == b"HTTP/1.1 200 OK"
    assert b"Connection: close" in status_line
    assert raw.closed_by_server()


def test_a_chunked_body_closes_the_connection(raw):
    raw.send("POST", f"{SPACE}/environments", X_Octopus_ApiKey="no", Transfer_Encoding="chunked")
    status, headers, _ = raw.response()
    assert (status, headers["connection"]) == (401, "close")
    assert raw.closed_by_server()


def test_an_http_1_0_client_gets_one_answer_per_connection(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"GET /api HTTP/1.0\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200")
    assert b"\r\nConnection: close\r\n" in data


def test_an_idle_connection_is_closed_after_the_idle_timeout(fresh):
    with SandboxServer(fresh.app, idle_timeout=0.5) as server:
        raw = Raw(server.port)
        raw.send("GET", "/api")
        assert raw.response()[0] == 200
        started = time.monotonic()
        assert raw.closed_by_server()
        assert 0.3 < time.monotonic() - started < 5
        raw.close()


def test_a_dropped_connection_leaves_the_session_able_to_go_on(server, fresh):
    fresh.settings.add_fault({"drop_connection": True, "path_contains": "/tenants"})
    session = requests.Session()
    session.headers.update(HEADERS)
    assert session.get(f"{server.url}/api").status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(f"{server.url}{SPACE}/tenants")
    assert session.get(f"{server.url}{SPACE}/tenants").status_code == 200
    assert server.connections_accepted == 2


def test_stop_does_not_wait_for_idle_connections(fresh):
    server = SandboxServer(fresh.app, idle_timeout=60).start()
    session = requests.Session()
    assert session.get(server.url + "/api").status_code == 200
    started = time.monotonic()
    assert server.stop() is True
    assert time.monotonic() - started < 5


def test_headers_are_read_case_blind_with_folded_lines_joined():
    block = b"X-Octopus-ApiKey:  API-EXAMPLE\r\nX-Long: one\r\n two\r\nno colon here\r\n\r\nBODY"
    stream = io.BytesIO(block)
    headers = read_headers(stream)
    assert headers.get("x-octopus-apikey") == "API-EXAMPLE"
    assert headers.get("X-Long") == "one\r\n two"
    assert list(headers) == ["X-Octopus-ApiKey", "X-Long"]
    assert stream.read() == b"BODY"  # the body is left for the app


@pytest.mark.parametrize(
    "block, problem",
    [
        (b"".join(b"X-%d: v\r\n" % n for n in range(MAX_HEADERS + 1)) + b"\r\n", "more than"),
        (b"X-Big: " + b"v" * MAX_LINE + b"\r\n\r\n", "too long"),
    ],
)
def test_a_header_block_over_the_limits_is_refused(block, problem):
    with pytest.raises(HeaderError, match=problem):
        read_headers(io.BytesIO(block))


def test_too_many_headers_are_answered_431_and_nothing_is_served(raw, fresh):
    fresh.clear_requests()
    extra = {f"X_Extra_{n}": "v" for n in range(MAX_HEADERS + 1)}
    raw.send("GET", f"{SPACE}/tenants", X_Octopus_ApiKey=SANDBOX_API_KEY, **extra)
    status, _, _ = raw.response()
    assert status == 431
    assert fresh.requests == []


def test_the_key_header_is_read_in_any_case(raw):
    raw.send("GET", f"{SPACE}/tenants", x_octopus_apikey=SANDBOX_API_KEY)
    assert raw.response()[0] == 200
    raw.send("GET", f"{SPACE}/tenants", X_OCTOPUS_APIKEY="API-EXAMPLEWRONG000000000000")
    assert raw.response()[0] == 401


@pytest.mark.parametrize(
    "line, status",
    [
        ("GET /api HTTP/2.0", 505),
        ("GET /api HTTP/1.x", 400),
        ("GET /api HTTPS/1.1", 400),
        ("GET", 400),
        ("GET /api HTTP/1.1 extra", 400),
        ("POST /api", 400),  # HTTP/0.9 knew only GET
    ],
)
def test_a_malformed_request_line_is_refused_as_http_server_refuses_it(server, line, status):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(line.encode() + b"\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    # as http.server answers: before the version is read, an HTTP/0.9 answer (no status
    # line), so the error page says the code
    assert f"Error code: {status}".encode() in answer


def test_a_path_starting_with_two_slashes_is_read_as_one(raw):
    raw.send("GET", "//api/Spaces-1/tenants", X_Octopus_ApiKey=SANDBOX_API_KEY)
    assert raw.response()[0] == 200
