"""``run`` operations: a plugin's actions, their dependencies, outputs and failures.

The toy provider below creates an environment through a registered action (a
POST the action checks for first, as real actions do) and then "waits" on it.
"""

from __future__ import annotations

from typing import Any

from octoflow import Octoflow, hookimpl
from octoflow.apply.actions import ActionCall, ActionFailed, ActionResult
from octoflow.plan.compiler import Edit
from octoflow.plan.model import Intent, Plan
from octoflow.plan.refs import created_ref
from octoflow.plan.render import render_plan


def ensure_environment(call: ActionCall) -> ActionResult:
    name = call.args["name"]
    path = call.client.space_path("environments")
    found = [e for e in call.client.get(path + "/all") if e["Name"] == name]
    if found:
        env_id = found[0]["Id"]
        return ActionResult(False, f"{name} exists", env_id, {"EnvironmentId": env_id})
    created = call.client.request("POST", path, json={"Name": name})
    return ActionResult(True, f"created {name}", created["Id"], {"EnvironmentId": created["Id"]})


def check_environment(call: ActionCall) -> ActionResult:
    env_id = call.args["environment_id"]
    call.progress(f"checking {env_id}")
    if call.args.get("fail"):
        raise ActionFailed(f"{env_id} did not pass", {"EnvironmentId": env_id})
    return ActionResult(False, f"{env_id} is fine", outputs={"Checked": env_id})


class Statement:
    def __init__(self, name: str, **check: Any) -> None:
        self.name, self.check = name, check

    def describe(self) -> str:
        return f"environment {self.name}"

    def plan(self, ctx: Any):
        exists = any(e["Name"] == self.name for e in ctx.documents("environments"))
        create = Edit(
            "Environment",
            None,
            self.name,
            {},
            (Intent("toy.ensure", {"name": self.name}, f"create {self.name}"),),
            action="run",
            done=f"{self.name} exists already" if exists else "",
        )
        yield create
        args = {"environment_id": created_ref(create.key), **self.check}
        yield Edit(
            "Check",
            None,
            self.name,
            {},
            (Intent("toy.check", args, f"check {self.name}"),),
            action="run",
            after=(create.key,),
        )


class Toy:
    @hookimpl
    def octoflow_register(self, registry: Any) -> None:
        registry.add_action("toy.ensure", ensure_environment)
        registry.add_action("toy.check", check_environment)


def session() -> Octoflow:
    return Octoflow.with_sandbox("demo", plugins=[("toy", Toy())])


def test_actions_run_in_dependency_order_with_created_ids_and_outputs() -> None:
    octo = session()
    plan = octo.plan(Statement("Canary"))
    assert plan.summary == {"add": 0, "change": 0, "delete": 0, "run": 2}
    assert "  > Environment 'Canary'" in render_plan(plan)
    assert render_plan(plan).endswith("2 to run.\nApply will make about 2 API requests.")
    messages: list[str] = []

    report = octo.apply(plan, on_progress=lambda op, message: messages.append(message))

    assert report.recap == {"ok": 1, "changed": 1, "failed": 0, "skipped": 0}
    new_id = report.results[0].resource_id
    assert new_id and new_id.startswith("Environments-")
    assert report.results[0].outputs == {"EnvironmentId": new_id}
    assert report.results[1].outputs == {"Checked": new_id}
    assert messages == [f"checking {new_id}"]
    again = Plan.from_json(plan.to_json())  # a saved plan keeps its run operations
    assert [op.action for op in again.operations] == ["run", "run"]


def test_a_done_action_is_listed_unchanged() -> None:
    octo = session()
    plan = octo.plan(Statement("Test"))
    assert [u.reasons for u in plan.unchanged] == [("Test exists already",)]
    assert [op.kind for op in plan.operations] == ["Check"]


def test_a_failed_action_keeps_its_outputs_and_the_apply_fails() -> None:
    octo = session()
    report = octo.apply(octo.plan(Statement("Canary", fail=True)))
    failed = report.results[1]
    assert failed.outcome == "failed"
    assert failed.detail == f"{failed.outputs['EnvironmentId']} did not pass"
    assert not report.succeeded
