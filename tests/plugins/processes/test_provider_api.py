"""The client side of the processes provider uses only octoflow's public provider API,
and its verbs are typed values, never dispatched by name."""

from __future__ import annotations

import ast
from pathlib import Path

import octoflow_plugins.processes

AREA = Path(octoflow_plugins.processes.__file__).parent
OWN = "octoflow_plugins.processes"


def client_side() -> list[Path]:
    found = [p for p in sorted(AREA.glob("*.py")) if not p.name.startswith("sandbox")]
    assert len(found) > 10  # the glob found the provider's modules
    return found


def imported(path: Path) -> list[str]:
    """Every module ``path`` imports (absolute imports only: the tree has no others)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            names.append(str(node.module))
    return names


def test_only_the_provider_api_and_its_own_modules_are_imported() -> None:
    outside = [
        f"{path.name}: {name}"
        for path in client_side()
        for name in imported(path)
        if name.split(".")[0] in ("octoflow", "octoflow_plugins")
        and name != "octoflow.provider"
        and name != OWN
        and not name.startswith(OWN + ".")
    ]
    assert outside == []


def test_no_verb_is_looked_up_by_name() -> None:
    leftovers = [
        f"{path.name}:{n}: {line.strip()}"
        for path in client_side()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(word in line for word in ("NamedVerb", "_make_", "_plan_", "_resolve_"))
    ]
    assert leftovers == []
