"""Variable set snapshots taken by releases and runbook snapshots, a library set's usages,
and the variables scoped to an environment alone."""

from __future__ import annotations

from tests.plugins.deployments.test_sandbox_releases import packages
from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
BILLING = "Projects-2"  # includes LibraryVariableSets-1; releases Releases-1..3
PORTAL = "Projects-1"
PORTAL_SET = f"{SPACE}/variables/variableset-Projects-1"


def test_every_seeded_release_and_runbook_snapshot_has_its_variable_snapshot(api):
    for release in api.json(f"{SPACE}/releases", take=1000)["Items"]:
        snapshot = api.json(release["Links"]["ProjectVariableSnapshot"])
        validate("VariableSetResource", snapshot)
        assert snapshot["Id"] == release["ProjectVariableSetSnapshotId"]
        assert snapshot["OwnerId"] == release["ProjectId"]
        for library in release["LibraryVariableSetSnapshotIds"]:
            assert api.json(f"{SPACE}/variables/{library}")["Id"] == library
    for runbook_snapshot in api.json(f"{SPACE}/runbookSnapshots", take=1000)["Items"]:
        frozen = runbook_snapshot["FrozenProjectVariableSetId"]
        assert api.json(f"{SPACE}/variables/{frozen}")["OwnerId"] == runbook_snapshot["ProjectId"]


def test_a_snapshot_keeps_the_variables_of_its_time(fresh_api):
    live = fresh_api.json(PORTAL_SET)
    body = {
        "ProjectId": BILLING,
        "Version": "7.0.0",
        "SelectedPackages": packages(fresh_api, BILLING, "7.0.0"),
    }
    created = fresh_api.post(f"{SPACE}/releases", body)
    assert created.status_code == 201, created.text
    release = created.json()
    path = f"{SPACE}/variables/{release['ProjectVariableSetSnapshotId']}"
    taken = fresh_api.json(path)
    billing = fresh_api.json(f"{SPACE}/variables/variableset-{BILLING}")
    assert taken["Variables"] == billing["Variables"]
    billing["Variables"] = []
    saved = fresh_api.put(f"{SPACE}/variables/variableset-{BILLING}", billing)
    assert saved.status_code == 200, saved.text
    assert fresh_api.json(path)["Variables"] == taken["Variables"] != []
    refused = fresh_api.put(path, dict(taken, Variables=[]))
    assert refused.status_code == 400
    listed = [s["Id"] for s in fresh_api.json(f"{SPACE}/variables/all")]
    assert taken["Id"] not in listed and live["Id"] in listed  # /all lists live sets only
    assert fresh_api.delete(f"{SPACE}/releases/{release['Id']}").status_code == 200
    assert fresh_api.get(path).status_code == 404


def test_a_library_sets_usages(api):
    usages = api.json(f"{SPACE}/libraryvariablesets/LibraryVariableSets-1/usages")
    validate("LibraryVariableSetUsageResource", usages)
    by_project = {p["ProjectId"]: p for p in usages["Projects"]}
    including = {
        p["Id"]
        for p in api.json(f"{SPACE}/projects/all")
        if "LibraryVariableSets-1" in p["IncludedLibraryVariableSetIds"]
    }
    assert set(by_project) == including
    assert all(p["IsCurrentlyBeingUsedInProject"] for p in by_project.values())
    billing_releases = api.json(f"{SPACE}/projects/{BILLING}/releases", take=100)["Items"]
    assert {r["ReleaseId"] for r in by_project[BILLING]["Releases"]} == {
        r["Id"] for r in billing_releases
    }
    assert api.get(f"{SPACE}/libraryvariablesets/LibraryVariableSets-99/usages").status_code == 404


def test_variables_scoped_to_one_environment_alone(api):
    details = api.json(f"{SPACE}/environments/Environments-4/singlyScopedVariableDetails")
    validate("VariablesScopedToEnvironmentResponse", details)
    expected: dict[str, dict[str, int]] = {}
    for variable in api.json(PORTAL_SET)["Variables"]:
        if variable["Scope"].get("Environment") == ["Environments-4"]:
            names = expected.setdefault("Customer Portal", {})
            names[variable["Name"]] = names.get(variable["Name"], 0) + 1
    assert expected and details["VariableMap"]["Customer Portal"] == expected["Customer Portal"]
