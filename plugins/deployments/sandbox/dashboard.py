"""What is deployed where: ``/dashboard`` and project progression (REFERENCE §9).

The dashboard's *current* item for a project × environment (× tenant) is its
most recently created deployment, whatever its task's state (``IsCurrent``);
the one created before it is the *previous* item (``PreviousItems``). With
``highestLatestVersionPerProjectAndEnvironment=true`` the deployment of the
highest release version counts as current instead. Filters: ``projectId``,
``releaseId`` (items of that release), ``selectedTenants`` (tenant ids) and
``selectedTags`` (canonical tag names, OR within a tag set, AND across sets);
tenant filters keep tenanted items only. The sandbox models no dashboard
configuration, so ``ProjectLimit`` is null and ``showAll`` changes nothing
(UNCONFIRMED: a real server may hide projects beyond its configured limit).

Project progression lists the newest ``releaseHistoryCount`` releases (default
3, at most 100) with, per environment, the latest deployment of the release
(one per tenant) and the environments it may go to next.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from octoflow_plugins.deployments.sandbox import lifecycle

from octoflow.sandbox.area import (
    PROJECTS,
    Request,
    Router,
    State,
    invalid,
    missing_tags,
    semver_key,
    tag_groups,
)

Doc = dict[str, Any]
DASHBOARD_QUERY = (
    "{?projectId,releaseId,selectedTenants,selectedTags,showAll,"
    "highestLatestVersionPerProjectAndEnvironment}"
)
HISTORY_DEFAULT, HISTORY_MAX = 3, 100


# -- dashboard items ----------------------------------------------------------------------------


def created_order(deployment: Doc) -> tuple[str, int]:
    return (deployment.get("Created") or "", int(deployment["Id"].rpartition("-")[2] or 0))


def deployments_by_slot(
    state: State, space_id: str, by_version: bool = False
) -> dict[tuple[str, str, str | None], list[Doc]]:
    """Deployments per (project, environment, tenant), oldest first (or lowest version)."""
    releases = {r["Id"]: r for r in state.values("Releases", space_id)}
    slots: dict[tuple[str, str, str | None], list[Doc]] = {}
    for deployment in state.values("Deployments", space_id):
        if deployment.get("ReleaseId") not in releases:
            continue
        key = (deployment["ProjectId"], deployment["EnvironmentId"], deployment.get("TenantId"))
        slots.setdefault(key, []).append(deployment)
    for items in slots.values():
        if by_version:
            items.sort(
                key=lambda d: (semver_key(releases[d["ReleaseId"]]["Version"]), created_order(d))
            )
        else:
            items.sort(key=created_order)
    return slots


def pending_types(state: State, space_id: str) -> dict[str, list[str]]:
    """The types of each task's pending interruptions (``PendingInterruptionTypes``)."""
    out: dict[str, list[str]] = {}
    for item in state.values("Interruptions", space_id):
        if item.get("IsPending") and item.get("TaskId"):
            kind = item.get("Type") or (
                "GuidedFailure"
                if str(item.get("Title", "")).endswith("requires failure guidance")
                else "ManualIntervention"
            )
            out.setdefault(item["TaskId"], []).append(kind)
    return out


def dashboard_item(
    state: State,
    deployment: Doc,
    current: bool,
    previous: bool,
    pending: dict[str, list[str]],
) -> Doc:
    task = lifecycle.task_of(state, deployment) or {}
    release = state.get("Releases", deployment.get("ReleaseId")) or {}
    space = deployment.get("SpaceId")
    return {
        "Id": deployment["Id"],
        "ProjectId": deployment.get("ProjectId"),
        "EnvironmentId": deployment.get("EnvironmentId"),
        "ReleaseId": deployment.get("ReleaseId"),
        "ReleaseVersion": release.get("Version"),
        "DeploymentId": deployment["Id"],
        "TaskId": deployment.get("TaskId"),
        "TenantId": deployment.get("TenantId"),
        "ChannelId": deployment.get("ChannelId") or release.get("ChannelId"),
        "State": task.get("State") or "Queued",
        "HasPendingInterruptions": bool(task.get("HasPendingInterruptions")),
        "HasWarningsOrErrors": bool(task.get("HasWarningsOrErrors")),
        "ErrorMessage": task.get("ErrorMessage") or "",
        "Duration": task.get("Duration"),
        "IsCurrent": current,
        "IsPrevious": previous,
        "IsCompleted": bool(task.get("IsCompleted")),
        "Created": deployment.get("Created"),
        "QueueTime": task.get("QueueTime"),
        "StartTime": task.get("StartTime"),
        "CompletedTime": task.get("CompletedTime"),
        "HasPendingPreconditions": False,
        "PendingInterruptionTypes": pending.get(deployment.get("TaskId") or "", []),
        "PendingPreconditionTypes": [],
        "Links": {
            "Self": f"/api/{space}/deployments/{deployment['Id']}",
            "Release": f"/api/{space}/releases/{deployment.get('ReleaseId')}",
            "Task": f"/api/tasks/{deployment.get('TaskId')}",
        },
    }


# -- the dashboard --------------------------------------------------------------------------------


def dashboard(req: Request) -> Doc:
    """``/dashboard``: see the module docstring for the filters."""
    only = req.query.get("projectId")
    projects = _projects(req, [PROJECTS.find(req, only)] if only else None)
    req.query.bool("showAll")  # accepted (and checked); see the module docstring
    by_version = bool(req.query.bool("highestLatestVersionPerProjectAndEnvironment"))
    return _view(req, projects, None, True, by_version, bool(only or _tenant_filter(req)))


def dynamic_dashboard(req: Request) -> Doc:
    """``/dashboard/dynamic?projects=&environments=&includePrevious=`` (older, same shape)."""
    wanted = {p.lower() for p in req.query.getlist("projects")}
    chosen = [
        p
        for p in req.state.values("Projects", req.space_id)
        if not wanted or p["Id"].lower() in wanted
    ]
    envs = {e.lower() for e in req.query.getlist("environments")} or None
    previous = bool(req.query.bool("includePrevious"))
    return _view(req, _projects(req, chosen), envs, previous, False, bool(wanted or envs))


def _view(
    req: Request,
    projects: list[Doc],
    env_filter: set[str] | None,
    with_previous: bool,
    by_version: bool,
    filtered: bool,
) -> Doc:
    state, space = req.state, req.space_id
    project_ids = {p["Id"] for p in projects}
    tenants = _tenants(req, project_ids)
    tenant_ids = {t["Id"] for t in tenants} if _tenant_filter(req) else None
    release_id = req.query.get("releaseId")
    pending = pending_types(state, space)
    items, previous = [], []
    for (project_id, env_id, tenant_id), slot in deployments_by_slot(
        state, space, by_version
    ).items():
        if project_id not in project_ids or (env_filter and env_id.lower() not in env_filter):
            continue
        if tenant_ids is not None and tenant_id not in tenant_ids:
            continue
        if release_id and slot[-1].get("ReleaseId") != release_id:
            continue
        items.append(dashboard_item(state, slot[-1], True, False, pending))
        if len(slot) > 1 and with_previous:
            previous.append(dashboard_item(state, slot[-2], False, True, pending))
    env_ids = _union(p["EnvironmentIds"] for p in projects)
    return {
        "Projects": projects,
        "ProjectGroups": _groups(req, projects),
        "Environments": [
            {"Id": e["Id"], "Name": e["Name"], "Links": {"Self": _env_link(space, e["Id"])}}
            for e in state.environments_in_order(space)
            if e["Id"] in env_ids and (not env_filter or e["Id"].lower() in env_filter)
        ],
        "Tenants": tenants,
        "Items": sorted(items, key=_item_order),
        "PreviousItems": sorted(previous, key=_item_order),
        "ProjectLimit": None,
        "IsFiltered": filtered,
    }


def _item_order(item: Doc) -> tuple[int, int, str]:
    def number(ref: Any) -> int:
        return int(str(ref).rpartition("-")[2] or 0) if ref else 0

    return (number(item["ProjectId"]), number(item["EnvironmentId"]), item.get("TenantId") or "")


def _env_link(space: str, env_id: str) -> str:
    return f"/api/{space}/environments/{env_id}"


def _union(lists: Iterable[list[str]]) -> set[str]:
    return {item for values in lists for item in values}


def _projects(req: Request, chosen: list[Doc] | None) -> list[Doc]:
    if chosen is None:
        chosen = req.state.values("Projects", req.space_id)
    order = [e["Id"] for e in req.state.environments_in_order(req.space_id)]
    out = []
    for project in sorted(chosen, key=lambda p: (p["Name"].lower(), p["Id"])):
        envs = set(req.state.project_environment_ids(project))
        out.append(
            {
                "Id": project["Id"],
                "Name": project["Name"],
                "Slug": project.get("Slug"),
                "ProjectGroupId": project.get("ProjectGroupId"),
                "EnvironmentIds": [e for e in order if e in envs],
                "TenantedDeploymentMode": project.get("TenantedDeploymentMode"),
                "CanPerformUntenantedDeployment": (
                    project.get("TenantedDeploymentMode") != "Tenanted"
                ),
                "IsDisabled": bool(project.get("IsDisabled")),
                "Links": {"Self": f"/api/{req.space_id}/projects/{project['Id']}"},
            }
        )
    return out


def _groups(req: Request, projects: list[Doc]) -> list[Doc]:
    order = [e["Id"] for e in req.state.environments_in_order(req.space_id)]
    out = []
    for group in sorted(req.state.values("ProjectGroups", req.space_id), key=_by_name):
        members = [p for p in projects if p["ProjectGroupId"] == group["Id"]]
        if members:
            envs = _union(p["EnvironmentIds"] for p in members)
            out.append(
                {
                    "Id": group["Id"],
                    "Name": group["Name"],
                    "EnvironmentIds": [e for e in order if e in envs],
                    "Links": {"Self": f"/api/{req.space_id}/projectgroups/{group['Id']}"},
                }
            )
    return out


def _by_name(doc: Doc) -> tuple[str, str]:
    return ((doc.get("Name") or "").lower(), doc["Id"])


def _tenant_filter(req: Request) -> bool:
    return bool(req.query.getlist("selectedTenants") or req.query.getlist("selectedTags"))


def _tenants(req: Request, project_ids: set[str]) -> list[Doc]:
    """Tenants connected to the dashboard's projects, narrowed by the tenant filters."""
    ids = {t.lower() for t in req.query.getlist("selectedTenants")}
    tags = req.query.getlist("selectedTags")
    groups = tag_groups(req.state, req.space_id, tags) if tags else {}
    out = []
    for tenant in sorted(req.state.values("Tenants", req.space_id), key=_by_name):
        connected = {
            pid: envs
            for pid, envs in (tenant.get("ProjectEnvironments") or {}).items()
            if pid in project_ids
        }
        if not connected or (ids and tenant["Id"].lower() not in ids):
            continue
        if groups and missing_tags(tenant, groups):
            continue
        out.append(
            {
                "Id": tenant["Id"],
                "Name": tenant["Name"],
                "TenantTags": list(tenant.get("TenantTags") or []),
                "ProjectEnvironments": connected,
                "IsDisabled": bool(tenant.get("IsDisabled")),
                "Links": {"Self": f"/api/{req.space_id}/tenants/{tenant['Id']}"},
            }
        )
    return out


# -- project progression --------------------------------------------------------------------------


def progression(req: Request) -> Doc:
    """``/progression/{id}`` and ``/projects/{id}/progression`` (ProgressionResource)."""
    state, space = req.state, req.space_id
    project = PROJECTS.find(req, req.path_params["id"])
    count = req.query.int("releaseHistoryCount", HISTORY_DEFAULT)
    if count > HISTORY_MAX:
        raise invalid(f"releaseHistoryCount must be {HISTORY_MAX} or less, not {count}.")
    releases = [r for r in state.values("Releases", space) if r.get("ProjectId") == project["Id"]]
    releases.sort(key=lambda r: (r.get("Assembled") or "", _number(r["Id"])), reverse=True)
    channels = [c for c in state.values("Channels", space) if c.get("ProjectId") == project["Id"]]
    channels.sort(key=_by_name)
    lifecycles = {c.get("LifecycleId") or project.get("LifecycleId") for c in channels}
    slots = deployments_by_slot(state, space).values()
    current = {slot[-1]["Id"] for slot in slots}
    previous = {slot[-2]["Id"] for slot in slots if len(slot) > 1}
    pending = pending_types(state, space)
    return {
        "Id": None,
        "Environments": _references(state, state.project_environment_ids(project)),
        "ChannelEnvironments": {
            c["Id"]: _references(
                state, _lifecycle_envs(state, c.get("LifecycleId") or project["LifecycleId"])
            )
            for c in channels
        },
        "LifecycleEnvironments": {
            lid: _references(state, _lifecycle_envs(state, lid))
            for lid in sorted(lifecycles)
            if lid
        },
        "Releases": [
            _release_progression(state, release, (current, previous), pending)
            for release in releases[:count]
        ],
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def _number(doc_id: str) -> int:
    return int(doc_id.rpartition("-")[2] or 0)


def _lifecycle_envs(state: State, lifecycle_id: str | None) -> list[str]:
    found = state.get("Lifecycles", lifecycle_id)
    return state.lifecycle_environment_ids(found) if found else []


def _references(state: State, env_ids: list[str]) -> list[Doc]:
    envs = [state.get("Environments", e) for e in env_ids]
    return [{"Id": e["Id"], "Name": e["Name"]} for e in envs if e is not None]


def _release_progression(
    state: State, release: Doc, marks: tuple[set[str], set[str]], pending: dict[str, list[str]]
) -> Doc:
    current, previous = marks
    latest: dict[tuple[str, str | None], Doc] = {}
    for deployment in sorted(lifecycle.release_deployments(state, release), key=created_order):
        latest[(deployment["EnvironmentId"], deployment.get("TenantId"))] = deployment
    by_env: dict[str, list[Doc]] = {}
    for (env_id, _tenant), deployment in latest.items():
        mark = deployment["Id"]
        item = dashboard_item(state, deployment, mark in current, mark in previous, pending)
        by_env.setdefault(env_id, []).append(item)
    channel = state.get("Channels", release.get("ChannelId"))
    found = lifecycle.lifecycle_of(state, release) or {}
    succeeded = {
        i["EnvironmentId"] for items in by_env.values() for i in items if i["State"] == "Success"
    }
    return {
        "Release": release,
        "Channel": channel,
        "Deployments": by_env,
        "NextDeployments": [
            e for e in lifecycle.allowed_environment_ids(state, release, None) if e not in succeeded
        ],
        "HasUnresolvedDefect": False,
        "ReleaseRetentionPeriod": found.get("ReleaseRetentionPolicy"),
        "TentacleRetentionPeriod": found.get("TentacleRetentionPolicy"),
    }


def register_routes(router: Router) -> None:
    router.space("GET", "/dashboard", dashboard)
    router.space("GET", "/progression/{id}", progression)
    router.space("GET", "/projects/{id}/progression", progression)
    router.space("GET", "/dashboard/dynamic", dynamic_dashboard)
    router.link("Dashboard", "/dashboard" + DASHBOARD_QUERY)
    router.link("DashboardDynamic", "/dashboard/dynamic{?projects,environments,includePrevious}")
