"""The issue's acceptance path for running inside Octopus: an exported step template is
imported into the sandbox, used in a process, and run as a script step."""

from __future__ import annotations

import json

from octoflow import Octoflow
from octoflow.cli import main
from octoflow.config import Connection
from tests.e2e.support import TEST_KEY
from tests.step.harness import run_step

TEMPLATE = "octoflow - tenants-tag"
STEP = "Tag APAC tenants Gold"


def test_imported_template_runs_as_a_step_and_applies(server, server_api, tmp_path) -> None:
    sandbox, srv = server
    assert main(["step-templates", "export", str(tmp_path / "templates")]) == 0
    exported = json.loads((tmp_path / "templates" / "octoflow-tenants-tag.json").read_text())
    imported = server_api.session.post(f"{srv.url}/api/Spaces-1/actiontemplates", json=exported)
    assert imported.status_code == 201, imported.text

    octo = Octoflow.connect(Connection(srv.url, api_key=TEST_KEY))
    portal = octo.projects.where(name="Customer Portal").process
    parameters = {
        "Octoflow.Param.tag": "Region/APAC",
        "Octoflow.Param.add": "Tier/Gold",
        "Octoflow.Apply": "True",
    }
    assert octo.apply(
        octo.plan(portal.add_step(template=TEMPLATE, name=STEP, parameters=parameters))
    ).succeeded

    process = server_api.get("/api/Spaces-1/projects/Projects-1/deploymentprocesses")
    (step,) = [s for s in process["Steps"] if s["Name"] == STEP]
    properties = step["Actions"][0]["Properties"]
    assert properties["Octopus.Action.Template.Id"] == imported.json()["Id"]
    # Octopus gives the action's properties to the script as variables, plus the
    # connection variables scoped to the target standing for the instance.
    variables = {**properties, "Octoflow.Octopus.Url": srv.url, "Octoflow.Octopus.ApiKey": TEST_KEY}
    run = run_step(properties["Octopus.Action.Script.ScriptBody"], variables, tmp_path)

    assert run.code == 0, run.stdout + run.stderr
    tenants = server_api.tenants()
    assert all("Tier/Gold" in t["TenantTags"] for t in tenants if "Region/APAC" in t["TenantTags"])
    assert run.output_variables["Octoflow.Changed"] == "True"
    assert json.loads(run.output_variables["Octoflow.Summary"])["recap"]["failed"] == 0
    assert len(run.artifacts) == 2
    assert TEST_KEY not in run.stdout + run.stderr
