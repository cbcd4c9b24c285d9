"""``octoflow undo JOURNAL``: plan the inverse of an apply, show it, and apply it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from octoflow.apply.journal import Journal
from octoflow.cli import commands
from octoflow.errors import UsageError
from octoflow.undo.recorded import read_journal


def undo(args: argparse.Namespace) -> int:
    commands._check_out(args)
    recorded = read_journal(Path(args.journal_to_undo))
    if args.space and len(args.space) > 1:
        raise UsageError("a journal records one space: give at most one --space")
    octo = commands._session(args, args.space[0] if args.space else recorded.space_id)
    undone = octo.plan_undo(recorded)
    the_plan = undone.plan
    commands._show_plan(the_plan, args, write_out=args.plan_only)
    if args.plan_only:
        return 0
    if the_plan.is_empty:
        if undone.refused:
            _say_not_undone(undone.refused)
            return 1
        print("Nothing to undo: every recorded change is already taken back.", file=sys.stderr)
        return 0
    Journal(commands._journal_path(args, the_plan))
    commands._confirm(the_plan.summary, args)
    report, journal = commands._apply_one(octo, the_plan, args)
    commands._show_report(the_plan, report, args, journal)
    code = commands._exit_code(report)
    if undone.refused:
        _say_not_undone(undone.refused)
        code = code or 1
    return code


def _say_not_undone(refused: tuple[str, ...]) -> None:
    print(
        f"octoflow: {len(refused)} change(s) were not undone: see the notes above",
        file=sys.stderr,
    )
