"""Write-through durability for a state file: a snapshot plus a write-ahead log.

``STATE.json`` holds a snapshot of the whole state; ``STATE.json.wal`` holds one
JSON line per accepted write since that snapshot, with the documents, counters
and metadata the write changed. The line is written and flushed before the
write's response is sent, so a write answered 2xx survives the process being
killed, SIGKILL included. The log is not fsynced per write (that would cost
about 4 ms more per write), so a power cut or kernel crash may lose the last
writes. Loading reads the snapshot and replays its log, ignoring a last line
cut short (its write was never answered); compacting writes a new snapshot
atomically and starts an empty log. A snapshot and its log share a random
token, so a log older than its snapshot (a compaction stopped between writing
the two) is ignored.

Changes are found by comparing the collections the state handed out since the
last write (``State.take_touched``) with a private copy of what was last
logged, so handlers that change documents in place are covered too.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import IO, Any

from octoflow.sandbox.errors import SandboxError
from octoflow.sandbox.state import State, check_state

WAL_FORMAT = "octoflow-sandbox-wal/1"
Data = dict[str, Any]


def wal_path(path: Path) -> Path:
    """Where the log of the state file ``path`` lives: beside it, ``.wal`` appended."""
    return path.with_name(path.name + ".wal")


def read_state(path: Path) -> Data:
    """The state saved at ``path``: its snapshot with its log replayed.

    Raises ``ValueError`` when the file (or its log) is not one the sandbox
    wrote, and ``OSError`` when it cannot be read.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a UTF-8 text file") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON ({exc})") from None
    check_state(data, str(path))
    log = wal_path(path)
    if log.exists():
        _replay(data, log)
        check_state(data, f"{path} with its journal")
    data.pop("wal", None)
    return data


def write_atomically(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content``: a synced temporary file, then a rename."""
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable; some systems cannot, and lose nothing else."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _replay(data: Data, log: Path) -> None:
    *complete, _cut_short = log.read_bytes().split(b"\n")
    if not complete:
        return
    header = _parse(complete[0], log, 1)
    if header.get("format") != WAL_FORMAT:
        raise ValueError(f"{log} is not an octoflow sandbox journal")
    if header.get("wal") != data.get("wal"):
        return  # older than the snapshot, which already holds every change in it
    for number, line in enumerate(complete[1:], start=2):
        entry = _parse(line, log, number)
        try:
            _apply(data, entry)
        except (AttributeError, TypeError, KeyError) as exc:
            raise ValueError(f"{log} line {number} is not a journal entry ({exc})") from None


def _parse(line: bytes, log: Path, number: int) -> Data:
    try:
        entry = json.loads(line.decode("utf-8"))
    except ValueError as exc:
        raise ValueError(f"{log} line {number} is corrupt ({exc})") from None
    if not isinstance(entry, dict):
        raise ValueError(f"{log} line {number} is not a JSON object")
    return entry


def _apply(data: Data, entry: Data) -> None:
    collections = data["collections"]
    for name, docs in entry.get("put", {}).items():
        collections.setdefault(name, {}).update(docs)
    for name, ids in entry.get("remove", {}).items():
        for doc_id in ids:
            collections[name].pop(doc_id, None)
    data["counters"].update(entry.get("counters", {}))
    if "meta" in entry:
        data["meta"] = entry["meta"]


class Journal:
    """The write-ahead log of one state file; call its methods holding the state lock."""

    def __init__(self, state: State, path: Path) -> None:
        self.state = state
        self.path = path
        self._log: IO[bytes] | None = None
        self._logged: Data = {}
        self._pending: set[str] = set()

    def compact(self) -> None:
        """Write the whole state as a new snapshot and start an empty log."""
        token = secrets.token_hex(8)
        data = self.state.dump()
        snapshot = json.dumps(dict(data, wal=token), ensure_ascii=False, indent=1)
        write_atomically(self.path, snapshot.encode("utf-8"))
        header = json.dumps({"format": WAL_FORMAT, "wal": token}) + "\n"
        write_atomically(wal_path(self.path), header.encode("utf-8"))
        self.close()
        self._log = open(wal_path(self.path), "ab")  # noqa: SIM115 (open until close())
        self._logged = data  # dump() is a deep copy that nothing else holds
        self._pending = set()
        self.state.take_touched()

    def commit(self) -> None:
        """Append what changed since the last commit, flushed before this returns."""
        self._pending |= self.state.take_touched()
        entry = self._changes()
        if entry:
            line = json.dumps(entry, ensure_ascii=False) + "\n"
            try:
                if self._log is None:
                    raise OSError("the journal is closed")
                self._log.write(line.encode("utf-8"))
                self._log.flush()
            except OSError as exc:
                raise SandboxError(
                    500,
                    f"The sandbox could not write its journal, so this change is not saved: {exc}",
                ) from None
            self._remember(entry)
        self._pending = set()

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def _changes(self) -> Data:
        state, logged = self.state, self._logged
        entry: Data = {}
        for name in sorted(self._pending):
            if name not in state.collections and name not in logged["collections"]:
                continue  # only looked for (an area reading what no one has made yet)
            live = state.collections.get(name, {})
            before = logged["collections"].get(name)
            if live == before:
                continue
            before = before or {}
            changed = {i: doc for i, doc in live.items() if before.get(i) != doc}
            if changed or name not in logged["collections"]:
                entry.setdefault("put", {})[name] = changed
            gone = [i for i in before if i not in live]
            if gone:
                entry.setdefault("remove", {})[name] = gone
        counters = {k: v for k, v in state.counters.items() if logged["counters"].get(k) != v}
        if counters:
            entry["counters"] = counters
        if state.meta != logged["meta"]:
            entry["meta"] = state.meta
        return entry

    def _remember(self, entry: Data) -> None:
        """Make the private copy match what the log now says (copies: handlers edit in place)."""
        collections = self._logged["collections"]
        for name, docs in entry.get("put", {}).items():
            mine = collections.setdefault(name, {})
            for doc_id, doc in docs.items():
                mine[doc_id] = copy.deepcopy(doc)
        for name, ids in entry.get("remove", {}).items():
            for doc_id in ids:
                del collections[name][doc_id]
        self._logged["counters"].update(entry.get("counters", {}))
        if "meta" in entry:
            self._logged["meta"] = copy.deepcopy(entry["meta"])
