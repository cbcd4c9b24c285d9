"""Sandbox areas registered by dotted path load only when a sandbox is built."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from octoflow import hookimpl
from octoflow.errors import PluginError
from octoflow.plugin import PluginHost
from octoflow.session import Octoflow

#: A third-party area module: one system route and a seed document.
AREA_SOURCE = """
def hello(req):
    return {"Greeting": req.state.get("Greetings", "Greetings-1")["Text"]}


class GreetingsArea:
    name = "greetings"

    def register_routes(self, router):
        router.system("GET", "/greetings", hello)

    def seed(self, state, seed):
        state.put("Greetings", {"Id": "Greetings-1", "Text": "hello from " + seed})
"""


@pytest.fixture
def area_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The name of an importable, not yet imported module holding ``GreetingsArea``."""
    name = f"greetings_area_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(AREA_SOURCE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def registering(*args: object, **kwargs: object) -> list[tuple[str, object]]:
    """A ``greetings`` plugin calling ``registry.add_sandbox_area(*args, **kwargs)``."""

    @hookimpl
    def octoflow_register(registry):
        registry.add_sandbox_area(*args, **kwargs)

    plugin = type("Plugin", (), {"octoflow_register": staticmethod(octoflow_register)})()
    return [("greetings", plugin)]


def test_an_area_registered_by_path_is_imported_only_when_a_sandbox_is_built(
    area_module: str,
) -> None:
    plugins = registering(f"{area_module}:GreetingsArea")
    registry = PluginHost.from_entry_points(plugins).build_registry()
    assert "greetings" in registry.names("sandbox area")
    assert area_module not in sys.modules
    octo = Octoflow.with_sandbox("demo", plugins=plugins)
    assert area_module in sys.modules
    assert octo.client.get("/api/greetings") == {"Greeting": "hello from demo"}


def test_areas_are_loaded_once_per_registry(area_module: str) -> None:
    registry = PluginHost.from_entry_points(
        registering(f"{area_module}:GreetingsArea")
    ).build_registry()
    first = registry.sandbox_areas
    assert [a.name for a in first][-1] == "greetings"
    assert [id(a) for a in registry.sandbox_areas] == [id(a) for a in first]


def test_an_area_object_is_still_accepted(area_module: str) -> None:
    __import__(area_module)
    area = sys.modules[area_module].GreetingsArea()
    octo = Octoflow.with_sandbox("empty", plugins=registering(area))
    assert octo.client.get("/api/greetings") == {"Greeting": "hello from empty"}


def test_a_path_that_does_not_import_names_the_plugin_when_the_sandbox_is_built() -> None:
    plugins = registering("greetings_nowhere.sandbox:GreetingsArea")
    PluginHost.from_entry_points(plugins).build_registry()  # registering imports nothing
    with pytest.raises(PluginError) as caught:
        Octoflow.with_sandbox("empty", plugins=plugins)
    assert str(caught.value) == (
        "plugin 'greetings' registered the sandbox area 'greetings' as "
        "'greetings_nowhere.sandbox:GreetingsArea', which does not load: "
        "ModuleNotFoundError: No module named 'greetings_nowhere'"
    )


def test_a_missing_attribute_is_reported_with_the_path(area_module: str) -> None:
    plugins = registering(f"{area_module}:GreetingArea")
    with pytest.raises(PluginError, match=f"'{area_module}:GreetingArea', which does not load"):
        Octoflow.with_sandbox("empty", plugins=plugins)


def test_an_area_named_otherwise_must_be_registered_with_its_name(area_module: str) -> None:
    path = f"{area_module}:GreetingsArea"
    with pytest.raises(PluginError, match="that area is named 'greetings'; pass its name"):
        Octoflow.with_sandbox("empty", plugins=[("hello", registering(path)[0][1])])
    octo = Octoflow.with_sandbox(
        "empty", plugins=[("hello", registering(path, name="greetings")[0][1])]
    )
    assert octo.client.get("/api/greetings") == {"Greeting": "hello from empty"}


@pytest.mark.parametrize("path", ["greetings.sandbox.GreetingsArea", "a:b:c", ":Area", "mod:"])
def test_a_malformed_path_is_refused_while_registering(path: str) -> None:
    with pytest.raises(PluginError, match="plugin 'greetings' registered the sandbox area"):
        PluginHost.from_entry_points(registering(path)).build_registry()
