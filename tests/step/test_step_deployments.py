"""A deployment recipe run as an Octopus script step: what it created reaches the
output variables, and its wait's progress reaches the task log."""

from __future__ import annotations

import json

from octoflow.plugin import PluginHost
from octoflow.recipe import find_recipe
from octoflow.steptemplates import recipe_template
from tests.e2e.support import TEST_KEY
from tests.step.harness import run_step


def test_release_deploy_step_reports_deployment_and_task_ids(server, server_api, tmp_path) -> None:
    _sandbox, srv = server
    registry = PluginHost.from_entry_points().build_registry()
    template = recipe_template(find_recipe("release-deploy", registry.recipes))
    variables = {
        "Octoflow.Octopus.Url": srv.url,
        "Octoflow.Octopus.ApiKey": TEST_KEY,
        "Octoflow.Apply": "True",
        "Octoflow.Param.project": "Garnet Web",
        "Octoflow.Param.environment": "Staging",
        "Octoflow.Param.wait": "True",
    }

    run = run_step(template["Properties"]["Octopus.Action.Script.ScriptBody"], variables, tmp_path)

    assert run.code == 0, run.stdout + run.stderr
    (output,) = json.loads(run.output_variables["Octoflow.Outputs"])
    assert output["Operation"] == "Garnet Web 1.2.0 to Staging"
    task = server_api.get(f"/api/tasks/{output['TaskId']}")
    assert task["State"] == "Success"
    assert task["Arguments"]["DeploymentId"] == output["DeploymentId"]
    assert json.loads(run.output_variables["Octoflow.CreatedIds"]) == [output["DeploymentId"]]
    assert f"{output['TaskId']} Success" in run.stdout  # the wait's progress, in the log
    assert TEST_KEY not in run.stdout + run.stderr
