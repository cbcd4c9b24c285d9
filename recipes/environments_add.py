"""Add an environment next to another, everywhere the other one is.

Creates ``name`` (unless it exists) right after ``after`` in the sort order, and
adds it wherever ``after`` is: the same phase of every lifecycle, every tenant's
project connections, the environment restrictions of team roles, and the
environment scope of project and library set variables. One plan shows it all.
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param("name", "Name of the environment to add, e.g. UAT"),
    Param("after", "The environment it goes after and joins everywhere, e.g. Test"),
)


def statements(octo, name, after):
    return octo.environments.ensure(name, after=after, like=after)
