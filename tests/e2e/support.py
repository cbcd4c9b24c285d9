"""Helpers for end-to-end tests: a plain HTTP view of a sandbox, and running the CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import requests

from octoflow.cli import main
from octoflow.sandbox import IN_PROCESS_URL, SANDBOX_API_KEY, Sandbox, SandboxAdapter
from octoflow.testing import TEST_API_KEY

#: The key the test sandboxes accept (octoflow.testing's), so a leak is unmistakable.
TEST_KEY = TEST_API_KEY
WRITES = ("POST", "PUT", "DELETE")


class Api:
    """A plain requests client of a sandbox, the way any other client would use it."""

    def __init__(self, base: str, session: requests.Session) -> None:
        self.base = base
        self.session = session

    def get(self, path: str, **params: Any) -> Any:
        response = self.session.get(self.base + path, params=params)
        response.raise_for_status()
        return response.json()

    def put(self, path: str, body: Any) -> Any:
        response = self.session.put(self.base + path, json=body)
        response.raise_for_status()
        return response.json()

    def tenants(self) -> list[dict[str, Any]]:
        return self.get("/api/Spaces-1/tenants/all")

    def project_id(self, name: str) -> str:
        return next(p["Id"] for p in self.get("/api/Spaces-1/projects/all") if p["Name"] == name)

    def environment_ids(self, *names: str) -> list[str]:
        envs = {e["Name"]: e["Id"] for e in self.get("/api/Spaces-1/environments/all")}
        return [envs[n] for n in names]


class VirtualClock:
    """A client clock whose time moves only when a thread waits, so waits cost no real time.

    Threads waiting for the same moment move it once: ``waited`` is how long a run
    would have been held, overlapping waits counted once.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self._lock = threading.Lock()
        self.start = self._now = start
        self.jumps: list[float] = []

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep_until(self, deadline: float) -> None:
        with self._lock:
            if deadline > self._now:
                self.jumps.append(deadline - self._now)
                self._now = deadline

    @property
    def waited(self) -> float:
        return self.now() - self.start


def api_for(sandbox: Sandbox) -> Api:
    session = requests.Session()
    session.mount(IN_PROCESS_URL, SandboxAdapter(sandbox.app))
    session.headers["X-Octopus-ApiKey"] = SANDBOX_API_KEY
    return Api(IN_PROCESS_URL, session)


def api_of_state(areas, path: Path) -> Api:
    """The API of a sandbox loaded from a state file a CLI run saved."""
    return api_for(Sandbox(areas, seed=str(path)))


def writes(sandbox: Sandbox) -> list[Any]:
    return [r for r in sandbox.requests if r.method in WRITES]


def run_cli(*args: str, capsys: Any) -> tuple[int, str, str]:
    """Run the CLI in this process; returns (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def ctrl_c_reaches_it() -> None:
    """``preexec_fn`` for a child a test will Ctrl-C: a shell's background job starts its
    children with SIGINT ignored, and Python then leaves it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_cli_process(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``octoflow`` as a separate process, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OCTOPUS_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "octoflow.cli", *args],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
