"""Create a release of a project, choosing its package versions by rule.

The version is the project's next version unless given (a jinja2 pattern such
as "2026.11.{{ next }}" is allowed). Package rules, comma-separated: "latest"
(the default), a version for every package ("1.2.3"), or per step
"Deploy Web:1.2.3", "Deploy Web:[1.0,2.0)" (latest in a range),
"Deploy Web:tag=^beta" (latest pre-release with that tag), and
"same-as:1.4.0" to copy another release's versions. The channel's version
rules always apply. The plan shows every version chosen. A release that
already exists with that version is reused; with the next version, no release
is made when the channel's latest one already has these package versions
(force=true makes one anyway).
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param("project", "Comma-separated project names"),
    Param("channel", "Channel name (default: the project's default channel)", default=""),
    Param("version", "Release version or jinja2 pattern (default: the next version)", default=""),
    Param("packages", "Package version rules, e.g. latest or Deploy Web:1.2.3", default="latest"),
    Param("notes", "Release notes (jinja2 template)", default=""),
    Param(
        "force",
        "Create a release even if the latest has the same packages",
        kind="bool",
        default=False,
    ),
)


def statements(octo, project, channel, version, packages, notes, force):
    return octo.releases.create(
        project, channel=channel, version=version, packages=packages, notes=notes, force=force
    )
