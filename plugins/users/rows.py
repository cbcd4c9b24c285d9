"""Users as data: :class:`UserSpec`, checked when made, and read from a CSV file.

A users CSV has the header ``username,display_name,email`` and optionally an
``is_service`` column (``true``/``false``; a service account needs no e-mail
and gets no password). Every bad row is reported at once with its line number,
before anything is read from or written to the server.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from octoflow.provider import UsageError, parse_bool

COLUMNS = ("username", "display_name", "email")
OPTIONAL_COLUMNS = ("is_service",)
MAX_NAME = 64
MAX_EMAIL = 256
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@attrs.frozen
class UserSpec:
    """One user as wanted: the username, and optionally display name and e-mail.

    :param line: the CSV line it came from (0 when not from a file), for messages.
    """

    username: str
    display_name: str | None = None
    email: str | None = None
    is_service: bool = False
    line: int = 0

    def problems(self, need_names: bool = True) -> list[str]:
        """What is wrong with this spec (empty when nothing is)."""
        found = []
        if not self.username:
            found.append("the username is empty")
        elif any(c.isspace() for c in self.username):
            found.append(f"username {self.username!r} contains white space")
        elif len(self.username) > MAX_NAME:
            found.append(f"username {self.username!r} is longer than {MAX_NAME} characters")
        if need_names and not self.display_name:
            found.append("the display name is empty")
        elif self.display_name and len(self.display_name) > MAX_NAME:
            found.append(f"display name {self.display_name!r} is longer than {MAX_NAME} characters")
        if self.email:
            if not _EMAIL.match(self.email) or len(self.email) > MAX_EMAIL:
                found.append(f"email {self.email!r} is not a valid e-mail address")
        elif need_names and not self.is_service:
            found.append("the email is empty (only service accounts may have none)")
        return found


def spec_from(value: UserSpec | Mapping[str, Any] | str) -> UserSpec:
    """A spec from a spec, a mapping with the CSV's column names, or a bare username."""
    if isinstance(value, UserSpec):
        return value
    if isinstance(value, str):
        return UserSpec(value.strip())
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(COLUMNS) - set(OPTIONAL_COLUMNS) - {"line"})
        if unknown:
            raise UsageError(f"unknown user field {unknown[0]!r}; use {', '.join(COLUMNS)}")
        return UserSpec(
            str(value.get("username") or "").strip(),
            _text(value.get("display_name")),
            _text(value.get("email")),
            bool(value.get("is_service", False)),
            int(value.get("line", 0)),
        )
    raise UsageError(f"a user must be a username, a mapping or a UserSpec, not {value!r}")


def checked(specs: Iterable[UserSpec], where: str) -> tuple[UserSpec, ...]:
    """``specs`` if every one is valid and no username repeats; else one error listing all."""
    out = tuple(specs)
    fail(where, [text for _, text in problems_of(out)])
    if not out:
        raise UsageError(f"{where} lists no users")
    return out


def problems_of(specs: Iterable[UserSpec]) -> list[tuple[int, str]]:
    """``(line, text)`` of every problem of every spec, and of usernames listed twice."""
    problems = []
    seen: dict[str, UserSpec] = {}
    for spec in specs:
        label = f"line {spec.line}" if spec.line else f"user {spec.username!r}"
        problems += [(spec.line, f"{label}: {p}") for p in spec.problems()]
        first = seen.get(spec.username.lower())
        if first is not None and spec.username:
            again = f"line {first.line}" if first.line else "earlier"
            text = f"{label}: username {spec.username!r} is already listed ({again})"
            problems.append((spec.line, text))
        seen.setdefault(spec.username.lower(), spec)
    return problems


def fail(where: str, problems: list[str]) -> None:
    if problems:
        raise UsageError(
            f"{where} has {len(problems)} problem(s); nothing was changed:\n  - "
            + "\n  - ".join(problems)
        )


def read_csv(path: str | Path) -> tuple[UserSpec, ...]:
    """The users of a CSV file (see the module docstring)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"no such users CSV file: {path}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path.name} is not UTF-8 text: {exc.reason}") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    columns = tuple(c.strip().lower() for c in header or ())
    allowed = (COLUMNS, COLUMNS + OPTIONAL_COLUMNS)
    if columns not in allowed:
        raise UsageError(
            f"{path.name} line 1: the header must be {','.join(COLUMNS)} "
            f"(optionally followed by {','.join(OPTIONAL_COLUMNS)}), not {','.join(columns)!r}"
        )
    specs: list[UserSpec] = []
    problems: list[tuple[int, str]] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        try:
            specs.append(_spec(row, columns, reader.line_num))
        except UsageError as exc:
            problems.append((reader.line_num, f"line {reader.line_num}: {exc}"))
    problems += problems_of(specs)
    fail(path.name, [text for _, text in sorted(problems, key=lambda p: p[0])])
    return checked(specs, path.name)


def _spec(row: list[str], columns: tuple[str, ...], line: int) -> UserSpec:
    if len(row) != len(columns):
        raise UsageError(f"expected {len(columns)} columns ({','.join(columns)}), found {len(row)}")
    cells = dict(zip(columns, (c.strip() for c in row), strict=True))
    service = cells.get("is_service") or "false"
    return UserSpec(
        cells["username"],
        cells["display_name"] or None,
        cells["email"] or None,
        parse_bool(service, "is_service"),
        line,
    )


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None
