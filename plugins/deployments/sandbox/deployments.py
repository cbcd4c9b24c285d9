"""Deployments (REFERENCE §8.2): create (with the server's checks), list, get and delete.

``POST /deployments`` answers 201 and creates a ``Deploy`` server task that
runs the steps of the release's frozen process that apply to the
environment, channel and tenant (``runs.plan_steps``). Every refusal is
the server's ``Deployment creation failed.`` with the reasons in ``Errors``,
except a bad schedule (``Deployment Schedule is invalid.``). A project's
tenancy decides whether ``TenantId`` is required or refused; a tenant must be
connected to the project in the environment; and the environment must be one
the release's lifecycle allows now (``lifecycle``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octoflow_plugins.deployments.sandbox import lifecycle, runs
from octoflow_plugins.deployments.sandbox.runs import Draft

from octoflow.sandbox.area import CIDict, Doc, Request, Router, SandboxError, State

COLLECTION = "Deployments"
QUERY = "{?skip,take,ids,projects,environments,tenants,channels,taskState,partialName}"
FAILED = "Deployment creation failed."
BAD_SCHEDULE = "Deployment Schedule is invalid."
FILTERS = (
    ("ids", "Id"),
    ("projects", "ProjectId"),
    ("environments", "EnvironmentId"),
    ("tenants", "TenantId"),
    ("channels", "ChannelId"),
)


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "ReleaseId": None,
        "EnvironmentId": None,
        "TenantId": None,
        "ForcePackageDownload": False,
        "ForcePackageRedeployment": False,
        "SkipActions": [],
        "SpecificMachineIds": [],
        "ExcludedMachineIds": [],
        "DeploymentProcessId": None,
        "ManifestVariableSetId": None,
        "TaskId": None,
        "ProjectId": None,
        "ChannelId": None,
        "UseGuidedFailure": False,
        "Comments": None,
        "FormValues": {},
        "QueueTime": None,
        "QueueTimeExpiry": None,
        "Created": None,
        "DeployedBy": None,
        "DeployedById": None,
        "DeployedToMachineIds": [],
        "FailureEncountered": False,
        "Changes": [],
        "ChangesMarkdown": "",
        "TentacleRetentionPeriod": None,
        "SpaceId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    space, doc_id = doc["SpaceId"], doc["Id"]
    return {
        "Self": f"/api/{space}/deployments/{doc_id}",
        "Release": f"/api/{space}/releases/{doc['ReleaseId']}",
        "Environment": f"/api/{space}/environments/{doc['EnvironmentId']}",
        "Project": f"/api/{space}/projects/{doc['ProjectId']}",
        "Channel": f"/api/{space}/channels/{doc['ChannelId']}",
        "Web": f"/app#/{space}/deployments/{doc_id}",
        **runs.run_links(space, doc),
    }


# -- creating ----------------------------------------------------------------------------------


def check_deployment(state: State, space: str, body: Mapping[str, Any]) -> Draft:
    """Validate a deployment request (PascalCase keys, any case); raises the server's 400."""
    body = body if isinstance(body, CIDict) else CIDict(body.items())
    release = runs.in_space(state, "Releases", body.get("ReleaseId"), space)
    env = runs.in_space(state, "Environments", body.get("EnvironmentId"), space)
    found = [("release", "ReleaseId", release), ("environment", "EnvironmentId", env)]
    runs.require_found(found, body, FAILED)
    assert release is not None and env is not None
    project = state.require("Projects", release["ProjectId"])
    mode = project.get("TenantedDeploymentMode") or "Untenanted"
    tenant, errors = runs.tenant_for(state, project, mode, project, env, body.get("TenantId"))
    if project.get("IsDisabled"):
        errors.append(f"The project '{project['Name']}' is disabled, so it cannot be deployed.")
    if not errors:
        errors += _lifecycle_errors(state, release, project, env, tenant)
    process = state.get("DeploymentProcesses", release.get("ProjectDeploymentProcessSnapshotId"))
    skip = [str(s) for s in body.get("SkipActions") or []]
    errors += runs.unknown_actions(process, skip, "the release's process")
    errors += runs.field_errors(state, body)
    if errors:
        raise SandboxError(400, FAILED, errors=errors)
    guided = runs.guided_failure(state, project, env["Id"], body.get("UseGuidedFailure"))
    doc = defaults()
    doc.update(runs.request_fields(body, doc, BAD_SCHEDULE))
    doc.update(
        Name=f"Deploy to {env['Name']}",
        ReleaseId=release["Id"],
        EnvironmentId=env["Id"],
        TenantId=tenant["Id"] if tenant else None,
        ProjectId=project["Id"],
        ChannelId=release["ChannelId"],
        DeploymentProcessId=release.get("ProjectDeploymentProcessSnapshotId"),
        ForcePackageRedeployment=bool(body.get("ForcePackageRedeployment")),
        UseGuidedFailure=guided,
        SpaceId=space,
    )
    text = f"Deploy {project['Name']} release {release['Version']} to {env['Name']}"
    text += f" for {tenant['Name']}" if tenant else ""
    steps = runs.plan_steps(state, process, env["Id"], release["ChannelId"], tenant, skip)
    related = [project["Id"], env["Id"], *([tenant["Id"]] if tenant else [])]
    return Draft(doc, steps, guided, text, related)


def _lifecycle_errors(
    state: State, release: Doc, project: Doc, env: Doc, tenant: Doc | None
) -> list[str]:
    """The lifecycle refusal (UNCONFIRMED wording: no real server text was found)."""
    allowed = lifecycle.allowed_environment_ids(state, release, tenant["Id"] if tenant else None)
    if env["Id"] in allowed:
        return []
    names = [(state.get("Environments", e) or {}).get("Name", e) for e in allowed]
    cycle = lifecycle.lifecycle_of(state, release) or {}
    who = f" for the tenant '{tenant['Name']}'" if tenant else ""
    return [
        f"Release '{release['Version']}' of project '{project['Name']}' cannot be deployed to "
        f"'{env['Name']}'{who}: the lifecycle '{cycle.get('Name')}' allows it to be deployed to "
        f"{', '.join(names) or 'no environment'} now. Each phase must be complete before the "
        "release moves on."
    ]


def store_deployment(state: State, draft: Draft, user_id: str | None) -> Doc:
    """Store a checked deployment and create its task (``user_id`` None: the administrator)."""
    return runs.store(
        state, COLLECTION, draft, user_id, ("Deploy", "DeploymentId", "deployment"), links
    )


def stored(req: Request, drafts: list[Draft]) -> list[Doc]:
    """Store checked deployments as the requesting user and tell the other areas; none
    is stored when another area's admission check refuses one (``req.admit``)."""
    for draft in drafts:
        req.admit(COLLECTION, draft.doc)
    docs = [store_deployment(req.state, d, req.user_id) for d in drafts]
    for doc in docs:
        req.changed(COLLECTION, None, doc)
    return docs


# -- routes -------------------------------------------------------------------------------------


def create(req: Request) -> tuple[int, Doc]:
    draft = check_deployment(req.state, req.space_id, req.json_object())
    return 201, stored(req, [draft])[0]


def list_deployments(req: Request) -> Doc:
    items = req.state.values(COLLECTION, req.space_id)
    base = f"/api/{req.space_id}/deployments"
    return runs.listing(req, items, FILTERS, "Deployment", base)


def get_deployment(req: Request) -> Doc:
    return runs.find(req, COLLECTION, req.path_params["id"])


def delete_deployment(req: Request) -> tuple[int, None]:
    return runs.delete(req, COLLECTION)


def register_routes(router: Router) -> None:
    router.space("GET", "/deployments", list_deployments)
    router.space("POST", "/deployments", create)
    router.space("GET", "/deployments/{id}", get_deployment)
    router.space("DELETE", "/deployments/{id}", delete_deployment)
    router.link("Deployments", "/deployments{/id}" + QUERY)
    router.add_field_names(defaults())
