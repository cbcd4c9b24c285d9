"""The dashboard and project progression: what is deployed where, per tenant too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.plugins.deployments.test_sandbox_lifecycle import (
    DEV,
    PROD,
    STAGING,
    TEST,
    deploy,
    project,
    release,
    tenant,
)
from tests.sandbox.conftest import Client, in_process
from tests.sandbox.schema import load_sample, validate

SPACE = "/api/Spaces-1"
DASHBOARD = SPACE + "/dashboard"


@pytest.fixture
def api(fresh) -> Client:
    return in_process(fresh)


def post_deployment(
    api: Client, release_id: str, env_id: str, tenant_id: str | None = None
) -> dict:
    """A deployment through the API (the default task schedule finishes it at once)."""
    body = {"ReleaseId": release_id, "EnvironmentId": env_id, "TenantId": tenant_id}
    answer = api.post(SPACE + "/deployments", body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def items_of(board: dict[str, Any], project_id: str, key: str = "Items") -> list[dict]:
    return [i for i in board[key] if i["ProjectId"] == project_id]


def same_keys(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    missing = sorted(set(expected) - set(actual))
    assert not missing, f"missing keys {missing} (have {sorted(actual)})"


# -- the dashboard -----------------------------------------------------------------------------


def test_the_dashboard_matches_the_schema_and_the_captured_shape(fresh, api) -> None:
    project_id = project(api, "Shape", mode="TenantedOrUntenanted")
    tenant_id = tenant(api, "Shape Co", {project_id: [DEV, TEST]})
    first = release(api, project_id)
    post_deployment(api, first["Id"], DEV)
    post_deployment(api, first["Id"], DEV)
    post_deployment(api, first["Id"], DEV, tenant_id)
    board = api.json(DASHBOARD)
    validate("DashboardResource", board)
    sample = load_sample("dashboard.response.json")
    assert set(board) == set(sample) | {"PreviousItems"}  # the capture had none
    for key in ("Projects", "ProjectGroups", "Environments", "Tenants", "Items"):
        found = board[key] if key != "Items" else items_of(board, project_id)
        assert found, key
        same_keys(sample[key][0], found[0])
    assert [e["Name"] for e in board["Environments"]] == [
        "Development",
        "Test",
        "Staging",
        "Production",
    ]
    assert len(board["Projects"]) == len(api.json(SPACE + "/projects/all"))
    assert board["ProjectLimit"] is None and board["IsFiltered"] is False
    shape = next(p for p in board["Projects"] if p["Id"] == project_id)
    assert shape["EnvironmentIds"] == [DEV, TEST, STAGING, PROD]
    assert shape["CanPerformUntenantedDeployment"] is True
    listed = next(t for t in board["Tenants"] if t["Id"] == tenant_id)
    assert listed["ProjectEnvironments"] == {project_id: [DEV, TEST]}
    assert {i["TenantId"] for i in items_of(board, project_id)} == {None, tenant_id}
    assert len(items_of(board, project_id, "PreviousItems")) == 1


def test_the_current_item_is_the_latest_deployment_whatever_its_state(fresh, api) -> None:
    project_id = project(api, "Current")
    old, new = release(api, project_id, "1.0.0"), release(api, project_id, "1.1.0")
    first = post_deployment(api, old["Id"], DEV)
    second = post_deployment(api, new["Id"], DEV)
    board = api.json(DASHBOARD, projectId=project_id)
    assert board["IsFiltered"] is True and [p["Id"] for p in board["Projects"]] == [project_id]
    [current] = board["Items"]
    [previous] = board["PreviousItems"]
    assert (current["DeploymentId"], current["ReleaseVersion"]) == (second["Id"], "1.1.0")
    assert current["IsCurrent"] and not current["IsPrevious"] and current["State"] == "Success"
    assert current["Links"]["Task"] == f"/api/tasks/{second['TaskId']}"
    assert previous["DeploymentId"] == first["Id"] and previous["IsPrevious"]
    failed = deploy(fresh, old, DEV, state="Failed", created="2999-01-01T00:00:00.000+00:00")
    [current] = api.json(DASHBOARD, projectId=project_id)["Items"]
    assert (current["DeploymentId"], current["State"]) == (failed["Id"], "Failed")
    assert current["ErrorMessage"] == "It failed."
    highest = api.json(
        DASHBOARD, projectId=project_id, highestLatestVersionPerProjectAndEnvironment="true"
    )
    assert [i["ReleaseVersion"] for i in highest["Items"]] == ["1.1.0"]
    only_old = api.json(DASHBOARD, projectId=project_id, releaseId=old["Id"])
    assert [i["DeploymentId"] for i in only_old["Items"]] == [failed["Id"]]
    assert api.json(DASHBOARD, projectId=project_id, releaseId=new["Id"])["Items"] == []


def test_tenant_filters_narrow_tenants_and_items(fresh, api) -> None:
    project_id = project(api, "Per Tenant", mode="TenantedOrUntenanted")
    eu = api.post(
        SPACE + "/tenants",
        {
            "Name": "Euro Co",
            "TenantTags": ["Region/EU"],
            "ProjectEnvironments": {project_id: [DEV]},
        },
    ).json()["Id"]
    us = api.post(
        SPACE + "/tenants",
        {
            "Name": "Yankee Co",
            "TenantTags": ["Region/US"],
            "ProjectEnvironments": {project_id: [DEV]},
        },
    ).json()["Id"]
    first = release(api, project_id)
    for tenant_id in (None, eu, us):
        post_deployment(api, first["Id"], DEV, tenant_id)
    by_id = api.json(DASHBOARD, projectId=project_id, selectedTenants=us)
    assert [t["Id"] for t in by_id["Tenants"]] == [us]
    assert [i["TenantId"] for i in by_id["Items"]] == [us]
    by_tag = api.json(DASHBOARD, projectId=project_id, selectedTags="Region/EU")
    assert [i["TenantId"] for i in by_tag["Items"]] == [eu] and by_tag["IsFiltered"] is True
    everyone = api.json(DASHBOARD, projectId=project_id)
    assert sorted(str(i["TenantId"]) for i in everyone["Items"]) == sorted(["None", eu, us])
    assert api.get(DASHBOARD, params={"projectId": "Projects-999"}).status_code == 404
    assert api.get(DASHBOARD, params={"showAll": "perhaps"}).status_code == 400


def test_items_show_pending_interruptions(fresh, api) -> None:
    first = release(api, project(api, "Paused"))
    paused = deploy(fresh, first, DEV, state="Executing")
    with fresh.state.lock:
        task = fresh.state.require("ServerTasks", paused["TaskId"])
        task["HasPendingInterruptions"] = True
        fresh.state.put(
            "Interruptions",
            {
                "Id": "Interruptions-900",
                "SpaceId": "Spaces-1",
                "Title": "Approve",
                "Type": "ManualIntervention",
                "IsPending": True,
                "TaskId": paused["TaskId"],
            },
        )
    [item] = api.json(DASHBOARD, projectId=first["ProjectId"])["Items"]
    assert item["HasPendingInterruptions"] and item["State"] == "Executing"
    assert item["PendingInterruptionTypes"] == ["ManualIntervention"]
    assert item["IsCompleted"] is False


def test_the_dynamic_dashboard_filters_projects_and_environments(fresh, api) -> None:
    project_id = project(api, "Dynamic")
    first = release(api, project_id)
    post_deployment(api, first["Id"], DEV)
    post_deployment(api, first["Id"], DEV)
    post_deployment(api, first["Id"], TEST)
    board = api.json(SPACE + "/dashboard/dynamic", projects=project_id, environments=TEST)
    validate("DashboardResource", board)
    assert [i["EnvironmentId"] for i in board["Items"]] == [TEST]
    assert [e["Id"] for e in board["Environments"]] == [TEST]
    assert board["PreviousItems"] == []
    with_previous = api.json(
        SPACE + "/dashboard/dynamic", projects=project_id, includePrevious="true"
    )
    assert [i["EnvironmentId"] for i in with_previous["PreviousItems"]] == [DEV]
    assert api.json("/api")["Links"]["DashboardDynamic"].endswith(
        "/dashboard/dynamic{?projects,environments,includePrevious}"
    )


def test_the_root_document_links_the_dashboard(api) -> None:
    sample = load_sample("api-root.2020.4.0.response.json")["Links"]["Dashboard"]
    assert api.json("/api")["Links"]["Dashboard"] == sample


# -- project progression ----------------------------------------------------------------------


def test_progression_lists_recent_releases_and_where_they_are(fresh, api) -> None:
    project_id = project(api, "Progressing", mode="TenantedOrUntenanted")
    tenant_id = tenant(api, "Progress Co", {project_id: [DEV, TEST]})
    releases = [release(api, project_id, f"1.{n}.0") for n in range(5)]
    newest = releases[-1]
    post_deployment(api, newest["Id"], DEV)
    post_deployment(api, newest["Id"], DEV, tenant_id)
    body = api.json(f"{SPACE}/progression/{project_id}")
    validate("ProgressionResource", body)
    assert api.json(f"{SPACE}/projects/{project_id}/progression") == body
    assert [e["Id"] for e in body["Environments"]] == [DEV, TEST, STAGING, PROD]
    [channel_id] = body["ChannelEnvironments"]
    assert [e["Name"] for e in body["ChannelEnvironments"][channel_id]][:2] == [
        "Development",
        "Test",
    ]
    assert list(body["LifecycleEnvironments"]) == ["Lifecycles-1"]
    assert [r["Release"]["Version"] for r in body["Releases"]] == ["1.4.0", "1.3.0", "1.2.0"]
    top = body["Releases"][0]
    assert top["Channel"]["Id"] == channel_id and top["HasUnresolvedDefect"] is False
    assert [i["TenantId"] for i in top["Deployments"][DEV]] == [None, tenant_id]
    assert all(i["IsCurrent"] for i in top["Deployments"][DEV])
    assert top["NextDeployments"] == [TEST]
    assert body["Releases"][1]["Deployments"] == {} and body["Releases"][1]["NextDeployments"] == [
        DEV
    ]
    assert top["ReleaseRetentionPeriod"]["Unit"] in ("Days", "Items")
    more = api.json(f"{SPACE}/progression/{project_id}", releaseHistoryCount=10)
    assert len(more["Releases"]) == 5
    too_many = api.get(f"{SPACE}/progression/{project_id}", params={"releaseHistoryCount": 101})
    assert too_many.status_code == 400
    assert api.get(f"{SPACE}/progression/Projects-999").status_code == 404
