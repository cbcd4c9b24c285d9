"""What apply does for deployment operations: create releases, deploy, wait.

Planning has checked what is there already. An action applying a *saved* plan
checks again first — the release exists, the release is already being or been
deployed there — so a saved plan applied twice, or after an interrupted run,
never duplicates anything. (An interrupted run planned again sees what it did.)
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.deployments import executions
from octoflow_plugins.deployments.tasks import Wait, wait_for_task

from octoflow.provider import ActionCall, ActionResult, NotFoundError

Doc = dict[str, Any]
#: A deployment whose task is in one of these states is not redone by a re-run.
KEPT_STATES = ("Queued", "Executing", "Cancelling", "Success")


def create_release(call: ActionCall) -> ActionResult:
    body = dict(call.args["body"])
    found = None if call.fresh else _release_named(call, body["ProjectId"], body["Version"])
    if found is not None:
        return ActionResult(
            False, f"release {found['Version']} exists already", found["Id"], _release(found)
        )
    created = executions.create_release(call, body)
    return ActionResult(
        True, f"created release {created['Version']}", created["Id"], _release(created)
    )


def _release_named(call: ActionCall, project_id: str, version: str) -> Doc | None:
    try:
        return dict(
            call.client.get(call.client.space_path(f"projects/{project_id}/releases/{version}"))
        )
    except NotFoundError:
        return None


def _release(doc: Doc) -> Doc:
    return {"ReleaseId": doc["Id"], "ReleaseVersion": doc["Version"]}


def create_deployment(call: ActionCall) -> ActionResult:
    body = {k: v for k, v in call.args["body"].items() if v not in (None, "", [], {})}
    how = Wait.from_args(call.args)
    existing = None if call.fresh or call.args.get("force") else _latest_same(call, body)
    if existing is not None:
        changed, deployment = False, existing
        detail = f"already deployed: {existing['Id']}"
    else:
        deployment = executions.create_deployment(call, body)
        changed, detail = True, f"deployment {deployment['Id']} queued"
    outputs = {"DeploymentId": deployment["Id"], "TaskId": deployment["TaskId"]}
    if how.wait:
        task = wait_for_task(call, deployment["TaskId"], how, outputs)
        detail += f"; {task['Id']} {task['State']}"
    return ActionResult(changed, detail, deployment["Id"], outputs)


def _latest_same(call: ActionCall, body: Doc) -> Doc | None:
    """The newest deployment to this environment (and tenant), if it is of this release
    and has not failed: a re-run after an interruption finds its own earlier deployment."""
    params = {
        "projects": call.args["project_id"],
        "environments": body["EnvironmentId"],
        "take": 1,
    }
    if body.get("TenantId"):
        params["tenants"] = body["TenantId"]
    items = call.client.get(call.client.space_path("deployments"), params).get("Items") or []
    items = [d for d in items if d.get("TenantId") == body.get("TenantId")]
    if not items or items[0]["ReleaseId"] != body["ReleaseId"]:
        return None
    task = call.client.get(call.client.space_path(f"tasks/{items[0]['TaskId']}"))
    return dict(items[0]) if task.get("State") in KEPT_STATES else None


ACTIONS = {
    "release.create": create_release,
    "deployment.create": create_deployment,
}
