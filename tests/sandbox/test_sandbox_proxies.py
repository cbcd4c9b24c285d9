"""Proxies (``/proxies``): CRUD, a write-only password, 400s and 404s."""

from __future__ import annotations

import pytest

from tests.sandbox.schema import validate
from tests.sandbox.secrets_check import assert_secret_kept_nowhere

PROXIES = "/api/Spaces-1/proxies"
SECRET = "proxy-pa55-never-echoed"


def test_demo_proxy_matches_the_reference(api):
    listed = api.json(PROXIES)
    validate("ProxyResourceResourceCollection", listed)
    (proxy,) = listed["Items"]
    assert proxy["Password"] == {"HasValue": True, "NewValue": None}
    validate("ProxyResource[]", api.json(PROXIES + "/all"))
    assert api.json(proxy["Links"]["Self"]) == proxy
    assert api.json("/api/Spaces-1")["Links"]["Proxies"].startswith(PROXIES)


def test_crud_keeps_the_password_write_only(fresh_api):
    body = {"Name": "DMZ proxy", "Host": "10.0.0.5", "Port": 8080, "Username": "u",
            "Password": {"HasValue": True, "NewValue": SECRET}}  # fmt: skip
    created = fresh_api.post(PROXIES, body)
    assert created.status_code == 201, created.text
    doc = created.json()
    validate("ProxyResource", doc)
    assert doc["Password"] == {"HasValue": True, "NewValue": None}
    kept = fresh_api.put(doc["Links"]["Self"], dict(doc, Port=8081)).json()
    assert kept["Port"] == 8081 and kept["Password"]["HasValue"] is True
    cleared = fresh_api.put(doc["Links"]["Self"], dict(doc, Password={"HasValue": False}))
    assert cleared.json()["Password"] == {"HasValue": False, "NewValue": None}
    assert fresh_api.delete(doc["Links"]["Self"]).status_code == 200
    assert fresh_api.get(doc["Links"]["Self"]).status_code == 404
    assert len(fresh_api.json("/api/events", regarding=doc["Id"])["Items"]) == 4
    assert_secret_kept_nowhere(fresh_api, SECRET)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"Name": "x"}, "The Host field is required."),
        ({"Name": "x", "Host": "h", "Port": 70000}, "Port must be between 1 and 65535."),
        ({"Name": "x", "Host": "h", "Port": "80"}, "Port must be a number."),
        ({"Host": "h"}, "The Name field is required."),
    ],
)
def test_bad_bodies_are_the_servers_400(fresh_api, body, message):
    response = fresh_api.post(PROXIES, body)
    assert response.status_code == 400
    assert message in response.json()["Errors"], response.json()
    assert fresh_api.json(PROXIES)["TotalResults"] == 1


def test_unknown_ids_are_404(api):
    response = api.get(PROXIES + "/Proxies-999")
    assert response.status_code == 404
    assert response.json()["ErrorMessage"] == "The resource 'Proxies-999' was not found."
