"""The journal: one JSON line per event of an apply, for audit and resuming.

Every line goes through :func:`octoflow.secrets.redact` before it is written;
the file is readable by its owner only, and is created when the journal is,
so a journal that cannot be written stops the apply before its first change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path
from typing import Any

from octoflow import files
from octoflow.secrets import redact


class Journal:
    """Lines are appended through a descriptor kept open from the first line to
    :meth:`close` (opening and closing the file for every line put three system calls,
    and as many waits for the interpreter lock, between one write and the next)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._fd: int | None = None
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
            if self._fd is None:
                self._fd = files.open_for_appending(self.path)
            files.append_line(self._fd, line)

    def close(self) -> None:
        """Let go of the file; a later line opens it again."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
