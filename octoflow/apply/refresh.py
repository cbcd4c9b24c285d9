"""Fresh copies of documents right before they are written, read in batches.

The first thread that needs a document of some kind fetches it together with
the next pending ones of that kind (up to ``IDS_PER_REQUEST``) in one ``?ids=``
request, so re-reading 400 tenants costs 4 requests, not 400.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from octoflow.client import OctopusClient
from octoflow.client.http import IDS_PER_REQUEST
from octoflow.errors import NotFoundError
from octoflow.registry import ResourceKind


class Refresher:
    def __init__(self, client: OctopusClient, pending: Sequence[tuple[ResourceKind, str]]) -> None:
        self._client = client
        self._pending: dict[str, list[str]] = {}
        for kind, resource_id in pending:
            self._pending.setdefault(kind.name, []).append(resource_id)
        self._fresh: dict[tuple[str, str], dict[str, Any] | None] = {}
        self._locks: dict[str, threading.Lock] = {k: threading.Lock() for k in self._pending}

    def fresh(self, kind: ResourceKind, resource_id: str) -> dict[str, Any] | None:
        """The document as the server has it now; ``None`` if it no longer exists."""
        if not kind.batch_read:
            return self._read_one(kind, resource_id)
        with self._locks.setdefault(kind.name, threading.Lock()):
            key = (kind.name, resource_id)
            if key not in self._fresh:
                self._read_batch(kind, resource_id)
            return self._fresh[key]

    def _read_batch(self, kind: ResourceKind, first: str) -> None:
        pending = self._pending.get(kind.name, [])
        batch = [first] + [i for i in pending if i != first][: IDS_PER_REQUEST - 1]
        for resource_id in batch:
            if resource_id in pending:
                pending.remove(resource_id)
        path = collection_path(self._client, kind)
        found = {doc["Id"]: doc for doc in self._client.get_many(path, batch)}
        for resource_id in batch:
            self._fresh[(kind.name, resource_id)] = found.get(resource_id)

    def read_now(self, kind: ResourceKind, resource_id: str) -> dict[str, Any] | None:
        """The document read again on its own, now (after a write was refused as stale)."""
        return self._read_one(kind, resource_id)

    def _read_one(self, kind: ResourceKind, resource_id: str) -> dict[str, Any] | None:
        try:
            return self._client.get(document_path(self._client, kind, resource_id))
        except NotFoundError:
            return None


def document_path(client: OctopusClient, kind: ResourceKind, resource_id: str) -> str:
    path = kind.path(resource_id)
    return client.space_path(path) if kind.space_scoped else f"/api/{path}"


def collection_path(client: OctopusClient, kind: ResourceKind) -> str:
    return client.space_path(kind.collection) if kind.space_scoped else f"/api/{kind.collection}"
