"""Reading and writing one field of a document by the paths plans use.

A path is a tuple of keys; inside a list of objects that each have an ``Id`` (a
process's steps and actions, a variable set's variables), a part names an item
by its id, as :func:`octoflow.plan.diff.diff` does. Unlike
:func:`octoflow.plan.diff.lookup`, :func:`locate` tells an absent field from a
``null`` one, so undo can remove a key the apply added rather than set it to null.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


#: What :func:`locate` answers for a field the document does not have.
ABSENT: Any = _Absent()


def locate(document: Any, path: tuple[str, ...] | list[str]) -> Any:
    """The value at ``path``, or :data:`ABSENT`."""
    for key in path:
        if isinstance(document, list):
            document = next((i for i in document if _item_id(i) == key), ABSENT)
        elif isinstance(document, Mapping):
            document = document.get(key, ABSENT)
        else:
            return ABSENT
    return document


def assign(document: Any, path: tuple[str, ...], value: Any, position: int | None = None) -> bool:
    """Set the field at ``path`` (an item of an id-keyed list is replaced, or inserted at
    ``position``); :data:`ABSENT` removes it. False when the field's parent is gone."""
    parent = locate(document, path[:-1])
    key = path[-1]
    if isinstance(parent, dict):
        if value is ABSENT:
            parent.pop(key, None)
        else:
            parent[key] = value
        return True
    if not isinstance(parent, list):
        return False
    index = next((n for n, item in enumerate(parent) if _item_id(item) == key), None)
    if index is not None:
        del parent[index]
    if value is not ABSENT:
        at = index if index is not None else position if position is not None else len(parent)
        parent.insert(min(at, len(parent)), value)
    return True


def _item_id(item: Any) -> Any:
    return item.get("Id") if isinstance(item, Mapping) else None
