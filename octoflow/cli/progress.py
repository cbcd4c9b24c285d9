"""Apply progress: a bar on a terminal, plain lines elsewhere (CI logs, files)."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from octoflow.apply.executor import FAILED, OperationResult
from octoflow.plan.model import Operation
from octoflow.secrets import redact

BAR_WIDTH = 30


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.done = 0
        self._next_milestone = 10
        self._lock = threading.Lock()

    def __call__(self, result: OperationResult) -> None:
        with self._lock:
            self.done += 1
            if result.outcome == FAILED:
                self._line(f"failed: {result.kind} {result.name!r}: {result.detail}")
            if self.tty:
                self._bar()
            else:
                self._milestone()

    def note(self, op: Operation, message: str) -> None:
        """A line about one operation while it runs (a deployment's task state)."""
        with self._lock:
            self._line(f"{op.kind} {op.name!r}: {message}")

    def finish(self) -> None:
        if self.tty and self.total:
            self.stream.write("\n")
            self.stream.flush()

    def _bar(self) -> None:
        filled = int(BAR_WIDTH * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total}")
        self.stream.flush()

    def _milestone(self) -> None:
        percent = 100 * self.done // max(self.total, 1)
        if percent >= self._next_milestone or self.done == self.total:
            self._line(f"applied {self.done}/{self.total} ({percent}%)")
            self._next_milestone = (percent // 10 + 1) * 10

    def _line(self, text: str) -> None:
        prefix = "\r" if self.tty else ""
        self.stream.write(prefix + redact(text) + "\n")
        self.stream.flush()
