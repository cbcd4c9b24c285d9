"""End deployment freezes now.

A freeze in force ends at the moment of the plan (its end is set to it, so it stays
listed among past freezes); one that has not started yet is deleted; one that has
ended already is left alone.
"""

from octoflow import Param

PARAMETERS = (
    Param(
        "name",
        "Comma-separated freeze names (* for every freeze)",
        kind="list",
        everything="every freeze",
    ),
)


def statements(octo, name):
    return octo.freezes.where(name=name).end()
