"""Octopus instances as targets, end to end: ``octopus-register-instance`` registers two
instances in a managing Octopus, then a step runs once per target with the role
``octopus-instance``, as Octopus's fan-out does, each with the connection variables
Octopus resolves for that target, and applies ``tenants-tag`` to that instance only."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from octoflow.sandbox import Sandbox, SandboxServer
from octoflow.steptemplates import generic_template
from tests.e2e.support import Api, writes
from tests.step.harness import run_step

SPACE = "/api/Spaces-1"
PROJECT = "Ops Dashboard"
KEYS = {
    "octopus-eu": "API-EXAMPLEEUINSTANCEKEY000001",
    "octopus-us": "API-EXAMPLEUSINSTANCEKEY000002",
}


@pytest.fixture
def instances(areas) -> Iterator[dict[str, tuple[Sandbox, Api]]]:
    """Two managed instances on loopback, each accepting only its own key."""
    served = {}
    with contextlib.ExitStack() as stack:
        for name, key in KEYS.items():
            sandbox = Sandbox(areas, seed="demo", api_keys=(key,))
            server = stack.enter_context(SandboxServer(sandbox.app))
            session = requests.Session()
            session.headers["X-Octopus-ApiKey"] = key
            served[name] = (sandbox, Api(server.url, session))
        yield served


def resolve_for(api: Api, machine_id: str) -> dict[str, str]:
    """The variables Octopus gives a step running on behalf of ``machine_id``: values of
    the project's (and its library sets') variables whose Machine scope includes it.
    Sensitive values come from the sandbox's state, as Octopus decrypts them."""
    project = next(p for p in api.get(SPACE + "/projects/all") if p["Name"] == PROJECT)
    libraries = api.get(SPACE + "/libraryvariablesets/all")
    set_ids = [project["VariableSetId"]] + [
        lvs["VariableSetId"]
        for lvs in libraries
        if lvs["Id"] in project["IncludedLibraryVariableSetIds"]
    ]
    secrets = api.get("/_sandbox/state")["collections"]["VariableSecrets"]
    resolved = {}
    for set_id in set_ids:
        for variable in api.get(f"{SPACE}/variables/{set_id}")["Variables"]:
            if machine_id in variable["Scope"].get("Machine", []):
                value = variable["Value"]
                if variable["IsSensitive"]:
                    value = secrets[set_id]["Values"][variable["Id"]]
                resolved[variable["Name"]] = value
    return resolved


def generic_body() -> str:
    """The script body of the generic "Run an octoflow recipe" step template."""
    return generic_template()["Properties"]["Octopus.Action.Script.ScriptBody"]


def apac_without_gold(api: Api) -> int:
    return sum(
        1
        for t in api.get(SPACE + "/tenants/all")
        if "Region/APAC" in t["TenantTags"] and "Tier/Gold" not in t["TenantTags"]
    )


def test_a_step_runs_once_per_registered_instance_with_its_own_connection(
    cli, server, server_api, instances, monkeypatch, tmp_path
) -> None:
    managing, _srv = server
    for name, (_sandbox, api) in instances.items():
        monkeypatch.setenv("OCTOFLOW_INSTANCE_API_KEY", KEYS[name])
        code, _out, err = cli(
            "apply", "octopus-register-instance", "-p", f"name={name}", "-p", f"url={api.base}",
            "-p", "environments=Production", "-p", f"project={PROJECT}", "--yes",
        )  # fmt: skip
        assert code == 0, err
    monkeypatch.delenv("OCTOFLOW_INSTANCE_API_KEY")
    managing_writes = len(writes(managing))
    pending = {name: apac_without_gold(api) for name, (_sb, api) in instances.items()}
    assert all(pending.values())

    # Octopus's fan-out: the step runs on behalf of each target with the role.
    targets = [
        m for m in server_api.get(SPACE + "/machines/all") if "octopus-instance" in m["Roles"]
    ]
    assert sorted(t["Name"] for t in targets) == sorted(KEYS)
    for target in targets:
        variables: dict[str, Any] = resolve_for(server_api, target["Id"])
        assert variables["Octoflow.Octopus.ApiKey"] == KEYS[target["Name"]]
        variables.update(
            {
                "Octoflow.Recipe": "tenants-tag",
                "Octoflow.Param.tag": "Region/APAC",
                "Octoflow.Param.add": "Tier/Gold",
                "Octoflow.Apply": "True",
                "Octopus.Web.ServerUri": server_api.base,  # the managing instance
                "Octopus.Space.Id": "Spaces-1",
            }
        )
        workdir = tmp_path / target["Name"]
        workdir.mkdir()

        run = run_step(generic_body(), variables, workdir)

        assert run.code == 0, run.stdout + run.stderr
        assert run.output_variables["Octoflow.Changed"] == "True"
        sandbox, api = instances[target["Name"]]
        assert apac_without_gold(api) == 0
        assert len(writes(sandbox)) == pending[target["Name"]]
        key = KEYS[target["Name"]]
        texts = [run.stdout, run.stderr] + [p.read_text() for p in workdir.glob("octoflow-*")]
        assert not [t for t in texts if key in t or key[4:] in t]
    assert len(writes(managing)) == managing_writes  # the managing instance is untouched
