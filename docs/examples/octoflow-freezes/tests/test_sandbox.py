"""The sandbox's freezes API, as any HTTP client sees it on loopback: the real server's
shapes, its list envelope and filters, validation, and scheduled deployments."""

from __future__ import annotations

import pytest
from freezes_support import (
    ACME_TRAVEL,
    BILLING_API,
    DEMO_FREEZE,
    EMBER_WEB,
    FALCON_ADMIN,
    FIELDS,
    FREEZES,
    PRODUCTION,
    TEST,
    moment,
    parse,
)

PROBLEM = "There was a problem with your request."


@pytest.fixture
def api(octo_server):
    http = octo_server.api()

    def call(method, path, body=None, **params):
        return http.request(method, octo_server.url + path, json=body, params=params)

    return call


def freeze(name="Holidays", days=(-1, 1), **fields):
    return {
        "Name": name,
        "Start": moment(days[0]),
        "End": moment(days[1]),
        "ProjectEnvironmentScope": {EMBER_WEB: [PRODUCTION]},
        **fields,
    }


def test_create_get_update_and_delete(api):
    created = api("POST", FREEZES, freeze(Description="Quiet time"))
    assert created.status_code == 201, created.text
    doc = created.json()
    assert set(doc) == FIELDS and doc["Id"] == "DeploymentFreezes-2"  # the demo has -1
    assert doc["TenantProjectEnvironmentScope"] == [] and doc["RecurringSchedule"] is None
    assert api("GET", f"{FREEZES}/{doc['Id']}").json() == doc

    schedule = {"Type": "Annually", "Unit": 1, "EndType": "Never"}
    changed = api("PUT", f"{FREEZES}/{doc['Id']}", {**doc, "RecurringSchedule": schedule})
    assert changed.status_code == 200 and changed.json()["RecurringSchedule"] == schedule

    deleted = api("DELETE", f"{FREEZES}/{doc['Id']}")
    assert (deleted.status_code, deleted.content) == (200, b"")
    missing = api("GET", f"{FREEZES}/{doc['Id']}")
    assert missing.status_code == 404
    assert missing.json()["ErrorMessage"] == "The resource 'DeploymentFreezes-2' was not found."


def test_freezes_belong_to_the_instance_not_a_space(api):
    assert api("GET", "/api/Spaces-1/deploymentfreezes").status_code == 404
    links = api("GET", "/api").json()["Links"]
    assert links["DeploymentFreezes"] == (
        "/api/deploymentfreezes{/id}{?skip,take,ids,partialName,projectIds,tenantIds,"
        "environmentIds,includeComplete,status,effectiveDate}"
    )


def test_the_list_envelope_pages_and_filters(api):
    for n in range(35):
        tenant_scope = [{"TenantId": ACME_TRAVEL, "ProjectId": BILLING_API, "EnvironmentId": TEST}]
        body = freeze(f"Freeze {n:02}", days=(n - 40, n - 30 + 0.5))
        if n % 5 == 0:
            body.update(ProjectEnvironmentScope={}, TenantProjectEnvironmentScope=tenant_scope)
        assert api("POST", FREEZES, body).status_code == 201
    first = api("GET", FREEZES).json()
    assert set(first) == {"DeploymentFreezes", "Count"}
    # The demo's freeze and these 35, oldest start first; take defaults to 30.
    assert first["Count"] == 36 and len(first["DeploymentFreezes"]) == 30
    assert first["DeploymentFreezes"][0]["Name"] == DEMO_FREEZE
    rest = api("GET", FREEZES, skip=30, take=30).json()
    assert rest["Count"] == 36
    assert [f["Name"] for f in rest["DeploymentFreezes"]] == [f"Freeze {n}" for n in range(29, 35)]

    def names(**params):
        return [
            f["Name"] for f in api("GET", FREEZES, take=100, **params).json()["DeploymentFreezes"]
        ]

    assert names(tenantIds=ACME_TRAVEL) == [f"Freeze {n:02}" for n in range(0, 35, 5)]
    assert len(names(projectIds=EMBER_WEB)) == 28
    tenanted = names(tenantIds=ACME_TRAVEL)
    assert names(projectIds=f"{BILLING_API},{FALCON_ADMIN}") == [DEMO_FREEZE, *tenanted]
    assert names(environmentIds=TEST) == tenanted
    assert names(partialName="ze 3") == [f"Freeze {n}" for n in range(30, 35)]
    assert names(includeComplete="false") == [
        "Freeze 30",
        "Freeze 31",
        "Freeze 32",
        "Freeze 33",
        "Freeze 34",
    ]


NOT_FOUND = ["The project 'Projects-999' was not found.", "The environment 'Env-9' was not found."]


@pytest.mark.parametrize(
    "fields, errors",
    [
        ({"Name": " "}, ["The Name field is required."]),
        ({"Name": "x" * 201}, ["The field Name must be a string with a maximum length of 200."]),
        (
            {"Start": None, "End": "soon"},
            ["The Start field is required.", "The value 'soon' is not valid for End."],
        ),
        ({"End": moment(-2)}, ["The end of a deployment freeze must be after its start."]),
        ({"ProjectEnvironmentScope": {"Projects-999": ["Env-9"]}}, NOT_FOUND),
        (
            {"TenantProjectEnvironmentScope": [{"TenantId": ACME_TRAVEL}]},
            ["Each TenantProjectEnvironmentScope entry needs ProjectId, EnvironmentId."],
        ),
        (
            {"RecurringSchedule": {"Type": "Hourly"}},
            ["RecurringSchedule.Type must be one of Daily, Weekly, Monthly, Annually."],
        ),
    ],
)
def test_invalid_freezes_are_refused_with_every_reason(api, fields, errors):
    response = api("POST", FREEZES, freeze(**fields))
    assert response.status_code == 400
    assert response.json() == {"ErrorMessage": PROBLEM, "Errors": errors}
    assert api("GET", FREEZES).json()["Count"] == 1  # the demo's


def test_field_names_in_any_case_and_moments_normalised(api):
    body = {
        "name": "Lower case",
        "start": "2099-12-20",
        "end": "2099-12-21T01:00:00+01:00",
        "projectEnvironmentScope": {EMBER_WEB: [PRODUCTION]},
    }
    doc = api("POST", FREEZES, body).json()
    assert doc["Name"] == "Lower case" and doc["ProjectEnvironmentScope"] == {
        EMBER_WEB: [PRODUCTION]
    }
    # UNCONFIRMED how a real server spells them; the moments are what was sent.
    assert parse(doc["Start"]) == parse("2099-12-20T00:00:00+00:00")
    assert parse(doc["End"]) == parse("2099-12-21T00:00:00Z")


def test_a_scheduled_deployment_is_judged_at_its_queue_time(api):
    api("POST", FREEZES, freeze(days=(-1, 1)))
    release = api("GET", f"/api/Spaces-1/projects/{EMBER_WEB}/releases/1.2.0").json()["Id"]
    deploy = {"ReleaseId": release, "EnvironmentId": PRODUCTION}
    during = api("POST", "/api/Spaces-1/deployments", {**deploy, "QueueTime": moment(0.5)})
    assert during.status_code == 400
    assert during.json() == {
        "ErrorMessage": PROBLEM,
        "Errors": ["The environment Production is frozen by Holidays."],
    }
    after = api("POST", "/api/Spaces-1/deployments", {**deploy, "QueueTime": moment(2)})
    assert after.status_code == 201, after.text
