"""Deploy several projects to one environment in dependency order.

The spec is a JSON file: a list of entries {"project": "Orders API",
"release": "2.1.0", "after": ["Database"]} ("release" defaults to latest,
"after" to none). Projects start once everything they come after has
succeeded; independent ones run in parallel. A failure stops every project
that depends on it, and the recap says which. With wait=true, apply also
waits for the projects nothing depends on.
"""

import json

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    Param("spec", "JSON file listing the projects and what each comes after", kind="file"),
    Param("environment", "Environment to deploy to"),
    Param("tenant_tag", "Deploy tenanted projects to tenants with this tag", default=""),
    Param("wait", "Wait for every deployment to finish", kind="bool", default=False),
    Param("timeout", "Seconds to wait for each deployment", kind="int", default=1800),
)


def statements(octo, spec, environment, tenant_tag, wait, timeout):
    try:
        entries = json.loads(spec.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise UsageError(f"spec {spec} is not valid JSON: {exc}") from None
    if isinstance(entries, dict):
        entries = entries.get("projects")
    if not isinstance(entries, list):
        raise UsageError(f"spec {spec} must be a JSON list of projects (or {{'projects': [...]}})")
    tenants = octo.tenants.where(tag=tenant_tag) if tenant_tag else None
    return octo.deployments.coordinated(
        entries, to=environment, tenants=tenants, wait=wait, timeout=timeout
    )
