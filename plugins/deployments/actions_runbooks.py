"""What apply does for runbook runs and interruptions.

A runbook run is an operation: each apply starts a new one (there is nothing
to find first). An interruption is re-read first: one answered meanwhile (by
someone else, or by an earlier, interrupted apply) is left as it is.
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.deployments import executions
from octoflow_plugins.deployments.tasks import Wait, wait_for_task

from octoflow.provider import ActionCall, ActionResult, ValidationError

Doc = dict[str, Any]


def run_runbook(call: ActionCall) -> ActionResult:
    body = {k: v for k, v in call.args["body"].items() if v not in (None, "", [], {})}
    run = executions.run_runbook(call, body)
    outputs = {"RunbookRunId": run["Id"], "TaskId": run["TaskId"]}
    detail = f"runbook run {run['Id']} queued ({run['TaskId']})"
    how = Wait.from_args(call.args)
    if how.wait:
        task = wait_for_task(call, run["TaskId"], how, outputs)
        detail += f"; {task['Id']} {task['State']}"
    return ActionResult(True, detail, run["Id"], outputs)


def submit_interruption(call: ActionCall) -> ActionResult:
    args = call.args
    path = call.client.space_path(f"interruptions/{args['interruption_id']}")
    doc = call.client.get(path)
    outputs = {"InterruptionId": doc["Id"], "TaskId": doc["TaskId"], "Result": args["answer"]}
    if doc.get("IsPending") and _submit(call, path, doc):
        changed, detail = True, f"submitted {args['answer']}"
    else:
        if doc.get("IsPending"):  # answered by someone else in between
            doc = call.client.get(path)
        outputs["Result"] = _answered(doc, args["field"]) or outputs["Result"]
        changed, detail = False, f"already submitted ({outputs['Result']})"
    how = Wait.from_args(args)
    if how.wait:
        task = wait_for_task(call, doc["TaskId"], how, outputs)
        detail += f"; {task['Id']} {task['State']}"
    return ActionResult(changed, detail, doc["Id"], outputs)


def _submit(call: ActionCall, path: str, doc: Doc) -> bool:
    """Take responsibility when needed, then submit; ``False`` when someone else
    submitted it in between (the server's 400 says so)."""
    args = call.args
    body = {"Notes": args.get("notes") or "", args["field"]: args["answer"]}
    try:
        if not doc.get("HasResponsibility"):
            call.client.request("PUT", path + "/responsible")
        call.client.request("POST", path + "/submit", json=body)
    except ValidationError:
        if call.client.get(path).get("IsPending"):
            raise
        return False
    return True


def _answered(doc: Doc, field: str) -> str:
    values = (doc.get("Form") or {}).get("Values") or {}
    return str(values.get(field) or "")


ACTIONS = {
    "runbook.run": run_runbook,
    "interruption.submit": submit_interruption,
}
