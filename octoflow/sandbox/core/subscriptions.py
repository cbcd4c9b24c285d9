"""Subscriptions (``/subscriptions``, SubscriptionResource): audit-event notifications.

A subscription names which events (its ``Filter``) to send by email digest to
teams and/or to a webhook. The sandbox stores them and sends nothing.
``WebhookHeaderValue`` is a plain string in the reference (not a
``SensitiveValue``), so it is served as sent, as a real server does.

UNCONFIRMED: the defaults of the email and webhook fields and the messages.
"""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urlparse

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

QUERY = "{?skip,take,ids,partialName,spaces}"
PRIORITIES = ("Normal", "Low", "High")
FILTER_FIELDS = (
    "Users",
    "Projects",
    "ProjectGroups",
    "Environments",
    "EventGroups",
    "EventCategories",
    "EventAgents",
    "DocumentTypes",
    "Tenants",
    "Tags",
)
#: A .NET TimeSpan as JSON carries it: ``[d.]hh:mm:ss[.fffffff]``.
_TIMESPAN = re.compile(r"^(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d+)?$")


def notification() -> dict[str, Any]:
    return {
        "Filter": {name: [] for name in FILTER_FIELDS},
        "EmailTeams": [],
        "EmailFrequencyPeriod": "01:00:00",
        "EmailPriority": "Normal",
        "EmailDigestLastProcessed": None,
        "EmailDigestLastProcessedEventAutoId": None,
        "EmailShowDatesInTimeZoneId": "UTC",
        "WebhookURI": None,
        "WebhookTeams": [],
        "WebhookTimeout": "00:00:10",
        "WebhookHeaderKey": None,
        "WebhookHeaderValue": None,
        "WebhookLastProcessed": None,
        "WebhookLastProcessedEventAutoId": None,
    }


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Type": "Event",
        "IsDisabled": False,
        "EventNotificationSubscription": notification(),
        "SpaceId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    return {"Self": f"/api/{doc['SpaceId']}/subscriptions/{doc['Id']}"}


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    """Fill the notification's missing fields and check the ones with a fixed form."""
    sent = doc.get("EventNotificationSubscription") or {}
    if not isinstance(sent, dict) or not isinstance(sent.get("Filter") or {}, dict):
        return ["EventNotificationSubscription and its Filter must be objects."]
    merged = notification()
    merged.update({k: v for k, v in sent.items() if k != "Filter"})
    merged["Filter"].update(sent.get("Filter") or {})
    doc["EventNotificationSubscription"] = merged
    errors = []
    if doc.get("Type") != "Event":
        errors.append("Type must be Event.")
    if merged["EmailPriority"] not in PRIORITIES:
        errors.append(f"EmailPriority must be one of {', '.join(PRIORITIES)}.")
    for name in ("EmailFrequencyPeriod", "WebhookTimeout"):
        if not _TIMESPAN.match(str(merged[name])):
            errors.append(f"{name} must be a time span such as 01:00:00.")
    uri = merged["WebhookURI"]
    if uri and urlparse(str(uri)).scheme not in ("http", "https"):
        errors.append("WebhookURI must be an absolute http or https URL.")
    return errors


SUBSCRIPTIONS = Resource(
    collection="Subscriptions",
    segment="subscriptions",
    item_type="Subscription",
    noun="subscription",
    query_template=QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    has_slug=False,
    nested_fields=tuple(notification()) + FILTER_FIELDS,
)


def register_routes(router: Router) -> None:
    register(router, SUBSCRIPTIONS)
    router.link("Subscriptions", "/subscriptions{/id}" + QUERY)


def seed_demo(state: State, space_id: str, env: dict[str, str]) -> None:
    """A webhook for production deployment failures and a digest of infrastructure changes."""
    failures = notification()
    failures["Filter"].update(
        Environments=[env["Production"]], EventCategories=["DeploymentFailed"]
    )
    failures.update(WebhookURI="https://hooks.example.com/octopus/failures")
    digest = notification()
    digest["Filter"].update(EventGroups=["Document"], DocumentTypes=["Machines", "Accounts"])
    digest.update(EmailFrequencyPeriod="1.00:00:00", EmailPriority="Low")
    for name, subscription in (
        ("Production deployment failures", failures),
        ("Daily infrastructure changes", digest),
    ):
        fields = {"Name": name, "EventNotificationSubscription": copy.deepcopy(subscription)}
        SUBSCRIPTIONS.insert(state, space_id, fields)
