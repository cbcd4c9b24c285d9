"""Documents as an older server writes them: without links to routes it did not have.

The sandbox's documents carry the current server's links. A 2020.5 server had no
``commonvariables`` route, so its tenants never linked one; a client following
links must not be sent to a 404 the real server would never have pointed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

#: Ids in a link (``Tenants-12``, ``Spaces-1``): links differing only there answer alike.
_ID = re.compile(r"[A-Za-z]+-\d+")


def without_unserved_links(body: Any, answers: Callable[[str], bool]) -> Any:
    """``body`` with every ``Links`` entry that ``answers`` refuses left out; the parts
    holding links are copied, so stored documents are never changed."""
    cache: dict[str, bool] = {}

    def served(link: object) -> bool:
        if not isinstance(link, str) or not link.startswith("/api"):
            return True  # an outside link (an avatar) is not the server's to answer
        shape = _ID.sub("x", link)
        if shape not in cache:
            cache[shape] = answers(link)
        return cache[shape]

    def prune(value: Any) -> Any:
        if isinstance(value, list):
            return [prune(item) for item in value]
        if not isinstance(value, dict):
            return value
        pruned = {key: prune(item) for key, item in value.items() if key != "Links"}
        if isinstance(value.get("Links"), dict):
            pruned["Links"] = {k: v for k, v in value["Links"].items() if served(v)}
        elif "Links" in value:
            pruned["Links"] = value["Links"]
        return {key: pruned[key] for key in value}

    return prune(body)
