"""Lifecycle progression: where a release may go now, for everyone and per tenant.

The deployments these tests need are stored the way the deployments area
stores them (a ``Deployments`` document and its finished ``ServerTasks``
document), so each rule is checked on its own, whatever the task schedule.
"""

from __future__ import annotations

from typing import Any

import pytest
from octoflow_plugins.deployments.sandbox.lifecycle import (
    allowed_environment_ids,
    phase_states,
)

from octoflow.sandbox import Sandbox
from tests.sandbox.conftest import Client, in_process
from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
DEV, TEST, STAGING, PROD = (f"Environments-{n}" for n in range(1, 5))
COMPLETED = ("Success", "Failed", "Canceled", "TimedOut")


@pytest.fixture
def api(fresh) -> Client:
    return in_process(fresh)


def phase(name: str, *envs: str, minimum: int = 0, optional: bool = False) -> dict[str, Any]:
    return {
        "Name": name,
        "OptionalDeploymentTargets": list(envs),
        "MinimumEnvironmentsBeforePromotion": minimum,
        "IsOptionalPhase": optional,
    }


def lifecycle(api: Client, name: str, *phases: dict[str, Any]) -> str:
    answer = api.post(SPACE + "/lifecycles", {"Name": name, "Phases": list(phases)})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["Id"])


def project(
    api: Client, name: str, lifecycle_id: str = "Lifecycles-1", mode: str = "Untenanted"
) -> str:
    body = {
        "Name": name,
        "ProjectGroupId": "ProjectGroups-1",
        "LifecycleId": lifecycle_id,
        "TenantedDeploymentMode": mode,
    }
    answer = api.post(SPACE + "/projects", body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["Id"])


def release(
    api: Client, project_id: str, version: str = "1.0.0", channel: str | None = None
) -> dict:
    body = {"ProjectId": project_id, "Version": version, "ChannelId": channel}
    answer = api.post(SPACE + "/releases", body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def tenant(api: Client, name: str, connections: dict[str, list[str]]) -> str:
    answer = api.post(SPACE + "/tenants", {"Name": name, "ProjectEnvironments": connections})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["Id"])


def deploy(
    sandbox: Sandbox,
    release_doc: dict,
    env_id: str,
    tenant_id: str | None = None,
    state: str = "Success",
    created: str = "2026-02-01T10:00:00.000+00:00",
) -> dict[str, Any]:
    """Store a deployment and its server task as the deployments area stores them."""
    st = sandbox.state
    with st.lock:
        task_id, deployment_id = st.next_id("ServerTasks"), st.next_id("Deployments")
        finished = state in COMPLETED
        st.put(
            "ServerTasks",
            {
                "Id": task_id,
                "SpaceId": "Spaces-1",
                "Name": "Deploy",
                "Description": f"Deploy {release_doc['Version']}",
                "Arguments": {"DeploymentId": deployment_id},
                "State": state,
                "QueueTime": created,
                "StartTime": created,
                "CompletedTime": created if finished else None,
                "Duration": "1 second",
                "ErrorMessage": "" if state == "Success" else "It failed.",
                "IsCompleted": finished,
                "FinishedSuccessfully": state == "Success",
                "HasPendingInterruptions": False,
                "HasWarningsOrErrors": state != "Success",
                "Links": {"Self": f"/api/tasks/{task_id}"},
            },
        )
        doc = {
            "Id": deployment_id,
            "SpaceId": "Spaces-1",
            "Name": f"Deploy to {env_id}",
            "ReleaseId": release_doc["Id"],
            "ProjectId": release_doc["ProjectId"],
            "ChannelId": release_doc["ChannelId"],
            "EnvironmentId": env_id,
            "TenantId": tenant_id,
            "TaskId": task_id,
            "Created": created,
            "Links": {"Self": f"/api/Spaces-1/deployments/{deployment_id}"},
        }
        return st.put("Deployments", doc)


def allowed(sandbox: Sandbox, release_doc: dict, tenant_id: str | None = None) -> list[str]:
    with sandbox.state.lock:
        return allowed_environment_ids(sandbox.state, release_doc, tenant_id)


# -- untenanted --------------------------------------------------------------------------------


def test_phases_open_one_after_another_on_success(fresh, api) -> None:
    first = release(api, project(api, "Sequential"))
    assert allowed(fresh, first) == [DEV]
    deploy(fresh, first, DEV)
    assert allowed(fresh, first) == [DEV, TEST]
    deploy(fresh, first, TEST, state="Failed")
    assert allowed(fresh, first) == [DEV, TEST]
    deploy(fresh, first, TEST, state="Executing")
    assert allowed(fresh, first) == [DEV, TEST]
    deploy(fresh, first, TEST)
    assert allowed(fresh, first) == [DEV, TEST, STAGING]
    second = release(api, first["ProjectId"], "1.0.1")
    assert allowed(fresh, second) == [DEV]  # progression is per release


def test_optional_phases_never_block(fresh, api) -> None:
    cycle = lifecycle(
        api,
        "Optional Test",
        phase("Dev", DEV),
        phase("Test", TEST, optional=True),
        phase("Staging", STAGING),
        phase("Production", PROD),
    )
    first = release(api, project(api, "Skips Test", cycle))
    assert allowed(fresh, first) == [DEV]
    deploy(fresh, first, DEV)
    assert allowed(fresh, first) == [DEV, TEST, STAGING]
    states = phase_states(fresh.state, first)
    assert [p.progress for p in states] == ["Complete", "Current", "Current", "Pending"]


def test_a_minimum_of_environments_completes_a_phase(fresh, api) -> None:
    cycle = lifecycle(
        api,
        "Any One",
        phase("Dev", DEV),
        phase("Test or Staging", TEST, STAGING, minimum=1),
        phase("Production", PROD),
    )
    first = release(api, project(api, "Minimum", cycle))
    deploy(fresh, first, DEV)
    assert allowed(fresh, first) == [DEV, TEST, STAGING]
    deploy(fresh, first, STAGING)
    assert allowed(fresh, first) == [DEV, TEST, STAGING, PROD]


def test_no_phases_means_every_environment_in_order(fresh, api) -> None:
    cycle = lifecycle(api, "Conventional")
    first = release(api, project(api, "By Convention", cycle))
    assert allowed(fresh, first) == [DEV]
    deploy(fresh, first, DEV)
    deploy(fresh, first, TEST)
    assert allowed(fresh, first) == [DEV, TEST, STAGING]
    assert [p.environment_ids for p in phase_states(fresh.state, first)] == [
        (DEV,),
        (TEST,),
        (STAGING,),
        (PROD,),
    ]


def test_a_release_may_go_back_anywhere_it_went_before(fresh, api) -> None:
    first = release(api, project(api, "Redeploy"))
    deploy(fresh, first, PROD, state="Failed")
    assert allowed(fresh, first) == [DEV, PROD]


def test_a_channel_lifecycle_replaces_the_project_lifecycle(fresh, api) -> None:
    project_id = project(api, "Two Lifecycles")
    body = {"Name": "Internal", "ProjectId": project_id, "LifecycleId": "Lifecycles-2"}
    channel = api.post(SPACE + "/channels", body).json()
    internal = release(api, project_id, "1.0.0", channel["Id"])
    deploy(fresh, internal, DEV)
    deploy(fresh, internal, TEST)
    assert allowed(fresh, internal) == [DEV, TEST]


# -- tenants ---------------------------------------------------------------------------------------


def test_a_tenant_progresses_on_its_own_deployments(fresh, api) -> None:
    project_id = project(api, "Tenanted", mode="TenantedOrUntenanted")
    everywhere = tenant(api, "Everywhere Ltd", {project_id: [DEV, TEST, STAGING, PROD]})
    partial = tenant(api, "Test And Prod Ltd", {project_id: [TEST, PROD]})
    stranger = tenant(api, "Stranger Ltd", {})
    first = release(api, project_id)
    assert allowed(fresh, first, everywhere) == [DEV]
    assert allowed(fresh, first, partial) == []  # Dev is not done by anyone yet
    assert allowed(fresh, first, stranger) == []
    deploy(fresh, first, DEV)  # untenanted: counts for phases a tenant has no environment in
    assert allowed(fresh, first, partial) == [TEST]
    assert allowed(fresh, first, everywhere) == [DEV]  # its own Dev deployment is missing
    deploy(fresh, first, DEV, everywhere)
    deploy(fresh, first, TEST, everywhere)
    assert allowed(fresh, first, everywhere) == [DEV, TEST, STAGING]
    assert allowed(fresh, first, partial) == [TEST]  # another tenant's Test does not count
    deploy(fresh, first, TEST, partial)
    assert allowed(fresh, first, partial) == [TEST]  # nobody has been to Staging
    deploy(fresh, first, STAGING, everywhere)
    assert allowed(fresh, first, partial) == [TEST, PROD]
    assert allowed(fresh, first) == [DEV, TEST, STAGING, PROD]


# -- the release routes that show progression ---------------------------------------------------


def test_the_deployment_template_lists_where_a_release_may_go(fresh, api) -> None:
    project_id = project(api, "Template", mode="TenantedOrUntenanted")
    everywhere = tenant(api, "Template Everywhere", {project_id: [DEV, TEST, STAGING, PROD]})
    partial = tenant(api, "Template Partial", {project_id: [TEST, PROD]})
    first = release(api, project_id)
    deploy(fresh, first, DEV)
    template = api.json(f"{SPACE}/releases/{first['Id']}/deployments/template")
    validate("DeploymentTemplateResource", template)
    assert [(t["Id"], t["Name"]) for t in template["PromoteTo"]] == [
        (DEV, "Development"),
        (TEST, "Test"),
    ]
    assert template["PromoteTo"][0]["Links"]["Self"] == f"{SPACE}/environments/{DEV}"
    promotions = {t["Id"]: [e["Id"] for e in t["PromoteTo"]] for t in template["TenantPromotions"]}
    assert promotions == {everywhere: [DEV], partial: [TEST]}
    assert template["IsDeploymentProcessModified"] is False
    untenanted = release(api, project(api, "Untenanted Template"))
    plain = api.json(f"{SPACE}/releases/{untenanted['Id']}/deployments/template")
    assert plain["TenantPromotions"] == [] and [e["Id"] for e in plain["PromoteTo"]] == [DEV]


def test_a_release_without_a_lifecycle_has_no_template(fresh, api) -> None:
    first = release(api, project(api, "Orphan"))
    with fresh.state.lock:
        fresh.state.require("Projects", first["ProjectId"])["LifecycleId"] = "Lifecycles-999"
    answer = api.get(f"{SPACE}/releases/{first['Id']}/deployments/template")
    assert answer.status_code == 500
    assert answer.json()["ErrorMessage"] == "A lifecycle has not been assigned to this project."


def test_release_progression_shows_phases_and_what_comes_next(fresh, api) -> None:
    cycle = lifecycle(
        api,
        "Two Test Envs",
        phase("Dev", DEV),
        phase("Test", TEST, STAGING, minimum=1),
        phase("Production", PROD),
    )
    first = release(api, project(api, "Progression", cycle))
    done = deploy(fresh, first, DEV)
    path = f"{SPACE}/releases/{first['Id']}/progression"
    body = api.json(path)
    validate("LifecycleProgressionResource", body)
    assert [p["Progress"] for p in body["Phases"]] == ["Complete", "Current", "Pending"]
    assert body["NextDeployments"] == [TEST, STAGING]
    assert body["NextDeploymentsMinimumRequired"] == 1
    [entry] = body["Phases"][0]["Deployments"]
    assert entry["Deployment"]["Id"] == done["Id"] and entry["Task"]["State"] == "Success"
    assert body["Phases"][1]["MinimumEnvironmentsBeforePromotion"] == 1
    assert body["Phases"][1]["OptionalDeploymentTargets"] == [TEST, STAGING]
    deploy(fresh, first, STAGING)
    deploy(fresh, first, PROD)
    finished = api.json(path)
    assert [p["Progress"] for p in finished["Phases"]] == ["Complete"] * 3
    assert finished["NextDeployments"] == [] and finished["NextDeploymentsMinimumRequired"] == 0


def test_a_releases_deployments_are_listed_newest_first(fresh, api) -> None:
    first = release(api, project(api, "Listed"))
    made = []
    for env_id in (DEV, TEST):
        answer = api.post(
            SPACE + "/deployments", {"ReleaseId": first["Id"], "EnvironmentId": env_id}
        )
        assert answer.status_code == 201, answer.text
        made.append(answer.json()["Id"])
    page = api.json(f"{SPACE}/releases/{first['Id']}/deployments")
    validate("DeploymentResourceResourceCollection", page)
    assert [d["Id"] for d in page["Items"]] == made[::-1]
    assert page["ItemType"] == "Deployment"
    assert api.json(f"{SPACE}/releases/{first['Id']}/deployments", take=1)["NumberOfPages"] == 2
    assert api.delete(f"{SPACE}/releases/{first['Id']}").status_code == 200
    assert api.get(f"{SPACE}/deployments/{made[0]}").status_code == 404
