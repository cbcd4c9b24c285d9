"""Process documents: deployment and runbook processes (REFERENCE §7.1, §7.3).

Their shape and links are shared by the processes area, which serves and
versions them, and the deployments area, which stores the frozen copy of a
project's process that each release keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from octoflow.sandbox.crud import Doc
from octoflow.sandbox.state import State


@dataclass(frozen=True)
class ProcessKind:
    """What differs between deployment processes and runbook processes."""

    collection: str
    segment: str
    item_type: str
    conflict: str
    frozen: str
    links: Callable[[Doc], dict[str, str]]


def deployment_links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/deploymentprocesses/{doc['Id']}"
    return {
        "Self": base,
        "Project": f"/api/{doc['SpaceId']}/projects/{doc['ProjectId']}",
        "Template": base + "/template{?channel,releaseId}",
    }


def runbook_links(doc: Doc) -> dict[str, str]:
    space = doc["SpaceId"]
    base = f"/api/{space}/runbookProcesses/{doc['Id']}"
    return {
        "Self": base,
        "Project": f"/api/{space}/projects/{doc['ProjectId']}",
        "Runbook": f"/api/{space}/runbooks/{doc['RunbookId']}",
        "RunbookSnapshotTemplate": base + "/runbookSnapshotTemplate",
    }


DEPLOYMENT = ProcessKind(
    collection="DeploymentProcesses",
    segment="deploymentprocesses",
    item_type="DeploymentProcess",
    conflict=(
        "Changes to this deployment process could not be saved, because another user has "
        "made changes to the deployment process between when you started editing and when "
        "you saved your changes. Please reload or open a new tab to make your changes."
    ),
    frozen=(
        "You cannot modify this deployment process because it is frozen. You'll need to "
        "create a new deployment process instead."
    ),
    links=deployment_links,
)
RUNBOOK = ProcessKind(
    collection="RunbookProcesses",
    segment="runbookProcesses",
    item_type="RunbookProcess",
    conflict=(
        "Changes to this process could not be saved, because another user has made changes "
        "to the process between when you started editing and when you saved your changes. "
        "Please reload or open a new tab to make your changes."
    ),
    frozen=(
        "You cannot modify this process because it is frozen. You'll need to create a new "
        "process instead."
    ),
    links=runbook_links,
)


def new_process(state: State, kind: ProcessKind, fields: Doc) -> Doc:
    """Store a process document (a new project's or runbook's, or a seeded one)."""
    doc: Doc = {"Id": None, "SpaceId": None, "ProjectId": None}
    if kind is RUNBOOK:
        doc["RunbookId"] = None
    doc.update({"Version": 0, "LastSnapshotId": None, "Steps": []})
    doc.update(fields)
    state.stamp(doc)
    doc["Links"] = kind.links(doc)
    return state.put(kind.collection, doc)
