"""Octopus service messages: how a script step talks to the task log.

Octopus reads lines like ``##octopus[setVariable name='…' value='…']`` from a
step's standard output; attribute values are base64 of UTF-8. Everything
written here goes through :func:`octoflow.secrets.redact` first.
"""

from __future__ import annotations

import base64
import os
import sys
from typing import TextIO

from octoflow.secrets import redact


def encode(value: str) -> str:
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


class ServiceMessages:
    """Writes service messages and log text to a step's standard output."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout

    def _message(self, kind: str, /, **attributes: str) -> None:
        attrs = " ".join(f"{key}='{encode(redact(value))}'" for key, value in attributes.items())
        self._line(f"##octopus[{kind}{' ' + attrs if attrs else ''}]")

    def _line(self, text: str) -> None:
        self.out.write(redact(text) + "\n")
        self.out.flush()

    def _block(self, kind: str, text: str) -> None:
        self._line(f"##octopus[stdout-{kind}]")
        for line in text.splitlines() or [""]:
            self._line(line)
        self._line("##octopus[stdout-default]")

    def info(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self._line(line)

    def verbose(self, text: str) -> None:
        self._block("verbose", text)

    def highlight(self, text: str) -> None:
        self._block("highlight", text)

    def warning(self, text: str) -> None:
        self._block("warning", text)

    def set_variable(self, name: str, value: str) -> None:
        """An output variable: ``Octopus.Action[Step].Output.<name>`` in later steps."""
        self._message("setVariable", name=name, value=value)

    def progress(self, percentage: int, message: str) -> None:
        self._message("progress", percentage=str(percentage), message=message)

    def artifact(self, path: str, name: str) -> None:
        """Attach a file to the task (collected by Octopus after the step)."""
        full = os.path.abspath(path)
        length = str(os.path.getsize(full)) if os.path.isfile(full) else "0"
        self._message("createArtifact", path=full, name=name, length=length)

    def result(self, message: str) -> None:
        """The one-line reason shown when the step fails."""
        self._message("resultMessage", message=message)
