"""``SortOrder`` handling shared by environments and tag sets."""

from __future__ import annotations

from octoflow.sandbox.errors import invalid
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State


def next_sort_order(state: State, collection: str, space_id: str | None) -> int:
    """One past the highest ``SortOrder`` in the space: new documents go last."""
    orders = [d.get("SortOrder") or 0 for d in state.values(collection, space_id)]
    return max(orders, default=-1) + 1


def register_sort_order(router: Router, path: str, collection: str) -> None:
    """``PUT <path>`` with an array of ids sets their ``SortOrder`` to the array order."""

    def handler(req: Request) -> tuple[int, None]:
        ids = req.json
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise invalid("The body must be an array of ids.")
        docs = [req.state.get(collection, i) for i in ids]
        found = [d for d in docs if d is not None and d.get("SpaceId") == req.space_id]
        if len(found) != len(ids):
            known = {d["Id"] for d in found}
            raise invalid(*(f"The resource '{i}' was not found." for i in ids if i not in known))
        for position, doc in enumerate(found):
            doc["SortOrder"] = position
            req.state.stamp(doc)
        return 200, None

    router.space("PUT", path, handler)
