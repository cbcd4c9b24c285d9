"""References to documents that the same apply creates.

A plan sometimes needs the id of a document it has yet to create, such as a new
user who joins a team in the same run. The provider puts ``created_ref(key)``
where the id belongs (``key`` is the creating edit's key, e.g.
``User/new:alice``) and lists ``key`` in the dependent edit's ``after``, so the
creation runs first. Apply swaps every reference for the id the server gave the
new document right before sending the dependent write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PREFIX = "octoflow:created:"


def created_ref(key: str) -> str:
    """A stand-in for the id of the document the edit with ``key`` creates."""
    return PREFIX + key


def resolve_created(value: Any, created: Mapping[str, str]) -> Any:
    """``value`` (JSON data) with references to created documents replaced by their ids.

    A reference to a document not created (yet) is left as it is.
    """
    if isinstance(value, str):
        if value.startswith(PREFIX):
            return created.get(value[len(PREFIX) :], value)
        return value
    if isinstance(value, dict):
        return {k: resolve_created(v, created) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_created(v, created) for v in value]
    return value
