"""Field-level differences between two versions of a document.

Objects are compared key by key; lists of plain values are compared as sets
(Octopus treats ``TenantTags``, ``Roles``, environment lists as unordered);
lists of objects that each have their own ``Id`` (a process's steps and
actions) are compared item by item, the path naming the item's id, with added
and removed items whole and a change of order as the list of ids; anything
else is compared whole. The same rules decide whether a fresh copy
read at apply time conflicts with what was planned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octoflow.plan.model import FieldChange

_MISSING = None

#: Fields the server sets; differences in them are never changes we make.
SERVER_FIELDS = frozenset({"LastModifiedOn", "LastModifiedBy", "Links"})


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(_diff(before, after, ()))


def _diff(before: Any, after: Any, path: tuple[str, ...]) -> list[FieldChange]:
    if before == after:
        return []
    if before is None and isinstance(after, dict) and after:
        before = {}  # a new object: show its fields one by one
    elif after is None and isinstance(before, dict) and before:
        after = {}
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[FieldChange] = []
        for key in _keys(before, after):
            if not path and key in SERVER_FIELDS:
                continue
            changes += _diff(before.get(key, _MISSING), after.get(key, _MISSING), path + (key,))
        return changes
    if _is_keyed_list(before) and _is_keyed_list(after):
        return _keyed_diff(before, after, path)
    if _is_value_list(before) and _is_value_list(after):
        same = _as_set(before) == _as_set(after)
        return [] if same else [FieldChange(path, list(before), list(after))]
    if path and path[-1] == "NewValue":
        before, after = _mask(before), _mask(after)
    return [] if before == after else [FieldChange(path, scrub(before), scrub(after))]


def _mask(value: Any) -> Any:
    return None if value is None else "********"


def scrub(value: Any) -> Any:
    """A sensitive value as plans may show it: whether it is set, never what it is."""
    if isinstance(value, Mapping):
        if "NewValue" in value:
            return {"HasValue": value.get("NewValue") is not None, "NewValue": "********"}
        return {k: scrub(v) for k, v in value.items()}
    return value


def _keys(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return [*a, *(k for k in b if k not in a)]


def _is_value_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)


def _as_set(values: list[Any]) -> set[Any]:
    return set(values)


def _is_keyed_list(value: Any) -> bool:
    """A list of objects that each carry their own unique ``Id`` (steps, actions)."""
    if not isinstance(value, list):
        return False
    ids = [item.get("Id") if isinstance(item, dict) else None for item in value]
    return all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids)


def _keyed_diff(before: list[Any], after: list[Any], path: tuple[str, ...]) -> list[FieldChange]:
    old = {item["Id"]: item for item in before}
    new = {item["Id"]: item for item in after}
    changes: list[FieldChange] = []
    if [i for i in old if i in new] != [i for i in new if i in old]:
        changes.append(FieldChange(path, list(old), list(new)))  # the order changed
    for key, item in old.items():
        if key in new:
            changes += _diff(item, new[key], path + (key,))
        else:
            changes.append(FieldChange(path + (key,), scrub(item), None))
    changes += [FieldChange(path + (k,), None, scrub(v)) for k, v in new.items() if k not in old]
    return changes


def lookup(document: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path``; in a list of objects with ids, a part names an item's id."""
    for key in path:
        if isinstance(document, list):
            document = next(
                (i for i in document if isinstance(i, Mapping) and i.get("Id") == key), _MISSING
            )
            continue
        if not isinstance(document, Mapping):
            return _MISSING
        document = document.get(key, _MISSING)
    return document


def conflicts(planned: tuple[FieldChange, ...], fresh: Mapping[str, Any]) -> list[str]:
    """Planned changes the fresh document contradicts.

    A field conflicts when someone else set it, since the plan, to a value that
    is neither what we saw nor what we planned: writing would silently undo
    their change. Set-like lists never conflict: adding or removing members
    composes with other people's edits.
    """
    found = []
    for change in planned:
        if _is_value_list(change.before) or _is_value_list(change.after):
            continue
        now = scrub(lookup(fresh, change.path))
        if now not in (change.before, change.after):
            found.append(
                f"{'.'.join(change.path)} is now {now!r} on the server "
                f"(planned {change.before!r} -> {change.after!r})"
            )
    return found
