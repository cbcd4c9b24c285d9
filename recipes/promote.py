"""Promote every release current in one environment that is not yet in the next.

For every project (or those named in project, or in the groups in group), the
release successfully current in from_env is deployed to to_env unless it is
current (or being deployed) there already; tenanted projects are promoted per
tenant. The plan lists each release and where it goes; the lifecycle must
allow it. With wait=true, apply follows every deployment to its end.
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param("from_env", "Environment to promote from, e.g. Test"),
    Param("to_env", "Environment to promote to, e.g. Staging"),
    Param("project", "Only these projects (comma-separated)", kind="list", default=[]),
    Param("group", "Only projects in these project groups", kind="list", default=[]),
    Param("wait", "Wait for the deployments to finish", kind="bool", default=False),
    Param("timeout", "Seconds to wait before failing", kind="int", default=1800),
)


def statements(octo, from_env, to_env, project, group, wait, timeout):
    projects = None
    if project or group:
        projects = octo.projects.where(name=project) if project else octo.projects
        if group:
            projects = projects.where(group=group)
    return octo.deployments.promote(from_env, to_env, projects=projects, wait=wait, timeout=timeout)
