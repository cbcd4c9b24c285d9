"""Case-insensitive JSON bodies.

A real Octopus server binds ``name`` and ``Name`` to the same property
(REFERENCE §3), so the sandbox canonicalises every key it models to its
PascalCase spelling and keeps unknown keys exactly as the client sent them
(newer clients send fields the sandbox does not model; they are stored and
echoed back).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: Keys whose values are maps keyed by data (ids, setting names), not by field names.
OPAQUE_KEYS = frozenset({"DisplaySettings", "Values", "ProjectEnvironments", "FormValues"})


class FieldNames:
    """The canonical spellings of every modelled field, looked up by lower case."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._by_lower: dict[str, str] = {}
        self.add(names)

    def add(self, names: Iterable[str]) -> None:
        for name in names:
            self._by_lower[name.lower()] = name

    def canonical(self, key: str) -> str:
        return self._by_lower.get(key.lower(), key)


class CIDict(dict):
    """A dict whose key lookups ignore case; stored spellings are kept."""

    def __init__(self, items: Iterable[tuple[str, Any]] = ()) -> None:
        super().__init__()
        self._index: dict[str, str] = {}
        for key, value in items:
            self[key] = value

    def _key(self, key: Any) -> Any:
        return self._index.get(key.lower(), key) if isinstance(key, str) else key

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self._key(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        old = self._key(key)
        if old != key and super().__contains__(old):
            super().__delitem__(old)
        if isinstance(key, str):
            self._index[key.lower()] = key
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        real = self._key(key)
        super().__delitem__(real)
        if isinstance(real, str):
            self._index.pop(real.lower(), None)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(self._key(key))

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(self._key(key), default)

    def pop(self, key: Any, *default: Any) -> Any:
        real = self._key(key)
        if isinstance(real, str):
            self._index.pop(real.lower(), None)
        return super().pop(real, *default)


def canonicalize(value: Any, names: FieldNames) -> Any:
    """Parsed JSON with modelled keys respelled canonically, as ``CIDict``s."""
    if isinstance(value, Mapping):
        out = CIDict()
        for key, item in value.items():
            canon = names.canonical(key)
            out[canon] = plain(item) if canon in OPAQUE_KEYS else canonicalize(item, names)
        return out
    if isinstance(value, list):
        return [canonicalize(item, names) for item in value]
    return value


def plain(value: Any) -> Any:
    """A deep copy made of plain ``dict``/``list`` (what the state stores)."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
