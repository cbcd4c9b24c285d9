"""The sandbox names this area uses, imported in this one place.

octoflow is gathering everything a sandbox area needs into one public module,
``octoflow.sandbox.area``. Until it exists these come from the modules they live in
today; then this file becomes ``from octoflow.sandbox.area import (...)`` and nothing
else changes. (A test lists this file as the plugin's only exception to importing
octoflow's public API alone.)
"""

from __future__ import annotations

from octoflow.sandbox.errors import invalid, not_found
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

__all__ = ["Request", "Router", "State", "invalid", "not_found"]
