"""``channels-ensure`` end to end: the CLI against a loopback sandbox over HTTP, results
checked through the API, convergence, bad input, and several spaces at once."""

from __future__ import annotations

from typing import Any

import pytest

from octoflow.sandbox import Sandbox
from tests.e2e.support import api_for, api_of_state, run_cli, writes

SPACE = "/api/Spaces-1"
CUSTOMER_APPS = ("-p", "group=Customer Apps", "-p", "name=Hotfix")


def hotfix_channels(api, space: str = "Spaces-1") -> dict[str, dict[str, Any]]:
    return {
        c["ProjectId"]: c for c in api.get(f"/api/{space}/channels/all") if c["Name"] == "Hotfix"
    }


def test_channels_ensure_makes_the_channel_with_its_rule_and_converges(
    server, server_api, cli
) -> None:
    sandbox, _srv = server
    group = next(
        g for g in server_api.get(f"{SPACE}/projectgroups/all") if g["Name"] == "Customer Apps"
    )
    projects = [
        p for p in server_api.get(f"{SPACE}/projects/all") if p["ProjectGroupId"] == group["Id"]
    ]
    others_before = {k: v for k, v in hotfix_channels(server_api).items()}
    args = (*CUSTOMER_APPS, "-p", "prerelease=^hotfix", "-p", "lifecycle=Dev and Test Only")

    code, out, err = cli("apply", "channels-ensure", *args, "--yes")

    assert code == 0, err
    after = hotfix_channels(server_api)
    for project in projects:
        channel = after[project["Id"]]
        assert channel["LifecycleId"] == "Lifecycles-2"
        (rule,) = channel["Rules"]
        assert rule["Tag"] == "^hotfix"
        assert rule["ActionPackages"] == [{"DeploymentAction": "Deploy", "PackageReference": ""}]
    assert {k: v for k, v in after.items() if k in others_before} == others_before
    assert len(writes(sandbox)) == len(projects)
    code, out, err = cli("plan", "channels-ensure", *args)
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-p", "group=Customer Aps", "-p", "name=Hotfix"), "did you mean 'Customer Apps'"),
        ((*CUSTOMER_APPS, "-p", "lifecycle=Nope"), "unknown lifecycle 'Nope'"),
        ((*CUSTOMER_APPS, "-p", "tenant_tags=Tier/Platinum"), "unknown tag 'Tier/Platinum'"),
        (("-p", "name=Hotfix"), "needs -p project=… or -p group=…"),
        (("-p", "project=", "-p", "name=Hotfix"), "parameter 'project' is empty"),
        ((*CUSTOMER_APPS, "-p", "prerelease="), "parameter 'prerelease' is empty"),
        (("-p", "group=Customer Apps"), "missing parameter 'name'"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(server, cli, args, message) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    code, out, err = cli("apply", "channels-ensure", *args, "--yes")
    assert code == 2
    assert message in err
    assert writes(sandbox) == []


def test_every_project_is_a_wide_change_refused_without_allow_wide(server, cli) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    code, out, err = cli("apply", "channels-ensure", "-p", "project=*", "-p", "name=Beta", "--yes")
    assert code == 2
    assert "a wide change" in out + err
    assert writes(sandbox) == []


@pytest.fixture
def two_spaces(areas, tmp_path) -> str:
    """The demo state plus a space "Europe": two Customer Apps projects and another."""
    sandbox = Sandbox(areas, seed="demo")
    api = api_for(sandbox)
    post = lambda path, body: api.session.post(f"{api.base}{path}", json=body).json()  # noqa: E731
    space = post("/api/spaces", {"Name": "Europe", "SpaceManagersTeams": ["Teams-1"]})
    base = f"/api/{space['Id']}"
    (lifecycle,) = api.get(f"{base}/lifecycles/all")  # a new space has one
    group = post(f"{base}/projectgroups", {"Name": "Customer Apps"})
    other = post(f"{base}/projectgroups", {"Name": "Ops"})
    members = [("Berlin Portal", group), ("Paris Portal", group), ("Ops Tools", other)]
    for name, project_group in members:
        body = {"Name": name, "ProjectGroupId": project_group["Id"], "LifecycleId": lifecycle["Id"]}
        assert "Id" in post(f"{base}/projects", body)
    path = tmp_path / "two-spaces.json"
    sandbox.save(path)
    return str(path)


def test_channels_ensure_in_several_spaces(areas, two_spaces, capsys) -> None:
    code, out, err = run_cli(
        "apply", "channels-ensure", "--sandbox", two_spaces, "--space", "Default",
        "--space", "Europe", "-p", "group=Customer Apps", "-p", "name=Hotfix", "--yes",
        capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "space Spaces-1" in out and "space Spaces-2" in out
    api = api_of_state(areas, two_spaces)
    europe = {p["Id"] for p in api.get("/api/Spaces-2/projects/all") if p["Name"] != "Ops Tools"}
    assert set(hotfix_channels(api, "Spaces-2")) == europe
    default_group = next(
        g["Id"] for g in api.get(f"{SPACE}/projectgroups/all") if g["Name"] == "Customer Apps"
    )
    default = {
        p["Id"] for p in api.get(f"{SPACE}/projects/all") if p["ProjectGroupId"] == default_group
    }
    assert default <= set(hotfix_channels(api))


def test_undo_takes_the_channels_back(server_api, cli, tmp_path) -> None:
    """A created channel is deleted again and a changed one gets its rules back."""
    before = {c["Id"]: c for c in server_api.get(f"{SPACE}/channels/all")}
    journal = tmp_path / "channels.jsonl"
    args = ("-p", "project=Aspen Web,Customer Portal", "-p", "name=Hotfix")
    code, out, err = cli(
        "apply", "channels-ensure", *args, "-p", "prerelease=^hotfix", "--yes",
        "--journal", str(journal),
    )  # fmt: skip
    assert code == 0, err
    assert "1 to add, 1 to change" in out

    code, out, err = cli("undo", str(journal), "--yes", "--journal", str(tmp_path / "u.jsonl"))

    assert code == 0, err
    after = {c["Id"]: c for c in server_api.get(f"{SPACE}/channels/all")}
    assert set(after) == set(before)
    for channel_id, channel in before.items():
        assert after[channel_id]["Rules"] == channel["Rules"]
