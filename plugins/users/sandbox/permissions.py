"""What a user's API key may do in the sandbox, and the 403 when it may not.

Keys the sandbox issued (``POST /api/users/{id}/apikeys``) act as their user.
Every API request they make needs the permission its route implies: reading
``/api/Spaces-1/tenants`` needs ``TenantView`` in Spaces-1, a ``PUT`` there
``TenantEdit`` (``POST`` → …Create, ``DELETE`` → …Delete, or …Edit where Octopus
has no such permission). A user holds the permissions of the roles their
teams have (everyone is in ``Everyone``): system-level roles grant their
system permissions, space roles their space permissions in that space, and
``AdministerSystem`` grants everything. A missing permission is answered with
the server's 403 (REFERENCE §1.1). Restrictions to environments, projects
and tenants are reported by ``/users/{id}/permissions`` but not enforced.

The sandbox's own API keys act as the built-in administrator and are never
refused. Anyone may read their own user, ``/users/me``, their own teams and
permissions, and manage their own API keys.
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.users.sandbox.catalog import PERMISSIONS
from octoflow_plugins.users.sandbox.roles import SCOPES
from octoflow_plugins.users.sandbox.teams import EVERYONE

from octoflow.sandbox.area import Doc, Request, SandboxError, State, not_found, permission_error

#: The first URL segment after the space → the noun of the permissions it needs.
NOUNS = {
    "accounts": "Account", "actiontemplates": "ActionTemplate", "artifacts": "Artifact",
    "certificates": "Certificate", "channels": "Project", "dashboard": "Project",
    "deploymentprocesses": "Process", "deployments": "Deployment", "environments": "Environment",
    "events": "Event", "feeds": "Feed", "interruptions": "Interruption",
    "libraryvariablesets": "LibraryVariableSet", "lifecycles": "Lifecycle",
    "machinepolicies": "MachinePolicy", "machineroles": "Machine", "machines": "Machine",
    "progression": "Project", "projectgroups": "ProjectGroup", "projects": "Project",
    "projecttriggers": "Trigger", "proxies": "Proxy", "releases": "Release",
    "runbookprocesses": "Runbook", "runbookruns": "RunbookRun", "runbook-runs": "RunbookRun",
    "runbooks": "Runbook", "runbooksnapshots": "Runbook", "scopeduserroles": "Team",
    "spaces": "Space",
    "subscriptions": "Subscription", "tagsets": "TagSet", "tasks": "Task", "teams": "Team",
    "tenants": "Tenant", "tenantvariables": "Tenant", "userroles": "UserRole", "users": "User",
    "variables": "Variable", "workerpools": "Worker", "workers": "Worker",
}  # fmt: skip
VERBS = {"GET": "View", "HEAD": "View", "POST": "Create", "PUT": "Edit", "DELETE": "Delete"}
#: Where Octopus names the permission differently from noun + verb (None: no permission;
#: a real server lists only the spaces a user can see, and clients need the list).
SPECIAL: dict[tuple[str, str], str | None] = {
    ("spaces", "View"): None,
    ("scopeduserroles", "Create"): "TeamEdit",
    ("scopeduserroles", "Delete"): "TeamEdit",
    ("interruptions", "Create"): "InterruptionSubmit",
    ("interruptions", "Edit"): "InterruptionSubmit",
}
#: Task actions named by the last segment (``POST /tasks/{id}/cancel``).
TASK_ACTIONS = {"cancel": "TaskCancel", "state": "TaskEdit"}


def required_permission(req: Request) -> str | None:
    """The permission a request needs, or ``None`` when any signed-in user may make it."""
    parts = [p for p in req.relative_path.split("/") if p]
    if not parts or _own(req, parts):
        return None
    segment = parts[0].lower()
    noun = NOUNS.get(segment)
    if noun is None:
        return None
    verb = VERBS.get(req.method, "Edit")
    if segment == "tasks" and req.method == "POST" and parts[-1].lower() in TASK_ACTIONS:
        return TASK_ACTIONS[parts[-1].lower()]
    if (segment, verb) in SPECIAL:
        return SPECIAL[(segment, verb)]
    for candidate in (noun + verb, noun + "Edit"):
        if candidate in PERMISSIONS and (verb == "View") == candidate.endswith("View"):
            return candidate
    return None


def _own(req: Request, parts: list[str]) -> bool:
    """A user's own things: ``users/me`` and ``users/{their id}/…``."""
    if parts[0].lower() != "users" or len(parts) < 2:
        return False
    return parts[1].lower() == "me" or (req.user_id or "").lower() == parts[1].lower()


def guard(req: Request) -> None:
    """Refuse a request of a key whose user lacks the permission it needs (403)."""
    if req.user_id is None:
        return
    needed = required_permission(req)
    if needed is not None and not allowed(req.state, req.user_id, needed, req.space_id):
        raise permission_error(needed)


# -- a user's teams and permissions --------------------------------------------------


def teams_of(state: State, user_id: str) -> list[Doc]:
    """The teams a user is in: those listing them, and ``Everyone``."""
    return [
        t for t in state.values("Teams") if user_id in t["MemberUserIds"] or t["Id"] == EVERYONE
    ]


def grants_of(state: State, user_id: str) -> list[tuple[Doc, Doc]]:
    """``(scoped user role, user role)`` for every role the user's teams have."""
    team_ids = {t["Id"] for t in teams_of(state, user_id)}
    out = []
    for scoped in state.values("ScopedUserRoles"):
        role = state.get("UserRoles", scoped["UserRoleId"])
        if scoped["TeamId"] in team_ids and role is not None:
            out.append((scoped, role))
    return out


def allowed(state: State, user_id: str, permission: str, space_id: str) -> bool:
    system: set[str] = set()
    spaces: dict[str, set[str]] = {}
    for scoped, role in grants_of(state, user_id):
        if scoped.get("SpaceId") is None:
            system.update(role["GrantedSystemPermissions"])
        else:
            spaces.setdefault(scoped["SpaceId"], set()).update(role["GrantedSpacePermissions"])
    if "AdministerSystem" in system or permission in system:
        return True
    if space_id:
        return permission in spaces.get(space_id, set())
    return any(permission in granted for granted in spaces.values())


def user_permissions(req: Request) -> Doc:
    """``GET /users/{id}/permissions``: what the user's teams grant, and where."""
    user = _user(req)
    system: set[str] = set()
    spaces: dict[str, list[Doc]] = {}
    for scoped, role in grants_of(req.state, user["Id"]):
        if scoped.get("SpaceId") is None:
            system.update(role["GrantedSystemPermissions"])
            continue
        restriction = {"SpaceId": scoped["SpaceId"]}
        for _, field, _, _ in SCOPES:
            restriction["RestrictedTo" + field] = list(scoped[field])
        for permission in role["GrantedSpacePermissions"]:
            spaces.setdefault(permission, []).append(restriction)
    return {
        "Id": user["Id"],
        "SpacePermissions": dict(sorted(spaces.items())),
        "SystemPermissions": sorted(system),
        "Teams": team_items(req.state, user["Id"]),
        "IsPermissionsComplete": True,
        "IsTeamsComplete": True,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {"Self": f"/api/users/{user['Id']}/permissions"},
    }


def permissions_configuration(req: Request) -> Doc:
    """``GET /users/{id}/permissions/configuration``: the same UserPermissionSetResource,
    "available for the current authenticated user only" (swagger-2020.5.json). A user's
    key asking about someone else gets 403 (status UNCONFIRMED); the sandbox's own keys,
    the built-in administrator, may ask about anyone."""
    if req.user_id is not None and req.user_id.lower() != req.path_params["id"].lower():
        message = "You can only view the permissions configuration of your own user account."
        raise SandboxError(403, message, errors=[message])
    doc = user_permissions(req)
    doc["Links"] = {"Self": f"/api/users/{doc['Id']}/permissions/configuration"}
    return doc


def user_teams(req: Request) -> list[dict[str, Any]]:
    """``GET /users/{id}/teams``: the teams a user is in (space teams of this space only)."""
    items = team_items(req.state, _user(req)["Id"])
    return [t for t in items if not req.space_id or t["SpaceId"] in (None, req.space_id)]


def team_items(state: State, user_id: str) -> list[dict[str, Any]]:
    return [
        {
            "Id": team["Id"],
            "Name": team["Name"],
            "SpaceId": team.get("SpaceId"),
            "ExternalSecurityGroups": list(team.get("ExternalSecurityGroups") or []),
            "IsDirectlyAssigned": user_id in team["MemberUserIds"],
        }
        for team in sorted(teams_of(state, user_id), key=lambda t: t["Name"].lower())
    ]


def _user(req: Request) -> Doc:
    user = req.state.get("Users", req.path_params["id"])
    if user is None:
        raise not_found(req.path_params["id"])
    return user
