"""``/environments/summary``: each environment's targets counted by health, style and tenant."""

from __future__ import annotations

from collections import Counter

from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"


def test_environments_summary_counts_each_environments_targets(api):
    summary = api.json(f"{SPACE}/environments/summary")
    validate("EnvironmentsSummaryResource", summary)
    machines = api.json(f"{SPACE}/machines/all")
    assert summary["TotalMachines"] == len(machines)
    assert summary["TotalDisabledMachines"] == sum(m["IsDisabled"] for m in machines)
    environments = api.json(f"{SPACE}/environments/all")
    assert [s["Environment"]["Id"] for s in summary["EnvironmentSummaries"]] == [
        e["Id"] for e in environments
    ]
    for item in summary["EnvironmentSummaries"]:
        mine = [m for m in machines if item["Environment"]["Id"] in m["EnvironmentIds"]]
        assert item["TotalMachines"] == len(mine)
        health = Counter(m["HealthStatus"] for m in mine)
        assert item["MachineHealthStatusSummaries"] == dict(health)


def test_environments_summary_filters(api):
    path = f"{SPACE}/environments/summary"
    one = api.json(path, ids="Environments-1")["EnvironmentSummaries"]
    assert [s["Environment"]["Id"] for s in one] == ["Environments-1"]
    dbs = api.json(path, ids="Environments-1", roles="db")["EnvironmentSummaries"][0]
    assert 0 < dbs["TotalMachines"] < one[0]["TotalMachines"]
    none = api.json(path, machinePartialName="no-such-machine", hideEmptyEnvironments="true")
    assert (none["EnvironmentSummaries"], none["TotalMachines"]) == ([], 0)
