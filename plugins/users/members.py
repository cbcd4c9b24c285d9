"""The users a team verb names: usernames, a users selection, or users being ensured."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from octoflow_plugins.users import resolve
from octoflow_plugins.users.ensure_users import EnsureUsers, Member
from octoflow_plugins.users.users import Users

from octoflow.provider import Edit, PlanContext, UsageError, as_names


@attrs.frozen
class Members:
    usernames: tuple[str, ...] = ()
    selection: Users | None = None
    ensured: EnsureUsers | None = None

    def __repr__(self) -> str:
        if self.ensured is not None:
            return repr(self.ensured)
        if self.selection is not None:
            return f"<{self.selection.describe()}>"
        return repr(list(self.usernames))

    def resolve(self, ctx: PlanContext) -> tuple[list[Member], list[Edit]]:
        """The members (ids, or references to users this apply creates), and the edits
        of users to create or update first."""
        if self.ensured is not None:
            planned = self.ensured.planned(ctx)
            return list(planned.members), list(planned.edits)
        if self.selection is not None:
            return [(str(u.id), None) for u in self.selection.select(ctx)], []
        found = [resolve.user(ctx, name) for name in self.usernames]
        return [(str(u.id), None) for u in found if u is not None], []


def members_from(value: Any) -> Members:
    """``"alice"``, ``"alice, bob"``, ``["alice", "bob"]``, ``octo.users.where(...)`` or
    ``octo.users.ensure_many(...)``."""
    if isinstance(value, EnsureUsers):
        return Members(ensured=value)
    if isinstance(value, Users):
        if value.verbs:
            raise UsageError("a users selection naming members cannot have verbs")
        return Members(selection=value)
    if isinstance(value, str) or isinstance(value, Iterable):
        names = as_names(value, "members")
        if not names:
            raise UsageError("name at least one member")
        return Members(usernames=names)
    raise UsageError(f"members must be usernames or users, not {value!r}")
