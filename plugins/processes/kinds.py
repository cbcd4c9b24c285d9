"""The document kinds the processes provider writes."""

from __future__ import annotations

from octoflow.provider import ResourceKind

DEPLOYMENT_PROCESS = "DeploymentProcess"
RUNBOOK_PROCESS = "RunbookProcess"
RUNBOOK = "Runbook"
RUNBOOK_SNAPSHOT = "RunbookSnapshot"
PROJECT = "Project"
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
)
