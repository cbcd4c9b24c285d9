"""Projects (REFERENCE §6.1): CRUD by id or slug, a default channel per project."""

from __future__ import annotations

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.core.channels import CHANNELS, create_default_channel
from octoflow.sandbox.core.logos import register_logo
from octoflow.sandbox.core.values import TEMPLATE_FIELDS, VALUE_FIELDS, normalise_templates
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.paging import page
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

TENANTED_MODES = ("Untenanted", "TenantedOrUntenanted", "Tenanted")
GUIDED_FAILURE_MODES = ("EnvironmentDefault", "Off", "On")
VERSION_TEMPLATE = (
    "#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}"
)
NESTED_FIELDS = (
    "Type",
    "Template",
    "DonorPackage",
    "DonorPackageStepId",
    "ChannelId",
    "ReleaseCreationPackage",
    "ReleaseCreationPackageStepId",
    "SkipMachineBehavior",
    "TargetRoles",
    "AllowDeploymentsToNoTargets",
    "ExcludeUnhealthyTargets",
    "ExtensionId",
    "Values",
)


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "Description": "",
        "SpaceId": None,
        "ProjectGroupId": None,
        "LifecycleId": None,
        "DeploymentProcessId": None,
        "VariableSetId": None,
        "IncludedLibraryVariableSetIds": [],
        "TenantedDeploymentMode": "Untenanted",
        "DefaultGuidedFailureMode": "EnvironmentDefault",
        "DefaultToSkipIfAlreadyInstalled": False,
        "DiscreteChannelRelease": False,
        "AutoCreateRelease": False,
        "IsDisabled": False,
        "IsVersionControlled": False,
        "PersistenceSettings": {"Type": "Database"},
        "VersioningStrategy": {
            "Template": VERSION_TEMPLATE,
            "DonorPackage": None,
            "DonorPackageStepId": None,
        },
        "ReleaseCreationStrategy": {
            "ChannelId": None,
            "ReleaseCreationPackage": None,
            "ReleaseCreationPackageStepId": None,
        },
        "ProjectConnectivityPolicy": {
            "SkipMachineBehavior": "None",
            "TargetRoles": [],
            "AllowDeploymentsToNoTargets": False,
            "ExcludeUnhealthyTargets": False,
        },
        "Templates": [],
        "AutoDeployReleaseOverrides": [],
        "ExtensionSettings": [],
        "ReleaseNotesTemplate": None,
        "DeploymentChangesTemplate": None,
        "ClonedFromProjectId": None,
        "CombineHealthAndSyncStatusInDashboardLiveStatus": False,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    """The project's links. ``OrderChannels`` (REFERENCE §6.1, a 2019.8 capture) is left
    out: swagger-2020.5.json has no route behind it and no newer source names one, and a
    link that answers 404 breaks clients that follow every link."""
    space, pid = doc["SpaceId"], doc["Id"]
    base = f"/api/{space}/projects/{pid}"
    found = {
        "Self": base,
        "Releases": base + "/releases{/version}{?skip,take,searchByVersion}",
        "Channels": base + "/channels{?skip,take,partialName}",
        "Triggers": base + "/triggers{?skip,take,partialName,triggerActionType}",
        "Variables": f"/api/{space}/variables/{doc['VariableSetId']}",
        "Progression": base + "/progression{?aggregate}",
        "DeploymentProcess": base + "/deploymentprocesses",
        "DeploymentSettings": base + "/deploymentsettings",
        "Runbooks": base + "/runbooks{?skip,take,partialName}",
        "Summary": base + "/summary",
        "Metadata": base + "/metadata",
        "Logo": base + "/logo",
        "Web": f"/app#/{space}/projects/{pid}",
    }
    if doc.get("IsVersionControlled"):
        found.update(git_links(doc, base))
    return found


def git_links(doc: Doc, base: str) -> dict[str, str]:
    """A version-controlled project's documents live in Git, read under a ``{gitRef}``
    (OctopusClients expands these links with the ref; go-octopusdeploy's captured
    links for Branches, Tags and Commits)."""
    found = {
        "DeploymentProcess": base + "/{gitRef}/deploymentprocesses",
        "DeploymentSettings": base + "/{gitRef}/deploymentsettings",
        "Branches": base + "/git/branches{/name}{?skip,take,searchByName,refresh}",
        "Tags": base + "/git/tags{/name}{?skip,take,searchByName,refresh}",
        "Commits": base + "/git/commits{/hash}{?skip,take,refresh}",
    }
    conversion = (doc.get("PersistenceSettings") or {}).get("ConversionState") or {}
    if conversion.get("RunbooksAreInGit"):
        found["Runbooks"] = base + "/{gitRef}/runbooks{?skip,take,partialName}"
    if conversion.get("VariablesAreInGit"):
        # OctopusClients VariableSetRepository.Get: text variables under a ref through
        # "Variables", the sensitive ones (kept in the database) through "SensitiveVariables".
        found["Variables"] = base + "/{gitRef}/variables"
        found["SensitiveVariables"] = base + "/variables"
    return found


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    doc["TenantedDeploymentMode"] = _canonical(doc["TenantedDeploymentMode"], TENANTED_MODES)
    doc["DefaultGuidedFailureMode"] = _canonical(
        doc["DefaultGuidedFailureMode"], GUIDED_FAILURE_MODES
    )
    doc["Templates"], errors = normalise_templates(doc["Templates"])
    return errors


def _canonical(value: object, allowed: tuple[str, ...]) -> object:
    if isinstance(value, str):
        return next((a for a in allowed if a.lower() == value.lower()), value)
    return value


def validate(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    state, space = req.state, req.space_id
    errors = []
    for field, collection in (("ProjectGroupId", "ProjectGroups"), ("LifecycleId", "Lifecycles")):
        ref = doc.get(field)
        if not ref:
            errors.append(f"The {field} field is required.")
        elif _in_space(state, collection, ref, space) is None:
            errors.append(f"The {field} '{ref}' does not exist in {space}.")
    for set_id in doc["IncludedLibraryVariableSetIds"]:
        if _in_space(state, "LibraryVariableSets", set_id, space) is None:
            errors.append(f"The library variable set '{set_id}' does not exist in {space}.")
    if doc["TenantedDeploymentMode"] not in TENANTED_MODES:
        errors.append(f"TenantedDeploymentMode must be one of {', '.join(TENANTED_MODES)}.")
    if doc["DefaultGuidedFailureMode"] not in GUIDED_FAILURE_MODES:
        errors.append(f"DefaultGuidedFailureMode must be one of {', '.join(GUIDED_FAILURE_MODES)}.")
    return errors


def _in_space(state: State, collection: str, ref: str, space: str | None) -> Doc | None:
    found = state.get(collection, ref)
    return found if found is not None and found.get("SpaceId") == space else None


def finish(state: State, doc: Doc) -> None:
    doc["DeploymentProcessId"] = f"deploymentprocess-{doc['Id']}"
    doc["VariableSetId"] = f"variableset-{doc['Id']}"


def after_create(req: Request, doc: Doc) -> None:
    create_default_channel(req.state, doc)


def remove_channels(req: Request, doc: Doc) -> None:
    for channel in req.state.values("Channels", doc["SpaceId"]):
        if channel.get("ProjectId") == doc["Id"]:
            req.state.remove("Channels", channel["Id"])


def cloned_filter(req: Request, items: list[Doc]) -> list[Doc]:
    source = req.query.get("clonedFromProjectId")
    return [d for d in items if d.get("ClonedFromProjectId") == source] if source else items


def channels(req: Request) -> dict:
    project = PROJECTS.find(req, req.path_params["id"])
    found = [c for c in CHANNELS.select(req) if c.get("ProjectId") == project["Id"]]
    base = f"/api/{req.space_id}/projects/{project['Id']}/channels"
    return page(req, found, "Channel", base, "{?skip,take,partialName}")


PROJECTS = Resource(
    collection="Projects",
    segment="projects",
    item_type="Project",
    noun="project",
    query_template="{?name,skip,ids,clone,take,partialName,clonedFromProjectId}",
    defaults=defaults,
    links=links,
    prepare=prepare,
    validate=validate,
    finish=finish,
    after_create=after_create,
    on_delete=remove_channels,
    filters=cloned_filter,
    by_slug=True,
    keep_on_update=("DeploymentProcessId", "VariableSetId"),
    clone_from="ClonedFromProjectId",
    nested_fields=TEMPLATE_FIELDS + VALUE_FIELDS + NESTED_FIELDS,
)


def metadata(req: Request) -> list:
    """Custom settings metadata from the server's extensions (ProjectSettingsMetadata[]).

    The sandbox has no extensions (Jira, ServiceNow …), so the list is empty; what a
    real server with none installed answers is UNCONFIRMED.
    """
    PROJECTS.find(req, req.path_params["id"])
    return []


def register_routes(router: Router) -> None:
    register(router, PROJECTS)
    register_logo(router, PROJECTS)
    router.space("GET", "/projects/{id}/channels", channels)
    router.space("GET", "/projects/{id}/metadata", metadata)
    router.link(
        "Projects", "/projects{/id}{?name,skip,ids,clone,take,partialName,clonedFromProjectId}"
    )
