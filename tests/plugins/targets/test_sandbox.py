"""The targets area: deployment targets validated like a real server, filters,
machine roles, and targets kept consistent when environments, tenants and tags change."""

from __future__ import annotations

from collections import Counter

import pytest

MACHINES = "/api/Spaces-1/machines"
TEST_WEB_01 = MACHINES + "/Machines-21"  # web + api, in Test and Staging
THUMBPRINT = "0E80576D3BD8D40854802A4F8340A2E23AE961FD"
LISTENING = {
    "CommunicationStyle": "TentaclePassive",
    "Uri": "https://new-01.example.com:10933/",
    "Thumbprint": THUMBPRINT,
}
NEW = {
    "Name": "new-01",
    "Roles": ["web"],
    "EnvironmentIds": ["Environments-2"],
    "Endpoint": LISTENING,
}


def _put(client, path, **changes):
    doc = client.json(path)
    doc.update(changes)
    return client.put(path, doc)


def test_demo_targets_facts(api):
    machines = api.json(MACHINES + "/all")
    assert [m["Id"] for m in machines[:1]] and len(machines) == 100
    assert {m["Id"] for m in machines} == {f"Machines-{n}" for n in range(1, 101)}
    envs = Counter(m["EnvironmentIds"][0] for m in machines)
    assert envs == {
        "Environments-1": 20,
        "Environments-2": 30,
        "Environments-3": 20,
        "Environments-4": 30,
    }
    styles = Counter(m["Endpoint"]["CommunicationStyle"] for m in machines)
    assert styles == {
        "TentaclePassive": 38,
        "TentacleActive": 24,
        "Kubernetes": 17,
        "Ssh": 13,
        "None": 8,
    }
    web_in_test = [
        m["Name"]
        for m in machines
        if "web" in m["Roles"] and "Environments-2" in m["EnvironmentIds"]
    ]
    assert sorted(web_in_test) == [f"test-web-{n:02d}" for n in range(1, 13)]
    tenanted = Counter(m["TenantedDeploymentParticipation"] for m in machines)
    assert tenanted == {"Untenanted": 91, "Tenanted": 4, "TenantedOrUntenanted": 5}
    assert sum(m["IsDisabled"] for m in machines) == 3
    assert sum(m["HealthStatus"] != "Healthy" for m in machines) == 6
    assert {m["MachinePolicyId"] for m in machines} == {"MachinePolicies-1", "MachinePolicies-2"}


def test_demo_tenanted_targets_name_customer_portal_tenants(api):
    for name, tenant_id in (("prod-web-09", "Tenants-130"), ("prod-web-12", "Tenants-236")):
        (target,) = api.json(MACHINES, name=name)["Items"]
        assert target["TenantIds"] == [tenant_id]
        tenant = api.json(f"/api/Spaces-1/tenants/{tenant_id}")
        assert "Environments-4" in tenant["ProjectEnvironments"]["Projects-1"]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"Roles": []}, "A deployment target needs at least one role (Roles)."),
        ({"Roles": ["", "web"]}, "Roles are non-empty names, not ''."),
        ({"EnvironmentIds": []}, "A deployment target needs at least one environment"),
        (
            {"EnvironmentIds": ["Environments-99"]},
            "The environment 'Environments-99' does not exist in Spaces-1.",
        ),
        (
            {"TenantIds": ["Tenants-99999"]},
            "The tenant 'Tenants-99999' does not exist in Spaces-1.",
        ),
        ({"TenantTags": ["Region/Mars"]}, "The tag 'Region/Mars' does not exist."),
        ({"TenantTags": ["Hosting/Cloud"]}, "The tag 'Hosting/Cloud' cannot be used on a tenant"),
        (
            {"MachinePolicyId": "MachinePolicies-99"},
            "The machine policy 'MachinePolicies-99' does not exist in Spaces-1.",
        ),
        (
            {"TenantedDeploymentParticipation": "Sometimes"},
            "'Sometimes' is not a valid TenantedDeploymentParticipation",
        ),
        ({"Endpoint": None}, "The Endpoint field is required"),
        (
            {"Endpoint": {"CommunicationStyle": "Pigeon"}},
            "'Pigeon' is not a valid CommunicationStyle",
        ),
        (
            {"Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://x:10933/"}},
            "Endpoint.Thumbprint is required for a TentaclePassive endpoint.",
        ),
        (
            {
                "Endpoint": {
                    "CommunicationStyle": "TentacleActive",
                    "Uri": "https://x/",
                    "Thumbprint": THUMBPRINT,
                }
            },
            "Endpoint.Uri of a polling Tentacle starts with poll://.",
        ),
        (
            {
                "Endpoint": {
                    "CommunicationStyle": "Ssh",
                    "Host": "h",
                    "Fingerprint": "f",
                    "Port": "22",
                }
            },
            "Endpoint.Port must be a port number",
        ),
        (
            {
                "Endpoint": {
                    "CommunicationStyle": "Kubernetes",
                    "ClusterUrl": "https://k",
                    "DefaultWorkerPoolId": "WorkerPools-99",
                }
            },
            "The worker pool 'WorkerPools-99' does not exist in Spaces-1.",
        ),
        ({"Roles": "web"}, "Roles must be an array."),
        ({"Name": "  "}, "The Name field is required."),
    ],
)
def test_invalid_target_writes_are_400_and_change_nothing(fresh_api, changes, error):
    before = fresh_api.json(TEST_WEB_01)
    for response in (
        _put(fresh_api, TEST_WEB_01, **changes),
        fresh_api.post(MACHINES, {**NEW, **changes}),
    ):
        assert response.status_code == 400, response.text
        assert response.json()["ErrorMessage"] == "There was a problem with your request."
        assert any(error in e for e in response.json()["Errors"]), response.json()["Errors"]
    assert fresh_api.json(TEST_WEB_01) == before
    assert fresh_api.json(MACHINES)["TotalResults"] == 100


def test_duplicate_target_name_is_400(fresh_api):
    response = fresh_api.post(MACHINES, {**NEW, "Name": "TEST-WEB-01"})
    assert response.status_code == 400
    assert response.json()["Errors"] == [
        "A machine with the name 'TEST-WEB-01' already exists. Please choose a different name."
    ]


def test_create_fills_what_the_server_owns(fresh_api):
    body = {
        "name": "poll-01",
        "roles": ["api", "API", "cache"],
        "environmentIds": ["environments-3"],
        "tenantIds": ["tenants-1"],
        "tenantTags": ["region/eu"],
        "tenantedDeploymentParticipation": "tenantedoruntenanted",
        "healthStatus": "Healthy",
        "endpoint": {
            "communicationStyle": "tentacleactive",
            "uri": "poll://abc/",
            "thumbprint": THUMBPRINT,
        },
    }
    response = fresh_api.post(MACHINES, body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["Id"] == "Machines-101" and created["Slug"] == "poll-01"
    assert created["Roles"] == ["api", "cache"]
    assert created["EnvironmentIds"] == ["Environments-3"]
    assert (created["TenantIds"], created["TenantTags"]) == (["Tenants-1"], ["Region/EU"])
    assert created["TenantedDeploymentParticipation"] == "TenantedOrUntenanted"
    assert created["MachinePolicyId"] == "MachinePolicies-1"
    assert (created["HealthStatus"], created["Status"]) == ("Unknown", "Unknown")
    assert created["StatusSummary"].startswith("This machine was recently added.")
    assert created["Endpoint"]["CommunicationStyle"] == "TentacleActive"
    assert (created["Uri"], created["Thumbprint"]) == ("poll://abc/", THUMBPRINT)
    assert created["Links"]["Self"] == f"{MACHINES}/Machines-101"
    assert fresh_api.json(f"{MACHINES}/Machines-101") == created


def test_ssh_uri_is_made_from_host_and_port(fresh_api):
    endpoint = {
        "CommunicationStyle": "Ssh",
        "Host": "db-9.example.com",
        "Port": 2222,
        "Fingerprint": "aa:bb",
    }
    created = fresh_api.post(MACHINES, {**NEW, "Endpoint": endpoint}).json()
    assert created["Uri"] == created["Endpoint"]["Uri"] == "ssh://db-9.example.com:2222/"


def test_put_keeps_health_and_disabling_sets_status(fresh_api):
    response = _put(fresh_api, TEST_WEB_01, HealthStatus="Unhealthy", IsDisabled=True)
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["HealthStatus"] == "Healthy"
    assert (saved["Status"], saved["StatusSummary"]) == (
        "Disabled",
        "This machine has been disabled.",
    )
    enabled = _put(fresh_api, TEST_WEB_01, IsDisabled=False).json()
    assert enabled["Status"] == "Online"


def test_put_replaces_roles_and_environments_whole(fresh_api):
    saved = _put(fresh_api, TEST_WEB_01, Roles=["cache"], EnvironmentIds=["Environments-4"]).json()
    assert (saved["Roles"], saved["EnvironmentIds"]) == (["cache"], ["Environments-4"])
    assert fresh_api.json("/api/Spaces-1/machineroles/all") == [
        "api",
        "cache",
        "db",
        "web",
        "worker",
    ]


def _ids(items):
    return sorted(m["Id"] for m in items)


FILTERS = [
    ({"roles": "web"}, lambda m: "web" in m["Roles"]),
    ({"roles": "WEB,db"}, lambda m: {"web", "db"} & set(m["Roles"])),
    ({"environmentIds": "Environments-2"}, lambda m: "Environments-2" in m["EnvironmentIds"]),
    (
        {"roles": "web", "environmentIds": "Environments-2"},
        lambda m: "web" in m["Roles"] and "Environments-2" in m["EnvironmentIds"],
    ),
    (
        {"tenantIds": "Tenants-130,Tenants-148"},
        lambda m: {"Tenants-130", "Tenants-148"} & set(m["TenantIds"]),
    ),
    ({"tenantTags": "Region/EU"}, lambda m: "Region/EU" in m["TenantTags"]),
    (
        {"healthStatuses": "Unavailable,unhealthy"},
        lambda m: m["HealthStatus"] in ("Unavailable", "Unhealthy"),
    ),
    (
        {"commStyles": "Ssh,Kubernetes"},
        lambda m: m["Endpoint"]["CommunicationStyle"] in ("Ssh", "Kubernetes"),
    ),
    ({"deploymentTargetTypes": "None"}, lambda m: m["Endpoint"]["CommunicationStyle"] == "None"),
    ({"isDisabled": "true"}, lambda m: m["IsDisabled"]),
    ({"partialName": "PROD-WEB"}, lambda m: "prod-web" in m["Name"]),
    ({"name": "test-web-01"}, lambda m: m["Name"] == "test-web-01"),
    ({"shellNames": "Bash"}, lambda m: m["ShellName"] == "Bash"),
    ({"ids": "Machines-1,Machines-5"}, lambda m: m["Id"] in ("Machines-1", "Machines-5")),
]


@pytest.mark.parametrize(("query", "wanted"), FILTERS, ids=[str(q) for q, _ in FILTERS])
def test_filters(api, query, wanted):
    everything = api.json(MACHINES + "/all")
    expected = _ids(m for m in everything if wanted(m))
    assert expected, "the filter selects something in the demo"
    listed = api.json(MACHINES, take=1000, **query)
    assert listed["ItemType"] == "Machine"
    assert _ids(listed["Items"]) == expected
    assert [m["Name"] for m in listed["Items"]] == sorted(m["Name"] for m in listed["Items"])


def test_thumbprint_filter_and_all_filters(api):
    target = api.json(TEST_WEB_01)
    found = api.json(MACHINES, thumbprint=target["Thumbprint"].lower())["Items"]
    assert [m["Id"] for m in found] == [target["Id"]]
    assert [m["Id"] for m in api.json(MACHINES + "/all", ids="Machines-21")] == ["Machines-21"]


def test_environment_machines_are_filtered_and_paged(api):
    path = "/api/Spaces-1/environments/Environments-2/machines"
    web = api.json(path, roles="web", take=5)
    assert (web["ItemType"], web["TotalResults"], len(web["Items"])) == ("Machine", 12, 5)
    assert "Page.Next" in web["Links"]
    assert api.json(path)["TotalResults"] == 31  # 30 in Test plus dev-db-01
    assert api.get("/api/Spaces-1/environments/Environments-99/machines").status_code == 404


def test_machine_roles_and_platforms(api):
    assert api.json("/api/Spaces-1/machineroles/all") == ["api", "db", "web", "worker"]
    assert api.json(MACHINES + "/operatingsystem/shells/all") == ["Bash", "PowerShell", "Unknown"]
    names = api.json(MACHINES + "/operatingsystem/names/all")
    assert "Ubuntu 22.04.4 LTS" in names
    status = api.json(TEST_WEB_01 + "/connection")
    assert (status["MachineId"], status["Status"]) == ("Machines-21", "Healthy")


def test_deleted_environments_and_tenants_leave_targets(fresh_api):
    assert fresh_api.delete("/api/Spaces-1/environments/Environments-3").status_code == 200
    assert fresh_api.json(TEST_WEB_01)["EnvironmentIds"] == ["Environments-2"]
    (prod_web_09,) = fresh_api.json(MACHINES, name="prod-web-09")["Items"]
    assert fresh_api.delete("/api/Spaces-1/tenants/Tenants-130").status_code == 200
    assert fresh_api.json(f"{MACHINES}/{prod_web_09['Id']}")["TenantIds"] == []


def test_renamed_and_removed_tags_follow_on_targets(fresh_api):
    region = "/api/Spaces-1/tagsets/TagSets-1"
    tag_set = fresh_api.json(region)
    tag_set["Tags"][0]["Name"] = "Europe"
    assert fresh_api.put(region, tag_set).status_code == 200
    eu_targets = fresh_api.json(MACHINES, tenantTags="Region/Europe")["Items"]
    assert sorted(m["Name"] for m in eu_targets) == ["prod-api-07", "test-web-12"]
    tag_set = fresh_api.json(region)
    tag_set["Tags"] = tag_set["Tags"][1:]
    assert fresh_api.put(region, tag_set).status_code == 200
    (test_web_12,) = fresh_api.json(MACHINES, name="test-web-12")["Items"]
    assert test_web_12["TenantTags"] == ["Tier/Gold"]


def test_delete_target(fresh_api):
    assert fresh_api.delete(TEST_WEB_01).status_code == 200
    response = fresh_api.get(TEST_WEB_01)
    assert response.status_code == 404
    assert response.json()["ErrorMessage"] == "The resource 'Machines-21' was not found."
