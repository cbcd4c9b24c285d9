"""Intent functions of the triggers provider: idempotent edits of one trigger document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Doc = dict[str, Any]
Args = Mapping[str, Any]

SET_FIELDS = "trigger.set_fields"
MERGE = "trigger.merge"
#: Fields every filter and action carries whatever its type (the reference's sample).
BOOKKEEPING = ("Id", "LastModifiedOn", "LastModifiedBy", "Links")


def set_fields(doc: Doc, args: Args) -> None:
    """Set top-level fields (``IsDisabled``, ``Description``, a new trigger's ``Name``)."""
    doc.update(args["fields"])


def merge(doc: Doc, args: Args) -> None:
    """Set fields of the ``Filter`` or ``Action``, keeping the others while its type
    stays; a new type replaces the part whole (the server fills that type's defaults)."""
    field, type_field, values = args["field"], args["type_field"], args["values"]
    current = doc.get(field) if isinstance(doc.get(field), dict) else {}
    if current.get(type_field) != values[type_field]:
        current = {k: v for k, v in current.items() if k in BOOKKEEPING}
    doc[field] = {**current, **values}


INTENTS = {SET_FIELDS: set_fields, MERGE: merge}
