"""octoflow: plan and apply bulk changes to an Octopus Deploy server.

The curated public surface; everything else is internal.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from octoflow.errors import OctoflowError, PlanError, Problem
    from octoflow.hookspecs import hookimpl
    from octoflow.plan.model import Plan
    from octoflow.plan.render import render_plan
    from octoflow.recipe import Param
    from octoflow.session import Octoflow, connect

#: The name octoflow is installed under (``pip install octoflow-octopus``); the
#: import name is ``octoflow``. A plugin declares ``install_requires = octoflow-octopus``.
DISTRIBUTION = "octoflow-octopus"

__all__ = [
    "OctoflowError",
    "Octoflow",
    "Param",
    "Plan",
    "PlanError",
    "Problem",
    "__version__",
    "connect",
    "hookimpl",
    "render_plan",
]


#: Where each name of the public surface lives. They are imported on first use, so
#: that ``octoflow --help`` (or a provider importing ``octoflow.provider``) does not
#: pay for the whole engine.
_EXPORTS = {
    "OctoflowError": "octoflow.errors",
    "PlanError": "octoflow.errors",
    "Problem": "octoflow.errors",
    "hookimpl": "octoflow.hookspecs",
    "Plan": "octoflow.plan.model",
    "render_plan": "octoflow.plan.render",
    "Param": "octoflow.recipe",
    "Octoflow": "octoflow.session",
    "connect": "octoflow.session",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib import metadata

        return metadata.version(DISTRIBUTION)
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'octoflow' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
