"""The sandbox's users, teams and roles: shapes, seed facts, filters and validation."""

from __future__ import annotations

import json

import pytest

from octoflow.sandbox import Sandbox
from tests.sandbox.conftest import in_process
from tests.sandbox.schema import definitions, load_sample, validate

READS = [
    ("UserResourceResourceCollection", "/api/users"),
    ("UserResource[]", "/api/users/all"),
    ("UserResource", "/api/users/Users-1"),
    ("UserResource", "/api/users/me"),
    ("UserPermissionSetResource", "/api/users/Users-2/permissions"),
    ("ProjectedTeamReferenceDataItem[]", "/api/users/Users-2/teams"),
    ("TeamResourceResourceCollection", "/api/teams"),
    ("TeamResource[]", "/api/teams/all"),
    ("TeamResourceResourceCollection", "/api/Spaces-1/teams"),
    ("TeamResource[]", "/api/Spaces-1/teams/all"),
    ("TeamResource", "/api/teams/teams-everyone"),
    ("TeamResource", "/api/Spaces-1/teams/Teams-1"),
    ("ScopedUserRoleResourceResourceCollection", "/api/teams/Teams-1/scopeduserroles"),
    ("ScopedUserRoleResourceResourceCollection", "/api/scopeduserroles"),
    ("ScopedUserRoleResource[]", "/api/scopeduserroles/all"),
    ("ScopedUserRoleResourceResourceCollection", "/api/Spaces-1/scopeduserroles"),
    ("ScopedUserRoleResource", "/api/scopeduserroles/ScopedUserRoles-1"),
    ("UserRoleResourceResourceCollection", "/api/userroles"),
    ("UserRoleResource[]", "/api/userroles/all"),
    ("UserRoleResource", "/api/userroles/userroles-projectdeployer"),
]


@pytest.mark.parametrize(("definition", "path"), READS, ids=[f"{d} {p}" for d, p in READS])
def test_get_matches_definition(api, definition, path):
    validate(definition, api.json(path))


def test_permission_descriptions_match_definition(api):
    described = api.json("/api/permissions/all")
    assert set(described) == set(definitions()["Permission"]["enum"])
    assert described["TenantEdit"]["Description"] == "Edit tenants"
    for description in described.values():
        validate("PermissionDescription", description)
    for role in api.json("/api/userroles/all"):
        assert set(role["GrantedSpacePermissions"]) <= set(described)
        assert len(role["SpacePermissionDescriptions"]) == len(role["GrantedSpacePermissions"])


def test_root_document_links_the_users_area(api):
    links = api.json("/api")["Links"]
    assert links["Users"] == "/api/users{/id}{?skip,take,ids,filter}"
    assert links["CurrentUser"] == "/api/users/me"
    assert links["Teams"] == "/api/teams{/id}{?skip,take,ids,partialName,spaces,includeSystem}"
    assert links["UserRoles"] == "/api/userroles{/id}{?skip,take,ids,partialName}"
    assert links["ScopedUserRoles"].startswith("/api/scopeduserroles{/id}")


def test_demo_user_facts(api):
    users = api.json("/api/users/all")
    assert len(users) == 50
    assert (users[0]["Id"], users[0]["Username"]) == ("Users-1", "admin")
    assert [u["Username"] for u in users[1:]] == sorted(u["Username"] for u in users[1:])
    services = [u["Username"] for u in users if u["IsService"]]
    assert services == ["svc-build", "svc-deploy", "svc-monitoring"]
    assert sum(1 for u in users if not u["IsActive"]) == 2
    people = [u for u in users[1:] if not u["IsService"]]
    assert all(u["EmailAddress"] == f"{u['Username']}@example.com" for u in people)
    assert api.json("/api/users/me")["Username"] == "admin"
    assert not any("Password" in u for u in users)


def test_demo_team_facts(api):
    teams = {t["Name"]: t for t in api.json("/api/teams/all")}
    assert {n: (t["SpaceId"], len(t["MemberUserIds"])) for n, t in teams.items()} == {
        "Everyone": (None, 0),
        "Octopus Administrators": (None, 1),
        "Octopus Managers": (None, 0),
        "Space Managers": ("Spaces-1", 0),
        "Developers": ("Spaces-1", 20),
        "Operations": ("Spaces-1", 8),
        "Testers": ("Spaces-1", 6),
        "Release Managers": ("Spaces-1", 0),
    }
    built_in = {"Everyone", "Octopus Administrators", "Octopus Managers", "Space Managers"}
    assert {n for n, t in teams.items() if not t["CanBeDeleted"]} == built_in
    assert not teams["Everyone"]["CanChangeMembers"]
    release = api.json("/api/teams/Teams-4/scopeduserroles")["Items"]
    assert [(r["UserRoleId"], r["EnvironmentIds"]) for r in release] == [
        ("userroles-projectdeployer", ["Environments-3", "Environments-4"])
    ]


def test_users_are_filtered_like_the_server(api):
    hits = api.json("/api/users", filter="SVC-")["Items"]
    assert [u["Username"] for u in hits] == ["svc-build", "svc-deploy", "svc-monitoring"]
    by_email = api.json("/api/users", filter="admin@example")["Items"]
    assert [u["Id"] for u in by_email] == ["Users-1"]
    assert api.json("/api/users", ids="Users-3,Users-2")["TotalResults"] == 2
    page = api.json("/api/users", take=10, skip=40)
    assert page["TotalResults"] == 50 and len(page["Items"]) == 10
    assert "Page.Next" not in page["Links"]


def test_space_routes_list_the_space_and_system_teams(fresh_api):
    second = fresh_api.post("/api/spaces", {"Name": "Second"}).json()["Id"]
    mine = fresh_api.json("/api/Spaces-1/teams/all")
    assert {t["SpaceId"] for t in mine} == {None, "Spaces-1"}
    no_system = fresh_api.json("/api/Spaces-1/teams/all", includeSystem="false")
    assert {t["SpaceId"] for t in no_system} == {"Spaces-1"}
    theirs = fresh_api.json(f"/api/{second}/teams/all", includeSystem="false")
    assert [(t["Name"], t["Id"]) for t in theirs] == [
        ("Space Managers", f"teams-spacemanagers-{second}")
    ]
    everything = fresh_api.json("/api/teams", spaces=second, take=100)["Items"]
    assert {t["SpaceId"] for t in everything} == {None, second}
    assert fresh_api.get(f"/api/Spaces-1/teams/teams-spacemanagers-{second}").status_code == 404
    assert fresh_api.get("/api/default/teams").status_code == 404
    assert fresh_api.json("/api/spaces/default/teams/all", includeSystem="false") == no_system


def test_a_user_is_created_without_echoing_the_password(fresh, fresh_api):
    body = {"Username": "jo", "DisplayName": "Jo", "EmailAddress": "jo@example.com",
            "IsActive": True, "IsService": False, "Password": "Secret#12345"}  # fmt: skip
    response = fresh_api.post("/api/users", body)
    assert response.status_code == 201, response.text
    created = response.json()
    validate("UserResource", created)
    assert "Password" not in created and "Secret#12345" not in response.text
    assert created["CanPasswordBeEdited"] is True
    assert "Secret#12345" not in json.dumps(fresh.dump())
    signed_in = fresh_api.post("/api/users/login", {"Username": "JO", "Password": "Secret#12345"})
    assert signed_in.status_code == 200 and signed_in.json()["Id"] == created["Id"]
    wrong = fresh_api.post("/api/users/login", {"Username": "jo", "Password": "nope"})
    assert (wrong.status_code, wrong.json()["ErrorMessage"]) == (
        400,
        "Invalid username or password.",
    )
    changed = fresh_api.put(f"/api/users/{created['Id']}", dict(created, Password="New#secret9"))
    assert changed.status_code == 200 and "Password" not in changed.json()
    again = fresh_api.post("/api/users/login", {"Username": "jo", "Password": "New#secret9"})
    assert again.status_code == 200


def test_signing_in_needs_no_api_key(fresh, fresh_api):
    fresh_api.post("/api/users", {"Username": "kim", "DisplayName": "Kim", "Password": "pw#1234A"})
    anonymous = in_process(fresh, key=None)
    assert anonymous.get("/api/users/me").status_code == 401
    response = anonymous.post("/api/users/login", {"username": "kim", "password": "pw#1234A"})
    assert response.status_code == 200 and response.json()["Username"] == "kim"


@pytest.mark.parametrize(
    ("body", "message", "error"),
    [
        ({"Username": "x"}, "There was a problem with your request.",
         "The DisplayName field is required."),
        ({"DisplayName": "X"}, "There was a problem with your request.",
         "The Username field is required."),
        ({"Username": "x", "DisplayName": "X", "EmailAddress": "x@"},
         "There was a problem with your request.",
         "The EmailAddress field is not a valid e-mail address."),
        ({"Username": "Admin", "DisplayName": "X"}, "There was a problem with your request.",
         "A user with the username 'Admin' already exists."),
        ({"Username": "x" * 65, "DisplayName": "X"}, "There was a problem with your request.",
         "The field Username must be a string with a maximum length of 64."),
        ({"Username": "system", "DisplayName": "X"},
         "Username is reserved and can't be used to create new users.",
         "Username is reserved and can't be used to create new users."),
        ({"Username": "svc", "DisplayName": "S", "IsService": True, "Password": "pw#1234A"},
         "Passwords cannot be set for service user accounts.",
         "Passwords cannot be set for service user accounts."),
    ],
)  # fmt: skip
def test_user_validation(fresh_api, body, message, error):
    response = fresh_api.post("/api/users", body)
    assert response.status_code == 400
    assert response.json()["ErrorMessage"] == message
    assert error in response.json()["Errors"]


def test_a_service_account_stays_one(fresh_api):
    service = fresh_api.json("/api/users/Users-48")
    assert service["IsService"] and not service["CanPasswordBeEdited"]
    response = fresh_api.put("/api/users/Users-48", dict(service, Password="pw#1234A"))
    assert response.json()["ErrorMessage"] == "Passwords cannot be set for service user accounts."
    response = fresh_api.put("/api/users/Users-48", dict(service, IsService=False))
    assert response.json()["Errors"] == [
        "A user cannot be changed between a service account and a person."
    ]


def test_the_team_sample_body_creates_a_space_team(fresh_api):
    body = load_sample("team.create.request.json")
    response = fresh_api.post("/api/teams", body)
    assert response.status_code == 201, response.text
    team = response.json()
    validate("TeamResource", team)
    assert (team["SpaceId"], team["Name"]) == ("Spaces-1", "TestCreate3")
    assert team["Links"]["Self"] == f"/api/Spaces-1/teams/{team['Id']}"
    assert fresh_api.json(f"/api/Spaces-1/teams/{team['Id']}")["Id"] == team["Id"]


def test_teams_made_through_each_route(fresh_api):
    system = fresh_api.post("/api/teams", {"Name": "Auditors", "SpaceId": None}).json()
    assert system["SpaceId"] is None and system["Links"]["Self"] == f"/api/teams/{system['Id']}"
    spaced = fresh_api.post("/api/Spaces-1/teams", {"Name": "Auditors", "CanBeDeleted": False})
    assert spaced.status_code == 201 and spaced.json()["CanBeDeleted"] is True
    clash = fresh_api.post("/api/Spaces-1/teams", {"Name": "auditors"})
    assert clash.json()["Errors"] == [
        "A team with the name 'auditors' already exists. Please choose a different name."
    ]
    nowhere = fresh_api.post("/api/teams", {"Name": "Lost", "SpaceId": "Spaces-9"})
    assert nowhere.json()["Errors"] == ["The space 'Spaces-9' does not exist."]
    ghost = fresh_api.post("/api/teams", {"Name": "Ghosts", "MemberUserIds": ["Users-999"]})
    assert ghost.json()["Errors"] == ["The user 'Users-999' does not exist."]


def test_built_in_teams_keep_their_flags(fresh_api):
    for team_id in ("teams-everyone", "teams-administrators", "teams-spacemanagers-Spaces-1"):
        response = fresh_api.delete(f"/api/teams/{team_id}")
        assert response.status_code == 400
        assert (
            response.json()["ErrorMessage"] == "This resource is read-only and cannot be deleted."
        )
    everyone = fresh_api.json("/api/teams/teams-everyone")
    joined = fresh_api.put("/api/teams/teams-everyone", dict(everyone, MemberUserIds=["Users-2"]))
    assert joined.json()["Errors"] == ["The members of the team 'Everyone' cannot be changed."]
    admins = fresh_api.json("/api/teams/teams-administrators")
    renamed = fresh_api.put("/api/teams/teams-administrators", dict(admins, Name="Admins"))
    assert renamed.json()["Errors"] == [
        "The team 'Octopus Administrators' is built in and cannot be renamed."
    ]
    freed = fresh_api.put("/api/teams/teams-administrators", dict(admins, CanBeDeleted=True))
    assert freed.status_code == 200 and freed.json()["CanBeDeleted"] is False


def test_deleting_a_user_or_team_tidies_up(fresh_api):
    developers = fresh_api.json("/api/teams/Teams-1")
    member = developers["MemberUserIds"][0]
    assert fresh_api.delete(f"/api/users/{member}").status_code == 200
    assert member not in fresh_api.json("/api/teams/Teams-1")["MemberUserIds"]
    assert fresh_api.json("/api/teams/Teams-1/scopeduserroles")["TotalResults"] == 2
    assert fresh_api.delete("/api/Spaces-1/teams/Teams-1").status_code == 200
    left = fresh_api.json("/api/scopeduserroles/all")
    assert not [r for r in left if r["TeamId"] == "Teams-1"]


def test_new_spaces_get_a_space_managers_team(fresh_api):
    space = fresh_api.post("/api/spaces", {"Name": "Third"}).json()["Id"]
    roles = fresh_api.json(f"/api/{space}/scopeduserroles/all", includeSystem="false")
    assert [(r["TeamId"], r["UserRoleId"]) for r in roles] == [
        (f"teams-spacemanagers-{space}", "userroles-spacemanager")
    ]
    assert fresh_api.delete(f"/api/spaces/{space}").status_code == 200
    assert fresh_api.get(f"/api/teams/teams-spacemanagers-{space}").status_code == 404


def test_the_empty_seed_has_what_a_fresh_server_has(areas):
    api = in_process(Sandbox(areas, seed="empty"))
    assert [u["Username"] for u in api.json("/api/users/all")] == ["admin"]
    assert {t["Name"] for t in api.json("/api/teams/all")} == {
        "Everyone", "Octopus Administrators", "Octopus Managers", "Space Managers"
    }  # fmt: skip
    assert len(api.json("/api/userroles/all")) == 16
