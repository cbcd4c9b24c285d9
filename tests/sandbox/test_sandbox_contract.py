"""Every sandbox response validates against its definition in the API reference."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.schema import load_sample, validate

# A demo tenant connected to Customer Portal in Test only (see sandbox_seed).
PORTAL_TENANT = "/api/Spaces-1/tenants/Tenants-107"

READS = [
    ("RootResource", "/api"),
    ("SpaceRootResource", "/api/Spaces-1"),
    ("SpaceResourceResourceCollection", "/api/spaces"),
    ("SpaceResource[]", "/api/spaces/all"),
    ("SpaceResource", "/api/spaces/Spaces-1"),
    ("EnvironmentResourceResourceCollection", "/api/Spaces-1/environments"),
    ("EnvironmentResource[]", "/api/Spaces-1/environments/all"),
    ("EnvironmentResource", "/api/Spaces-1/environments/Environments-1"),
    (
        "DeploymentTargetResourceResourceCollection",
        "/api/Spaces-1/environments/Environments-1/machines",
    ),
    ("LifecycleResourceResourceCollection", "/api/Spaces-1/lifecycles"),
    ("LifecycleResource[]", "/api/Spaces-1/lifecycles/all"),
    ("LifecycleResource", "/api/Spaces-1/lifecycles/Lifecycles-1"),
    ("LifecycleResource", "/api/Spaces-1/lifecycles/Lifecycles-2/preview"),
    ("ProjectResource[]", "/api/Spaces-1/lifecycles/Lifecycles-2/projects"),
    ("ProjectGroupResourceResourceCollection", "/api/Spaces-1/projectgroups"),
    ("ProjectGroupResource[]", "/api/Spaces-1/projectgroups/all"),
    ("ProjectGroupResource", "/api/Spaces-1/projectgroups/ProjectGroups-2"),
    ("ProjectResourceResourceCollection", "/api/Spaces-1/projectgroups/ProjectGroups-2/projects"),
    ("ProjectResourceResourceCollection", "/api/Spaces-1/projects"),
    ("ProjectResource[]", "/api/Spaces-1/projects/all"),
    ("ProjectResource", "/api/Spaces-1/projects/Projects-1"),
    ("ProjectResource", "/api/Spaces-1/projects/customer-portal"),
    ("ChannelResourceResourceCollection", "/api/Spaces-1/projects/Projects-1/channels"),
    ("ChannelResourceResourceCollection", "/api/Spaces-1/channels"),
    ("ChannelResource[]", "/api/Spaces-1/channels/all"),
    ("ChannelResource", "/api/Spaces-1/channels/Channels-1"),
    ("TagSetResourceResourceCollection", "/api/Spaces-1/tagsets"),
    ("TagSetResource[]", "/api/Spaces-1/tagsets/all"),
    ("TagSetResource", "/api/Spaces-1/tagsets/TagSets-1"),
    ("LibraryVariableSetResourceResourceCollection", "/api/Spaces-1/libraryvariablesets"),
    ("LibraryVariableSetResource[]", "/api/Spaces-1/libraryvariablesets/all"),
    ("LibraryVariableSetResource", "/api/Spaces-1/libraryvariablesets/LibraryVariableSets-1"),
    ("TenantResourceResourceCollection", "/api/Spaces-1/tenants?tags=Region%2FEU&take=100"),
    ("TenantResource[]", "/api/Spaces-1/tenants/all"),
    ("TenantResource", PORTAL_TENANT),
    ("TenantVariableResource", PORTAL_TENANT + "/variables"),
    ("TenantVariableResource[]", "/api/Spaces-1/tenantvariables/all?projectId=Projects-1"),
    (
        "TenantsMissingVariablesResource[]",
        "/api/Spaces-1/tenants/variables-missing?includeDetails=true",
    ),
    ("MultiTenancyStatusResource", "/api/Spaces-1/tenants/status"),
    # The areas served without a provider (tests/sandbox/test_sandbox_<area>.py).
    ("AccountResourceResourceCollection", "/api/Spaces-1/accounts"),
    ("AccountResource", "/api/Spaces-1/accounts/Accounts-1"),
    ("AccountUsageResource", "/api/Spaces-1/accounts/Accounts-1/usages"),
    ("CertificateResourceResourceCollection", "/api/Spaces-1/certificates"),
    ("CertificateResource", "/api/Spaces-1/certificates/Certificates-1"),
    ("CertificateUsageResource", "/api/Spaces-1/certificates/Certificates-1/usages"),
    ("ProjectTriggerResourceResourceCollection", "/api/Spaces-1/projecttriggers"),
    ("ProjectTriggerResource", "/api/Spaces-1/projecttriggers/ProjectTriggers-1"),
    ("SubscriptionResourceResourceCollection", "/api/Spaces-1/subscriptions"),
    ("SubscriptionResource", "/api/Spaces-1/subscriptions/Subscriptions-1"),
    ("ArtifactResourceResourceCollection", "/api/Spaces-1/artifacts"),
    ("ArtifactResource", "/api/Spaces-1/artifacts/Artifacts-1"),
    ("ProxyResourceResourceCollection", "/api/Spaces-1/proxies"),
    ("ProxyResource", "/api/Spaces-1/proxies/Proxies-1"),
    ("PackageResourceResourceCollection", "/api/Spaces-1/packages"),
    (
        "OctopusPackageVersionBuildInformationMappedResourceResourceCollection",
        "/api/Spaces-1/build-information",
    ),
    ("EventCategoryResource[]", "/api/events/categories"),
    ("EventGroupResource[]", "/api/events/groups"),
    ("DocumentTypeDocument[]", "/api/events/documenttypes"),
]


@pytest.mark.parametrize(("definition", "path"), READS, ids=[f"{d} {p}" for d, p in READS])
def test_get_matches_definition(api, definition, path):
    validate(definition, api.json(path))


def test_tag_test_results_match_definition(api):
    body = api.json(
        "/api/Spaces-1/tenants/tag-test",
        tenantIds="Tenants-1,Tenants-2",
        tags="Region/EU,Tier/Gold",
    )
    assert set(body) == {"Tenants-1", "Tenants-2"}
    for result in body.values():
        validate("TagTestResult", result)
    _same_keys(
        load_sample("tenants.tag-test.response.docs-schema.json")["additionalProp1"],
        body["Tenants-1"],
    )


CREATES = {
    "spaces": ("SpaceResource", {"Name": "Second Space"}),
    "environments": ("EnvironmentResource", {"Name": "QA"}),
    "lifecycles": (
        "LifecycleResource",
        {
            "Name": "Fast Track",
            "Phases": [{"Name": "Production", "AutomaticDeploymentTargets": ["Environments-4"]}],
        },
    ),
    "projectgroups": ("ProjectGroupResource", {"Name": "Data"}),
    "projects": (
        "ProjectResource",
        {
            "Name": "New Service",
            "ProjectGroupId": "ProjectGroups-1",
            "LifecycleId": "Lifecycles-1",
            "Templates": [{"Name": "Service.Url", "DefaultValue": "https://example.com"}],
        },
    ),
    "channels": (
        "ChannelResource",
        {
            "Name": "Hotfix",
            "ProjectId": "Projects-1",
            "LifecycleId": "Lifecycles-2",
        },
    ),
    "tagsets": ("TagSetResource", {"Name": "Size", "Tags": [{"Name": "Small"}, {"Name": "Large"}]}),
    "libraryvariablesets": (
        "LibraryVariableSetResource",
        {
            "Name": "Shared",
            "Templates": [{"Name": "Shared.Url", "DefaultValue": "x"}],
        },
    ),
    "tenants": (
        "TenantResource",
        {
            "Name": "Contract Tenant",
            "TenantTags": ["Region/EU"],
            "ProjectEnvironments": {"Projects-1": ["Environments-2"]},
        },
    ),
}


@pytest.mark.parametrize("segment", sorted(CREATES))
def test_create_and_update_match_definition(fresh_api, segment):
    definition, body = CREATES[segment]
    base = "/api/spaces" if segment == "spaces" else f"/api/Spaces-1/{segment}"
    created = fresh_api.post(base, body)
    assert created.status_code == 201, created.text
    validate(definition, created.json())
    changed = dict(created.json(), Description="changed by the contract test")
    updated = fresh_api.put(f"{base}/{changed['Id']}", changed)
    assert updated.status_code == 200, updated.text
    validate(definition, updated.json())
    assert updated.json()["Description"] == "changed by the contract test"
    assert fresh_api.json(f"{base}/{changed['Id']}") == updated.json()


def test_legacy_variables_put_matches_definition(fresh_api):
    doc = fresh_api.json(PORTAL_TENANT + "/variables")
    theme = doc["ProjectVariables"]["Projects-1"]["Templates"][1]["Id"]
    doc["ProjectVariables"]["Projects-1"]["Variables"]["Environments-2"][theme] = "dark"
    response = fresh_api.put(PORTAL_TENANT + "/variables", doc)
    assert response.status_code == 200, response.text
    validate("TenantVariableResource", response.json())


@pytest.mark.parametrize(
    ("kind", "sample"),
    [
        ("common", "tenant.commonvariables.response.docs-schema.json"),
        ("project", "tenant.projectvariables.get.response.docs-schema.json"),
    ],
)
def test_new_variables_api_has_the_documented_shape(api, kind, sample):
    """There is no schema definition for these; the documented example's keys must all be there."""
    expected = load_sample(sample)
    body = api.json(f"{PORTAL_TENANT}/{kind}variables", includeMissingVariables="true")
    _same_keys(expected, body)
    _same_keys(expected["Variables"][0], body["Variables"][0])
    _same_keys(expected["Variables"][0]["Template"], body["Variables"][0]["Template"])
    assert body["MissingVariables"], "the demo tenant lacks some values"
    if "MissingVariables" in expected:
        _same_keys(expected["MissingVariables"][0], body["MissingVariables"][0])


def test_missing_variables_have_the_documented_shape(api):
    expected = load_sample("tenants.missing-variables.response.docs-schema.json")[0]
    body = api.json("/api/Spaces-1/tenants/variables-missing", includeDetails="true")
    _same_keys(expected, body[0])
    _same_keys(expected["MissingVariables"][0], body[0]["MissingVariables"][0])


ERRORS = [
    (401, "GET", "/api/Spaces-1/tenants", None, {}),
    (404, "GET", "/api/Spaces-1/tenants/Tenants-99999", None, None),
    (404, "GET", "/api/Spaces-9/tenants", None, None),
    (400, "POST", "/api/Spaces-1/tenants", {"Name": ""}, None),
    (400, "POST", "/api/Spaces-1/environments", None, None),
    (405, "PATCH", "/api/Spaces-1/tenants/Tenants-1", None, None),
    (
        409,
        "PUT",
        PORTAL_TENANT + "/commonvariables",
        {"ConcurrencyToken": "stale", "Variables": []},
        None,
    ),
]


@pytest.mark.parametrize(
    ("status", "method", "path", "body", "headers"),
    ERRORS,
    ids=[f"{e[0]} {e[1]} {e[2]}" for e in ERRORS],
)
def test_errors_match_definition(api, status, method, path, body, headers):
    kwargs: dict[str, Any] = {"json": body} if body is not None else {}
    if headers is not None:
        kwargs["headers"] = {"X-Octopus-ApiKey": ""}
    response = api.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    validate("Error", response.json())
    assert response.json()["ErrorMessage"]


def _same_keys(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    missing = sorted(set(expected) - set(actual))
    assert not missing, f"missing keys {missing} (have {sorted(actual)})"
