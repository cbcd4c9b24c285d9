"""The verbs of ``octo.users``: ``for_users(ctx, users)`` gives the edits a verb wants
for the users a statement selects (of the users themselves, or of a team)."""

from __future__ import annotations

from typing import ClassVar

import attrs
from octoflow_plugins.users import resolve
from octoflow_plugins.users.kinds import TEAM, USER
from octoflow_plugins.users.models import User

from octoflow.provider import Edit, Intent, PlanContext, Verb


@attrs.frozen
class UserVerb(Verb):
    def for_users(self, ctx: PlanContext, users: list[User]) -> list[Edit]:
        """The edits for the selected ``users`` (problems on ``ctx``)."""
        raise NotImplementedError


@attrs.frozen
class SetActive(UserVerb):
    active: ClassVar[bool]

    def for_users(self, ctx: PlanContext, users: list[User]) -> list[Edit]:
        word = "active" if self.active else "inactive"
        intent = Intent(
            "user.set_fields", {"fields": {"IsActive": self.active}}, word, f"already {word}"
        )
        return [
            Edit(USER, u.id, u.username, ctx.document(resolve.USERS, str(u.id)), (intent,))
            for u in users
        ]


@attrs.frozen
class Activate(SetActive):
    name: ClassVar[str] = "activate"
    active: ClassVar[bool] = True


@attrs.frozen
class Deactivate(SetActive):
    name: ClassVar[str] = "deactivate"
    active: ClassVar[bool] = False


@attrs.frozen
class TeamMembership(UserVerb):
    """Make the users members of ``team`` (``adding``), or not."""

    adding: ClassVar[bool]
    team: str

    def for_users(self, ctx: PlanContext, users: list[User]) -> list[Edit]:
        found = resolve.team(ctx, self.team)
        if found is None or not users:
            return []
        if not found.can_change_members:
            ctx.problem(f"the members of team {found.name!r} cannot be changed")
            return []
        ids = [str(u.id) for u in users]
        document = ctx.document(resolve.TEAMS, str(found.id))
        change = resolve.membership_intent(ctx, self.adding, ids, found.member_user_ids)
        return [Edit(TEAM, found.id, found.name, document, (change,))]


@attrs.frozen
class AddToTeam(TeamMembership):
    name: ClassVar[str] = "add_to_team"
    adding: ClassVar[bool] = True


@attrs.frozen
class RemoveFromTeam(TeamMembership):
    name: ClassVar[str] = "remove_from_team"
    adding: ClassVar[bool] = False


@attrs.frozen
class Delete(UserVerb):
    """Never the user of the API key in use."""

    name: ClassVar[str] = "delete"

    def for_users(self, ctx: PlanContext, users: list[User]) -> list[Edit]:
        me = ctx.client.get("/api/users/me")
        if any(u.id == me.get("Id") for u in users):
            ctx.problem(
                f"the selection includes {me.get('Username')!r}, the user of this API key",
                "octoflow does not delete the user it works as; narrow the selection",
            )
            return []
        delete = Intent("user.delete", {}, "delete")
        return [Edit(USER, u.id, u.username, {}, (delete,), action="delete") for u in users]
