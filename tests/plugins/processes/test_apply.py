"""Apply against processes saved by someone else in between: versions, re-reads, replays."""

from __future__ import annotations

from octoflow import Octoflow
from octoflow.testing import without_audit
from tests.e2e.support import api_for

SPACE = "/api/Spaces-1"
PATH = SPACE + "/deploymentprocesses/deploymentprocess-Projects-1"


def test_a_version_conflict_rereads_and_reapplies_keeping_the_other_save() -> None:
    octo = Octoflow.with_sandbox("demo")
    api = api_for(octo.sandbox)
    plan = octo.plan(
        octo.projects.where(name="Customer Portal").steps.where(name="Smoke test").disable()
    )
    current = api.get(PATH)
    theirs = [dict(s) for s in current["Steps"]]
    deploy = next(s for s in theirs if s["Name"] == "Deploy")
    deploy["Properties"] = {"Octopus.Action.TargetRoles": "web-server,saved-by-someone-else"}
    # Someone saves the process right after apply has read it, before apply writes it.
    octo.sandbox.settings.add_fault(
        {
            "edit": {
                "id": "deploymentprocess-Projects-1",
                "path_contains": "/deploymentprocesses",
                "set": {"Version": current["Version"] + 1, "Steps": theirs},
            }
        }
    )
    octo.sandbox.clear_requests()

    report = octo.apply(plan)

    assert report.recap["changed"] == 1
    assert "re-applied after 1 concurrent save(s)" in report.results[0].detail
    assert [(r.method, r.path, r.status) for r in without_audit(octo.sandbox.requests)] == [
        ("GET", SPACE + "/deploymentprocesses", 200),
        ("PUT", PATH, 400),
        ("GET", PATH, 200),
        ("PUT", PATH, 200),
    ]
    assert [(e.document_id, e.username) for e in report.audit.edits] == [
        ("deploymentprocess-Projects-1", "another.writer")]  # fmt: skip
    final = api.get(PATH)
    assert final["Version"] == current["Version"] + 2
    steps = {s["Name"]: s for s in final["Steps"]}
    assert steps["Deploy"]["Properties"]["Octopus.Action.TargetRoles"].endswith("someone-else")
    assert steps["Smoke test"]["Actions"][0]["IsDisabled"] is True


def test_a_conflicting_change_to_the_same_field_is_refused_not_overwritten() -> None:
    octo = Octoflow.with_sandbox("demo")
    api = api_for(octo.sandbox)
    portal = octo.projects.where(name="Customer Portal")
    plan = octo.plan(portal.steps.where(name="Smoke test").set_container("python:3.12-slim"))
    process = api.get(PATH)
    smoke = next(s for s in process["Steps"] if s["Name"] == "Smoke test")
    smoke["Actions"][0]["Container"] = {"Image": "alpine:3", "FeedId": "Feeds-1"}
    api.put(PATH, process)

    report = octo.apply(plan)

    assert report.recap["failed"] == 1
    assert "changed on the server since the plan" in report.results[0].detail
    assert "Container.Image is now 'alpine:3'" in report.results[0].detail
    smoke_now = next(s for s in api.get(PATH)["Steps"] if s["Name"] == "Smoke test")
    assert smoke_now["Actions"][0]["Container"]["Image"] == "alpine:3"


def test_a_step_someone_else_added_meanwhile_is_kept_and_not_doubled() -> None:
    octo = Octoflow.with_sandbox("demo")
    api = api_for(octo.sandbox)
    step = {"Name": "Announce", "ActionType": "Octopus.Script", "Properties": {"Text": "hi"}}
    plan = octo.plan(octo.projects.where(name="Customer Portal").process.add_step(step))
    process = api.get(PATH)
    process["Steps"].append(
        {"Name": "Announce", "Actions": [{"Name": "Announce", "ActionType": "Octopus.Script"}]}
    )
    process["Steps"].append(
        {"Name": "Theirs", "Actions": [{"Name": "Theirs", "ActionType": "Octopus.Script"}]}
    )
    api.put(PATH, process)

    report = octo.apply(plan)

    assert report.succeeded
    names = [s["Name"] for s in api.get(PATH)["Steps"]]
    assert names.count("Announce") == 1 and "Theirs" in names
    announce = next(s for s in api.get(PATH)["Steps"] if s["Name"] == "Announce")
    assert announce["Actions"][0]["Properties"] == {"Text": "hi"}
