"""The apply report (Markdown and HTML) a step attaches as an artifact."""

from __future__ import annotations

import attrs

from octoflow.apply.executor import ApplyReport
from octoflow.plan.model import Operation, Plan
from octoflow.plan.render import SYMBOLS, change_field, change_values, summary_line
from octoflow.secrets import redact
from octoflow.templating import render

FORMATS = {"md": "report.md.j2", "html": "report.html.j2"}


@attrs.frozen
class ChangeRow:
    field: str
    before: str
    after: str


@attrs.frozen
class OperationView:
    """An operation as the report shows it: its changes as readable rows."""

    op: Operation
    rows: tuple[ChangeRow, ...]


def render_report(plan: Plan, report: ApplyReport | None, fmt: str) -> str:
    """Every planned change with before/after, and what apply did (if it ran)."""
    operations = [
        OperationView(
            op,
            tuple(
                ChangeRow(change_field(c, plan.labels), *change_values(c, plan.labels))
                for c in op.changes
            ),
        )
        for op in plan.operations
    ]
    text = render(
        FORMATS[fmt],
        plan=plan,
        operations=operations,
        report=report,
        summary_line=summary_line(plan),
        symbols=SYMBOLS,
        outcomes={r.key: r.outcome for r in report.results} if report else {},
    )
    return redact(text)
