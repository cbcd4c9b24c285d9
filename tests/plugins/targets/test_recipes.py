"""The ``targets-update`` recipe, end to end through the CLI against the demo sandbox."""

from __future__ import annotations

import json

from tests.e2e.support import api_of_state, run_cli

UPDATE = (
    "-p",
    "role=web",
    "-p",
    "environment=Test",
    "-p",
    "add_roles=api",
    "-p",
    "add_environments=Staging",
)
TEST, STAGING = "Environments-2", "Environments-3"


def machines(areas, state_file) -> dict[str, dict]:
    return {m["Id"]: m for m in api_of_state(areas, state_file).get("/api/Spaces-1/machines/all")}


def web_in_test(target: dict) -> bool:
    return "web" in target["Roles"] and TEST in target["EnvironmentIds"]


def test_update_changes_exactly_the_web_targets_in_test(areas, state_file, capsys) -> None:
    before = machines(areas, state_file)

    code, out, err = run_cli(
        "apply", "targets-update", "--sandbox", str(state_file), *UPDATE, "--yes", capsys=capsys
    )

    assert code == 0, err
    after = machines(areas, state_file)
    assert after.keys() == before.keys()
    selected = {i for i, t in before.items() if web_in_test(t)}
    assert len(selected) == 12
    for target_id, target in after.items():
        if target_id in selected:
            assert {"web", "api"} <= set(target["Roles"])
            assert {TEST, STAGING} <= set(target["EnvironmentIds"])
            if target["Name"] == "test-web-01":  # already had both: not written
                assert target == before[target_id]
        else:
            assert target == before[target_id]
    assert "Plan: 0 to add, 11 to change, 0 to delete." in out
    # 11 writes, their re-reads (8 + 3), one read back and three to the audit log
    assert "Apply complete: 11 changed, 0 ok, 0 failed, 0 skipped (17 requests" in out
    assert "  ~ Target 'test-web-02' (Machines-22)" in out
    assert "        EnvironmentIds: + Staging" in out and "        Roles: + api" in out


def test_a_second_run_plans_zero_changes(areas, state_file, capsys) -> None:
    run_cli(
        "apply", "targets-update", "--sandbox", str(state_file), *UPDATE, "--yes", capsys=capsys
    )
    saved = state_file.read_text()

    code, out, err = run_cli(
        "apply",
        "targets-update",
        "--sandbox",
        str(state_file),
        *UPDATE,
        "--yes",
        "-v",
        capsys=capsys,
    )

    assert code == 0
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert "= Target 'test-web-12' (Machines-32): already has role api; already in Staging" in out
    assert "Nothing to do" in err
    assert (
        json.loads(state_file.read_text())["collections"]["Machines"]
        == json.loads(saved)["collections"]["Machines"]
    )


def test_tenant_tag_and_removals(areas, state_file, capsys) -> None:
    code, out, err = run_cli(
        "apply",
        "targets-update",
        "--sandbox",
        str(state_file),
        "-p",
        "tenant_tag=Tier/Gold",
        "-p",
        "remove_roles=web",
        "-p",
        "add_roles=cache",
        "-p",
        "add_environments=Production",
        "-p",
        "remove_environments=Test",
        "--yes",
        capsys=capsys,
    )

    assert code == 0, err
    gold = [t for t in machines(areas, state_file).values() if "Tier/Gold" in t["TenantTags"]]
    assert sorted(t["Name"] for t in gold) == ["test-web-10", "test-web-11", "test-web-12"]
    for target in gold:
        assert target["Roles"] == ["cache"] and target["EnvironmentIds"] == ["Environments-4"]


def test_plan_json_and_nothing_written(state_file, tmp_path, capsys) -> None:
    before = state_file.read_text()
    out_file = tmp_path / "plan.json"

    code, out, _ = run_cli(
        "plan",
        "targets-update",
        "--sandbox",
        str(state_file),
        *UPDATE,
        "--format",
        "json",
        "--out",
        str(out_file),
        capsys=capsys,
    )

    assert code == 0
    printed = json.loads(out)
    assert printed["summary"] == {"add": 0, "change": 11, "delete": 0, "run": 0}
    assert printed["params"]["add_roles"] == ["api"]
    assert {op["kind"] for op in printed["operations"]} == {"Target"}
    assert json.loads(out_file.read_text())["summary"] == printed["summary"]
    assert state_file.read_text() == before


def test_recipes_and_plugins_list_the_targets_provider(capsys) -> None:
    code, out, _ = run_cli("recipes", "targets-update", capsys=capsys)
    assert code == 0
    assert out.startswith("targets-update: Add and remove roles and environments")
    for param in (
        "role",
        "environment",
        "tenant_tag",
        "add_roles",
        "remove_roles",
        "add_environments",
        "remove_environments",
    ):
        assert f"-p {param}=<" in out
    code, out, _ = run_cli("plugins", capsys=capsys)
    assert code == 0
    assert "targets  octoflow-octopus 0.1.0  hooks: octoflow_register" in out
    assert "    collections: targets, workers" in out
    assert "    resource kinds: Target, Worker" in out
    assert "    recipes: targets-update" in out
