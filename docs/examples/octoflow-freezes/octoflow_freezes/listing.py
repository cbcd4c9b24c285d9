"""Reading every deployment freeze, once per plan.

``ctx.documents`` reads a collection's ``/all`` or pages through the ``Items``
envelope; the freezes list has neither: ``GET /api/deploymentfreezes?skip=&take=``
answers ``{"DeploymentFreezes": [...], "Count": n}``, ``Count`` being every freeze the
filters match. So this pages through it itself and keeps the result for the plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from weakref import WeakKeyDictionary

from octoflow.provider import PlanContext

PATH = "/api/deploymentfreezes"
#: Freezes asked for per request.
PAGE_SIZE = 100

Doc = dict[str, Any]
_read: WeakKeyDictionary[PlanContext, list[Doc]] = WeakKeyDictionary()


def all_freezes(ctx: PlanContext) -> list[Doc]:
    """Every freeze on the instance (ended ones too), read once per plan."""
    if ctx not in _read:
        _read[ctx] = list(pages(ctx))
    return _read[ctx]


def pages(ctx: PlanContext) -> Iterator[Doc]:
    skip = 0
    while True:
        page = ctx.client.get(PATH, {"skip": skip, "take": PAGE_SIZE})
        items = page.get("DeploymentFreezes") or []
        yield from items
        skip += len(items)
        if not items or skip >= int(page.get("Count") or 0):
            return
