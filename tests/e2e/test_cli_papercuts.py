"""Small things a new user meets in the first hour."""

from __future__ import annotations

import subprocess
import sys

import pytest

import octoflow
from octoflow.cli import main
from tests.e2e.support import run_cli


def test_version_names_the_distribution(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"octoflow {octoflow.__version__} (octoflow-octopus, Python ")


def test_python_dash_m_octoflow_runs_the_command() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "octoflow", "--version"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("octoflow ")


def test_debug_is_accepted_after_the_command(capsys) -> None:
    code, out, err = run_cli(
        "plan", "tenants-tag", "--sandbox", "demo", "--debug", "-p", "tag=Region/EU",
        "-p", "add=Tier/Gold", capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "Plan: 0 to add" in out


def test_plugins_shows_octoflows_version(capsys) -> None:
    code, out, _err = run_cli("plugins", capsys=capsys)
    assert code == 0
    assert out.splitlines()[0].startswith(f"octoflow {octoflow.__version__} (octoflow-octopus")


def test_recipes_shows_defaults_as_typed_and_the_plugin(capsys) -> None:
    code, out, _err = run_cli("recipes", "release-deploy", capsys=capsys)
    assert code == 0
    assert out.splitlines()[0].endswith("(plugin deployments)")
    assert "(default: 1800)" in out
    assert "(default: false)" in out
    assert "(default: latest)" in out
    assert "'" not in "".join(line for line in out.splitlines() if "(default:" in line)


def test_recipes_shows_docstrings_as_plain_text(capsys) -> None:
    code, out, _err = run_cli("recipes", "projects-add-step", capsys=capsys)
    assert code == 0
    assert "Selects projects by name (project)" in out
    assert "`" not in out


def test_a_list_default_reads_as_the_user_would_type_it(capsys) -> None:
    code, out, _err = run_cli("recipes", "docs/examples/onboard_region.py", capsys=capsys)
    assert code == 0
    assert "(default: Test,Production)" in out
