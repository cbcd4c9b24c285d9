"""The ``passwords_out`` file of new users' initial passwords: planning it, settling it.

Apply writes the file (with the private-file helpers of :mod:`octoflow.provider`): a
row only once its user exists, after every row went to a pending file beside it.
Planning checks that the file can take the rows (it does not exist yet, or is an
earlier passwords file to add to) and, when an earlier apply was interrupted and
left a pending file, plans ``users.settle_passwords``: rows of users that exist now
go into the file (their passwords took effect; we assume nobody else created a user
of that name meanwhile), the others are dropped (those users were never created,
and this plan creates them with new passwords).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from octoflow_plugins.users.models import User
from octoflow_plugins.users.rows import UserSpec

from octoflow.provider import (
    ActionCall,
    ActionResult,
    Edit,
    Intent,
    PlanContext,
    UsageError,
    check_appendable,
    csv_value,
    pending_files,
    read_rows,
    settle_pending,
)

HEADER = ("username", "password")
SETTLE = "users.settle_passwords"
FILE_KIND = "PasswordsFile"


def check_file(ctx: PlanContext, passwords_out: str | None, people: Sequence[UserSpec]) -> None:
    """Whether ``passwords_out`` can take the passwords of the new ``people``."""
    if not people:
        return
    count = len(people)
    if not passwords_out:
        ctx.note(
            f"{count} new user(s) need an initial password: apply needs passwords_out, "
            "a file for them (a new one, or an earlier passwords file to add to)"
        )
        return
    path = Path(passwords_out)
    if not _appendable(ctx, path):
        return
    listed = _usernames(path)
    again = [s.username for s in people if s.username.lower() in listed]
    if again:
        ctx.problem(
            f"passwords_out {str(path)!r} has a row for {', '.join(again)} already, but no "
            "such user exists (deleted since?)",
            "remove those rows, or name another file",
        )
        return
    how = "added to" if path.exists() else "written to"
    ctx.note(
        f"the random initial passwords of {count} new user(s) will be {how} {path} "
        "(mode 0600) as each user is created, and shown nowhere else"
    )


def settle_edit(
    ctx: PlanContext, passwords_out: str | None, existing: Mapping[str, User]
) -> Edit | None:
    """The edit settling the pending files an interrupted apply left, if there are any."""
    path = Path(passwords_out) if passwords_out else None
    pending = pending_files(path) if path is not None else []
    if path is None or not pending or not _appendable(ctx, path):
        return None
    listed = _usernames(path)
    rows = [row for file in pending for row in _pending_rows(file)]
    keep = sorted(
        {r[0] for r in rows if csv_value(r[0]).lower() in existing}
        - {r[0] for r in rows if csv_value(r[0]).lower() in listed}
    )
    dropped = len({csv_value(r[0]).lower() for r in rows} - set(existing))
    summary = (
        f"add the initial passwords of {len(keep)} user(s) an interrupted apply created to "
        f"{path}; drop {dropped} of users it did not create; remove "
        + ", ".join(f.name for f in pending)
    )
    args = {"passwords_out": str(path), "pending": [str(f) for f in pending], "keep": keep}
    return Edit(FILE_KIND, None, str(path), {}, (Intent(SETTLE, args, summary),), action="run")


def settle_passwords(call: ActionCall) -> ActionResult:
    """``users.settle_passwords``: see the module docstring."""
    path = Path(call.args["passwords_out"])
    pending = [Path(p) for p in call.args["pending"]]
    if not any(p.exists() for p in pending):
        return ActionResult(False, "already settled")
    check_appendable(path, HEADER)
    added = settle_pending(path, HEADER, pending, set(call.args["keep"]))
    return ActionResult(True, f"added {added} password(s) to {path}; pending file(s) removed")


def _appendable(ctx: PlanContext, path: Path) -> bool:
    try:
        check_appendable(path, HEADER)
    except UsageError as exc:
        ctx.problem(f"passwords_out: {exc}")
        return False
    return True


def _usernames(path: Path) -> set[str]:
    """The usernames (lower case) the file has rows for."""
    if not path.exists():
        return set()
    return {csv_value(row[0]).lower() for row in read_rows(path)[1] if row}


def _pending_rows(path: Path) -> list[tuple[str, ...]]:
    header, rows = read_rows(path)
    if header != HEADER:
        raise UsageError(f"{path} is not a pending passwords file; move it out of the way")
    return [row for row in rows if len(row) == len(HEADER)]
