"""``octo.teams``: select (or ensure) teams and change their members and roles.

Examples::

    octo.teams.ensure("Release Managers").add_members(octo.users.ensure_many(rows))
    octo.teams.where(name="Developers").grant("Project deployer", environments=["Test"])
    octo.teams.where(partial_name="Contractors").remove_members(["alice.ng", "bob.li"])

Teams are the current space's plus the system teams (``SpaceId`` null).
Built-in teams the server marks ``CanBeDeleted: false`` are never deleted, and
the members of ``Everyone`` (every user) cannot be changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

import attrs
from octoflow_plugins.users import resolve
from octoflow_plugins.users.kinds import TEAM
from octoflow_plugins.users.members import members_from
from octoflow_plugins.users.models import Team
from octoflow_plugins.users.team_verbs import (
    AddMembers,
    ChangedTeam,
    Delete,
    Grant,
    RemoveMembers,
    Revoke,
    TeamVerb,
)

from octoflow.provider import (
    Edit,
    Intent,
    PlanContext,
    Selection,
    UsageError,
    as_names,
    created_ref,
    unknown_name_message,
)


@attrs.frozen
class EnsureSpec:
    name: str
    description: str | None = None
    system: bool = False


@attrs.frozen
class Teams(Selection):
    collection: ClassVar[str] = "teams"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {"name", "partial_name", "member", "is_system"}
    )
    ensured: EnsureSpec | None = None

    # -- verbs ------------------------------------------------------------------

    def ensure(self, name: str, description: str | None = None, system: bool = False) -> Teams:
        """The team ``name`` exists (created in the current space, or as a system team
        with ``system=True``); chain verbs to change it."""
        if not name.strip():
            raise UsageError("teams.ensure() needs a team name")
        return attrs.evolve(self, ensured=EnsureSpec(name.strip(), description, system))

    def add_members(self, users: Any) -> Teams:
        """Add users: usernames, ``octo.users.where(...)`` or ``octo.users.ensure_many(...)``."""
        return self._with_verb(AddMembers(members_from(users)))

    def remove_members(self, users: Any) -> Teams:
        return self._with_verb(RemoveMembers(members_from(users)))

    def grant(self, role: str, **scopes: str | Iterable[str]) -> Teams:
        """Give the team a user role, at least in the ``environments``, ``projects``,
        ``project_groups`` and ``tenants`` named (none named: everywhere in the space)."""
        return self._with_verb(Grant(role, _scopes(scopes, "grant")))

    def revoke(self, role: str, **scopes: str | Iterable[str]) -> Teams:
        """Take a user role away (only where named, if restrictions are given)."""
        return self._with_verb(Revoke(role, _scopes(scopes, "revoke")))

    def delete(self) -> Teams:
        """Delete the selected teams (never built-in ones)."""
        return self._with_verb(Delete())

    def describe(self) -> str:
        text = super().describe()
        if self.ensured is None:
            return text
        return f"teams.ensure({self.ensured.name!r})" + text.removeprefix(self.collection)

    # -- planning ---------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        if self.ensured is not None and self.criteria:
            ctx.problem("teams.ensure() cannot be combined with where()")
            return []
        known_problems = len(ctx.problems)
        changed = [self._ensured(ctx)] if self.ensured else self._selected(ctx)
        if len(ctx.problems) > known_problems:
            self._check_names(ctx)
            return []
        if any(isinstance(v, Delete) for v in self.verbs):
            return self._deletes(ctx, changed)
        edits: list[Edit] = []
        for one in changed:
            edits += self._edits(ctx, one)
        return edits

    def _check_names(self, ctx: PlanContext) -> None:
        """Resolve the verbs' names too, so one plan reports every bad one."""
        for verb in self._team_verbs():
            verb.check_names(ctx)

    def _selected(self, ctx: PlanContext) -> list[ChangedTeam]:
        every = teams = resolve.teams(ctx)
        for criterion in self.criteria:
            test = self._test(ctx, criterion.key, criterion.value)
            teams = [t for t in teams if test(t)]
        ctx.selected("team", len(teams), len(every), self.whole_is_wide)
        return [self._changed(ctx, t) for t in teams]

    def _changed(self, ctx: PlanContext, team: Team) -> ChangedTeam:
        ctx.label(team)
        document = ctx.document(resolve.TEAMS, str(team.id))
        return ChangedTeam(team, team.name, document, team.is_system)

    def _ensured(self, ctx: PlanContext) -> ChangedTeam:
        spec = self.ensured
        assert spec is not None
        wanted = [t for t in resolve.teams(ctx) if t.name.lower() == spec.name.lower()]
        for team in sorted(wanted, key=lambda t: t.is_system != spec.system):
            return self._changed(ctx, team)
        hint = resolve.close_team_names(ctx, spec.name)
        if "did you mean" in hint:
            ctx.note(f"{hint.replace('unknown team', 'team')}: it will be created")
        body = {
            "Name": spec.name,
            "SpaceId": None if spec.system else ctx.client.space_id,
            "MemberUserIds": [],
        }
        changed = ChangedTeam(None, spec.name, body, spec.system)
        ctx.labels[created_ref(changed.key)] = f"{spec.name} (new)"
        return changed

    def _test(self, ctx: PlanContext, key: str, value: Any) -> Callable[[Team], bool]:
        if key == "predicate":
            return value  # type: ignore[no-any-return]
        if key == "is_system":
            return lambda t: t.is_system == bool(value)
        if key == "partial_name":
            part = str(value).lower()
            return lambda t: part in t.name.lower()
        if key == "member":
            found = resolve.user(ctx, str(value))
            return lambda t: (
                found is not None and (found.id in t.member_user_ids or t.id == "teams-everyone")
            )
        names = as_names(value, "name")
        known = {t.name.lower() for t in resolve.teams(ctx)}
        for name in names:
            if name.lower() not in known:
                resolve.team(ctx, name)  # records the problem, with close matches
        wanted = {n.lower() for n in names}
        return lambda t: t.name.lower() in wanted

    def _edits(self, ctx: PlanContext, changed: ChangedTeam) -> list[Edit]:
        intents: list[Intent] = []
        after: list[str] = []
        users: list[Edit] = []
        grants: list[Edit] = []
        if changed.team is None or (self.ensured and self.ensured.description is not None):
            intents.append(self._created_or_described(changed))
        for verb in self._team_verbs():
            change = verb.for_team(ctx, changed)
            intents += change.intents
            after += change.after
            users += change.first
            grants += change.then
        action = "create" if changed.team is None else "update"
        team_id = changed.team.id if changed.team else None
        own = Edit(TEAM, team_id, changed.name, changed.document, tuple(intents), action,
                   tuple(dict.fromkeys(after)))  # fmt: skip
        return users + ([own] if intents or action == "create" else []) + grants

    def _created_or_described(self, changed: ChangedTeam) -> Intent:
        description = self.ensured.description if self.ensured else None
        if changed.team is None:
            where = "system team" if changed.is_system else "team"
            fields = {"Description": description or ""}
            return Intent("team.set_fields", {"fields": fields}, f"create {where} {changed.name}")
        return Intent(
            "team.set_fields",
            {"fields": {"Description": description}},
            f"description {description!r}",
            "description already so",
        )

    def _team_verbs(self) -> list[TeamVerb]:
        return [v for v in self.verbs if isinstance(v, TeamVerb)]

    def _deletes(self, ctx: PlanContext, changed: Sequence[ChangedTeam]) -> list[Edit]:
        edits = []
        for one in changed:
            team = one.team
            if team is None:
                ctx.problem(f"team {one.name!r} does not exist, so it cannot be deleted")
            elif not team.can_be_deleted:
                ctx.problem(
                    f"team {team.name!r} is built in and cannot be deleted",
                    "narrow the selection, e.g. where(is_system=False)",
                )
            else:
                delete = Intent("team.delete", {}, "delete")
                edits.append(Edit(TEAM, team.id, team.name, {}, (delete,), action="delete"))
        return edits


def _scopes(scopes: dict[str, Any], verb: str) -> dict[str, tuple[str, ...]]:
    unknown = sorted(set(scopes) - set(resolve.SCOPES))
    if unknown:
        raise UsageError(
            f"teams.{verb}(): " + unknown_name_message("keyword", unknown[0], resolve.SCOPES)
        )
    return {k: as_names(v, k) for k, v in scopes.items() if as_names(v, k)}
