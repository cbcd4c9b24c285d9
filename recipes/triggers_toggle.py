"""Enable or disable project triggers in bulk, e.g. every scheduled trigger during a freeze.

Selects triggers by ``project``, ``group`` (comma-separated names), ``type``
(``scheduled``, ``deployment-target`` or ``feed``) and ``name``; at least one is
needed, and ``*`` selects every value on purpose (the wide-change guard then
applies). ``enabled=false`` disables them, ``enabled=true`` enables them.
"""

from octoflow_recipes import _projects as recipeprojects

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    *recipeprojects.WITHIN,
    Param(
        "type",
        "Trigger type: scheduled, deployment-target or feed (* for any)",
        kind="list",
        default=None,
        everything="triggers of every type",
    ),
    Param("name", "Comma-separated trigger names", kind="list", default=None),
    Param("enabled", "true to enable the triggers, false to disable them", kind="bool"),
)


def statements(octo, project, group, type, name, enabled):
    selectors = {"project": project, "group": group, "type": type, "name": name}
    given = {key: value for key, value in selectors.items() if value is not None}
    if not given:
        raise UsageError(
            "triggers-toggle needs a selection: -p project=, group=, type= or name= "
            "(-p type=* for every trigger)"
        )
    triggers = octo.triggers.where(**given)
    return triggers.enable() if enabled else triggers.disable()
