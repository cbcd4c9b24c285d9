"""Plans and apply reports as text for people (JSON twins live on the models).

Conventions: ``+`` create, ``~`` change, ``-`` delete, ``>`` run an action,
``=`` unchanged (listed only when verbose), then ``Plan: N to add, N to change,
N to delete.`` (with ``, N to run`` when there are actions).

Two views of the operations: the full view gives each operation with its intents and
field changes; the compact view (:mod:`octoflow.plan.render_compact`) groups the
operations that make the same change. A plan of more than ``COMPACT_ABOVE``
operations gets the compact view unless it is rendered verbose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octoflow.plan.defaults import COMPACT_ABOVE
from octoflow.plan.model import Operation, Plan
from octoflow.plan.pace import pace_text
from octoflow.plan.paint import Paint
from octoflow.plan.render_compact import compact_lines
from octoflow.plan.text import SYMBOLS, change_field, change_values, describe_change

__all__ = [
    "COMPACT_ABOVE",
    "SYMBOLS",
    "change_field",
    "change_values",
    "describe_change",
    "render_plan",
    "summary_line",
    "summary_text",
]

#: Width of the compact view's name lines when the caller does not know better.
DEFAULT_WIDTH = 100


def render_plan(
    plan: Plan,
    verbose: bool = False,
    *,
    compact: bool | None = None,
    color: bool = False,
    width: int = DEFAULT_WIDTH,
) -> str:
    """The plan as text.

    :param verbose: the full view, and every unchanged resource with its reason.
    :param compact: ``None`` chooses: the compact view above ``COMPACT_ABOVE`` operations
        (unless ``verbose``), each group listing a few lines of names; ``True`` the compact
        view listing every name; ``False`` the full view.
    :param color: ANSI colours, for a terminal.
    :param width: the compact view wraps names to this many columns.
    """
    paint = Paint(color)
    lines = [
        paint.bold(f"octoflow plan {plan.id}: {plan.title}"),
        f"  server {plan.server} (Octopus {plan.server_version or 'version unknown'}), "
        f"space {plan.space_id}",
    ]
    lines += [f"  note: {note}" for note in plan.notes]
    if plan.wide:
        lines += [paint.bold(f"  WIDE: {line}") for line in plan.wide]
        lines.append(paint.bold("  apply refuses a wide change unless given --allow-wide"))
    lines.append("")
    if _compact(plan, verbose, compact):
        lines += compact_lines(plan, paint, width, truncate=compact is None)
    else:
        for op in plan.operations:
            lines += _operation_lines(op, plan.labels, paint)
    if plan.unchanged:
        lines += _unchanged_lines(plan, verbose)
    lines.append("")
    lines.append(paint.bold(summary_line(plan)))
    if plan.operations:
        lines.append(estimate_line(plan.request_estimate, plan.rate_limit))
    return "\n".join(lines)


def _compact(plan: Plan, verbose: bool, compact: bool | None) -> bool:
    if compact is None:
        return not verbose and len(plan.operations) > COMPACT_ABOVE
    return compact


def summary_line(plan: Plan) -> str:
    return summary_text(plan.summary)


def summary_text(s: Mapping[str, int]) -> str:
    """``Plan: 1 to add, 2 to change, 0 to delete.`` (``, 3 to run`` when there are runs)."""
    runs = f", {s['run']} to run" if s.get("run") else ""
    return f"Plan: {s['add']} to add, {s['change']} to change, {s['delete']} to delete{runs}."


def estimate_line(requests: int, rate_limit: Mapping[str, Any] | None = None) -> str:
    """``Apply will make about 404 API requests.`` (``1 API request`` in the singular),
    with how long they take under the server's rate limit when it advertised one."""
    noun = "request" if requests == 1 else "requests"
    pace = f": {pace_text(rate_limit)}" if rate_limit else ""
    return f"Apply will make about {requests} API {noun}{pace}."


def _operation_lines(op: Operation, labels: Mapping[str, str], paint: Paint) -> list[str]:
    ident = f" ({op.resource_id})" if op.resource_id else ""
    lines = [f"  {paint.action(op.action, f'{SYMBOLS[op.action]} {op.kind} {op.name!r}{ident}')}"]
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
