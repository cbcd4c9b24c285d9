"""API keys the sandbox issues, what their users may do, and user roles and scoped roles."""

from __future__ import annotations

import json

import pytest

from octoflow.sandbox import SANDBOX_API_KEY
from tests.sandbox.conftest import Client, in_process
from tests.sandbox.schema import validate

FORBIDDEN = (
    "You do not have permission to perform this action. Please contact your Octopus "
    "administrator. Missing permission: {}"
)


def new_user(api: Client, username: str, **fields) -> str:
    body = {"Username": username, "DisplayName": username.title(), "IsService": True, **fields}
    response = api.post("/api/users", body)
    assert response.status_code == 201, response.text
    return response.json()["Id"]


def issue_key(api: Client, user_id: str) -> str:
    response = api.post(f"/api/users/{user_id}/apikeys", {"Purpose": "tests"})
    assert response.status_code == 200, response.text
    return response.json()["ApiKey"]


def as_user(sandbox, api: Client, username: str) -> tuple[str, Client]:
    user_id = new_user(api, username)
    return user_id, in_process(sandbox, key=issue_key(api, user_id))


def join(api: Client, team_id: str, user_id: str) -> None:
    team = api.json(f"/api/teams/{team_id}")
    team["MemberUserIds"].append(user_id)
    assert api.put(f"/api/teams/{team_id}", team).status_code == 200


def test_a_new_key_is_shown_once_and_stored_as_a_hash(fresh, fresh_api):
    user_id = new_user(fresh_api, "robot")
    response = fresh_api.post(f"/api/users/{user_id}/apikeys", {"Purpose": "CI"})
    created = response.json()
    validate("ApiKeyCreatedResource", created)
    key = created["ApiKey"]
    assert key.startswith("API-") and len(key) == 31 and created["UserId"] == user_id
    listed = fresh_api.json(f"/api/users/{user_id}/apikeys")
    validate("ApiKeyResourceResourceCollection", listed)
    assert listed["Items"][0]["ApiKey"] == {"HasValue": True, "NewValue": None}
    assert key not in json.dumps(listed) and key not in json.dumps(fresh.dump())
    one = fresh_api.json(f"/api/users/{user_id}/apikeys/{created['Id']}")
    assert one["Purpose"] == "CI" and one["ApiKey"]["HasValue"]
    missing = fresh_api.post(f"/api/users/{user_id}/apikeys", {"Expires": "2030-01-01"})
    assert missing.json()["Errors"] == ["The Purpose field is required."]


def test_a_key_belongs_to_one_user(fresh_api):
    owner, other = new_user(fresh_api, "owner"), new_user(fresh_api, "other")
    key_id = fresh_api.post(f"/api/users/{owner}/apikeys", {"Purpose": "x"}).json()["Id"]
    response = fresh_api.get(f"/api/users/{other}/apikeys/{key_id}")
    assert response.status_code == 400
    assert response.json()["ErrorMessage"] == "This ApiKey does not belong to the specified user."
    assert fresh_api.delete(f"/api/users/{owner}/apikeys/{key_id}").status_code == 200
    assert fresh_api.json(f"/api/users/{owner}/apikeys")["TotalResults"] == 0


def test_an_issued_key_acts_as_its_user(fresh, fresh_api):
    user_id, robot = as_user(fresh, fresh_api, "robot")
    assert robot.json("/api/users/me")["Id"] == user_id
    assert robot.json(f"/api/users/{user_id}/permissions")["SystemPermissions"] == []
    teams = robot.json(f"/api/users/{user_id}/teams")
    assert [(t["Id"], t["IsDirectlyAssigned"]) for t in teams] == [("teams-everyone", False)]
    second = robot.post(f"/api/users/{user_id}/apikeys", {"Purpose": "mine"})
    assert second.status_code == 200
    assert robot.json("/api")["Application"] == "Octopus Deploy"
    assert robot.json("/api/spaces/all")[0]["Id"] == "Spaces-1"


@pytest.mark.parametrize(
    ("method", "path", "permission"),
    [
        ("GET", "/api/Spaces-1/tenants", "TenantView"),
        ("GET", "/api/tenants/all", "TenantView"),
        ("PUT", "/api/Spaces-1/tenants/Tenants-1", "TenantEdit"),
        ("POST", "/api/Spaces-1/projects", "ProjectCreate"),
        ("DELETE", "/api/Spaces-1/environments/Environments-1", "EnvironmentDelete"),
        ("GET", "/api/users/all", "UserView"),
        ("POST", "/api/users", "UserEdit"),
        ("GET", "/api/teams", "TeamView"),
        ("POST", "/api/Spaces-1/scopeduserroles", "TeamEdit"),
        ("GET", "/api/userroles/all", "UserRoleView"),
        ("GET", "/api/users/Users-1/apikeys", "UserView"),
        ("POST", "/api/Spaces-1/tasks/ServerTasks-1/cancel", "TaskCancel"),
        ("POST", "/api/Spaces-1/tasks/ServerTasks-1/state", "TaskEdit"),
        ("POST", "/api/Spaces-1/runbook-runs/create/v1", "RunbookRunCreate"),
        ("POST", "/api/Spaces-1/deployments/create/untenanted/v1", "DeploymentCreate"),
    ],
)
def test_a_key_without_the_permission_gets_the_servers_403(
    fresh, fresh_api, method, path, permission
):
    _user_id, robot = as_user(fresh, fresh_api, "robot")
    body = {} if method in ("POST", "PUT") else None
    response = robot.request(method, path, json=body)
    assert response.status_code == 403
    assert response.json() == {
        "ErrorMessage": FORBIDDEN.format(permission),
        "HelpText": f"This action requires the {permission} permission. "
        "None of your teams have this permission.",
    }


def test_permissions_follow_the_users_teams_and_roles(fresh, fresh_api):
    user_id, dev = as_user(fresh, fresh_api, "dev")
    join(fresh_api, "Teams-1", user_id)  # Developers: Project contributor, deployer in Dev/Test
    assert dev.get("/api/Spaces-1/projects/all").status_code == 200
    assert dev.get("/api/teams/all").status_code == 200  # TeamView in some space
    refused = dev.put("/api/Spaces-1/tenants/Tenants-1", {})
    assert refused.json()["ErrorMessage"] == FORBIDDEN.format("TenantEdit")
    granted = dev.json(f"/api/users/{user_id}/permissions")
    assert [
        r["RestrictedToEnvironmentIds"] for r in granted["SpacePermissions"]["DeploymentCreate"]
    ] == [["Environments-1", "Environments-2"]]
    join(fresh_api, "teams-administrators", user_id)
    assert (
        dev.put(
            "/api/Spaces-1/tenants/Tenants-1", fresh_api.json("/api/tenants/Tenants-1")
        ).status_code
        == 200
    )


def test_system_roles_apply_everywhere_and_space_roles_in_their_space(fresh, fresh_api):
    user_id, ops = as_user(fresh, fresh_api, "ops")
    second = fresh_api.post("/api/spaces", {"Name": "Second"}).json()["Id"]
    join(fresh_api, "Teams-2", user_id)  # Operations: Environment manager in Spaces-1
    assert ops.get("/api/Spaces-1/environments/all").status_code == 200
    other = ops.get(f"/api/{second}/environments/all")
    assert other.json()["ErrorMessage"] == FORBIDDEN.format("EnvironmentView")
    join(fresh_api, "teams-managers", user_id)  # System manager: system permissions only
    assert ops.get("/api/users/all").status_code == 200
    assert ops.get(f"/api/{second}/environments/all").status_code == 403


def test_the_sandbox_keys_still_act_as_the_administrator(fresh, fresh_api):
    assert fresh_api.json("/api/users/me")["Username"] == "admin"
    assert SANDBOX_API_KEY in fresh.api_keys
    assert fresh_api.delete("/api/Spaces-1/tenants/Tenants-1").status_code == 200


def test_keys_of_inactive_or_deleted_users_are_refused(fresh, fresh_api):
    user_id, robot = as_user(fresh, fresh_api, "robot")
    user = fresh_api.json(f"/api/users/{user_id}")
    fresh_api.put(f"/api/users/{user_id}", dict(user, IsActive=False))
    assert robot.get("/api/users/me").status_code == 401
    fresh_api.put(f"/api/users/{user_id}", dict(user, IsActive=True))
    assert robot.get("/api/users/me").status_code == 200
    fresh_api.delete(f"/api/users/{user_id}")
    response = robot.get("/api/users/me")
    assert response.status_code == 401
    assert response.json()["ErrorMessage"].startswith("You must be logged in")


def test_an_issued_key_works_over_real_sockets(fresh, served):
    user_id = new_user(served, "robot")
    key = issue_key(served, user_id)
    served.session.headers["X-Octopus-ApiKey"] = key
    assert served.json("/api/users/me")["Id"] == user_id
    assert served.get("/api/Spaces-1/tenants").status_code == 403


# -- user roles and scoped user roles ---------------------------------------------------


def test_built_in_roles_are_read_only(fresh_api):
    role = fresh_api.json("/api/userroles/userroles-projectviewer")
    assert role["SupportedRestrictions"] == ["Environments", "Projects", "ProjectGroups", "Tenants"]
    for response in (
        fresh_api.put("/api/userroles/userroles-projectviewer", dict(role, Name="Viewer")),
        fresh_api.delete("/api/userroles/userroles-projectviewer"),
    ):
        assert response.status_code == 400
        assert response.json()["ErrorMessage"].startswith("This resource is read-only")


def test_a_custom_role_grants_real_permissions_only(fresh_api):
    bad = fresh_api.post(
        "/api/userroles",
        {"Name": "Odd", "GrantedSpacePermissions": ["TenantPeek", "AdministerSystem"]},
    )
    assert bad.json()["Errors"] == [
        "'TenantPeek' is not a permission.",
        "The permission 'AdministerSystem' cannot be granted at the space level.",
    ]
    good = fresh_api.post(
        "/api/userroles",
        {"Name": "Auditor", "GrantedSystemPermissions": ["UserView", "TeamView"]},
    )
    assert good.status_code == 201
    assert good.json()["SystemPermissionDescriptions"] == ["View users", "View teams"]


def scoped(api: Client, **fields) -> tuple[int, list[str]]:
    body = {"TeamId": "Teams-1", "UserRoleId": "userroles-projectviewer", "SpaceId": "Spaces-1"}
    response = api.post("/api/scopeduserroles", {**body, **fields})
    return response.status_code, response.json().get("Errors", [])


def test_scoped_roles_are_validated(fresh_api):
    assert scoped(fresh_api, EnvironmentIds=["Environments-2", "Environments-2"])[0] == 201
    cases = [
        ({"TeamId": "Teams-99"}, "The team 'Teams-99' does not exist."),
        ({"UserRoleId": "userroles-nope"}, "The user role 'userroles-nope' does not exist."),
        ({"SpaceId": None}, "The user role 'Project viewer' grants space permissions, so it "
         "needs a SpaceId."),
        ({"TeamId": "teams-managers", "UserRoleId": "userroles-systemadministrator",
          "SpaceId": None}, "The roles of the built-in team 'Octopus Managers' cannot be changed."),
        ({"TeamId": "teams-everyone", "UserRoleId": "userroles-systemmanager"},
         "The user role 'System manager' grants only system permissions; give it no SpaceId."),
        ({"UserRoleId": "userroles-packagepublisher", "TenantIds": ["Tenants-1"]},
         "The user role 'Package publisher' cannot be restricted to tenants."),
        ({"ProjectIds": ["Projects-999"]},
         "The project 'Projects-999' does not exist in Spaces-1."),
    ]  # fmt: skip
    for fields, error in cases:
        status, errors = scoped(fresh_api, **fields)
        assert status == 400 and error in errors, (fields, errors)
    status, errors = scoped(fresh_api, SpaceId=None)
    assert (
        "The team 'Developers' belongs to Spaces-1; its roles must have SpaceId Spaces-1." in errors
    )


def test_a_scope_left_empty_by_a_deletion_removes_the_role(fresh_api):
    status, _ = scoped(fresh_api, EnvironmentIds=["Environments-1"])
    assert status == 201
    before = len(fresh_api.json("/api/scopeduserroles/all"))
    assert fresh_api.delete("/api/Spaces-1/environments/Environments-1").status_code == 200
    after = fresh_api.json("/api/scopeduserroles/all")
    assert len(after) == before - 1  # Developers' deployer role keeps Test
    assert all("Environments-1" not in r["EnvironmentIds"] for r in after)


def test_a_users_permissions_configuration_is_their_own(fresh, fresh_api):
    user_id, dev = as_user(fresh, fresh_api, "configured")
    join(fresh_api, "Teams-1", user_id)
    path = f"/api/users/{user_id}/permissions/configuration"
    mine = dev.json(path)
    validate("UserPermissionSetResource", mine)
    granted = dev.json(f"/api/users/{user_id}/permissions")
    assert mine["SpacePermissions"] == granted["SpacePermissions"]
    assert mine["Links"]["Self"] == path
    assert fresh_api.json(path)["Teams"] == mine["Teams"]  # the administrator may ask too
    other = new_user(fresh_api, "someone-else")
    refused = dev.get(f"/api/users/{other}/permissions/configuration")
    assert refused.status_code == 403
