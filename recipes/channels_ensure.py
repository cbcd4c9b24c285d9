"""Make a channel exist in every selected project, with a pre-release rule on every package step.

Selects projects by ``project`` and/or ``group`` (comma-separated names; ``*``:
every project, on purpose). In each, the channel ``name`` is created when missing
and otherwise brought in line: ``lifecycle`` (left out: unchanged; a new channel
uses the project's), ``prerelease`` (a regex for the pre-release tag, e.g.
``^hotfix``: the channel's one rule, covering every package step), ``tenant_tags``
and ``description``.
"""

from octoflow_recipes import _projects as recipeprojects

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    *recipeprojects.WITHIN,
    Param("name", "Name of the channel, e.g. Hotfix"),
    Param("lifecycle", "Lifecycle of the channel (left out: unchanged)", default=None),
    Param(
        "prerelease",
        "Pre-release tag regex for every package step, e.g. ^hotfix (left out: rules unchanged)",
        default=None,
    ),
    Param("tenant_tags", "Comma-separated canonical tenant tags", kind="list", default=None),
    Param("description", "Description of the channel (left out: unchanged)", default=None),
)


def statements(octo, project, group, name, lifecycle, prerelease, tenant_tags, description):
    if project is None and group is None:
        raise UsageError("channels-ensure needs -p project=… or -p group=… (* for every project)")
    selectors = {"project": project, "group": group}
    channels = octo.channels.where(**{k: v for k, v in selectors.items() if v is not None})
    rules = None if prerelease is None else [{"steps": "*", "tag": prerelease}]
    return channels.ensure(
        name,
        lifecycle=lifecycle,
        rules=rules,
        tenant_tags=tenant_tags,
        description=description,
    )
