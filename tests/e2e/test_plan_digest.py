"""The plan digest: the plan that was reviewed is the plan that is applied."""

from __future__ import annotations

import json
import re

import pytest

from octoflow import Octoflow
from octoflow.plan.model import Plan

EU_TO_PORTAL = ("-p", "tag=Region/EU", "-p", "project=Customer Portal", "-p", "environments=Test")
DIGEST_LINE = re.compile(r"plan digest: ([0-9a-f]{16}) \(apply with --expect-digest \1 ")


def printed_digest(err: str) -> str:
    found = DIGEST_LINE.search(err)
    assert found, err
    return found.group(1)


def portal_connections(server_api) -> int:
    portal = server_api.project_id("Customer Portal")
    return sum(portal in t["ProjectEnvironments"] for t in server_api.tenants())


def test_planning_twice_gives_the_same_digest_and_a_saved_plan_keeps_it() -> None:
    octo = Octoflow.with_sandbox("demo")
    params = {"tag": "Region/EU", "project": "Customer Portal", "environments": "Test"}
    first, second = (octo.plan_recipe("tenants-add-project", params) for _ in range(2))

    assert first.id != second.id
    assert first.digest == second.digest
    saved = first.to_json()
    assert saved["digest"] == first.digest
    assert Plan.from_json(json.loads(json.dumps(saved))).digest == first.digest


def test_a_different_change_has_a_different_digest() -> None:
    octo = Octoflow.with_sandbox("demo")
    test = octo.plan_recipe(
        "tenants-add-project",
        {"tag": "Region/EU", "project": "Customer Portal", "environments": "Test"},
    )
    prod = octo.plan_recipe(
        "tenants-add-project",
        {"tag": "Region/EU", "project": "Customer Portal", "environments": "Production"},
    )
    assert test.digest != prod.digest


def test_apply_with_the_reviewed_digest_applies(server_api, cli) -> None:
    code, _out, err = cli("plan", "tenants-add-project", *EU_TO_PORTAL)
    assert code == 0, err
    digest = printed_digest(err)
    before = portal_connections(server_api)

    code, out, err = cli(
        "apply", "tenants-add-project", *EU_TO_PORTAL, "--yes", "--expect-digest", digest
    )

    assert code == 0, err
    assert "Apply complete" in out
    assert portal_connections(server_api) > before


def test_a_server_changed_since_review_stops_apply_before_any_write(
    server, server_api, cli
) -> None:
    sandbox, _srv = server
    code, _out, err = cli("plan", "tenants-add-project", *EU_TO_PORTAL)
    digest = printed_digest(err)
    # someone connects one EU tenant meanwhile: the plan is now one operation shorter
    portal = server_api.project_id("Customer Portal")
    test_env = server_api.environment_ids("Test")
    eu = server_api.get("/api/Spaces-1/tenants", tags="Region/EU", take=1)["Items"][0]
    eu["ProjectEnvironments"][portal] = test_env
    server_api.put(f"/api/Spaces-1/tenants/{eu['Id']}", eu)
    connected = portal_connections(server_api)
    sandbox.clear_requests()

    code, out, err = cli(
        "apply", "tenants-add-project", *EU_TO_PORTAL, "--yes", "--expect-digest", digest
    )

    assert code == 2
    assert f"is not the one reviewed (digest {digest})" in err
    assert "nothing was applied" in err
    new = re.search(r"this plan \(digest ([0-9a-f]{16})\)", err).group(1)
    assert new != digest and f"apply it with --expect-digest {new}" in err
    assert "Plan:" in out  # the plan that would have run is shown for review
    assert [r for r in sandbox.requests if r.method != "GET"] == []
    assert portal_connections(server_api) == connected


def test_an_edited_plan_file_is_refused(server_api, cli, tmp_path) -> None:
    plan_file = tmp_path / "plan.json"
    code, _out, err = cli("plan", "tenants-add-project", *EU_TO_PORTAL, "--out", str(plan_file))
    digest = printed_digest(err)
    saved = json.loads(plan_file.read_text())
    assert saved["digest"] == digest
    saved["operations"] = saved["operations"][:1]
    plan_file.write_text(json.dumps(saved))
    before = portal_connections(server_api)

    code, _out, err = cli("apply", str(plan_file), "--yes", "--expect-digest", digest)

    assert code == 2
    assert "is not the one reviewed" in err
    assert portal_connections(server_api) == before


@pytest.mark.parametrize("value", ["abc", "zzzzzzzzzzzzzzzz", "6105f0788652b4d8aa"])
def test_a_malformed_digest_is_bad_input(cli, capsys, value) -> None:
    with pytest.raises(SystemExit) as done:
        cli("apply", "tenants-add-project", *EU_TO_PORTAL, "--yes", "--expect-digest", value)
    assert done.value.code == 2
    assert "16 hex digits" in capsys.readouterr().err


def test_expect_digest_needs_a_single_space(cli) -> None:
    code, _out, err = cli(
        "apply",
        "tenants-add-project",
        *EU_TO_PORTAL,
        "--all-spaces",
        "--yes",
        "--expect-digest",
        "0" * 16,
    )
    assert code == 2
    assert "--expect-digest names one plan" in err
