"""A run imports only what it needs: against a real server no sandbox module, no jinja2
without a template, and for ``octoflow --help`` not even the engine.

The server is a loopback sandbox in this process; the run under test is another
process, which knows it only by its URL, as it would know a real Octopus.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: Plans a recipe through the library, then reports what it loaded.
LIBRARY_RUN = """
import json, sys
import octoflow

octo = octoflow.connect()
plan = octo.plan(
    octo.tenants.where(tag="Region/EU").add_project("Customer Portal", environments=["Test"])
)
print(json.dumps({"operations": len(plan.operations), "modules": sorted(sys.modules)}))
"""
#: Plans a shipped recipe through the CLI, then reports what it loaded.
CLI_RUN = """
import json, sys
from octoflow.cli import main

code = main(["plan", "tenants-add-project", "-p", "tag=Region/EU",
             "-p", "project=Customer Portal", "-p", "environments=Test"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""
#: Lists the plugins and what they registered, then reports what it loaded.
PLUGINS_RUN = """
import json, sys
from octoflow.cli import main

code = main(["plugins"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""
#: Prints the help, then reports what it loaded.
HELP_RUN = """
import json, sys
from octoflow.cli import main

try:
    main(["--help"])
except SystemExit as exc:
    print(json.dumps({"code": exc.code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""
#: What ``octoflow --help`` must not load: the HTTP client, the plugin host, templates,
#: the engine, OpenSSL (the plan digest's hashlib) and the installed metadata (--version's).
NOT_FOR_HELP = (
    "importlib.metadata",
    "requests",
    "pluggy",
    "jinja2",
    "hashlib",
    "octoflow.session",
    "octoflow.cli.commands",
)
#: Builds an in-process sandbox, then reports what it loaded.
SANDBOX_RUN = """
import json, sys
from octoflow.session import Octoflow

Octoflow.with_sandbox("empty")
print(json.dumps({"modules": sorted(sys.modules)}))
"""


def sandbox_modules(modules: list[str]) -> list[str]:
    """The fake server's modules: the sandbox core and every provider's area."""
    return [
        m
        for m in modules
        if m == "octoflow.sandbox"
        or m.startswith("octoflow.sandbox.")
        or (m.startswith("octoflow_plugins.") and ".sandbox" in m)
    ]


def run(script: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OCTOPUS_")}
    full_env.update(env, OCTOFLOW_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=full_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def real_server(octo_server) -> dict[str, str]:
    return {"OCTOPUS_URL": octo_server.url, "OCTOPUS_API_KEY": octo_server.api_key}


def test_planning_through_the_library_imports_no_sandbox_module(real_server, tmp_path) -> None:
    report = json.loads(run(LIBRARY_RUN, real_server, tmp_path).stdout)
    assert report["operations"] > 0  # it really read the server and planned changes
    assert "octoflow_plugins.tenants" in report["modules"]
    assert sandbox_modules(report["modules"]) == []


def test_planning_through_the_cli_imports_no_sandbox_module(real_server, tmp_path) -> None:
    done = run(CLI_RUN, real_server, tmp_path)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0
    assert "Plan: 0 to add, 360 to change, 0 to delete." in done.stdout
    assert sandbox_modules(report["modules"]) == []
    assert "jinja2" not in report["modules"]  # no template in this recipe
    # Collections load on first use: this run uses tenants, not teams or processes.
    assert "octoflow_plugins.tenants.collection" in report["modules"]
    assert "octoflow_plugins.users.teams" not in report["modules"]
    assert "octoflow_plugins.processes.collection" not in report["modules"]


def test_the_help_loads_no_engine(tmp_path) -> None:
    done = run(HELP_RUN, {}, tmp_path)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0
    assert "plan and apply bulk changes" in done.stdout.lower()
    assert [m for m in NOT_FOR_HELP if m in report["modules"]] == []


def test_listing_the_plugins_names_their_areas_without_importing_them(tmp_path) -> None:
    done = run(PLUGINS_RUN, {}, tmp_path)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0
    assert "    sandbox areas: tenants\n" in done.stdout
    assert "    sandbox areas: deployments\n" in done.stdout
    assert sandbox_modules(report["modules"]) == []


def test_building_a_sandbox_imports_every_area(tmp_path) -> None:
    """The other side of the check above: the names it looks for are the real ones."""
    loaded = sandbox_modules(json.loads(run(SANDBOX_RUN, {}, tmp_path).stdout)["modules"])
    assert "octoflow.sandbox.sandbox" in loaded
    for area in ("deployments", "processes", "targets", "tenants", "users", "variables"):
        assert f"octoflow_plugins.{area}.sandbox" in loaded
