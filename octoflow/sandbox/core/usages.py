"""Where a document is used: the ``/usages`` answers of accounts and certificates.

Octopus works these out from its own references; the sandbox looks for the id
as a value anywhere in a document (a target's endpoint, a step's properties, a
variable's value), which finds the same places for ids that are only ever used
as references.
"""

from __future__ import annotations

from typing import Any

from octoflow.sandbox.state import State


def mentions(value: Any, doc_id: str) -> bool:
    """Whether ``doc_id`` is a value somewhere inside ``value``."""
    if isinstance(value, str):
        return value == doc_id
    if isinstance(value, dict):
        return any(mentions(v, doc_id) for k, v in value.items() if k not in ("Id", "Links"))
    if isinstance(value, list):
        return any(mentions(v, doc_id) for v in value)
    return False


def using(state: State, collection: str, space_id: str, doc_id: str) -> list[dict[str, Any]]:
    """The documents of ``collection`` in the space that refer to ``doc_id``."""
    return [d for d in state.values(collection, space_id) if mentions(d, doc_id)]


def step_usages(state: State, space_id: str, doc_id: str) -> list[dict[str, Any]]:
    """``StepUsage`` entries: per project, the deployment steps that refer to ``doc_id``."""
    out = []
    for process in state.values("DeploymentProcesses", space_id):
        steps = [
            {"StepId": step.get("Id"), "StepName": step.get("Name")}
            for step in process.get("Steps") or []
            if mentions(step, doc_id)
        ]
        project = state.get("Projects", process.get("ProjectId"))
        if steps and project is not None:
            out.append(
                {
                    "ProjectId": project["Id"],
                    "ProjectName": project["Name"],
                    "ProjectSlug": project.get("Slug"),
                    "Steps": steps,
                }
            )
    return out
