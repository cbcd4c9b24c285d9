"""The verbs of ``octo.teams``: members in or out, roles granted or revoked.

``for_team(ctx, team)`` says what a verb wants for one team (a :class:`TeamChange`);
``check_names(ctx)`` only resolves the verb's names, so a plan whose teams did
not resolve still reports every bad name at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.users import resolve, roles
from octoflow_plugins.users.kinds import TEAM
from octoflow_plugins.users.members import Members
from octoflow_plugins.users.models import Team

from octoflow.provider import Edit, Intent, PlanContext, Verb


@attrs.frozen
class ChangedTeam:
    """One team a statement changes: its document, or the body of a team to create
    (``team`` is then None)."""

    team: Team | None
    name: str
    document: dict[str, Any]
    is_system: bool

    @property
    def key(self) -> str:
        return Edit(TEAM, self.team.id if self.team else None, self.name, {}, ()).key

    def role_target(self) -> roles.RoleTarget:
        return roles.RoleTarget(self.team, self.key, self.name, self.is_system)


@attrs.frozen
class TeamChange:
    """What one verb wants for one team."""

    #: Intents on the team's own document.
    intents: tuple[Intent, ...] = ()
    #: Keys of edits the team's write waits for (users created in the same apply).
    after: tuple[str, ...] = ()
    #: Edits planned before the team's (of the users it adds).
    first: tuple[Edit, ...] = ()
    #: Edits planned after the team's (of its scoped roles).
    then: tuple[Edit, ...] = ()


@attrs.frozen
class TeamVerb(Verb):
    def check_names(self, ctx: PlanContext) -> None:
        """Resolve the names the verb gives (problems on ``ctx``)."""

    def for_team(self, ctx: PlanContext, team: ChangedTeam) -> TeamChange:
        raise NotImplementedError


@attrs.frozen
class Membership(TeamVerb):
    """Add (``adding``) or remove members."""

    adding: ClassVar[bool]
    members: Members

    def check_names(self, ctx: PlanContext) -> None:
        self.members.resolve(ctx)

    def for_team(self, ctx: PlanContext, team: ChangedTeam) -> TeamChange:
        found, user_edits = self.members.resolve(ctx)
        if team.team is not None and not team.team.can_change_members:
            ctx.problem(f"the members of team {team.name!r} cannot be changed")
            return TeamChange()
        ids = [member_id for member_id, _ in found]
        current = team.document.get("MemberUserIds") or []
        return TeamChange(
            intents=(resolve.membership_intent(ctx, self.adding, ids, current),),
            after=tuple(key for _, key in found if key),
            first=tuple(user_edits),
        )


@attrs.frozen
class AddMembers(Membership):
    name: ClassVar[str] = "add_members"
    adding: ClassVar[bool] = True


@attrs.frozen
class RemoveMembers(Membership):
    name: ClassVar[str] = "remove_members"
    adding: ClassVar[bool] = False


@attrs.frozen
class RoleVerb(TeamVerb):
    """``scopes``: grant/revoke keyword (``environments`` …) → names."""

    role: str
    scopes: Mapping[str, tuple[str, ...]]

    def check_names(self, ctx: PlanContext) -> None:
        resolve.role(ctx, self.role)
        for keyword, names in self.scopes.items():
            resolve.scope_ids(ctx, keyword, names)


@attrs.frozen
class Grant(RoleVerb):
    name: ClassVar[str] = "grant"

    def for_team(self, ctx: PlanContext, team: ChangedTeam) -> TeamChange:
        return TeamChange(then=tuple(roles.grant(ctx, team.role_target(), self.role, self.scopes)))


@attrs.frozen
class Revoke(RoleVerb):
    name: ClassVar[str] = "revoke"

    def for_team(self, ctx: PlanContext, team: ChangedTeam) -> TeamChange:
        edits = roles.revoke(ctx, team.role_target(), self.role, self.scopes)
        return TeamChange(then=tuple(edits))


@attrs.frozen
class Delete(TeamVerb):
    """Planned as whole-team deletes by the selection itself."""

    name: ClassVar[str] = "delete"

    def for_team(self, ctx: PlanContext, team: ChangedTeam) -> TeamChange:
        return TeamChange()
