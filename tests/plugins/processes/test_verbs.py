"""Every verb of the processes DSL, applied to a demo sandbox and checked through the API."""

from __future__ import annotations

import pytest

from octoflow import Octoflow, PlanError
from octoflow.testing import without_audit
from tests.e2e.support import api_for

SPACE = "/api/Spaces-1"
PORTAL, BILLING, ORDERS = "Customer Portal", "Billing API", "Orders API"
EXPRESSION = "Octopus.Step.ConditionVariableExpression"


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def process(octo, project: str) -> dict:
    api = api_for(octo.sandbox)
    project_id = api.project_id(project)
    return api.get(f"{SPACE}/projects/{project_id}/deploymentprocesses")


def step(doc: dict, name: str) -> dict:
    return next(s for s in doc["Steps"] if s["Name"] == name)


def action(doc: dict, name: str) -> dict:
    return step(doc, name)["Actions"][0]


def apply(octo, *statements):
    plan = octo.plan(*statements)
    report = octo.apply(plan)
    assert report.succeeded, report.recap
    again = octo.plan(*statements)
    assert again.is_empty, [op.name for op in again.operations]  # idempotent
    return plan


def test_container_verbs_change_only_the_selected_actions(octo) -> None:
    before = process(octo, PORTAL)
    steps = octo.projects.where(name=PORTAL).steps

    apply(octo, steps.where(name="Smoke test").set_container("python:3.12-slim"))

    after = process(octo, PORTAL)
    docker = next(
        f["Id"]
        for f in api_for(octo.sandbox).get(SPACE + "/feeds/all")
        if f["Name"] == "Docker Hub"
    )
    assert action(after, "Smoke test")["Container"] == {
        "Image": "python:3.12-slim",
        "FeedId": docker,
    }
    for name in ("Run database migrations", "Deploy"):
        assert action(after, name) == action(before, name)
    assert after["Version"] == before["Version"] + 1

    apply(octo, steps.where(name="Smoke test").clear_container())

    assert action(process(octo, PORTAL), "Smoke test")["Container"] == {
        "Image": None,
        "FeedId": None,
    }


def test_worker_pool_variable_and_pool_verbs(octo) -> None:
    steps = octo.projects.where(name=[PORTAL, BILLING]).steps.where(runs_on_worker=True)
    apply(octo, steps.set_worker_pool_variable("Project.WorkerPool"))
    chosen = action(process(octo, PORTAL), "Run database migrations")
    assert (chosen["WorkerPoolId"], chosen["WorkerPoolVariable"]) == (None, "Project.WorkerPool")

    api = api_for(octo.sandbox)
    pool = api.session.post(
        api.base + SPACE + "/workerpools",
        json={"Name": "Processes Test Pool", "WorkerPoolType": "StaticWorkerPool"},
    ).json()
    apply(octo, steps.set_worker_pool("Processes Test Pool"))

    chosen = action(process(octo, PORTAL), "Run database migrations")
    assert (chosen["WorkerPoolId"], chosen["WorkerPoolVariable"]) == (pool["Id"], None)
    assert action(process(octo, PORTAL), "Deploy")["WorkerPoolId"] is None
    with pytest.raises(PlanError, match="unknown worker pool 'Processes Test Pol': did you mean"):
        octo.plan(steps.set_worker_pool("Processes Test Pol"))


def test_role_verbs_change_the_steps_holding_the_actions(octo) -> None:
    deploy = octo.projects.where(name=PORTAL).steps.where(name="Deploy")
    roles = "Octopus.Action.TargetRoles"

    apply(octo, deploy.add_roles("web-canary", "WEB-SERVER"))
    assert step(process(octo, PORTAL), "Deploy")["Properties"][roles] == "web-server,web-canary"
    apply(octo, deploy.remove_roles("web-server"))
    assert step(process(octo, PORTAL), "Deploy")["Properties"][roles] == "web-canary"
    apply(octo, deploy.set_roles("web-blue", "web-green"))
    assert step(process(octo, PORTAL), "Deploy")["Properties"][roles] == "web-blue,web-green"


def test_scoping_verbs_resolve_names(octo) -> None:
    smoke = octo.projects.where(name=PORTAL).steps.where(name="Smoke test")
    apply(
        octo,
        smoke.set_environments("Test", "Production"),
        smoke.set_excluded_environments("Staging"),
        smoke.set_tenant_tags("Tier/Gold", "region/eu"),
        smoke.set_channels("Default"),
    )
    got = action(process(octo, PORTAL), "Smoke test")
    assert got["Environments"] == ["Environments-2", "Environments-4"]
    assert got["ExcludedEnvironments"] == ["Environments-3"]
    assert got["TenantTags"] == ["Tier/Gold", "Region/EU"]
    assert got["Channels"] == ["Channels-1"]

    apply(
        octo,
        smoke.clear_environments(),
        smoke.clear_excluded_environments(),
        smoke.clear_tenant_tags(),
        smoke.clear_channels(),
    )
    got = action(process(octo, PORTAL), "Smoke test")
    assert [got[k] for k in ("Environments", "ExcludedEnvironments", "TenantTags", "Channels")] == [
        []
    ] * 4


def test_channels_are_per_project_and_a_missing_one_is_noted_or_a_problem(octo) -> None:
    web = octo.projects.where(partial_name=" Web").steps.where(name="Deploy")
    plan = octo.plan(web.set_channels("Hotfix"))
    assert any("without channel(s) Hotfix" in n for n in plan.notes)
    assert 0 < len(plan.operations) < 27
    with pytest.raises(PlanError, match="unknown channel 'Hotfx': did you mean 'Hotfix'"):
        octo.plan(web.set_channels("Hotfx"))
    with pytest.raises(PlanError, match="unknown environment 'Prod'"):
        octo.plan(web.set_environments("Prod"))
    with pytest.raises(PlanError, match="not available to tenants"):
        octo.plan(web.set_tenant_tags("Hosting/Cloud"))


def test_a_bad_tag_or_environment_is_a_problem_with_close_matches_never_dropped(octo) -> None:
    web = octo.projects.where(partial_name=" Web").steps.where(name="Deploy")
    with pytest.raises(PlanError) as bare:
        octo.plan(web.set_tenant_tags("Gold"))
    assert [(p.message, p.hint) for p in bare.value.problems] == [
        ("unknown tag 'Gold': did you mean 'Tier/Gold'?", "")
    ]
    with pytest.raises(PlanError) as unscoped:
        octo.plan(web.set_tenant_tags("Hosting/Cloud"))
    assert [(p.message, p.hint) for p in unscoped.value.problems] == [
        (
            "tag 'Hosting/Cloud' belongs to tag set 'Hosting', which is not available to tenants",
            "",
        )
    ]
    blank = {"Name": "Probe", "ActionType": "Octopus.Script", "Environments": [""]}
    with pytest.raises(PlanError) as defined:
        octo.plan(octo.projects.where(name=PORTAL).process.add_step(blank))
    assert [p.message.split(":")[0] for p in defined.value.problems] == ["unknown environment ''"]


def test_condition_trigger_enable_and_properties(octo) -> None:
    smoke = octo.projects.where(name=PORTAL).steps.where(name="Smoke test")
    apply(
        octo,
        smoke.set_condition("variable", "#{Run.Smoke}"),
        smoke.set_start_trigger("StartWithPrevious"),
        smoke.disable(),
        smoke.set_property("Octopus.Action.Script.Syntax", "Python"),
        smoke.set_property("Custom.Retries", 3),
    )
    got = step(process(octo, PORTAL), "Smoke test")
    assert (got["Condition"], got["Properties"][EXPRESSION], got["StartTrigger"]) == (
        "Variable",
        "#{Run.Smoke}",
        "StartWithPrevious",
    )
    assert got["Actions"][0]["IsDisabled"] is True
    assert got["Actions"][0]["Properties"]["Octopus.Action.Script.Syntax"] == "Python"
    assert got["Actions"][0]["Properties"]["Custom.Retries"] == "3"

    apply(
        octo, smoke.set_condition("Always"), smoke.enable(), smoke.clear_property("Custom.Retries")
    )
    got = step(process(octo, PORTAL), "Smoke test")
    assert got["Condition"] == "Always" and EXPRESSION not in got["Properties"]
    assert got["Actions"][0]["IsDisabled"] is False
    assert "Custom.Retries" not in got["Actions"][0]["Properties"]


def test_change_type_moves_a_step_to_another_step_type(octo) -> None:
    body = "Octopus.Action.Script.ScriptBody"
    before = action(process(octo, PORTAL), "Smoke test")["Properties"]
    migrate = octo.projects.where(name=PORTAL).steps.where(name="Smoke test")

    apply(
        octo,
        migrate.change_type(
            "Octopus.AwsRunScript",
            rename={body: "Octopus.Action.AwsRunScript.ScriptBody"},
            set={"Octopus.Action.Aws.Region": "eu-west-1"},
            keep_unmapped=False,
        ),
    )

    got = action(process(octo, PORTAL), "Smoke test")
    assert got["ActionType"] == "Octopus.AwsRunScript"
    assert got["Properties"] == {
        "Octopus.Action.AwsRunScript.ScriptBody": before[body],
        "Octopus.Action.Aws.Region": "eu-west-1",
    }


def test_add_step_from_a_template_at_each_position(octo, tmp_path) -> None:
    template = tmp_path / "note.json.j2"
    template.write_text(
        '{"Name": "Note", "ActionType": "Octopus.Script",'
        ' "Properties": {"Text": {{ project.name | tojson }}}}'
    )
    two = octo.projects.where(name=[PORTAL, BILLING]).process
    apply(octo, two.add_step(template, after="Deploy"))
    for project in (PORTAL, BILLING):
        names = [s["Name"] for s in process(octo, project)["Steps"]]
        assert names[names.index("Deploy") + 1] == "Note"
        assert action(process(octo, project), "Note")["Properties"]["Text"] == project

    first = {"Name": "First", "ActionType": "Octopus.Script"}
    apply(
        octo,
        two.add_step(first, first=True),
        two.add_step(dict(first, Name="Before deploy"), before="Deploy"),
    )
    names = [s["Name"] for s in process(octo, PORTAL)["Steps"]]
    assert names[0] == "First" and names[names.index("Deploy") - 1] == "Before deploy"
    assert names[-1] != "First"


def test_add_step_brings_a_changed_definition_in_line_without_doubling(octo) -> None:
    one = octo.projects.where(name=PORTAL).process
    definition = {"Name": "Announce", "ActionType": "Octopus.Script", "Properties": {"Text": "v1"}}
    apply(octo, one.add_step(definition))
    first = step(process(octo, PORTAL), "Announce")

    plan = apply(octo, one.add_step(dict(definition, Properties={"Text": "v2"})))

    assert plan.operations[0].intents[0].summary == "update step 'Announce'"
    doc = process(octo, PORTAL)
    assert [s["Name"] for s in doc["Steps"]].count("Announce") == 1
    assert step(doc, "Announce")["Id"] == first["Id"]
    assert action(doc, "Announce")["Properties"] == {"Text": "v2"}


def test_add_step_from_the_step_template_library(octo) -> None:
    two = octo.projects.where(name=[PORTAL, BILLING]).process
    apply(
        octo,
        two.add_step(
            template="Slack - Send Simple Notification",
            name="Tell the team",
            parameters={
                "ssn_Channel": "#releases",
                "ssn_Message": "#{Octopus.Project.Name} is out",
            },
            after="Deploy",
        ),
    )
    api = api_for(octo.sandbox)
    slack = next(
        t for t in api.get(SPACE + "/actiontemplates/all") if t["Name"].startswith("Slack")
    )
    got = action(process(octo, BILLING), "Tell the team")
    assert got["ActionType"] == "Octopus.Script"
    assert got["Properties"]["Octopus.Action.Template.Id"] == slack["Id"]
    assert got["Properties"]["Octopus.Action.Template.Version"] == str(slack["Version"])
    assert got["Properties"]["ssn_Channel"] == "#releases"
    assert (
        got["Properties"]["Octopus.Action.Script.ScriptBody"]
        == slack["Properties"]["Octopus.Action.Script.ScriptBody"]
    )
    with pytest.raises(
        PlanError, match=r"1 problem\(s\)(.|\n)*unknown parameter of step template .*'ssn_Chanel'"
    ):
        octo.plan(
            two.add_step(
                template="Slack - Send Simple Notification", parameters={"ssn_Chanel": "x"}
            )
        )
    with pytest.raises(PlanError, match="unknown step template 'Slack'"):
        octo.plan(two.add_step(template="Slack"))


def test_remove_and_move_steps(octo) -> None:
    one = octo.projects.where(name=PORTAL).process
    names = [s["Name"] for s in process(octo, PORTAL)["Steps"]]

    apply(octo, one.move_step("Smoke test", first=True), one.remove_step("Run database migrations"))

    after = [s["Name"] for s in process(octo, PORTAL)["Steps"]]
    assert after == ["Smoke test"] + [
        n for n in names if n not in ("Smoke test", "Run database migrations")
    ]
    apply(octo, one.move_step("Smoke test", after="Deploy"))
    after = [s["Name"] for s in process(octo, PORTAL)["Steps"]]
    assert after[after.index("Deploy") + 1] == "Smoke test"
    gone = octo.plan(one.remove_step("Run database migrations"))
    assert gone.is_empty  # already removed: a re-run is no problem


def test_removing_actions_drops_emptied_steps(octo) -> None:
    smoke = octo.projects.where(name=[PORTAL, "Mobile Backend"]).steps.where(name="Smoke test")
    apply(octo, smoke.remove())
    for project in (PORTAL, "Mobile Backend"):
        assert "Smoke test" not in [s["Name"] for s in process(octo, project)["Steps"]]


def test_statements_on_one_process_coalesce_into_one_write(octo) -> None:
    portal = octo.projects.where(name=PORTAL)
    plan = octo.plan(
        portal.steps.where(name="Smoke test").disable(),
        portal.steps.where(name="Deploy").add_roles("canary"),
        portal.process.add_step({"Name": "Done", "ActionType": "Octopus.Script"}),
    )
    assert len(plan.operations) == 1 and len(plan.operations[0].intents) == 3
    octo.sandbox.clear_requests()

    octo.apply(plan)

    logged = [(r.method, r.path) for r in without_audit(octo.sandbox.requests)]
    assert logged == [
        ("GET", SPACE + "/deploymentprocesses"),
        ("PUT", SPACE + "/deploymentprocesses/deploymentprocess-Projects-1"),
    ]


def test_runbook_edits_publish_a_new_snapshot_once(octo) -> None:
    api = api_for(octo.sandbox)
    runbook = next(
        r
        for r in api.get(SPACE + "/projects/Projects-1/runbooks")["Items"]
        if r["Name"] == "Restart App Pool"
    )
    edit = (
        octo.projects.where(name=PORTAL)
        .runbooks("Restart App Pool")
        .publish()
        .steps.where(name="Check health")
        .disable()
    )

    plan = apply(octo, edit)

    assert [op.kind for op in plan.operations] == ["RunbookProcess", "RunbookSnapshot", "Runbook"]
    published = api.get(f"{SPACE}/runbooks/{runbook['Id']}")["PublishedRunbookSnapshotId"]
    assert published != runbook["PublishedRunbookSnapshotId"]
    snapshot = api.get(f"{SPACE}/runbookSnapshots/{published}")
    frozen = api.get(f"{SPACE}/runbookProcesses/{snapshot['FrozenRunbookProcessId']}")
    assert step(frozen, "Check health")["Actions"][0]["IsDisabled"] is True
    other = api.get(f"{SPACE}/projects/Projects-1/runbooks")["Items"]
    purge = next(r for r in other if r["Name"] == "Purge CDN Cache")
    assert purge["PublishedRunbookSnapshotId"] == "RunbookSnapshots-2"  # left alone


def test_all_runbooks_without_publishing(octo) -> None:
    api = api_for(octo.sandbox)
    before = {r["Id"]: r["PublishedRunbookSnapshotId"] for r in api.get(SPACE + "/runbooks/all")}

    plan = apply(
        octo, octo.projects.where(name=PORTAL).runbooks.steps.set_worker_pool_variable("Ops.Pool")
    )

    assert sorted(op.name for op in plan.operations) == [
        "Customer Portal / Purge CDN Cache",
        "Customer Portal / Restart App Pool",
    ]
    after = {r["Id"]: r["PublishedRunbookSnapshotId"] for r in api.get(SPACE + "/runbooks/all")}
    assert after == before
