"""``octoflow.sandbox.area``: what it documents is what it exports, and its example runs."""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import octoflow.sandbox.area as area
from octoflow import hookimpl
from octoflow.session import Octoflow

DOC = area.__doc__ or ""
EXAMPLE_START = "A worked example"
REGISTRATION_START = "and, in the provider's"


def literal_blocks(text: str) -> list[str]:
    """The ``::`` literal blocks of a docstring, dedented."""
    blocks = re.findall(r"::\n\n((?:    .*\n|\n)+)", text + "\n")
    return [textwrap.dedent(block).strip() + "\n" for block in blocks]


def test_every_exported_name_is_documented_and_every_documented_name_exported() -> None:
    documented = set(re.findall(r":(?:class|func|data|mod):`(\w+)`", DOC))
    assert documented == set(area.__all__)
    assert all(hasattr(area, name) for name in area.__all__)


@pytest.fixture
def example_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The worked example written out as the package it says it is."""
    area_code, registration = literal_blocks(DOC[DOC.index(EXAMPLE_START) :])
    package = tmp_path / "octoflow_gitcredentials" / "sandbox"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text(area_code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield registration
    for name in [m for m in sys.modules if m.startswith("octoflow_gitcredentials")]:
        del sys.modules[name]


def test_the_worked_example_serves_git_credentials_and_their_usage(example_package: str) -> None:
    @hookimpl
    def octoflow_register(registry):
        exec(example_package, {"registry": registry})

    plugin = type("Plugin", (), {"octoflow_register": staticmethod(octoflow_register)})()
    octo = Octoflow.with_sandbox("demo", plugins=[("gitcredentials", plugin)])
    client = octo.client
    assert client.get("/api/Spaces-1")["Links"]["GitCredentials"].startswith(
        "/api/Spaces-1/git-credentials{/id}"
    )
    (seeded,) = client.get("/api/Spaces-1/git-credentials")["Items"]
    assert (seeded["Name"], seeded["Details"]["Type"]) == ("GitHub deploy bot", "UsernamePassword")
    assert client.get(seeded["Links"]["Usage"]) == {"Projects": []}
    made = client.request("POST", "/api/Spaces-1/git-credentials", json={"Name": "GitLab bot"})
    assert made["Id"] != seeded["Id"] and made["Slug"] == "gitlab-bot"
    assert client.get(made["Links"]["Self"]) == made
