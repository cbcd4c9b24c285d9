"""Files of values that exist only at apply time, such as new users' initial passwords.

Apply-time intents (``registry.add_intent(..., at_apply=True)``) run on the body
of each document apply is about to create and hand every value they make over
as a CSV row for a file the user named. A row reaches that file only once the
server has created its document, so every row holds a value that took effect:

* Before the first write, each file is opened: created (mode 0600, just the
  header), or, when it exists, checked to be one octoflow wrote (the same
  header, readable by its owner only) and then appended to. Every row apply is
  about to send goes first to a *pending* file beside it,
  ``<name>.pending-<random>`` (0600, fsynced).
* Right after the server answers a creation, :meth:`SecretFiles.confirm` appends
  its rows to the file, flushed and fsynced.
* At the end the pending file keeps only the rows of creations that got no
  answer (they may or may not have happened), with a warning; without such rows
  it is removed, and so is a file this apply created but never added a row to.

A crash (SIGKILL, power loss) leaves the pending file whole: the rows of
documents that exist there are the ones whose values took effect. A provider
settles them when the same apply is run again (:func:`settle_pending`), so the
file ends up with exactly one row per document created.

Every cell is escaped against spreadsheet formulas (:func:`csv_cell`). An intent
registers each secret it makes with :func:`octoflow.secrets.register_secret`, so
it is masked anywhere else it might appear.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import secrets
import stat
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import attrs

from octoflow.errors import UsageError

log = logging.getLogger("octoflow")

#: ``secret_row(path, header, row)``, as apply-time intents receive it.
SecretRow = Callable[[str, Sequence[str], Sequence[str]], None]
#: What a spreadsheet takes a cell starting with for a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PENDING = ".pending-"
_APPENDING = threading.Lock()  # confirmations and settle_pending append to the same files


def csv_cell(value: object) -> str:
    """``value`` as a CSV cell a spreadsheet shows as text: one starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_value(cell: str) -> str:
    """The value of a cell :func:`csv_cell` wrote (a value that itself starts with ``'``
    and a formula character reads back without its ``'``: such names are not expected)."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text, every cell escaped with :func:`csv_cell`."""
    return _plain_csv([csv_cell(cell) for cell in row] for row in rows)


@attrs.define
class _File:
    header: tuple[str, ...]
    rows: list[tuple[str, tuple[str, ...]]] = attrs.field(factory=list)  # (operation key, row)
    pending: Path | None = None
    created: bool = False
    confirmed: set[str] = attrs.field(factory=set)  # operation keys


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
        """Before the first write: check or create every file, and write the pending ones.

        A file that exists but is not one to append to stops the apply with nothing written.
        """
        for path, entry in self._files.items():
            check_appendable(path, entry.header)
        for path, entry in self._files.items():
            entry.created = _create(path, entry.header)
            entry.pending = _pending_path(path)
            _write_new(entry.pending, [entry.header, *(row for _, row in entry.rows)])

    def confirm(self, operation_key: str) -> None:
        """The server created this operation's document: its rows go into their files."""
        for path, entry in self._files.items():
            rows = [row for key, row in entry.rows if key == operation_key]
            if rows:
                append_rows(path, entry.header, rows)
                with self._lock:
                    entry.confirmed.add(operation_key)

    def keep_only(self, kept: Callable[[str], bool]) -> dict[str, int]:
        """After the apply: keep pending only the rows of creations that may have happened
        (``kept(key)``) but were not confirmed; rows confirmed per file."""
        written: dict[str, int] = {}
        for path, entry in self._files.items():
            confirmed = [row for key, row in entry.rows if key in entry.confirmed]
            unsure = [row for key, row in entry.rows if kept(key) and key not in entry.confirmed]
            written[str(path)] = len(confirmed)
            if entry.pending is not None:
                _settle_own_pending(entry.pending, entry.header, unsure)
            if entry.created and not read_rows(path)[1]:
                path.unlink(missing_ok=True)  # this apply made it, and nobody added a row
        return written


def check_appendable(path: Path, header: Sequence[str]) -> None:
    """Refuse a file octoflow must not append to: another kind of file, other columns,
    readable by others than its owner."""
    if not path.exists():
        if not path.parent.is_dir():
            raise UsageError(f"cannot write {path}: no such directory {str(path.parent)!r}")
        return
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise UsageError(f"{path} is not a file; name a file for the secrets")
    found = read_rows(path)[0]
    if found != tuple(csv_cell(h) for h in header):
        raise UsageError(
            f"{path} exists and is not a file of {','.join(header)} rows octoflow wrote: "
            "name a file that does not exist yet (or one octoflow wrote, to add to it)"
        )
    if mode & 0o077:
        raise UsageError(
            f"{path} can be read by others (mode {stat.S_IMODE(mode):o}): octoflow adds "
            f"secrets only to a file only its owner can read; run chmod 600 {path}"
        )


def read_rows(path: Path) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The header and rows of a CSV file, cells as written (escaped)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [tuple(row) for row in csv.reader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    return (rows[0] if rows else ()), rows[1:]


def pending_files(path: Path) -> list[Path]:
    """Pending files an earlier apply left beside ``path`` (see the module docstring)."""
    found = path.parent.glob(path.name + PENDING + "*")
    return sorted(p for p in found if not p.name.endswith(".tmp"))


def settle_pending(
    path: Path, header: Sequence[str], pending: Sequence[Path], keep: set[str]
) -> int:
    """Append the rows of ``pending`` files whose first cell is in ``keep`` (cells as
    written) and not in ``path`` yet, then remove those files; the number of rows appended."""
    seen = {row[0] for row in read_rows(path)[1] if row} if path.exists() else set()
    rows: dict[str, tuple[str, ...]] = {}
    for file in pending:
        if file.exists():
            for row in read_rows(file)[1]:
                if row and row[0] in keep and row[0] not in seen:
                    rows[row[0]] = row
    if rows:
        _append(path, header, _plain_csv(rows.values()))
    for file in pending:
        file.unlink(missing_ok=True)
    return len(rows)


def append_rows(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Append rows to a file readable by its owner only (created with ``header`` if
    missing), flushed to disk before returning."""
    _append(path, header, csv_text(rows))


def _append(path: Path, header: Sequence[str], text: str) -> None:
    with _APPENDING:
        fd = _open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            head = "" if os.fstat(fd).st_size else csv_text([header])
            _write_all(fd, (head + text).encode("utf-8"))
        finally:
            os.close(fd)


def _create(path: Path, header: Sequence[str]) -> bool:
    """Create ``path`` with just its header unless it exists; whether it was created."""
    try:
        _write_new(path, [header])
    except FileExistsError:
        return False
    return True


def _write_new(path: Path, rows: Sequence[Sequence[str]]) -> None:
    fd = _open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        _write_all(fd, csv_text(rows).encode("utf-8"))
    finally:
        os.close(fd)


def _settle_own_pending(
    pending: Path, header: Sequence[str], unsure: list[tuple[str, ...]]
) -> None:
    if not unsure:
        pending.unlink(missing_ok=True)
        return
    tmp = pending.with_name(pending.name + ".tmp")
    tmp.unlink(missing_ok=True)
    _write_new(tmp, [header, *unsure])
    os.replace(tmp, pending)
    log.warning(
        "%d secret row(s) of creations that got no answer (they may exist) are kept in %s; "
        "run the same apply again to settle them",
        len(unsure),
        pending,
    )


def _pending_path(path: Path) -> Path:
    return path.with_name(path.name + PENDING + secrets.token_hex(4))


def _open(path: Path, flags: int) -> int:
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
    except FileExistsError:
        raise
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.fchmod(fd, 0o600)
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def _plain_csv(rows: Iterable[Sequence[str]]) -> str:
    """Rows already escaped (read back from a file octoflow wrote)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()
