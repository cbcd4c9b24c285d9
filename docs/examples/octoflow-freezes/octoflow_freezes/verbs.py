"""The verb of ``octo.freezes.where(...)``: ``end()``.

Ending a freeze is what an administrator means by "lift the freeze now": one in force
ends at the moment of the plan (its ``End`` is set to it, so it stays in the list of
past freezes as the record of what was frozen); one that has not started yet is
deleted (there is nothing to keep); one that has ended already is left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs
from octoflow.provider import Edit, Intent, Verb

from octoflow_freezes import times
from octoflow_freezes.kinds import FREEZE

Doc = dict[str, Any]


@attrs.frozen
class End(Verb):
    name: ClassVar[str] = "end"

    def edit(self, freeze: Doc, now: dt.datetime) -> Edit:
        """The edit that ends ``freeze`` at ``now``."""
        starts = times.read(freeze.get("Start"))
        if starts is not None and starts > now:
            summary = f"delete: it was to start {starts:%Y-%m-%d %H:%M %z}"
            delete = Intent("freeze.delete", {}, summary)
            return Edit(FREEZE, freeze["Id"], freeze["Name"], freeze, (delete,), action="delete")
        at = times.wire(now)
        ends = freeze.get("End")
        intent = Intent(
            "freeze.end", {"at": at}, f"end it now (it was to end {ends})", f"ended at {ends}"
        )
        return Edit(FREEZE, freeze["Id"], freeze["Name"], freeze, (intent,))
