"""The README's two commands: what CI runs, and safe to run one after the other."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)\n```", text, re.S)[:2]


def test_the_readme_opens_with_an_install_command_and_a_test_command() -> None:
    install, tests = readme_commands()
    assert "pip install -e ." in install and "octoflow apply" in install
    assert "pip install -e '.[test]'" in tests and "python -m pytest" in tests


def test_each_command_has_its_own_virtualenv() -> None:
    """Running ``python3 -m venv .venv`` inside the active ``.venv`` breaks it."""
    folders = [re.search(r"python3 -m venv (\S+)", c).group(1) for c in readme_commands()]
    assert len(set(folders)) == 2, folders


def test_ci_runs_the_readmes_test_command() -> None:
    tests = readme_commands()[1]
    pytest_command = tests.split("&&")[-1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert pytest_command in ci.splitlines()
    assert "pip install --quiet -e '.[test]'" in ci
