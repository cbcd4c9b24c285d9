"""The users area's seeds: what every server has, and the demo's people and teams.

Every seed (``empty`` too) has what a fresh Octopus server has: the ``admin``
user (``Users-1``, whom the sandbox's own API keys act as), the built-in user
roles (``userroles-…``) and the built-in teams ``Everyone``, ``Octopus
Administrators``, ``Octopus Managers`` (system teams) and ``Space Managers``
(Spaces-1), none of which can be deleted.

The demo adds, deterministically (a fixed ``random.Random``):

* 50 users in all: ``admin``, 46 people named ``first.last`` with e-mail
  ``first.last@example.com`` (2 of them inactive), and the service accounts
  ``svc-build``, ``svc-deploy`` and ``svc-monitoring``;
* space teams in Spaces-1: ``Developers`` (20 members), ``Operations`` (8),
  ``Testers`` (6) and ``Release Managers`` (no members), with scoped roles
  (Developers: Project contributor, and Project deployer in Development and
  Test; Release Managers: Project deployer in Staging and Production; …).
"""

from __future__ import annotations

import random

from octoflow_plugins.users.sandbox.catalog import BUILT_IN_ROLES, RESTRICTIONS
from octoflow_plugins.users.sandbox.roles import SCOPED_ROLES, USER_ROLES, describe_role
from octoflow_plugins.users.sandbox.teams import EVERYONE, TEAMS
from octoflow_plugins.users.sandbox.users import USERS

from octoflow.sandbox.area import Doc, Resource, State, is_demo

SPACE_ID = "Spaces-1"
PEOPLE = 46
INACTIVE = 2
FIRST = (
    "Aisha", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kofi", "Lena", "Mateo", "Nadia", "Oscar", "Priya", "Quinn", "Rosa", "Sven", "Tara",
    "Umar", "Vera", "Wei", "Yara",
)  # fmt: skip
LAST = (
    "Andersen", "Brooks", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Quintero",
    "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Zhang",
)  # fmt: skip
SERVICE_ACCOUNTS = (
    ("svc-build", "Build server"),
    ("svc-deploy", "Deployment automation"),
    ("svc-monitoring", "Monitoring"),
)
# name, description, member count, [(role id, environment names)]
SPACE_TEAMS = (
    ("Developers", "People who build and test the applications.", 20,
     [("userroles-projectcontributor", ()),
      ("userroles-projectdeployer", ("Development", "Test"))]),
    ("Operations", "People who run the environments and deployment targets.", 8,
     [("userroles-environmentmanager", ()), ("userroles-projectdeployer", ())]),
    ("Testers", "People who test releases before they go out.", 6,
     [("userroles-projectviewer", ()), ("userroles-projectdeployer", ("Test",))]),
    ("Release Managers", "People who take releases to Staging and Production.", 0,
     [("userroles-projectdeployer", ("Staging", "Production"))]),
)  # fmt: skip


def seed_users(state: State, seed: str) -> None:
    admin = USERS.insert(
        state,
        None,
        {"Username": "admin", "DisplayName": "Administrator", "EmailAddress": "admin@example.com"},
    )
    seed_roles(state)
    seed_system_teams(state, admin["Id"])
    if state.get("Spaces", SPACE_ID) is not None:
        furnish_space(state, SPACE_ID)
    if is_demo(seed):
        seed_demo(state, random.Random("octoflow-demo-users"))


def seed_roles(state: State) -> None:
    for role_id, name, description, system, space, restricted in BUILT_IN_ROLES:
        doc = {
            "Id": role_id,
            "Name": name,
            "Description": description,
            "SupportedRestrictions": list(RESTRICTIONS) if restricted else [],
            "GrantedSystemPermissions": list(system),
            "GrantedSpacePermissions": list(space),
            "CanBeDeleted": False,
        }
        describe_role(put_fixed(USER_ROLES, state, doc))


def seed_system_teams(state: State, admin_id: str) -> None:
    fixed = {"CanBeDeleted": False, "CanBeRenamed": False}
    put_fixed(
        TEAMS,
        state,
        {
            "Id": EVERYONE,
            "Name": "Everyone",
            "Description": "Every user is a member of this team.",
            **fixed,
            "CanChangeMembers": False,
        },
    )
    for team_id, name, description, members, role in (
        ("teams-administrators", "Octopus Administrators",
         "Octopus Administrators can do everything at the system level.",
         [admin_id], "userroles-systemadministrator"),
        ("teams-managers", "Octopus Managers",
         "Octopus Managers can do everything at the system level except administer the server.",
         [], "userroles-systemmanager"),
    ):  # fmt: skip
        put_fixed(
            TEAMS,
            state,
            {
                "Id": team_id,
                "Name": name,
                "Description": description,
                "MemberUserIds": members,
                **fixed,
                "CanChangeRoles": False,
            },
        )
        grant(state, team_id, role, None)


def furnish_space(state: State, space_id: str) -> None:
    """What every space has: its ``Space Managers`` team with the Space manager role."""
    team_id = f"teams-spacemanagers-{space_id}"
    put_fixed(
        TEAMS,
        state,
        {
            "Id": team_id,
            "Name": "Space Managers",
            "Description": "Space managers can do everything within this space.",
            "SpaceId": space_id,
            "CanBeDeleted": False,
            "CanBeRenamed": False,
            "CanChangeRoles": False,
        },
    )
    grant(state, team_id, "userroles-spacemanager", space_id)


def seed_demo(state: State, rng: random.Random) -> None:
    names = rng.sample([(f, last) for f in FIRST for last in LAST], PEOPLE)
    inactive = set(rng.sample(range(PEOPLE), INACTIVE))
    people = []
    for n, (first, last) in enumerate(names):
        people.append(insert_person(state, first, last, n not in inactive)["Id"])
    for username, display in SERVICE_ACCOUNTS:
        USERS.insert(
            state,
            None,
            {"Username": username, "DisplayName": display, "IsService": True,
             "CanPasswordBeEdited": False},
        )  # fmt: skip
    environments = {e["Name"]: e["Id"] for e in state.values("Environments", SPACE_ID)}
    for name, description, count, roles in SPACE_TEAMS:
        members = sorted(rng.sample(people, count), key=lambda i: int(i.split("-")[1]))
        team = TEAMS.insert(
            state,
            None,
            {
                "Name": name,
                "Description": description,
                "SpaceId": SPACE_ID,
                "MemberUserIds": members,
            },
        )
        for role_id, scope in roles:
            grant(state, team["Id"], role_id, SPACE_ID, [environments[e] for e in scope])


def insert_person(state: State, first: str, last: str, active: bool) -> Doc:
    """A person's user account: ``first.last``, with an example.com address."""
    username = f"{first}.{last}".lower()
    return USERS.insert(
        state,
        None,
        {
            "Username": username,
            "DisplayName": f"{first} {last}",
            "EmailAddress": f"{username}@example.com",
            "IsActive": active,
        },
    )


def grant(
    state: State,
    team_id: str,
    role_id: str,
    space_id: str | None,
    environment_ids: list[str] | None = None,
) -> Doc:
    fields = {"TeamId": team_id, "UserRoleId": role_id, "SpaceId": space_id}
    return SCOPED_ROLES.insert(state, None, dict(fields, EnvironmentIds=environment_ids or []))


def put_fixed(resource: Resource, state: State, fields: Doc) -> Doc:
    """Store a built-in document under its well-known id (no counter)."""
    doc = resource.defaults()
    doc.update(fields)
    state.stamp(doc)
    doc["Links"] = resource.links(doc)
    return state.put(resource.collection, doc)
