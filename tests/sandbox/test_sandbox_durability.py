"""A write the sandbox answered 2xx is in its state file: through SIGTERM, SIGKILL and restarts
of ``octoflow sandbox serve --state``, and in process through the write-ahead log."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from octoflow.sandbox import SANDBOX_API_KEY, Sandbox, SandboxServer
from octoflow.sandbox.journal import wal_path
from tests.e2e.support import ctrl_c_reaches_it
from tests.sandbox.conftest import Client, handler_threads, in_process, wait_for_handlers

SPACE = "/api/Spaces-1"
HEADERS = {"X-Octopus-ApiKey": SANDBOX_API_KEY}


# -- octoflow sandbox serve, as a process ------------------------------------------------------


@contextmanager
def serving(*options: str | Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``octoflow sandbox serve --port 0 OPTIONS``; yields the process and its URL."""
    command = [sys.executable, "-m", "octoflow.cli", "sandbox", "serve", "--port", "0"]
    process = subprocess.Popen(
        [*command, *map(str, options)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_reaches_it,
    )
    try:
        first = process.stdout.readline() if process.stdout else ""
        found = re.search(r"serving on (http://\S+)", first)
        assert found, (first, process.stderr.read() if process.stderr else "")
        yield process, found.group(1)
    finally:
        if process.returncode is None:  # not stopped by the test
            process.kill()
            process.communicate(timeout=60)


class Writers:
    """Threads creating environments until the server stops answering; keeps what got a 2xx."""

    def __init__(self, url: str, count: int = 4) -> None:
        self.url = url
        self.acknowledged: list[str] = []
        self.attempted: list[str] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._write, args=(n,)) for n in range(count)]

    def __enter__(self) -> Writers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for thread in self._threads:
            thread.join(timeout=60)

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while len(self.acknowledged) < count:
            assert time.monotonic() < deadline, "the writes did not get through"
            time.sleep(0.02)

    def _write(self, writer: int) -> None:
        session = requests.Session()
        session.headers.update(HEADERS)
        for number in range(100_000):
            name = f"Env {writer}-{number}"
            with self._lock:
                self.attempted.append(name)
            try:
                answer = session.post(f"{self.url}{SPACE}/environments", json={"Name": name})
            except requests.exceptions.ConnectionError:
                return
            if answer.status_code != 201:
                return
            with self._lock:
                self.acknowledged.append(name)


def environment_names(url: str) -> set[str]:
    answer = requests.get(f"{url}{SPACE}/environments/all", headers=HEADERS, timeout=30)
    assert answer.status_code == 200, answer.text
    return {env["Name"] for env in answer.json()}


def stop(process: subprocess.Popen[str], how: signal.Signals) -> tuple[str, str]:
    process.send_signal(how)
    out, err = process.communicate(timeout=60)
    return out, err


def test_sigterm_mid_stream_loses_no_answered_write(tmp_path):
    state = tmp_path / "state.json"
    with serving("--state", state, "--seed", "demo", "--latency-ms", "50") as (process, url):
        with Writers(url) as writers:
            writers.wait_for(20)
            out, err = stop(process, signal.SIGTERM)
        assert process.returncode == 0, err
        assert f"state saved to {state}" in out
    assert len(writers.acknowledged) >= 20
    with serving("--state", state) as (again, url):
        present = environment_names(url)
        stop(again, signal.SIGTERM)
    assert set(writers.acknowledged) <= present
    assert present - {"Development", "Test", "Staging", "Production"} <= set(writers.attempted)


def test_sigkill_mid_stream_loses_no_answered_write(tmp_path):
    state = tmp_path / "state.json"
    with serving("--state", state, "--seed", "empty") as (process, url):
        with Writers(url) as writers:
            writers.wait_for(30)
            stop(process, signal.SIGKILL)
        assert process.returncode == -signal.SIGKILL
    with serving("--state", state) as (again, url):
        present = environment_names(url)
        assert wal_path(state).read_text().count("\n") == 1, "the log is compacted at start"
        stop(again, signal.SIGTERM)
    assert len(writers.acknowledged) >= 30
    assert set(writers.acknowledged) <= present <= set(writers.attempted)
    saved = json.loads(state.read_text())
    assert {e["Name"] for e in saved["collections"]["Environments"].values()} == present
    assert wal_path(state).read_text().count("\n") == 1, "compacted into the state file on exit"


def test_ctrl_c_saves_too(tmp_path):
    state = tmp_path / "state.json"
    with serving("--state", state, "--seed", "empty") as (process, url):
        answer = requests.post(f"{url}{SPACE}/environments", json={"Name": "Kept"}, headers=HEADERS)
        assert answer.status_code == 201
        out, _ = stop(process, signal.SIGINT)
    assert process.returncode == 0 and "state saved" in out
    assert "Kept" in state.read_text()


# -- the write-ahead log, in process -----------------------------------------------------------


@pytest.fixture
def durable(areas, tmp_path) -> tuple[Sandbox, Client, Path]:
    path = tmp_path / "state.json"
    sandbox = Sandbox(areas, seed="demo")
    sandbox.make_durable(path)
    yield sandbox, in_process(sandbox), path
    sandbox.close()


def reloaded(areas, path: Path) -> Sandbox:
    return Sandbox(areas, seed=path)


def test_every_kind_of_write_is_in_the_state_file_before_it_is_answered(areas, durable):
    sandbox, api, path = durable
    assert api.put("/_sandbox/tasks", {"mode": "polls", "polls": 1}).status_code == 200
    release = api.json(f"{SPACE}/projects/Projects-22/releases/1.2.0")["Id"]
    deployment = api.post(
        f"{SPACE}/deployments", {"ReleaseId": release, "EnvironmentId": "Environments-3"}
    )
    assert deployment.status_code == 201, deployment.text
    api.json(f"/api/tasks/{deployment.json()['TaskId']}")  # a read moves the task on
    tenant = api.json(f"{SPACE}/tenants/Tenants-5")
    assert api.put(f"{SPACE}/tenants/Tenants-5", dict(tenant, Description="durable")).ok
    user = api.post("/api/users", {"Username": "robot", "DisplayName": "Robot", "IsService": True})
    key = api.post(f"/api/users/{user.json()['Id']}/apikeys", {"Purpose": "CI"}).json()["ApiKey"]
    assert api.delete(f"{SPACE}/tenants/Tenants-9").status_code == 200
    again = reloaded(areas, path)
    assert again.dump() == sandbox.dump()
    assert in_process(again, key=key).get("/api/users/me").status_code == 200


def test_a_collection_only_looked_for_is_not_logged(areas, tmp_path):
    """An area reading a collection no one has made yet (an admission check on a state file
    older than its plugin) leaves the state as it was: no empty collection appears."""

    class Looks:
        name = "looks"

        def register_routes(self, router):
            router.admission("Environments", self.check)

        def check(self, req, doc):
            req.state.values("Absent")  # looked for; no one has made it
            return []

        def seed(self, state, seed):
            pass

    path = tmp_path / "state.json"
    sandbox = Sandbox([*areas, Looks()], seed="demo")
    sandbox.make_durable(path)
    assert in_process(sandbox).post(f"{SPACE}/environments", {"Name": "Looked"}).ok
    sandbox.close()
    again = reloaded([*areas, Looks()], path)
    assert "Absent" not in again.dump()["collections"]
    assert again.dump() == sandbox.dump()


def test_a_reset_compacts_and_an_older_log_is_ignored(areas, durable):
    sandbox, api, path = durable
    assert api.post(f"{SPACE}/environments", {"Name": "Before Reset"}).status_code == 201
    old_log = path.with_name("old.wal")
    shutil.copy(wal_path(path), old_log)
    assert api.post("/_sandbox/reset", {"seed": "empty"}).status_code == 200
    shutil.copy(old_log, wal_path(path))  # as if the reset stopped between snapshot and log
    again = reloaded(areas, path)
    assert again.dump() == sandbox.dump()
    assert "Before Reset" not in json.dumps(again.dump())


def test_a_last_line_cut_short_is_ignored(areas, durable):
    sandbox, api, path = durable
    assert api.post(f"{SPACE}/environments", {"Name": "Whole"}).status_code == 201
    with wal_path(path).open("ab") as log:
        log.write(b'{"put": {"Environments": {"Environments-99": {"Id": "Env')
    assert reloaded(areas, path).dump() == sandbox.dump()


def test_a_corrupt_line_inside_the_log_is_an_error(areas, durable):
    _sandbox, api, path = durable
    assert api.post(f"{SPACE}/environments", {"Name": "One"}).status_code == 201
    lines = wal_path(path).read_text().splitlines(keepends=True)
    wal_path(path).write_text(lines[0] + "{not json\n" + "".join(lines[1:]))
    with pytest.raises(ValueError, match="line 2 is corrupt"):
        reloaded(areas, path)


def test_save_compacts_with_an_atomic_replace(areas, durable):
    sandbox, api, path = durable
    assert api.post(f"{SPACE}/environments", {"Name": "Compacted"}).status_code == 201
    assert wal_path(path).read_text().count("\n") == 2
    before = os.stat(path).st_ino
    assert api.post("/_sandbox/save").json() == {"path": str(path)}
    assert os.stat(path).st_ino != before, "a new file renamed over the old one"
    assert wal_path(path).read_text().count("\n") == 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.json", "state.json.wal"]
    saved = json.loads(path.read_text())
    assert {k: v for k, v in saved.items() if k != "wal"} == sandbox.dump()
    assert reloaded(areas, path).dump() == sandbox.dump()


def test_after_close_a_write_is_refused_not_answered_unsaved(areas, durable):
    sandbox, api, path = durable
    sandbox.close()
    answer = api.post(f"{SPACE}/environments", {"Name": "Unsaved"})
    assert answer.status_code == 500
    assert "could not write its journal" in answer.json()["ErrorMessage"]
    assert api.get(f"{SPACE}/environments/Environments-1").status_code == 200, "reads still work"


# -- stopping the server -----------------------------------------------------------------------


def test_stop_waits_for_the_requests_in_flight(fresh):
    fresh.settings.latency_ms = 600
    answered: list[int] = []
    with SandboxServer(fresh.app) as server:
        url = f"{server.url}{SPACE}/environments"

        def write() -> None:
            answer = requests.post(url, json={"Name": "In Flight"}, headers=HEADERS, timeout=30)
            assert answer.status_code == 201
            answered.append(answer.status_code)

        writer = threading.Thread(target=write)
        before = handler_threads()
        writer.start()
        wait_for_handlers(before + 1)
        assert server.stop() is True
        at_stop = json.dumps(fresh.dump())  # what the state held the moment stop returned
        writer.join(timeout=30)
    assert answered, "the write in flight was answered"
    assert "In Flight" in at_stop, "stop returned before the write in flight was done"


def test_stop_says_when_requests_were_still_running(fresh):
    fresh.settings.latency_ms = 3000
    server = SandboxServer(fresh.app).start()
    writer = threading.Thread(
        target=lambda: requests.get(f"{server.url}/api/Spaces-1", headers=HEADERS, timeout=30)
    )
    before = handler_threads()
    writer.start()
    wait_for_handlers(before + 1)
    assert server.stop(drain_timeout=0.1) is False
    writer.join(timeout=30)
