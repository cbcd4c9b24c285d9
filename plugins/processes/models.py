"""Typed views of the documents the processes provider resolves names against."""

from __future__ import annotations

from typing import Any

import attrs

from octoflow.provider import Named


@attrs.define(kw_only=True)
class Feed(Named):
    feed_type: str = ""


@attrs.define(kw_only=True)
class Runbook(Named):
    project_id: str | None = None
    runbook_process_id: str | None = None
    published_runbook_snapshot_id: str | None = None


@attrs.define(kw_only=True)
class ActionTemplate(Named):
    action_type: str = ""
    version: int = 0
    properties: dict[str, Any] = attrs.field(factory=dict)
    parameters: list[dict[str, Any]] = attrs.field(factory=list)
    packages: list[dict[str, Any]] = attrs.field(factory=list)
