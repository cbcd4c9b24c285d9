"""Typed views of users, teams, user roles and scoped user roles (REFERENCE §12)."""

from __future__ import annotations

import attrs

from octoflow.provider import Model, Named


@attrs.define(kw_only=True)
class User(Model):
    username: str = ""
    display_name: str = ""
    email_address: str | None = None
    is_active: bool = True
    is_service: bool = False

    @property
    def name(self) -> str:
        """Plans name users by their username."""
        return self.username


@attrs.define(kw_only=True)
class Team(Named):
    member_user_ids: list[str] = attrs.field(factory=list)
    can_be_deleted: bool = True
    can_be_renamed: bool = True
    can_change_members: bool = True
    can_change_roles: bool = True

    @property
    def is_system(self) -> bool:
        return self.space_id is None


@attrs.define(kw_only=True)
class UserRole(Named):
    granted_space_permissions: list[str] = attrs.field(factory=list)
    granted_system_permissions: list[str] = attrs.field(factory=list)
    supported_restrictions: list[str] = attrs.field(factory=list)


@attrs.define(kw_only=True)
class ScopedUserRole(Model):
    team_id: str = ""
    user_role_id: str = ""
    space_id: str | None = None
    environment_ids: list[str] = attrs.field(factory=list)
    project_ids: list[str] = attrs.field(factory=list)
    project_group_ids: list[str] = attrs.field(factory=list)
    tenant_ids: list[str] = attrs.field(factory=list)
