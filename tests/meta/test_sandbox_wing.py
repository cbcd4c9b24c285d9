"""The sandbox wing's boundaries, read from the source.

A provider's fake-server code (``plugins/<area>/sandbox/``) imports from octoflow
only ``octoflow.sandbox.area`` and from the plugins only its own sandbox package;
the client side of the plugins never imports a sandbox module, and names its area
only by the dotted path it registers.
"""

from __future__ import annotations

import ast
from importlib.util import resolve_name
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
AREA_API = "octoflow.sandbox.area"
PROVIDERS = sorted(p.parent.name for p in PLUGINS.glob("*/__init__.py"))
#: Providers with a sandbox wing; the others (resources, channels, triggers, environments,
#: lifecycles, credentials) use what the core sandbox and the other wings serve.
WINGED = sorted(p.parent.parent.name for p in PLUGINS.glob("*/sandbox/__init__.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PLUGINS).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("octoflow_plugins", *parts))


def imported(path: Path) -> list[str]:
    """Every module the file at ``path`` imports."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_of(path.read_text(encoding="utf-8"), package)


def imports_of(source: str, package: str) -> list[str]:
    """Every module ``source`` imports, anywhere in it, relative to ``package``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = resolve_name("." * node.level + (node.module or ""), package)
            found.append(base)
            # ``from package import module`` imports the module too
            found += [f"{base}.{alias.name}" for alias in node.names]
    return found


def is_sandbox(module: str) -> bool:
    parts = module.split(".")
    return parts[:2] == ["octoflow", "sandbox"] or (
        parts[0] == "octoflow_plugins" and len(parts) > 2 and parts[2] == "sandbox"
    )


def sandbox_files(provider: str) -> list[Path]:
    return sorted((PLUGINS / provider / "sandbox").glob("*.py"))


def client_files() -> list[Path]:
    return sorted(p for p in PLUGINS.rglob("*.py") if "sandbox" not in p.relative_to(PLUGINS).parts)


@pytest.mark.parametrize("provider", WINGED)
def test_a_sandbox_area_imports_only_the_area_api_and_its_own_package(provider: str) -> None:
    own = f"octoflow_plugins.{provider}.sandbox"
    files = sandbox_files(provider)
    assert files, f"plugins/{provider} has no sandbox package"
    outside = [
        f"{path.relative_to(PLUGINS)}: {name}"
        for path in files
        for name in imported(path)
        if name.split(".")[0] in ("octoflow", "octoflow_plugins")
        and not name.startswith(AREA_API)  # ``from octoflow.sandbox.area import X``
        and name != own
        and not name.startswith(own + ".")
    ]
    assert outside == []


def test_the_client_side_imports_no_sandbox_module() -> None:
    files = client_files()
    assert len(files) > 40  # the walk found the providers' modules
    offenders = [
        f"{path.relative_to(PLUGINS)}: {name}"
        for path in files
        for name in imported(path)
        if is_sandbox(name)
    ]
    assert offenders == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_provider_registers_its_area_by_dotted_path(provider: str) -> None:
    tree = ast.parse((PLUGINS / provider / "__init__.py").read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add_sandbox_area"
    ]
    paths = [
        call.args[0].value
        for call in calls
        if call.args
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    ]
    if provider not in WINGED:
        assert calls == [], f"plugins/{provider} registers an area but has no sandbox package"
        return
    assert len(calls) == 1
    assert len(paths) == 1 and paths[0].startswith(f"octoflow_plugins.{provider}.sandbox:")


def test_only_providers_of_served_collections_have_no_sandbox_wing() -> None:
    """These providers write what the core sandbox serves (environments with their sort
    order, lifecycles, channels, triggers, accounts and certificates, any collection) or
    another wing serves (feeds)."""
    assert sorted(set(PROVIDERS) - set(WINGED)) == [
        "channels",
        "credentials",
        "environments",
        "lifecycles",
        "resources",
        "triggers",
    ]


def test_the_checks_see_every_spelling_of_an_import() -> None:
    source = (
        "from octoflow_plugins.tenants import sandbox\n"
        "from octoflow.sandbox.crud import Doc\n"
        "def f():\n"
        "    import octoflow_plugins.processes.sandbox.feeds\n"
        "from . import seed\n"
    )
    names = imports_of(source, "octoflow_plugins.deployments.sandbox")
    assert {
        "octoflow_plugins.tenants.sandbox",
        "octoflow.sandbox.crud",
        "octoflow_plugins.processes.sandbox.feeds",
        "octoflow_plugins.deployments.sandbox.seed",
    } <= {n for n in names if is_sandbox(n)}
    assert not is_sandbox("octoflow.sandboxes") and not is_sandbox("octoflow_plugins.sandbox")
