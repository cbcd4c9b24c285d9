"""What apply writes into the journal so that ``octoflow undo`` can take it back.

For an update, one entry per changed field: its path, its value before and after
the write, whether the field was absent on either side, and, for an item of a
list of objects with ids (a process's steps), where it stood. The "after" side is
the document the server answered the write with, so what undo later compares
against is what the server really keeps. For a creation, the created document;
for a deletion, the deleted one. Values go through :func:`octoflow.plan.diff.scrub`
first: a sensitive value is recorded as set or not, never as itself, and undo
says it cannot restore it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octoflow.plan.diff import SERVER_FIELDS, diff
from octoflow.registry import ResourceKind
from octoflow.undo.paths import ABSENT, locate

#: What stands for a sensitive value in a journal (as in plans).
MASK = "********"

#: Fields the server keeps for itself (besides a kind's own concurrency token).
_BOOKKEEPING = SERVER_FIELDS | {"ConcurrencyToken"}


def field_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], kind: ResourceKind
) -> list[dict[str, Any]]:
    """The journal's record of an update from ``before`` to ``after`` (both whole documents)."""
    skipped = _BOOKKEEPING | {kind.token}
    records = []
    for change in diff(before, after):
        if change.path[0] in skipped:
            continue
        record: dict[str, Any] = {
            "path": list(change.path),
            "before": change.before,
            "after": change.after,
        }
        was, now = locate(before, change.path), locate(after, change.path)
        if was is ABSENT:
            record["absent"] = "before"
        elif now is ABSENT:
            record["absent"] = "after"
        record.update(_list_facts(before, change.path, was, change.before))
        records.append(record)
    return records


def _list_facts(
    document: Mapping[str, Any], path: tuple[str, ...], was: Any, recorded: Any
) -> dict[str, Any]:
    """Where a list item stood, or that a change is of a list's order (recorded as ids)."""
    if was is ABSENT:
        return {}
    parent = locate(document, path[:-1])
    if isinstance(parent, list):
        ids = [item.get("Id") for item in parent if isinstance(item, Mapping)]
        return {"position": ids.index(path[-1])} if path[-1] in ids else {}
    objects = isinstance(was, list) and any(isinstance(i, Mapping) for i in was)
    if objects and isinstance(recorded, list) and all(isinstance(i, str) for i in recorded):
        return {"order": True}
    return {}


def secrets_sent(document: Any, path: tuple[str, ...] = ()) -> list[list[str]]:
    """Paths of the sensitive values a write sent: a ``SensitiveValue``'s ``NewValue``, or
    a sensitive variable's ``Value``. The journal names them; it never holds them."""
    found: list[list[str]] = []
    if isinstance(document, Mapping):
        if document.get("NewValue") is not None:
            found.append([*path, "NewValue"])
        if document.get("IsSensitive") is True and document.get("Value") is not None:
            found.append([*path, "Value"])
        for key, value in document.items():
            found += secrets_sent(value, (*path, str(key)))
    elif isinstance(document, list):
        for n, item in enumerate(document):
            key = item.get("Id") if isinstance(item, Mapping) and item.get("Id") else str(n)
            found += secrets_sent(item, (*path, str(key)))
    return found


def document_image(document: Any) -> dict[str, Any]:
    """A created or deleted document as the journal keeps it: a ``SensitiveValue`` keeps
    ``HasValue`` as the server said, and its ``NewValue`` is masked when it is set."""
    return _masked(document) if isinstance(document, Mapping) else {}


def _masked(value: Any) -> Any:
    if isinstance(value, Mapping):
        masked = {k: _masked(v) for k, v in value.items()}
        if value.get("NewValue") is not None:
            masked["NewValue"] = MASK
        return masked
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value
