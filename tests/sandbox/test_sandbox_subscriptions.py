"""Subscriptions (``/subscriptions``): CRUD, defaults filled in, 400s and 404s."""

from __future__ import annotations

import pytest

from tests.sandbox.schema import validate

SUBSCRIPTIONS = "/api/Spaces-1/subscriptions"


def test_demo_subscriptions_match_the_reference(api):
    listed = api.json(SUBSCRIPTIONS)
    validate("SubscriptionResourceResourceCollection", listed)
    assert [s["Name"] for s in listed["Items"]] == [
        "Daily infrastructure changes", "Production deployment failures"]  # fmt: skip
    validate("SubscriptionResource[]", api.json(SUBSCRIPTIONS + "/all"))
    first = listed["Items"][0]
    assert api.json(first["Links"]["Self"]) == first
    assert api.json("/api/Spaces-1")["Links"]["Subscriptions"].startswith(SUBSCRIPTIONS)


def test_crud_fills_in_the_notification(fresh_api):
    body = {
        "Name": "Tenant changes",
        "EventNotificationSubscription": {
            "Filter": {"DocumentTypes": ["Tenants"]},
            "WebhookURI": "https://hooks.example.com/tenants",
        },
    }
    created = fresh_api.post(SUBSCRIPTIONS, body)
    assert created.status_code == 201, created.text
    doc = created.json()
    validate("SubscriptionResource", doc)
    notification = doc["EventNotificationSubscription"]
    assert notification["Filter"]["DocumentTypes"] == ["Tenants"]
    assert notification["Filter"]["Projects"] == [] and notification["EmailPriority"] == "Normal"
    assert doc["Type"] == "Event"

    doc["IsDisabled"] = True
    updated = fresh_api.put(doc["Links"]["Self"], doc)
    assert updated.status_code == 200 and updated.json()["IsDisabled"] is True
    assert fresh_api.delete(doc["Links"]["Self"]).status_code == 200
    assert fresh_api.get(doc["Links"]["Self"]).status_code == 404
    categories = [
        e["Category"] for e in fresh_api.json("/api/events", regarding=doc["Id"])["Items"]
    ]
    assert categories == ["Deleted", "Modified", "Created"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "The Name field is required."),
        ({"Name": "x", "Type": "Email"}, "Type must be Event."),
        ({"Name": "x", "EventNotificationSubscription": {"EmailPriority": "Urgent"}},
         "EmailPriority must be one of Normal, Low, High."),
        ({"Name": "x", "EventNotificationSubscription": {"WebhookTimeout": "10 seconds"}},
         "WebhookTimeout must be a time span such as 01:00:00."),
        ({"Name": "x", "EventNotificationSubscription": {"WebhookURI": "hooks.example.com"}},
         "WebhookURI must be an absolute http or https URL."),
        ({"Name": "x", "EventNotificationSubscription": []},
         "EventNotificationSubscription must be an object."),
    ],
)  # fmt: skip
def test_bad_bodies_are_the_servers_400(fresh_api, body, message):
    response = fresh_api.post(SUBSCRIPTIONS, body)
    assert response.status_code == 400
    assert message in response.json()["Errors"], response.json()
    assert fresh_api.json(SUBSCRIPTIONS)["TotalResults"] == 2


def test_unknown_ids_are_404(api):
    response = api.get(SUBSCRIPTIONS + "/Subscriptions-999")
    assert response.status_code == 404
    assert response.json()["ErrorMessage"] == "The resource 'Subscriptions-999' was not found."
