"""Running a recipe inside an Octopus "Run a Script" step (Python).

The step's script body hands its variables over explicitly::

    import sys
    from octoflow.step import run
    sys.exit(run(octopusvariables))

The plan goes to the task log (summary highlighted, details verbose), apply
progress to the task's progress bar, a Markdown and an HTML report become
artifacts, and output variables tell later steps what happened:
``Octoflow.Changed`` (True/False), ``Octoflow.Summary`` (JSON),
``Octoflow.CreatedIds`` (JSON list), ``Octoflow.Outputs`` (JSON list of what
actions produced: release versions, deployment and task ids) and
``Octoflow.PlanId`` and ``Octoflow.PlanDigest``. With ``Octoflow.ExpectDigest`` a
step applies only the plan that was reviewed; with ``Octoflow.Check`` it checks for
drift, attaches a JUnit report and fails on drift (see :mod:`octoflow.step.inputs`).
On failure the
step gets a result message and a non-zero exit code.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from octoflow import files
from octoflow.apply.executor import CHANGED, ApplyReport, OperationResult
from octoflow.errors import OctoflowError
from octoflow.plan.digest import check_digest
from octoflow.plan.junit import junit_xml
from octoflow.plan.model import Plan
from octoflow.plan.render import render_plan, summary_line
from octoflow.recipe import find_recipe, refuse_applying
from octoflow.session import Octoflow
from octoflow.step.inputs import StepInputs
from octoflow.step.messages import ServiceMessages
from octoflow.step.report import render_report

__all__ = ["run"]

EXIT_INTERNAL = 70
#: ``Octoflow.Check``: the server differs from the recipe.
EXIT_DRIFT = 2


def run(
    octopusvariables: Mapping[str, str],
    *,
    out: TextIO | None = None,
    workdir: Path | None = None,
    session: Octoflow | None = None,
) -> int:
    """Plan (and, with ``Octoflow.Apply``, apply) the step's recipe; returns the exit code.

    :param octopusvariables: the step's variables, as Octopus gives them to the script.
    :param out: where service messages go (default: standard output).
    :param workdir: where the report files are written (default: the current directory).
    :param session: an existing session to use instead of connecting from the variables.
    """
    messages = ServiceMessages(out)
    try:
        inputs = StepInputs.from_variables(octopusvariables)
        octo = session or Octoflow.connect(inputs.connection)
        return _run(octo, inputs, messages, Path(workdir or "."))
    except OctoflowError as exc:
        messages.result(f"octoflow: {exc}")
        messages.info(f"octoflow: error: {exc}")
        return exc.exit_code
    except Exception as exc:  # never a raw traceback in a task log; still a failure
        messages.result(f"octoflow: internal error: {type(exc).__name__}: {exc}")
        return EXIT_INTERNAL


def _run(octo: Octoflow, inputs: StepInputs, messages: ServiceMessages, workdir: Path) -> int:
    if inputs.apply:
        refuse_applying(find_recipe(inputs.recipe, octo.registry.recipes))
    plan = octo.plan_recipe(inputs.recipe, inputs.params)
    messages.highlight(f"octoflow {plan.title}: {summary_line(plan)}")
    messages.verbose(render_plan(plan, verbose=True))
    messages.info(f"Plan digest: {plan.digest}")
    check_digest(plan, inputs.expect_digest, "review the new plan and run again with its digest")
    report = None
    if inputs.apply and not plan.is_empty:
        report = octo.apply(
            plan,
            concurrency=inputs.concurrency,
            allow_wide=inputs.allow_wide,
            on_result=_progress(messages, len(plan.operations)),
            on_progress=lambda op, message: messages.info(f"{op.kind} {op.name}: {message}"),
        )
    elif not inputs.apply and not plan.is_empty and not inputs.check:
        messages.info("Plan only: set Octoflow.Apply to True to apply it.")
    _attach_reports(plan, report, messages, workdir)
    _set_outputs(plan, report, messages)
    if inputs.check:
        return _check_result(plan, messages, workdir)
    if report is not None and not report.succeeded:
        recap = report.recap
        messages.result(
            f"octoflow: {recap['failed']} operation(s) failed, "
            f"{recap['skipped']} skipped; see the report artifact"
        )
        return 1
    return 0


def _check_result(plan: Plan, messages: ServiceMessages, workdir: Path) -> int:
    path = workdir / f"octoflow-{plan.id}.junit.xml"
    files.write_text(path, junit_xml([plan]))
    messages.artifact(str(path), path.name)
    if plan.is_empty:
        messages.info(f"No drift: the server matches {plan.title}.")
        return 0
    messages.result(
        f"octoflow: drift: {len(plan.operations)} resource(s) differ from {plan.title}; "
        "see the report artifacts"
    )
    return EXIT_DRIFT


def _progress(messages: ServiceMessages, total: int) -> Callable[[OperationResult], None]:
    """A progress callback; apply calls it from its worker threads."""
    done = itertools.count(1)
    lock = threading.Lock()

    def report(result: OperationResult) -> None:
        with lock:
            count = next(done)
            if result.outcome == "failed":
                messages.warning(f"{result.kind} {result.name}: {result.detail}")
            messages.progress(100 * count // total, f"{count}/{total} applied")

    return report


def _attach_reports(
    plan: Plan, report: ApplyReport | None, messages: ServiceMessages, workdir: Path
) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    for fmt in ("md", "html"):
        path = workdir / f"octoflow-{plan.id}.{fmt}"
        files.write_text(path, render_report(plan, report, fmt))
        messages.artifact(str(path), path.name)


def _set_outputs(plan: Plan, report: ApplyReport | None, messages: ServiceMessages) -> None:
    changed = bool(report and report.count(CHANGED))
    summary = {
        "plan": plan.summary,
        "applied": report is not None,
        "recap": report.recap if report else None,
    }
    results = report.results if report else ()
    created = [
        r.resource_id
        for r in results
        if r.action in ("create", "run") and r.outcome == CHANGED and r.resource_id
    ]
    outputs = [dict(r.outputs, Operation=r.name) for r in results if r.outputs]
    messages.set_variable("Octoflow.PlanId", plan.id)
    messages.set_variable("Octoflow.PlanDigest", plan.digest)
    messages.set_variable("Octoflow.Changed", str(changed))
    messages.set_variable("Octoflow.Summary", json.dumps(summary))
    messages.set_variable("Octoflow.CreatedIds", json.dumps(created))
    messages.set_variable("Octoflow.Outputs", json.dumps(outputs))
