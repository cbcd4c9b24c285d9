"""Granting and revoking a team's user roles (scoped user roles, REFERENCE §12.3).

``grant(role, environments=…, projects=…, project_groups=…, tenants=…)`` makes
sure the team has the role *at least* there: a restriction left out means
everywhere, and an existing scoped role is only ever widened. ``revoke(role)``
takes the role away in the current space; with restrictions it takes only those
away, deleting a scoped role that would be left restricted to nothing (an empty
restriction means everywhere, so it is never left empty). A space role is
granted in the current space; a role with only system permissions is granted
at the system level, which only system teams can have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
from octoflow_plugins.users import resolve
from octoflow_plugins.users.kinds import SCOPED_ROLE
from octoflow_plugins.users.models import ScopedUserRole, Team, UserRole

from octoflow.provider import Edit, Intent, PlanContext, created_ref

FIELDS = tuple(field for field, *_ in resolve.SCOPES.values())
Scopes = Mapping[str, Sequence[str]]  # grant/revoke keyword → names


@attrs.frozen
class RoleTarget:
    """The team a grant or revoke is for; ``team`` is None while it is being created."""

    team: Team | None
    key: str
    name: str
    is_system: bool

    @property
    def team_id(self) -> str:
        return str(self.team.id) if self.team else created_ref(self.key)


@attrs.frozen
class Resolved:
    role: UserRole
    space_id: str | None
    ids: dict[str, list[str]]  # document field → ids (only the restricted fields)
    where: str  # "in Test, Production" or ""


def grant(ctx: PlanContext, target: RoleTarget, role_name: str, scopes: Scopes) -> list[Edit]:
    found = _resolve(ctx, target, role_name, scopes)
    if found is None:
        return []
    fields = {f: found.ids.get(f, []) for f in FIELDS}
    summary = f"grant {found.role.name}{found.where}"
    existing = _existing(ctx, target, found)
    if not existing:
        body = {"TeamId": target.team_id, "SpaceId": found.space_id}
        fields = {"UserRoleId": found.role.id, **found.ids}
        intent = Intent("scoped_role.set_fields", {"fields": fields}, summary)
        after = () if target.team else (target.key,)
        name = f"{target.name}: {found.role.name}"
        return [Edit(SCOPED_ROLE, None, name, body, (intent,), action="create", after=after)]
    chosen = next((s for s in existing if _covers(s, fields)), existing[0])
    widen = Intent("scoped_role.widen", {"scopes": fields}, summary, f"{summary}: already so")
    return [_update(ctx, target, found.role, chosen, widen)]


def revoke(ctx: PlanContext, target: RoleTarget, role_name: str, scopes: Scopes) -> list[Edit]:
    found = _resolve(ctx, target, role_name, scopes)
    if found is None:
        return []
    existing = _existing(ctx, target, found)
    if not existing:
        ctx.note(f"team {target.name!r} does not have the role {found.role.name!r} here")
        return []
    name = f"{target.name}: {found.role.name}"
    delete = Intent("scoped_role.delete", {}, f"revoke {found.role.name}")
    if not found.ids:
        return [Edit(SCOPED_ROLE, s.id, name, {}, (delete,), action="delete") for s in existing]
    edits = []
    for scoped in existing:
        narrowed = _narrowed(ctx, target, found, scoped)
        if narrowed is None:
            continue
        if any(not left for left in narrowed.values()):
            edits.append(Edit(SCOPED_ROLE, scoped.id, name, {}, (delete,), action="delete"))
            continue
        summary = f"revoke {found.role.name}{found.where}"
        narrow = Intent("scoped_role.narrow", {"scopes": found.ids}, summary, "not granted there")
        edits.append(_update(ctx, target, found.role, scoped, narrow))
    return edits


def _narrowed(
    ctx: PlanContext, target: RoleTarget, found: Resolved, scoped: ScopedUserRole
) -> dict[str, list[str]] | None:
    """What each restricted field keeps, or None (and a problem) if one is unrestricted."""
    left = {}
    for field, ids in found.ids.items():
        current = getattr(scoped, _attr(field))
        if not current:
            noun = resolve.NOUN_OF[field]
            ctx.problem(
                f"team {target.name!r} has {found.role.name!r} in every {noun}, so it cannot "
                f"be revoked only{found.where}",
                "revoke the role entirely, then grant it where it belongs",
            )
            return None
        left[field] = [i for i in current if i not in ids]
    return left


def _resolve(
    ctx: PlanContext, target: RoleTarget, role_name: str, scopes: Scopes
) -> Resolved | None:
    role = resolve.role(ctx, role_name)
    ids = {resolve.SCOPES[k][0]: resolve.scope_ids(ctx, k, v) for k, v in scopes.items() if v}
    if role is None:
        return None
    if target.team is not None and not target.team.can_change_roles:
        ctx.problem(f"the roles of the built-in team {target.name!r} cannot be changed")
        return None
    unsupported = [f for f in ids if resolve.RESTRICTION_OF[f] not in role.supported_restrictions]
    for field in unsupported:
        ctx.problem(
            f"the user role {role.name!r} cannot be restricted to {resolve.NOUN_OF[field]}s"
        )
    space_id = _level(ctx, target, role)
    if unsupported or space_id == "":
        return None
    where = ", ".join(ctx.labels.get(i, i) for v in ids.values() for i in v)
    return Resolved(role, space_id, ids, f" in {where}" if where else "")


def _level(ctx: PlanContext, target: RoleTarget, role: UserRole) -> str | None:
    """The SpaceId of the scoped role: the current space, None (system), "" (impossible)."""
    if role.granted_space_permissions:
        return ctx.client.space_id
    if not target.is_system:
        ctx.problem(
            f"the user role {role.name!r} grants only system permissions, which only "
            f"system teams can have; {target.name!r} is a space team"
        )
        return ""
    return None


def _existing(ctx: PlanContext, target: RoleTarget, found: Resolved) -> list[ScopedUserRole]:
    if target.team is None:
        return []
    return [
        s
        for s in resolve.scoped_roles(ctx)
        if s.team_id == target.team.id
        and s.user_role_id == found.role.id
        and s.space_id == found.space_id
    ]


def _covers(scoped: ScopedUserRole, fields: Mapping[str, Sequence[str]]) -> bool:
    for field, ids in fields.items():
        current = getattr(scoped, _attr(field))
        if current and (not ids or not set(ids) <= set(current)):
            return False
    return True


def _update(
    ctx: PlanContext, target: RoleTarget, role: UserRole, scoped: ScopedUserRole, intent: Intent
) -> Edit:
    document = ctx.document(resolve.SCOPED_ROLES, str(scoped.id))
    return Edit(SCOPED_ROLE, scoped.id, f"{target.name}: {role.name}", document, (intent,))


def _attr(field: str) -> str:
    """``EnvironmentIds`` → ``environment_ids``."""
    return "".join("_" + c.lower() if c.isupper() else c for c in field).lstrip("_")
