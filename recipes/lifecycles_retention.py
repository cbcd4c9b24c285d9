"""Keep releases, and the files they leave on tentacles, for a number of days.

Sets the release and tentacle retention of the named lifecycles (``*``: every
one, a wide change that needs ``--allow-wide``) to ``days`` days; ``files``
sets the tentacle retention apart. Phases with their own retention keep it.
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param(
        "lifecycle",
        "Comma-separated lifecycle names (* for every lifecycle)",
        kind="list",
        everything="every lifecycle",
    ),
    Param("days", "Days to keep releases (and tentacle files)", kind="int", default=30),
    Param("files", "Days to keep files on tentacles (default: days)", kind="int", default=None),
)


def statements(octo, lifecycle, days, files):
    lifecycles = octo.lifecycles
    if lifecycle != ["*"]:
        lifecycles = lifecycles.where(name=lifecycle)
    return lifecycles.retention(releases=days, files=files or days)
