"""Intent functions of the channels provider: idempotent edits of one channel document.

Each replays on whatever copy apply re-reads, so edits made meanwhile to other
fields survive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octoflow_plugins.channels.rules import packages_key

Doc = dict[str, Any]
Args = Mapping[str, Any]

SET_FIELDS = "channel.set_fields"
SET_RULES = "channel.set_rules"
SET_TENANT_TAGS = "channel.set_tenant_tags"


def set_fields(doc: Doc, args: Args) -> None:
    """Set top-level fields (``Description``, ``LifecycleId``, ``IsDefault``, a new
    channel's ``Name`` and ``ProjectId``)."""
    doc.update(args["fields"])


def set_rules(doc: Doc, args: Args) -> None:
    """Make the channel's rules exactly ``rules``. A rule already there for the same
    packages is kept (with its ``Id``) and given the wanted range and tag."""
    existing = list(doc.get("Rules") or [])
    used: set[int] = set()
    rules = []
    for wanted in args["rules"]:
        key = packages_key(wanted["ActionPackages"])
        index = next(
            (
                i
                for i, rule in enumerate(existing)
                if i not in used and packages_key(rule.get("ActionPackages")) == key
            ),
            None,
        )
        rule = {} if index is None else dict(existing[index])
        if index is not None:
            used.add(index)
        rule.update(wanted)
        rules.append(rule)
    doc["Rules"] = rules


def set_tenant_tags(doc: Doc, args: Args) -> None:
    """Make the channel's tenant tags exactly ``tags`` (any order, any case)."""
    current = list(doc.get("TenantTags") or [])
    if {t.lower() for t in current} != {t.lower() for t in args["tags"]}:
        doc["TenantTags"] = list(args["tags"])


INTENTS = {SET_FIELDS: set_fields, SET_RULES: set_rules, SET_TENANT_TAGS: set_tenant_tags}
