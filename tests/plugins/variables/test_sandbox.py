"""Variable sets in the sandbox: the reference's shapes, sensitive values, versions,
scope checks, and sets that live and die with their projects and library sets."""

from __future__ import annotations

import pytest

from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
PORTAL = SPACE + "/variables/variableset-Projects-1"
SETTINGS = SPACE + "/variables/variableset-LibraryVariableSets-1"
CONFLICT = (
    "Changes to these variables could not be saved, because another user has made changes "
    "to the variables between when you started editing and when you saved your changes. "
    "Please reload or open a new tab to make your changes."
)


def secrets(client, set_id: str) -> dict[str, str]:
    """Sensitive values as stored: only the control plane shows them."""
    stored = client.json("/_sandbox/state")["collections"]["VariableSecrets"]
    return stored.get(set_id, {}).get("Values", {})


def variable(doc: dict, name: str) -> dict:
    (found,) = [v for v in doc["Variables"] if v["Name"] == name]
    return found


def put(client, path: str, doc: dict):
    return client.put(path, doc)


# -- shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("definition", "path"),
    [
        ("VariableSetResource", PORTAL),
        ("VariableSetResource", SETTINGS),
        ("VariableSetResource", "/api/variables/variableset-Projects-2"),
        ("VariableSetResource[]", SPACE + "/variables/all"),
    ],
)
def test_reads_match_the_reference(api, definition, path) -> None:
    validate(definition, api.json(path))


def test_a_project_set_names_its_owner_and_what_it_can_be_scoped_to(api) -> None:
    doc = api.json(PORTAL)
    assert (doc["Id"], doc["OwnerId"], doc["SpaceId"]) == (
        "variableset-Projects-1",
        "Projects-1",
        "Spaces-1",
    )
    assert doc["Links"] == {"Self": PORTAL}
    values = doc["ScopeValues"]
    assert [e["Name"] for e in values["Environments"]] == [
        "Development",
        "Test",
        "Staging",
        "Production",
    ]
    assert len(values["Machines"]) == len(api.json(SPACE + "/machines/all"))
    assert {"Id": "web", "Name": "web"} in values["Roles"]
    assert {"Id": "Region/EU", "Name": "Region/EU"} in values["TenantTags"]
    assert [c["Name"] for c in values["Channels"]] == ["Default"]
    assert values["Processes"][0] == {
        "ProcessType": "Deployment",
        "Id": "Projects-1",
        "Name": "Customer Portal",
    }
    library = api.json(SETTINGS)["ScopeValues"]
    assert library["Channels"] == library["Actions"] == library["Processes"] == []


def test_every_owner_has_a_set_and_all_lists_them(api) -> None:
    owners = api.json(SPACE + "/projects/all") + api.json(SPACE + "/libraryvariablesets/all")
    listed = api.json(SPACE + "/variables/all")
    assert sorted(d["Id"] for d in listed) == sorted(o["VariableSetId"] for o in owners)
    two = api.json(SPACE + "/variables/all", ids="variableset-Projects-2,variableset-Projects-1")
    assert [d["Id"] for d in two] == ["variableset-Projects-1", "variableset-Projects-2"]


def test_variable_names_of_a_project_include_its_library_sets(api) -> None:
    names = api.json(SPACE + "/variables/names", project="Projects-1")
    assert names == [
        "Portal.BaseUrl",
        "Portal.CacheSizeMb",
        "Portal.DatabasePassword",
        "Portal.LogLevel",
        "Support.Email",
    ]
    filtered = api.json(
        SPACE + "/variables/names", project="Projects-1", projectEnvironmentsFilter="Environments-2"
    )
    assert "Portal.DatabasePassword" not in filtered and "Portal.BaseUrl" in filtered
    assert (
        api.get(SPACE + "/variables/names", params={"project": "Projects-999"}).status_code == 404
    )


def test_root_links_advertise_the_variables_routes(api) -> None:
    links = api.json("/api")["Links"]
    assert links["Variables"] == "/api/Spaces-1/variables{/id}{?ids}"
    assert links["VariableNames"] == (
        "/api/Spaces-1/variables/names{?project,runbook,projectEnvironmentsFilter}"
    )


def test_an_unknown_set_is_404(api) -> None:
    response = api.get(SPACE + "/variables/variableset-Projects-9999")
    assert response.status_code == 404
    assert response.json()["ErrorMessage"] == (
        "The resource 'variableset-Projects-9999' was not found."
    )


# -- sensitive values -------------------------------------------------------------------


def test_a_sensitive_value_is_stored_but_never_served(fresh_api) -> None:
    doc = fresh_api.json(PORTAL)
    password = variable(doc, "Portal.DatabasePassword")
    assert password["Value"] is None and password["IsSensitive"] and password["Type"] == "Sensitive"
    assert secrets(fresh_api, "variableset-Projects-1") == {
        password["Id"]: "demo-portal-db-password"
    }


def test_sending_a_sensitive_variable_back_with_its_id_keeps_its_value(fresh_api) -> None:
    doc = fresh_api.json(PORTAL)
    saved = put(fresh_api, PORTAL, doc)
    assert saved.status_code == 200
    password = variable(saved.json(), "Portal.DatabasePassword")
    assert password["Value"] is None
    assert secrets(fresh_api, "variableset-Projects-1")[password["Id"]] == "demo-portal-db-password"

    doc = saved.json()
    variable(doc, "Portal.DatabasePassword")["Value"] = "a-new-password"
    put(fresh_api, PORTAL, doc)
    assert secrets(fresh_api, "variableset-Projects-1")[password["Id"]] == "a-new-password"


def test_a_sensitive_variable_sent_without_its_id_loses_its_value(fresh_api) -> None:
    """What go-octopusdeploy #449 measured on a real server: the id keeps the value."""
    doc = fresh_api.json(PORTAL)
    del variable(doc, "Portal.DatabasePassword")["Id"]
    saved = put(fresh_api, PORTAL, doc).json()
    new_id = variable(saved, "Portal.DatabasePassword")["Id"]
    assert secrets(fresh_api, "variableset-Projects-1") == {new_id: ""}


# -- versions and ids --------------------------------------------------------------------


def test_a_save_bumps_the_version_and_a_stale_one_is_refused(fresh_api) -> None:
    doc = fresh_api.json(PORTAL)
    first = put(fresh_api, PORTAL, doc)
    assert first.json()["Version"] == doc["Version"] + 1
    stale = put(fresh_api, PORTAL, doc)
    assert stale.status_code == 400
    assert stale.json() == {"ErrorMessage": CONFLICT, "Errors": [CONFLICT]}
    missing = put(fresh_api, PORTAL, {"Variables": []})
    assert missing.status_code == 400
    assert missing.json()["Errors"] == ["The Version field is required."]


def test_the_server_gives_new_variables_ids_and_refuses_duplicates(fresh_api) -> None:
    doc = fresh_api.json(SETTINGS)
    doc["Variables"].append({"Name": "Support.Pager", "Value": "+1 555 0100"})
    saved = put(fresh_api, SETTINGS, doc).json()
    pager = variable(saved, "Support.Pager")
    assert pager["Id"] and pager["Type"] == "String" and pager["Scope"] == {}
    assert pager["IsEditable"] is True and pager["IsSensitive"] is False
    saved["Variables"].append(dict(pager, Name="Support.Copy"))
    response = put(fresh_api, SETTINGS, saved)
    assert response.status_code == 400
    assert response.json()["Errors"] == ["Variable ids must be unique."]


def test_field_names_and_scopes_are_accepted_in_any_case(fresh_api) -> None:
    doc = fresh_api.json(SETTINGS)
    email = {"name": "Support.Email", "value": "ops@example.com"}
    email["scope"] = {"environment": ["Environments-2"]}
    body = {"version": doc["Version"], "variables": [email]}
    saved = put(fresh_api, SETTINGS, body).json()
    assert variable(saved, "Support.Email")["Scope"] == {"Environment": ["Environments-2"]}


# -- scope checks -------------------------------------------------------------------------


def test_unknown_scope_ids_are_refused_naming_each(fresh_api) -> None:
    doc = fresh_api.json(PORTAL)
    doc["Variables"].append(
        {
            "Name": "Portal.Broken",
            "Value": "x",
            "Scope": {
                "Environment": ["Environments-2", "Environments-99"],
                "Machine": ["Machines-9999"],
                "Tenant": ["Tenants-99999"],
                "TenantTag": ["Region/Mars"],
                "Channel": ["Channels-9999"],
                "Role": ["any-role-is-fine"],
            },
        }
    )
    response = put(fresh_api, PORTAL, doc)
    assert response.status_code == 400
    body = response.json()
    assert body["ErrorMessage"] == "Variable validation failed."
    assert body["Errors"] == [
        "The variable 'Portal.Broken' is scoped to environment 'Environments-99', "
        "which does not exist in Spaces-1.",
        "The variable 'Portal.Broken' is scoped to deployment target 'Machines-9999', "
        "which does not exist in Spaces-1.",
        "The variable 'Portal.Broken' is scoped to tenant 'Tenants-99999', "
        "which does not exist in Spaces-1.",
        "The variable 'Portal.Broken' is scoped to channel 'Channels-9999', "
        "which is not a channel of this project.",
        "The variable 'Portal.Broken' is scoped to tenant tag 'Region/Mars', "
        "which does not exist in Spaces-1.",
    ]
    assert fresh_api.json(PORTAL)["Version"] == doc["Version"]  # nothing saved


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"Scope": {"Planet": ["Mars"]}}, "The variable 'Support.Email' has an unknown scope"),
        ({"Type": "Colour"}, "The variable 'Support.Email' has Type 'Colour'; use one of"),
        (
            {"Prompt": {"Label": "Email"}, "Scope": {"Role": ["web"]}},
            "Prompted variables cannot be scoped to anything except an environment.",
        ),
        ({"Name": ""}, "Variable 1 has no Name"),
    ],
)
def test_malformed_variables_are_refused(fresh_api, change, error) -> None:
    doc = fresh_api.json(SETTINGS)
    doc["Variables"][0].update(change)
    response = put(fresh_api, SETTINGS, doc)
    assert response.status_code == 400
    assert any(e.startswith(error) for e in response.json()["Errors"]), response.json()


def test_a_frozen_copy_cannot_be_changed(fresh_api) -> None:
    response = put(fresh_api, SPACE + "/variables/variableset-Projects-1-s-0-ABCDE", {"Version": 0})
    assert response.status_code == 400
    assert response.json()["Errors"][0].startswith(
        "You cannot modify this variable set because the set is frozen."
    )


# -- sets follow their owners ------------------------------------------------------------


def test_a_new_project_gets_a_set_and_takes_it_when_deleted(fresh_api) -> None:
    created = fresh_api.post(
        SPACE + "/projects",
        {"Name": "Octopus Ops", "ProjectGroupId": "ProjectGroups-1", "LifecycleId": "Lifecycles-1"},
    ).json()
    path = SPACE + "/variables/" + created["VariableSetId"]
    doc = fresh_api.json(path)
    assert (doc["OwnerId"], doc["Version"], doc["Variables"]) == (created["Id"], 0, [])
    assert fresh_api.delete(SPACE + "/projects/" + created["Id"]).status_code == 200
    assert fresh_api.get(path).status_code == 404


def test_a_cloned_project_gets_a_copy_of_its_variables(fresh_api) -> None:
    clone = fresh_api.post(
        SPACE + "/projects?clone=Projects-1",
        {"Name": "Portal Copy", "ProjectGroupId": "ProjectGroups-1", "LifecycleId": "Lifecycles-1"},
    ).json()
    copied = fresh_api.json(SPACE + "/variables/" + clone["VariableSetId"])
    source = fresh_api.json(PORTAL)
    assert [v["Name"] for v in copied["Variables"]] == [v["Name"] for v in source["Variables"]]
    assert not {v["Id"] for v in copied["Variables"]} & {v["Id"] for v in source["Variables"]}
    password = variable(copied, "Portal.DatabasePassword")
    assert secrets(fresh_api, clone["VariableSetId"]) == {password["Id"]: "demo-portal-db-password"}


def test_a_new_library_set_gets_a_set(fresh_api) -> None:
    created = fresh_api.post(SPACE + "/libraryvariablesets", {"Name": "Octoflow Instances"}).json()
    doc = fresh_api.json(SPACE + "/variables/" + created["VariableSetId"])
    assert doc["OwnerId"] == created["Id"] and doc["Variables"] == []
    validate("VariableSetResource", doc)


def test_a_set_still_saves_after_a_target_it_names_is_deleted(fresh_api) -> None:
    machine = fresh_api.json(SPACE + "/machines/all")[0]["Id"]
    doc = fresh_api.json(SETTINGS)
    doc["Variables"].append({"Name": "Support.Host", "Value": "h", "Scope": {"Machine": [machine]}})
    doc = put(fresh_api, SETTINGS, doc).json()
    assert fresh_api.delete(f"{SPACE}/machines/{machine}").status_code == 200

    assert put(fresh_api, SETTINGS, doc).status_code == 200  # what was read goes back
    doc = fresh_api.json(SETTINGS)
    doc["Variables"].append(
        {"Name": "Support.Other", "Value": "o", "Scope": {"Machine": [machine]}}
    )
    refused = put(fresh_api, SETTINGS, doc)
    assert refused.status_code == 400
    assert f"deployment target '{machine}'" in refused.json()["Errors"][0]
