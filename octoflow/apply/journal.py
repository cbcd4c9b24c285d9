"""The journal: one JSON line per event of an apply, for audit and resuming.

Every line goes through :func:`octoflow.secrets.redact` before it is written;
the file is readable by its owner only, and is created when the journal is,
so a journal that cannot be written stops the apply before its first change.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

from octoflow import files
from octoflow.secrets import redact


class Journal:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        if path is not None:
            files.prepare(path, "the journal", make_parents=True)

    def write(self, event: str, **fields: Any) -> None:
        if self.path is None:
            return
        record = {
            "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
            "event": event,
            **fields,
        }
        line = redact(json.dumps(record, default=str))
        with self._lock:
            files.append_line(self.path, line)
