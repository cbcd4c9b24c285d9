"""Reading back what an apply's journal recorded, for ``octoflow undo``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from octoflow.apply.report import CHANGED
from octoflow.errors import UsageError


@attrs.frozen
class RecordedWrite:
    """One operation the apply carried out, with what undo needs to take it back."""

    key: str
    kind: str
    name: str
    action: str
    resource_id: str
    at: str
    changes: tuple[Mapping[str, Any], ...] = ()
    #: Paths of sensitive values the write sent (never their values).
    secrets: tuple[tuple[str, ...], ...] = ()
    #: The document as created (for a creation) or as it was (for a deletion).
    image: Mapping[str, Any] | None = None
    #: Whether the journal has what undo needs (journals from before 2026-12 do not).
    recorded: bool = True


@attrs.frozen
class RecordedApply:
    journal: Path
    plan_id: str
    server: str
    space_id: str
    writes: tuple[RecordedWrite, ...]


def read_journal(path: Path) -> RecordedApply:
    """The apply ``path`` records; a file that is not an apply's journal is a usage error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read the journal {path}: {exc.strerror or exc}") from None
    events = [_event(path, n, line) for n, line in enumerate(lines, 1) if line.strip()]
    started = next((e for e in events if e.get("event") == "apply-started"), None)
    if started is None:
        raise UsageError(
            f"{path} is not an apply's journal (it has no apply-started event); "
            "journals are in ~/.octoflow/journal/ unless apply was given --journal"
        )
    writes = tuple(
        _write(e) for e in events if e.get("event") == "operation" and e.get("outcome") == CHANGED
    )
    return RecordedApply(
        path,
        str(started.get("plan", "")),
        str(started.get("server", "")),
        str(started.get("space", "")),
        writes,
    )


def _event(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        event = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{number}: not a journal line ({exc.msg})") from None
    if not isinstance(event, dict):
        raise UsageError(f"{path}:{number}: not a journal line (not a JSON object)")
    return event


def _write(event: Mapping[str, Any]) -> RecordedWrite:
    action = str(event.get("action", ""))
    image = event.get("created") if action == "create" else event.get("deleted")
    recorded = {
        "update": "changes" in event,
        "create": isinstance(image, Mapping),
        "delete": isinstance(image, Mapping),
    }.get(action, False)
    return RecordedWrite(
        key=str(event.get("key", "")),
        kind=str(event.get("kind", "")),
        name=str(event.get("name", "")),
        action=action,
        resource_id=str(event.get("resource_id") or ""),
        at=str(event.get("at", "")),
        changes=tuple(event.get("changes") or ()),
        secrets=tuple(tuple(p) for p in event.get("secrets") or ()),
        image=image if isinstance(image, Mapping) else None,
        recorded=recorded,
    )
