"""The tenants area: validation like a real server, PUT semantics, tenant variables."""

from __future__ import annotations

import pytest

PORTAL_TENANT = "/api/Spaces-1/tenants/Tenants-107"  # Customer Portal, Test only
TENANTS = "/api/Spaces-1/tenants"


def _put(client, path, **changes):
    doc = client.json(path)
    doc.update(changes)
    return client.put(path, doc)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"TenantTags": ["Region/Mars"]}, "The tag 'Region/Mars' does not exist."),
        (
            {"TenantTags": ["Hosting/Cloud"]},
            "The tag 'Hosting/Cloud' cannot be used on a tenant: "
            "its tag set 'Hosting' is scoped to Environment.",
        ),
        (
            {"ProjectEnvironments": {"Projects-999": ["Environments-1"]}},
            "The project 'Projects-999' does not exist in Spaces-1.",
        ),
        (
            {"ProjectEnvironments": {"Projects-3": ["Environments-1"]}},
            "The project 'Legacy Reporting' (Projects-3) does not allow tenanted deployments",
        ),
        (
            {"ProjectEnvironments": {"Projects-1": ["Environments-9"]}},
            "The environment 'Environments-9' does not exist in Spaces-1.",
        ),
        (
            {"ProjectEnvironments": {"Projects-4": ["Environments-4"]}},
            "The environment 'Production' (Environments-4) is not in the lifecycle of the project "
            "'Internal Tools', which can deploy to: Development, Test.",
        ),
        ({"ProjectEnvironments": {"Projects-1": "Environments-1"}}, "must be an array"),
        ({"TenantTags": "Region/EU"}, "TenantTags must be an array."),
        ({"Name": "   "}, "The Name field is required."),
    ],
)
def test_invalid_tenant_writes_are_400_and_change_nothing(fresh_api, changes, error):
    before = fresh_api.json(PORTAL_TENANT)
    for response in (
        _put(fresh_api, PORTAL_TENANT, **changes),
        fresh_api.post(TENANTS, {"Name": "Invalid Co", **changes}),
    ):
        assert response.status_code == 400, response.text
        assert response.json()["ErrorMessage"] == "There was a problem with your request."
        assert any(e.startswith(error) or error in e for e in response.json()["Errors"]), (
            response.json()["Errors"]
        )
    assert fresh_api.json(PORTAL_TENANT) == before
    assert fresh_api.json(TENANTS)["TotalResults"] == 1000


def test_duplicate_tenant_name_is_400(fresh_api):
    name = fresh_api.json("/api/Spaces-1/tenants/Tenants-1")["Name"]
    response = fresh_api.post(TENANTS, {"Name": name.upper()})
    assert response.status_code == 400
    assert "already exists" in response.json()["Errors"][0]


def test_put_replaces_tags_and_connections_whole(fresh_api):
    response = _put(
        fresh_api,
        PORTAL_TENANT,
        TenantTags=["Tier/Gold", "Tier/Gold"],
        ProjectEnvironments={"Projects-2": ["Environments-4", "Environments-4"]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["TenantTags"] == ["Tier/Gold"]
    assert response.json()["ProjectEnvironments"] == {"Projects-2": ["Environments-4"]}
    assert fresh_api.json(PORTAL_TENANT)["ProjectEnvironments"] == {
        "Projects-2": ["Environments-4"]
    }


def test_connecting_extends_and_keeps_values(fresh_api):
    response = _put(
        fresh_api,
        PORTAL_TENANT,
        ProjectEnvironments={"Projects-1": ["Environments-2", "Environments-4"]},
    )
    assert response.status_code == 200
    legacy = fresh_api.json(PORTAL_TENANT + "/variables")["ProjectVariables"]["Projects-1"]
    assert set(legacy["Variables"]) == {"Environments-2", "Environments-4"}
    assert legacy["Variables"]["Environments-2"], "the Test value survives"
    assert legacy["Variables"]["Environments-4"] == {}


def test_disconnecting_a_project_deletes_its_values(fresh_api):
    before = fresh_api.json(PORTAL_TENANT + "/projectvariables")
    assert before["Variables"]
    assert _put(fresh_api, PORTAL_TENANT, ProjectEnvironments={}).status_code == 200
    after = fresh_api.json(PORTAL_TENANT + "/projectvariables")
    assert after["Variables"] == []
    assert after["ConcurrencyToken"] != before["ConcurrencyToken"]
    assert (
        _put(
            fresh_api, PORTAL_TENANT, ProjectEnvironments={"Projects-1": ["Environments-2"]}
        ).status_code
        == 200
    )
    assert fresh_api.json(PORTAL_TENANT + "/projectvariables")["Variables"] == [], "not restored"


def test_deleting_an_environment_or_project_updates_tenants(fresh_api):
    assert fresh_api.delete("/api/Spaces-1/environments/Environments-2").status_code == 200
    tenant = fresh_api.json(PORTAL_TENANT)
    assert tenant["ProjectEnvironments"] == {"Projects-1": []}
    assert fresh_api.json(PORTAL_TENANT + "/projectvariables")["Variables"] == []
    assert fresh_api.delete("/api/Spaces-1/projects/Projects-1").status_code == 200
    assert fresh_api.json(PORTAL_TENANT)["ProjectEnvironments"] == {}
    assert fresh_api.json(TENANTS + "/all", projectId="Projects-1") == []


def test_renamed_and_removed_tags_follow_on_tenants(fresh_api):
    region = fresh_api.json("/api/Spaces-1/tagsets/TagSets-1")
    region["Name"] = "Geo"
    region["Tags"] = [t for t in region["Tags"] if t["Name"] != "APAC"]
    region["Tags"][0]["Name"] = "Europe"
    response = fresh_api.put("/api/Spaces-1/tagsets/TagSets-1", region)
    assert [t["CanonicalTagName"] for t in response.json()["Tags"]] == ["Geo/Europe", "Geo/US"]
    assert len(fresh_api.json(TENANTS + "/all", tags="Geo/Europe")) == 400
    assert fresh_api.json(TENANTS + "/all", tags="Region/EU") == []
    apac_before = [
        t
        for t in fresh_api.json(TENANTS + "/all")
        if not {"Geo/Europe", "Geo/US"} & set(t["TenantTags"])
    ]
    assert len(apac_before) == 250 and all(
        not any(tag.startswith(("Geo/", "Region/")) for tag in t["TenantTags"]) for t in apac_before
    )


def test_tag_test_explains_matches(api):
    result = api.json(TENANTS + "/tag-test", tenantIds="Tenants-107", tags="Region/EU,Tier/Gold")
    tenant = api.json(PORTAL_TENANT)
    gold = "Tier/Gold" in tenant["TenantTags"]
    assert result["Tenants-107"]["IsMatched"] is gold
    assert result["Tenants-107"]["MissingTags"] == ([] if gold else ["Tier/Gold"])


def test_clone_copies_tags_connections_and_values(fresh_api):
    clone = fresh_api.post(TENANTS + "?clone=Tenants-107", {"Name": "Clone Co"}).json()
    source = fresh_api.json(PORTAL_TENANT)
    assert clone["ClonedFromTenantId"] == "Tenants-107"
    assert (clone["TenantTags"], clone["ProjectEnvironments"]) == (
        source["TenantTags"],
        source["ProjectEnvironments"],
    )
    copied = fresh_api.json(f"{TENANTS}/{clone['Id']}/projectvariables")["Variables"]
    original = fresh_api.json(PORTAL_TENANT + "/projectvariables")["Variables"]
    assert [v["Value"] for v in copied] == [v["Value"] for v in original]
    assert {v["Id"] for v in copied}.isdisjoint(v["Id"] for v in original)
    assert fresh_api.json(TENANTS, clonedFromTenantId="Tenants-107")["TotalResults"] == 1
    updated = fresh_api.put(f"{TENANTS}/{clone['Id']}", dict(clone, Clone="Tenants-1")).json()
    assert "Clone" not in updated and updated["ClonedFromTenantId"] == "Tenants-107"


# -- tenant variables -------------------------------------------------------------------


def _template(client, owner_path, name):
    return next(t for t in client.json(owner_path)["Templates"] if t["Name"] == name)


def test_both_variable_apis_see_the_same_values(fresh_api):
    theme = _template(fresh_api, "/api/Spaces-1/projects/Projects-1", "Portal.Theme")
    current = fresh_api.json(PORTAL_TENANT + "/projectvariables")
    items = current["Variables"] + [
        {
            "ProjectId": "Projects-1",
            "TemplateId": theme["Id"],
            "Value": "dark",
            "Scope": {"EnvironmentIds": []},
        }
    ]
    response = fresh_api.put(
        PORTAL_TENANT + "/projectvariables",
        {"ConcurrencyToken": current["ConcurrencyToken"], "Variables": items},
    )
    assert response.status_code == 200, response.text
    legacy = fresh_api.json(PORTAL_TENANT + "/variables")
    assert (
        legacy["ProjectVariables"]["Projects-1"]["Variables"]["Environments-2"][theme["Id"]]
        == "dark"
    )
    assert legacy["ConcurrencyToken"] == response.json()["ConcurrencyToken"]
    legacy["ProjectVariables"]["Projects-1"]["Variables"]["Environments-2"][theme["Id"]] = "blue"
    assert fresh_api.put(PORTAL_TENANT + "/variables", legacy).status_code == 200
    values = {
        v["TemplateId"]: v["Value"]
        for v in fresh_api.json(PORTAL_TENANT + "/projectvariables")["Variables"]
    }
    assert values[theme["Id"]] == "blue"


def test_stale_concurrency_token_is_409(fresh_api):
    first = fresh_api.json(PORTAL_TENANT + "/commonvariables")
    body = {"ConcurrencyToken": first["ConcurrencyToken"], "Variables": first["Variables"]}
    assert fresh_api.put(PORTAL_TENANT + "/commonvariables", body).status_code == 200
    stale = fresh_api.put(PORTAL_TENANT + "/commonvariables", body)
    assert stale.status_code == 409
    assert "ConcurrencyToken" in stale.json()["ErrorMessage"]
    legacy = fresh_api.json(PORTAL_TENANT + "/variables")
    legacy["ConcurrencyToken"] = first["ConcurrencyToken"]
    assert fresh_api.put(PORTAL_TENANT + "/variables", legacy).status_code == 409
    del body["ConcurrencyToken"]
    assert fresh_api.put(PORTAL_TENANT + "/commonvariables", body).status_code == 200, (
        "without a token the write is last-write-wins"
    )


def test_sensitive_values_are_never_returned(fresh_api):
    api_key = _template(
        fresh_api, "/api/Spaces-1/libraryvariablesets/LibraryVariableSets-1", "Customer.ApiKey"
    )
    current = fresh_api.json(PORTAL_TENANT + "/commonvariables")
    secret = {
        "LibraryVariableSetId": "LibraryVariableSets-1",
        "TemplateId": api_key["Id"],
        "Value": {"HasValue": True, "NewValue": "s3cr3t-EXAMPLE"},
        "Scope": {"EnvironmentIds": []},
    }
    saved = fresh_api.put(
        PORTAL_TENANT + "/commonvariables", {"Variables": current["Variables"] + [secret]}
    )
    assert saved.status_code == 200
    assert "s3cr3t" not in saved.text
    assert "s3cr3t" not in fresh_api.get(PORTAL_TENANT + "/variables").text
    stored = next(v for v in saved.json()["Variables"] if v["TemplateId"] == api_key["Id"])
    assert stored["Value"] == {"HasValue": True}
    again = fresh_api.put(
        PORTAL_TENANT + "/commonvariables", {"Variables": saved.json()["Variables"]}
    )
    kept = next(v for v in again.json()["Variables"] if v["TemplateId"] == api_key["Id"])
    assert (kept["Id"], kept["Value"]) == (stored["Id"], {"HasValue": True})


@pytest.mark.parametrize(
    ("item", "error"),
    [
        ({"OwnerId": "LibraryVariableSets-9", "TemplateId": "x"}, "is not included by any project"),
        (
            {"LibraryVariableSetId": "LibraryVariableSets-1", "TemplateId": "nope"},
            "the template 'nope' does not exist",
        ),
        ({"TemplateId": "nope"}, "LibraryVariableSetId (or OwnerId) is required"),
    ],
)
def test_bad_common_variables_are_400(fresh_api, item, error):
    response = fresh_api.put(
        PORTAL_TENANT + "/commonvariables", {"Variables": [dict(item, Value="x")]}
    )
    assert response.status_code == 400
    assert error in response.json()["Errors"][0]


def test_project_values_must_target_connected_environments(fresh_api):
    hostname = _template(fresh_api, "/api/Spaces-1/projects/Projects-1", "Portal.Hostname")
    item = {"ProjectId": "Projects-1", "TemplateId": hostname["Id"], "Value": "x"}
    outside = fresh_api.put(
        PORTAL_TENANT + "/projectvariables",
        {"Variables": [dict(item, Scope={"EnvironmentIds": ["Environments-4"]})]},
    )
    assert outside.status_code == 400 and "not connected" in outside.json()["Errors"][0]
    other = fresh_api.put(
        PORTAL_TENANT + "/projectvariables", {"Variables": [dict(item, ProjectId="Projects-2")]}
    )
    assert other.status_code == 400 and "not connected to the project" in other.json()["Errors"][0]
    twice = fresh_api.put(
        PORTAL_TENANT + "/projectvariables",
        {
            "Variables": [
                dict(item, Scope={"EnvironmentIds": []}),
                dict(item, Scope={"EnvironmentIds": ["Environments-2"]}),
            ]
        },
    )
    assert twice.status_code == 400 and "more than one value" in twice.json()["Errors"][0]


def test_missing_variables_report_required_values(fresh_api):
    def missing(**params):
        return fresh_api.json(TENANTS + "/variables-missing", includeDetails="true", **params)

    report = missing(tenantId="Tenants-107")
    assert [m["VariableTemplateName"] for m in report[0]["MissingVariables"]] == ["Customer.ApiKey"]
    hostname = _template(fresh_api, "/api/Spaces-1/projects/Projects-1", "Portal.Hostname")
    assert _put(
        fresh_api,
        PORTAL_TENANT,
        ProjectEnvironments={"Projects-1": ["Environments-2", "Environments-3"]},
    ).ok
    names = {
        (m["EnvironmentId"], m["VariableTemplateName"])
        for m in missing(tenantId="Tenants-107")[0]["MissingVariables"]
    }
    assert ("Environments-3", "Portal.Hostname") in names
    assert ("Environments-2", "Portal.Hostname") not in names
    assert hostname["DefaultValue"] is None
    assert missing(tenantId="Tenants-107", environmentId="Environments-2")[0]["MissingVariables"]
    assert (
        fresh_api.json(TENANTS + "/variables-missing", tenantId="Tenants-107")[0][
            "MissingVariables"
        ]
        == []
    ), "details only when asked"


def test_tenant_variables_all_filters_by_project(api):
    docs = api.json("/api/Spaces-1/tenantvariables/all", projectId="Projects-2")
    assert len(docs) == 60
    assert all(set(d["ProjectVariables"]) == {"Projects-2"} for d in docs)


def test_the_demo_has_tenanted_or_untenanted_projects_with_tenants_and_published_runbooks(api):
    """A common shape of real instances (issue #13): open to tenanted and untenanted
    deployments, connected to tenants, owner of a published runbook."""
    tenants = api.json(f"{TENANTS}/all")
    shaped = {}
    for project in api.json("/api/Spaces-1/projects/all"):
        if project["TenantedDeploymentMode"] != "TenantedOrUntenanted":
            continue
        connected = [t for t in tenants if project["Id"] in t["ProjectEnvironments"]]
        runbooks = api.json(f"/api/Spaces-1/projects/{project['Id']}/runbooks")["Items"]
        published = [r for r in runbooks if r["PublishedRunbookSnapshotId"]]
        for runbook in published:
            snapshot = api.json(
                f"/api/Spaces-1/runbookSnapshots/{runbook['PublishedRunbookSnapshotId']}"
            )
            assert snapshot["RunbookId"] == runbook["Id"]
        if connected and published:
            shaped[project["Name"]] = len(connected)
    assert shaped == {"Notification Service": 15, "Search Service": 8}
