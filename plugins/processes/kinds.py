"""The document kinds the processes provider writes."""

from __future__ import annotations

from octoflow.provider import ResourceKind

DEPLOYMENT_PROCESS = "DeploymentProcess"
RUNBOOK_PROCESS = "RunbookProcess"
RUNBOOK = "Runbook"
RUNBOOK_SNAPSHOT = "RunbookSnapshot"
PROJECT = "Project"
#: A version-controlled project's deployment process at a branch; its id is
#: ``{project id}/{full ref, URL-escaped}`` (see ``git.git_resource_id``).
GIT_PROCESS = "GitDeploymentProcess"
#: A runbook's process kept in Git: ``{project id}/{ref}/runbookProcesses/{id}``.
GIT_RUNBOOK_PROCESS = "GitRunbookProcess"
#: A version-controlled project's deployment settings at a branch (same id scheme).
GIT_SETTINGS = "GitDeploymentSettings"
#: A branch of a version-controlled project (created by a ``run`` operation).
GIT_BRANCH = "GitBranch"
#: Text of the 400 a server answers when a process was saved by someone else
#: between our read and our write (deployment and runbook processes alike).
VERSION_CONFLICT = "another user has made changes to the"

KINDS = (
    ResourceKind(
        DEPLOYMENT_PROCESS,
        "deploymentprocesses",
        version_conflict=VERSION_CONFLICT,
        token="Version",
    ),
    ResourceKind(
        RUNBOOK_PROCESS, "runbookProcesses", version_conflict=VERSION_CONFLICT, token="Version"
    ),
    ResourceKind(RUNBOOK, "runbooks"),
    ResourceKind(RUNBOOK_SNAPSHOT, "runbookSnapshots", batch_read=False),
    ResourceKind(PROJECT, "projects"),
    # The server answers a stale Version under a git ref with 409 (UNCONFIRMED; the
    # database route's 400 wording is accepted too).
    ResourceKind(
        GIT_PROCESS,
        "deploymentprocesses",
        batch_read=False,
        document_path="projects/{id}/deploymentprocesses",
        version_conflict=VERSION_CONFLICT,
        token="Version",
        not_undoable="a commit to the project's Git repository: revert it there",
        audited=False,
    ),
    ResourceKind(
        GIT_RUNBOOK_PROCESS,
        "runbookProcesses",
        batch_read=False,
        document_path="projects/{id}",
        version_conflict=VERSION_CONFLICT,
        token="Version",
        not_undoable="a commit to the project's Git repository: revert it there",
        audited=False,
    ),
    # No concurrency token: a write is read back after apply, as for any such document.
    ResourceKind(
        GIT_SETTINGS,
        "deploymentsettings",
        batch_read=False,
        document_path="projects/{id}/deploymentsettings",
        not_undoable="a commit to the project's Git repository: revert it there",
        audited=False,
    ),
    ResourceKind(GIT_BRANCH, "git/branches", batch_read=False),
)
