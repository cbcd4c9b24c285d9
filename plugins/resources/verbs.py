"""The verbs of ``octo.resources(...)``: path operations, and delete."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import attrs
from octoflow_plugins.resources import intents
from octoflow_plugins.resources.paths import PathError, parse

from octoflow.provider import Intent, UsageError, Verb, is_env_name


@attrs.frozen
class PathVerb(Verb):
    """A verb on one document path; the path is checked when the verb is made."""

    intent_name: ClassVar[str] = ""
    #: What the intent does, and why nothing needs doing: formatted with the path and
    #: the value as JSON (``{path}``, ``{shown}``).
    done: ClassVar[str] = ""
    noop: ClassVar[str] = ""
    path: str
    value: Any

    def __attrs_post_init__(self) -> None:
        try:
            json.dumps(self.value)
        except (TypeError, ValueError):
            raise UsageError(
                f"resources.{self.name}({self.path!r}, …): the value must be JSON data "
                f"(text, a number, true/false, null, a list or an object), "
                f"not {type(self.value).__name__}"
            ) from None
        try:
            parse(self.path)
        except PathError as exc:  # said at the call site, before any request
            raise UsageError(f"resources.{self.name}(): {exc}") from None

    def intent(self) -> Intent:
        words = {"path": self.path, "shown": json.dumps(self.value)}
        return Intent(
            self.intent_name,
            {"path": self.path, "value": self.value},
            self.done.format(**words),
            self.noop.format(**words),
        )


@attrs.frozen
class SetValue(PathVerb):
    name: ClassVar[str] = "set"
    intent_name: ClassVar[str] = intents.SET
    done: ClassVar[str] = "set {path} = {shown}"
    noop: ClassVar[str] = "{path} already {shown}"


@attrs.frozen
class AddMember(PathVerb):
    name: ClassVar[str] = "add"
    intent_name: ClassVar[str] = intents.ADD
    done: ClassVar[str] = "add {shown} to {path}"
    noop: ClassVar[str] = "{path} already has {shown}"


@attrs.frozen
class RemoveMember(PathVerb):
    name: ClassVar[str] = "remove"
    intent_name: ClassVar[str] = intents.REMOVE
    done: ClassVar[str] = "remove {shown} from {path}"
    noop: ClassVar[str] = "{path} has no {shown}"


@attrs.frozen
class Delete(Verb):
    name: ClassVar[str] = "delete"

    def intent(self) -> Intent:
        return Intent(intents.DELETE, {}, "delete")


@attrs.frozen
class Ensure(Verb):
    """A document named ``fields["Name"]`` exists, with these fields."""

    name: ClassVar[str] = "ensure"
    fields: dict[str, Any]

    def __attrs_post_init__(self) -> None:
        name = self.fields.get("Name") if isinstance(self.fields, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise UsageError(
                "resources.ensure() takes the document's fields, with its Name, e.g. "
                "ensure({'Name': 'Payments', 'Description': '…'})"
            )
        try:
            json.dumps(self.fields)
        except (TypeError, ValueError):
            raise UsageError("resources.ensure(): the fields must be JSON data") from None

    @property
    def document_name(self) -> str:
        return str(self.fields["Name"]).strip()

    def intent(self) -> Intent:
        """Merges the fields but the name (the document was found by it in any case, and
        is never renamed; a new one gets the name in its body)."""
        fields = {k: v for k, v in self.fields.items() if k != "Name"}
        shown = ", ".join(sorted(fields)) or "its name"
        return Intent(
            intents.MERGE,
            {"fields": fields},
            f"ensure {shown}",
            f"{shown} already so",
        )


@attrs.frozen
class SetSecret(Verb):
    """A secret field takes the value of an environment variable at apply time."""

    name: ClassVar[str] = "set_secret"
    path: str
    from_env: str
    rotate: bool = False

    def __attrs_post_init__(self) -> None:
        try:
            parse(self.path)
        except PathError as exc:
            raise UsageError(f"resources.set_secret(): {exc}") from None
        if not is_env_name(self.from_env):
            raise UsageError(
                f"resources.set_secret({self.path!r}, from_env=…) needs the name of the "
                f"environment variable apply reads the secret from, not {self.from_env!r}"
            )

    def intent(self) -> Intent:
        return Intent(
            intents.SET_SECRET,
            {"path": self.path, "env": self.from_env},
            f"set {self.path} (secret, read from ${self.from_env} at apply)",
        )
