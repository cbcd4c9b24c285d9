"""The issue's acceptance path for targets: ``octoflow`` as a separate process
against a served demo sandbox, checked through the API; the key in no output."""

from __future__ import annotations

from tests.e2e.support import TEST_KEY, run_cli_process, writes

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


def env_for(srv, key: str = TEST_KEY) -> dict[str, str]:
    return {"OCTOPUS_URL": srv.url, "OCTOPUS_API_KEY": key, "OCTOFLOW_HOME": "octoflow-home"}


def leaks(text: str) -> bool:
    return TEST_KEY in text or TEST_KEY[4:] in text


def test_update_over_http_changes_exactly_web_in_test_then_converges(
    server, server_api, tmp_path
) -> None:
    sandbox, srv = server
    before = {m["Id"]: m for m in server_api.get("/api/Spaces-1/machines/all")}
    test_id, staging_id = server_api.environment_ids("Test", "Staging")
    web_in_test = {
        m["Id"]
        for m in server_api.get(
            "/api/Spaces-1/machines", roles="web", environmentIds=test_id, take=1000
        )["Items"]
    }

    first = run_cli_process(
        "apply",
        "targets-update",
        *UPDATE,
        "--yes",
        "--out",
        "report.json",
        "--journal",
        "journal.jsonl",
        env=env_for(srv),
        cwd=tmp_path,
    )

    assert first.returncode == 0, first.stderr
    assert "Plan: 0 to add, 11 to change, 0 to delete." in first.stdout
    after = {m["Id"]: m for m in server_api.get("/api/Spaces-1/machines/all")}
    changed = {i for i in after if after[i] != before[i]}
    assert len(web_in_test) == 12 and changed <= web_in_test and len(changed) == 11
    for target_id in web_in_test:
        assert "api" in after[target_id]["Roles"]
        assert staging_id in after[target_id]["EnvironmentIds"]
    written = writes(sandbox)
    assert [r.method for r in written] == ["PUT"] * 11
    assert {r.path.rsplit("/", 1)[1] for r in written} == changed

    second = run_cli_process(
        "apply", "targets-update", *UPDATE, "--yes", env=env_for(srv), cwd=tmp_path
    )

    assert second.returncode == 0, second.stderr
    assert "Plan: 0 to add, 0 to change, 0 to delete." in second.stdout
    assert len(writes(sandbox)) == 11
    outputs = [first.stdout, first.stderr, second.stdout, second.stderr]
    outputs += [(tmp_path / name).read_text() for name in ("report.json", "journal.jsonl")]
    assert not [text for text in outputs if leaks(text)]


def test_unknown_role_fails_naming_it_and_writes_nothing(server, tmp_path) -> None:
    sandbox, srv = server
    result = run_cli_process(
        "apply",
        "targets-update",
        "-p",
        "role=webb",
        "-p",
        "add_roles=api",
        "--yes",
        env=env_for(srv),
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "unknown role 'webb': did you mean 'web'?" in result.stderr
    assert writes(sandbox) == []
