"""Apply progress: a bar on a terminal, plain lines elsewhere (CI logs, files).

Only finished operations (changed, ok or failed) move it. Operations skipped
because apply stopped (Ctrl-C, a refused key) or because what they depend on
failed are counted apart, so after an interruption the bar stays where the
work really stopped, and the last line says how much never started.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from octoflow.apply.executor import FAILED, SKIPPED, OperationResult
from octoflow.plan.model import Operation
from octoflow.secrets import redact

BAR_WIDTH = 30


class Progress:
    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.done = 0
        self.skipped = 0
        self._clock = clock
        self._started = clock()
        self._next_milestone = 10
        self._lock = threading.Lock()

    def __call__(self, result: OperationResult) -> None:
        with self._lock:
            if result.outcome == SKIPPED:
                self.skipped += 1
                return
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

    def say(self, text: str) -> None:
        """A line of its own (which stage of a rollout runs)."""
        with self._lock:
            self._line(text)

    def finish(self) -> None:
        """End the bar; if apply stopped short, say where."""
        with self._lock:
            if self.tty and self.total:
                self.stream.write("\n")
            left = self.total - self.done
            if left > 0:
                self.stream.write(
                    f"stopped at {self.done}/{self.total}: {left} operation(s) not applied\n"
                )
            self.stream.flush()

    def rate_and_eta(self) -> str:
        """``4.0/s, ETA 1m15s`` once something finished; empty before."""
        elapsed = self._clock() - self._started
        if not self.done or elapsed <= 0:
            return ""
        rate = self.done / elapsed
        remaining = (self.total - self.done) / rate
        return f"{rate:.1f}/s, ETA {_duration(remaining)}"

    def _bar(self) -> None:
        filled = int(BAR_WIDTH * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        speed = self.rate_and_eta()
        self.stream.write(f"\r[{bar}] {self.done}/{self.total}" + (f"  {speed}" if speed else ""))
        self.stream.write("\x1b[K")  # clear what a longer previous line left
        self.stream.flush()

    def _milestone(self) -> None:
        percent = 100 * self.done // max(self.total, 1)
        if percent >= self._next_milestone or self.done == self.total:
            self._line(f"applied {self.done}/{self.total} ({percent}%)")
            self._next_milestone = (percent // 10 + 1) * 10

    def _line(self, text: str) -> None:
        prefix = "\r\x1b[K" if self.tty else ""
        self.stream.write(prefix + redact(text) + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    """``45s``, ``2m05s``, ``1h02m``."""
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
