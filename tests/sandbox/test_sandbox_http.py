"""HTTP conventions: authentication, URL forms, routing, error bodies, body casing."""

from __future__ import annotations

import pytest

from octoflow.sandbox import SANDBOX_API_KEY
from tests.sandbox.conftest import in_process

UNAUTHORIZED = {
    "ErrorMessage": "You must be logged in to perform this action. "
    "Please provide a valid API key or log in again."
}


def test_root_is_readable_without_a_key(demo):
    anonymous = in_process(demo, key=None)
    root = anonymous.json("/api")
    assert root["Application"] == "Octopus Deploy"
    assert root["ApiVersion"] == "3.0.0"
    assert [int(part) for part in root["Version"].split(".")][0] >= 2024
    assert root["Links"]["Tenants"].startswith("/api/Spaces-1/tenants{/id}{?skip,projectId")
    assert root["Links"]["Spaces"] == "/api/spaces{/id}{?name,skip,ids,take,partialName}"
    assert root["Links"]["SpaceHome"] == "/api/{spaceId}"


@pytest.mark.parametrize("how", ["none", "wrong header", "wrong query", "wrong bearer"])
def test_everything_else_needs_a_valid_key(demo, how):
    anonymous = in_process(demo, key=None)
    kwargs = {
        "none": {},
        "wrong header": {"headers": {"X-Octopus-ApiKey": "API-EXAMPLEWRONG"}},
        "wrong query": {"params": {"apikey": "API-EXAMPLEWRONG"}},
        "wrong bearer": {"headers": {"Authorization": "Bearer API-EXAMPLEWRONG"}},
    }[how]
    for path in ("/api/Spaces-1", "/api/tenants", "/_sandbox/settings"):
        response = anonymous.get(path, **kwargs)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"headers": {"X-Octopus-ApiKey": SANDBOX_API_KEY}},
        {"headers": {"x-octopus-apikey": SANDBOX_API_KEY}},
        {"params": {"apikey": SANDBOX_API_KEY}},
        {"params": {"ApiKey": SANDBOX_API_KEY}},
        {"headers": {"Authorization": f"Bearer {SANDBOX_API_KEY}"}},
    ],
    ids=["header", "header lower case", "apikey query", "ApiKey query", "bearer"],
)
def test_a_key_is_accepted_every_documented_way(demo, kwargs):
    assert in_process(demo, key=None).get("/api/tenants", **kwargs).status_code == 200


def test_the_api_key_in_the_query_is_not_echoed_into_links(demo):
    body = in_process(demo, key=None).get("/api/tenants", params={"apikey": SANDBOX_API_KEY}).json()
    assert not any(SANDBOX_API_KEY in link for link in body["Links"].values())


@pytest.mark.parametrize(
    "path",
    [
        "/api/Spaces-1/tenants/Tenants-5",
        "/api/tenants/Tenants-5",
        "/api/spaces/Spaces-1/tenants/Tenants-5",
        "/api/spaces/default/tenants/Tenants-5",
        "/api/spaces-1/TENANTS/tenants-5",
    ],
)
def test_space_scoped_routes_answer_in_every_form(api, path):
    assert api.json(path)["Id"] == "Tenants-5"


def test_unknown_space_is_a_404_naming_it(api):
    for path in ("/api/Spaces-9/tenants", "/api/spaces/nowhere/tenants", "/api/Spaces-9"):
        response = api.get(path)
        ref = "nowhere" if "nowhere" in path else "Spaces-9"
        assert (response.status_code, response.json()) == (
            404,
            {"ErrorMessage": f"The resource '{ref}' was not found."},
        )


def test_literal_segments_win_over_ids(api):
    assert isinstance(api.json("/api/Spaces-1/tenants/all"), list)
    assert api.json("/api/Spaces-1/tenants/status") == {"Enabled": True, "Links": {}}
    assert (
        "IsMatched"
        in api.json("/api/Spaces-1/tenants/tag-test", tenantIds="Tenants-1")["Tenants-1"]
    )


def test_projects_are_found_by_id_or_slug(api):
    by_slug = api.json("/api/Spaces-1/projects/legacy-reporting")
    assert by_slug == api.json(f"/api/Spaces-1/projects/{by_slug['Id']}")
    assert api.get("/api/Spaces-1/tenants/some-slug").status_code == 404


def test_404_body_is_exactly_the_servers(api):
    response = api.get("/api/Spaces-1/environments/Environments-77")
    assert response.status_code == 404
    assert response.json() == {"ErrorMessage": "The resource 'Environments-77' was not found."}


def test_unknown_route_is_a_json_404(api):
    response = api.get("/api/Spaces-1/no-such-collection")
    assert response.status_code == 404
    assert "no-such-collection" in response.json()["ErrorMessage"]


def test_wrong_method_is_405_with_allow(api):
    response = api.request("PATCH", "/api/Spaces-1/environments/Environments-1")
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET, PUT"
    assert "PATCH" in response.json()["ErrorMessage"]


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/api/Spaces-1/environments/sortorder", "PUT"),
        ("/api/tagsets/sortorder", "PUT"),
        ("/api/spaces/Spaces-1/workerpools/sortorder", "PUT"),
        ("/api/users/login", "POST"),
    ],
)
def test_a_fixed_sub_path_is_never_read_as_an_id(api, path, allow):
    response = api.get(path)
    assert (response.status_code, response.headers["Allow"]) == (405, allow)
    assert "not allowed" in response.json()["ErrorMessage"]


def test_the_web_ui_path_says_there_is_no_web_ui(demo):
    anonymous = in_process(demo, key=None)
    for path in ("/app", "/app/", "/app/Spaces-1/projects"):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "no web UI" in response.text
    refused = anonymous.post("/app")
    assert (refused.status_code, refused.headers["Allow"]) == (405, "GET, HEAD")


def test_missing_and_malformed_bodies_are_400(fresh_api):
    empty = fresh_api.request("POST", "/api/Spaces-1/environments")
    assert (empty.status_code, empty.json()["ErrorMessage"]) == (
        400,
        "No request body was supplied.",
    )
    broken = fresh_api.request(
        "POST",
        "/api/Spaces-1/environments",
        data="{nope",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    assert "not valid JSON" in broken.json()["Errors"][0]
    array = fresh_api.post("/api/Spaces-1/environments", ["Name"])
    assert array.status_code == 400


def test_validation_errors_list_every_problem(fresh_api):
    response = fresh_api.post("/api/Spaces-1/projects", {"Name": "", "TenantedDeploymentMode": 3})
    assert response.status_code == 400
    body = response.json()
    assert body["ErrorMessage"] == "There was a problem with your request."
    assert body["Errors"] == [
        "The Name field is required.",
        "The ProjectGroupId field is required.",
        "The LifecycleId field is required.",
        "TenantedDeploymentMode must be one of Untenanted, TenantedOrUntenanted, Tenanted.",
    ]


def test_camel_case_bodies_are_accepted_and_answered_in_pascal_case(fresh_api):
    response = fresh_api.post(
        "/api/Spaces-1/tenants",
        {
            "name": "Camel Co",
            "tenantTags": ["region/eu"],
            "projectEnvironments": {"projects-1": ["environments-2"]},
            "isDisabled": True,
        },
    )
    assert response.status_code == 201, response.text
    tenant = response.json()
    assert tenant["Name"] == "Camel Co" and tenant["IsDisabled"] is True
    assert tenant["TenantTags"] == ["Region/EU"]
    assert tenant["ProjectEnvironments"] == {"Projects-1": ["Environments-2"]}
    assert "name" not in tenant and "tenantTags" not in tenant


def test_unknown_fields_are_stored_and_echoed(fresh_api):
    sent = {
        "Name": "Future Co",
        "Icon": {"Color": "#112233", "Id": "building"},
        "CustomFields": {"Account": "42"},
    }
    created = fresh_api.post("/api/Spaces-1/tenants", sent).json()
    assert created["Icon"] == sent["Icon"] and created["CustomFields"] == sent["CustomFields"]
    again = fresh_api.json(f"/api/Spaces-1/tenants/{created['Id']}")
    assert again["Icon"] == sent["Icon"]
    updated = fresh_api.put(f"/api/Spaces-1/tenants/{created['Id']}", dict(again, NewerField=[1]))
    assert updated.json()["NewerField"] == [1] and updated.json()["Icon"] == sent["Icon"]


def test_server_fields_are_set_by_the_server(fresh_api):
    created = fresh_api.post(
        "/api/Spaces-1/tenants",
        {
            "Name": "Server Fields Ltd",
            "Id": "Tenants-1",
            "SpaceId": "Spaces-7",
            "Links": {"Self": "/elsewhere"},
            "LastModifiedBy": "mallory",
        },
    ).json()
    assert created["Id"] == "Tenants-1001"
    assert created["SpaceId"] == "Spaces-1"
    assert created["Slug"] == "server-fields-ltd"
    assert created["Links"]["Self"] == "/api/Spaces-1/tenants/Tenants-1001"
    assert created["LastModifiedBy"] != "mallory" and created["LastModifiedOn"]
    assert fresh_api.json("/api/Spaces-1/tenants/Tenants-1")["Name"] != "Server Fields Ltd"


def test_create_is_201_update_200_delete_200_empty(fresh_api):
    created = fresh_api.post("/api/Spaces-1/environments", {"Name": "QA"})
    assert created.status_code == 201
    env = created.json()
    assert env["SortOrder"] == 4, "a new environment goes last"
    assert fresh_api.put(f"/api/Spaces-1/environments/{env['Id']}", env).status_code == 200
    deleted = fresh_api.delete(f"/api/Spaces-1/environments/{env['Id']}")
    assert (deleted.status_code, deleted.content) == (200, b"")
    assert fresh_api.get(f"/api/Spaces-1/environments/{env['Id']}").status_code == 404


def test_unexpected_errors_are_a_500_with_the_trace(areas):
    from octoflow.sandbox import Sandbox

    class Broken:
        name = "broken"

        def register_routes(self, router):
            router.space("GET", "/broken", lambda req: 1 / 0)

        def seed(self, state, seed):
            pass

    client = in_process(Sandbox([*areas, Broken()], seed="empty"))
    response = client.get("/api/broken")
    assert response.status_code == 500
    assert response.json()["ErrorMessage"] == "ZeroDivisionError: division by zero"
    assert "Traceback" in response.json()["FullException"]
