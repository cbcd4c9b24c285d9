"""Core resources: spaces, environments, lifecycles, groups, projects, channels, tag sets."""

from __future__ import annotations

SPACE = "/api/Spaces-1"


def test_project_create_makes_the_server_side_documents(fresh_api):
    project = fresh_api.post(
        SPACE + "/projects",
        {
            "Name": "Ledger",
            "ProjectGroupId": "ProjectGroups-3",
            "LifecycleId": "Lifecycles-1",
            "Templates": [{"Name": "Ledger.Url"}],
            "IncludedLibraryVariableSetIds": ["LibraryVariableSets-1"],
        },
    ).json()
    assert project["Id"] == "Projects-201"  # after the demo's 200 projects
    assert project["VariableSetId"] == "variableset-Projects-201"
    assert project["Slug"] == "ledger"
    template = project["Templates"][0]
    assert template["Id"] and template["DisplaySettings"] == {
        "Octopus.ControlType": "SingleLineText"
    }
    channels = fresh_api.json(f"{SPACE}/projects/{project['Id']}/channels")["Items"]
    assert [(c["Name"], c["IsDefault"]) for c in channels] == [("Default", True)]
    project["DeploymentProcessId"] = "tampered"
    updated = fresh_api.put(f"{SPACE}/projects/ledger", project).json()
    assert updated["DeploymentProcessId"] == "deploymentprocess-Projects-201"
    assert updated["Templates"][0]["Id"] == template["Id"]


def test_project_references_must_exist(fresh_api):
    response = fresh_api.post(
        SPACE + "/projects",
        {
            "Name": "Orphan",
            "ProjectGroupId": "ProjectGroups-99",
            "LifecycleId": "Lifecycles-1",
            "IncludedLibraryVariableSetIds": ["LibraryVariableSets-7"],
            "Templates": [{"Name": "A"}, {"Name": "a"}],
        },
    )
    assert response.status_code == 400
    assert response.json()["Errors"] == [
        "The template name 'a' is used more than once.",
        "The ProjectGroupId 'ProjectGroups-99' does not exist in Spaces-1.",
        "The library variable set 'LibraryVariableSets-7' does not exist in Spaces-1.",
    ]


def test_one_default_channel_per_project(fresh_api):
    hotfix = fresh_api.post(
        SPACE + "/channels",
        {
            "Name": "Hotfix",
            "ProjectId": "Projects-1",
            "IsDefault": True,
            "TenantTags": ["Tier/Gold"],
        },
    )
    assert hotfix.status_code == 201, hotfix.text
    defaults = [
        c["Name"]
        for c in fresh_api.json(SPACE + "/projects/Projects-1/channels")["Items"]
        if c["IsDefault"]
    ]
    assert defaults == ["Hotfix"]
    again = fresh_api.post(SPACE + "/channels", {"Name": "hotfix", "ProjectId": "Projects-1"})
    assert again.status_code == 400
    other = fresh_api.post(SPACE + "/channels", {"Name": "Hotfix", "ProjectId": "Projects-2"})
    assert other.status_code == 201, "channel names are unique per project"
    bad_tag = fresh_api.post(
        SPACE + "/channels",
        {"Name": "X", "ProjectId": "Projects-2", "TenantTags": ["Hosting/Cloud"]},
    )
    assert bad_tag.status_code == 400


def test_allowed_environments_follow_lifecycles_and_channels(fresh, fresh_api):
    state = fresh.state
    tools = state.get("Projects", "Projects-4")
    assert state.project_environment_ids(tools) == ["Environments-1", "Environments-2"]
    fresh_api.post(
        SPACE + "/channels",
        {"Name": "Release", "ProjectId": "Projects-4", "LifecycleId": "Lifecycles-1"},
    )
    assert state.project_environment_ids(tools) == [f"Environments-{n}" for n in range(1, 5)]
    empty = fresh_api.post(SPACE + "/lifecycles", {"Name": "Anything Goes"}).json()
    tools = dict(fresh_api.json(SPACE + "/projects/Projects-9"), LifecycleId=empty["Id"])
    fresh_api.put(SPACE + "/projects/Projects-9", tools)
    assert len(state.project_environment_ids(state.get("Projects", "Projects-9"))) == 4
    preview = fresh_api.json(f"{SPACE}/lifecycles/{empty['Id']}/preview")
    assert [p["Name"] for p in preview["Phases"]] == [
        "Development",
        "Test",
        "Staging",
        "Production",
    ]


def test_lifecycle_phases_are_validated(fresh_api):
    response = fresh_api.post(
        SPACE + "/lifecycles",
        {
            "Name": "Broken",
            "Phases": [
                {
                    "Name": "One",
                    "AutomaticDeploymentTargets": ["Environments-1", "Environments-42"],
                },
                {"Name": "Two", "OptionalDeploymentTargets": ["Environments-1"]},
                {"AutomaticDeploymentTargets": []},
            ],
        },
    )
    assert response.status_code == 400
    assert response.json()["Errors"] == [
        "Phase 'One' names the environment 'Environments-42', which does not exist.",
        "The environment 'Development' is in more than one phase.",
        "Phase 3 needs a Name.",
    ]


def test_deleting_what_is_in_use_is_refused(fresh_api):
    lifecycle = fresh_api.delete(SPACE + "/lifecycles/Lifecycles-2")
    assert lifecycle.status_code == 400
    assert "Internal Tools" in lifecycle.json()["Errors"][0]
    group = fresh_api.delete(SPACE + "/projectgroups/ProjectGroups-2")
    assert group.status_code == 400
    assert fresh_api.delete("/api/spaces/Spaces-1").json()["Errors"] == [
        "The default space cannot be deleted."
    ]
    assert fresh_api.delete(SPACE + "/projectgroups/ProjectGroups-1").status_code == 400


def test_deleting_an_environment_leaves_lifecycle_phases(fresh_api):
    fresh_api.delete(SPACE + "/environments/Environments-1")
    phases = fresh_api.json(SPACE + "/lifecycles/Lifecycles-1")["Phases"]
    assert phases[0]["OptionalDeploymentTargets"] == []


def test_a_new_space_is_furnished_and_separate(fresh_api):
    space = fresh_api.post("/api/spaces", {"Name": "Second"}).json()
    assert (space["Id"], space["Slug"], space["IsDefault"]) == ("Spaces-2", "second", False)
    groups = fresh_api.json("/api/spaces/second/projectgroups/all")
    assert [(g["Name"], g["SpaceId"]) for g in groups] == [("Default Project Group", "Spaces-2")]
    assert fresh_api.json("/api/Spaces-2/tenants")["TotalResults"] == 0
    assert fresh_api.get("/api/Spaces-2/environments/Environments-1").status_code == 404
    fresh_api.post("/api/Spaces-2/environments", {"Name": "Test"})
    assert fresh_api.delete("/api/spaces/Spaces-2").status_code == 200
    assert [e["SpaceId"] for e in fresh_api.json(SPACE + "/environments/all")] == ["Spaces-1"] * 4


def test_making_another_space_default(fresh_api):
    space = fresh_api.post("/api/spaces", {"Name": "Second"}).json()
    fresh_api.put(f"/api/spaces/{space['Id']}", dict(space, IsDefault=True))
    assert fresh_api.json("/api")["Links"]["Tenants"].startswith("/api/Spaces-2/")
    assert fresh_api.json("/api/tenants")["TotalResults"] == 0, "unscoped routes follow"
    first = fresh_api.json("/api/spaces/Spaces-1")
    assert first["IsDefault"] is False


def test_sort_order_routes(fresh_api):
    order = ["Environments-4", "Environments-3", "Environments-2", "Environments-1"]
    assert fresh_api.put(SPACE + "/environments/sortorder", order).status_code == 200
    assert [e["Id"] for e in fresh_api.json(SPACE + "/environments/all")] == order
    assert fresh_api.put(SPACE + "/tagsets/sortorder", ["TagSets-9"]).status_code == 400


def test_tag_ids_and_canonical_names(fresh_api):
    created = fresh_api.post(
        SPACE + "/tagsets",
        {"Name": "Size", "Tags": [{"Name": "Small", "CanonicalTagName": None}, {"Name": "Large"}]},
    ).json()
    assert [(t["Id"], t["CanonicalTagName"]) for t in created["Tags"]] == [
        ("TagSets-4/Tags-1", "Size/Small"),
        ("TagSets-4/Tags-2", "Size/Large"),
    ]
    assert (created["Scopes"], created["Type"], created["SortOrder"]) == (
        ["Tenant"],
        "MultiSelect",
        3,
    )
    created["Tags"].append({"Name": "Medium", "Id": "TagSets-1/Tags-1"})
    updated = fresh_api.put(f"{SPACE}/tagsets/{created['Id']}", created).json()
    assert updated["Tags"][2]["Id"] == "TagSets-4/Tags-3"
    duplicate = fresh_api.post(
        SPACE + "/tagsets",
        {"Name": "Dup", "Tags": [{"Name": "A"}, {"Name": "a"}], "Scopes": ["Galaxy"]},
    )
    assert duplicate.status_code == 400 and len(duplicate.json()["Errors"]) == 2
