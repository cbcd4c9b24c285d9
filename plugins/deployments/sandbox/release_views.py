"""Release routes (REFERENCE §8.1): the paged lists, get, update, delete, a release's
deployments, its deployment template (where it may go next) and its lifecycle
progression.

Lists are newest first (``Assembled``, then id). Deleting a release deletes
its deployments; deleting a project deletes its releases.
"""

from __future__ import annotations

import random
import string
from typing import Any

from octoflow_plugins.deployments.sandbox import lifecycle
from octoflow_plugins.deployments.sandbox.releases import (
    COLLECTION,
    NESTED_FIELDS,
    RELEASE_QUERY,
    create_release,
    defaults,
    links,
    update_release,
)

from octoflow.sandbox.area import (
    DEPLOYMENT,
    PROJECTS,
    Request,
    Router,
    SandboxError,
    common_filters,
    not_found,
    page,
)

Doc = dict[str, Any]
NO_LIFECYCLE = "A lifecycle has not been assigned to this project."


def find(req: Request, ref: str) -> Doc:
    doc = req.state.get(COLLECTION, ref)
    if doc is None or doc.get("SpaceId") != req.space_id:
        raise not_found(ref)
    return doc


def newest_first(releases: list[Doc]) -> list[Doc]:
    return sorted(releases, key=lambda r: (r.get("Assembled") or "", _number(r)), reverse=True)


def _number(doc: Doc) -> int:
    return int(doc["Id"].rpartition("-")[2] or 0)


def _page(req: Request, items: list[Doc], base: str, template: str) -> Doc:
    search = (req.query.get("searchByVersion") or "").lower()
    if search:
        items = [r for r in items if search in r["Version"].lower()]
    return page(req, newest_first(items), "Release", base, template)


def list_releases(req: Request) -> Doc:
    items = common_filters(req, req.state.values(COLLECTION, req.space_id))
    return _page(req, items, f"/api/{req.space_id}/releases", RELEASE_QUERY)


def post_release(req: Request) -> tuple[int, Doc]:
    return 201, create_release(req, req.json_object())


def get_release(req: Request) -> Doc:
    return find(req, req.path_params["id"])


def put_release(req: Request) -> Doc:
    return update_release(req, find(req, req.path_params["id"]))


def delete_release(req: Request) -> tuple[int, None]:
    doc = find(req, req.path_params["id"])
    req.state.remove(COLLECTION, doc["Id"])
    req.changed(COLLECTION, doc, None)
    return 200, None


def forget_deployments(req: Request, old: Doc | None, new: Doc | None) -> None:
    """A deleted release takes its deployments with it."""
    if new is not None or old is None:
        return
    for deployment in req.state.values("Deployments", old["SpaceId"]):
        if deployment.get("ReleaseId") == old["Id"]:
            req.state.remove("Deployments", deployment["Id"])
            req.changed("Deployments", deployment, None)


def forget_project(req: Request, old: Doc | None, new: Doc | None) -> None:
    """A deleted project takes its releases (and their deployments) with it."""
    if new is not None or old is None:
        return
    for release in req.state.values(COLLECTION, old["SpaceId"]):
        if release.get("ProjectId") == old["Id"]:
            req.state.remove(COLLECTION, release["Id"])
            req.changed(COLLECTION, release, None)


def project_releases(req: Request) -> Doc:
    project = PROJECTS.find(req, req.path_params["id"])
    items = [
        r for r in req.state.values(COLLECTION, req.space_id) if r["ProjectId"] == project["Id"]
    ]
    base = f"/api/{req.space_id}/projects/{project['Id']}/releases"
    return _page(req, items, base, "{?skip,take,searchByVersion}")


def release_by_version(req: Request) -> Doc:
    project = PROJECTS.find(req, req.path_params["id"])
    version = req.path_params["version"].lower()
    for release in req.state.values(COLLECTION, req.space_id):
        if release["ProjectId"] == project["Id"] and release["Version"].lower() == version:
            return release
    raise not_found(req.path_params["version"])


def channel_releases(req: Request) -> Doc:
    channel = req.state.get("Channels", req.path_params["id"])
    if channel is None or channel.get("SpaceId") != req.space_id:
        raise not_found(req.path_params["id"])
    items = [
        r for r in req.state.values(COLLECTION, req.space_id) if r["ChannelId"] == channel["Id"]
    ]
    base = f"/api/{req.space_id}/channels/{channel['Id']}/releases"
    return _page(req, items, base, "{?skip,take,searchByVersion}")


def snapshot_variables(req: Request) -> Doc:
    """``POST /releases/{id}/snapshot-variables``: a fresh variable snapshot id."""
    doc = find(req, req.path_params["id"])
    old = dict(doc)
    rng = random.Random(f"{doc['Id']}/{doc['ProjectVariableSetSnapshotId']}")
    suffix = "".join(rng.choices(string.ascii_uppercase + string.digits, k=5))
    base, _, rest = str(doc["ProjectVariableSetSnapshotId"]).partition("-s-")
    number = int(rest.partition("-")[0] or 0) + 1 if rest else 1
    doc["ProjectVariableSetSnapshotId"] = f"{base}-s-{number}-{suffix}"
    req.state.stamp(doc)
    doc["Links"] = links(doc)
    req.changed(COLLECTION, old, doc)
    return doc


def register_routes(router: Router) -> None:
    router.space("GET", "/releases", list_releases)
    router.space("POST", "/releases", post_release)
    router.space("GET", "/releases/{id}", get_release)
    router.space("PUT", "/releases/{id}", put_release)
    router.space("DELETE", "/releases/{id}", delete_release)
    router.space("POST", "/releases/{id}/snapshot-variables", snapshot_variables)
    router.space("GET", "/projects/{id}/releases", project_releases)
    router.space("GET", "/projects/{id}/releases/{version}", release_by_version)
    router.space("GET", "/channels/{id}/releases", channel_releases)
    router.space("GET", "/releases/{id}/deployments", release_deployments)
    router.space("GET", "/releases/{id}/deployments/template", deployment_template)
    router.space("GET", "/releases/{id}/progression", release_progression)
    router.link("Releases", "/releases{/id}" + RELEASE_QUERY)
    router.add_field_names(list(defaults()) + list(NESTED_FIELDS))
    router.on_change(COLLECTION, forget_deployments)
    router.on_change("Projects", forget_project)


# -- a release's deployments, template and progression ----------------------------------------


def release_deployments(req: Request) -> Doc:
    """``/releases/{id}/deployments``: the release's deployments, newest first."""
    release = find(req, req.path_params["id"])
    items = sorted(
        lifecycle.release_deployments(req.state, release),
        key=lambda d: (d.get("Created") or "", _number(d)),
        reverse=True,
    )
    base = f"/api/{req.space_id}/releases/{release['Id']}/deployments"
    return page(req, items, "Deployment", base, "{?skip,take}")


def deployment_template(req: Request) -> Doc:
    """``/releases/{id}/deployments/template``: where the release may be deployed now."""
    release = find(req, req.path_params["id"])
    if lifecycle.lifecycle_of(req.state, release) is None:
        raise SandboxError(500, NO_LIFECYCLE)
    project = req.state.require("Projects", release["ProjectId"])
    deployments = lifecycle.release_deployments(req.state, release)
    tenants = []
    if project.get("TenantedDeploymentMode") != "Untenanted":
        connected = [
            t
            for t in sorted(req.state.values("Tenants", req.space_id), key=_by_name)
            if project["Id"] in (t.get("ProjectEnvironments") or {})
        ]
        tenants = [
            {
                "Id": t["Id"],
                "Name": t["Name"],
                "PromoteTo": _targets(
                    req,
                    lifecycle.allowed_environment_ids(req.state, release, t["Id"], deployments),
                ),
                "Links": {"Self": f"/api/{req.space_id}/tenants/{t['Id']}"},
            }
            for t in connected
        ]
    return {
        "Id": None,
        "PromoteTo": _targets(
            req, lifecycle.allowed_environment_ids(req.state, release, None, deployments)
        ),
        "TenantPromotions": tenants,
        "IsDeploymentProcessModified": _process_modified(req, release),
        "IsVariableSetModified": False,
        "IsLibraryVariableSetModified": False,
        "DeploymentNotes": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def _by_name(doc: Doc) -> tuple[str, str]:
    return ((doc.get("Name") or "").lower(), doc["Id"])


def _targets(req: Request, env_ids: list[str]) -> list[Doc]:
    out = []
    for env_id in env_ids:
        env = req.state.get("Environments", env_id)
        if env is not None:
            self_link = f"/api/{req.space_id}/environments/{env_id}"
            out.append({"Id": env_id, "Name": env["Name"], "Links": {"Self": self_link}})
    return out


def _process_modified(req: Request, release: Doc) -> bool:
    """Whether the project's process changed since the release froze its copy."""
    frozen = req.state.get(DEPLOYMENT.collection, release.get("ProjectDeploymentProcessSnapshotId"))
    project = req.state.get("Projects", release["ProjectId"]) or {}
    live = req.state.get(DEPLOYMENT.collection, project.get("DeploymentProcessId"))
    if frozen is None or live is None:
        return False
    return bool(frozen.get("Version") != live.get("Version"))


def release_progression(req: Request) -> Doc:
    """``/releases/{id}/progression``: the release's lifecycle phases and what comes next."""
    release = find(req, req.path_params["id"])
    phases = lifecycle.phase_states(req.state, release)
    deployments = lifecycle.release_deployments(req.state, release)
    out = [_phase(req, item, deployments) for item in phases]
    current = next((p for p in phases if p.reached and not p.complete), None)
    next_envs = []
    minimum = 0
    if current is not None:
        next_envs = [
            e
            for p in phases
            if p.reached and not p.complete
            for e in p.environment_ids
            if e not in p.succeeded
        ]
        minimum = max(current.required - len(current.succeeded), 0)
    return {
        "Id": None,
        "Phases": out,
        "NextDeployments": next_envs,
        "NextDeploymentsMinimumRequired": minimum,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def _phase(req: Request, item: lifecycle.PhaseState, deployments: list[Doc]) -> Doc:
    phase = item.phase
    mine = sorted(
        (d for d in deployments if d.get("EnvironmentId") in item.environment_ids),
        key=lambda d: (d.get("Created") or "", _number(d)),
    )
    return {
        "Id": phase.get("Id"),
        "Name": phase.get("Name"),
        "Blocked": False,
        "Progress": item.progress,
        "Deployments": [{"Task": lifecycle.task_of(req.state, d), "Deployment": d} for d in mine],
        "AutomaticDeploymentTargets": list(phase.get("AutomaticDeploymentTargets") or []),
        "OptionalDeploymentTargets": list(phase.get("OptionalDeploymentTargets") or []),
        "MinimumEnvironmentsBeforePromotion": phase.get("MinimumEnvironmentsBeforePromotion") or 0,
        "IsOptionalPhase": bool(phase.get("IsOptionalPhase")),
    }
