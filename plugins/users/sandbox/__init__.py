"""The users provider's sandbox area: users, API keys, teams, user roles and scoped
user roles (REFERENCE §12), and the permission checks of the keys it issues.

Users, user roles and the ``/api/teams`` and ``/api/scopeduserroles`` forms are
system routes; teams and scoped user roles are also served space-scoped
(``/api/{spaceId}/teams``). See ``permissions`` for what a key the
sandbox issued may do.
"""

from __future__ import annotations

from octoflow_plugins.users.sandbox import apikeys, permissions, users
from octoflow_plugins.users.sandbox.roles import (
    SCOPED_ROLES,
    USER_ROLES,
    forget_scope,
    permission_descriptions,
)
from octoflow_plugins.users.sandbox.seed import furnish_space, seed_users
from octoflow_plugins.users.sandbox.seed_large import seed_large_users
from octoflow_plugins.users.sandbox.teams import TEAMS, forget_user, scoped_roles_of_team
from octoflow_plugins.users.sandbox.users import USERS, login, me

from octoflow.sandbox.area import Doc, Request, Resource, Router, State, is_large, register

SCOPE_COLLECTIONS = {
    "Environments": "EnvironmentIds",
    "Projects": "ProjectIds",
    "ProjectGroups": "ProjectGroupIds",
    "Tenants": "TenantIds",
}
LINKS = {
    "Users": "/users{/id}{?skip,take,ids,filter}",
    "CurrentUser": "/users/me",
    "SignIn": "/users/login{?returnUrl}",
    "Teams": "/teams{/id}{?skip,take,ids,partialName,spaces,includeSystem}",
    "ScopedUserRoles": "/scopeduserroles{/id}{?skip,take,ids,partialName,spaces,includeSystem}",
    "UserRoles": "/userroles{/id}{?skip,take,ids,partialName}",
    "PermissionDescriptions": "/permissions/all",
}


def register_everywhere(router: Router, res: Resource) -> None:
    """Routes at ``/api/{spaceId}/x``, ``/api/spaces/{ref}/x`` and the system ``/api/x``.

    The system routes are added last, so ``/api/x`` is the system form (all
    spaces), not the default space's.
    """
    seg = "/" + res.segment
    for add in (router.space, router.system):
        add("GET", seg, res.get_page)
        add("GET", seg + "/all", res.get_all)
        add("GET", seg + "/{id}", res.get_one)
        add("POST", seg, res.create)
        add("PUT", seg + "/{id}", res.update)
        add("DELETE", seg + "/{id}", res.delete)
    router.add_field_names(res.defaults())
    router.add_field_names(res.nested_fields)


def on_space(req: Request, old: Doc | None, new: Doc | None) -> None:
    """A new space gets its Space Managers team; a deleted one takes its teams along."""
    if old is None and new is not None:
        furnish_space(req.state, new["Id"])
    elif new is None and old is not None:
        for team in [t for t in req.state.values("Teams") if t.get("SpaceId") == old["Id"]]:
            req.state.remove("Teams", team["Id"])
        for role in [r for r in req.state.values("ScopedUserRoles") if r["SpaceId"] == old["Id"]]:
            req.state.remove("ScopedUserRoles", role["Id"])


def _scope_listener(field: str):  # type: ignore[no-untyped-def]
    return lambda req, old, new: forget_scope(req, old, new, field)


class UsersArea:
    """Users, teams and roles for the sandbox; see the module docstring."""

    name = "users"

    def register_routes(self, router: Router) -> None:
        router.system("GET", "/users/me", me)
        router.system("POST", "/users/login", login, anonymous=True)
        register(router, USERS)
        apikeys.register_routes(router)
        register_everywhere(router, TEAMS)
        register_everywhere(router, SCOPED_ROLES)
        register(router, USER_ROLES)
        for add in (router.space, router.system):
            add("GET", "/teams/{id}/scopeduserroles", scoped_roles_of_team)
            add("GET", "/users/{id}/permissions", permissions.user_permissions)
            add(
                "GET",
                "/users/{id}/permissions/configuration",
                permissions.permissions_configuration,
            )
            add("GET", "/users/{id}/teams", permissions.user_teams)
        router.system("GET", "/permissions/all", permission_descriptions)
        for name, template in LINKS.items():
            router.link(name, template, space_scoped=False)
        router.on_change("Users", forget_user)
        router.on_change("Users", users.forget_user)
        router.on_change("Users", apikeys.forget_user)
        router.on_change("Spaces", on_space)
        for collection, field in SCOPE_COLLECTIONS.items():
            router.on_change(collection, _scope_listener(field))
        router.guard(permissions.guard)

    def seed(self, state: State, seed: str) -> None:
        seed_users(state, seed)
        if is_large(seed):
            seed_large_users(state)
