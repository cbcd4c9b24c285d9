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
    documented = set(re.findall(r":(?:class|func|data):`(\w+)`", DOC))
    assert documented == set(area.__all__)
    assert all(hasattr(area, name) for name in area.__all__)


@pytest.fixture
def certificates_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The worked example written out as the package it says it is."""
    area_code, registration = literal_blocks(DOC[DOC.index(EXAMPLE_START) :])
    package = tmp_path / "octoflow_certificates" / "sandbox"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text(area_code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield registration
    for name in [m for m in sys.modules if m.startswith("octoflow_certificates")]:
        del sys.modules[name]


def test_the_worked_example_serves_and_archives_certificates(certificates_package: str) -> None:
    @hookimpl
    def octoflow_register(registry):
        exec(certificates_package, {"registry": registry})

    plugin = type("Plugin", (), {"octoflow_register": staticmethod(octoflow_register)})()
    octo = Octoflow.with_sandbox("demo", plugins=[("certificates", plugin)])
    client = octo.client
    assert client.get("/api/Spaces-1")["Links"]["Certificates"].startswith(
        "/api/Spaces-1/certificates{/id}"
    )
    (seeded,) = client.get("/api/Spaces-1/certificates")["Items"]
    assert (seeded["Name"], seeded["Archived"]) == ("Portal TLS", None)
    archived = client.request("POST", f"/api/Spaces-1/certificates/{seeded['Id']}/archive")
    assert archived["Archived"] is not None
    assert client.get(f"/api/Spaces-1/certificates/{seeded['Id']}") == archived
    made = client.request("POST", "/api/Spaces-1/certificates", json={"Name": "Billing TLS"})
    assert made["Id"] != seeded["Id"] and made["Archived"] is None
