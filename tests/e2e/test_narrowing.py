"""``--only``, ``--exclude`` and ``--limit``: apply writes exactly what they keep."""

from __future__ import annotations

import pytest

EU_PORTAL = ("-p", "tag=Region/EU", "-p", "project=Customer Portal", "-p", "environments=Test")


def connected(server_api) -> set[str]:
    portal = server_api.project_id("Customer Portal")
    return {t["Name"] for t in server_api.tenants() if portal in t["ProjectEnvironments"]}


def eu_names(server_api) -> list[str]:
    return [t["Name"] for t in server_api.tenants() if "Region/EU" in t["TenantTags"]]


def test_only_applies_to_the_named_tenants_alone(server, server_api, cli) -> None:
    sandbox, _srv = server
    before = connected(server_api)
    targets = [n for n in eu_names(server_api) if n not in before][:2]
    sandbox.clear_requests()

    code, out, err = cli(
        "apply", "tenants-add-project", *EU_PORTAL, "--only", ",".join(targets), "--yes"
    )

    assert code == 0, err
    assert "narrowed by --only" in out and "2 of " in out
    assert connected(server_api) - before == set(targets)
    assert len([r for r in sandbox.requests if r.method == "PUT"]) == 2


def test_exclude_keeps_the_named_tenant_untouched(server_api, cli) -> None:
    before = connected(server_api)
    spared = next(n for n in eu_names(server_api) if n not in before)

    code, _out, err = cli("apply", "tenants-add-project", *EU_PORTAL, "--exclude", spared, "--yes")

    assert code == 0, err
    now = connected(server_api)
    assert spared not in now
    assert set(eu_names(server_api)) - {spared} <= now


def test_limit_applies_the_first_operations_and_a_replan_shows_the_rest(
    server_api, cli, tmp_path
) -> None:
    plan_file = tmp_path / "plan.json"
    code, _out, err = cli("plan", "tenants-add-project", *EU_PORTAL, "--out", str(plan_file))
    assert code == 0, err
    before = connected(server_api)

    code, out, err = cli("apply", str(plan_file), "--limit", "5", "--yes")

    assert code == 0, err
    assert "Apply complete: 5 changed" in out
    assert len(connected(server_api) - before) == 5
    code, out, _err = cli("plan", "tenants-add-project", *EU_PORTAL, "--format", "json")
    remaining = len(set(eu_names(server_api)) - connected(server_api))
    assert f'"change": {remaining}' in out


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (("--only", "Nobody Ltd"), "unknown resource 'Nobody Ltd'"),
        (("--exclude", ""), "--exclude '' holds a blank name"),
    ],
)
def test_a_bad_narrowing_exits_2_and_writes_nothing(server, cli, option, message) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    code, _out, err = cli("apply", "tenants-add-project", *EU_PORTAL, *option, "--yes")
    assert code == 2
    assert message in err
    assert [r for r in sandbox.requests if r.method != "GET"] == []
