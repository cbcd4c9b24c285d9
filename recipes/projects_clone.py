"""Create projects like another one: its settings and deployment process.

Each name in ``names`` becomes a project with the settings and deployment process
steps of ``from`` (found in ``from_space`` when given, else in the space being
planned; with ``--space`` repeated or ``--all-spaces`` the copies go to every space
planned). Everything the steps refer to (feeds, worker pools, environments,
accounts, step templates), the project group and the lifecycle must exist by name in
the target space. A project that exists already gets the steps it lacks (by name).
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param("from", "Name of the project to copy (stored in the database, not in Git)"),
    Param("names", "Comma-separated names of the projects to create", kind="list"),
    Param("from_space", "Space holding the project to copy (default: each space planned)",
          default=None),
    Param("group", "Project group of the copies (default: the source's, by name)", default=None),
    Param("lifecycle", "Lifecycle of the copies (default: the source's, by name)", default=None),
)  # fmt: skip


def statements(octo, names, from_space, group, lifecycle, **given):
    return [
        octo.projects.ensure(
            name, like=given["from"], like_space=from_space, group=group, lifecycle=lifecycle
        )
        for name in names
    ]
