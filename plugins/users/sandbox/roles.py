"""User roles (``/api/userroles``, REFERENCE §12.4) and scoped user roles
(``/api/scopeduserroles`` and ``/api/{spaceId}/scopeduserroles``, §12.3).

A scoped user role gives a team a role, either at the system level
(``SpaceId`` null: the role's system permissions) or in one space (its space
permissions there), optionally restricted to environments, projects, project
groups and tenants of that space (empty lists: no restriction).
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.users.sandbox.catalog import (
    PERMISSIONS,
    RESTRICTIONS,
    SPACE_CAPABLE,
    SYSTEM_CAPABLE,
    describe,
)
from octoflow_plugins.users.sandbox.teams import READ_ONLY_DELETE, SpaceOrSystemResource

from octoflow.sandbox.area import CIDict, Doc, Request, Resource, SandboxError

READ_ONLY_EDIT = "This resource is read-only and cannot be modified."
#: Restriction name, document field, collection of the ids, noun for messages.
SCOPES = (
    ("Environments", "EnvironmentIds", "Environments", "environment"),
    ("Projects", "ProjectIds", "Projects", "project"),
    ("ProjectGroups", "ProjectGroupIds", "ProjectGroups", "project group"),
    ("Tenants", "TenantIds", "Tenants", "tenant"),
)


# -- user roles -----------------------------------------------------------------------


def role_defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Description": None,
        "SupportedRestrictions": [],
        "SpacePermissionDescriptions": [],
        "SystemPermissionDescriptions": [],
        "GrantedSpacePermissions": [],
        "GrantedSystemPermissions": [],
        "CanBeDeleted": True,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def role_links(doc: Doc) -> dict[str, str]:
    return {"Self": f"/api/userroles/{doc['Id']}"}


def describe_role(doc: Doc) -> None:
    """The server-made parts of a role: descriptions of what it grants."""
    doc["SpacePermissionDescriptions"] = [describe(p) for p in doc["GrantedSpacePermissions"]]
    doc["SystemPermissionDescriptions"] = [describe(p) for p in doc["GrantedSystemPermissions"]]


def prepare_role(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    if old is not None and not old.get("CanBeDeleted", True):
        raise SandboxError(400, READ_ONLY_EDIT, errors=[READ_ONLY_EDIT])
    doc["CanBeDeleted"] = True
    errors = []
    for field, allowed, level in (
        ("GrantedSpacePermissions", SPACE_CAPABLE, "space"),
        ("GrantedSystemPermissions", SYSTEM_CAPABLE, "system"),
    ):
        granted = list(dict.fromkeys(doc.get(field) or []))
        doc[field] = granted
        for name in granted:
            if name not in PERMISSIONS:
                errors.append(f"'{name}' is not a permission.")
            elif name not in allowed:
                errors.append(f"The permission '{name}' cannot be granted at the {level} level.")
    unknown = [r for r in doc.get("SupportedRestrictions") or [] if r not in RESTRICTIONS]
    errors += [f"'{r}' is not a restriction; use {', '.join(RESTRICTIONS)}." for r in unknown]
    describe_role(doc)
    return errors


def role_delete_errors(req: Request, doc: Doc) -> list[str]:
    if not doc.get("CanBeDeleted", True):
        raise SandboxError(400, READ_ONLY_DELETE, errors=[READ_ONLY_DELETE])
    teams = {
        r["TeamId"] for r in req.state.values("ScopedUserRoles") if r["UserRoleId"] == doc["Id"]
    }
    if teams:
        return [f"The user role '{doc['Name']}' is assigned to {len(teams)} team(s)."]
    return []


def permission_descriptions(req: Request) -> dict[str, Any]:
    """``GET /api/permissions/all``: every permission, described."""
    return {
        name: {
            "Description": describe(name),
            "SupportedRestrictions": [] if name not in SPACE_CAPABLE else list(RESTRICTIONS),
            "CanApplyAtSystemLevel": name in SYSTEM_CAPABLE,
            "CanApplyAtSpaceLevel": name in SPACE_CAPABLE,
        }
        for name in PERMISSIONS
    }


USER_ROLES = Resource(
    collection="UserRoles",
    segment="userroles",
    item_type="UserRole",
    noun="user role",
    query_template="{?skip,take,ids,partialName}",
    defaults=role_defaults,
    links=role_links,
    prepare=prepare_role,
    delete_errors=role_delete_errors,
    name_scope=lambda doc: None,
    space_scoped=False,
    has_slug=False,
)


# -- scoped user roles -----------------------------------------------------------------


def scoped_defaults() -> Doc:
    return {
        "Id": None,
        "TeamId": None,
        "UserRoleId": None,
        "SpaceId": None,
        **{field: [] for _, field, _, _ in SCOPES},
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def scoped_links(doc: Doc) -> dict[str, str]:
    space = doc.get("SpaceId")
    base = f"/api/{space}/scopeduserroles" if space else "/api/scopeduserroles"
    return {"Self": f"{base}/{doc['Id']}"}


class ScopedRoleResource(SpaceOrSystemResource):
    def name_errors(self, req: Request, doc: Doc) -> list[str]:
        return []  # scoped user roles have no name

    def select(self, req: Request) -> list[Doc]:
        ids = {i.lower() for i in req.query.getlist("ids")}
        items = [d for d in self.items(req) if not ids or d["Id"].lower() in ids]
        return sorted(items, key=lambda d: int(d["Id"].rsplit("-", 1)[1]))


def prepare_scoped(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    doc["SpaceId"], errors = SCOPED_ROLES.space_for(req, body, old)
    for _, field, _, _ in SCOPES:
        doc[field] = list(dict.fromkeys(doc.get(field) or []))
    return errors


def validate_scoped(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    state = req.state
    team = state.get("Teams", doc.get("TeamId"))
    role = state.get("UserRoles", doc.get("UserRoleId"))
    errors = []
    if team is None:
        errors.append(f"The team '{doc.get('TeamId')}' does not exist.")
    elif not team.get("CanChangeRoles", True):
        errors.append(f"The roles of the built-in team '{team['Name']}' cannot be changed.")
    elif team.get("SpaceId") and team["SpaceId"] != doc["SpaceId"]:
        errors.append(
            f"The team '{team['Name']}' belongs to {team['SpaceId']}; its roles must have "
            f"SpaceId {team['SpaceId']}."
        )
    if role is None:
        errors.append(f"The user role '{doc.get('UserRoleId')}' does not exist.")
    else:
        errors += _level_errors(doc, role) + _scope_errors(req, doc, role)
    return errors


def _level_errors(doc: Doc, role: Doc) -> list[str]:
    if doc["SpaceId"] is None and role["GrantedSpacePermissions"]:
        return [f"The user role '{role['Name']}' grants space permissions, so it needs a SpaceId."]
    if doc["SpaceId"] is not None and not role["GrantedSpacePermissions"]:
        return [
            f"The user role '{role['Name']}' grants only system permissions; give it no SpaceId."
        ]
    return []


def _scope_errors(req: Request, doc: Doc, role: Doc) -> list[str]:
    errors = []
    for restriction, field, collection, noun in SCOPES:
        if not doc[field]:
            continue
        if restriction not in (role.get("SupportedRestrictions") or []):
            errors.append(f"The user role '{role['Name']}' cannot be restricted to {noun}s.")
            continue
        for ref in doc[field]:
            found = req.state.get(collection, ref) if isinstance(ref, str) else None
            if found is None or found.get("SpaceId") != doc["SpaceId"]:
                errors.append(f"The {noun} '{ref}' does not exist in {doc['SpaceId']}.")
    return errors


SCOPED_ROLES = ScopedRoleResource(
    collection="ScopedUserRoles",
    segment="scopeduserroles",
    item_type="ScopedUserRole",
    noun="scoped user role",
    query_template="{?skip,take,ids,partialName,spaces,includeSystem}",
    defaults=scoped_defaults,
    links=scoped_links,
    prepare=prepare_scoped,
    validate=validate_scoped,
    name_scope=None,
    space_scoped=False,
    has_slug=False,
)


def forget_scope(req: Request, old: Doc | None, new: Doc | None, field: str) -> None:
    """A deleted environment, project, project group or tenant leaves every scope.

    A role restricted to nothing else is removed: an empty list would mean everywhere.
    """
    if new is not None or old is None:
        return
    for role in req.state.values("ScopedUserRoles"):
        if old["Id"] in role[field]:
            left = [i for i in role[field] if i != old["Id"]]
            if left:
                role[field] = left
            else:
                req.state.remove("ScopedUserRoles", role["Id"])
