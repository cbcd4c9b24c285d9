"""What a provider's client side imports from octoflow and from providers."""

from __future__ import annotations

import ast
from pathlib import Path

PLUGINS = Path(__file__).parents[2] / "plugins"


def outside_imports(area: str) -> list[str]:
    """``"file.py: module"`` for every import of ``plugins/<area>`` (sandbox files
    aside) that is neither ``octoflow.provider`` nor the area's own modules."""
    own = f"octoflow_plugins.{area}"
    client_side = [
        p for p in sorted((PLUGINS / area).glob("*.py")) if not p.name.startswith("sandbox")
    ]
    assert len(client_side) > 3, f"no modules found in plugins/{area}"
    wrong = []
    for path in client_side:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [("." * node.level) + (node.module or "")]
            else:
                continue
            for module in modules:
                if module.startswith(".") or (
                    module.split(".")[0] in ("octoflow", "octoflow_plugins")
                    and module != "octoflow.provider"
                    and module != own
                    and not module.startswith(own + ".")
                ):
                    wrong.append(f"{path.name}: {module}")
    return wrong
