"""Releases in the sandbox: creation with the server's validation, the routes, the demo
seed's releases and feed version search by version range and pre-release tag."""

from __future__ import annotations

from typing import Any

import pytest
from octoflow_plugins.deployments.sandbox.releases import create_release

from octoflow.sandbox import Sandbox
from octoflow.sandbox.core.versions import in_version_range, matches_tag
from octoflow.sandbox.errors import SandboxError
from tests.sandbox.conftest import Client, in_process
from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
RELEASES = SPACE + "/releases"
BILLING = "Projects-2"  # Billing API: releases 1.0.0-1.2.0 (Releases-1..3)
COMPASS = "Projects-19"  # Compass Web: Default (Channels-19) and Hotfix (Channels-201)
HOTFIX = "Channels-201"
#: The projects the demo seed gives releases (sandbox_seed_releases).
SEEDED = {BILLING} | {f"Projects-{n}" for n in (*range(16, 26), 27, 28)}
PROBLEM = "There was a problem with your request."
BAD_VERSION = (
    "The release number '{}' does not appear to be a valid semantic version number. The "
    "version must consist of between 1 and 4 number only parts (separated by '.') before the "
    "optional pre-release part (after the '-'). e.g. 2, 2.1, 2.4.0.23, 2.4-beta and 1-beta.2"
)


@pytest.fixture(scope="module")
def api(areas) -> Client:
    return in_process(Sandbox(areas, seed="demo"))


def packages(api: Client, project_id: str, version: str, channel: str | None = None) -> list:
    query = {"channel": channel} if channel else {}
    template = api.json(f"{SPACE}/projects/{project_id}/deploymentprocesses/template", **query)
    return [
        {"ActionName": p["ActionName"], "PackageReferenceName": "", "Version": version}
        for p in template["Packages"]
    ]


def refused(response: Any, message: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"ErrorMessage": PROBLEM, "Errors": [message]}


# -- the demo seed ----------------------------------------------------------------------------


def test_the_demo_releases_match_the_schema_and_the_seed_facts(api) -> None:
    page = api.json(RELEASES, take=500)
    validate("ReleaseResourceResourceCollection", page)
    assert page["ItemType"] == "Release"
    seeded = [r for r in page["Items"] if r["ProjectId"] in SEEDED]
    assert len(seeded) == 40 and {r["ProjectId"] for r in seeded} == SEEDED
    assert [r["Version"] for r in seeded][:2] == ["1.2.1", "1.2.0"]
    assert seeded[0]["ChannelId"] == HOTFIX
    stamps = [r["Assembled"] for r in page["Items"]]
    assert stamps == sorted(stamps, reverse=True)
    for release in seeded:
        validate("ReleaseResource", release)
        assert release["ReleaseNotes"] and release["SelectedPackages"]
    billing = api.json(f"{SPACE}/projects/{BILLING}/releases")["Items"]
    assert [r["Version"] for r in billing] == ["1.2.0", "1.1.0", "1.0.0"]
    assert [r["Id"] for r in billing] == ["Releases-3", "Releases-2", "Releases-1"]


def test_demo_releases_pick_stable_feed_versions_in_order(api) -> None:
    releases = api.json(f"{SPACE}/projects/{BILLING}/releases")["Items"]
    feed = api.json(
        SPACE + "/feeds/feeds-builtin/packages/versions",
        packageId="OctoDemo.BillingApi",
        includePreRelease="false",
    )
    stable = sorted(v["Version"] for v in feed["Items"])
    chosen = [r["SelectedPackages"][0]["Version"] for r in reversed(releases)]
    assert chosen == stable[:3]
    assert releases[0]["SelectedPackages"][0] == {
        "ActionName": "Deploy",
        "StepName": "Deploy",
        "PackageReferenceName": "",
        "Version": chosen[2],
    }


def test_compass_web_has_two_channels_with_version_rules(api) -> None:
    channels = api.json(f"{SPACE}/projects/{COMPASS}/channels")["Items"]
    rules = {c["Name"]: c["Rules"] for c in channels}
    assert rules["Default"][0]["Tag"] == "^$"
    assert rules["Hotfix"][0]["Tag"] == "^hotfix"
    assert rules["Hotfix"][0]["VersionRange"].startswith("[1.")
    for channel in channels:
        validate("ChannelResource", channel)
    hotfix = api.json(f"{SPACE}/channels/{HOTFIX}/releases")
    assert [r["Version"] for r in hotfix["Items"]] == ["1.2.1"]
    assert "-hotfix.1" in hotfix["Items"][0]["SelectedPackages"][0]["Version"]
    assert api.json(f"{SPACE}/channels/Channels-19/releases")["TotalResults"] == 3


def test_the_process_template_reflects_the_releases(api) -> None:
    template = api.json(f"{SPACE}/projects/{BILLING}/deploymentprocesses/template")
    assert template["LastReleaseVersion"] == "1.2.0"
    assert template["NextVersionIncrement"] == "1.2.1"
    last = api.json(RELEASES + "/Releases-3")["SelectedPackages"][0]["Version"]
    assert template["Packages"][0]["VersionSelectedLastRelease"] == last


# -- creating -------------------------------------------------------------------------------------


def test_a_release_is_created_with_a_frozen_process_and_links(fresh_api) -> None:
    body = {
        "ProjectId": BILLING,
        "Version": "2.0.0-rc.1",
        "ReleaseNotes": "Candidate",
        "SelectedPackages": packages(fresh_api, BILLING, "9.9.9"),
        "Extra": {"Kept": True},
    }
    answer = fresh_api.post(RELEASES, body)
    assert answer.status_code == 201, answer.text
    release = answer.json()
    validate("ReleaseResource", release)
    assert release["ChannelId"] == "Channels-2" and release["IgnoreChannelRules"] is False
    assert release["Extra"] == {"Kept": True}
    assert release["SelectedPackages"][0]["Version"] == "9.9.9"  # not in the feed: accepted
    frozen = fresh_api.json(release["Links"]["ProjectDeploymentProcessSnapshot"])
    live = fresh_api.json(f"{SPACE}/deploymentprocesses/deploymentprocess-{BILLING}")
    assert frozen["Steps"] == live["Steps"] and frozen["Id"].startswith(live["Id"] + "-s-")
    assert fresh_api.json(release["Links"]["Self"]) == release
    assert fresh_api.json(f"{SPACE}/projects/{BILLING}/releases/2.0.0-RC.1") == release
    template = fresh_api.json(f"{SPACE}/deploymentprocesses/deploymentprocess-{BILLING}/template")
    assert template["LastReleaseVersion"] == "2.0.0-rc.1"


def test_releases_share_a_frozen_process_until_it_changes(fresh_api) -> None:
    first = fresh_api.json(RELEASES + "/Releases-1")
    second = fresh_api.json(RELEASES + "/Releases-2")
    assert (
        first["ProjectDeploymentProcessSnapshotId"] == second["ProjectDeploymentProcessSnapshotId"]
    )
    path = f"{SPACE}/deploymentprocesses/deploymentprocess-{BILLING}"
    process = fresh_api.json(path)
    process["Steps"][0]["Actions"][0]["Notes"] = "changed"
    assert fresh_api.put(path, process).status_code == 200
    template = fresh_api.json(RELEASES + "/Releases-3/deployments/template")
    assert template["IsDeploymentProcessModified"] is True
    body = {
        "ProjectId": BILLING,
        "Version": "1.3.0",
        "SelectedPackages": packages(fresh_api, BILLING, "1.0.0"),
    }
    third = fresh_api.post(RELEASES, body).json()
    assert (
        third["ProjectDeploymentProcessSnapshotId"] != first["ProjectDeploymentProcessSnapshotId"]
    )
    frozen = fresh_api.json(
        f"{SPACE}/deploymentprocesses/{third['ProjectDeploymentProcessSnapshotId']}"
    )
    assert frozen["Steps"][0]["Actions"][0]["Notes"] == "changed"
    assert fresh_api.put(f"{SPACE}/deploymentprocesses/{frozen['Id']}", frozen).status_code == 400
    listed = fresh_api.json(SPACE + "/deploymentprocesses", take=500)
    assert listed["TotalResults"] == 194


def test_camel_case_bodies_and_every_space_form_are_accepted(fresh_api) -> None:
    body = {
        "projectId": BILLING,
        "version": "3.0.0",
        "selectedPackages": [
            {"stepName": "Deploy", "packageReferenceName": "", "version": "1.0.0"}
        ],
    }
    created = fresh_api.post("/api/spaces/default/releases", body)
    assert created.status_code == 201, created.text
    assert created.json()["SelectedPackages"][0]["ActionName"] == "Deploy"
    assert fresh_api.json("/api/releases/" + created.json()["Id"])["Version"] == "3.0.0"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ProjectId": None}, "No project ID was specified."),
        ({"ProjectId": "Projects-999"}, "The project 'Projects-999' does not exist in Spaces-1."),
        ({"Version": None}, "The Version field is required."),
        ({"Version": "1.2.3.4.5"}, BAD_VERSION.format("1.2.3.4.5")),
        ({"Version": "v1"}, BAD_VERSION.format("v1")),
        ({"Version": "1.0-"}, BAD_VERSION.format("1.0-")),
        (
            {"Version": "1.1.0"},
            "Release '1.1.0' already exists for this project. Please use a different version, "
            "or look at using a mask to auto-increment the number.",
        ),
        ({"SelectedPackages": []}, "A version must be specified for every included package."),
        (
            {"SelectedPackages": [{"ActionName": "Deploy", "Version": " "}]},
            "A version must be specified for every included package.",
        ),
        (
            {"ChannelId": "Channels-1"},
            "The channel Default specified for this release belongs to the project Projects-1. "
            "It does not belong to the same project as the release.",
        ),
        ({"ChannelId": "Channels-9999"}, "The channel 'Channels-9999' does not exist in Spaces-1."),
        (
            {"VersionControlReference": {"GitRef": "refs/heads/main"}},
            "Unexpected VersionControlReference provided. Please remove this value or enable "
            "version control on this project",
        ),
    ],
)
def test_invalid_releases_are_refused_with_the_server_texts(fresh_api, change, message) -> None:
    body = {"ProjectId": BILLING, "Version": "4.0.0"}
    body["SelectedPackages"] = packages(fresh_api, BILLING, "1.0.0")
    body.update(change)
    before = fresh_api.json(RELEASES)["TotalResults"]
    refused(fresh_api.post(RELEASES, body), message)
    assert fresh_api.json(RELEASES)["TotalResults"] == before


def test_a_disabled_project_gets_no_release(fresh_api) -> None:
    disabled = next(p for p in fresh_api.json(SPACE + "/projects/all") if p["Name"] == "Umber Web")
    body = {"ProjectId": disabled["Id"], "Version": "1.0.0"}
    refused(
        fresh_api.post(RELEASES, body), "The project is disabled, so releases cannot be created"
    )


def test_a_version_controlled_project_needs_a_git_ref(fresh_api) -> None:
    atlas = next(p for p in fresh_api.json(SPACE + "/projects/all") if p["Name"] == "Atlas Web")
    body: dict[str, Any] = {"ProjectId": atlas["Id"], "Version": "1.0.0"}
    refused(
        fresh_api.post(RELEASES, body),
        "Creating a release for a version controlled process requires GitRef to be set on "
        "VersionControlReference",
    )
    body["VersionControlReference"] = {"GitRef": "refs/heads/main"}
    process = fresh_api.json(f"{SPACE}/projects/{atlas['Id']}/main/deploymentprocesses")
    body["SelectedPackages"] = [
        {"ActionName": a["Name"], "PackageReferenceName": p.get("Name") or "", "Version": "1.0.0"}
        for step in process["Steps"]
        for a in step["Actions"]
        for p in a["Packages"]
    ]
    assert body["SelectedPackages"]  # the process at main has package steps
    created = fresh_api.post(RELEASES, body).json()
    assert created["VersionControlReference"]["GitRef"] == "refs/heads/main"
    assert len(created["VersionControlReference"]["GitCommit"]) == 40


def test_a_channel_is_needed_when_no_default_exists(fresh_api) -> None:
    default = fresh_api.json(f"{SPACE}/channels/Channels-19")
    default["IsDefault"] = False
    assert fresh_api.put(f"{SPACE}/channels/Channels-19", default).status_code == 200
    body = {"ProjectId": COMPASS, "Version": "5.0.0", "SelectedPackages": []}
    refused(
        fresh_api.post(RELEASES, body),
        "A channelId must be provided for a release when more than one exists for that project "
        "and no default channel has been specified.",
    )


def test_channel_version_rules_are_enforced_unless_ignored(fresh_api) -> None:
    hotfix_rule = fresh_api.json(f"{SPACE}/channels/{HOTFIX}")["Rules"][0]
    floor = hotfix_rule["VersionRange"][1:].split(",")[0]
    body = {
        "ProjectId": COMPASS,
        "ChannelId": HOTFIX,
        "Version": "1.2.2",
        "SelectedPackages": packages(fresh_api, COMPASS, floor, HOTFIX),
    }
    message = (
        "The requested package versions for the following steps violate the channel version "
        "rules: Deploy. Please specify a different package version, channel or provide the "
        "`ignoreChannelRules` parameter to override this check."
    )
    refused(fresh_api.post(RELEASES, body), message)
    body["SelectedPackages"][0]["Version"] = "2.0.1-hotfix.1"  # outside [floor,2.0)
    refused(fresh_api.post(RELEASES, body), message)
    body["SelectedPackages"][0]["Version"] = floor.replace(".2", ".5", 1) + "-hotfix.2"
    assert fresh_api.post(RELEASES, body).status_code == 201
    beta = dict(body, ChannelId=None, Version="1.2.3")
    beta["SelectedPackages"] = packages(fresh_api, COMPASS, "1.9.0-beta.1")
    refused(fresh_api.post(RELEASES, beta), message)  # the default channel takes no pre-releases
    ignored = fresh_api.post(RELEASES + "?ignoreChannelRules=true", beta)
    assert ignored.status_code == 201 and ignored.json()["IgnoreChannelRules"] is True


def test_create_release_takes_a_plain_pascal_case_dict(fresh) -> None:
    """The executions API calls ``create_release`` with a body it assembled itself."""
    client = in_process(fresh)
    body = {
        "ProjectId": BILLING,
        "Version": "6.0.0",
        "SelectedPackages": packages(client, BILLING, "1.0.0"),
    }
    with fresh.state.lock:
        request = _request(fresh)
        release = create_release(request, body)
        with pytest.raises(SandboxError) as refused_again:
            create_release(request, body)
    assert refused_again.value.status == 400
    assert client.json(RELEASES + "/" + release["Id"])["Version"] == "6.0.0"


def _request(sandbox: Sandbox) -> Any:
    from octoflow.sandbox.request import Query, Request

    req = Request(
        "POST",
        "/api/Spaces-1/releases",
        Query(""),
        b"",
        sandbox,
        sandbox.router.field_names,
        sandbox.router.notify,
    )
    req.space_id = "Spaces-1"
    return req


# -- reading, updating and deleting ---------------------------------------------------------------


def test_lists_filter_by_ids_and_version_and_page(api) -> None:
    by_ids = api.json(RELEASES, ids="Releases-2,Releases-5")
    assert [r["Id"] for r in by_ids["Items"]] == ["Releases-5", "Releases-2"]
    found = api.json(f"{SPACE}/projects/{COMPASS}/releases", searchByVersion="1.2")
    assert [r["Version"] for r in found["Items"]] == ["1.2.1", "1.2.0"]
    first = api.json(RELEASES, take=5)
    assert first["NumberOfPages"] == -(-first["TotalResults"] // 5) >= 8
    assert "Page.Next" in first["Links"] and len(first["Items"]) == 5
    assert api.json(f"{SPACE}/projects/customer-portal/releases")["TotalResults"] == 0
    missing = api.get(f"{SPACE}/projects/{BILLING}/releases/9.9.9")
    assert missing.status_code == 404
    assert missing.json() == {"ErrorMessage": "The resource '9.9.9' was not found."}
    assert api.get(RELEASES + "/Releases-999").status_code == 404
    assert api.get(f"{SPACE}/channels/Channels-9999/releases").status_code == 404


def test_a_put_updates_notes_packages_and_version(fresh_api) -> None:
    release = fresh_api.json(RELEASES + "/Releases-1")
    release["ReleaseNotes"] = "Rewritten"
    release["SelectedPackages"][0]["Version"] = "1.5.9"
    answer = fresh_api.put(RELEASES + "/Releases-1", release)
    assert answer.status_code == 200, answer.text
    assert answer.json()["ReleaseNotes"] == "Rewritten"
    assert answer.json()["Assembled"] == release["Assembled"]
    release["Version"] = "1.1.0"
    refused(
        fresh_api.put(RELEASES + "/Releases-1", release),
        "Release '1.1.0' already exists for this project. Please use a different version, or "
        "look at using a mask to auto-increment the number.",
    )
    release["Version"], release["SelectedPackages"] = "1.0.1", []
    refused(
        fresh_api.put(RELEASES + "/Releases-1", release),
        "A version must be specified for every included package.",
    )


def test_snapshot_variables_takes_a_new_snapshot(fresh_api) -> None:
    before = fresh_api.json(RELEASES + "/Releases-1")["ProjectVariableSetSnapshotId"]
    after = fresh_api.post(RELEASES + "/Releases-1/snapshot-variables").json()
    assert after["ProjectVariableSetSnapshotId"] != before
    assert after["ProjectVariableSetSnapshotId"].startswith(f"variableset-{BILLING}-s-1-")


def test_deleting_a_release_or_its_project_removes_releases(fresh_api) -> None:
    before = fresh_api.json(RELEASES)["TotalResults"]
    assert fresh_api.delete(RELEASES + "/Releases-1").status_code == 200
    assert fresh_api.get(RELEASES + "/Releases-1").status_code == 404
    assert fresh_api.delete(f"{SPACE}/projects/{COMPASS}").status_code == 200
    assert fresh_api.json(RELEASES)["TotalResults"] == before - 5
    assert fresh_api.get(f"{SPACE}/channels/{HOTFIX}/releases").status_code == 404


def test_the_root_document_links_releases(api) -> None:
    links = api.json("/api")["Links"]
    assert links["Releases"] == "/api/Spaces-1/releases{/id}{?skip,ignoreChannelRules,take,ids}"


# -- feed version search --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "version_range", "expected"),
    [
        ("1.5.0", "[1.0,2.0)", True),
        ("2.0.0", "[1.0,2.0)", False),
        ("1.0", "[1.0.0,2.0)", True),
        ("1.0.0", "(1.0,2.0)", False),
        ("0.9.9", "1.0", False),
        ("7.0.0", "1.0", True),
        ("1.2.0", "[1.2]", True),
        ("1.2.1", "[1.2]", False),
        ("3.0.0", "(,3.0]", True),
        ("3.0.1", "(,3.0]", False),
        ("2.0.0-beta.2", "[2.0.0-beta.10,)", False),
        ("1.5.0-rc.1", "[1.0,2.0)", True),
        ("1.0.0", "", True),
    ],
)
def test_nuget_version_ranges(version, version_range, expected) -> None:
    assert in_version_range(version, version_range) is expected


@pytest.mark.parametrize("bad", ["[1.0", "(1.0)", "[,]", "abc", "[1.x,2.0)"])
def test_unparseable_version_ranges_raise(bad) -> None:
    with pytest.raises(ValueError):
        in_version_range("1.0.0", bad)


def test_pre_release_tags_match_the_pre_release_part() -> None:
    assert matches_tag("1.0.0", "^$") and not matches_tag("1.0.0-beta.1", "^$")
    assert matches_tag("1.0.0-beta.1", "^beta") and not matches_tag("1.0.0-rc.1", "^beta")
    assert matches_tag("1.0.0-rc.1+build.5", "^rc\\.1$") and matches_tag("1.0.0", "")


def test_feed_versions_filter_by_range_and_pre_release_tag(api) -> None:
    path = SPACE + "/feeds/feeds-builtin/packages/versions"
    every = [v["Version"] for v in api.json(path, packageId="OctoDemo.CompassWeb")["Items"]]
    minor = every[-1].split(".")[1]
    in_range = api.json(
        path, packageId="OctoDemo.CompassWeb", versionRange=f"[1.{minor}.1,1.{minor}.2]"
    )
    assert [v["Version"] for v in in_range["Items"]] == [f"1.{minor}.2", f"1.{minor}.1"]
    tagged = api.json(path, packageId="OctoDemo.CompassWeb", preReleaseTag="^hotfix")
    assert [v["Version"] for v in tagged["Items"]] == [f"1.{minor}.3-hotfix.1"]
    stable = api.json(path, packageId="OctoDemo.CompassWeb", preReleaseTag="^$", take=1)
    assert stable["Items"][0]["Version"] == f"1.{minor}.2" and stable["TotalResults"] == 3
    none = api.json(
        path, packageId="OctoDemo.CompassWeb", preReleaseTag="^hotfix", includePreRelease="false"
    )
    assert none["TotalResults"] == 0
    bad = api.get(path, params={"packageId": "OctoDemo.CompassWeb", "versionRange": "[1.0"})
    refused(bad, "The version range '[1.0' is not a valid version range.")
    bad_tag = api.get(path, params={"packageId": "OctoDemo.CompassWeb", "preReleaseTag": "(("})
    refused(bad_tag, "The pre-release tag '((' is not a valid regular expression.")
