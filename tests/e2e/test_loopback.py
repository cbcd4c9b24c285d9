"""The issue's acceptance path: ``octoflow`` as a separate process against a served sandbox."""

from __future__ import annotations

from tests.e2e.support import TEST_KEY, run_cli_process, writes

ADD = ("-p", "tag=Region/EU", "-p", "project=Customer Portal", "-p", "environments=Test,Production")


def env_for(srv, key: str = TEST_KEY) -> dict[str, str]:
    return {"OCTOPUS_URL": srv.url, "OCTOPUS_API_KEY": key, "OCTOFLOW_HOME": "octoflow-home"}


def test_apply_over_http_connects_the_eu_tenants_then_converges(
    server, server_api, tmp_path
) -> None:
    sandbox, srv = server
    portal = server_api.project_id("Customer Portal")
    wanted = set(server_api.environment_ids("Test", "Production"))

    first = run_cli_process(
        "apply", "tenants-add-project", *ADD, "--yes", env=env_for(srv), cwd=tmp_path
    )

    assert first.returncode == 0, first.stderr
    for tenant in server_api.tenants():
        connected = set(tenant["ProjectEnvironments"].get(portal, []))
        if "Region/EU" in tenant["TenantTags"]:
            assert wanted <= connected, tenant["Name"]
    writes_after_first = len(writes(sandbox))

    second = run_cli_process(
        "apply", "tenants-add-project", *ADD, "--yes", env=env_for(srv), cwd=tmp_path
    )

    assert second.returncode == 0, second.stderr
    assert "Plan: 0 to add, 0 to change, 0 to delete." in second.stdout
    assert len(writes(sandbox)) == writes_after_first


def test_unknown_tag_fails_naming_it_and_writes_nothing(server, tmp_path) -> None:
    sandbox, srv = server

    result = run_cli_process(
        "apply",
        "tenants-add-project",
        "-p",
        "tag=Region/EUU",
        "-p",
        "project=Customer Portal",
        "--yes",
        env=env_for(srv),
        cwd=tmp_path,
    )

    assert result.returncode == 2
    assert "Region/EUU" in result.stderr
    assert "did you mean 'Region/EU'" in result.stderr
    assert writes(sandbox) == []


def test_wrong_api_key_fails_without_printing_it(server, tmp_path) -> None:
    sandbox, srv = server
    wrong = "API-EXAMPLEWRONGKEY77Q1Z2X3C4V"

    result = run_cli_process(
        "plan", "tenants-add-project", *ADD, env=env_for(srv, wrong), cwd=tmp_path
    )

    assert result.returncode == 3
    assert "401" in result.stderr and "API key" in result.stderr
    assert wrong not in result.stdout + result.stderr
    assert wrong[4:] not in result.stdout + result.stderr
    assert writes(sandbox) == []
