"""The wheel holds exactly octoflow's packages and declares the providers' entry points."""

from __future__ import annotations

import configparser
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAPPED = {"octoflow": "octoflow", "octoflow_plugins": "plugins", "octoflow_recipes": "recipes"}


def setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return config


def source_packages() -> set[str]:
    """Every directory with an ``__init__.py`` under the mapped roots, as import names."""
    found = set()
    for name, folder in MAPPED.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join((name, *rel.parts)))
    return found


def test_every_source_package_is_listed_in_setup_cfg() -> None:
    listed = set(setup_cfg()["options"]["packages"].split())
    assert listed == source_packages()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (path,) = out.glob("octoflow_octopus-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_top_level_packages(wheel) -> None:
    tops = {
        name.split("/")[0]
        for name in wheel.namelist()
        if not name.startswith("octoflow_octopus-")  # the .dist-info folder
    }
    assert tops == set(MAPPED)
    names = set(wheel.namelist())
    assert "octoflow_recipes/tenants_add_project.py" in names
    assert "octoflow_plugins/tenants/__init__.py" in names


def test_wheel_declares_console_script_and_providers(wheel) -> None:
    (ep_file,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    entry_points = configparser.ConfigParser()
    entry_points.read_string(wheel.read(ep_file).decode())
    assert entry_points["console_scripts"]["octoflow"] == "octoflow.cli:main"
    assert dict(entry_points["octoflow.providers"]) == {
        "channels": "octoflow_plugins.channels",
        "deployments": "octoflow_plugins.deployments",
        "processes": "octoflow_plugins.processes",
        "resources": "octoflow_plugins.resources",
        "targets": "octoflow_plugins.targets",
        "tenants": "octoflow_plugins.tenants",
        "triggers": "octoflow_plugins.triggers",
        "users": "octoflow_plugins.users",
        "variables": "octoflow_plugins.variables",
        "environments": "octoflow_plugins.environments",
        "lifecycles": "octoflow_plugins.lifecycles",
        "credentials": "octoflow_plugins.credentials",
    }


def test_the_distribution_name_is_octoflow_octopus() -> None:
    """On the package index "octoflow" is an unrelated project; ours installs as
    octoflow-octopus and imports as octoflow."""
    import octoflow

    assert setup_cfg()["metadata"]["name"] == octoflow.DISTRIBUTION == "octoflow-octopus"
    assert octoflow.__version__ == setup_cfg()["metadata"]["version"]
