"""Plans and apply reports as text for people (JSON twins live on the models).

Conventions: ``+`` create, ``~`` change, ``-`` delete, ``>`` run an action,
``=`` unchanged (listed only when verbose), then ``Plan: N to add, N to change,
N to delete.`` (with ``, N to run`` when there are actions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octoflow.plan.model import FieldChange, Operation, Plan

SYMBOLS = {"create": "+", "update": "~", "delete": "-", "run": ">"}


def render_plan(plan: Plan, verbose: bool = False) -> str:
    lines = [
        f"octoflow plan {plan.id}: {plan.title}",
        f"  server {plan.server} (Octopus {plan.server_version or 'version unknown'}), "
        f"space {plan.space_id}",
    ]
    lines += [f"  note: {note}" for note in plan.notes]
    lines.append("")
    for op in plan.operations:
        lines += _operation_lines(op, plan.labels)
    if plan.unchanged:
        lines += _unchanged_lines(plan, verbose)
    lines.append("")
    lines.append(summary_line(plan))
    if plan.operations:
        lines.append(f"Apply will make about {plan.request_estimate} API requests.")
    return "\n".join(lines)


def summary_line(plan: Plan) -> str:
    return summary_text(plan.summary)


def summary_text(s: Mapping[str, int]) -> str:
    """``Plan: 1 to add, 2 to change, 0 to delete.`` (``, 3 to run`` when there are runs)."""
    runs = f", {s['run']} to run" if s.get("run") else ""
    return f"Plan: {s['add']} to add, {s['change']} to change, {s['delete']} to delete{runs}."


def _operation_lines(op: Operation, labels: Mapping[str, str]) -> list[str]:
    ident = f" ({op.resource_id})" if op.resource_id else ""
    lines = [f"  {SYMBOLS[op.action]} {op.kind} {op.name!r}{ident}"]
    for intent in op.intents:
        lines.append(f"      {intent.summary}")
    for change in op.changes:
        lines.append(f"        {describe_change(change, labels)}")
    return lines


def _unchanged_lines(plan: Plan, verbose: bool) -> list[str]:
    if not verbose:
        return [
            f"  = {len(plan.unchanged)} selected resource(s) already as requested"
            " (--verbose lists them)"
        ]
    return [
        f"  = {u.kind} {u.name!r} ({u.resource_id}): {'; '.join(u.reasons)}" for u in plan.unchanged
    ]


def describe_change(change: FieldChange, labels: Mapping[str, str]) -> str:
    """``ProjectEnvironments.Customer Portal: + Test, + Production``."""
    path = change_field(change, labels)
    before, after = change.before, change.after
    if before is None and isinstance(after, dict):
        return f"{path}: added"  # a whole new item of a list (a process step)
    if after is None and isinstance(before, dict):
        return f"{path}: removed"
    if isinstance(before, list) or isinstance(after, list):
        old, new = list(before or []), list(after or [])
        added = [f"+ {_label(v, labels)}" for v in new if v not in old]
        removed = [f"- {_label(v, labels)}" for v in old if v not in new]
        if added or removed:
            return f"{path}: {', '.join(added + removed)}"
        return f"{path}: {'(none) -> (empty)' if before is None else 'reordered'}"
    return f"{path}: {_value(before, labels)} -> {_value(after, labels)}"


def change_field(change: FieldChange, labels: Mapping[str, str]) -> str:
    """The changed field's path with ids replaced by names."""
    return ".".join(labels.get(part, part) for part in change.path)


def change_values(change: FieldChange, labels: Mapping[str, str]) -> tuple[str, str]:
    """Before and after as readable text (lists joined, ids named, secrets hidden)."""
    return _readable(change.before, labels), _readable(change.after, labels)


def _readable(value: Any, labels: Mapping[str, str]) -> str:
    if isinstance(value, list):
        return ", ".join(_label(v, labels) for v in value) or "(none)"
    return _value(value, labels)


def _label(value: Any, labels: Mapping[str, str]) -> str:
    return labels.get(value, str(value)) if isinstance(value, str) else str(value)


def _value(value: Any, labels: Mapping[str, str]) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict) and "HasValue" in value:
        return "(sensitive)"
    if isinstance(value, str):
        return repr(labels.get(value, value))
    return repr(value)
