"""Deploy a release of a project to an environment, optionally to tagged tenants.

The release is a version or "latest" (the newest, in the channel if one is
named). The plan checks the lifecycle (the environment must be one the
release may go to next) and skips environments and tenants where the release
is already current unless force=true. For tenanted projects, tenant_tag picks
the tenants (those connected to the project in that environment). With
wait=true, apply follows each deployment's task and fails when one fails or
timeout seconds pass. Prompted variables are given as comma-separated
Name=Value pairs; queue_time (an ISO 8601 date-time) schedules the deployments.
"""

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    Param("project", "Comma-separated project names"),
    Param("version", "Release version, or latest", default="latest"),
    Param("environment", "Comma-separated environment names"),
    Param("channel", "Channel of the latest release (default: any)", default=""),
    Param(
        "tenant_tag",
        "Deploy to tenants with this tag, e.g. Region/EU (* for every tenant)",
        default="",
        everything="every tenant",
    ),
    Param("skip_steps", "Comma-separated step names to skip", kind="list", default=[]),
    Param(
        "variables",
        "Prompted variable values: Name=Value, comma-separated",
        kind="list",
        default=[],
    ),
    Param("queue_time", "Start the deployments at this ISO 8601 date-time", default=""),
    Param("force", "Redeploy where the release is current already", kind="bool", default=False),
    Param("wait", "Wait for the deployments to finish", kind="bool", default=False),
    Param("timeout", "Seconds to wait before failing", kind="int", default=1800),
)


def statements(
    octo,
    project,
    version,
    environment,
    channel,
    tenant_tag,
    skip_steps,
    variables,
    queue_time,
    force,
    wait,
    timeout,
):
    tenants = octo.tenants.where(tag=tenant_tag) if tenant_tag else None
    values = {}
    for pair in variables:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"variables: {pair!r} is not Name=Value")
        values[name.strip()] = value
    return octo.deployments.deploy(
        project,
        release=version,
        to=environment,
        channel=channel,
        tenants=tenants,
        skip_steps=skip_steps,
        variables=values,
        queue_time=queue_time,
        force=force,
        wait=wait,
        timeout=timeout,
    )
