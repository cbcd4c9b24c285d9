"""``octo.users.ensure_many(rows)``: these users exist, with these names and e-mails.

Missing users are created (unless ``create=False``, which makes them plan
problems); existing ones get the display name and e-mail the rows give. A new
person (not a service account) gets a random initial password at apply time,
written only to ``passwords_out`` (:mod:`octoflow_plugins.users.passwords`): the
plan says where it will go, never what it is. Planning works without
``passwords_out``; applying a plan that creates people does not. The statement
also tells team verbs which users it stands for, so
``octo.teams.ensure("Ops").add_members(octo.users.ensure_many(rows))`` adds
users created in the same apply.
"""

from __future__ import annotations

import weakref

import attrs
from octoflow_plugins.users import passwords, resolve
from octoflow_plugins.users.kinds import USER
from octoflow_plugins.users.models import User
from octoflow_plugins.users.rows import UserSpec

from octoflow.provider import Edit, Intent, PlanContext, created_ref, unknown_name_message

#: A member a team verb can add: a user id (or a reference to a new user) and the
#: key of the edit creating that user, if it is new.
Member = tuple[str, str | None]


@attrs.frozen
class Planned:
    edits: tuple[Edit, ...]
    members: tuple[Member, ...]


#: One planning per statement and plan, however many statements name it.
_PLANNED: weakref.WeakKeyDictionary[PlanContext, dict[EnsureUsers, Planned]] = (
    weakref.WeakKeyDictionary()
)


@attrs.frozen
class EnsureUsers:
    specs: tuple[UserSpec, ...]
    create: bool = True
    passwords_out: str | None = None
    active: bool | None = None
    source: str = ""

    def describe(self) -> str:
        what = self.source or ", ".join(s.username for s in self.specs[:3])
        more = "" if self.source or len(self.specs) <= 3 else ", …"
        return f"users.ensure_many({what}{more})"

    def __repr__(self) -> str:
        return f"<{len(self.specs)} user(s){' from ' + self.source if self.source else ''}>"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        return list(self.planned(ctx).edits)

    def planned(self, ctx: PlanContext) -> Planned:
        memo = _PLANNED.setdefault(ctx, {})
        if self not in memo:
            memo[self] = self._plan(ctx)
        return memo[self]

    def _plan(self, ctx: PlanContext) -> Planned:
        existing = resolve.user_by_username(ctx)
        edits: list[Edit] = []
        members: list[Member] = []
        missing = [s for s in self.specs if s.username.lower() not in existing]
        self._check_missing(ctx, missing, existing)
        for spec in self.specs:
            found = existing.get(spec.username.lower())
            if found is not None:
                edits.append(self._update(ctx, spec, found))
                members.append((str(found.id), None))
            elif self.create:
                edit = self._create(ctx, spec)
                edits.append(edit)
                members.append((created_ref(edit.key), edit.key))
                ctx.labels[created_ref(edit.key)] = f"{spec.username} (new)"
        settle = passwords.settle_edit(ctx, self.passwords_out, existing)
        return Planned(tuple(edits) + ((settle,) if settle is not None else ()), tuple(members))

    def _check_missing(
        self, ctx: PlanContext, missing: list[UserSpec], existing: dict[str, User]
    ) -> None:
        if not missing:
            return
        if not self.create:
            for spec in missing:
                known = [u.username for u in existing.values()]
                ctx.problem(
                    unknown_name_message("user", spec.username, known)
                    + (f" (line {spec.line})" if spec.line else ""),
                    "create_missing is off, so users must exist already",
                )
            return
        passwords.check_file(ctx, self.passwords_out, [s for s in missing if not s.is_service])

    def _update(self, ctx: PlanContext, spec: UserSpec, found: User) -> Edit:
        ctx.label(found)
        if spec.is_service != found.is_service:
            kind = "a service account" if found.is_service else "a person"
            ctx.problem(
                f"user {found.username!r} exists as {kind}"
                + (f" (line {spec.line})" if spec.line else ""),
                "Octopus cannot turn one into the other; fix the is_service column",
            )
        intents = [_field("DisplayName", spec.display_name, "display name")]
        intents.append(_field("EmailAddress", spec.email, "email"))
        if self.active is not None:
            intents.append(_field("IsActive", self.active, "active"))
        kept = [i for i in intents if i is not None] or [_exists()]
        document = ctx.document(resolve.USERS, str(found.id))
        return Edit(USER, found.id, found.username, document, tuple(kept))

    def _create(self, ctx: PlanContext, spec: UserSpec) -> Edit:
        fields = {
            "DisplayName": spec.display_name or spec.username,
            "EmailAddress": spec.email,
            "IsActive": True if self.active is None else self.active,
            "IsService": spec.is_service,
        }
        kind = "service account" if spec.is_service else "user"
        email = f" <{spec.email}>" if spec.email else ""
        summary = f"create {kind} {fields['DisplayName']}{email}"
        intents = [Intent("user.set_fields", {"fields": fields}, summary)]
        if not spec.is_service:
            where = self.passwords_out
            where = f", written to {where} when applied" if where else " (needs passwords_out)"
            intents.append(
                Intent(
                    "user.initial_password",
                    {"passwords_out": self.passwords_out or ""},
                    f"random initial password{where}",
                )
            )
        body = {"Username": spec.username}
        return Edit(USER, None, spec.username, body, tuple(intents), action="create")


def _field(field: str, value: object, what: str) -> Intent | None:
    if value is None:
        return None
    return Intent(
        "user.set_fields", {"fields": {field: value}}, f"{what} {value!r}", f"{what} already so"
    )


def _exists() -> Intent:
    return Intent("user.set_fields", {"fields": {}}, "exists", "already exists")
