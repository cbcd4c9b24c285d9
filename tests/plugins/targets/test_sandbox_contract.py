"""Every targets-area response validates against its definition in the API
reference, and the reference's machine and worker samples are accepted as written."""

from __future__ import annotations

import pytest

from tests.sandbox.schema import load_sample, validate

SPACE = "/api/Spaces-1"
READS = [
    ("DeploymentTargetResourceResourceCollection", "/machines?take=100"),
    (
        "DeploymentTargetResourceResourceCollection",
        "/machines?roles=web&environmentIds=Environments-2",
    ),
    ("DeploymentTargetResource[]", "/machines/all"),
    ("DeploymentTargetResourceResourceCollection", "/environments/Environments-2/machines"),
    ("MachineConnectionStatus", "/machines/Machines-1/connection"),
    ("MachinePolicyResourceResourceCollection", "/machinepolicies"),
    ("MachinePolicyResource[]", "/machinepolicies/all"),
    ("MachinePolicyResource", "/machinepolicies/MachinePolicies-2"),
    ("MachinePolicyResource", "/machinepolicies/template"),
    ("DeploymentTargetResourceResourceCollection", "/machinepolicies/MachinePolicies-2/machines"),
    ("WorkerResourceResourceCollection", "/machinepolicies/MachinePolicies-1/workers"),
    ("WorkerPoolResourceResourceCollection", "/workerpools"),
    ("WorkerPoolResource[]", "/workerpools/all"),
    ("WorkerPoolResource", "/workerpools/WorkerPools-2"),
    ("WorkerResourceResourceCollection", "/workerpools/WorkerPools-4/workers"),
    ("WorkerPoolSupportedTypesResource", "/workerpools/supportedtypes"),
    ("WorkerPoolDynamicWorkerTypesResource", "/workerpools/dynamicworkertypes"),
    ("WorkerPoolsSummaryResource", "/workerpools/summary"),
    ("WorkerResourceResourceCollection", "/workers"),
    ("WorkerResource[]", "/workers/all"),
    ("WorkerResource", "/workers/Workers-4"),
    ("MachineConnectionStatus", "/workers/Workers-1/connection"),
]


@pytest.mark.parametrize(("definition", "path"), READS, ids=[f"{d} {p}" for d, p in READS])
def test_get_matches_definition(api, definition, path):
    validate(definition, api.json(SPACE + path))


@pytest.mark.parametrize(
    "style", ["TentaclePassive", "TentacleActive", "Ssh", "Kubernetes", "None"]
)
def test_every_demo_endpoint_style_matches_definition(api, style):
    (target,) = api.json(SPACE + "/machines", commStyles=style, take=1)["Items"]
    validate("DeploymentTargetResource", target)
    validate("EndpointResource", target["Endpoint"])
    assert target["Endpoint"]["CommunicationStyle"] == style


def test_string_lists(api):
    for path in (
        "/machineroles/all",
        "/machines/operatingsystem/names/all",
        "/machines/operatingsystem/shells/all",
        "/workers/operatingsystem/names/all",
    ):
        body = api.json(SPACE + path)
        assert body and all(isinstance(item, str) for item in body), path


def test_root_links_name_the_targets_routes(api):
    links = api.json("/api")["Links"]
    assert links["Machines"].startswith("/api/Spaces-1/machines{/id}{?skip,take,name,ids,")
    for name in (
        "MachineRoles",
        "MachinePolicies",
        "MachinePolicyTemplate",
        "WorkerPools",
        "Workers",
        "WorkerPoolsDynamicWorkerTypes",
        "WorkerPoolsSupportedTypes",
        "WorkerPoolsSummary",
        "MachineOperatingSystems",
        "WorkerShells",
    ):
        template = links[name].split("{")[0]
        assert api.get(template.replace("{id}", "")).status_code == 200, name


CREATES = {
    "machines": (
        "DeploymentTargetResource",
        {
            "Name": "contract-01",
            "Roles": ["web"],
            "EnvironmentIds": ["Environments-1"],
            "Endpoint": {
                "CommunicationStyle": "Kubernetes",
                "ClusterUrl": "https://k8s.example.com",
                "DefaultWorkerPoolId": "WorkerPools-2",
            },
        },
    ),
    "workers": (
        "WorkerResource",
        {
            "Name": "contract-worker",
            "WorkerPoolIds": ["WorkerPools-1"],
            "Endpoint": {
                "CommunicationStyle": "TentacleActive",
                "Uri": "poll://contract/",
                "Thumbprint": "0E80576D3BD8D40854802A4F8340A2E23AE961FD",
            },
        },
    ),
    "workerpools": ("WorkerPoolResource", {"Name": "Contract Pool"}),
    "machinepolicies": ("MachinePolicyResource", {"Name": "Contract Policy"}),
}


@pytest.mark.parametrize("segment", sorted(CREATES))
def test_create_and_update_match_definition(fresh_api, segment):
    definition, body = CREATES[segment]
    base = f"{SPACE}/{segment}"
    created = fresh_api.post(base, body)
    assert created.status_code == 201, created.text
    validate(definition, created.json())
    key = "Description" if segment in ("workerpools", "machinepolicies") else "IsDisabled"
    value = "changed by the contract test" if key == "Description" else True
    updated = fresh_api.put(f"{base}/{created.json()['Id']}", {**created.json(), key: value})
    assert updated.status_code == 200, updated.text
    validate(definition, updated.json())
    assert updated.json()[key] == value
    assert fresh_api.json(f"{base}/{created.json()['Id']}") == updated.json()


ERRORS = [
    (400, "POST", "/machines", {"Name": "no-roles"}),
    (400, "POST", "/workers", {"Name": "no-pools"}),
    (400, "DELETE", "/machinepolicies/MachinePolicies-1", None),
    (400, "DELETE", "/workerpools/WorkerPools-1", None),
    (404, "GET", "/machines/Machines-9999", None),
    (404, "GET", "/workerpools/WorkerPools-99/workers", None),
    (405, "PATCH", "/machines/Machines-1", None),
]


@pytest.mark.parametrize(
    ("status", "method", "path", "body"), ERRORS, ids=[f"{e[0]} {e[1]} {e[2]}" for e in ERRORS]
)
def test_errors_match_definition(fresh_api, status, method, path, body):
    kwargs = {"json": body} if body is not None else {}
    response = fresh_api.request(method, SPACE + path, **kwargs)
    assert response.status_code == status, response.text
    validate("Error", response.json())


# -- samples: bodies other clients send ---------------------------------------------------


@pytest.mark.parametrize(
    "sample",
    [
        "machine.kubernetes.json",
        "machine.cloud-region.json",
        "machine.azure-cloud-service.json",
        "machine.offline-drop.json",
    ],
)
def test_machine_samples_are_accepted_as_sent(fresh_api, sample):
    """Server-shaped fixtures of the Go client, with their ids made real: a client that
    read such a document and sends it back must succeed, keeping every field."""
    body = load_sample(sample)
    body.update(
        EnvironmentIds=["Environments-1"],
        TenantIds=["Tenants-1"][: len(body["TenantIds"])],
        TenantTags=["Region/EU"][: len(body["TenantTags"])],
        Name=f"sample {sample}",
    )
    body.pop("Id")
    if body["Endpoint"].get("DefaultWorkerPoolId"):
        body["Endpoint"]["DefaultWorkerPoolId"] = "WorkerPools-2"
    response = fresh_api.post(SPACE + "/machines", body)
    assert response.status_code == 201, response.text
    created = response.json()
    validate("DeploymentTargetResource", created)
    sent = {
        k: v
        for k, v in body["Endpoint"].items()
        if k not in ("Id", "LastModifiedOn", "LastModifiedBy", "Links")
    }
    assert {k: created["Endpoint"][k] for k in sent} == sent
    assert created["HealthStatus"] == "Unknown", "health is the server's"


def test_machine_create_docs_sample(fresh_api):
    body = load_sample("machine.create.request.docs-schema.json")
    body.update(
        Name="docs sample",
        Slug="docs-sample",
        MachinePolicyId="MachinePolicies-2",
        EnvironmentIds=["Environments-2"],
        TenantIds=["Tenants-1"],
        TenantTags=["Tier/Gold"],
        Roles=["web"],
    )
    response = fresh_api.post(SPACE + "/machines", body)
    assert response.status_code == 201, response.text
    created = response.json()
    validate("DeploymentTargetResource", created)
    assert (created["Slug"], created["Uri"], created["Thumbprint"]) == ("docs-sample", None, None)


@pytest.mark.parametrize("sample", ["worker.1.json", "worker.2.json"])
def test_worker_samples_are_accepted_as_sent(fresh_api, sample):
    body = load_sample(sample)
    body.update(WorkerPoolIds=["WorkerPools-4"], Name=f"sample {sample}")
    body.pop("Id")
    response = fresh_api.post(SPACE + "/workers", body)
    assert response.status_code == 201, response.text
    validate("WorkerResource", response.json())
    assert (
        response.json()["Endpoint"]["CommunicationStyle"] == body["Endpoint"]["CommunicationStyle"]
    )
