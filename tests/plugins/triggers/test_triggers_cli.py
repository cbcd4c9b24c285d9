"""``triggers-toggle`` end to end: the CLI against a loopback sandbox over HTTP, results
checked through the API, convergence, bad input, the wide guard, every space."""

from __future__ import annotations

import pytest

from octoflow.sandbox import Sandbox
from tests.e2e.support import api_for, api_of_state, run_cli, writes

SPACE = "/api/Spaces-1"
FREEZE = ("-p", "type=scheduled", "-p", "enabled=false")


def disabled(api, space: str = "Spaces-1") -> set[str]:
    return {t["Name"] for t in api.get(f"/api/{space}/projecttriggers/all") if t["IsDisabled"]}


def test_the_freeze_disables_every_scheduled_trigger_and_converges(server, server_api, cli) -> None:
    sandbox, _srv = server
    assert disabled(server_api) == set()

    code, out, err = cli("apply", "triggers-toggle", *FREEZE, "--yes")

    assert code == 0, err
    assert disabled(server_api) == {"Nightly promotion to Test", "Weekly rebuild"}
    assert len(writes(sandbox)) == 2
    code, out, err = cli("plan", "triggers-toggle", *FREEZE)
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    thaw = ("-p", "project=Marketing Site", "-p", "enabled=true")
    code, out, err = cli("apply", "triggers-toggle", *thaw, "--yes")
    assert code == 0, err
    assert disabled(server_api) == {"Weekly rebuild"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-p", "type=schedule", "-p", "enabled=false"), "did you mean 'scheduled'"),
        (("-p", "enabled=false"), "triggers-toggle needs a selection"),
        (("-p", "project=", "-p", "enabled=false"), "parameter 'project' is empty"),
        (("-p", "type=,", "-p", "enabled=false"), "parameter 'type' is empty"),
        (("-p", "type=scheduled", "-p", "enabled=maybe"), "enabled"),
        (
            (
                "-p",
                "type=scheduled",
            ),
            "missing parameter 'enabled'",
        ),
        (("-p", "project=Marketing Sight", "-p", "enabled=false"), "did you mean 'Marketing Site'"),
        (("-p", "name=Weekly", "-p", "enabled=false"), "did you mean 'Weekly rebuild'"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(server, cli, args, message) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    code, out, err = cli("apply", "triggers-toggle", *args, "--yes")
    assert code == 2
    assert message in err
    assert writes(sandbox) == []


def test_every_trigger_past_a_threshold_is_refused_without_allow_wide(
    server, server_api, cli
) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    every = ("triggers-toggle", "-p", "type=*", "-p", "enabled=false", "--yes")
    code, out, err = cli("apply", *every, "--wide-above", "50%,2")
    assert code == 2
    assert "selects 3 of 3 triggers: a wide change" in out
    assert writes(sandbox) == []
    code, out, err = cli("apply", *every, "--wide-above", "50%,2", "--allow-wide")
    assert code == 0, err
    assert len(disabled(server_api)) == 3


def test_every_trigger_of_a_few_on_purpose_is_not_wide(server, server_api, cli) -> None:
    code, out, err = cli("apply", "triggers-toggle", "-p", "type=*", "-p", "enabled=false", "--yes")
    assert code == 0, err
    assert "selects all 3 triggers" in out and "WIDE" not in out
    assert len(disabled(server_api)) == 3


@pytest.fixture
def two_spaces(areas, tmp_path) -> str:
    """The demo state plus a space "Europe" with one project and its scheduled trigger."""
    sandbox = Sandbox(areas, seed="demo")
    api = api_for(sandbox)
    post = lambda path, body: api.session.post(f"{api.base}{path}", json=body).json()  # noqa: E731
    space = post("/api/spaces", {"Name": "Europe", "SpaceManagersTeams": ["Teams-1"]})
    base = f"/api/{space['Id']}"
    (lifecycle,) = api.get(f"{base}/lifecycles/all")  # a new space has one
    group = post(f"{base}/projectgroups", {"Name": "Apps"})
    project = post(
        f"{base}/projects",
        {"Name": "Berlin Portal", "ProjectGroupId": group["Id"], "LifecycleId": lifecycle["Id"]},
    )
    trigger = {
        "Name": "Hourly",
        "ProjectId": project["Id"],
        "Filter": {"FilterType": "CronExpressionSchedule", "CronExpression": "0 0 * * * *"},
        "Action": {"ActionType": "CreateRelease"},
    }
    assert "Id" in post(f"{base}/projecttriggers", trigger)
    path = tmp_path / "two-spaces.json"
    sandbox.save(path)
    return str(path)


def test_the_freeze_in_every_space(areas, two_spaces, capsys) -> None:
    code, out, err = run_cli(
        "apply", "triggers-toggle", "--sandbox", two_spaces, "--all-spaces", *FREEZE, "--yes",
        capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    api = api_of_state(areas, two_spaces)
    assert disabled(api) == {"Nightly promotion to Test", "Weekly rebuild"}
    assert disabled(api, "Spaces-2") == {"Hourly"}
