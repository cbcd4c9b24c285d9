"""The journal: one JSON line per event of an apply, for audit and resuming.

Every line goes through :func:`octoflow.secrets.redact` before it is written.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

from octoflow.secrets import redact


class Journal:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, event: str, **fields: Any) -> None:
        if self.path is None:
            return
        record = {
            "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
            "event": event,
            **fields,
        }
        line = redact(json.dumps(record, default=str))
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
