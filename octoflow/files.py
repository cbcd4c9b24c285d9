"""Files octoflow writes for the user (journals, plans, reports): private, checked early.

They can hold resource names, ids and server URLs, so they are created readable
by their owner only (0600). A path that cannot be written is a usage error
raised before the first change is made, never after the changes were applied.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from octoflow.errors import UsageError

PRIVATE = 0o600


def prepare(path: Path, what: str, make_parents: bool = False) -> Path:
    """Make sure ``path`` can be written (creating it empty, 0600, if missing).

    :param what: how the user knows the file (``--out``, ``the journal``), for the error.
    :param make_parents: create missing folders (the default journal folder).
    """
    if path.is_dir():
        raise UsageError(f"{what} {path} is a directory; give the path of a file")
    try:
        if make_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd = open_for_appending(path)
    except OSError as exc:
        raise UsageError(
            f"cannot write {what} {path}: {exc.strerror or exc}; choose a folder that "
            "exists and that you may write to"
        ) from None
    os.close(fd)
    return path


def write_text(path: Path, text: str) -> None:
    """Replace ``path``'s content with ``text``, keeping it private."""
    with private_writer(path) as handle:
        handle.write(text)


def private_writer(path: Path) -> TextIO:
    """``path`` emptied and opened for writing text, readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    return os.fdopen(fd, "w", encoding="utf-8")


def open_for_appending(path: Path) -> int:
    """A descriptor appending to ``path`` (created readable by its owner only)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE)


def append_line(fd: int, line: str) -> None:
    """Append ``line`` in one ``write`` (no buffered file object: apply journals a line
    per change, from many threads)."""
    data = (line + "\n").encode("utf-8")
    while data:
        data = data[os.write(fd, data) :]
