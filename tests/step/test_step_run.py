"""A recipe run as Octopus runs a Python script step: exported template body, variables,
service messages, artifacts and output variables, against the sandbox over HTTP."""

from __future__ import annotations

import json

import pytest

from octoflow.plugin import PluginHost
from octoflow.recipe import find_recipe
from octoflow.steptemplates import check_template, generic_template, recipe_template
from tests.e2e.support import TEST_KEY, writes
from tests.step.harness import run_step


def body(recipe_name: str | None = None, check: bool = False) -> str:
    if check:
        template = check_template()
    elif recipe_name is None:
        template = generic_template()
    else:
        registry = PluginHost.from_entry_points().build_registry()
        template = recipe_template(find_recipe(recipe_name, registry.recipes))
    return template["Properties"]["Octopus.Action.Script.ScriptBody"]


@pytest.fixture
def variables(server) -> dict[str, str]:
    _sandbox, srv = server
    return {
        "Octoflow.Octopus.Url": srv.url,
        "Octoflow.Octopus.ApiKey": TEST_KEY,
        "Octoflow.Octopus.Space": "Default",
        "Octoflow.Param.tag": "Region/APAC",
        "Octoflow.Param.add": "Tier/Gold",
        "Octoflow.Param.remove": "",
        "Octopus.Web.ServerUri": "https://octopus.example.com",
    }


def apac_without_gold(api) -> int:
    return sum(
        1
        for t in api.tenants()
        if "Region/APAC" in t["TenantTags"] and "Tier/Gold" not in t["TenantTags"]
    )


def assert_no_key(run, tmp_path) -> None:
    texts = [run.stdout, run.stderr] + [p.read_text() for p in tmp_path.glob("octoflow-*")]
    assert not [t for t in texts if TEST_KEY in t or TEST_KEY[4:] in t]


def test_plan_only_reports_and_changes_nothing(server, server_api, variables, tmp_path) -> None:
    sandbox, _srv = server
    pending = apac_without_gold(server_api)

    run = run_step(body("tenants-tag"), variables, tmp_path)

    assert run.code == 0, run.stdout + run.stderr
    assert writes(sandbox) == []
    assert any(
        f"Plan: 0 to add, {pending} to change, 0 to delete." in b for b in run.blocks("highlight")
    )
    assert any("~ Tenant" in b for b in run.blocks("verbose"))
    outputs = run.output_variables
    assert outputs["Octoflow.Changed"] == "False"
    assert json.loads(outputs["Octoflow.Summary"])["applied"] is False
    names = sorted(a["name"] for a in run.artifacts)
    assert [n.rsplit(".", 1)[1] for n in names] == ["html", "md"]
    report = (tmp_path / names[1]).read_text()
    assert "Not applied" in report and f"{pending} to change" in report
    assert all(int(a["length"]) > 0 for a in run.artifacts)
    assert_no_key(run, tmp_path)


def test_apply_changes_exactly_the_plan(server, server_api, variables, tmp_path) -> None:
    sandbox, _srv = server
    pending = apac_without_gold(server_api)

    run = run_step(body("tenants-tag"), {**variables, "Octoflow.Apply": "True"}, tmp_path)

    assert run.code == 0, run.stdout + run.stderr
    assert apac_without_gold(server_api) == 0
    assert len(writes(sandbox)) == pending
    outputs = run.output_variables
    assert outputs["Octoflow.Changed"] == "True"
    summary = json.loads(outputs["Octoflow.Summary"])
    assert summary["recap"]["changed"] == summary["plan"]["change"] == pending
    assert json.loads(outputs["Octoflow.CreatedIds"]) == []
    progress = run.all("progress")
    assert len(progress) == pending and progress[-1]["percentage"] == "100"
    html = next(tmp_path.glob("octoflow-*.html")).read_text()
    assert f"{pending} changed" in html and "Tier/Gold" in html
    assert_no_key(run, tmp_path)


def test_the_generic_template_takes_recipe_and_parameter_lines(
    server_api, variables, tmp_path
) -> None:
    generic = {k: v for k, v in variables.items() if not k.startswith("Octoflow.Param.")}
    generic.update(
        {
            "Octoflow.Recipe": "tenants-tag",
            "Octoflow.Apply": "true",
            "Octoflow.Parameters": "tag=Region/APAC\n# a comment\nadd=Tier/Gold\n",
        }
    )

    run = run_step(body(), generic, tmp_path)

    assert run.code == 0, run.stdout + run.stderr
    assert apac_without_gold(server_api) == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"Octoflow.Apply": "maybe"}, "Octoflow.Apply must be true or false, not 'maybe'"),
        ({"Octoflow.Param.colour": "red"}, "unknown parameter 'colour'"),
        ({"Octoflow.Param.tag": "Region/Mars"}, "unknown tag 'Region/Mars'"),
        ({"Octoflow.Octopus.ApiKey": ""}, "Octoflow.Octopus.ApiKey is not set"),
        ({"Octoflow.Concurrency": "0"}, "Octoflow.Concurrency must be a whole number"),
        ({"Octoflow.ExpectDigest": "abc"}, "Octoflow.ExpectDigest must be the 16 hex digits"),
        ({"Octoflow.Check": "True"}, "Octoflow.Check and Octoflow.Apply are both set"),
    ],
)
def test_bad_variables_fail_the_step_and_write_nothing(
    server, variables, tmp_path, change, expected
) -> None:
    sandbox, _srv = server
    run = run_step(body("tenants-tag"), {**variables, "Octoflow.Apply": "True", **change}, tmp_path)
    assert run.code == 2
    (result,) = run.all("resultMessage")
    assert expected in result["message"]
    assert writes(sandbox) == []
    assert_no_key(run, tmp_path)


def test_a_missing_recipe_fails_the_generic_step(variables, tmp_path) -> None:
    run = run_step(body(), variables, tmp_path)
    assert run.code == 2
    assert "Octoflow.Recipe is not set" in run.all("resultMessage")[0]["message"]


def test_failed_operations_fail_the_step(server, server_api, variables, tmp_path) -> None:
    sandbox, _srv = server
    victim = next(
        t["Id"]
        for t in server_api.tenants()  # 3 digits: no other id extends it
        if "Region/APAC" in t["TenantTags"]
        and "Tier/Gold" not in t["TenantTags"]
        and len(t["Id"]) == len("Tenants-100")
    )
    sandbox.settings.add_fault(
        {"status": 500, "method": "PUT", "path_contains": f"/{victim}", "times": None}
    )
    run = run_step(body("tenants-tag"), {**variables, "Octoflow.Apply": "True"}, tmp_path)
    assert run.code == 1
    assert "1 operation(s) failed" in run.all("resultMessage")[0]["message"]
    assert run.output_variables["Octoflow.Changed"] == "True"
    assert any(victim in w for w in run.blocks("warning"))


def test_a_reviewed_plan_is_applied_only_while_it_is_the_same(
    server, server_api, variables, tmp_path
) -> None:
    """The two-step pattern: a plan-only step, review, then apply with the digest."""
    sandbox, _srv = server
    for stage in ("plan", "refused", "replan", "apply"):
        (tmp_path / stage).mkdir()
    planned = run_step(body("tenants-tag"), variables, tmp_path / "plan")
    digest = planned.output_variables["Octoflow.PlanDigest"]
    assert f"digest `{digest}`" in next((tmp_path / "plan").glob("octoflow-*.md")).read_text()
    apply_reviewed = {**variables, "Octoflow.Apply": "True", "Octoflow.ExpectDigest": digest}
    # meanwhile someone tags one APAC tenant Gold: the reviewed plan is no longer what runs
    tenant = next(t for t in server_api.tenants() if "Region/APAC" in t["TenantTags"])
    server_api.put(
        f"/api/Spaces-1/tenants/{tenant['Id']}",
        dict(tenant, TenantTags=[*tenant["TenantTags"], "Tier/Gold"]),
    )
    sandbox.clear_requests()

    refused = run_step(body("tenants-tag"), apply_reviewed, tmp_path / "refused")

    assert refused.code == 2
    (result,) = refused.all("resultMessage")
    assert f"is not the one reviewed (digest {digest})" in result["message"]
    assert writes(sandbox) == []

    replanned = run_step(body("tenants-tag"), variables, tmp_path / "replan")
    new_digest = replanned.output_variables["Octoflow.PlanDigest"]
    assert new_digest != digest
    applied = run_step(
        body("tenants-tag"),
        {**apply_reviewed, "Octoflow.ExpectDigest": new_digest},
        tmp_path / "apply",
    )
    assert applied.code == 0, applied.stdout + applied.stderr
    assert apac_without_gold(server_api) == 0


def test_the_drift_check_template_fails_on_drift_and_passes_once_applied(
    server, server_api, variables, tmp_path
) -> None:
    sandbox, _srv = server
    generic = {k: v for k, v in variables.items() if not k.startswith("Octoflow.Param.")}
    generic.update(
        {"Octoflow.Recipe": "tenants-tag", "Octoflow.Parameters": "tag=Region/APAC\nadd=Tier/Gold"}
    )
    pending = apac_without_gold(server_api)
    for stage in ("drift", "apply", "clean"):
        (tmp_path / stage).mkdir()

    drift = run_step(body(check=True), generic, tmp_path / "drift")

    assert drift.code == 2
    (result,) = drift.all("resultMessage")
    assert f"drift: {pending} resource(s) differ from tenants-tag" in result["message"]
    assert writes(sandbox) == []
    junit = next((tmp_path / "drift").glob("octoflow-*.junit.xml")).read_text()
    assert f'failures="{pending}"' in junit
    assert any(a["name"].endswith(".junit.xml") for a in drift.artifacts)

    applied = run_step(body(), {**generic, "Octoflow.Apply": "True"}, tmp_path / "apply")
    assert applied.code == 0, applied.stdout + applied.stderr

    clean = run_step(body(check=True), generic, tmp_path / "clean")
    assert clean.code == 0, clean.stdout + clean.stderr
    assert 'failures="0"' in next((tmp_path / "clean").glob("octoflow-*.junit.xml")).read_text()
    assert_no_key(drift, tmp_path / "drift")


def test_a_policy_check_recipe_is_never_applied_by_a_step(server, variables, tmp_path) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    eu = {"Octoflow.Param.tag": "Region/EU", "Octoflow.Param.project": "Customer Portal"}

    run = run_step(
        body("tenants-check-eu"), {**variables, **eu, "Octoflow.Apply": "True"}, tmp_path
    )

    assert run.code == 2
    assert "tenants-check-eu is a policy check and is never applied" in run.stdout
    assert writes(sandbox) == []
