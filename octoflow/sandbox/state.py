"""The sandbox's whole world: JSON documents by collection, id counters, one lock.

Documents are stored exactly as they are served (PascalCase, ``Links``
included), keyed by id within a collection named after the id prefix
(``Tenants`` holds ``Tenants-1``…). Areas may keep extra collections (e.g.
tenant variable values) the same way, so ``dump``/``load`` cover everything.

Reach documents through the methods here, never through ``collections``
directly: they note which collections were handed out (``take_touched``), and
the write-through journal looks for changes in those collections only.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from octoflow.sandbox.errors import not_found

STATE_FORMAT = "octoflow-sandbox-state/1"
#: Who the sandbox says modified a document (``LastModifiedBy``).
SANDBOX_USER = "admin"


class State:
    """Documents and counters. Hold ``lock`` for any read or write."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.collections: dict[str, dict[str, dict[str, Any]]] = {}
        self.counters: dict[str, int] = {}
        self.meta: dict[str, Any] = {}
        self._lower: dict[str, dict[str, str]] = {}
        self._frozen_now: str | None = None
        self._touched: set[str] = set()
        self._indexes: dict[str, dict[str, Index]] = {}
        # Collections by the prefix of the ids they hold ("tenants" → Tenants and the
        # tenants' variables), so finding every document with an id reads a few of them.
        self._holders: dict[str, set[str]] = {}

    # -- documents --------------------------------------------------------------

    def collection(self, name: str) -> dict[str, dict[str, Any]]:
        """The collection's documents by id, created empty on first use."""
        self._touched.add(name)
        self._lower.setdefault(name, {})
        return self.collections.setdefault(name, {})

    def get(self, name: str, doc_id: str | None) -> dict[str, Any] | None:
        """The document with ``doc_id`` (ids match case-insensitively), or None."""
        docs = self.collections.get(name)
        if not doc_id or docs is None:
            return None
        found = docs.get(doc_id)
        if found is None:
            real = self._lower[name].get(doc_id.lower())
            found = docs.get(real) if real else None
        if found is not None:
            self._touched.add(name)
        return found

    def require(self, name: str, doc_id: str) -> dict[str, Any]:
        found = self.get(name, doc_id)
        if found is None:
            raise not_found(doc_id)
        return found

    def put(self, name: str, doc: dict[str, Any]) -> dict[str, Any]:
        self.collection(name)[doc["Id"]] = doc
        self._lower[name][doc["Id"].lower()] = doc["Id"]
        self._holders.setdefault(_id_prefix(doc["Id"]), set()).add(name)
        for index in self._indexes.get(name, {}).values():
            index.add(doc)
        return doc

    def remove(self, name: str, doc_id: str) -> dict[str, Any] | None:
        doc = self.get(name, doc_id)
        if doc is not None:
            del self.collections[name][doc["Id"]]
            del self._lower[name][doc["Id"].lower()]
            for index in self._indexes.get(name, {}).values():
                index.discard(doc["Id"])
        return doc

    def index(self, name: str, index_name: str, keys: Callable[[dict[str, Any]], Any]) -> Index:
        """The collection's documents by ``keys(doc)`` (an iterable of hashable keys), built
        on first use and kept current by ``put`` and ``remove``. A document changed in
        place must be ``put`` again for the index to see the change."""
        by_name = self._indexes.setdefault(name, {})
        if index_name not in by_name:
            by_name[index_name] = Index(keys, self.collections.get(name, {}).values())
        return by_name[index_name]

    def values(self, name: str, space_id: str | None = None) -> list[dict[str, Any]]:
        self._touched.add(name)
        docs = self.collections.get(name, {}).values()
        if space_id is None:
            return list(docs)
        return [d for d in docs if d.get("SpaceId") == space_id]

    def find_document(self, doc_id: str) -> tuple[str, dict[str, Any]] | None:
        """The first collection holding ``doc_id``, and the document."""
        holding = self.holding(doc_id)
        return next(iter(holding.items()), None)

    def holding(self, doc_id: str) -> dict[str, dict[str, Any]]:
        """Every document with the id ``doc_id``, by collection (in the order the
        collections were made): a tenant, and the tenant's variables."""
        names = self._holders.get(_id_prefix(doc_id), set())
        found = {name: self.get(name, doc_id) for name in self.collections if name in names}
        return {name: doc for name, doc in found.items() if doc is not None}

    def take_touched(self) -> set[str]:
        """The collections handed out (and so perhaps changed) since the last call."""
        touched, self._touched = self._touched, set()
        return touched

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}-{self.counters[prefix]}"

    # -- spaces and environments ---------------------------------------------

    def default_space_id(self) -> str | None:
        for space in self.values("Spaces"):
            if space.get("IsDefault"):
                return space["Id"]
        return None

    def space_by_ref(self, ref: str) -> dict[str, Any] | None:
        """A space by id or slug (``/api/spaces/{idOrSlug}/…``)."""
        found = self.get("Spaces", ref)
        if found is not None:
            return found
        lowered = ref.lower()
        return next(
            (s for s in self.values("Spaces") if (s.get("Slug") or "").lower() == lowered), None
        )

    def environments_in_order(self, space_id: str) -> list[dict[str, Any]]:
        return sorted(
            self.values("Environments", space_id),
            key=lambda e: (e.get("SortOrder") or 0, (e.get("Name") or "").lower()),
        )

    def lifecycle_environment_ids(self, lifecycle: dict[str, Any]) -> list[str]:
        """Environments a lifecycle's phases reach; no phases means every environment."""
        ordered = [e["Id"] for e in self.environments_in_order(lifecycle["SpaceId"])]
        phases = lifecycle.get("Phases") or []
        if not phases:
            return ordered
        named: set[str] = set()
        for phase in phases:
            named.update(phase.get("AutomaticDeploymentTargets") or [])
            named.update(phase.get("OptionalDeploymentTargets") or [])
        return [env_id for env_id in ordered if env_id in named]

    def project_environment_ids(self, project: dict[str, Any]) -> list[str]:
        """Environments a project can deploy to: its lifecycle's plus its channels'."""
        channels = self.index("Channels", "by-project", _project_key).ids(project["Id"])
        lifecycle_ids = [project.get("LifecycleId")]
        lifecycle_ids += [self.get("Channels", c).get("LifecycleId") for c in sorted(channels)]
        allowed: set[str] = set()
        for lifecycle_id in lifecycle_ids:
            lifecycle = self.get("Lifecycles", lifecycle_id)
            if lifecycle is not None:
                allowed.update(self.lifecycle_environment_ids(lifecycle))
        ordered = self.environments_in_order(project["SpaceId"])
        return [e["Id"] for e in ordered if e["Id"] in allowed]

    # -- time -------------------------------------------------------------------

    def now(self) -> str:
        """ISO 8601 with offset, like ``LastModifiedOn`` on a real server."""
        if self._frozen_now is not None:
            return self._frozen_now
        return datetime.now(timezone.utc).isoformat(timespec="milliseconds")

    @contextmanager
    def frozen_clock(self, timestamp: str) -> Iterator[None]:
        """Make ``now()`` return ``timestamp`` (seeds must be deterministic); nests."""
        previous, self._frozen_now = self._frozen_now, timestamp
        try:
            yield
        finally:
            self._frozen_now = previous

    def stamp(self, doc: dict[str, Any]) -> None:
        doc["LastModifiedOn"] = self.now()
        doc["LastModifiedBy"] = SANDBOX_USER

    # -- whole state ------------------------------------------------------------

    def clear(self) -> None:
        self._touched.update(self.collections)
        self.collections.clear()
        self.counters.clear()
        self.meta.clear()
        self._lower.clear()
        self._indexes.clear()
        self._holders.clear()

    def dump(self) -> dict[str, Any]:
        return copy.deepcopy(
            {
                "format": STATE_FORMAT,
                "meta": self.meta,
                "counters": self.counters,
                "collections": self.collections,
            }
        )

    def load(self, data: dict[str, Any]) -> None:
        check_state(data, "the data")
        self.clear()
        self.meta.update(copy.deepcopy(data.get("meta", {})))
        self.counters.update(data.get("counters", {}))
        for name, docs in data.get("collections", {}).items():
            self.collection(name)
            for doc in docs.values():
                self.put(name, copy.deepcopy(doc))


class Index:
    """Document ids by derived keys (``State.index``), for lookups that would otherwise scan
    a whole collection."""

    def __init__(
        self, keys: Callable[[dict[str, Any]], Any], docs: Iterable[dict[str, Any]]
    ) -> None:
        self._keys = keys
        self._ids: dict[Any, set[str]] = {}
        self._keys_of: dict[str, list[Any]] = {}
        for doc in docs:
            self.add(doc)

    def add(self, doc: dict[str, Any]) -> None:
        self.discard(doc["Id"])
        keys = list(self._keys(doc))
        self._keys_of[doc["Id"]] = keys
        for key in keys:
            self._ids.setdefault(key, set()).add(doc["Id"])

    def discard(self, doc_id: str) -> None:
        for key in self._keys_of.pop(doc_id, ()):
            ids = self._ids[key]
            ids.discard(doc_id)
            if not ids:
                del self._ids[key]

    def ids(self, key: Any) -> set[str]:
        """Ids of the documents with ``key`` (a copy)."""
        return set(self._ids.get(key, ()))


def _id_prefix(doc_id: str) -> str:
    return doc_id.partition("-")[0].lower()


def _project_key(doc: dict[str, Any]) -> list[Any]:
    return [doc.get("ProjectId")]


def check_state(data: Any, source: str) -> None:
    """Raise ``ValueError`` unless ``data`` has the shape :meth:`State.dump` gives."""
    found = data.get("format") if isinstance(data, dict) else type(data).__name__
    if found != STATE_FORMAT:
        raise ValueError(
            f"{source} is not an octoflow sandbox state (format {found!r}, "
            f"expected {STATE_FORMAT!r})"
        )
    meta, counters = data.get("meta", {}), data.get("counters", {})
    collections = data.get("collections", {})
    if not isinstance(meta, dict):
        raise ValueError(f"{source}: meta must be a JSON object")
    if not isinstance(counters, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in counters.values()
    ):
        raise ValueError(f"{source}: counters must be an object of whole numbers")
    if not isinstance(collections, dict) or not all(
        isinstance(docs, dict) and all(_is_document(doc) for doc in docs.values())
        for docs in collections.values()
    ):
        raise ValueError(f"{source}: collections must map names to documents by id")


def _is_document(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("Id"), str)
