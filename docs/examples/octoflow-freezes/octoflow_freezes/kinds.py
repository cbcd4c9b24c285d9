"""The one kind of document this provider writes."""

from __future__ import annotations

from octoflow.provider import ResourceKind

FREEZE = "DeploymentFreeze"

KINDS = (
    # Freezes belong to the Octopus instance, not to a space (/api/deploymentfreezes).
    # Their list answers {"DeploymentFreezes": [...], "Count": n}, not the Items envelope
    # ?ids= batch reads expect, so apply re-reads a freeze on its own before writing it.
    ResourceKind(FREEZE, "deploymentfreezes", space_scoped=False, batch_read=False),
)
