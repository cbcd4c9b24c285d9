"""Every bad input gets one clear message, a non-zero exit, and no writes."""

from __future__ import annotations

import socket

import pytest

from tests.e2e.support import TEST_KEY, run_cli, writes


def add_project(
    tag: str = "Region/EU", project: str = "Customer Portal", environments: str = "Test,Production"
) -> tuple[str, ...]:
    return (
        "apply",
        "tenants-add-project",
        "-p",
        f"tag={tag}",
        "-p",
        f"project={project}",
        "-p",
        f"environments={environments}",
        "--yes",
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            add_project(project="Customer Portl"),
            "unknown project 'Customer Portl': did you mean 'Customer Portal'",
        ),
        (add_project(environments="Test,Prod"), "unknown environment 'Prod'"),
        (add_project(project="Legacy Reporting"), "does not allow tenanted deployments"),
        (
            add_project(project="Internal Tools", environments="Production"),
            "not in the lifecycle of project 'Internal Tools'",
        ),
        (add_project(tag="Hosting/Cloud"), "not available to tenants"),
        (add_project(tag="EU"), "not a canonical tag name"),
    ],
)
def test_names_that_do_not_resolve_are_plan_errors(server, cli, args, expected) -> None:
    sandbox, _srv = server
    code, out, err = cli(*args)
    assert code == 2
    assert expected in err
    assert "nothing was changed" in err
    assert writes(sandbox) == []


def test_every_problem_is_reported_in_one_run(server, cli) -> None:
    sandbox, _srv = server
    code, _out, err = cli(*add_project(tag="Region/Mars", project="Nope", environments="Moon"))
    assert code == 2
    assert "3 problem(s)" in err
    assert "'Region/Mars'" in err and "'Nope'" in err
    assert writes(sandbox) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("plan", "tenants-add-project", "-p", "tag"), "malformed parameter 'tag'"),
        (("plan", "tenants-add-project", "-p", "tag=Region/EU"), "missing parameter 'project'"),
        (
            (
                "plan",
                "tenants-add-project",
                "-p",
                "tag=Region/EU",
                "-p",
                "project=Customer Portal",
                "-p",
                "colour=red",
            ),
            "unknown parameter 'colour'",
        ),
        (("plan", "tenant-add-project"), "did you mean 'tenants-add-project'"),
        (("plan", "tenants-tag", "-p", "tag=Region/EU"), "needs add or remove"),
        (
            (
                "plan",
                "tenants-add-project",
                "-p",
                "tag=Region/EU",
                "-p",
                "project=Customer Portal",
                "--space",
                "Moonbase",
            ),
            "unknown space 'Moonbase'",
        ),
    ],
)
def test_usage_errors_exit_2(server, cli, args, expected) -> None:
    sandbox, _srv = server
    code, _out, err = cli(*args)
    assert code == 2
    assert expected in err
    assert writes(sandbox) == []


def test_a_recipe_that_raises_is_reported_with_its_line(server, cli, tmp_path) -> None:
    recipe = tmp_path / "broken.py"
    recipe.write_text('"""Broken on purpose."""\n\n\ndef statements(octo):\n    return {}["x"]\n')
    code, _out, err = cli("plan", str(recipe))
    assert code == 2
    assert "raised KeyError" in err and "line 5" in err


def test_apply_off_a_terminal_needs_yes(server, cli) -> None:
    sandbox, _srv = server
    code, _out, err = cli(*add_project()[:-1])
    assert code == 2
    assert "--yes" in err
    assert writes(sandbox) == []


def test_an_unreachable_server_exits_4(monkeypatch, capsys) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("OCTOPUS_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("OCTOPUS_API_KEY", TEST_KEY)
    code, _out, err = run_cli(
        "plan", "tenants-tag", "-p", "tag=Region/EU", "-p", "add=Tier/Gold", capsys=capsys
    )
    assert code == 4
    assert "the connection failed" in err and f"127.0.0.1:{port}" in err


def test_missing_credentials_are_a_usage_error(monkeypatch, capsys) -> None:
    monkeypatch.setenv("OCTOPUS_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("OCTOPUS_API_KEY", raising=False)
    monkeypatch.delenv("OCTOPUS_ACCESS_TOKEN", raising=False)
    code, _out, err = run_cli(
        "plan", "tenants-tag", "-p", "tag=Region/EU", "-p", "add=Tier/Gold", capsys=capsys
    )
    assert code == 2
    assert "OCTOPUS_API_KEY" in err


def test_a_key_without_permission_exits_3_with_the_servers_reason(server, cli) -> None:
    sandbox, _srv = server
    sandbox.settings.add_fault(
        {"status": 403, "permission": "TenantEdit", "method": "PUT", "times": None}
    )
    code, out, err = cli(*add_project())
    assert code == 3
    assert "Apply stopped early: " in out and "403" in out
    assert "Missing permission: TenantEdit" in out
    refused = writes(sandbox)
    assert refused and {r.status for r in refused} == {403}
    assert len(refused) <= 8  # at most the writes already in flight; the rest never start


def test_a_key_without_read_permission_stops_before_planning(server, cli) -> None:
    sandbox, _srv = server
    sandbox.settings.add_fault(
        {"status": 403, "permission": "TenantView", "path_contains": "tenants", "times": None}
    )
    code, _out, err = cli(*add_project())
    assert code == 3
    assert "Missing permission: TenantView" in err and "None of your teams" in err
    assert writes(sandbox) == []
