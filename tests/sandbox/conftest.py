"""Fixtures for the sandbox tests: sandboxes built from the real plugin host,
reached through plain ``requests`` (in-process adapter or loopback server)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from octoflow.plugin import PluginHost
from octoflow.sandbox import IN_PROCESS_URL, SANDBOX_API_KEY, Sandbox, SandboxAdapter, SandboxServer


class Client:
    """A requests session against one sandbox; paths are relative to the server."""

    def __init__(self, base: str, session: requests.Session) -> None:
        self.base = base
        self.session = session

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.base + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def json(self, path: str, **params: Any) -> Any:
        """GET ``path`` and return the body, failing on any status but 200."""
        response = self.get(path, params=params)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response.json()


def handler_threads() -> int:
    """Threads the loopback servers run requests on, right now."""
    return sum("process_request_thread" in t.name for t in threading.enumerate())


def wait_for_handlers(count: int) -> None:
    """Wait until ``count`` handler threads run (connections accepted, requests in flight)."""
    deadline = time.monotonic() + 30
    while handler_threads() < count:
        assert time.monotonic() < deadline, f"{handler_threads()} handler threads, not {count}"
        time.sleep(0.01)


def in_process(sandbox: Sandbox, key: str | None = SANDBOX_API_KEY) -> Client:
    session = requests.Session()
    session.mount(IN_PROCESS_URL, SandboxAdapter(sandbox.app))
    if key:
        session.headers["X-Octopus-ApiKey"] = key
    return Client(IN_PROCESS_URL, session)


@pytest.fixture(scope="session")
def areas() -> list[Any]:
    return PluginHost.from_entry_points().build_registry().sandbox_areas


@pytest.fixture(scope="module")
def demo(areas) -> Sandbox:
    """A demo sandbox shared by a module's read-only tests."""
    return Sandbox(areas, seed="demo")


@pytest.fixture(scope="module")
def api(demo) -> Client:
    return in_process(demo)


@pytest.fixture
def fresh(areas) -> Sandbox:
    """A demo sandbox of the test's own, for tests that write (building one takes ~15 ms)."""
    return Sandbox(areas, seed="demo")


@pytest.fixture
def fresh_api(fresh) -> Client:
    return in_process(fresh)


@pytest.fixture
def served(fresh) -> Iterator[Client]:
    """The test's own demo sandbox on a loopback port, through real sockets."""
    with SandboxServer(fresh.app) as server:
        session = requests.Session()
        session.headers["X-Octopus-ApiKey"] = SANDBOX_API_KEY
        yield Client(server.url, session)
