"""Helpers for plain JSON data (dicts, lists, strings, numbers, booleans, None)."""

from __future__ import annotations

from typing import Any


def clone(value: Any) -> Any:
    """A deep copy of JSON data; several times faster than ``copy.deepcopy`` for it."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value
