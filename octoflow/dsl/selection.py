"""The generative base of every DSL collection.

A selection is immutable: ``where`` and every verb return a new selection, so
``eu = octo.tenants.where(tag="Region/EU")`` can be reused safely. Criteria and
verbs are checked for shape when they are called (bad keyword → error at the
call site); names are resolved later, at plan time, against the server.

A blank criterion (``where(tag="")``, ``where(name=[])``) is refused at the
call site: an empty value must never widen a selection to everything. To
select everything on purpose, say so: ``where(tag="*")`` (the plan then says
"all N tenants"), or leave the criterion out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs

from octoflow.dsl.verbs import Verb
from octoflow.errors import UsageError
from octoflow.registry import unknown_name_message

if TYPE_CHECKING:
    from octoflow.plan.context import PlanContext

S = TypeVar("S", bound="Selection")
#: A criterion value that selects every document on purpose (``where(tag="*")``).
EVERYTHING = "*"


@attrs.frozen
class Criterion:
    """One ``where`` condition: a keyword and its (coerced) value."""

    key: str
    value: Any

    def describe(self) -> str:
        if isinstance(self.value, Selection):  # another provider's selection, as written
            return f"{self.key}={self.value.describe()}"
        if callable(self.value):
            name = getattr(self.value, "__name__", "predicate").strip("<>")
            return f"{self.key}=<{name}>"
        return f"{self.key}={self.value!r}"


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
    #: Keywords given as ``"*"``: any value on purpose (they narrow nothing).
    everything: tuple[str, ...] = ()

    def where(self: S, predicate: Callable[[Any], bool] | None = None, **criteria: Any) -> S:
        """Narrow the selection; every call ANDs its conditions with earlier ones.

        ``keyword="*"`` selects any value of that keyword on purpose; a blank value
        (``""``, ``None``, an empty list) is an error, never "everything".
        """
        unknown = sorted(set(criteria) - self.criteria_keys)
        if unknown:
            raise UsageError(
                f"{self.collection}.where(): "
                + unknown_name_message("keyword", unknown[0], sorted(self.criteria_keys))
            )
        added, everything = [], []
        for key, value in criteria.items():
            if is_everything(value):
                everything.append(key)
            elif is_blank(value):
                raise UsageError(blank_criterion_message(self.collection, key, value))
            else:
                added.append(Criterion(key, coerce_criterion(key, value)))
        if predicate is not None:
            if not callable(predicate):
                raise UsageError(f"{self.collection}.where(): predicate must be callable")
            added.append(Criterion("predicate", predicate))
        return attrs.evolve(
            self,
            criteria=self.criteria + tuple(added),
            everything=self.everything + tuple(k for k in everything if k not in self.everything),
        )

    def _with_verb(self: S, verb: Verb) -> S:
        """A copy with ``verb`` appended."""
        if any(v.name == "delete" for v in self.verbs):
            raise UsageError(f"{self.collection}.{verb.name}() cannot follow delete()")
        return attrs.evolve(self, verbs=self.verbs + (verb,))

    def select(self, ctx: PlanContext) -> list[Any]:
        """The documents (models) the criteria select, names resolved through ``ctx``.

        The contract between providers: a statement of one provider that takes a
        selection of another (a deployment to ``octo.tenants.where(…)``) calls this,
        checking only ``collection``.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot be used as a selection")

    def describe(self) -> str:
        where = ", ".join(
            [c.describe() for c in self.criteria] + [f"{k}='*'" for k in self.everything]
        )
        text = f"{self.collection}.where({where})" if where else self.collection
        return text + "".join(f".{v.describe()}" for v in self.verbs)

    @property
    def whole_is_wide(self) -> bool:
        """Whether selecting every document of a small collection is a wide change: the
        statement filters (a filter that matches everything is a surprise) or deletes."""
        return bool(self.criteria) or any(v.name == "delete" for v in self.verbs)

    def criteria_for(self, key: str) -> list[Any]:
        return [c.value for c in self.criteria if c.key == key]


def selects_note(noun: str, selected: int, total: int) -> str:
    """``selects 12 tenant(s)``, or ``selects all 1000 tenants`` when nothing was left out."""
    if total and selected == total:
        return f"selects all {total} {noun}s"
    return f"selects {selected} {noun}(s)"


def is_everything(value: Any) -> bool:
    """``"*"`` (or ``["*"]``): every value, on purpose."""
    if isinstance(value, str):
        return value.strip() == EVERYTHING
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value) == 1 and is_everything(next(iter(value)))
    return False


def is_blank(value: Any) -> bool:
    """``None``, a blank string, or a collection holding nothing but blanks."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_blank(v) for v in value)
    return False


def blank_criterion_message(collection: str, key: str, value: Any) -> str:
    return (
        f"{collection}.where({key}={value!r}): an empty value selects nothing; name what "
        f"to select, or write {key}='*' to select every one of the {collection} on purpose"
    )


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


def optional_names(value: str | Iterable[str] | None, what: str, default: str) -> tuple[str, ...]:
    """Names for an optional scope: ``None`` means its default (``default`` says what
    that is); an explicitly blank value is an error, never "every one"."""
    if value is None:
        return ()
    names = as_names(value, what)
    if not names:
        raise UsageError(f"{what} is empty: leave it out for {default}, or name at least one")
    return names
