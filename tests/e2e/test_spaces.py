"""One recipe across several spaces: a plan per space and one combined summary."""

from __future__ import annotations

import json
import re

import pytest

from octoflow.sandbox import Sandbox
from tests.e2e.support import api_for, api_of_state, run_cli


@pytest.fixture
def two_spaces(areas, tmp_path) -> str:
    """The demo state plus a space "Europe" with a Region tag set and three tenants."""
    sandbox = Sandbox(areas, seed="demo")
    api = api_for(sandbox)
    space = api.session.post(
        f"{api.base}/api/spaces", json={"Name": "Europe", "SpaceManagersTeams": ["Teams-1"]}
    ).json()
    base = f"{api.base}/api/{space['Id']}"
    for tag_set in (
        {"Name": "Region", "Tags": [{"Name": "EU"}, {"Name": "US"}]},
        {"Name": "Tier", "Tags": [{"Name": "Gold"}]},
    ):
        api.session.post(f"{base}/tagsets", json=tag_set).raise_for_status()
    for name in ("Berlin", "Paris", "Boston"):
        region = "Region/US" if name == "Boston" else "Region/EU"
        api.session.post(
            f"{base}/tenants", json={"Name": name, "TenantTags": [region]}
        ).raise_for_status()
    path = tmp_path / "two-spaces.json"
    sandbox.save(path)
    return str(path)


def eu_without_gold(api, space_id: str) -> int:
    return sum(
        1
        for t in api.get(f"/api/{space_id}/tenants/all")
        if "Region/EU" in t["TenantTags"] and "Tier/Gold" not in t["TenantTags"]
    )


def test_plan_per_space_with_a_combined_summary(two_spaces, capsys) -> None:
    code, out, err = run_cli(
        "plan",
        "tenants-tag",
        "--sandbox",
        two_spaces,
        "--space",
        "Default",
        "--space",
        "Europe",
        "-p",
        "tag=Region/EU",
        "-p",
        "add=Tier/Gold",
        capsys=capsys,
    )
    assert code == 0, err
    assert out.count("octoflow plan ") == 2
    assert "space Spaces-1" in out and "space Spaces-2" in out
    default_changes = int(re.search(r"Plan: 0 to add, (\d+) to change", out)[1])
    assert f"Across 2 spaces: 0 to add, {default_changes + 2} to change, 0 to delete." in out


def test_apply_in_every_space(areas, two_spaces, capsys) -> None:
    code, out, err = run_cli(
        "apply",
        "tenants-tag",
        "--sandbox",
        two_spaces,
        "--all-spaces",
        "-p",
        "tag=Region/EU",
        "-p",
        "add=Tier/Gold",
        "--yes",
        "--format",
        "json",
        capsys=capsys,
    )
    assert code == 0, err
    data = json.loads(out)
    assert [s["space"] for s in data["spaces"]] == ["Spaces-1", "Spaces-2"]
    assert data["spaces"][1]["report"]["recap"]["changed"] == 2
    api = api_of_state(areas, two_spaces)
    assert eu_without_gold(api, "Spaces-1") == eu_without_gold(api, "Spaces-2") == 0


def test_a_bad_name_in_one_space_stops_every_space(areas, two_spaces, capsys) -> None:
    before = api_of_state(areas, two_spaces)
    pending = eu_without_gold(before, "Spaces-1")
    code, _out, err = run_cli(
        "apply",
        "tenants-tag",
        "--sandbox",
        two_spaces,
        "--all-spaces",
        "-p",
        "tag=Region/EU",
        "-p",
        "add=Tier/Silver",
        "--yes",
        capsys=capsys,
    )
    assert code == 2
    assert "unknown tag 'Tier/Silver'" in err
    assert eu_without_gold(api_of_state(areas, two_spaces), "Spaces-1") == pending


def test_space_and_all_spaces_conflict(two_spaces, capsys) -> None:
    code, _out, err = run_cli(
        "plan",
        "tenants-tag",
        "--sandbox",
        two_spaces,
        "--all-spaces",
        "--space",
        "Default",
        "-p",
        "tag=Region/EU",
        "-p",
        "add=Tier/Gold",
        capsys=capsys,
    )
    assert code == 2 and "not both" in err
