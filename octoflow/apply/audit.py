"""Who else wrote: documents someone else changed while an apply was writing them.

Apply re-reads each document right before writing it and reads back what it
wrote, so edits made meanwhile are kept or re-applied. Where the server keeps
an audit log (its root document links ``Events``), apply also tells the user
who changed a document it wrote during the run: before the first write it
notes the newest event (:meth:`AuditWatch.start`), and after the read-back it
asks, in batches of document ids, for newer events on the documents it wrote
(:meth:`AuditWatch.finish`, as many requests at once as apply writes), keeping
those made by another user than the one octoflow's key belongs to. A server
without an audit log costs no request; a key that may not read it (``EventView``)
gets a note instead of the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from octoflow.client import OctopusClient
from octoflow.client.http import IDS_PER_REQUEST
from octoflow.errors import OctoflowError, PermissionDeniedError

EVENTS = "/api/events"


@attrs.frozen
class OtherEdit:
    """One change another user made to a document this apply wrote."""

    document_id: str
    username: str
    occurred: str
    category: str

    def describe(self, names: dict[str, str]) -> str:
        name = names.get(self.document_id)
        what = f"{name} ({self.document_id})" if name else self.document_id
        return f"{what} {self.category.lower()} by {self.username} at {self.occurred}"

    def to_json(self) -> dict[str, str]:
        return attrs.asdict(self)


@attrs.frozen
class AuditReport:
    """What the audit log said about the run (empty when there is none to ask)."""

    edits: tuple[OtherEdit, ...] = ()
    #: Why the log could not be read, if it could not.
    unavailable: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "changed_by_others": [e.to_json() for e in self.edits],
            "unavailable": self.unavailable,
        }


class AuditWatch:
    """Brackets one apply: :meth:`start` before its first write, :meth:`finish` after."""

    def __init__(self, client: OctopusClient, workers: int = 1) -> None:
        self.client = client
        self.workers = workers
        self.since: int | None = None
        self.unavailable = ""

    def start(self) -> None:
        """Note the newest event, so :meth:`finish` asks only for newer ones."""
        if not self.client.capabilities.has_link("Events"):
            return
        try:
            newest = self.client.get(EVENTS, {"take": 1, "excludeDifference": "true"})
            items = newest.get("Items") or []
            self.since = int(items[0].get("AutoId") or 0) if items else 0
        except PermissionDeniedError:
            self.unavailable = "the API key's user may not read the audit log (EventView)"
        except OctoflowError as exc:
            self.unavailable = f"the audit log could not be read: {exc}"

    def finish(self, written: Sequence[str]) -> AuditReport:
        """Events newer than :meth:`start` on ``written`` documents, by anyone else."""
        if self.since is None or not written:
            return AuditReport(unavailable=self.unavailable)
        try:
            me = str(self.client.get("/api/users/me").get("Id") or "")
            pages = self.client.map(self._events, _chunks(written), self.workers)
            found = [e for events in pages for e in events]
        except OctoflowError as exc:
            return AuditReport(unavailable=f"the audit log could not be read: {exc}")
        mine = set(written)
        edits = {
            (doc_id, e["Id"]): OtherEdit(
                doc_id,
                str(e.get("Username") or e.get("UserId")),
                str(e.get("Occurred")),
                str(e.get("Category") or "Modified"),
            )
            for e in found
            if str(e.get("UserId") or "") != me and int(e.get("AutoId") or 0) > (self.since or 0)
            for doc_id in e.get("RelatedDocumentIds") or []
            if doc_id in mine
        }
        ordered = sorted(edits.values(), key=lambda e: (e.occurred, e.document_id))
        return AuditReport(tuple(ordered))

    def _events(self, ids: list[str]) -> list[dict[str, Any]]:
        params = {
            "regardingAny": ",".join(ids),
            "fromAutoId": self.since,  # inclusive or not: older ones are dropped above
            "excludeDifference": "true",
        }
        return self.client.list_all(EVENTS, params)


def _chunks(ids: Sequence[str]) -> list[list[str]]:
    unique = list(dict.fromkeys(ids))
    return [unique[i : i + IDS_PER_REQUEST] for i in range(0, len(unique), IDS_PER_REQUEST)]
