"""Providers use the front door: the client side of every built-in provider imports
from octoflow only ``octoflow.provider``, never another provider, and its verbs are
typed values, never looked up by name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
AREAS = sorted(p.name for p in PLUGINS.iterdir() if (p / "__init__.py").exists())


def client_modules(area: str) -> list[Path]:
    """The provider's modules, less its fake-server side (``sandbox`` modules)."""
    return sorted(
        p for p in (PLUGINS / area).rglob("*.py")
        if not any(part == "sandbox" or part.startswith("sandbox_") or part == "sandbox.py"
                   for part in p.relative_to(PLUGINS / area).parts)
    )  # fmt: skip


def imported(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def forbidden(area: str, module: str) -> bool:
    if module == "octoflow" or module.startswith("octoflow."):
        return module != "octoflow.provider"
    if module.startswith("octoflow_plugins."):
        own = f"octoflow_plugins.{area}"
        return not (module == own or module.startswith(own + "."))
    return False


@pytest.mark.parametrize("area", AREAS)
def test_a_provider_imports_only_the_provider_api_and_its_own_modules(area):
    wrong = [
        f"{path.relative_to(PLUGINS)}:{line}: {module}"
        for path in client_modules(area)
        for line, module in imported(path)
        if forbidden(area, module)
    ]
    assert wrong == []


@pytest.mark.parametrize("area", AREAS)
def test_no_verb_is_looked_up_by_name(area):
    leftovers = [
        f"{path.relative_to(PLUGINS)}:{n}: {line.strip()}"
        for path in client_modules(area)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(word in line for word in ("NamedVerb", "_make_", "_plan_", "_resolve_"))
    ]
    assert leftovers == []


def test_the_check_sees_every_area_and_would_catch_a_stray_import():
    assert {"deployments", "processes", "targets", "tenants", "users", "variables"} <= set(AREAS)
    assert forbidden("tenants", "octoflow.plan.compiler")
    assert forbidden("variables", "octoflow_plugins.targets.models")
    assert not forbidden("tenants", "octoflow_plugins.tenants.verbs")
