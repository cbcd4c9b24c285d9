"""octoflow.testing: the pytest plugin plugin authors (and octoflow's own tests) use."""

from __future__ import annotations

import pytest

from octoflow.testing import RequestLog, apply_and_replan, plan_recipe

pytest_plugins = ["pytester"]


def test_the_fixtures_give_a_session_on_a_fresh_demo(octo, octo_requests) -> None:
    plan = plan_recipe(octo, "tenants-tag", tag="Region/APAC", add=["Tier/Gold"])
    assert plan.summary["change"] > 0
    octo_requests.assert_no_writes()
    report = apply_and_replan(octo, plan)
    assert len(octo_requests.writes()) == report.count("changed")
    written = octo_requests.written_documents("Tenants")
    assert written and all("Tier/Gold" in t["TenantTags"] for t in written)


def test_apply_and_replan_fails_when_a_second_plan_is_not_empty(octo) -> None:
    plan = plan_recipe(octo, "tenants-tag", tag="Region/APAC", add="Tier/Gold")
    octo.sandbox.settings.add_fault({"status": 500, "method": "PUT", "times": None})
    with pytest.raises(AssertionError, match="apply did not succeed"):
        apply_and_replan(octo, plan)


def test_a_recipe_parameter_may_be_called_name(octo, tmp_path) -> None:
    recipe = tmp_path / "tag_one.py"
    recipe.write_text(
        '''"""Tag one tenant."""
from octoflow import Param

PARAMETERS = (Param("name", "The tenant"),)


def statements(octo, name):
    return octo.tenants.where(name=name).add_tag("Tier/Gold")
'''
    )
    plan = plan_recipe(octo, str(recipe), name="Beacon Retail Corp.")
    assert [op.name for op in plan.operations] == ["Beacon Retail Corp."]


def test_the_loopback_server_serves_real_http(octo_server) -> None:
    octo = octo_server.session()
    plan = octo.plan(octo.tenants.where(tag="Region/APAC").add_tag("Tier/Gold"))
    apply_and_replan(octo, plan, octo.tenants.where(tag="Region/APAC").add_tag("Tier/Gold"))
    seen = RequestLog(octo_server.sandbox)
    assert seen.count("PUT") == len(plan.operations)
    tags = octo_server.api().get(f"{octo_server.url}/api/Spaces-1/tenants/all").json()
    assert all("Tier/Gold" in t["TenantTags"] for t in tags if "Region/APAC" in t["TenantTags"])


def test_a_plugin_authors_test_file_needs_no_conftest(pytester) -> None:
    """Installed octoflow registers the plugin: a bare test file gets the fixtures."""
    pytester.makepyfile(
        """
        import pytest
        from octoflow.errors import PlanError
        from octoflow.testing import apply_and_replan, plan_recipe

        @pytest.fixture
        def octoflow_seed():
            return "empty"

        def test_the_seed_override_reaches_octo(octo, octo_requests):
            # The empty seed has no tag sets at all.
            with pytest.raises(PlanError, match="unknown tag 'Region/EU'"):
                octo.plan(octo.tenants.add_tag("Region/EU"))
            octo_requests.assert_no_writes()

        def test_a_shipped_recipe_plans(octo_server):
            octo = octo_server.session()
            with pytest.raises(PlanError):
                plan_recipe(octo, "tenants-tag", tag="Region/EU", add="Tier/Gold")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
