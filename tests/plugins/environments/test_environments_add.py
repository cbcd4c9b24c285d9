"""``environments-add`` end to end: the CLI against a loopback sandbox over HTTP, results
checked through the API, convergence, bad input, and several spaces."""

from __future__ import annotations

import json
from typing import Any

import pytest

from octoflow.sandbox import Sandbox
from octoflow.testing import apply_and_replan, plan_recipe
from tests.e2e.support import api_for, api_of_state, run_cli, writes

SPACE = "/api/Spaces-1"
ADD_UAT = ("environments-add", "-p", "name=UAT", "-p", "after=Test")


def uat_and_test(api) -> tuple[str, str]:
    envs = {e["Name"]: e["Id"] for e in api.get(f"{SPACE}/environments/all")}
    return envs["UAT"], envs["Test"]


def variables_scoped_to(api, env_id: str) -> list[str]:
    sets = [p["VariableSetId"] for p in api.get(f"{SPACE}/projects/all")]
    sets += [s["VariableSetId"] for s in api.get(f"{SPACE}/libraryvariablesets/all")]
    return [
        v["Id"]
        for set_id in sets
        for v in api.get(f"{SPACE}/variables/{set_id}")["Variables"]
        if env_id in (v["Scope"].get("Environment") or [])
    ]


def connections(tenants: list[dict[str, Any]], env_id: str) -> set[tuple[str, str]]:
    return {
        (t["Id"], project)
        for t in tenants
        for project, envs in t["ProjectEnvironments"].items()
        if env_id in envs
    }


def test_adds_uat_after_test_everywhere_test_is_and_converges(server, server_api, cli) -> None:
    sandbox, _srv = server
    test_id = server_api.environment_ids("Test")[0]
    tenants_before = server_api.tenants()
    test_variables = variables_scoped_to(server_api, test_id)
    roles = server_api.get("/api/scopeduserroles", take=1000)["Items"]
    test_roles = {r["Id"] for r in roles if test_id in r["EnvironmentIds"]}

    code, out, err = cli("apply", *ADD_UAT, "--yes")

    assert code == 0, err
    assert (
        "UAT joins Test in 2 lifecycle(s), 140 tenant(s), 2 team role(s), 1 variable set(s)" in out
    )
    uat_id, _ = uat_and_test(server_api)
    names = [e["Name"] for e in server_api.get(f"{SPACE}/environments/all")]
    assert names == ["Development", "Test", "UAT", "Staging", "Production"]
    for lifecycle in server_api.get(f"{SPACE}/lifecycles/all"):
        phases = {p["Name"]: p["OptionalDeploymentTargets"] for p in lifecycle["Phases"]}
        assert phases["Test"] == [test_id, uat_id]
        assert all(uat_id not in envs for name, envs in phases.items() if name != "Test")
    tenants_after = server_api.tenants()
    assert connections(tenants_after, uat_id) == connections(tenants_before, test_id)
    assert len(connections(tenants_before, test_id)) == 140
    roles = server_api.get("/api/scopeduserroles", take=1000)["Items"]
    assert {r["Id"] for r in roles if uat_id in r["EnvironmentIds"]} == test_roles
    assert variables_scoped_to(server_api, uat_id) == test_variables != []
    # Applied in dependency order: the environment first, tenants after the lifecycles.
    paths = [(w.method, w.path) for w in writes(sandbox)]
    assert paths[0] == ("POST", f"{SPACE}/environments")
    last_lifecycle = max(i for i, (_m, p) in enumerate(paths) if "/lifecycles/" in p)
    first_tenant = min(i for i, (_m, p) in enumerate(paths) if "/tenants/" in p)
    assert last_lifecycle < first_tenant

    code, out, err = cli("plan", *ADD_UAT)
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out


def test_an_unknown_neighbour_is_a_plan_error_and_nothing_is_written(server, cli) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    code, out, err = cli("apply", "environments-add", "-p", "name=UAT", "-p", "after=Tset", "--yes")
    assert code == 2
    assert "unknown environment 'Tset': did you mean 'Test'?" in err
    assert writes(sandbox) == []


def test_a_blank_name_is_refused_before_any_request(server, cli) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    code, _out, err = cli("apply", "environments-add", "-p", "name= ", "-p", "after=Test", "--yes")
    assert code == 2
    assert "parameter 'name' is empty" in err
    assert writes(sandbox) == []


def test_adds_the_environment_in_every_space(areas, tmp_path, capsys) -> None:
    sandbox = Sandbox(areas, seed="demo")
    api = api_for(sandbox)
    space = api.session.post(
        f"{api.base}/api/spaces", json={"Name": "Europe", "SpaceManagersTeams": ["Teams-1"]}
    ).json()
    base = f"{api.base}/api/{space['Id']}"
    for name in ("Test", "Production"):
        api.session.post(f"{base}/environments", json={"Name": name}).raise_for_status()
    path = tmp_path / "two-spaces.json"
    sandbox.save(path)

    code, out, err = run_cli(
        "apply",
        *ADD_UAT,
        "--sandbox",
        str(path),
        "--space",
        "Default",
        "--space",
        "Europe",
        "--yes",
        "--format",
        "json",
        capsys=capsys,
    )

    assert code == 0, err
    assert [s["space"] for s in json.loads(out)["spaces"]] == ["Spaces-1", space["Id"]]
    after = api_of_state(areas, path)
    for space_id in ("Spaces-1", space["Id"]):
        names = [e["Name"] for e in after.get(f"/api/{space_id}/environments/all")]
        assert names[names.index("Test") + 1] == "UAT"


def test_a_saved_plan_fills_in_the_new_id_when_applied_later(server, server_api, cli, tmp_path):
    saved = tmp_path / "uat.json"
    code, _out, err = cli("plan", *ADD_UAT, "--out", str(saved))
    assert code == 0, err
    assert "octoflow:created:Environment/new:UAT" in saved.read_text()

    code, _out, err = cli("apply", str(saved), "--yes")

    assert code == 0, err
    uat_id, test_id = uat_and_test(server_api)
    assert variables_scoped_to(server_api, uat_id) == variables_scoped_to(server_api, test_id)
    assert "octoflow:created" not in json.dumps(server_api.tenants())


@pytest.mark.parametrize("octoflow_server_version", ["2020.5"])
def test_on_a_2020_5_server_too(octo, octoflow_server_version) -> None:
    plan = plan_recipe(octo, "environments-add", name="UAT", after="Test")
    assert plan.server_version == "2020.5.0" and plan.summary["add"] == 1
    apply_and_replan(octo, plan)
    names = [e["Name"] for e in octo.client.get(f"{SPACE}/environments/all")]
    assert names == ["Development", "Test", "UAT", "Staging", "Production"]


def test_undo_takes_uat_out_everywhere_but_keeps_the_sorted_environment(server_api, cli, tmp_path):
    journal = tmp_path / "uat.jsonl"
    code, _out, err = cli("apply", *ADD_UAT, "--yes", "--journal", str(journal))
    assert code == 0, err
    uat_id, test_id = uat_and_test(server_api)

    code, out, err = cli("undo", str(journal), "--yes", "--journal", str(tmp_path / "u.jsonl"))

    assert code == 1 and "1 change(s) were not undone" in err
    assert "not undone: Environment 'UAT' (" in out and "changed since the apply" in out
    assert "not undoable: EnvironmentSortOrder 'UAT after Test'" in out
    assert connections(server_api.tenants(), uat_id) == set()
    assert variables_scoped_to(server_api, uat_id) == []
    assert all(uat_id not in str(lc["Phases"]) for lc in server_api.get(f"{SPACE}/lifecycles/all"))
