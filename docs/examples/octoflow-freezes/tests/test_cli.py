"""The installed plugin from the command line, as its users run it: ``octoflow plugins``
lists it, and ``octoflow apply freeze-ensure … --sandbox …`` creates the freeze, a
deployment into it is refused, and a second run plans nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from freezes_support import moment

OCTOFLOW = Path(sys.executable).with_name("octoflow")


@pytest.fixture
def run(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCTOPUS_")}
    env["OCTOFLOW_HOME"] = str(tmp_path / "home")

    def octoflow(*args):
        done = subprocess.run(
            [str(OCTOFLOW), *args], env=env, cwd=tmp_path, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        return done.returncode, done.stdout, done.stderr

    return octoflow


def test_octoflow_plugins_lists_the_freezes_plugin(run):
    code, out, err = run("plugins")
    assert code == 0, err
    assert "freezes  octoflow-freezes 0.1.0  hooks: octoflow_register" in out
    assert "    collections: freezes" in out
    assert "    recipes: freeze-end, freeze-ensure" in out
    assert "    sandbox areas: freezes" in out


def test_ensure_deploy_and_run_again_from_the_command_line(run, tmp_path):
    state = str(tmp_path / "sandbox.json")  # a demo sandbox kept between commands
    ensure = [
        "apply", "freeze-ensure", "-p", "name=Holidays", "-p", f"start={moment(-1)}",
        "-p", f"end={moment(1)}", "-p", "environments=Production",
        "-p", "projects=Ember Web,Falcon Admin", "--sandbox", state, "--yes",
    ]  # fmt: skip
    code, out, err = run(*ensure)
    assert code == 0, out + err
    assert "+ DeploymentFreeze 'Holidays'" in out
    assert "Plan: 1 to add, 0 to change, 0 to delete." in out

    deploy = ["-p", "project=Ember Web", "-p", "environment=Production", "--sandbox", state]
    code, out, err = run("apply", "release-deploy", *deploy, "--yes")
    assert code == 1, out + err
    assert "The environment Production is frozen by Holidays." in out

    code, out, err = run(*ensure)  # the same command again: nothing left to do
    assert code == 0, out + err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out


def test_a_blank_parameter_is_bad_input(run):
    code, out, err = run(
        "plan", "freeze-ensure", "-p", "name=Holidays", "-p", "start=2099-12-20",
        "-p", "end=2099-12-27", "-p", "environments=", "--sandbox", "demo",
    )  # fmt: skip
    assert code == 2
    assert "parameter 'environments' is empty" in err
