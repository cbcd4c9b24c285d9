"""Proxies (``/proxies``, ProxyResource): the HTTP proxies targets and workers connect through.

``Password`` is write-only, answered as ``{"HasValue": …, "NewValue": null}``.
UNCONFIRMED: the default ``ProxyType`` and ``Port`` and the messages.
"""

from __future__ import annotations

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.core.values import write_only, write_only_fields
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

QUERY = "{?skip,take,ids,partialName}"
MAX_PORT = 65535


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Host": None,
        "Port": 80,
        "ProxyType": "HTTP",
        "Username": None,
        "Password": None,
        "SpaceId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    return {"Self": f"/api/{doc['SpaceId']}/proxies/{doc['Id']}"}


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    errors = write_only_fields(doc, body, old, ("Password",))
    host = doc.get("Host")
    if not isinstance(host, str) or not host.strip():
        errors.append("The Host field is required.")
    if not 0 < doc["Port"] <= MAX_PORT:
        errors.append(f"Port must be between 1 and {MAX_PORT}.")
    return errors


PROXIES = Resource(
    collection="Proxies",
    segment="proxies",
    item_type="Proxy",
    noun="proxy",
    query_template=QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    has_slug=False,
    nested_fields=("HasValue", "NewValue"),
)


def register_routes(router: Router) -> None:
    register(router, PROXIES)
    router.link("Proxies", "/proxies{/id}" + QUERY)


def seed_demo(state: State, space_id: str) -> None:
    fields = {"Name": "Corporate proxy", "Host": "proxy.corp.example.com", "Port": 3128,
              "Username": "octopus", "Password": write_only("set")}  # fmt: skip
    PROXIES.insert(state, space_id, fields)
