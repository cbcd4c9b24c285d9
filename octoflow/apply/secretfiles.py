"""Files of values that exist only at apply time, such as new users' initial passwords.

Apply-time intents (``registry.add_intent(..., at_apply=True)``) run on the body
of each document apply is about to create and hand every value they make over
as a CSV row for a file the user named. All files are written before the first
write to the server, so the server never holds a value that is not on disk yet:
each is created with mode 0600 under a temporary name in the target directory,
then renamed into place. An existing file is never overwritten. After the
apply, rows of creations the server refused or that never ran are dropped again
(and a file left without rows is removed). An intent registers each secret it
makes with :func:`octoflow.secrets.register_secret`, so it is masked anywhere
else it might appear.
"""

from __future__ import annotations

import csv
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

from octoflow.errors import UsageError

#: ``secret_row(path, header, row)``, as apply-time intents receive it.
SecretRow = Callable[[str, Sequence[str], Sequence[str]], None]


@attrs.define
class _File:
    header: tuple[str, ...]
    rows: list[tuple[str, tuple[str, ...]]] = attrs.field(factory=list)  # (operation key, row)


class SecretFiles:
    """The secret files of one apply, filled by apply-time intents."""

    def __init__(self) -> None:
        self._files: dict[Path, _File] = {}
        self._lock = threading.Lock()

    def sink(self, operation_key: str) -> SecretRow:
        """The ``secret_row`` function for the intents of one operation."""

        def secret_row(path: str, header: Sequence[str], row: Sequence[str]) -> None:
            with self._lock:
                entry = self._files.setdefault(Path(path), _File(tuple(header)))
                if entry.header != tuple(header):
                    raise UsageError(f"{path}: rows with different columns cannot share a file")
                entry.rows.append((operation_key, tuple(row)))

        return secret_row

    @property
    def paths(self) -> list[str]:
        return [str(p) for p in self._files]

    def write(self) -> None:
        """Create every file; with any of them existing already, write none and refuse."""
        existing = [str(p) for p in self._files if p.exists()]
        if existing:
            raise UsageError(
                f"not overwriting {', '.join(existing)}: octoflow writes new secrets only "
                "to a file that does not exist yet; name another file"
            )
        for path, entry in self._files.items():
            _write_private(path, entry.header, [row for _, row in entry.rows])

    def keep_only(self, kept: Callable[[str], bool]) -> dict[str, int]:
        """Drop the rows of operations for which ``kept(key)`` is false; rows left per file."""
        left: dict[str, int] = {}
        for path, entry in self._files.items():
            rows = [row for key, row in entry.rows if kept(key)]
            left[str(path)] = len(rows)
            if len(rows) == len(entry.rows):
                continue
            if rows:
                _write_private(path, entry.header, rows)
            else:
                path.unlink(missing_ok=True)
        return left


def _write_private(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Write a CSV readable by its owner only, atomically (a temporary file, then a rename)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
