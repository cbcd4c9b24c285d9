"""``octo.users``: select users and say what should change about them.

Examples::

    octo.users.where(team="Developers", is_active=True).add_to_team("Release Managers")
    octo.users.where(partial_name="contractor").deactivate()
    octo.users.ensure_many(octo.users.from_csv("people.csv"), passwords_out="passwords.csv")

Users are system-wide: they are read from ``/api/users`` whatever the space.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import attrs
from octoflow_plugins.users import resolve
from octoflow_plugins.users.ensure_users import EnsureUsers
from octoflow_plugins.users.models import User
from octoflow_plugins.users.rows import UserSpec, checked, read_csv, spec_from
from octoflow_plugins.users.user_verbs import (
    Activate,
    AddToTeam,
    Deactivate,
    Delete,
    RemoveFromTeam,
    UserVerb,
)

from octoflow.provider import Edit, PlanContext, Selection, as_names

EVERYONE = "teams-everyone"


@attrs.frozen
class Users(Selection):
    collection: ClassVar[str] = "users"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {"username", "email", "display_name", "partial_name", "team", "is_active", "is_service"}
    )

    # -- verbs ------------------------------------------------------------------

    def deactivate(self) -> Users:
        """Mark the users inactive: they can no longer sign in or use their API keys."""
        return self._with_verb(Deactivate())

    def activate(self) -> Users:
        return self._with_verb(Activate())

    def add_to_team(self, team: str) -> Users:
        """Make every selected user a member of ``team`` (a team name)."""
        return self._with_verb(AddToTeam(team))

    def remove_from_team(self, team: str) -> Users:
        return self._with_verb(RemoveFromTeam(team))

    def delete(self) -> Users:
        """Delete every selected user (never the user of the API key in use)."""
        return self._with_verb(Delete())

    # -- statements that make users -----------------------------------------------

    def ensure(
        self,
        username: str,
        display_name: str | None = None,
        email: str | None = None,
        service: bool = False,
        active: bool | None = None,
        passwords_out: str | Path | None = None,
    ) -> EnsureUsers:
        """One user exists (created when missing), with this display name and e-mail."""
        spec = UserSpec(username.strip(), display_name, email, service)
        return self.ensure_many([spec], passwords_out=passwords_out, active=active)

    def ensure_many(
        self,
        rows: Iterable[UserSpec | Mapping[str, Any] | str],
        create: bool = True,
        passwords_out: str | Path | None = None,
        active: bool | None = None,
    ) -> EnsureUsers:
        """Every user in ``rows`` exists, with the display name and e-mail given there.

        :param rows: :class:`UserSpec` s (``from_csv`` makes them), mappings with the keys
            ``username``, ``display_name``, ``email`` (and ``is_service``), or usernames.
        :param create: create missing users; when false, a missing user is a plan problem.
        :param passwords_out: the file that gets new people's random initial passwords
            (CSV ``username,password``, mode 0600); it must not exist yet.
        :param active: also set every listed user active (``True``) or inactive.
        """
        specs = tuple(spec_from(r) for r in rows)
        source = str(getattr(rows, "source", ""))
        if not source:
            specs = checked(specs, "the users given")
        out = str(Path(passwords_out).expanduser().absolute()) if passwords_out else None
        return EnsureUsers(specs, create, out, active, source)

    def from_csv(self, path: str | Path) -> UserRows:
        """The users of a CSV file with the header ``username,display_name,email``.

        Every bad row is reported at once with its line number (a UsageError).
        """
        return UserRows(read_csv(path), Path(path).name)

    # -- planning -------------------------------------------------------------------

    def select(self, ctx: PlanContext) -> list[User]:
        users = resolve.users(ctx)
        for criterion in self.criteria:
            test = self._test(ctx, criterion.key, criterion.value)
            users = [u for u in users if test(u)]
        for user in users:
            ctx.label(user)
        return users

    def _test(self, ctx: PlanContext, key: str, value: Any) -> Callable[[User], bool]:
        if key == "predicate":
            return value  # type: ignore[no-any-return]
        if key in ("is_active", "is_service"):
            return lambda u: getattr(u, key) == bool(value)
        if key == "team":
            found = resolve.team(ctx, str(value))
            ids = set(found.member_user_ids) if found else set()
            everyone = found is not None and found.id == EVERYONE
            return lambda u: everyone or u.id in ids
        if key == "partial_name":
            part = str(value).lower()
            return lambda u: any(
                part in (text or "").lower()
                for text in (u.username, u.display_name, u.email_address)
            )
        wanted = {v.lower() for v in as_names(value, key)}
        field = {"username": "username", "email": "email_address", "display_name": "display_name"}
        return lambda u: (getattr(u, field[key]) or "").lower() in wanted

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        selected = self.select(ctx)
        if len(ctx.problems) > known_problems:
            return []
        ctx.selected("user", len(selected), len(resolve.users(ctx)), self.whole_is_wide)
        edits: list[Edit] = []
        for verb in self.verbs:
            if isinstance(verb, UserVerb):
                edits += verb.for_users(ctx, selected)
        return edits


@attrs.frozen
class UserRows:
    """Users read from a file: iterable, and remembers the file's name for messages."""

    specs: tuple[UserSpec, ...]
    source: str

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.specs)

    def __len__(self) -> int:
        return len(self.specs)
