"""Resolving the names in user and team statements to documents, with close matches.

Users and user roles are system-wide (read from ``/api/users/all`` and
``/api/userroles/all``); teams are the current space's plus the system teams
(``/api/{spaceId}/teams/all``). Every failure is recorded as a problem and
resolution goes on, so one plan reports every bad name at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from octoflow_plugins.users.models import ScopedUserRole, Team, User, UserRole

from octoflow.provider import (
    Environment,
    Intent,
    Model,
    PlanContext,
    Project,
    ProjectGroup,
    Tenant,
    unknown_name_message,
)

USERS = "/api/users"
ROLES = "/api/userroles"
SCOPED_ROLES = "/api/scopeduserroles"
TEAMS = "teams"
#: Keyword of ``grant``/``revoke`` → (document field, collection, model, noun).
SCOPES: dict[str, tuple[str, str, type[Model], str]] = {
    "environments": ("EnvironmentIds", "environments", Environment, "environment"),
    "projects": ("ProjectIds", "projects", Project, "project"),
    "project_groups": ("ProjectGroupIds", "projectgroups", ProjectGroup, "project group"),
    "tenants": ("TenantIds", "tenants", Tenant, "tenant"),
}
NOUN_OF = {field: noun for field, _, _, noun in SCOPES.values()}
#: Document field → the restriction name user roles list in ``SupportedRestrictions``.
RESTRICTION_OF = {
    "EnvironmentIds": "Environments",
    "ProjectIds": "Projects",
    "ProjectGroupIds": "ProjectGroups",
    "TenantIds": "Tenants",
}


def users(ctx: PlanContext) -> list[User]:
    return ctx.models(USERS, User)


def user_by_username(ctx: PlanContext) -> dict[str, User]:
    return {u.username.lower(): u for u in users(ctx)}


def user(ctx: PlanContext, username: str) -> User | None:
    found = user_by_username(ctx).get(username.strip().lower())
    if found is None:
        ctx.problem(unknown_name_message("user", username, [u.username for u in users(ctx)]))
        return None
    ctx.label(found)
    return found


def teams(ctx: PlanContext) -> list[Team]:
    return ctx.models(TEAMS, Team)


def team(ctx: PlanContext, name: str) -> Team | None:
    """The team called ``name`` (a space team wins over a system team of the same name)."""
    wanted = name.strip().lower()
    hits = [t for t in teams(ctx) if wanted in (t.name.lower(), str(t.id).lower())]
    if not hits:
        ctx.problem(unknown_name_message("team", name, [t.name for t in teams(ctx)]))
        return None
    chosen = sorted(hits, key=lambda t: t.is_system)[0]
    ctx.label(chosen)
    return chosen


def close_team_names(ctx: PlanContext, name: str) -> str:
    """``unknown team 'X': did you mean 'Y'?``, for notes about teams about to be created."""
    return unknown_name_message("team", name, [t.name for t in teams(ctx)])


def role(ctx: PlanContext, name: str) -> UserRole | None:
    return ctx.find(ROLES, UserRole, name, "user role")


def scoped_roles(ctx: PlanContext) -> list[ScopedUserRole]:
    return ctx.models(SCOPED_ROLES, ScopedUserRole)


def scope_ids(ctx: PlanContext, keyword: str, names: Sequence[str]) -> list[str]:
    """Ids of the environments (projects, …) named in a ``grant``/``revoke`` keyword."""
    _field, collection, model, noun = SCOPES[keyword]
    ids = []
    for name in names:
        found = ctx.find(collection, model, name, noun)
        if found is not None and found.id:
            ids.append(found.id)
    return ids


def membership_intent(
    ctx: PlanContext, adding: bool, ids: Sequence[str], current: Sequence[str]
) -> Intent:
    """``team.add_members`` (``adding``) or ``team.remove_members`` of ``ids``; the summary
    names the users whose membership changes (``current``: the members now)."""
    changing = [i for i in ids if (i not in current) == adding]
    shown = ", ".join(ctx.labels.get(i, i) for i in changing[:3])
    shown += ", …" if len(changing) > 3 else ""
    word = "add" if adding else "remove"
    summary = f"{word} {len(changing)} member(s): {shown}" if changing else f"{word} no members"
    noop = "already members" if adding else "not members"
    return Intent(f"team.{word}_members", {"user_ids": list(ids)}, summary, noop)
