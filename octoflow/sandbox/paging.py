"""Collections the Octopus way: filters, sorting and the paged envelope (REFERENCE §2)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

from octoflow.sandbox.request import Request

DEFAULT_TAKE = 30
#: What ``Page.All`` asks for: every item in one page.
ALL_TAKE = 2147483647
#: Query parameters never echoed into links (an API key may travel as ``apikey``).
_NOT_ECHOED = {"skip", "take", "apikey"}


def by_name(doc: dict[str, Any]) -> tuple[str, str]:
    return ((doc.get("Name") or "").lower(), doc.get("Id") or "")


def common_filters(
    req: Request, items: Iterable[dict[str, Any]], name_contains: bool = False
) -> list[dict[str, Any]]:
    """``ids``, ``partialName`` (contains) and ``name`` (exact, or contains when asked)."""
    out = list(items)
    ids = {i.lower() for i in req.query.getlist("ids")}
    if ids:
        out = [d for d in out if d["Id"].lower() in ids]
    partial = req.query.get("partialName")
    if partial:
        out = [d for d in out if partial.lower() in (d.get("Name") or "").lower()]
    name = req.query.get("name")
    if name:
        lowered = name.lower()
        if name_contains:
            out = [d for d in out if lowered in (d.get("Name") or "").lower()]
        else:
            out = [d for d in out if (d.get("Name") or "").lower() == lowered]
    return out


def page(
    req: Request,
    items: list[Any],
    item_type: str,
    base_path: str,
    query_template: str,
) -> dict[str, Any]:
    """One page of ``items`` in the ``ResourceCollection`` envelope with its ``Page.*`` links."""
    skip = req.query.int("skip", 0)
    take = req.query.int("take", DEFAULT_TAKE)
    total = len(items)
    pages = -(-total // take) if take else 0
    last = max(pages - 1, 0)
    extra = [(k, v) for k, v in req.query.pairs if k.lower() not in _NOT_ECHOED]

    def link(page_skip: int, page_take: int) -> str:
        return base_path + "?" + _encode([("skip", page_skip), ("take", page_take), *extra])

    links = {
        "Self": base_path + _query_suffix(req),
        "Template": base_path + query_template,
        "Page.All": link(0, ALL_TAKE),
        "Page.Current": link(skip, take),
    }
    if skip > 0 and take:
        links["Page.Previous"] = link(max(skip - take, 0), take)
    if take and skip + take < total:
        links["Page.Next"] = link(skip + take, take)
    links["Page.Last"] = link(last * take, take)
    return {
        "ItemType": item_type,
        "TotalResults": total,
        "ItemsPerPage": take,
        "NumberOfPages": pages,
        "LastPageNumber": last,
        "Items": items[skip : skip + take],
        "Links": links,
    }


def _query_suffix(req: Request) -> str:
    pairs = [(k, v) for k, v in req.query.pairs if k.lower() != "apikey"]
    return "?" + _encode(pairs) if pairs else ""


def _encode(pairs: list[tuple[str, Any]]) -> str:
    return urlencode(pairs, quote_via=quote, safe="")
