"""Run a project's runbook in some environments, optionally for tagged tenants.

Runs the runbook's published snapshot, or the snapshot named in snapshot, once
per environment (and, with tenant_tag, once per tenant with that tag that is
connected to the project in that environment). The plan checks the runbook's
environment scope and tenancy first. A runbook run is an operation: applying
the recipe again runs the runbook again. With wait=true, apply follows each
run's task and fails when one fails or timeout seconds pass.
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param("project", "Name of the project"),
    Param("runbook", "Name of the runbook"),
    Param("environment", "Comma-separated environment names", kind="list"),
    Param(
        "tenant_tag",
        "Run for the tenants with this tag, e.g. Region/EU (* for every tenant)",
        default="",
        everything="every tenant",
    ),
    Param("snapshot", "Snapshot name or id to run (default: the published one)", default=""),
    Param("wait", "Wait for the runs to finish", kind="bool", default=False),
    Param("timeout", "Seconds to wait before failing", kind="int", default=1800),
)


def statements(octo, project, runbook, environment, tenant_tag, snapshot, wait, timeout):
    tenants = octo.tenants.where(tag=tenant_tag) if tenant_tag else None
    return octo.runbooks.run(
        project,
        runbook,
        environments=environment,
        tenants=tenants,
        snapshot=snapshot or None,
        wait=wait,
        timeout=timeout,
    )
