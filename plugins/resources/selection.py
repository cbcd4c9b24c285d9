"""``octo.resources("Lifecycles")``: any collection the server links, by its link name.

Examples::

    octo.resources("Lifecycles").set("ReleaseRetentionPolicy.QuantityToKeep", 30)
    octo.resources("Lifecycles").where(name="Default Lifecycle").add(
        "Phases[Name=Test].OptionalDeploymentTargets", "Environments-3")
    octo.resources("Feeds").where(partial_name="Docker").delete()

Selections: ``name`` (names, each must exist), ``partial_name`` (any case),
``ids`` (each must exist) and a ``predicate`` on the document (a dict). No ``where``
selects every document (the wide-change guard applies).

A space collection whose link advertises the filters (``{?ids,name,partialName}``)
is read through them: ``ids=…``, ``name=…`` (or ``partialName=…``) for one name and
``partialName=…`` for a partial name, plus a ``take=0`` count for the wide-change
guard, instead of the whole list. Each document is still tested here (the server's
``partialName`` is a looser match), and an unknown name reads the whole list for its
suggestion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import attrs
from octoflow_plugins.resources.intents import INTENTS
from octoflow_plugins.resources.kinds import COLLECTIONS, NOT_WRITABLE
from octoflow_plugins.resources.paths import PathError, parse, walk
from octoflow_plugins.resources.verbs import (
    AddMember,
    Delete,
    Ensure,
    PathVerb,
    RemoveMember,
    SetSecret,
    SetValue,
)

from octoflow.provider import (
    Edit,
    PlanContext,
    Selection,
    UsageError,
    as_names,
    clone,
    unknown_name_message,
)

Doc = dict[str, Any]


class Resources:
    """``octo.resources``: call it with a link name to get a selection."""

    def __call__(self, link: str) -> ResourceSelection:
        if not isinstance(link, str) or not link.strip():
            raise UsageError(
                "octo.resources() needs a collection's link name, e.g. octo.resources('Lifecycles')"
            )
        return ResourceSelection(link=link.strip())


@attrs.frozen
class ResourceSelection(Selection):
    criteria_keys: ClassVar[frozenset[str]] = frozenset({"name", "partial_name", "ids"})

    link: str = ""

    @property
    def collection(self) -> str:  # type: ignore[override]
        return f"resources({self.link!r})"

    # -- verbs -----------------------------------------------------------------

    def set(self, path: str, value: Any) -> ResourceSelection:
        """Set the field at ``path`` (``Phases[Name=Test].IsOptionalPhase``) to ``value``."""
        return self._with_verb(SetValue(path, value))

    def add(self, path: str, value: Any) -> ResourceSelection:
        """Add ``value`` to the list at ``path`` unless it is there already."""
        return self._with_verb(AddMember(path, value))

    def remove(self, path: str, value: Any) -> ResourceSelection:
        """Remove ``value`` from the list at ``path``."""
        return self._with_verb(RemoveMember(path, value))

    def set_secret(self, path: str, from_env: str, rotate: bool = False) -> ResourceSelection:
        """Set the secret at ``path`` (``Password``) to the value of the environment
        variable ``from_env``, read at apply time; a secret already set is sent again
        only with ``rotate``."""
        return self._with_verb(SetSecret(path, from_env, bool(rotate)))

    def ensure(self, fields: dict[str, Any]) -> ResourceSelection:
        """The document named ``fields["Name"]`` exists with ``fields``: created when
        missing, else converged (an object merges into the field's object field by field)."""
        if self.verbs or self.criteria:
            raise UsageError(
                f"{self.collection}.ensure() finds its document by the Name it is given: "
                "use it on octo.resources(...) alone, without where() or other changes"
            )
        return self._with_verb(Ensure(fields))

    def delete(self) -> ResourceSelection:
        """Delete the selected documents."""
        if self.verbs:
            raise UsageError(f"{self.collection}.delete() cannot follow other changes")
        return self._with_verb(Delete())

    # -- selecting -------------------------------------------------------------

    def select(self, ctx: PlanContext) -> list[Doc]:
        """The selected documents (as listed; treat as read-only)."""
        path = collection_ref(ctx, self.link)
        return self._narrow(ctx, path, self._candidates(ctx, path)) if path else []

    def _candidates(self, ctx: PlanContext, path: str) -> list[Doc]:
        """The documents the server's filters select, or all of the collection."""
        params = self._server_filters(ctx, path)
        return ctx.matching(path, params) if params else ctx.documents(path)

    def _server_filters(self, ctx: PlanContext, path: str) -> dict[str, str]:
        """Query parameters the collection advertises that narrow the read (space
        collections only)."""
        advertised = _query_names(ctx.client.capabilities.links.get(self.link, ""))
        if path.startswith("/") or not advertised:
            return {}
        params: dict[str, str] = {}
        ids = [as_names(v, "ids") for v in self.criteria_for("ids")]
        if len(ids) == 1 and "ids" in advertised:
            params["ids"] = ",".join(ids[0])
        names = [as_names(v, "name") for v in self.criteria_for("name")]
        if len(names) == 1 and len(names[0]) == 1:
            exact = "name" if "name" in advertised else "partialName"
            if exact in advertised:
                params[exact] = names[0][0]
        parts = self.criteria_for("partial_name")
        if len(parts) == 1 and isinstance(parts[0], str) and "partialName" in advertised:
            params.setdefault("partialName", parts[0].strip())
        return params

    def _total(self, ctx: PlanContext, path: str) -> int:
        if self._server_filters(ctx, path):
            return ctx.total(path)
        return len(ctx.documents(path))

    def _narrow(self, ctx: PlanContext, path: str, candidates: list[Doc]) -> list[Doc]:
        selected = list(candidates)

        def every() -> list[Doc]:
            return ctx.documents(path)

        for names in self.criteria_for("name"):
            wanted = as_names(names, "name")
            selected = _having(ctx, self.link, selected, every, wanted, "Name")
        for ids in self.criteria_for("ids"):
            selected = _having(ctx, self.link, selected, every, as_names(ids, "ids"), "Id")
        for part in self.criteria_for("partial_name"):
            if not isinstance(part, str):
                raise UsageError(f"{self.collection}.where(partial_name=…) takes text")
            text = part.strip().lower()
            selected = [d for d in selected if text in str(d.get("Name", "")).lower()]
        for predicate in self.criteria_for("predicate"):
            selected = [d for d in selected if predicate(clone(d))]
        return selected

    # -- planning --------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> Iterable[Edit]:
        if not self.verbs:
            return []
        path = collection_ref(ctx, self.link)
        if path is None:
            return []
        if isinstance(self.verbs[0], Ensure):
            every = ctx.documents(path)
            return self._ensure(ctx, self.verbs[0], every, scoped=not path.startswith("/"))
        selected = self._narrow(ctx, path, self._candidates(ctx, path))
        total = self._total(ctx, path)
        ctx.selected(noun(self.link), len(selected), total, self.whole_is_wide)
        if isinstance(self.verbs[0], Delete):
            intent = self.verbs[0].intent()
            return [
                Edit(self.link, d["Id"], _label(d), {}, (intent,), action="delete")
                for d in selected
            ]
        intents = tuple(v.intent() for v in self.verbs if isinstance(v, PathVerb))
        secrets = [v for v in self.verbs if isinstance(v, SetSecret)]
        edits = []
        for doc in selected:
            wanted = intents + tuple(s.intent() for s in secrets if self._sends(ctx, doc, s))
            if wanted and self._fits(ctx, doc, intents):
                edits.append(Edit(self.link, doc["Id"], _label(doc), doc, wanted))
        return edits

    def _sends(self, ctx: PlanContext, document: Doc, verb: SetSecret) -> bool:
        """Whether the secret is to be sent to this document: it is not set yet, or
        ``rotate`` asks; a problem when the path is no secret or ``$env`` is unset."""
        try:
            container, field = walk(document, parse(verb.path), secret=True)
        except PathError as exc:
            ctx.problem(f"{self.link} {_label(document)!r}: {exc}")
            return False
        current = container[field]
        if isinstance(current, dict) and current.get("HasValue") and not verb.rotate:
            return False
        ctx.require_env(verb.from_env, f"the secret {verb.path}")
        return True

    def _ensure(self, ctx: PlanContext, verb: Ensure, total: list[Doc], scoped: bool) -> list[Edit]:
        intent = verb.intent()
        wanted = verb.document_name.lower()
        found = [d for d in total if str(d.get("Name", "")).strip().lower() == wanted]
        if found:
            doc = found[0]
            fits = self._fits(ctx, doc, (intent,))
            return [Edit(self.link, doc["Id"], _label(doc), doc, (intent,))] if fits else []
        body = clone(verb.fields) | ({"SpaceId": ctx.client.space_id} if scoped else {})
        return [Edit(self.link, None, verb.document_name, body, (intent,), action="create")]

    def _fits(self, ctx: PlanContext, document: Doc, intents: tuple[Any, ...]) -> bool:
        """Whether every path operation works on this document; a problem when not."""
        trial, fits = clone(document), True
        for intent in intents:
            try:
                INTENTS[intent.name](trial, intent.args)
            except PathError as exc:
                ctx.problem(f"{self.link} {_label(document)!r}: {exc}")
                fits = False
        return fits


def collection_ref(ctx: PlanContext, link: str) -> str | None:
    """What ``ctx.documents`` lists for ``link``; None (and a problem) when octoflow
    cannot write that collection on this server."""
    links = ctx.client.capabilities.links
    writable = sorted(name for name in COLLECTIONS if name in links)
    if link in NOT_WRITABLE:
        ctx.problem(f"octoflow does not write {link} through resources: {NOT_WRITABLE[link]}")
        return None
    if link not in COLLECTIONS or link not in links:
        ctx.problem(
            unknown_name_message("collection", link, writable),
            "the names are the links of the server's root document, e.g. Lifecycles",
        )
        return None
    segment, scoped = COLLECTIONS[link]
    return segment if scoped else f"/api/{segment}"


def _having(
    ctx: PlanContext,
    link: str,
    docs: list[Doc],
    every: Callable[[], list[Doc]],
    wanted: tuple[str, ...],
    field: str,
) -> list[Doc]:
    """Those of ``docs`` whose ``field`` is one of ``wanted`` (any case); a problem for
    each wanted value no document of the collection (``every()``, read only then) has."""
    lowered = {w.lower() for w in wanted}
    chosen = [d for d in docs if str(d.get(field, "")).lower() in lowered]
    found = {str(d.get(field, "")).lower() for d in chosen}
    missing = [w for w in wanted if w.lower() not in found]
    if missing:
        known = list(dict.fromkeys(str(d.get(field, "")) for d in every()))
        for want in missing:
            if want.lower() not in {k.lower() for k in known}:
                ctx.problem(unknown_name_message(f"{noun(link)} {field.lower()}", want, known))
    return chosen


def _query_names(template: str) -> set[str]:
    """``/api/x{/id}{?skip,take,ids}`` → ``{"skip", "take", "ids"}``."""
    start = template.find("{?")
    end = template.find("}", start)
    return set(template[start + 2 : end].split(",")) if start >= 0 and end > start else set()


def _label(document: Doc) -> str:
    return str(document.get("Name") or document.get("Id"))


def noun(link: str) -> str:
    """``MachinePolicies`` → ``MachinePolicy``: how plans name one document."""
    if link.endswith("ies"):
        return link[:-3] + "y"
    return link[:-1] if link.endswith("s") else link
