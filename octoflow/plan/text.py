"""Pieces of plan text both views share: action symbols, and field changes with ids named
and set-like lists shown as the members added and removed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octoflow.plan.model import FieldChange

SYMBOLS = {"create": "+", "update": "~", "delete": "-", "run": ">"}


def describe_change(change: FieldChange, labels: Mapping[str, str]) -> str:
    """``ProjectEnvironments.Customer Portal: + Test, + Production``."""
    path = change_field(change, labels)
    before, after = change.before, change.after
    if before is None and isinstance(after, dict):
        return f"{path}: added"  # a whole new item of a list (a process step)
    if after is None and isinstance(before, dict):
        return f"{path}: removed"
    if isinstance(before, list) or isinstance(after, list):
        old, new = list(before or []), list(after or [])
        added = [f"+ {_label(v, labels)}" for v in new if v not in old]
        removed = [f"- {_label(v, labels)}" for v in old if v not in new]
        if added or removed:
            return f"{path}: {', '.join(added + removed)}"
        return f"{path}: {'(none) -> (empty)' if before is None else 'reordered'}"
    return f"{path}: {value_text(before, labels)} -> {value_text(after, labels)}"


def is_scalar(change: FieldChange) -> bool:
    """A value replaced by another (not a list, not a whole item added or removed)."""
    before, after = change.before, change.after
    if isinstance(before, list) or isinstance(after, list):
        return False
    return not (
        (before is None and isinstance(after, dict)) or (after is None and isinstance(before, dict))
    )


def change_field(change: FieldChange, labels: Mapping[str, str]) -> str:
    """The changed field's path with ids replaced by names."""
    return ".".join(labels.get(part, part) for part in change.path)


def change_values(change: FieldChange, labels: Mapping[str, str]) -> tuple[str, str]:
    """Before and after as readable text (lists joined, ids named, secrets hidden)."""
    return _readable(change.before, labels), _readable(change.after, labels)


def _readable(value: Any, labels: Mapping[str, str]) -> str:
    if isinstance(value, list):
        return ", ".join(_label(v, labels) for v in value) or "(none)"
    return value_text(value, labels)


def _label(value: Any, labels: Mapping[str, str]) -> str:
    return labels.get(value, str(value)) if isinstance(value, str) else str(value)


def value_text(value: Any, labels: Mapping[str, str]) -> str:
    """One value: ``(none)``, ``(sensitive)``, or its repr with ids named."""
    if value is None:
        return "(none)"
    if isinstance(value, dict) and "HasValue" in value:
        return "(sensitive)"
    if isinstance(value, str):
        return repr(labels.get(value, value))
    return repr(value)
