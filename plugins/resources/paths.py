"""Document paths: ``ReleaseRetentionPolicy.QuantityToKeep``, ``Phases[Name=Test].Name``.

A path is fields separated by dots; a field holding a list of objects is followed by
``[Key=Value]``, which picks the one item whose ``Key`` equals ``Value`` (names compare
in any case, as Octopus compares them). Items are never addressed by position: a
position means something else once someone reorders the list. Everything here raises
:class:`PathError` with one sentence saying what is wrong, for the plan to report.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from octoflow.provider import OctoflowError, unknown_name_message

#: Fields the server keeps: never set, added to or removed from.
READ_ONLY = frozenset({"Id", "Links", "SpaceId", "LastModifiedOn", "LastModifiedBy"})
#: Fields holding secrets even when they are not ``{HasValue, NewValue}``-shaped.
SECRET_FIELDS = frozenset(
    {
        "Password",
        "Token",
        "SecretKey",
        "ClientSecret",
        "CertificateData",
        "PrivateKeyFile",
        "PrivateKeyPassphrase",
        "ApiKey",
    }
)
_STEP = re.compile(
    r"(?P<field>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<key>[A-Za-z_]\w*)=(?P<value>[^\]]*)\])?"
)


class PathError(OctoflowError):
    """A path that does not fit a document (or is malformed)."""


@attrs.frozen
class Step:
    field: str
    key: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        return self.field if self.key is None else f"{self.field}[{self.key}={self.value}]"


def parse(path: str) -> tuple[Step, ...]:
    """The steps of ``path``; a blank, malformed or read-only path is a PathError."""
    text = (path or "").strip() if isinstance(path, str) else ""
    if not text:
        raise PathError("the path is empty: name a field, e.g. ReleaseRetentionPolicy.Unit")
    steps, rest = [], text
    while True:
        match = _STEP.match(rest)
        if not match:
            raise PathError(
                f"path {text!r} is malformed at {rest!r}: write fields separated by dots, "
                "and pick a list item by a key field, e.g. Phases[Name=Test].Name"
            )
        steps.append(Step(match["field"], match["key"], match["value"]))
        rest = rest[match.end() :]
        if not rest:
            break
        if not rest.startswith("."):
            raise PathError(f"path {text!r} is malformed at {rest!r}: expected '.' or '['")
        rest = rest[1:]
    for step in steps:
        if step.value is not None and not step.value.strip():
            raise PathError(f"path {text!r}: [{step.key}=] names no item; give a value")
        if step.field in READ_ONLY:
            raise _read_only(f"path {text!r}: {step.field}")
    return tuple(steps)


def _read_only(what: str) -> PathError:
    return PathError(
        f"{what} is read-only (the server keeps it); "
        f"read-only fields are {', '.join(sorted(READ_ONLY))}"
    )


def _secret(where: str) -> PathError:
    return PathError(
        f"{where} is a secret: plans never hold secrets, so give it with "
        f"set_secret({where!r}, from_env='NAME') (or -p secret={where}=$NAME), and "
        "apply reads the value from that environment variable right before writing"
    )


def is_sensitive(value: Any) -> bool:
    """A ``SensitiveValue``: ``{HasValue, NewValue}`` (plans never show one)."""
    return isinstance(value, dict) and {"HasValue", "NewValue"} <= set(value)


def walk(
    document: dict[str, Any], steps: tuple[Step, ...], secret: bool = False
) -> tuple[Any, str]:
    """The container holding the last step's field and that field's name.

    Every step but the last must lead to an object (through ``[Key=Value]`` for a list);
    the last field must exist. A SensitiveValue or a secret field on the way is refused,
    unless ``secret`` asks for the last field to be one (and it is).
    """
    node: Any = document
    where = ""
    for index, step in enumerate(steps):
        if not isinstance(node, dict):
            raise PathError(f"{where or 'the document'} is {_kind(node)}, not an object")
        if step.field not in node:
            raise PathError(
                unknown_name_message(
                    f"field {'in ' + where if where else ''}".strip(), step.field, node
                )
            )
        last = index == len(steps) - 1
        is_secret = step.field in SECRET_FIELDS or is_sensitive(node[step.field])
        if secret and last and step.key is None:
            if not is_secret:
                raise PathError(
                    f"{_join(where, step.field)} is not a secret: use set() for plain fields"
                )
            return node, step.field
        if is_secret:
            raise _secret(_join(where, step.field))
        if last and step.key is None:
            return node, step.field
        value = node[step.field]
        where = _join(where, step.field)
        if step.key is not None:
            value = pick(value, step, where)
            where = f"{where}[{step.key}={step.value}]"
            if last:
                raise PathError(
                    f"{where} is a list item: name one of its fields, e.g. {where}.Name"
                )
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            raise PathError(
                f"{where} is a list of objects: pick one by a key field, e.g. {where}[Name=…]"
            )
        elif value is None:
            raise PathError(f"{where} is null here, so it has no fields: set {where} itself")
        node = value
    raise AssertionError("unreachable: a path has at least one step")


def merge(node: dict[str, Any], fields: dict[str, Any], where: str = "") -> None:
    """Set each of ``fields`` on ``node``; an object given for an object field merges
    into it field by field. Every field must exist, with a value of its type; read-only
    fields and secrets are refused as paths are."""
    for field, value in fields.items():
        at = _join(where, field)
        if field in READ_ONLY:
            raise _read_only(at)
        if field not in node:
            raise PathError(
                unknown_name_message(f"field {'in ' + where if where else ''}".strip(), field, node)
            )
        if field in SECRET_FIELDS or is_sensitive(node[field]) or is_sensitive(value):
            raise _secret(at)
        if isinstance(node[field], dict) and isinstance(value, dict):
            merge(node[field], value, at)
        else:
            check_type(at, node[field], value)
            node[field] = value


def pick(items: Any, step: Step, where: str) -> dict[str, Any]:
    """The one item of a list whose ``step.key`` equals ``step.value`` (in any case)."""
    if not isinstance(items, list):
        raise PathError(f"{where} is {_kind(items)}, not a list: drop [{step.key}=…]")
    wanted = str(step.value).strip().lower()
    found = [i for i in items if isinstance(i, dict) and str(i.get(step.key)).lower() == wanted]
    if len(found) == 1:
        return found[0]
    if not found:
        known = [str(i.get(step.key)) for i in items if isinstance(i, dict)]
        raise PathError(
            f"{where}: " + unknown_name_message(f"item with {step.key}", str(step.value), known)
        )
    raise PathError(
        f"{where}: {len(found)} items have {step.key}={step.value}; pick one by a field "
        "that is unique, e.g. [Id=…]"
    )


def check_type(where: str, current: Any, value: Any) -> None:
    """Refuse a value of another JSON type than the field's (null takes anything)."""
    if current is None or value is None or _kind(current) == _kind(value):
        return
    raise PathError(
        f"{where} holds {_kind(current)} ({current!r}), and {value!r} is {_kind(value)}: "
        f"give {_kind(current)}"
    )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


def _join(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field
