"""Converting between Octopus's PascalCase JSON and octoflow's attrs models.

One rule maps every field: ``tenant_tags`` ↔ ``TenantTags``. Fields octoflow
does not model are kept in the model's ``extra`` mapping and sent back
unchanged, so a read-modify-write never drops what a newer server added.
Known fields the server did not send are not invented on the way back.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

import attrs

from octoflow.jsondata import clone

T = TypeVar("T")


def pascal(name: str) -> str:
    """``tenant_tags`` → ``TenantTags``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


@cache
def _fields(cls: type) -> dict[str, tuple[str, type | None]]:
    """Wire name → (attribute name, nested model class if any) for a model class."""
    hints = typing.get_type_hints(cls)
    return {
        a.metadata.get("wire", pascal(a.name)): (a.name, _model_in(hints[a.name]))
        for a in attrs.fields(cls)
        if a.name not in ("extra", "sent")
    }


def structure(cls: type[T], data: Mapping[str, Any], *, share: bool = False) -> T:
    """A model instance from a wire document; unknown keys go to ``extra``.

    With ``share``, the model holds the document's own lists and dicts instead of
    copies: a read-only view, several times cheaper for thousands of documents.
    """
    known = _fields(cls)
    copy = _keep if share else clone
    kwargs: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        if key in known:
            name, model = known[key]
            kwargs[name] = _structure_value(model, value, copy, share)
        else:
            extra[key] = copy(value)
    return cls(**kwargs, extra=extra, sent=frozenset(data))  # type: ignore[call-arg]


def _keep(value: Any) -> Any:
    return value


def unstructure(obj: Any) -> dict[str, Any]:
    """The wire document for a model: known fields, then ``extra`` unchanged."""
    out: dict[str, Any] = {}
    defaults = {a.name: a.default for a in attrs.fields(type(obj))}
    for key, (name, _model) in _fields(type(obj)).items():
        value = getattr(obj, name)
        if key in obj.sent or not _is_default(value, defaults[name]):
            out[key] = _unstructure_value(value)
    out.update(clone(obj.extra))
    return out


def _is_default(value: Any, default: Any) -> bool:
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        default = default.factory()
    return bool(value == default)


def _structure_value(
    model: type | None, value: Any, copy: Callable[[Any], Any], share: bool
) -> Any:
    if value is None:
        return None
    if model is None:
        return copy(value)
    if isinstance(value, list):
        return [structure(model, v, share=share) for v in value]
    return structure(model, value, share=share)


def _unstructure_value(value: Any) -> Any:
    if attrs.has(type(value)):
        return unstructure(value)
    if isinstance(value, list):
        return [_unstructure_value(v) for v in value]
    return clone(value)


def _model_in(tp: Any) -> type | None:
    """The attrs class inside ``X``, ``X | None`` or ``list[X]``, if any."""
    if isinstance(tp, type) and attrs.has(tp):
        return tp
    for arg in typing.get_args(tp):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
