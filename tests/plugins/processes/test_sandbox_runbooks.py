"""Runbooks, runbook processes and snapshots, feeds and packages, action templates."""

from __future__ import annotations

import copy

from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
RUNBOOK_CONFLICT = (
    "Changes to this process could not be saved, because another user has made changes to "
    "the process between when you started editing and when you saved your changes. Please "
    "reload or open a new tab to make your changes."
)


def test_runbooks_have_processes_and_published_snapshots(api) -> None:
    runbooks = api.json(SPACE + "/runbooks", take=500)
    validate("RunbookResourceResourceCollection", runbooks)
    assert runbooks["TotalResults"] > 40
    for runbook in runbooks["Items"]:
        validate("RunbookResource", runbook)
        process = api.json(f"{SPACE}/runbookProcesses/{runbook['RunbookProcessId']}")
        validate("RunbookProcessResource", process)
        assert process["RunbookId"] == runbook["Id"] and process["Steps"]
        snapshot = api.json(f"{SPACE}/runbookSnapshots/{runbook['PublishedRunbookSnapshotId']}")
        validate("RunbookSnapshotResource", snapshot)
        frozen = api.json(f"{SPACE}/runbookProcesses/{snapshot['FrozenRunbookProcessId']}")
        assert frozen["Steps"] == process["Steps"]
    portal = api.json(SPACE + "/projects/Projects-1/runbooks")["Items"]
    assert [r["Name"] for r in portal] == ["Purge CDN Cache", "Restart App Pool"]
    assert api.json(SPACE + "/runbooks/all", projectIds="Projects-1") == portal


def test_runbook_process_versions_and_frozen_copies(fresh_api) -> None:
    runbook = fresh_api.json(SPACE + "/runbooks/Runbooks-1")
    path = f"{SPACE}/runbookProcesses/{runbook['RunbookProcessId']}"
    process = fresh_api.json(path)
    stale = copy.deepcopy(process)
    process["Steps"][0]["Actions"][0]["IsDisabled"] = True
    assert fresh_api.put(path, process).json()["Version"] == process["Version"] + 1

    refused = fresh_api.put(path, stale)

    assert refused.status_code == 400
    assert refused.json()["ErrorMessage"] == RUNBOOK_CONFLICT
    snapshot = fresh_api.json(f"{SPACE}/runbookSnapshots/{runbook['PublishedRunbookSnapshotId']}")
    frozen_path = f"{SPACE}/runbookProcesses/{snapshot['FrozenRunbookProcessId']}"
    frozen = fresh_api.json(frozen_path)
    answer = fresh_api.put(frozen_path, frozen)
    assert answer.status_code == 400
    assert answer.json()["Errors"] == [
        "You cannot modify this process because it is frozen. You'll need to create a new "
        "process instead."
    ]


def test_creating_a_snapshot_with_publish_freezes_and_publishes(fresh_api) -> None:
    runbook = fresh_api.json(SPACE + "/runbooks/Runbooks-1")
    template = fresh_api.json(f"{SPACE}/runbooks/{runbook['Id']}/runbookSnapshotTemplate")
    validate("RunbookSnapshotTemplateResource", template)
    body = {"RunbookId": runbook["Id"], "Name": template["NextNameIncrement"]}

    created = fresh_api.post(SPACE + "/runbookSnapshots?publish=true", body)

    assert created.status_code == 201
    snapshot = created.json()
    validate("RunbookSnapshotResource", snapshot)
    assert snapshot["ProjectId"] == runbook["ProjectId"]
    assert (
        fresh_api.json(SPACE + "/runbooks/Runbooks-1")["PublishedRunbookSnapshotId"]
        == snapshot["Id"]
    )
    live = fresh_api.json(f"{SPACE}/runbookProcesses/{runbook['RunbookProcessId']}")
    assert live["LastSnapshotId"] == snapshot["Id"]
    again = fresh_api.post(SPACE + "/runbookSnapshots", body)
    assert again.status_code == 400
    assert "already exists" in again.json()["Errors"][0]
    by_name = fresh_api.json(f"{SPACE}/projects/Projects-1/runbookSnapshots/{body['Name']}")
    assert by_name["Id"] == snapshot["Id"]


def test_a_runbook_can_be_published_by_a_put_and_its_deletion_takes_its_process(fresh_api) -> None:
    created = fresh_api.post(SPACE + "/runbooks", {"Name": "Warm Cache", "ProjectId": "Projects-2"})
    assert created.status_code == 201
    runbook = created.json()
    assert runbook["RunbookProcessId"] == f"RunbookProcess-{runbook['Id']}"
    snapshot = fresh_api.post(
        SPACE + "/runbookSnapshots", {"RunbookId": runbook["Id"], "Name": "First"}
    ).json()
    published = fresh_api.put(
        f"{SPACE}/runbooks/{runbook['Id']}",
        dict(runbook, PublishedRunbookSnapshotId=snapshot["Id"]),
    )
    assert published.json()["PublishedRunbookSnapshotId"] == snapshot["Id"]
    wrong = fresh_api.put(
        f"{SPACE}/runbooks/{runbook['Id']}",
        dict(runbook, PublishedRunbookSnapshotId="RunbookSnapshots-1"),
    )
    assert wrong.status_code == 400

    fresh_api.delete(f"{SPACE}/runbooks/{runbook['Id']}")

    assert (
        fresh_api.get(f"{SPACE}/runbookProcesses/{runbook['RunbookProcessId']}").status_code == 404
    )
    assert fresh_api.get(f"{SPACE}/runbookSnapshots/{snapshot['Id']}").status_code == 404


def test_feeds_and_package_versions(api) -> None:
    feeds = api.json(SPACE + "/feeds", take=100)
    validate("FeedResourceResourceCollection", feeds)
    names = {f["Name"]: f for f in feeds["Items"]}
    assert names["Octopus Server (built-in)"]["Id"] == "feeds-builtin"
    assert names["Docker Hub"]["FeedType"] == "Docker"
    assert names["Docker Hub"]["Password"] == {"HasValue": False, "NewValue": None}
    assert api.json("/api/feeds/all", feedType="Docker") == [
        names["Docker Hub"],
        names["GitHub Container Registry"],
    ]
    docker = names["Docker Hub"]["Id"]
    versions = api.json(
        f"{SPACE}/feeds/{docker}/packages/versions", packageId="octopuslabs/workertools", take=2
    )
    validate("PackageVersionResourceResourceCollection", versions)
    assert versions["TotalResults"] == 4
    assert [v["Version"] for v in versions["Items"]] == ["6.2.0-ubuntu.22.04", "6.1.0-ubuntu.22.04"]
    builtin = api.json(
        f"{SPACE}/feeds/feeds-builtin/packages/versions",
        packageId="OctoDemo.CustomerPortal",
        includePreRelease="false",
    )
    assert [v["Version"] for v in builtin["Items"]][0].startswith("1.")
    assert all("-" not in v["Version"] for v in builtin["Items"])
    missing = api.get(f"{SPACE}/feeds/{docker}/packages/versions")
    assert missing.status_code == 400
    assert missing.json()["Errors"] == ["No packageId parameter was provided."]


def test_the_built_in_feed_cannot_be_deleted_and_a_password_is_never_served(fresh_api) -> None:
    answer = fresh_api.delete(SPACE + "/feeds/feeds-builtin")
    assert answer.status_code == 400
    assert answer.json()["Errors"] == ["This resource is read-only and cannot be deleted."]
    body = {
        "Name": "Private",
        "FeedType": "docker",
        "FeedUri": "https://r.example",
        "Password": {"NewValue": "s3cret!"},
    }
    created = fresh_api.post(SPACE + "/feeds", body)
    assert created.status_code == 201
    assert created.json()["FeedType"] == "Docker"
    assert created.json()["Password"] == {"HasValue": True, "NewValue": None}
    assert "s3cret!" not in created.text


def test_action_templates_version_on_every_update(fresh_api) -> None:
    templates = fresh_api.json(SPACE + "/actiontemplates/all")
    for template in templates:
        validate("ActionTemplateResource", template)
    slack = next(t for t in templates if t["Name"] == "Slack - Send Simple Notification")
    assert [p["Name"] for p in slack["Parameters"]][:2] == ["ssn_HookUrl", "ssn_Channel"]

    updated = fresh_api.put(f"{SPACE}/actiontemplates/{slack['Id']}", dict(slack, Description="x"))

    assert updated.json()["Version"] == slack["Version"] + 1
