"""The client side of the deployments provider uses only octoflow's public provider API."""

from __future__ import annotations

import ast
from pathlib import Path

import octoflow_plugins.deployments

AREA = Path(octoflow_plugins.deployments.__file__).parent
OWN = "octoflow_plugins.deployments"


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
    client_side = [p for p in sorted(AREA.glob("*.py")) if not p.name.startswith("sandbox")]
    assert len(client_side) > 10  # the glob found the provider's modules
    outside = [
        f"{path.name}: {name}"
        for path in client_side
        for name in imported(path)
        if name.split(".")[0] in ("octoflow", "octoflow_plugins")
        and name != "octoflow.provider"
        and name != OWN
        and not name.startswith(OWN + ".")
    ]
    assert outside == []
