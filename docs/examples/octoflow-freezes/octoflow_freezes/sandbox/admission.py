"""Deployments inside a freeze are refused, as the server refuses them.

A deployment (``POST /deployments`` or the executions API) is refused while a freeze
covers its project and environment (``ProjectEnvironmentScope``), or its tenant,
project and environment (``TenantProjectEnvironmentScope``), at the moment it is to
run: now, or its ``QueueTime``. The refusal is Octopus's validation envelope, a 400
``There was a problem with your request.`` with one reason per freeze; an Octopus CLI
transcript shows ``The environment Dev is frozen by freeze 1.`` for an untenanted
deployment (the 400 status itself is UNCONFIRMED). Overriding a freeze
(``POST /deployments/override``) is not modelled.
"""

from __future__ import annotations

from typing import Any

from octoflow.sandbox.area import Request, Router

from octoflow_freezes.sandbox.freezes import (
    COLLECTION,
    SCOPE,
    TENANT_SCOPE,
    in_force,
    moment,
    now,
)

Doc = dict[str, Any]


def refusals(req: Request, deployment: Doc) -> list[str]:
    """Why ``deployment`` must not be created: the freezes in force that cover it."""
    at = moment(deployment.get("QueueTime")) or now(req.state)
    project, tenant = deployment.get("ProjectId"), deployment.get("TenantId")
    environment = deployment.get("EnvironmentId")
    shown = (req.state.get("Environments", environment) or {}).get("Name", environment)
    reasons = []
    for freeze in req.state.values(COLLECTION):
        if not in_force(freeze, at):
            continue
        if environment in (freeze.get(SCOPE) or {}).get(project, []):
            reasons.append(f"The environment {shown} is frozen by {freeze['Name']}.")
        elif tenant and [tenant, project, environment] in _entries(freeze):
            name = (req.state.get("Tenants", tenant) or {}).get("Name", tenant)
            # UNCONFIRMED: the wording for a tenant-scoped freeze.
            reasons.append(
                f"The environment {shown} is frozen by {freeze['Name']} for the tenant {name}."
            )
    return reasons


def _entries(freeze: Doc) -> list[list[Any]]:
    return [
        [e.get("TenantId"), e.get("ProjectId"), e.get("EnvironmentId")]
        for e in freeze.get(TENANT_SCOPE) or []
    ]


def register(router: Router) -> None:
    router.admission("Deployments", refusals)
