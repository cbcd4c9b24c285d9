"""octoflow: plan and apply bulk changes to an Octopus Deploy server.

The curated public surface; everything else is internal.
"""

from __future__ import annotations

from importlib import metadata

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


def __getattr__(name: str) -> str:
    if name == "__version__":
        return metadata.version(DISTRIBUTION)
    raise AttributeError(name)
