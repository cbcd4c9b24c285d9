"""The generative base of every DSL collection.

A selection is immutable: ``where`` and every verb return a new selection, so
``eu = octo.tenants.where(tag="Region/EU")`` can be reused safely. Criteria and
verbs are checked for shape when they are called (bad keyword → error at the
call site); names are resolved later, at plan time, against the server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar

import attrs

from octoflow.errors import UsageError
from octoflow.registry import unknown_name_message

S = TypeVar("S", bound="Selection")


@attrs.frozen
class Criterion:
    """One ``where`` condition: a keyword and its (coerced) value."""

    key: str
    value: Any

    def describe(self) -> str:
        if callable(self.value):
            name = getattr(self.value, "__name__", "predicate").strip("<>")
            return f"{self.key}=<{name}>"
        return f"{self.key}={self.value!r}"


@attrs.frozen
class Verb:
    """One requested change: a verb name and its keyword arguments."""

    name: str
    args: Mapping[str, Any]

    def describe(self) -> str:
        """The call as text; values being set are elided (they may be secrets)."""
        inner = ", ".join(
            f"{k}={'…' if k == 'value' else repr(v)}"
            for k, v in self.args.items()
            if v not in (None, (), [])
        )
        return f"{self.name}({inner})"


@attrs.frozen
class Selection:
    """Criteria over one collection plus the verbs to apply to what they select.

    Subclasses declare ``collection`` and ``criteria_keys`` (the keywords
    ``where`` accepts) and implement ``plan(ctx)``.
    """

    collection: ClassVar[str] = ""
    criteria_keys: ClassVar[frozenset[str]] = frozenset()

    criteria: tuple[Criterion, ...] = ()
    verbs: tuple[Verb, ...] = ()

    def where(self: S, predicate: Callable[[Any], bool] | None = None, **criteria: Any) -> S:
        """Narrow the selection; every call ANDs its conditions with earlier ones."""
        unknown = sorted(set(criteria) - self.criteria_keys)
        if unknown:
            raise UsageError(
                f"{self.collection}.where(): "
                + unknown_name_message("keyword", unknown[0], sorted(self.criteria_keys))
            )
        added = [Criterion(k, coerce_criterion(k, v)) for k, v in criteria.items()]
        if predicate is not None:
            if not callable(predicate):
                raise UsageError(f"{self.collection}.where(): predicate must be callable")
            added.append(Criterion("predicate", predicate))
        return attrs.evolve(self, criteria=self.criteria + tuple(added))

    def _with_verb(self: S, name: str, **args: Any) -> S:
        if any(v.name == "delete" for v in self.verbs):
            raise UsageError(f"{self.collection}.{name}() cannot follow delete()")
        return attrs.evolve(self, verbs=self.verbs + (Verb(name, args),))

    def describe(self) -> str:
        where = ", ".join(c.describe() for c in self.criteria)
        text = f"{self.collection}.where({where})" if where else self.collection
        return text + "".join(f".{v.describe()}" for v in self.verbs)

    def criteria_for(self, key: str) -> list[Any]:
        return [c.value for c in self.criteria if c.key == key]


def coerce_criterion(key: str, value: Any) -> Any:
    """Lists become tuples (selections are hashable); other values pass through."""
    if isinstance(value, (list, set, frozenset)):
        return tuple(value)
    return value


def as_names(value: str | Iterable[str] | None, what: str) -> tuple[str, ...]:
    """``"Test, Production"`` or ``["Test", "Production"]`` → ``("Test", "Production")``."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    else:
        items = [str(v).strip() for v in value]
    items = [v for v in items if v]
    if not all(isinstance(v, str) for v in items):
        raise UsageError(f"{what} must be names")
    return tuple(dict.fromkeys(items))
