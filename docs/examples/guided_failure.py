"""Turn guided failure on (or off) in some environments."""

from octoflow import Param

PARAMETERS = (
    Param("environments", "Comma-separated environment names", kind="list"),
    Param("enabled", "true to turn guided failure on, false to turn it off",
          kind="bool", default=True),
)


def statements(octo, environments, enabled):
    return octo.guided_environments.where(name=environments).use_guided_failure(enabled)
