"""``targets-update`` with bad input: one clear message, a non-zero exit, no writes."""

from __future__ import annotations

import pytest

from tests.e2e.support import writes


def update(**params: str) -> tuple[str, ...]:
    params = {"role": "web", "environment": "Test", "add_roles": "api", **params}
    pairs = [arg for name, value in params.items() if value for arg in ("-p", f"{name}={value}")]
    return ("apply", "targets-update", *pairs, "--yes")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (update(role="wbe"), "unknown role 'wbe': did you mean 'web'?"),
        (update(environment="Tset"), "unknown environment 'Tset': did you mean 'Test'?"),
        (update(tenant_tag="Region/Mars"), "unknown tag 'Region/Mars'"),
        (update(tenant_tag="Hosting/Cloud"), "which is not available to tenants"),
        (update(tenant_tag="Gold"), "tag 'Gold' is not a canonical tag name"),
        (update(add_environments="Prod"), "unknown environment 'Prod': did you mean 'Production'"),
        (update(remove_roles="dbb"), "unknown role 'dbb': did you mean 'db'?"),
        (
            update(add_roles="", remove_roles="web"),
            "would leave 9 target(s) without a role: 'test-web-04', ",
        ),
        (
            update(add_roles="", environment="Staging", remove_environments="Staging"),
            "without an environment: 'stage-",
        ),
    ],
)
def test_plan_problems_exit_2_and_write_nothing(server, cli, args, expected) -> None:
    sandbox, _srv = server
    code, out, err = cli(*args)
    assert code == 2, err
    assert expected in err
    assert "nothing was changed" in err
    assert writes(sandbox) == []


def test_every_problem_is_reported_in_one_run(server, cli) -> None:
    sandbox, _srv = server
    code, _out, err = cli(*update(role="wbe", environment="Tset", add_environments="Moon"))
    assert code == 2
    assert "3 problem(s)" in err
    assert "'wbe'" in err and "'Tset'" in err and "'Moon'" in err
    assert writes(sandbox) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (update(role="", environment=""), "targets-update needs a selector"),
        (update(add_roles=""), "targets-update needs a change"),
        (
            ("plan", "targets-update", "-p", "roles=web", "-p", "add_roles=api"),
            "unknown parameter 'roles': did you mean 'role' or 'add_roles'?",
        ),
        (("plan", "targets-update", "-p", "role"), "malformed parameter 'role'"),
        (("plan", "target-update"), "did you mean 'targets-update'"),
    ],
)
def test_usage_errors_exit_2(server, cli, args, expected) -> None:
    sandbox, _srv = server
    code, _out, err = cli(*args)
    assert code == 2
    assert expected in err
    assert writes(sandbox) == []


def test_a_key_without_machine_edit_exits_3_with_the_servers_reason(server, cli) -> None:
    sandbox, _srv = server
    sandbox.settings.add_fault(
        {"status": 403, "permission": "MachineEdit", "method": "PUT", "times": None}
    )
    code, out, _err = cli(*update(), "--concurrency", "2")
    assert code == 3
    assert "Apply stopped early: " in out and "403" in out
    assert "Missing permission: MachineEdit" in out
    refused = writes(sandbox)
    assert refused and {r.status for r in refused} == {403}
    assert len(refused) <= 2  # at most the writes already in flight; the rest never start


def test_a_key_without_machine_view_stops_before_planning(server, cli) -> None:
    sandbox, _srv = server
    sandbox.settings.add_fault(
        {"status": 403, "permission": "MachineView", "path_contains": "/machines", "times": None}
    )
    code, _out, err = cli(*update())
    assert code == 3
    assert "Missing permission: MachineView" in err and "None of your teams" in err
    assert writes(sandbox) == []
