"""Request bodies from the reference's samples are accepted.

The samples are templates, not ready-made requests: the Go client fixtures
(``environment.create``, ``project.create``) carry ``%s`` Sprintf
placeholders, and the generated docs examples (``*.docs-schema.json``) carry
``"string"``, ``"additionalProp1"`` and ``"..."``. Each test fills exactly the
placeholders that must name something real (ids, unique names, templates,
the current ConcurrencyToken) and sends everything else as the sample has it.
"""

from __future__ import annotations

from tests.sandbox.schema import load_sample, validate

PORTAL_TENANT = "Tenants-107"  # connected to Customer Portal in Test only


def test_environment_create_sample(fresh_api):
    body = load_sample("environment.create.request.json")
    body.update(Name="Sample Environment", Slug="sample-environment", SpaceId="Spaces-1")
    for n, setting in enumerate(body["ExtensionSettings"]):
        setting["ExtensionId"] = f"extension-{n}"
    response = fresh_api.post("/api/Spaces-1/environments", body)
    assert response.status_code == 201, response.text
    created = response.json()
    validate("EnvironmentResource", created)
    assert created["Slug"] == "sample-environment"
    assert created["UseGuidedFailure"] is True and created["AllowDynamicInfrastructure"] is True
    assert created["ExtensionSettings"] == body["ExtensionSettings"]


def test_project_create_sample(fresh_api):
    body = load_sample("project.create.request.json")
    body.update(Name="Sample Project", LifecycleId="Lifecycles-1", ProjectGroupId="ProjectGroups-2")
    body["ExtensionSettings"][0]["ExtensionId"] = "jsm-integration"
    response = fresh_api.post("/api/Spaces-1/projects", body)
    assert response.status_code == 201, response.text
    created = response.json()
    validate("ProjectResource", created)
    assert created["DeploymentProcessId"] == f"deploymentprocess-{created['Id']}"
    # A field this sandbox does not model is kept and echoed.
    assert created["CombineHealthAndSyncStatusInDashboardLiveStatus"] is False
    channels = fresh_api.json(f"/api/Spaces-1/projects/{created['Id']}/channels")
    assert [(c["Name"], c["IsDefault"]) for c in channels["Items"]] == [("Default", True)]


def test_tenant_create_sample_clones_tenants_1(fresh_api):
    body = load_sample("tenant.create.request.docs-schema.json")
    body.update(
        Name="Sample Tenant",
        Slug="sample-tenant",
        TenantTags=["Region/US", "Tier/Gold"],
        ProjectEnvironments={"Projects-2": ["Environments-2", "Environments-4"]},
    )
    response = fresh_api.post("/api/Spaces-1/tenants", body)
    assert response.status_code == 201, response.text
    created = response.json()
    validate("TenantResource", created)
    assert created["ClonedFromTenantId"] == "Tenants-1"
    assert created["TenantTags"] == ["Region/US", "Tier/Gold"]
    assert created["ProjectEnvironments"] == {"Projects-2": ["Environments-2", "Environments-4"]}
    assert "Clone" not in created


def test_tenant_commonvariables_put_sample(fresh_api):
    path = f"/api/Spaces-1/tenants/{PORTAL_TENANT}/commonvariables"
    current = fresh_api.json(path)
    template = fresh_api.json("/api/Spaces-1/libraryvariablesets/LibraryVariableSets-1")[
        "Templates"
    ][1]
    body = load_sample("tenant.commonvariables.put.request.docs-schema.json")
    body.update(TenantId=PORTAL_TENANT, ConcurrencyToken=current["ConcurrencyToken"])
    item = body["Variables"][0]
    item.update(Id="", OwnerId="LibraryVariableSets-1", TemplateId=template["Id"])
    item["Scope"]["EnvironmentIds"] = ["Environments-2"]
    response = fresh_api.put(path, body)
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["ConcurrencyToken"] != current["ConcurrencyToken"]
    # The wrapper form {"IsSensitive": false, "Value": …} is stored as the plain string.
    assert [(v["TemplateId"], v["Value"], v["Scope"]) for v in saved["Variables"]] == [
        (template["Id"], "string", {"EnvironmentIds": ["Environments-2"]})
    ]
