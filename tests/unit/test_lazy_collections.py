"""Collections registered by ``module:Selection`` load when a run first uses them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from octoflow import hookimpl
from octoflow.errors import PluginError
from octoflow.plugin import PluginHost
from octoflow.session import Octoflow

SELECTION_SOURCE = """
from typing import ClassVar

import attrs

from octoflow.provider import Selection


@attrs.frozen
class Greetings(Selection):
    collection: ClassVar[str] = "greetings"
"""


def registering(path: str) -> list[tuple[str, object]]:
    class Plugin:
        @hookimpl
        def octoflow_register(self, registry):
            registry.add_collection("greetings", path)

    return [("greetings", Plugin())]


def test_the_module_is_imported_on_first_use_only(tmp_path: Path, monkeypatch) -> None:
    name = f"greetings_dsl_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(SELECTION_SOURCE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    octo = Octoflow.with_sandbox("empty", plugins=registering(f"{name}:Greetings"))
    assert name not in sys.modules

    selection = octo.greetings

    assert name in sys.modules
    assert type(selection).__name__ == "Greetings"


def test_a_path_that_does_not_import_names_the_plugin_when_used() -> None:
    octo = Octoflow.with_sandbox("empty", plugins=registering("greetings_nowhere:Greetings"))
    with pytest.raises(PluginError) as caught:
        octo.greetings  # noqa: B018
    assert str(caught.value) == (
        "plugin 'greetings' registered a collection as 'greetings_nowhere:Greetings', which "
        "does not load: ModuleNotFoundError: No module named 'greetings_nowhere'"
    )


def test_a_malformed_path_is_refused_while_registering() -> None:
    with pytest.raises(PluginError, match="registered the collection 'greetings' as 'a.b.C'"):
        PluginHost.from_entry_points(registering("a.b.C")).build_registry()
