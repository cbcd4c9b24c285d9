"""The targets area's worker pools, workers and machine policies."""

from __future__ import annotations

import pytest

POOLS = "/api/Spaces-1/workerpools"
WORKERS = "/api/Spaces-1/workers"
POLICIES = "/api/Spaces-1/machinepolicies"
THUMBPRINT = "0E80576D3BD8D40854802A4F8340A2E23AE961FD"
WORKER = {
    "Name": "win-worker-09",
    "WorkerPoolIds": ["WorkerPools-1"],
    "Endpoint": {
        "CommunicationStyle": "TentaclePassive",
        "Uri": "https://w9:10933/",
        "Thumbprint": THUMBPRINT,
    },
}


def test_demo_pools_workers_and_policies(api):
    pools = api.json(POOLS + "/all")
    assert [
        (p["Id"], p["Name"], p["WorkerPoolType"], p["IsDefault"], p["CanAddWorkers"]) for p in pools
    ] == [
        ("WorkerPools-1", "Default Worker Pool", "StaticWorkerPool", True, True),
        ("WorkerPools-2", "Hosted Ubuntu", "DynamicWorkerPool", False, False),
        ("WorkerPools-3", "Hosted Windows", "DynamicWorkerPool", False, False),
        ("WorkerPools-4", "Linux Workers", "StaticWorkerPool", False, True),
    ]
    assert [p["WorkerType"] for p in pools] == [None, "UbuntuDefault", "WindowsDefault", None]
    workers = api.json(WORKERS + "/all")
    assert sorted(w["Id"] for w in workers) == sorted(f"Workers-{n}" for n in range(1, 7))
    assert [w["Name"] for w in workers] == sorted(w["Name"] for w in workers)
    linux = api.json(POOLS + "/WorkerPools-4/workers")
    assert (linux["ItemType"], linux["TotalResults"]) == ("Worker", 3)
    policies = api.json(POLICIES + "/all")
    assert [(p["Id"], p["Name"], p["IsDefault"]) for p in policies] == [
        ("MachinePolicies-1", "Default Machine Policy", True),
        ("MachinePolicies-2", "Cloud Targets", False),
    ]
    cloud = api.json(POLICIES + "/MachinePolicies-2/machines")
    assert cloud["TotalResults"] == 8
    assert {m["Endpoint"]["CommunicationStyle"] for m in cloud["Items"]} == {"None"}
    assert api.json(POLICIES + "/MachinePolicies-1/workers")["TotalResults"] == 6


def test_empty_seed_and_new_spaces_have_a_default_policy_and_pool(fresh_api):
    fresh_api.post("/_sandbox/reset", {"seed": "empty"})
    assert [p["Name"] for p in fresh_api.json(POOLS + "/all")] == ["Default Worker Pool"]
    assert [p["Name"] for p in fresh_api.json(POLICIES + "/all")] == ["Default Machine Policy"]
    assert fresh_api.json("/api/Spaces-1/machines/all") == []
    space = fresh_api.post("/api/spaces", {"Name": "Second"}).json()
    pools = fresh_api.json(f"/api/{space['Id']}/workerpools/all")
    assert [(p["Name"], p["IsDefault"]) for p in pools] == [("Default Worker Pool", True)]
    policies = fresh_api.json(f"/api/{space['Id']}/machinepolicies/all")
    assert [(p["Name"], p["IsDefault"]) for p in policies] == [("Default Machine Policy", True)]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"WorkerPoolIds": []}, "A worker needs at least one worker pool (WorkerPoolIds)."),
        (
            {"WorkerPoolIds": ["WorkerPools-99"]},
            "The worker pool 'WorkerPools-99' does not exist in Spaces-1.",
        ),
        (
            {"WorkerPoolIds": ["WorkerPools-2"]},
            "The worker pool 'Hosted Ubuntu' is a dynamic worker pool; workers cannot be added",
        ),
        (
            {"MachinePolicyId": "MachinePolicies-9"},
            "The machine policy 'MachinePolicies-9' does not exist in Spaces-1.",
        ),
        (
            {"Endpoint": {"CommunicationStyle": "Ssh", "Host": "h"}},
            "Endpoint.Fingerprint is required for a Ssh endpoint.",
        ),
    ],
)
def test_invalid_worker_writes_are_400(fresh_api, changes, error):
    path = WORKERS + "/Workers-1"
    before = fresh_api.json(path)
    for response in (
        fresh_api.put(path, {**before, **changes}),
        fresh_api.post(WORKERS, {**WORKER, **changes}),
    ):
        assert response.status_code == 400, response.text
        assert any(error in e for e in response.json()["Errors"]), response.json()["Errors"]
    assert fresh_api.json(path) == before


def test_worker_create_and_filters(fresh_api):
    response = fresh_api.post(
        WORKERS, {**WORKER, "WorkerPoolIds": ["workerpools-4", "WorkerPools-4"]}
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["WorkerPoolIds"] == ["WorkerPools-4"]
    assert (created["HealthStatus"], created["MachinePolicyId"]) == ("Unknown", "MachinePolicies-1")
    in_linux = fresh_api.json(WORKERS, workerPoolIds="WorkerPools-4")["Items"]
    assert {w["Name"] for w in in_linux} == {
        "linux-worker-01",
        "linux-worker-02",
        "linux-worker-03",
        "win-worker-09",
    }
    ssh = fresh_api.json(WORKERS, commStyles="Ssh", healthStatuses="Healthy")["Items"]
    assert {w["Name"] for w in ssh} == {"linux-worker-01", "linux-worker-02"}
    assert fresh_api.json(WORKERS + "/Workers-4/connection")["MachineId"] == "Workers-4"
    assert fresh_api.json(WORKERS + "/operatingsystem/shells/all") == [
        "Bash",
        "PowerShell",
        "Unknown",
    ]


def test_pool_types_and_defaults(fresh_api):
    dynamic = fresh_api.post(
        POOLS,
        {
            "Name": "Hosted Big",
            "WorkerPoolType": "dynamicworkerpool",
            "WorkerType": "ubuntu2204",
            "CanAddWorkers": True,
        },
    )
    assert dynamic.status_code == 201, dynamic.text
    created = dynamic.json()
    assert (created["WorkerPoolType"], created["WorkerType"], created["CanAddWorkers"]) == (
        "DynamicWorkerPool",
        "Ubuntu2204",
        False,
    )
    assert created["SortOrder"] == 4
    bad = fresh_api.post(
        POOLS, {"Name": "Hosted Odd", "WorkerPoolType": "DynamicWorkerPool", "WorkerType": "Amiga"}
    )
    assert bad.status_code == 400 and "'Amiga' is not a dynamic worker type" in bad.text
    changed = fresh_api.put(
        f"{POOLS}/{created['Id']}", {**created, "WorkerPoolType": "StaticWorkerPool"}
    )
    assert "cannot be changed" in changed.json()["Errors"][0]
    default = fresh_api.json(POOLS + "/WorkerPools-1")
    unset = fresh_api.put(POOLS + "/WorkerPools-1", {**default, "IsDefault": False})
    assert unset.status_code == 400 and "There must be a default worker pool" in unset.text
    linux = fresh_api.json(POOLS + "/WorkerPools-4")
    assert fresh_api.put(POOLS + "/WorkerPools-4", {**linux, "IsDefault": True}).status_code == 200
    assert [p["Name"] for p in fresh_api.json(POOLS + "/all") if p["IsDefault"]] == [
        "Linux Workers"
    ]


def test_pool_deletes(fresh_api):
    assert fresh_api.delete(POOLS + "/WorkerPools-1").json()["Errors"] == [
        "The default worker pool cannot be deleted."
    ]
    busy = fresh_api.delete(POOLS + "/WorkerPools-4")
    assert busy.status_code == 400 and "has 3 worker(s)" in busy.text
    assert fresh_api.delete(POOLS + "/WorkerPools-2").status_code == 200
    k8s = fresh_api.json("/api/Spaces-1/machines", commStyles="Kubernetes", take=1)["Items"][0]
    assert k8s["Endpoint"]["DefaultWorkerPoolId"] is None


def test_pool_type_lists_and_summary(api):
    assert api.json(POOLS + "/supportedtypes")["SupportedPoolTypes"] == [
        "StaticWorkerPool",
        "DynamicWorkerPool",
    ]
    types = api.json(POOLS + "/dynamicworkertypes")["WorkerTypes"]
    assert {"UbuntuDefault", "WindowsDefault"} <= {t["Id"] for t in types}
    summary = api.json(POOLS + "/summary")
    assert (summary["TotalMachines"], summary["MachineHealthStatusSummaries"]) == (
        6,
        {"Healthy": 5, "Unhealthy": 1},
    )
    per_pool = {s["WorkerPool"]["Name"]: s["TotalMachines"] for s in summary["WorkerPoolSummaries"]}
    assert per_pool == {
        "Default Worker Pool": 4,
        "Hosted Ubuntu": 0,
        "Hosted Windows": 0,
        "Linux Workers": 3,
    }
    hidden = api.json(POOLS + "/summary", hideEmptyWorkerPools="true")["WorkerPoolSummaries"]
    assert len(hidden) == 2


def test_policy_template_create_and_validation(fresh_api):
    template = fresh_api.json(POLICIES + "/template")
    assert template["Id"] is None and template["IsDefault"] is False
    assert template["MachineCleanupPolicy"]["DeleteMachinesBehavior"] == "DoNotDelete"
    body = {
        "name": "Short Lived",
        "isDefault": True,
        "machineCleanupPolicy": {"deleteMachinesBehavior": "deleteunavailablemachines"},
    }
    created = fresh_api.post(POLICIES, body)
    assert created.status_code == 201, created.text
    policy = created.json()
    assert policy["IsDefault"] is False
    assert policy["MachineCleanupPolicy"] == {
        "DeleteMachinesBehavior": "DeleteUnavailableMachines",
        "DeleteMachinesElapsedTimeSpan": "1.00:00:00",
    }
    bad = fresh_api.post(
        POLICIES, {"Name": "Odd", "MachineConnectivityPolicy": {"MachineConnectivityBehavior": "X"}}
    )
    assert bad.status_code == 400 and "'X' is not a valid MachineConnectivityBehavior" in bad.text


def test_policy_deletes(fresh_api):
    default = fresh_api.delete(POLICIES + "/MachinePolicies-1")
    assert default.json()["Errors"] == ["You cannot delete your default machine policy."]
    used = fresh_api.delete(POLICIES + "/MachinePolicies-2")
    assert used.status_code == 400 and "is used by 8 machine(s)" in used.text
    spare = fresh_api.post(POLICIES, {"Name": "Spare"}).json()
    assert fresh_api.delete(f"{POLICIES}/{spare['Id']}").status_code == 200
