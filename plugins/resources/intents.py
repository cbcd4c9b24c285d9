"""Intents of the resources provider: one path operation on one document.

Each replays the path on whatever document it is given, so apply performs it on the
copy it re-reads right before writing (edits made meanwhile elsewhere survive). A
path that no longer fits that copy (someone renamed the phase) raises PathError and
nothing is written for that document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from octoflow_plugins.resources.paths import PathError, check_type, merge, parse, walk

from octoflow.provider import secret_from_env

Doc = dict[str, Any]
Args = Mapping[str, Any]

SET = "resources.set"
ADD = "resources.add"
REMOVE = "resources.remove"
DELETE = "resources.delete"
MERGE = "resources.merge"
SET_SECRET = "resources.set_secret"


def set_value(doc: Doc, args: Args) -> None:
    container, field = walk(doc, parse(args["path"]))
    check_type(args["path"], container[field], args["value"])
    container[field] = args["value"]


def add_member(doc: Doc, args: Args) -> None:
    container, field = walk(doc, parse(args["path"]))
    items = _list(args["path"], container[field])
    for item in items:
        check_type(f"an item of {args['path']}", item, args["value"])
    if args["value"] not in items:
        container[field] = [*items, args["value"]]


def remove_member(doc: Doc, args: Args) -> None:
    container, field = walk(doc, parse(args["path"]))
    items = _list(args["path"], container[field])
    if args["value"] in items:
        container[field] = [item for item in items if item != args["value"]]


def merge_fields(doc: Doc, args: Args) -> None:
    merge(doc, args["fields"])


def _list(path: str, value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PathError(f"{path} is not a list: use set() to change it")
    return value


INTENTS = {SET: set_value, ADD: add_member, REMOVE: remove_member, MERGE: merge_fields}


def set_secret(doc: Doc, args: Args, secret_row: Callable[..., None]) -> None:
    """The secret at ``path`` becomes the value of ``$<env>``, read right before the write
    (an apply-time intent: the value is in no plan, journal or output)."""
    value = secret_from_env(args["env"], f"the secret {args['path']}")
    container, field = walk(doc, parse(args["path"]), secret=True)
    container[field] = {"HasValue": True, "NewValue": value}


APPLY_TIME_INTENTS = {SET_SECRET: set_secret}
