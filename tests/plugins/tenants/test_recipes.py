"""The shipped tenant recipes, end to end through the CLI against the demo sandbox."""

from __future__ import annotations

import json

from tests.e2e.support import api_of_state, run_cli

ADD = ("-p", "tag=Region/EU", "-p", "project=Customer Portal", "-p", "environments=Test,Production")


def eu(tenant: dict) -> bool:
    return "Region/EU" in tenant["TenantTags"]


def test_add_project_connects_exactly_the_tagged_tenants(areas, state_file, capsys) -> None:
    before = {t["Id"]: t for t in api_of_state(areas, state_file).tenants()}

    code, out, err = run_cli(
        "apply", "tenants-add-project", "--sandbox", str(state_file), *ADD, "--yes", capsys=capsys
    )

    assert code == 0, err
    api = api_of_state(areas, state_file)
    portal = api.project_id("Customer Portal")
    wanted = set(api.environment_ids("Test", "Production"))
    after = {t["Id"]: t for t in api.tenants()}
    assert after.keys() == before.keys()
    for tenant_id, tenant in after.items():
        old = before[tenant_id]
        if eu(old):
            envs = set(tenant["ProjectEnvironments"][portal])
            assert wanted <= envs
            assert envs - wanted == set(old["ProjectEnvironments"].get(portal, [])) - wanted
        else:
            assert tenant["ProjectEnvironments"] == old["ProjectEnvironments"]
            assert tenant["TenantTags"] == old["TenantTags"]
    changed = sum(
        1
        for t in before.values()
        if eu(t) and not wanted <= set(t["ProjectEnvironments"].get(portal, []))
    )
    assert f"Plan: 0 to add, {changed} to change, 0 to delete." in out
    assert f"Apply complete: {changed} changed, 0 ok, 0 failed, 0 skipped" in out


def test_a_second_run_plans_zero_changes(areas, state_file, capsys) -> None:
    run_cli(
        "apply", "tenants-add-project", "--sandbox", str(state_file), *ADD, "--yes", capsys=capsys
    )

    code, out, err = run_cli(
        "apply", "tenants-add-project", "--sandbox", str(state_file), *ADD, "--yes", capsys=capsys
    )

    assert code == 0
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert "Nothing to do" in err


def test_plan_writes_nothing_and_its_json_has_a_summary(
    areas, state_file, tmp_path, capsys
) -> None:
    before = state_file.read_text()
    out_file = tmp_path / "plan.json"

    code, out, _ = run_cli(
        "plan",
        "tenants-add-project",
        "--sandbox",
        str(state_file),
        *ADD,
        "--format",
        "json",
        "--out",
        str(out_file),
        capsys=capsys,
    )

    assert code == 0
    printed = json.loads(out)
    assert printed["summary"]["change"] > 100
    changed = printed["summary"]["change"]
    assert printed["summary"] == {"add": 0, "change": changed, "delete": 0, "run": 0}
    assert json.loads(out_file.read_text())["summary"] == printed["summary"]
    assert state_file.read_text() == before


def test_remove_project_disconnects_only_the_tagged_tenants(areas, state_file, capsys) -> None:
    run_cli(
        "apply", "tenants-add-project", "--sandbox", str(state_file), *ADD, "--yes", capsys=capsys
    )

    code, out, err = run_cli(
        "apply",
        "tenants-remove-project",
        "--sandbox",
        str(state_file),
        "-p",
        "tag=Region/EU",
        "-p",
        "project=Customer Portal",
        "--yes",
        capsys=capsys,
    )

    assert code == 0, err
    api = api_of_state(areas, state_file)
    portal = api.project_id("Customer Portal")
    assert not [t for t in api.tenants() if eu(t) and portal in t["ProjectEnvironments"]]


def test_tag_recipe_adds_and_removes_tags(areas, state_file, capsys) -> None:
    before = {t["Id"]: t for t in api_of_state(areas, state_file).tenants()}

    code, out, err = run_cli(
        "apply",
        "tenants-tag",
        "--sandbox",
        str(state_file),
        "-p",
        "tag=Region/APAC",
        "-p",
        "add=Tier/Gold",
        "-p",
        "remove=Tier/Bronze",
        "--yes",
        capsys=capsys,
    )

    assert code == 0, err
    for tenant in api_of_state(areas, state_file).tenants():
        tags = set(tenant["TenantTags"])
        if "Region/APAC" in tags:
            assert "Tier/Gold" in tags and "Tier/Bronze" not in tags
        else:
            assert tenant["TenantTags"] == before[tenant["Id"]]["TenantTags"]


def test_recipes_lists_every_shipped_recipe_with_parameters(capsys) -> None:
    code, out, _ = run_cli("recipes", capsys=capsys)
    assert code == 0
    for name in ("tenants-add-project", "tenants-remove-project", "tenants-tag"):
        assert name in out
    assert "-p environments=<list>" in out


def test_plugins_lists_the_tenants_provider(capsys) -> None:
    code, out, _ = run_cli("plugins", capsys=capsys)
    assert code == 0
    assert "tenants  octoflow-octopus 0.1.0" in out
    recipes = "tenants-add-project, tenants-check-eu, tenants-remove-project, tenants-tag"
    assert f"recipes: {recipes}" in out
