"""Three-way restore of one recorded field: before the apply, after it, and now.

A field still as the apply left it goes back to its earlier value; a field
already back needs nothing; a field someone changed since is refused, so undo
never overwrites their edit. Lists of plain values (tags, roles, environment
ids) are sets: undo removes what the apply added and puts back what it removed,
leaving members others added or removed meanwhile as they are. The order of a
list of objects with ids (a process's steps) goes back only if it is still the
order the apply left.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from octoflow.plan.diff import diff, scrub
from octoflow.undo.paths import ABSENT, assign, locate
from octoflow.undo.record import MASK

RESTORE, ALREADY, REFUSED = "restore", "already", "refused"
#: The intent undo plans replay on each document (registered by the plugin host).
RESTORE_INTENT = "octoflow.restore"


@attrs.frozen
class Verdict:
    """What undo does with one recorded change: restore it, nothing, or refuse (why)."""

    state: str
    value: Any = None
    why: str = ""


def judge(document: Any, change: Mapping[str, Any]) -> Verdict:
    path = tuple(change["path"])
    now = locate(document, path)
    if change.get("order"):
        return _judge_order(now, change)
    if _is_set_change(change):
        return _judge_members(now, change)
    before = ABSENT if change.get("absent") == "before" else change["before"]
    after = ABSENT if change.get("absent") == "after" else change["after"]
    shown = now if now is ABSENT else scrub(now)
    if _same(shown, before):
        return Verdict(ALREADY)
    if not _same(shown, after):
        return Verdict(REFUSED, why=f"changed since the apply: now {_show(shown)}")
    if holds_secret(before):
        return Verdict(REFUSED, why="held a sensitive value, which journals never record")
    return Verdict(RESTORE, before)


def restore(document: dict[str, Any], change: Mapping[str, Any]) -> Verdict:
    """Judge ``change`` on ``document`` and, if it is to be restored, restore it in place."""
    verdict = judge(document, change)
    if verdict.state == RESTORE:
        path = tuple(change["path"])
        if not assign(document, path, verdict.value, change.get("position")):
            return Verdict(REFUSED, why="what held it is gone since the apply")
    return verdict


def restore_intent(document: dict[str, Any], args: Mapping[str, Any]) -> None:
    """The ``octoflow.restore`` intent: restore each change that is still as the apply
    left it (replayed at apply time on the document as it is then)."""
    for change in args.get("changes", ()):
        restore(document, change)


def _judge_members(now: Any, change: Mapping[str, Any]) -> Verdict:
    missing = now is ABSENT or now is None
    if not (missing or isinstance(now, list)):
        return Verdict(REFUSED, why=f"changed since the apply: now {_show(now)}")
    members = [] if missing else list(now)
    before, after = list(change["before"] or ()), list(change["after"] or ())
    added = [m for m in after if m not in before]
    removed = [m for m in before if m not in after]
    value: Any = _put_back([m for m in members if m not in added], removed, before)
    if not value and change.get("absent") == "before":
        value = ABSENT
    already = missing if value is ABSENT else _same(value, members)
    return Verdict(ALREADY) if already else Verdict(RESTORE, value)


def _put_back(members: list[Any], removed: list[Any], before: list[Any]) -> list[Any]:
    """``members`` with ``removed`` put back where they stood in ``before`` (after the
    nearest earlier member still there), so a restored list reads as it did."""
    result = list(members)
    for member in removed:
        if member in result:
            continue
        earlier = before[: before.index(member)]
        anchor = next((m for m in reversed(earlier) if m in result), None)
        result.insert(0 if anchor is None else result.index(anchor) + 1, member)
    return result


def _judge_order(now: Any, change: Mapping[str, Any]) -> Verdict:
    if not isinstance(now, list):
        return Verdict(REFUSED, why="the list is gone since the apply")
    ids = [item.get("Id") if isinstance(item, Mapping) else None for item in now]
    before, after = list(change["before"]), list(change["after"])
    if [i for i in ids if i in before] == [i for i in before if i in ids]:
        return Verdict(ALREADY)
    if [i for i in ids if i in after] != [i for i in after if i in ids]:
        return Verdict(REFUSED, why="its order changed since the apply")
    rank = {item_id: n for n, item_id in enumerate(before)}
    ordered = sorted(range(len(now)), key=lambda n: (rank.get(ids[n], len(before)), n))
    return Verdict(RESTORE, [now[n] for n in ordered])


def _is_set_change(change: Mapping[str, Any]) -> bool:
    sides = [change["before"], change["after"]]
    lists = [s for s in sides if isinstance(s, list)]
    return bool(lists) and all(
        s is None or (isinstance(s, list) and not any(isinstance(m, (dict, list)) for m in s))
        for s in sides
    )


def _same(a: Any, b: Any) -> bool:
    """Equal as plans compare documents (lists of plain values as sets; absent as null)."""
    a, b = (None if v is ABSENT else v for v in (a, b))
    return a == b or not diff({"v": a}, {"v": b})


def holds_secret(value: Any) -> bool:
    """Whether a recorded value had a sensitive part, which the journal could not keep: a
    masked value, a ``SensitiveValue`` the server said is set, or a sensitive variable."""
    if value == MASK:
        return True
    if isinstance(value, Mapping):
        if value.get("HasValue") is True or value.get("IsSensitive") is True:
            return True
        return any(holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_secret(v) for v in value)
    return False


def _show(value: Any) -> str:
    text = "absent" if value is ABSENT else json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."
