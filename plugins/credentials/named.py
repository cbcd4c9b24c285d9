"""What accounts and feeds share: selecting them by name or type, ``ensure`` (create or
converge by name) and ``rotate`` (a secret read from the environment at apply time)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.credentials.intents import SET_FIELDS, SET_SECRET

from octoflow.provider import (
    Edit,
    Ensure,
    Intent,
    PlanContext,
    Selection,
    UsageError,
    Verb,
    as_names,
    clone,
    is_env_name,
    unknown_name_message,
)

Doc = dict[str, Any]
#: Fields ``ensure`` refuses in ``fields``: the server sets them, or ``type``/``secrets`` do.
RESERVED = ("Id", "Name", "SpaceId", "Links", "LastModifiedOn", "LastModifiedBy")


def env_name(value: Any, call: str) -> str:
    if not is_env_name(value):
        raise UsageError(
            f"{call}: name the environment variable holding the secret (letters, digits, _), "
            f"not {value!r}; apply reads its value, which is never shown or saved"
        )
    return value


def secret_intent(ctx: PlanContext, field: str, env: str, what: str) -> Intent:
    """Set ``field`` from ``$env`` at apply time; a problem when ``$env`` is not set now."""
    ctx.require_env(env, f"the new {field} of {what}")
    args = {"field": field, "env": env, "what": what}
    return Intent(SET_SECRET, args, f"{field} (secret, read from ${env} at apply)")


@attrs.frozen
class Rotate(Verb):
    name: ClassVar[str] = "rotate"
    from_env: str
    field: str | None = None


@attrs.frozen
class Kind:
    """How one collection of credentials is spelled on the wire."""

    collection: str  # URL segment and ``ctx.documents`` name
    kind: str  # resource kind
    noun: str  # "account"
    type_field: str  # "AccountType"
    #: type → its secret fields, first the one ``rotate`` sets when no field is named.
    secrets: Mapping[str, tuple[str, ...]]


@attrs.frozen
class Credentials(Selection):
    """A selection of accounts or feeds; subclasses set ``of``."""

    of: ClassVar[Kind]
    criteria_keys: ClassVar[frozenset[str]] = frozenset({"name", "partial_name", "type"})

    def rotate(self, from_env: str, field: str | None = None) -> Credentials:
        """Send a new secret, read from ``$from_env`` at apply time (the type's main secret
        unless ``field`` names another)."""
        env = env_name(from_env, f"{self.collection}.rotate()")
        if field is not None and (not isinstance(field, str) or not field.strip()):
            raise UsageError(
                f"{self.collection}.rotate(field=…) names a secret field, e.g. Password"
            )
        return self._with_verb(Rotate(env, field))

    def select(self, ctx: PlanContext) -> list[Doc]:
        every = ctx.documents(self.of.collection)
        chosen = list(every)
        for names in self.criteria_for("name"):
            chosen = _named(ctx, self.of.noun, chosen, every, as_names(names, "name"))
        for part in self.criteria_for("partial_name"):
            text = str(part).strip().lower()
            chosen = [d for d in chosen if text in str(d.get("Name", "")).lower()]
        for types in self.criteria_for("type"):
            wanted = self._types(ctx, as_names(types, "type"))
            chosen = [d for d in chosen if d.get(self.of.type_field) in wanted]
        for predicate in self.criteria_for("predicate"):
            chosen = [d for d in chosen if predicate(clone(d))]
        return chosen

    def _types(self, ctx: PlanContext, names: tuple[str, ...]) -> set[str]:
        known = {t.lower(): t for t in self.of.secrets}
        for name in names:
            if name.lower() not in known:
                ctx.problem(
                    unknown_name_message(f"{self.of.noun} type", name, list(known.values()))
                )
        return {known[n.lower()] for n in names if n.lower() in known}

    def plan(self, ctx: PlanContext) -> list[Edit]:
        chosen = self.select(ctx)
        if not self.verbs:
            ctx.note(f"selects {len(chosen)} {self.of.noun}(s)")
            return []
        total = len(ctx.documents(self.of.collection))
        ctx.selected(self.of.noun, len(chosen), total, self.whole_is_wide)
        return [e for doc in chosen for e in self._edits(ctx, doc)]

    def _edits(self, ctx: PlanContext, doc: Doc) -> list[Edit]:
        intents = [self._rotate(ctx, doc, verb) for verb in self.verbs if isinstance(verb, Rotate)]
        found = [i for i in intents if i is not None]
        return [Edit(self.of.kind, doc["Id"], doc["Name"], doc, tuple(found))] if found else []

    def _rotate(self, ctx: PlanContext, doc: Doc, verb: Rotate) -> Intent | None:
        what = f"{self.of.noun} {doc['Name']!r}"
        fields = self.of.secrets.get(str(doc.get(self.of.type_field)), ())
        field = verb.field or (fields[0] if fields else None)
        if field is None or field not in fields:
            ctx.problem(
                f"{what} ({doc.get(self.of.type_field)}) has no secret "
                + (repr(verb.field) if verb.field else "to rotate"),
                f"its secrets: {', '.join(fields)}" if fields else "",
            )
            return None
        return secret_intent(ctx, field, verb.from_env, what)


def _named(
    ctx: PlanContext, noun: str, docs: list[Doc], every: list[Doc], wanted: tuple[str, ...]
) -> list[Doc]:
    known = [str(d.get("Name")) for d in every]
    lowered = {k.lower() for k in known}
    for name in wanted:
        if name.lower() not in lowered:
            ctx.problem(unknown_name_message(noun, name, known))
    names = {w.lower() for w in wanted}
    return [d for d in docs if str(d.get("Name", "")).lower() in names]


@attrs.frozen
class EnsureCredential(Ensure):
    """``ensure(name, type, fields, secrets)``: a document of ``of`` with this name exists,
    of this type, with these plain fields; ``secrets`` maps a secret field to the
    environment variable apply reads it from (sent when creating, when the field is not
    set yet, or always with ``rotate``)."""

    of: ClassVar[Kind]
    name: str
    type: str
    fields: Mapping[str, Any] = attrs.field(factory=dict)
    secrets: Mapping[str, str] = attrs.field(factory=dict)
    rotate: bool = False

    def describe(self) -> str:
        return f"{self.collection}.ensure({self.name!r}, {self.type!r})"

    @classmethod
    def checked(cls, name: Any, type: Any, fields: Any, secrets: Any, rotate: bool) -> Any:
        call = f"{cls.collection}.ensure({name!r})"
        if not isinstance(name, str) or not name.strip():
            raise UsageError(f"{cls.collection}.ensure() needs a name")
        if not isinstance(type, str) or not type.strip():
            raise UsageError(f"{call} needs a type, e.g. {next(iter(cls.of.secrets))}")
        if not isinstance(fields or {}, Mapping) or not isinstance(secrets or {}, Mapping):
            raise UsageError(f"{call}: fields and secrets are dicts")
        bad = [f for f in (fields or {}) if f in RESERVED or f == cls.of.type_field]
        if bad:
            raise UsageError(f"{call}: fields may not set {', '.join(bad)}")
        for field, env in (secrets or {}).items():
            env_name(env, f"{call}, secret {field}")
        return cls(name.strip(), type.strip(), dict(fields or {}), dict(secrets or {}), rotate)

    def plan(self, ctx: PlanContext) -> list[Edit]:
        kind = self._kind(ctx)
        if kind is None:
            return []
        what = f"{self.of.noun} {self.name!r}"
        existing = next(
            (
                d
                for d in ctx.documents(self.of.collection)
                if d["Name"].lower() == self.name.lower()
            ),
            None,
        )
        if existing is not None and existing.get(self.of.type_field) != kind:
            ctx.problem(
                f"{what} exists as {existing.get(self.of.type_field)}, not {kind}",
                "Octopus cannot change its type: ensure another name, or delete it first",
            )
            return []
        secrets = [
            secret_intent(ctx, field, env, what)
            for field, env in self.secrets.items()
            if existing is None or self.rotate or not (existing.get(field) or {}).get("HasValue")
        ]
        fields = dict(self.fields)
        if existing is None:
            body = {"Name": self.name, self.of.type_field: kind, **fields}
            create = Intent(SET_FIELDS, {"fields": body}, f"create {kind} {self.name!r}")
            return [Edit(self.kind, None, self.name, {}, (create, *secrets), action="create")]
        shown = ", ".join(f"{k} = {v!r}" for k, v in fields.items())
        intents = (
            [Intent(SET_FIELDS, {"fields": fields}, shown, f"already {shown}")] if fields else []
        )
        intents += secrets
        if not intents:
            return []
        return [Edit(self.kind, existing["Id"], existing["Name"], existing, tuple(intents))]

    def _kind(self, ctx: PlanContext) -> str | None:
        known = {t.lower(): t for t in self.of.secrets}
        kind = known.get(self.type.lower())
        if kind is None:
            ctx.problem(
                unknown_name_message(f"{self.of.noun} type", self.type, list(known.values()))
            )
            return None
        allowed = self.of.secrets[kind]
        every_secret = {f for fields in self.of.secrets.values() for f in fields}
        for field in sorted(every_secret & set(self.fields)):
            ctx.problem(
                f"{self.describe()}: {field} is a secret, never a plain field",
                f"name the environment variable holding it: secrets={{{field!r}: 'ENV_NAME'}}",
            )
        for field in self.secrets:
            if field not in allowed:
                ctx.problem(
                    f"{self.describe()}: {field} is not a secret of {kind}",
                    f"its secrets: {', '.join(allowed)}" if allowed else f"{kind} has no secret",
                )
        return kind
