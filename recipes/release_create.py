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

A version-controlled (Config-as-Code) project's release is made from its
default branch, or from git_ref (a branch, a tag or a full ref such as
refs/heads/main) and, to release an older commit, git_commit; the plan shows
the ref. Without git_commit the release snapshots the ref's head when it is
created, so it is always made (never skipped as a repeat of the latest).
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
    Param("git_ref", "Git branch, tag or ref to release (version-controlled projects)", default=""),
    Param("git_commit", "Git commit to release instead of the ref's head", default=""),
)


def statements(octo, project, channel, version, packages, notes, force, git_ref, git_commit):
    return octo.releases.create(
        project,
        channel=channel,
        version=version,
        packages=packages,
        notes=notes,
        force=force,
        git_ref=git_ref,
        git_commit=git_commit,
    )
