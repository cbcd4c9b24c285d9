"""Tests of the tiny provider, written with octoflow's pytest plugin (no conftest)."""

import pytest
from octoflow.provider import PlanError, UsageError
from octoflow.testing import apply_and_replan, plan_recipe

import environments_provider


@pytest.fixture
def octoflow_plugins():
    # Not installed while it is being written: load it by hand.
    return [("guided_environments", environments_provider)]


def test_the_recipe_converges(octo, octo_requests):
    plan = plan_recipe(octo, "environments-guided-failure", environments=["Test", "Staging"])
    assert [op.name for op in plan.operations] == ["Test", "Staging"]
    octo_requests.clear()
    apply_and_replan(octo, plan)  # applies, then plans again: nothing left to do
    assert octo_requests.count("PUT", "/environments/") == 2


def test_an_unknown_environment_is_a_plan_error(octo, octo_requests):
    with pytest.raises(PlanError, match="did you mean 'Production'"):
        octo.plan(octo.guided_environments.where(name="Prod").use_guided_failure())
    octo_requests.assert_no_writes()


def test_a_blank_name_selects_nothing(octo):
    with pytest.raises(UsageError, match="an empty value selects nothing"):
        octo.guided_environments.where(name="")


def test_over_real_http(octo_server):
    octo = octo_server.session()
    octo.apply(octo.plan(octo.guided_environments.where(name="Production").use_guided_failure()))
    listed = octo_server.api().get(f"{octo_server.url}/api/Spaces-1/environments/all").json()
    assert {e["Name"]: e["UseGuidedFailure"] for e in listed}["Production"] is True


@pytest.mark.parametrize("octoflow_server_version", ["2020.5", "current"])
def test_on_an_older_server_too(octo, octoflow_server_version):
    # The sandbox answers as that Octopus release: its routes and root document.
    plan = plan_recipe(octo, "environments-guided-failure", environments=["Test"])
    assert (plan.server_version == "2020.5.0") is (octoflow_server_version == "2020.5")
    apply_and_replan(octo, plan)
