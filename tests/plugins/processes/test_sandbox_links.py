"""Step-template usage, versions and categories; project summaries; a runbook read
through its project (routes advertised links and real clients reach)."""

from __future__ import annotations

from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
SLACK = "ActionTemplates-1"  # "Slack - Send Simple Notification", used by demo steps
UNUSED = "ActionTemplates-2"


def test_template_usage_lists_the_steps_made_from_it(api):
    used = api.json(f"{SPACE}/actiontemplates/{SLACK}/usage")
    validate("ActionTemplateUsageResource[]", used)
    assert used and {u["ActionTemplateId"] for u in used} == {SLACK}
    for usage in used:
        process = api.json(f"{SPACE}/deploymentprocesses/{usage['ProcessId']}")
        step = next(s for s in process["Steps"] if s["Id"] == usage["StepId"])
        assert step["Actions"][0]["Properties"]["Octopus.Action.Template.Id"] == SLACK
        assert usage["ProjectId"] == process["ProjectId"]
        assert "-s-" not in usage["ProcessId"]  # frozen copies are the releases', not uses
    assert api.json(f"{SPACE}/actiontemplates/{UNUSED}/usage") == []


def test_an_update_keeps_the_version_it_replaces(fresh_api):
    path = f"{SPACE}/actiontemplates/{UNUSED}"
    first = fresh_api.json(path)
    changed = fresh_api.put(path, dict(first, Description="second"))
    assert changed.status_code == 200, changed.text
    versions = fresh_api.json(path + "/versions")
    validate("ActionTemplateResource[]", versions)
    assert [v["Version"] for v in versions] == [first["Version"] + 1, first["Version"]]
    assert {v["Id"] for v in versions} == {UNUSED}
    old = fresh_api.json(f"{path}/versions/{first['Version']}")
    assert old["Description"] == first["Description"]
    assert fresh_api.get(f"{path}/versions/99").status_code == 404
    assert fresh_api.delete(path).status_code == 200
    assert fresh_api.get(path + "/versions").status_code == 404


def test_template_categories(api):
    categories = api.json(f"{SPACE}/actiontemplates/categories")
    validate("ActionTemplateCategoryResource[]", categories)
    assert [c["Id"] for c in categories] == ["Octopus.Script"]


def test_project_summary(fresh_api):
    summary = fresh_api.json(f"{SPACE}/projects/Projects-1/summary")
    validate("ProjectSummary", summary)
    assert summary == {"HasDeploymentProcess": True, "HasRunbooks": True}
    created = fresh_api.post(
        f"{SPACE}/projects",
        {"Name": "Empty", "ProjectGroupId": "ProjectGroups-1", "LifecycleId": "Lifecycles-1"},
    ).json()
    empty = fresh_api.json(f"{SPACE}/projects/{created['Id']}/summary")
    assert empty == {"HasDeploymentProcess": False, "HasRunbooks": False}


def test_a_runbook_is_read_through_its_project(api):
    runbook = api.json(f"{SPACE}/projects/customer-portal/runbooks/Runbooks-1")
    validate("RunbookResource", runbook)
    assert runbook == api.json(f"{SPACE}/runbooks/Runbooks-1")
    assert api.get(f"{SPACE}/projects/Projects-2/runbooks/Runbooks-1").status_code == 404
