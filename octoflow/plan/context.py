"""What planning may read, cached for the whole compile, and where problems go.

Compile reads, never writes. Each collection is listed at most once per plan
(one ``/all`` request), and names are resolved against those lists with close
matches suggested when they do not resolve. A provider may read only the documents a
server-side filter selects instead (:meth:`PlanContext.matching`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

from octoflow.client import OctopusClient, wire
from octoflow.client.http import TAKE_ALL
from octoflow.dsl.selection import selects_note
from octoflow.errors import ApiError, Problem
from octoflow.models import Model
from octoflow.plan.wide import DEFAULT, WidePolicy
from octoflow.registry import Registry, unknown_name_message

M = TypeVar("M", bound=Model)
#: Parallel reads ``get_each`` makes at most, unless told otherwise.
READ_WORKERS = 8


class PlanContext:
    def __init__(
        self,
        client: OctopusClient,
        registry: Registry,
        read_workers: int = READ_WORKERS,
        wide_policy: WidePolicy = DEFAULT,
    ) -> None:
        self.client = client
        self.registry = registry
        self.read_workers = max(1, read_workers)
        self.problems: list[Problem] = []
        self.labels: dict[str, str] = {}
        self.notes: list[str] = []
        self.wide: list[str] = []
        self.wide_policy = wide_policy
        self.statement = ""
        #: The id the plan will have, known while planning (a commit message names it).
        self.plan_id = uuid.uuid4().hex[:12]
        #: The recipe being planned, as the user named it; empty for statements.
        self.recipe = ""
        self._documents: dict[str, list[dict[str, Any]]] = {}
        self._models: dict[tuple[Any, ...], list[Any]] = {}
        self._by_id: dict[str, dict[str, dict[str, Any]]] = {}
        self._matching: dict[tuple[str, tuple[tuple[str, str], ...]], list[dict[str, Any]]] = {}
        self._totals: dict[str, int] = {}

    # -- problems ------------------------------------------------------------

    def problem(self, message: str, hint: str = "") -> None:
        """Record something wrong with the current statement; planning goes on."""
        self.problems.append(Problem(message, hint, self.statement))

    def require(self, feature: str, what: str = "") -> bool:
        """Whether the server has ``feature`` (a key of ``octoflow.serverversions.FEATURES``);
        when it has not, a problem saying that ``what`` needs a newer Octopus, which one,
        and what this server is (the plan then fails with exit code 2)."""
        missing = self.client.capabilities.missing(feature, what)
        if missing:
            self.problem(missing)
        return missing is None

    def require_env(self, env: str, holds: str) -> None:
        """A problem unless ``$env`` is set now, so a plan that apply could not carry out
        fails early; apply reads the variable again right before writing
        (:func:`octoflow.secrets.secret_from_env`)."""
        if not os.environ.get(env):
            self.problem(
                f"${env} is not set: it must hold {holds}",
                "set it in the environment octoflow runs in; apply reads it right before "
                "writing, and it is never shown or saved",
            )

    def note(self, text: str) -> None:
        """Something the reviewer should know that is not a problem (shown in the plan)."""
        self.notes.append(f"{self.statement}: {text}" if self.statement else text)

    def selected(self, noun: str, selected: int, total: int, whole_is_wide: bool = True) -> None:
        """Note what the current statement selects (``selects 12 tenant(s)``) out of
        the ``total`` documents of its collection; a wide selection marks the plan wide
        (see :mod:`octoflow.plan.wide`). Pass the selection's ``whole_is_wide``: a
        statement without a filter that changes every document of a small collection
        means to."""
        text = selects_note(noun, selected, total)
        self.note(text)
        if self.wide_policy.is_wide(selected, total, whole_is_wide):
            where = f"{self.statement}: " if self.statement else ""
            self.wide.append(
                f"{where}selects {selected} of {total} {noun}s: a wide change "
                f"({self.wide_policy.describe()})"
            )

    # -- reading -------------------------------------------------------------

    def documents(self, collection: str) -> list[dict[str, Any]]:
        """Every document of a collection, fetched once per plan.

        ``collection`` is a space collection's segment (``tenants``) or, for a system
        collection, its absolute path (``/api/users``).
        """
        if collection not in self._documents:
            self._documents[collection] = self._fetch_all(collection)
        return self._documents[collection]

    def models(self, collection: str, cls: type[M]) -> list[M]:
        """Typed views of :meth:`documents`, built once per plan. Read-only: they share
        the listed documents' lists and dicts."""
        key = (collection, cls)
        if key not in self._models:
            documents = self.documents(collection)
            self._models[key] = [wire.structure(cls, doc, share=True) for doc in documents]
        return self._models[key]  # type: ignore[return-value]

    def matching_models(self, collection: str, params: Mapping[str, str], cls: type[M]) -> list[M]:
        """Typed views of :meth:`matching`, built once per plan and read-only like
        :meth:`models`'s."""
        if collection in self._documents:
            return self.models(collection, cls)
        key = (collection, tuple(sorted(params.items())), cls)
        if key not in self._models:
            found = self.matching(collection, params)
            self._models[key] = [wire.structure(cls, doc, share=True) for doc in found]
        return self._models[key]  # type: ignore[return-value]

    def document(self, collection: str, resource_id: str) -> dict[str, Any]:
        """The document with this id as listed (the planner copies it before changing it)."""
        found = self._by_id.get(collection, {}).get(resource_id)
        if found is None:
            self._remember(collection, self.documents(collection))
            found = self._by_id[collection][resource_id]
        return found

    def matching(self, collection: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        """The documents of a space collection that the server's filter ``params`` selects
        (one request: all on one page), or the whole list when that was read already.
        Callers still test each document themselves: a filter only narrows the read."""
        if collection in self._documents:
            return self._documents[collection]
        key = (collection, tuple(sorted(params.items())))
        if key not in self._matching:
            path = self.client.space_path(collection)
            found = list(self.client.iter_pages(path, dict(params), page_size=TAKE_ALL))
            self._matching[key] = found
            self._remember(collection, found)
        return self._matching[key]

    def total(self, collection: str) -> int:
        """How many documents a space collection holds: counted from the list when it was
        read, else asked for with one ``take=0`` read (no documents)."""
        if collection in self._documents:
            return len(self._documents[collection])
        if collection not in self._totals:
            page = self.client.get(self.client.space_path(collection), {"take": 0})
            self._totals[collection] = int(page.get("TotalResults") or 0)
        return self._totals[collection]

    def _remember(self, collection: str, documents: list[dict[str, Any]]) -> None:
        known = self._by_id.setdefault(collection, {})
        for doc in documents:
            known.setdefault(doc["Id"], doc)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """A read outside the collection cache (e.g. a variables document)."""
        return self.client.get(self.client.space_path(path), params)

    def get_each(self, paths: list[str]) -> list[Any]:
        """Many reads outside the collection cache (one per path), ``read_workers`` at once.

        For a provider that needs a document per selected item (a release's
        deployment template): the reads overlap instead of queueing one by one.
        """
        return self.client.map(self.get, paths, self.read_workers)

    def _fetch_all(self, collection: str) -> list[dict[str, Any]]:
        path = collection if collection.startswith("/") else self.client.space_path(collection)
        try:
            return list(self.client.get(f"{path}/all"))
        except ApiError as exc:
            if exc.status not in (404, 405):
                raise
            return self.client.list_all(path)

    # -- names ---------------------------------------------------------------

    def find(self, collection: str, cls: type[M], name: str, what: str) -> M | None:
        """The model named (or with id) ``name``, else ``None`` and a problem."""
        items = self.models(collection, cls)
        wanted = name.strip().lower()
        for item in items:
            if wanted in (str(getattr(item, "name", "")).lower(), str(item.id).lower()):
                self.label(item)
                return item
        names = [str(getattr(i, "name", i.id)) for i in items]
        self.problem(unknown_name_message(what, name, names))
        return None

    def label(self, model: Model) -> None:
        """Remember a readable name for an id, so plans show names, not ids."""
        if model.id:
            self.labels[model.id] = str(getattr(model, "name", model.id))
