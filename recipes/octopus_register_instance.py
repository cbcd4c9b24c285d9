"""Register an Octopus instance as a cloud region target, its connection in variables.

Ensures a cloud region target called name, with the role octopus-instance, in
the environments given (and for the tenants or canonical tenant tags given),
and sets three variables scoped to that target in a project's variables or a
library variable set's: Octoflow.Octopus.Url, Octoflow.Octopus.Space and
Octoflow.Octopus.ApiKey (sensitive). The API key is read from the environment
variable named by api_key_env when the plan is applied: it is never a parameter
and never in a plan. A runbook step running on behalf of the role
octopus-instance then runs once per registered instance. Running it again with
the same inputs changes nothing; rotate_key sends the key again.
"""

from octoflow_plugins.targets.endpoints import Endpoint

from octoflow.errors import UsageError
from octoflow.recipe import Param

ROLE = "octopus-instance"

PARAMETERS = (
    Param("name", "Name of the target standing for the instance, e.g. octopus-eu"),
    Param("url", "URL of the instance, e.g. https://eu.octopus.example.com"),
    Param("space", "Space to manage on the instance: a name or an id", default="Spaces-1"),
    Param("environments", "Comma-separated environments the target is in", kind="list"),
    Param(
        "tenants",
        "Comma-separated tenants, or canonical tenant tags (Set/Tag), the target is for",
        kind="list",
        default=[],
    ),
    Param("project", "Project whose variables hold the connection", default=None),
    Param("library_set", "Library variable set holding the connection instead", default=None),
    Param(
        "api_key_env",
        "Environment variable holding the instance's API key, read when applying",
        default="OCTOFLOW_INSTANCE_API_KEY",
    ),
    Param("rotate_key", "Send the API key again although it is set", kind="bool", default=False),
)


def statements(
    octo, name, url, space, environments, tenants, project, library_set, api_key_env, rotate_key
):
    if bool(project) == bool(library_set):
        raise UsageError(
            "octopus-register-instance needs one of project or library_set: "
            "where the connection variables go"
        )
    if not url.lower().startswith(("https://", "http://")):
        raise UsageError(f"url must start with https:// or http://, not {url!r}")
    target = octo.targets.ensure(
        name,
        Endpoint.cloud_region(),
        roles=[ROLE],
        environments=environments,
        tenants=[t for t in tenants if "/" not in t],
        tenant_tags=[t for t in tenants if "/" in t],
    )
    owner = octo.variables.project(project) if project else octo.variables.library(library_set)
    scope = {"targets": [target]}
    variables = (
        owner.set("Octoflow.Octopus.Url", url, scope=scope)
        .set("Octoflow.Octopus.Space", space, scope=scope)
        .set(
            "Octoflow.Octopus.ApiKey",
            sensitive=True,
            from_env=api_key_env,
            rotate=rotate_key,
            scope=scope,
        )
    )
    return [target, variables]
