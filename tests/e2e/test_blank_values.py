"""A blank value never widens a selection or a scope: it is an error, and nothing is written.

Selecting everything takes an explicit ``*`` (``-p tag=*``, ``where(tag="*")``), and
the plan then says "all N".
"""

from __future__ import annotations

import pytest

import octoflow
from octoflow.errors import UsageError
from tests.e2e.support import writes

CP = "project=Customer Portal"


@pytest.mark.parametrize(
    ("args", "parameter"),
    [
        (("apply", "tenants-remove-project", "-p", "tag=", "-p", CP, "--yes"), "tag"),
        (("apply", "tenants-remove-project", "-p", "tag=   ", "-p", CP, "--yes"), "tag"),
        (("plan", "tenants-add-project", "-p", "tag=", "-p", CP), "tag"),
        (
            ("plan", "tenants-add-project", "-p", "tag=Region/EU", "-p", CP, "-p", "environments="),
            "environments",
        ),
        (
            (
                "plan",
                "tenants-add-project",
                "-p",
                "tag=Region/EU",
                "-p",
                CP,
                "-p",
                "environments=,,",
            ),
            "environments",
        ),
        (("plan", "tenants-tag", "-p", "tag=", "-p", "add=Tier/Gold"), "tag"),
        (("plan", "tenants-tag", "-p", "tag=Region/EU", "-p", "add=,"), "add"),
        (("plan", "targets-update", "-p", "role=", "-p", "add_roles=api"), "role"),
        (
            ("plan", "targets-update", "-p", "role=web", "-p", "environment=", "-p", "add_roles=x"),
            "environment",
        ),
        (("plan", "projects-remove-step", "-p", "group=", "-p", "name=Notify"), "group"),
        (
            ("plan", "release-deploy", "-p", "project=Compass Web", "-p", "environment=Test")
            + ("-p", "tenant_tag="),
            "tenant_tag",
        ),
    ],
)
def test_a_blank_parameter_is_an_error_naming_it(server, cli, args, parameter) -> None:
    sandbox, _srv = server
    code, out, err = cli(*args)
    assert code == 2, err
    assert f"parameter {parameter!r} is empty" in err
    assert out == ""
    assert writes(sandbox) == []


def test_the_error_says_how_to_select_everything(cli) -> None:
    code, _out, err = cli("plan", "tenants-remove-project", "-p", "tag=", "-p", CP)
    assert code == 2
    assert "-p tag=* to select every tenant on purpose" in err


def test_a_star_selects_every_tenant_and_the_plan_says_all(server, server_api, cli) -> None:
    sandbox, _srv = server
    code, out, err = cli("plan", "tenants-tag", "-p", "tag=*", "-p", "add=Tier/Gold")
    assert code == 0, err
    assert f"selects all {len(server_api.tenants())} tenants" in out
    assert writes(sandbox) == []


@pytest.mark.parametrize("blank", ["", "  ", None, [], ["", " "], ()])
def test_the_dsl_refuses_a_blank_criterion_at_the_call_site(blank) -> None:
    octo = octoflow.Octoflow.with_sandbox("empty")
    with pytest.raises(UsageError, match=r"tenants\.where\(tag=.*an empty value selects nothing"):
        octo.tenants.where(tag=blank)


@pytest.mark.parametrize(
    "make",
    [
        lambda octo: octo.targets.where(role=""),
        lambda octo: octo.workers.where(pool=[]),
        lambda octo: octo.projects.where(group=""),
        lambda octo: octo.users.where(username=" "),
        lambda octo: octo.teams.where(name=None),
        lambda octo: octo.targets.where(health=""),
    ],
)
def test_every_collection_refuses_a_blank_criterion(make) -> None:
    octo = octoflow.Octoflow.with_sandbox("empty")
    with pytest.raises(UsageError, match="an empty value selects nothing"):
        make(octo)


def test_an_explicitly_empty_scope_is_an_error_not_every_environment() -> None:
    octo = octoflow.Octoflow.with_sandbox("empty")
    with pytest.raises(UsageError, match="environments is empty"):
        octo.tenants.where(tag="Region/EU").add_project("Customer Portal", environments=[])
    with pytest.raises(UsageError, match="environments is empty"):
        octo.tenants.where(tag="Region/EU").set_variable("X", "1", project="P", environments="")


def test_a_star_in_the_dsl_selects_everything_on_purpose() -> None:
    octo = octoflow.Octoflow.with_sandbox("demo")
    plan = octo.plan(octo.tenants.where(tag="*").add_tag("Tier/Gold"))
    assert any("selects all 1000 tenants" in note for note in plan.notes)
    assert "tag='*'" in plan.title
