"""The built-in feed's packages (``/packages``) and build information (``/build-information``)."""

from __future__ import annotations

import pytest

from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
PACKAGES = f"{SPACE}/packages"
BUILDS = f"{SPACE}/build-information"
VERSIONS = f"{SPACE}/feeds/feeds-builtin/packages/versions"
PORTAL = "OctoDemo.CustomerPortal"


def push(api, version: str, mode: str | None = None, **details):
    info = {"Branch": "main", "BuildNumber": "77", **details}
    body = {"PackageId": PORTAL, "Version": version, "OctopusBuildInformation": info}
    return api.post(BUILDS + (f"?overwriteMode={mode}" if mode else ""), body)


def test_packages_are_the_built_in_feeds_versions(api):
    listed = api.json(PACKAGES, nuGetPackageId=PORTAL)
    validate("PackageResourceResourceCollection", listed)
    feed = api.json(VERSIONS, packageId=PORTAL)
    assert [p["Version"] for p in listed["Items"]] == [v["Version"] for v in feed["Items"]]
    everything = api.json(PACKAGES, take=100000)["Items"]
    assert all(p["FeedId"] == "feeds-builtin" for p in everything)
    assert [
        p["Version"] for p in api.json(PACKAGES, nuGetPackageId=PORTAL, latest="true")["Items"]
    ] == [feed["Items"][0]["Version"]]
    one = api.json(f"{PACKAGES}/packages-{PORTAL}.1.3.2")
    validate("PackageFromBuiltInFeedResource", one)
    assert one["PackageVersionBuildInformation"]["VcsCommitNumber"] == "4f2a9c1"
    assert api.json(one["Links"]["Self"]) == one
    assert api.json(SPACE)["Links"]["Packages"].startswith(PACKAGES + "{/id}")


def test_both_filters_are_the_servers_400(api):
    response = api.get(PACKAGES, params={"nuGetPackageId": PORTAL, "filter": "Portal"})
    assert response.status_code == 400
    assert response.json()["Errors"] == [
        "Only one of either nuGetPackageId or filter may be specified."
    ]


def test_deleting_a_package_version_removes_it_from_the_feed(fresh_api):
    assert fresh_api.delete(f"{PACKAGES}/packages-{PORTAL}.1.3.0").status_code == 200
    assert fresh_api.get(f"{PACKAGES}/packages-{PORTAL}.1.3.0").status_code == 404
    versions = [v["Version"] for v in fresh_api.json(VERSIONS, packageId=PORTAL)["Items"]]
    assert "1.3.0" not in versions and "1.3.1" in versions
    assert fresh_api.json("/api/events")["TotalResults"] == 0  # no document id: no event


def test_build_information_is_created_listed_and_deleted(fresh_api):
    demo = fresh_api.json(BUILDS)
    validate("OctopusPackageVersionBuildInformationMappedResourceResourceCollection", demo)
    assert demo["TotalResults"] == 2
    pushed = push(fresh_api, "1.4.0-beta.1", Commits=[{"Id": "abc", "Comment": "wip"}])
    assert pushed.status_code == 200, pushed.text
    doc = pushed.json()
    validate("OctopusPackageVersionBuildInformationMappedResource", doc)
    assert (doc["Branch"], doc["Commits"][0]["Id"]) == ("main", "abc")
    assert fresh_api.json(doc["Links"]["Self"]) == doc
    package = fresh_api.json(f"{PACKAGES}/packages-{PORTAL}.1.4.0-beta.1")
    assert package["PackageVersionBuildInformation"] == doc
    assert fresh_api.json(BUILDS, packageId=PORTAL, latest="true")["Items"][0]["Id"] == doc["Id"]
    (event,) = fresh_api.json("/api/events", regarding=doc["Id"])["Items"]
    assert event["Category"] == "Created"

    assert fresh_api.delete(doc["Links"]["Self"]).status_code == 200
    assert fresh_api.get(doc["Links"]["Self"]).status_code == 404
    ids = [r["Id"] for r in fresh_api.json(BUILDS)["Items"]]
    assert fresh_api.delete(BUILDS + "/bulk", params={"ids": ",".join(ids)}).status_code == 200
    assert fresh_api.json(BUILDS)["TotalResults"] == 0


def test_a_second_push_obeys_the_overwrite_mode(fresh_api):
    first = push(fresh_api, "2.0.0").json()
    again = push(fresh_api, "2.0.0", BuildNumber="78")
    assert again.status_code == 409
    assert again.json()["ErrorMessage"].startswith("Metadata for the specified Package ID")
    assert push(fresh_api, "2.0.0", "IgnoreIfExists", BuildNumber="78").json() == first
    replaced = push(fresh_api, "2.0.0", "OverwriteExisting", BuildNumber="78").json()
    assert replaced["BuildNumber"] == "78"
    assert fresh_api.get(first["Links"]["Self"]).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"PackageId": "bad id!", "Version": "1.0.0"},
         "The package ID contains invalid characters."),
        ({"PackageId": PORTAL, "Version": "one"},
         "The version is invalid. Please supply a valid semver version number."),
    ],
)  # fmt: skip
def test_bad_pushes_are_the_servers_400(fresh_api, body, message):
    response = fresh_api.post(BUILDS, body)
    assert response.status_code == 400
    assert response.json()["Errors"][0].startswith(message)
    assert fresh_api.json(BUILDS)["TotalResults"] == 2


def test_unknown_ids_are_404(api):
    for path in (f"{PACKAGES}/packages-Nope.1.0.0", f"{BUILDS}/BuildInformation-999"):
        assert api.get(path).status_code == 404
    assert api.delete(BUILDS + "/bulk", params={"ids": "BuildInformation-999"}).status_code == 404
