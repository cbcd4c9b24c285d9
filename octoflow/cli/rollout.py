"""``apply`` in stages (``--canary``, ``--batch-size``, ``--check``, ``--pause``,
``--max-failures``) and ``apply --resume JOURNAL``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from octoflow.apply.checks import Check
from octoflow.apply.resume import read_rollout
from octoflow.apply.stages import (
    FailureLimit,
    Pause,
    Resumption,
    Rollout,
    RolloutReport,
    ask_on_terminal,
    check_prompt_possible,
)
from octoflow.cli import commands
from octoflow.cli.progress import Progress
from octoflow.errors import UsageError
from octoflow.plan.model import Plan
from octoflow.session import Octoflow

#: The options that make an apply a staged rollout.
STAGE_OPTIONS = ("canary", "batch_size", "check", "pause", "max_failures")


def wanted(args: argparse.Namespace) -> bool:
    return any(getattr(args, name) for name in STAGE_OPTIONS)


def check_early(args: argparse.Namespace) -> None:
    """What can be refused before anything is read: ``--pause prompt`` off a terminal."""
    if args.pause:
        check_prompt_possible(Rollout(pause=Pause.parse(args.pause)))


def settings(
    args: argparse.Namespace,
    octo: Octoflow,
    params: Mapping[str, str],
    base: Rollout | None = None,
) -> Rollout:
    """The stage settings the options give, the others taken from ``base``."""
    base = base or Rollout()
    checks = tuple(Check.parse(text, params, octo) for text in args.check)
    return Rollout(
        args.canary if args.canary is not None else base.canary,
        args.batch_size if args.batch_size is not None else base.batch_size,
        checks or base.checks,
        Pause.parse(args.pause) if args.pause else base.pause,
        FailureLimit.parse(args.max_failures) if args.max_failures else base.max_failures,
    )


def run(
    octo: Octoflow,
    the_plan: Plan,
    rollout: Rollout,
    args: argparse.Namespace,
    journal: Path,
    preflight: bool = False,
    resumption: Resumption | None = None,
) -> int:
    todo = len(the_plan.operations) - len(resumption.done if resumption else ())
    progress = Progress(todo)
    try:
        report = octo.roll_out(
            the_plan,
            rollout,
            concurrency=args.concurrency,
            journal=journal,
            resumption=resumption,
            on_result=progress,
            on_progress=progress.note,
            on_stage=progress.say,
            ask=lambda question: ask_on_terminal(("\r\x1b[K" if progress.tty else "") + question),
            preflight=preflight,
            allow_wide=args.allow_wide,
        )
    finally:
        progress.finish()
        commands._save_sandbox(octo, args)
    _show(the_plan, report, args, journal)
    if report.report.interrupted:
        raise KeyboardInterrupt
    return report.exit_code


def resume(args: argparse.Namespace) -> int:
    """``apply --resume JOURNAL``: the rest of a stopped rollout, with its settings unless
    given again."""
    _check_resume_alone(args)
    path = Path(args.resume)
    resumable = read_rollout(path)
    if resumable.finished:
        print(f"Nothing to do: the rollout journaled in {path} finished.", file=sys.stderr)
        return 0
    the_plan = resumable.plan
    octo = commands._session(args, args.space[0] if args.space else the_plan.space_id)
    octo.check_target(the_plan)
    rollout = settings(args, octo, _raw_params(the_plan.params), resumable.rollout)
    print(
        f"Resuming the rollout of plan {the_plan.id} ({the_plan.title}): "
        f"{resumable.left} of {len(the_plan.operations)} operation(s) left.",
        file=sys.stderr,
    )
    left = [op for op in the_plan.operations if op.key not in resumable.resumption.done]
    commands._confirm(attrs.evolve(the_plan, operations=tuple(left)).summary, args)
    return run(octo, the_plan, rollout, args, path, resumption=resumable.resumption)


def _check_resume_alone(args: argparse.Namespace) -> None:
    given = [
        name
        for name, value in (
            ("RECIPE", args.recipe),
            ("-p", args.param),
            ("--only", args.only),
            ("--exclude", args.exclude),
            ("--limit", args.limit),
            ("--expect-digest", args.expect_digest),
            ("--journal", args.journal),
            ("--all-spaces", args.all_spaces),
        )
        if value
    ]
    if given or len(args.space or ()) > 1:
        raise UsageError(
            "--resume takes the plan and its journal from JOURNAL: leave out "
            + (", ".join(given) or "the extra --space")
        )


def _raw_params(values: Mapping[str, Any]) -> dict[str, str]:
    """A plan's parameter values as ``-p`` would give them (for checks given again)."""
    raw = {}
    for name, value in values.items():
        if value is None or value == "********":
            continue
        if isinstance(value, (list, tuple)):
            raw[name] = ",".join(map(str, value))
        elif isinstance(value, bool):
            raw[name] = str(value).lower()
        else:
            raw[name] = str(value)
    return raw


def _show(the_plan: Plan, report: RolloutReport, args: argparse.Namespace, journal: Path) -> None:
    if args.format == "json":
        document = {
            "plan": the_plan.to_json(),
            "report": report.report.to_json(),
            "rollout": {k: v for k, v in report.to_json().items() if k != "report"},
        }
        print(commands.dump_json(document))
    else:
        print(_text(report, journal))
    print(f"journal: {journal}", file=sys.stderr)
    if args.out:
        try:
            commands.files.write_text(Path(args.out), commands.dump_json(report.to_json()) + "\n")
        except OSError as exc:  # checked before applying; the changes stand regardless
            print(f"octoflow: warning: could not write {args.out}: {exc}", file=sys.stderr)


def _text(report: RolloutReport, journal: Path) -> str:
    ran = [s for s in report.stages if s.report is not None or s.checks]
    checks = sum(len(s.checks) for s in report.stages)
    lines = []
    if report.stopped:
        lines.append(f"Rollout stopped: {report.stopped}.")
        failed = report.failed_check
        if failed is not None:
            lines.append(f"  {failed.check}: {failed.output}")
        lines.append(f"  resume with: octoflow apply --resume {journal}")
    else:
        lines.append(f"Rollout complete: {report.total_stages} stage(s).")
    lines.append(
        f"  {len(ran)} stage(s) run, {checks} check(s) made"
        + (f"; {report.earlier} operation(s) done in an earlier run" if report.earlier else "")
    )
    return "\n".join(lines + [commands._recap_text(report.report)])
