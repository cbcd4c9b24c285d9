"""The compact view: operations that make the same change, shown once with their names.

A group is the operations with the same action, kind, intent summaries and field
changes. Set-like list changes count by their members (``+ Test``), other fields by
their path and new value, so values that differ only before the change still group
(and show as ``(various)``). Groups come in plan order of their first operation, and
names in plan order, packed into lines of the given width. Truncated (the view a big
plan gets by default), a group lists at most ``NAME_LINES`` lines of names, then how
many more there are and how to see them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from octoflow.plan.model import FieldChange, Operation, Plan
from octoflow.plan.paint import Paint
from octoflow.plan.text import SYMBOLS, change_field, describe_change, is_scalar, value_text

NAME_LINES = 3
MORE_HINT = "--compact lists every name, --verbose every change"
NAME_INDENT = " " * 6
CHANGE_INDENT = " " * 8


def compact_lines(plan: Plan, paint: Paint, width: int, truncate: bool) -> list[str]:
    lines: list[str] = []
    for group in group_operations(plan.operations, plan.labels):
        lines += _group_lines(group, plan.labels, paint, width, truncate)
    return lines


def group_operations(
    operations: Sequence[Operation], labels: Mapping[str, str]
) -> list[list[Operation]]:
    """Operations making the same change, in plan order of each group's first one."""
    groups: dict[Hashable, list[Operation]] = {}
    for op in operations:
        groups.setdefault(_group_key(op, labels), []).append(op)
    return list(groups.values())


def _group_key(op: Operation, labels: Mapping[str, str]) -> Hashable:
    intents = tuple(intent.summary for intent in op.intents)
    return op.action, op.kind, intents, tuple(_change_key(c, labels) for c in op.changes)


def _change_key(change: FieldChange, labels: Mapping[str, str]) -> Hashable:
    if is_scalar(change):
        return change_field(change, labels), value_text(change.after, labels)
    return describe_change(change, labels)


def _group_lines(
    group: list[Operation], labels: Mapping[str, str], paint: Paint, width: int, truncate: bool
) -> list[str]:
    first = group[0]
    if len(group) == 1:
        ident = f" ({first.resource_id})" if first.resource_id else ""
        head = f"{SYMBOLS[first.action]} {first.kind} {first.name!r}{ident}"
    else:
        head = f"{SYMBOLS[first.action]} {len(group)} {plural(first.kind)}"
    intents = "; ".join(intent.summary for intent in first.intents)
    lines = [f"  {paint.action(first.action, head)}" + (f": {intents}" if intents else "")]
    lines += [CHANGE_INDENT + text for text in _change_texts(group, labels)]
    if len(group) > 1:
        names = [repr(op.name) for op in group]
        lines += name_lines(names, width, NAME_LINES if truncate else None)
    return lines


def _change_texts(group: list[Operation], labels: Mapping[str, str]) -> list[str]:
    """Each field change of the group, once; a value before that differs shows as (various)."""
    texts = []
    for n, change in enumerate(group[0].changes):
        described = {describe_change(op.changes[n], labels) for op in group}
        if len(described) == 1:
            texts.append(described.pop())
        else:
            after = value_text(change.after, labels)
            texts.append(f"{change_field(change, labels)}: (various) -> {after}")
    return texts


def name_lines(names: Sequence[str], width: int, max_lines: int | None) -> list[str]:
    """``names`` comma-separated in lines of at most ``width`` columns (a longer name gets a
    line of its own); past ``max_lines`` lines, one line says how many more there are."""
    rows = _pack(names, width - len(NAME_INDENT))
    if max_lines is not None and len(rows) > max_lines:
        shown = sum(len(row) for row in rows[:max_lines])
        more = f"… and {len(names) - shown} more ({MORE_HINT})"
        return [_row_text(row, last=False) for row in rows[:max_lines]] + [NAME_INDENT + more]
    return [_row_text(row, last=n == len(rows) - 1) for n, row in enumerate(rows)]


def _pack(names: Sequence[str], room: int) -> list[list[str]]:
    rows: list[list[str]] = []
    used = 0  # the current row's text, without the comma that may end it
    for name in names:
        if rows and used + len(", ") + len(name) + len(",") <= room:
            rows[-1].append(name)
            used += len(", ") + len(name)
        else:
            rows.append([name])
            used = len(name)
    return rows


def _row_text(row: list[str], last: bool) -> str:
    return NAME_INDENT + ", ".join(row) + ("" if last else ",")


def plural(kind: str) -> str:
    """``Tenant`` -> ``Tenants``, ``DeploymentProcess`` -> ``DeploymentProcesses``."""
    if kind.endswith(("ss", "sh", "ch", "x", "z")):
        return kind + "es"
    if kind.endswith("s"):
        return kind  # already plural, e.g. TenantVariables
    if kind.endswith("y") and kind[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return kind[:-1] + "ies"
    return kind + "s"
