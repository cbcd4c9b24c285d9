"""Wide changes: the plan says so, and apply refuses one unless it is allowed."""

from __future__ import annotations

import json

import pytest

from octoflow import Octoflow
from octoflow.errors import RecipeError, UsageError
from octoflow.plan.wide import WidePolicy
from tests.e2e.support import run_cli

EVERY_TENANT_GOLD = ("-p", "tag=*", "-p", "add=Tier/Gold")
EU_PORTAL = ("-p", "tag=Region/EU", "-p", "project=Customer Portal")

#: Wide above 10% and 5 documents.
STRICT = WidePolicy(10, 5)


def writes(sandbox) -> list:
    return [r for r in sandbox.requests if r.method not in ("GET", "HEAD")]


def test_a_wide_plan_says_so_and_apply_refuses_it_without_writing(server, cli) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()

    code, out, err = cli("apply", "tenants-tag", *EVERY_TENANT_GOLD, "--yes")

    assert code == 2
    assert "WIDE: tenants.where(tag='*')" in out and "selects 1000 of 1000 tenants" in out
    assert "this plan is a wide change, and nothing was applied" in err
    assert "--allow-wide" in err
    assert writes(sandbox) == []


def test_allow_wide_applies_it(server_api, cli) -> None:
    code, out, err = cli("apply", "tenants-tag", *EVERY_TENANT_GOLD, "--yes", "--allow-wide")
    assert code == 0, err
    assert all("Tier/Gold" in t["TenantTags"] for t in server_api.tenants())


def test_a_narrow_selection_is_not_wide_until_the_threshold_says_so(server, cli) -> None:
    code, out, _err = cli("plan", "tenants-add-project", *EU_PORTAL)
    assert code == 0 and "WIDE" not in out  # 400 of 1000 tenants

    sandbox, _srv = server
    sandbox.clear_requests()
    strict = ("--wide-above", "30%,100")
    code, out, err = cli("apply", "tenants-add-project", *EU_PORTAL, *strict, "--yes")
    assert code == 2
    assert "selects 400 of 1000 tenants: a wide change (more than 30% of them" in out
    assert writes(sandbox) == []


def test_a_saved_wide_plan_stays_wide(cli, tmp_path) -> None:
    plan_file = tmp_path / "plan.json"
    cli("plan", "tenants-tag", *EVERY_TENANT_GOLD, "--out", str(plan_file))
    assert json.loads(plan_file.read_text())["wide"]

    code, _out, err = cli("apply", str(plan_file), "--yes")
    assert code == 2 and "wide change" in err
    code, _out, err = cli("apply", str(plan_file), "--yes", "--allow-wide")
    assert code == 0, err


def test_a_plan_with_nothing_to_do_is_not_wide() -> None:
    octo = Octoflow.with_sandbox("demo")
    every = octo.tenants.where(tag="*")
    octo.apply(octo.plan(every.add_tag("Tier/Gold")), allow_wide=True)
    again = octo.plan(every.add_tag("Tier/Gold"))
    assert again.is_empty and again.wide == ()


def test_python_apply_refuses_a_wide_plan_unless_allowed() -> None:
    octo = Octoflow.with_sandbox("demo")
    plan = octo.plan(octo.targets.where(role="web").add_role("audited"), wide_above=STRICT)
    assert plan.wide
    with pytest.raises(UsageError, match="wide change"):
        octo.apply(plan)
    assert octo.apply(plan, allow_wide=True).succeeded
    every_of_a_hundred = octo.plan(octo.targets.where(role="*").add_role("audited"))
    assert every_of_a_hundred.operations and not every_of_a_hundred.wide  # 100 is not > 100
    relaxed = octo.plan(
        octo.targets.where(role="*").add_role("audited2"), wide_above=WidePolicy(100, 0)
    )
    assert relaxed.operations and not relaxed.wide


RECIPE = '''"""Tag every tenant (a test recipe)."""

WIDE_ABOVE = {wide!r}


def statements(octo):
    return [octo.tenants.where(tag="*").add_tag("Tier/Gold")]
'''


def test_a_recipe_sets_its_own_threshold(state_file, capsys, tmp_path) -> None:
    recipe = tmp_path / "tag_all.py"
    recipe.write_text(RECIPE.format(wide="100%,0"))
    code, out, err = run_cli(
        "apply", str(recipe), "--sandbox", str(state_file), "--yes", capsys=capsys
    )
    assert code == 0, err
    assert "WIDE" not in out

    recipe.write_text(RECIPE.format(wide="most of them"))
    with pytest.raises(RecipeError, match="WIDE_ABOVE 'most of them' is not PERCENT%,COUNT"):
        Octoflow.with_sandbox("demo").plan_recipe(str(recipe), {})
