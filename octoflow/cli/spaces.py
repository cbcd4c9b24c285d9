"""One recipe across several spaces: a plan per space, one combined summary.

Everything is planned before anything is applied, so a bad name in any space
stops the run with nothing written; one confirmation covers every space.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from octoflow import files
from octoflow.cli.planview import plan_text
from octoflow.plan import render
from octoflow.plan.model import Plan
from octoflow.secrets import redact


def combined_summary(plans: list[Plan]) -> dict[str, int]:
    total = {"add": 0, "change": 0, "delete": 0, "run": 0}
    for plan in plans:
        for key, count in plan.summary.items():
            total[key] += count
    return total


def summary_text(plans: list[Plan]) -> str:
    text = render.summary_text(combined_summary(plans))
    return f"Across {len(plans)} spaces: " + text.removeprefix("Plan: ")


def show(plans: list[Plan], args: argparse.Namespace, reports: list[object] | None = None) -> None:
    if args.format == "json":
        spaces = [
            {
                "space": p.space_id,
                "plan": p.to_json(),
                "report": reports[i].to_json() if reports else None,
            }  # type: ignore[attr-defined]
            for i, p in enumerate(plans)
        ]
        document = {"summary": combined_summary(plans), "spaces": spaces}
        print(redact(json.dumps(document, indent=2, default=str)))
        return
    for plan in plans:
        print(redact(plan_text(plan, args)))
        print()
    print(summary_text(plans))


def write_out(plans: list[Plan], path: str) -> None:
    document = {"summary": combined_summary(plans), "spaces": [p.to_json() for p in plans]}
    files.write_text(Path(path), redact(json.dumps(document, indent=2, default=str)) + "\n")


def nothing_to_do(plans: list[Plan]) -> bool:
    if all(p.is_empty for p in plans):
        print("Nothing to do: every space already matches.", file=sys.stderr)
        return True
    return False
