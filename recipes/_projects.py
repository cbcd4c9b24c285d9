"""How recipes select projects: ``-p project=…`` and/or ``-p group=…``.

``PARAMETERS`` and :func:`selected` are the process recipes' (one of the two is
needed); ``WITHIN`` is for recipes on what projects hold (channels, triggers), which
pass the two on as criteria and may leave both out.
"""

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

WITHIN = (
    Param(
        "project",
        "Comma-separated projects (* for every project)",
        kind="list",
        default=None,
        everything="every project",
    ),
    Param(
        "group",
        "Comma-separated project groups (* for every group)",
        kind="list",
        default=None,
        everything="projects of every group",
    ),
)


def selected(octo: Any, project: list[str], group: list[str]) -> Any:
    """The projects named and/or in the groups named (both: ANDed); one is needed."""
    if not project and not group:
        raise UsageError("select projects with -p project=… or -p group=… (or both)")
    chosen = octo.projects.where(name=project) if project else octo.projects
    return chosen.where(group=group) if group else chosen
