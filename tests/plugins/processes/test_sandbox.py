"""Deployment processes in the sandbox: shapes, versions, validation, CaC, templates."""

from __future__ import annotations

import copy

import pytest

from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
PROCESS = SPACE + "/deploymentprocesses/deploymentprocess-Projects-1"
CONFLICT = (
    "Changes to this deployment process could not be saved, because another user has made "
    "changes to the deployment process between when you started editing and when you saved "
    "your changes. Please reload or open a new tab to make your changes."
)


def project_named(api, name: str) -> dict:
    return next(p for p in api.json(SPACE + "/projects/all") if p["Name"] == name)


def test_processes_match_the_schema_and_every_seeded_one_has_a_deploy_step(api) -> None:
    page = api.json(SPACE + "/deploymentprocesses", take=500)
    validate("DeploymentProcessResourceResourceCollection", page)
    assert page["TotalResults"] == 194 == len(page["Items"])
    for process in page["Items"]:
        validate("DeploymentProcessResource", process)
        assert "Deploy" in [s["Name"] for s in process["Steps"]], process["Id"]


def test_a_process_is_served_by_id_and_by_the_project_route(api) -> None:
    by_id = api.json(PROCESS)
    assert by_id["ProjectId"] == "Projects-1"
    assert by_id["Links"]["Template"].endswith("/template{?channel,releaseId}")
    assert api.json(SPACE + "/projects/Projects-1/deploymentprocesses") == by_id
    assert api.json(SPACE + "/projects/customer-portal/deploymentprocesses") == by_id
    assert api.json("/api/deploymentprocesses/deploymentprocess-Projects-1") == by_id
    batch = api.json(
        SPACE + "/deploymentprocesses",
        ids="deploymentprocess-Projects-1,deploymentprocess-Projects-2",
    )
    assert [p["Id"] for p in batch["Items"]] == [
        "deploymentprocess-Projects-1",
        "deploymentprocess-Projects-2",
    ]


def test_the_demo_seed_has_the_step_kinds_the_issue_names(api) -> None:
    processes = api.json(SPACE + "/deploymentprocesses", take=500)["Items"]
    actions = [a for p in processes for s in p["Steps"] for a in s["Actions"]]
    types = {a["ActionType"] for a in actions}
    assert {"Octopus.Script", "Octopus.TentaclePackage", "Octopus.AzureAppService"} <= types
    assert "Octopus.Manual" in types
    syntaxes = {a["Properties"].get("Octopus.Action.Script.Syntax") for a in actions}
    assert {"PowerShell", "Bash", "Python"} <= syntaxes
    assert any(a["Container"]["Image"] for a in actions)
    assert any(a["WorkerPoolVariable"] for a in actions)
    assert any(a["Environments"] for a in actions) and any(a["Channels"] for a in actions)
    assert any(a["TenantTags"] == ["Tier/Gold"] for a in actions)
    roles = {
        s["Properties"].get("Octopus.Action.TargetRoles") for p in processes for s in p["Steps"]
    }
    assert {"web-server", "app-server", "azure-web-app"} <= roles


def test_a_put_bumps_the_version_and_a_stale_one_is_refused(fresh_api) -> None:
    process = fresh_api.json(PROCESS)
    edited = copy.deepcopy(process)
    edited["Steps"][0]["Actions"][0]["IsDisabled"] = True

    saved = fresh_api.put(PROCESS, edited)

    assert saved.status_code == 200
    assert saved.json()["Version"] == process["Version"] + 1
    assert saved.json()["Steps"][0]["Actions"][0]["IsDisabled"] is True
    stale = fresh_api.put(PROCESS, process)
    assert stale.status_code == 400
    assert stale.json() == {"ErrorMessage": CONFLICT, "Errors": [CONFLICT]}
    assert fresh_api.json(PROCESS)["Version"] == process["Version"] + 1


def test_a_put_without_a_version_is_refused(fresh_api) -> None:
    process = fresh_api.json(PROCESS)
    del process["Version"]
    answer = fresh_api.put(PROCESS, process)
    assert answer.status_code == 400
    assert answer.json()["Errors"] == ["The Version field is required."]


def test_new_steps_get_ids_slugs_and_every_default(fresh_api) -> None:
    process = fresh_api.json(PROCESS)
    process["steps"] = process.pop("Steps") + [
        {
            "name": "Say hello",
            "actions": [
                {
                    "name": "Say hello",
                    "actionType": "Octopus.Script",
                    "properties": {"Octopus.Action.RunOnServer": True},
                }
            ],
        }
    ]

    saved = fresh_api.put(PROCESS, process).json()

    step = saved["Steps"][-1]
    validate("DeploymentStepResource", step)
    assert step["Slug"] == "say-hello" and step["Condition"] == "Success"
    action = step["Actions"][0]
    assert len(action["Id"]) == 36 and action["Container"] == {"Image": None, "FeedId": None}
    assert action["Properties"] == {"Octopus.Action.RunOnServer": "True"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s[0].update(Name="Deploy"), "The step name 'Deploy' is used more than once"),
        (lambda s: s[0].update(Condition="Sometimes"), "Condition of the step"),
        (lambda s: s[0].update(Condition="Variable"), "Octopus.Step.ConditionVariableExpression"),
        (lambda s: s[0].update(Actions=[]), "must have at least one action"),
        (
            lambda s: s[0]["Actions"][0].update(Environments=["Environments-99"]),
            "The environment 'Environments-99' does not exist",
        ),
        (
            lambda s: s[0]["Actions"][0].update(TenantTags=["Region/Mars"]),
            "The tag 'Region/Mars' does not exist",
        ),
        (
            lambda s: s[0]["Actions"][0].update(Channels=["Channels-2"]),
            "The channel 'Channels-2' does not belong to the project 'Projects-1'",
        ),
        (
            lambda s: s[0]["Actions"][0].update(Container={"FeedId": "Feeds-99", "Image": "x"}),
            "The feed 'Feeds-99'",
        ),
        (lambda s: s[0]["Actions"][0].update(ActionType=""), "needs an ActionType"),
    ],
)
def test_invalid_steps_are_refused_with_every_problem(fresh_api, change, message) -> None:
    process = fresh_api.json(PROCESS)
    change(process["Steps"])

    answer = fresh_api.put(PROCESS, process)

    assert answer.status_code == 400
    assert answer.json()["ErrorMessage"] == "There was a problem with your request."
    assert any(message in e for e in answer.json()["Errors"]), answer.json()
    assert fresh_api.json(PROCESS)["Version"] == process["Version"]


def test_a_version_controlled_project_has_no_database_process(api) -> None:
    project = project_named(api, "Atlas Web")
    assert project["IsVersionControlled"] is True
    assert project["PersistenceSettings"]["Type"] == "VersionControlled"
    assert project["Links"]["DeploymentProcess"].endswith("/{gitRef}/deploymentprocesses")
    missing = f"The resource '{project['DeploymentProcessId']}' was not found."
    for path in (
        f"{SPACE}/deploymentprocesses/{project['DeploymentProcessId']}",
        f"{SPACE}/projects/{project['Id']}/deploymentprocesses",
    ):
        answer = api.get(path)
        assert answer.status_code == 404
        assert answer.json() == {"ErrorMessage": missing}


def test_the_release_template_lists_the_packages_to_version(api) -> None:
    template = api.json(PROCESS + "/template", channel="Channels-1")
    validate("ReleaseTemplateResource", template)
    assert template["NextVersionIncrement"] == "0.0.1"
    assert [(p["StepName"], p["PackageId"], p["FeedName"]) for p in template["Packages"]] == [
        ("Deploy", "OctoDemo.CustomerPortal", "Octopus Server (built-in)")
    ]
    assert api.json(SPACE + "/projects/Projects-1/deploymentprocesses/template") == template
    assert api.get(PROCESS + "/template", params={"channel": "Channels-2"}).status_code == 404


def test_a_new_project_gets_an_empty_process_and_a_clone_copies_steps(fresh_api) -> None:
    body = {
        "Name": "Ledger Sync",
        "ProjectGroupId": "ProjectGroups-1",
        "LifecycleId": "Lifecycles-1",
    }
    created = fresh_api.post(SPACE + "/projects", body).json()
    process = fresh_api.json(f"{SPACE}/deploymentprocesses/{created['DeploymentProcessId']}")
    assert process["Steps"] == [] and process["Version"] == 0

    clone = fresh_api.post(SPACE + "/projects?clone=Projects-1", dict(body, Name="Portal 2")).json()

    copied = fresh_api.json(f"{SPACE}/projects/{clone['Id']}/deploymentprocesses")
    source = fresh_api.json(PROCESS)
    assert [s["Name"] for s in copied["Steps"]] == [s["Name"] for s in source["Steps"]]
    assert not {s["Id"] for s in copied["Steps"]} & {s["Id"] for s in source["Steps"]}
    fresh_api.delete(f"{SPACE}/projects/{clone['Id']}")
    assert fresh_api.get(f"{SPACE}/deploymentprocesses/{copied['Id']}").status_code == 404


def test_the_root_document_links_the_process_collections(api) -> None:
    links = api.json("/api")["Links"]
    assert links["DeploymentProcesses"] == SPACE + "/deploymentprocesses{/id}{?skip,take,ids}"
    assert links["RunbookProcesses"] == SPACE + "/runbookProcesses{/id}{?skip,take,ids}"
    assert links["Feeds"] == "/api/feeds{/id}{?skip,take,ids,partialName,feedType,name}"
    assert (
        links["Runbooks"] == SPACE + "/runbooks{/id}{?skip,take,ids,partialName,clone,projectIds}"
    )
    assert links["RunbookSnapshots"] == SPACE + "/runbookSnapshots{/id}{?skip,take,ids,publish}"
    assert links["ActionTemplates"] == SPACE + "/actiontemplates{/id}{?skip,take,ids,partialName}"


def test_a_space_made_through_the_api_gets_its_built_in_feed(fresh_api) -> None:
    space = fresh_api.post("/api/spaces", {"Name": "Europe", "SpaceManagersTeams": ["Teams-1"]})
    space_id = space.json()["Id"]
    feeds = fresh_api.json(f"/api/{space_id}/feeds/all")
    assert [(f["Id"], f["Name"], f["FeedType"]) for f in feeds] == [
        (f"feeds-builtin-{space_id}", "Octopus Server (built-in)", "BuiltIn")
    ]
    assert [
        f["Id"] for f in fresh_api.json(SPACE + "/feeds/all") if f["FeedType"] == "BuiltIn"
    ] == ["feeds-builtin"]
