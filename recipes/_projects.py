"""How the process recipes select projects: ``-p project=…`` and/or ``-p group=…``."""

from __future__ import annotations

from typing import Any

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    Param(
        "project",
        "Comma-separated project names (* for every project)",
        kind="list",
        default=[],
        everything="every project",
    ),
    Param(
        "group",
        "Comma-separated project group names (* for every group)",
        kind="list",
        default=[],
        everything="every project group",
    ),
)


def selected(octo: Any, project: list[str], group: list[str]) -> Any:
    """The projects named and/or in the groups named (both: ANDed); one is needed."""
    if not project and not group:
        raise UsageError("select projects with -p project=… or -p group=… (or both)")
    chosen = octo.projects.where(name=project) if project else octo.projects
    return chosen.where(group=group) if group else chosen
