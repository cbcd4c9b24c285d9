"""Shared fixtures: the demo sandbox in-process, on loopback, and as a state file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from octoflow.plugin import PluginHost
from octoflow.sandbox import Sandbox
from tests.e2e.support import TEST_KEY, Api, run_cli


@pytest.fixture(autouse=True)
def _no_colour_settings(monkeypatch) -> None:
    """Tests compare plain text: the colour settings of the shell running them stay out
    (the tests of colour set them themselves)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture(scope="session")
def areas() -> list[Any]:
    return PluginHost.from_entry_points().build_registry().sandbox_areas


@pytest.fixture(scope="session")
def demo_dump(areas) -> dict[str, Any]:
    return Sandbox(areas, seed="demo").dump()


@pytest.fixture
def state_file(tmp_path, demo_dump) -> Path:
    """A demo sandbox state file, for ``--sandbox FILE`` runs."""
    path = tmp_path / "sandbox.json"
    path.write_text(json.dumps(demo_dump))
    return path


@pytest.fixture
def server(octo_server) -> tuple[Sandbox, Any]:
    """A demo sandbox served on loopback (octoflow.testing's), accepting only ``TEST_KEY``."""
    return octo_server.sandbox, octo_server


@pytest.fixture
def server_api(server) -> Api:
    _sandbox, srv = server
    session = requests.Session()
    session.headers["X-Octopus-ApiKey"] = TEST_KEY
    return Api(srv.url, session)


@pytest.fixture
def cli(server, monkeypatch, capsys, tmp_path):
    """Run the CLI in-process against the loopback sandbox; returns (code, out, err)."""
    _sandbox, srv = server
    monkeypatch.setenv("OCTOPUS_URL", srv.url)
    monkeypatch.setenv("OCTOPUS_API_KEY", TEST_KEY)
    monkeypatch.setenv("OCTOFLOW_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OCTOPUS_SPACE", raising=False)
    return lambda *args: run_cli(*args, capsys=capsys)
