"""``projects-clone`` end to end: the CLI against a loopback sandbox over HTTP (and a
saved sandbox with more spaces): copies have the source's settings and steps with new
ids and references found in their own space, a second plan is empty, bad input writes
nothing."""

from __future__ import annotations

from typing import Any

import pytest

from octoflow.sandbox import Sandbox
from tests.e2e.support import api_for, api_of_state, run_cli, writes

SPACE = "/api/Spaces-1"
CLONE = ("projects-clone", "-p", "from=Customer Portal", "-p", "names=Portal EU,Portal US")
#: Project fields a copy has as the source has them (ids of the same space).
SAME = (
    "ProjectGroupId",
    "LifecycleId",
    "IncludedLibraryVariableSetIds",
    "TenantedDeploymentMode",
    "DefaultGuidedFailureMode",
    "DiscreteChannelRelease",
    "ProjectConnectivityPolicy",
)


def project(api, name: str, space: str = "Spaces-1") -> dict[str, Any]:
    return next(p for p in api.get(f"/api/{space}/projects/all") if p["Name"] == name)


def steps(api, doc: dict[str, Any]) -> list[dict[str, Any]]:
    return api.get(f"/api/{doc['SpaceId']}/deploymentprocesses/{doc['DeploymentProcessId']}")[
        "Steps"
    ]


def test_clones_settings_and_process_then_converges(cli, server, server_api) -> None:
    sandbox, _srv = server
    source = project(server_api, "Customer Portal")
    source_steps = steps(server_api, source)

    code, out, err = cli("apply", *CLONE, "--yes")

    assert code == 0, err
    assert "Plan: 2 to add, 0 to change, 0 to delete, 2 to run." in out
    for name in ("Portal EU", "Portal US"):
        copy = project(server_api, name)
        assert {f: copy[f] for f in SAME} == {f: source[f] for f in SAME}
        copied = steps(server_api, copy)
        assert [s["Name"] for s in copied] == [s["Name"] for s in source_steps]
        assert not {s["Id"] for s in copied} & {s["Id"] for s in source_steps}
        for mine, theirs in zip(copied, source_steps, strict=True):
            action, original = mine["Actions"][0], theirs["Actions"][0]
            assert action["Properties"] == original["Properties"]
            assert action["Environments"] == original["Environments"]
            assert action["Id"] != original["Id"]
    written = len(writes(sandbox))
    code, out, err = cli("plan", *CLONE)
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert len(writes(sandbox)) == written


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (("from=Customer Portl", "names=X"), "unknown project 'Customer Portl': did you mean"),
        (("from=Atlas Web", "names=X"), "project 'Atlas Web' is version-controlled"),
        (("from=Customer Portal", "names=X", "group=Customer App"), "unknown project group"),
        (("from=Customer Portal", "names=X", "from_space=Defualt"), "unknown space 'Defualt'"),
        (("from=Customer Portal", "names="), "'names'"),
    ],
)
def test_bad_input_is_a_plan_error_and_writes_nothing(cli, server, params, message) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    args = [a for p in params for a in ("-p", p)]

    code, out, err = cli("apply", "projects-clone", *args, "--yes")

    assert code == 2
    assert message in out + err
    assert writes(sandbox) == []


def furnish(api, space_id: str, environments: tuple[str, ...]) -> None:
    """What Customer Portal refers to, by name, in another space."""
    base = f"{api.base}/api/{space_id}"
    for path, body in (
        ("projectgroups", {"Name": "Customer Apps"}),
        ("libraryvariablesets", {"Name": "Customer Settings"}),
        ("tagsets", {"Name": "Tier", "Tags": [{"Name": "Gold"}]}),
        *(("environments", {"Name": e}) for e in environments),
    ):
        api.session.post(f"{base}/{path}", json=body).raise_for_status()


@pytest.fixture
def spaces(areas, tmp_path) -> str:
    """The demo plus "Europe" and "Asia", which have what Customer Portal uses, and
    "Bare", which lacks its Production environment."""
    sandbox = Sandbox(areas, seed="demo")
    api = api_for(sandbox)
    for name, environments in (
        ("Europe", ("Development", "Production")),
        ("Asia", ("Production", "Development")),
        ("Bare", ("Development",)),
    ):
        body = {"Name": name, "SpaceManagersTeams": ["Teams-1"]}
        space = api.session.post(f"{api.base}/api/spaces", json=body).json()
        furnish(api, space["Id"], environments)
    path = tmp_path / "spaces.json"
    sandbox.save(path)
    return str(path)


def test_space_repeated_clones_into_each_space(areas, spaces, capsys) -> None:
    code, out, err = run_cli(
        "apply", "projects-clone", "--sandbox", spaces, "--space", "Europe", "--space", "Asia",
        "-p", "from=Customer Portal", "-p", "from_space=Default", "-p", "names=Customer Portal",
        "--yes", capsys=capsys,
    )  # fmt: skip

    assert code == 0, err
    api = api_of_state(areas, spaces)
    source_steps = steps(api, project(api, "Customer Portal"))
    for space in ("Spaces-2", "Spaces-3"):
        copy = project(api, "Customer Portal", space)
        environments = {e["Name"]: e["Id"] for e in api.get(f"/api/{space}/environments/all")}
        feed = api.get(f"/api/{space}/feeds/all")[0]
        copied = {s["Name"]: s["Actions"][0] for s in steps(api, copy)}
        assert list(copied) == [s["Name"] for s in source_steps]
        assert copied["Notify Gold customers"]["Environments"] == [environments["Production"]]
        assert copied["Smoke test"]["ExcludedEnvironments"] == [environments["Development"]]
        assert copied["Deploy"]["Packages"][0]["FeedId"] == feed["Id"]
        assert copied["Deploy"]["Properties"]["Octopus.Action.Package.FeedId"] == feed["Id"]
        assert copy["ProjectGroupId"] == project_group(api, space, "Customer Apps")


def project_group(api, space: str, name: str) -> str:
    return next(g["Id"] for g in api.get(f"/api/{space}/projectgroups/all") if g["Name"] == name)


def test_a_space_lacking_what_the_steps_use_is_a_plan_error(areas, spaces, capsys) -> None:
    code, out, err = run_cli(
        "apply", "projects-clone", "--sandbox", spaces, "--space", "Bare",
        "-p", "from=Customer Portal", "-p", "from_space=Default", "-p", "names=Customer Portal",
        "--yes", capsys=capsys,
    )  # fmt: skip

    assert code == 2
    assert "project 'Customer Portal' uses environment 'Production', which this space lacks" in err
    api = api_of_state(areas, spaces)
    assert api.get("/api/Spaces-4/projects/all") == []
