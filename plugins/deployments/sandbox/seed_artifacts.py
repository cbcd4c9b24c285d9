"""The demo seed's artifacts: the smoke-test report each Staging or Production
deployment task collected (runs after ``seed_demo_deployments``)."""

from __future__ import annotations

from octoflow.sandbox.area import State, add_artifact

SPACE_ID = "Spaces-1"
COLLECTED_IN = ("Staging", "Production")
REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuite name="smoke" tests="3" failures="0">
  <testcase name="home page answers"/>
  <testcase name="sign-in works"/>
  <testcase name="health endpoint is green"/>
</testsuite>
"""


def seed_demo_artifacts(state: State) -> None:
    environments = {e["Id"]: e["Name"] for e in state.values("Environments", SPACE_ID)}
    for deployment in state.values("Deployments", SPACE_ID):
        task = state.get("ServerTasks", deployment["TaskId"])
        if environments[deployment["EnvironmentId"]] not in COLLECTED_IN or task is None:
            continue
        if task["State"] != "Success":
            continue
        fields = {
            "Filename": "smoke-tests.xml",
            "Source": "Octopus Server",
            "ServerTaskId": task["Id"],
            "LogCorrelationId": f"{task['Id']}_SMOKETESTS",
            "Created": task["CompletedTime"],
        }
        add_artifact(state, SPACE_ID, fields, REPORT)
