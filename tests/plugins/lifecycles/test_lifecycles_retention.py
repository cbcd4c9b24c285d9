"""``lifecycles-retention`` end to end: the CLI against a loopback sandbox over HTTP."""

from __future__ import annotations

import pytest

from octoflow.testing import apply_and_replan, plan_recipe
from tests.e2e.support import writes

SPACE = "/api/Spaces-1"
THIRTY_DAYS = {"Unit": "Days", "QuantityToKeep": 30, "ShouldKeepForever": False}


def retention(api) -> dict[str, tuple[dict, dict]]:
    return {
        doc["Name"]: (doc["ReleaseRetentionPolicy"], doc["TentacleRetentionPolicy"])
        for doc in api.get(f"{SPACE}/lifecycles/all")
    }


def test_every_lifecycle_keeps_30_days_and_a_second_plan_is_empty(server, server_api, cli):
    sandbox, _srv = server
    before = server_api.get(f"{SPACE}/lifecycles/all")

    code, out, err = cli("apply", "lifecycles-retention", "-p", "lifecycle=*", "--yes")

    assert code == 0, err
    for name, policies in retention(server_api).items():
        for policy in policies:
            assert {k: policy[k] for k in THIRTY_DAYS} == THIRTY_DAYS, name
    # Only the retention changed; the lifecycle already at 30 days was not written.
    for old, new in zip(before, server_api.get(f"{SPACE}/lifecycles/all"), strict=True):
        assert old["Phases"] == new["Phases"] and old["Name"] == new["Name"]
    assert [w.path for w in writes(sandbox) if w.method == "PUT"] == [
        f"{SPACE}/lifecycles/Lifecycles-1"
    ]
    code, out, err = cli("plan", "lifecycles-retention", "-p", "lifecycle=*")
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out


def test_named_lifecycles_and_days(server_api, cli) -> None:
    code, _out, err = cli(
        "apply",
        "lifecycles-retention",
        "-p",
        "lifecycle=Dev and Test Only",
        "-p",
        "days=7",
        "-p",
        "files=3",
        "--yes",
    )
    assert code == 0, err
    release, files = retention(server_api)["Dev and Test Only"]
    assert (release["QuantityToKeep"], files["QuantityToKeep"]) == (7, 3)
    assert retention(server_api)["Default Lifecycle"][0]["ShouldKeepForever"] is True


def test_bad_input_exits_2_and_writes_nothing(server, cli) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    code, _out, err = cli("apply", "lifecycles-retention", "-p", "lifecycle=Defualt", "--yes")
    assert code == 2
    assert "unknown lifecycle 'Defualt'; known: Default Lifecycle, Dev and Test Only" in err
    code, _out, err = cli("apply", "lifecycles-retention", "-p", "lifecycle=*", "-p", "days=0")
    assert code == 2
    assert "give a whole number above 0" in err
    code, _out, err = cli("apply", "lifecycles-retention", "-p", "lifecycle=")
    assert code == 2
    assert "write -p lifecycle=* to select every lifecycle on purpose" in err
    assert writes(sandbox) == []


@pytest.mark.parametrize("octoflow_server_version", ["2020.5"])
def test_on_a_2020_5_server_too(octo, octoflow_server_version) -> None:
    plan = plan_recipe(octo, "lifecycles-retention", lifecycle=["Default Lifecycle"], days=9)
    assert plan.server_version == "2020.5.0"
    apply_and_replan(octo, plan)
    doc = octo.client.get(f"{SPACE}/lifecycles/Lifecycles-1")
    assert doc["ReleaseRetentionPolicy"]["QuantityToKeep"] == 9
