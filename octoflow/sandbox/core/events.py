"""The audit log: one event for every write the sandbox accepts (``/api/events``).

Like Octopus's audit log, an event says who changed which document, when, and
how (its state before and after). The app records one for each accepted POST,
PUT or DELETE (:func:`snapshot` before the handler runs, :func:`record` after
it answered below 400) and one for each concurrent-edit fault, which stands
for another user editing in the UI. Events live in the ``Events`` collection,
so they are saved, journaled and reloaded like any other document.

UNCONFIRMED against a real server: the category names (``Created``,
``Modified``, ``Deleted``), the wording of ``Message``, and the shape of
``ChangeDetails.Differences`` (here one entry per changed top-level field with
its value before and after). The listing is newest first.

The lookups clients build filters from: ``/events/categories`` (the three
categories above), ``/events/groups`` (one ``Document`` group holding them),
``/events/agents`` (the ``User-Agent`` of every recorded writer) and
``/events/documenttypes`` (the collections of served documents, such as
``Projects``). UNCONFIRMED: a real server has many more categories and groups,
its agents are not user agents, and ``appliesTo`` narrows categories and groups
(the sandbox ignores it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from octoflow.sandbox.errors import invalid
from octoflow.sandbox.paging import page
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import SANDBOX_USER, State

EVENTS = "Events"
QUERY = (
    "{?skip,regarding,regardingAny,user,users,projects,projectGroups,environments,"
    "eventGroups,eventCategories,eventAgents,tags,tenants,from,to,internal,fromAutoId,"
    "toAutoId,documentTypes,asCsv,take,ids,spaces,includeSystem,excludeDifference}"
)
CATEGORIES = {"Created": "Document created", "Modified": "Document modified",
              "Deleted": "Document deleted"}  # fmt: skip
GROUPS = {"Document": ("Document events", tuple(CATEGORIES))}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: Who a concurrent-edit fault says made its change: not any real user of the sandbox.
ANOTHER_WRITER = {"UserId": "Users-0", "Username": "another.writer"}
#: The user the sandbox's own API keys act as (seeded by the users area, when loaded).
ADMIN_ID = "Users-1"

#: Document ids: ``Tenants-12``, and owned ones such as ``variableset-Projects-3``.
_ID = re.compile(r"^[A-Za-z]+(-[A-Za-z]+)*-\d+$")
_SECRET_FIELDS = frozenset({"Password", "NewValue", "ApiKey", "Token", "SensitiveValue"})
_SYSTEM_FIELDS = frozenset({"LastModifiedOn", "LastModifiedBy", "Links"})


def register_routes(router: Router) -> None:
    router.system("GET", "/events", list_events)
    router.system("GET", "/events/{id}", get_event)
    router.system("GET", "/{spaceId:Spaces-\\d+}/events", list_events)
    router.system("GET", "/events/categories", categories)
    router.system("GET", "/events/groups", groups)
    router.system("GET", "/events/agents", agents)
    router.system("GET", "/events/documenttypes", document_types)
    router.link("Events", "/events{/id}" + QUERY, space_scoped=False)
    router.link("EventCategories", "/events/categories{?appliesTo}", space_scoped=False)
    router.link("EventGroups", "/events/groups{?appliesTo}", space_scoped=False)
    router.link("EventAgents", "/events/agents", space_scoped=False)
    router.link("EventDocumentTypes", "/events/documenttypes", space_scoped=False)


# -- recording ----------------------------------------------------------------------


Snapshot = tuple[str, dict[str, dict[str, Any]]]


def snapshot(state: State, req: Request) -> Snapshot | None:
    """The documents a write request names (its last id in the path) in every
    collection holding that id (a tenant and its variables), as they are now."""
    doc_id = next((s for s in reversed(req.path.split("/")) if _ID.match(s)), None)
    return (doc_id, _holding(state, doc_id)) if doc_id else None


def record(state: State, req: Request, before: Snapshot | None, body: Any) -> None:
    """Log the write ``req`` made, given what :func:`snapshot` saw before it."""
    doc_id, old = before if before else (None, {})
    created = body.get("Id") if req.method == "POST" and isinstance(body, dict) else None
    if created and _ID.match(str(created)) and created != doc_id:
        doc_id, old = created, {}
    if doc_id is None:
        return
    new = _holding(state, doc_id)
    actor = _actor(state, req.user_id)
    for name in sorted(set(old) | set(new)):
        _append(state, doc_id, old.get(name), new.get(name), actor, req.user_agent, req.space_id)


def _holding(state: State, doc_id: str) -> dict[str, dict[str, Any]]:
    """Masked copies (:func:`_masked`) of the served documents with this id, by
    collection. Served documents carry ``Links``; the sandbox's private stores
    (sensitive values, key hashes) do not, and are never logged."""
    return {
        name: _masked(doc)
        for name, doc in state.holding(doc_id).items()
        if name != EVENTS and "Links" in doc
    }


def record_edit(state: State, doc_id: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Log a concurrent-edit fault's change, made by :data:`ANOTHER_WRITER`."""
    _append(state, doc_id, _masked(old), _masked(new), dict(ANOTHER_WRITER), "Octopus UI", "")


def _actor(state: State, user_id: str | None) -> dict[str, str]:
    uid = user_id or ADMIN_ID
    user = state.get("Users", uid)
    name = user.get("Username") if user else None
    return {"UserId": uid, "Username": name or (SANDBOX_USER if user_id is None else uid)}


def _append(
    state: State,
    doc_id: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    actor: dict[str, str],
    agent: str,
    space_id: str,
) -> None:
    """Log one document's change (``old`` and ``new`` masked); a write that changed only
    server-set fields is none."""
    differences = _differences(old, new)
    if old is not None and new is not None and not differences:
        return
    category = "Created" if old is None else "Deleted" if new is None else "Modified"
    current = new if new is not None else old or {}
    name = current.get("Name") or current.get("Username") or doc_id
    kind = _singular(doc_id.split("-")[0])
    space = current.get("SpaceId") or space_id or None
    event_id = state.next_id(EVENTS)
    auto_id = state.counters[EVENTS]
    message = f"{kind} {name} was {category.lower()}"
    state.put(
        EVENTS,
        {
            "Id": event_id,
            "AutoId": auto_id,
            "Category": category,
            "UserId": actor["UserId"],
            "Username": actor["Username"],
            "IsService": False,
            "IdentityEstablishedWith": "API key" if agent != "Octopus UI" else "Session cookie",
            "UserAgent": agent,
            "Occurred": state.now(),
            "Message": message,
            "MessageHtml": message,
            "MessageReferences": [
                {"ReferencedDocumentId": doc_id, "StartIndex": len(kind) + 1, "Length": len(name)}
            ],
            "Comments": None,
            "Details": None,
            "ChangeDetails": {
                "DocumentContext": current,
                "Differences": differences,
            },
            "RelatedDocumentIds": [doc_id] + ([space] if space and space != doc_id else []),
            "SpaceId": space,
            "Links": {"Self": f"/api/events/{event_id}"},
        },
    )


def _differences(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[dict[str, Any]]:
    before, after = old or {}, new or {}
    out = []
    for key in list(before) + [k for k in after if k not in before]:
        if key in _SYSTEM_FIELDS or before.get(key) == after.get(key):
            continue
        op = "add" if key not in before else "remove" if key not in after else "replace"
        out.append(
            {"op": op, "path": f"/{key}", "before": before.get(key), "after": after.get(key)}
        )
    return out


def _masked(value: Any) -> Any:
    """A copy with sensitive values and secrets blanked, as Octopus never shows them. A
    ``{HasValue, NewValue}`` secret keeps only whether it is set, so setting one is a
    change the log records."""
    if isinstance(value, dict):
        sensitive = value.get("IsSensitive") is True
        return {
            k: _blanked(v)
            if (k in _SECRET_FIELDS or (sensitive and k == "Value")) and v is not None
            else _masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _blanked(secret: Any) -> Any:
    if isinstance(secret, dict) and "HasValue" in secret:
        return {"HasValue": bool(secret.get("HasValue") or secret.get("NewValue"))}
    return None


def _singular(collection: str) -> str:
    """``Tenants`` → ``Tenant``, ``DeploymentProcesses`` → ``DeploymentProcess``."""
    if collection.endswith("sses"):
        return collection[:-2]
    return collection[:-1] if collection.endswith("s") else collection


# -- reading ------------------------------------------------------------------------


def list_events(req: Request) -> dict[str, Any]:
    for bound in ("from", "to"):
        if req.query.get(bound):
            _instant(req.query.get(bound) or "")  # a bad date is a 400 even with no events
    matches = _filter(req)
    events = sorted(
        (e for e in _candidates(req) if matches(e)),
        key=lambda e: e["AutoId"],
        reverse=True,
    )
    space = req.path_params.get("spaceId")
    if space:
        events = [e for e in events if str(e.get("SpaceId") or "").lower() == space.lower()]
    if req.query.bool("excludeDifference"):
        events = [dict(e, ChangeDetails=None) for e in events]
    return page(req, events, "Event", "/api/events", QUERY)


def _candidates(req: Request) -> list[dict[str, Any]]:
    """The events a query about documents (``regarding``, ``regardingAny``) can match,
    found through an index rather than by reading the whole log; else every event."""
    named = {v.lower() for v in req.query.getlist("regardingAny")}
    regarding = (req.query.get("regarding") or "").lower()
    if regarding:
        named = {regarding}
    if not named:
        return req.state.values(EVENTS)
    index = req.state.index(EVENTS, "regarding", _related)
    found = set().union(*(index.ids(doc_id) for doc_id in named))
    return [event for event_id in found if (event := req.state.get(EVENTS, event_id))]


def _related(event: dict[str, Any]) -> set[str]:
    return {doc_id.lower() for doc_id in event["RelatedDocumentIds"]}


def get_event(req: Request) -> dict[str, Any]:
    return req.state.require(EVENTS, req.path_params["id"])


def _filter(req: Request) -> Callable[[dict[str, Any]], bool]:
    """The query's test of an event, its parameters read once (not once per event)."""
    q = req.query
    low, high = q.int("fromAutoId", 0), q.int("toAutoId", 0)
    since, until = q.get("from"), q.get("to")
    regarding = (q.get("regarding") or "").lower()
    fields = [
        (field, {v.lower() for v in q.getlist(name)})
        for name, field in (
            ("users", "UserId"),
            ("user", "UserId"),
            ("eventCategories", "Category"),
            ("spaces", "SpaceId"),
            ("ids", "Id"),
        )
    ]
    fields = [(field, wanted) for field, wanted in fields if wanted]
    groups = q.getlist("eventGroups")
    categories = {c for g in groups for c in GROUPS.get(g, ("", ()))[1]}
    agents = set(q.getlist("eventAgents"))
    regarding_any = {v.lower() for v in q.getlist("regardingAny")}
    types = {v.lower() for v in q.getlist("documentTypes")}

    def matches(event: dict[str, Any]) -> bool:
        if not _in_range(low, event["AutoId"], high):
            return False
        related = {i.lower() for i in event["RelatedDocumentIds"]}
        if regarding and regarding not in related:
            return False
        for field, wanted in fields:
            if str(event.get(field) or "").lower() not in wanted:
                return False
        if groups and event["Category"] not in categories:
            return False
        if agents and event.get("UserAgent") not in agents:
            return False
        if regarding_any and not regarding_any & related:
            return False
        if types and not any(i.split("-")[0] in types for i in related):
            return False
        return _after(since, event["Occurred"]) and _after(event["Occurred"], until)

    return matches


def _in_range(low: int, value: int, high: int) -> bool:
    return value >= low and (not high or value <= high)


def _after(earlier: str | None, later: str | None) -> bool:
    """Whether ``earlier <= later`` as instants (a missing bound always holds)."""
    if not earlier or not later:
        return True
    return _instant(earlier) <= _instant(later)


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise invalid(f"'{text}' is not a date and time (ISO 8601).") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- lookups ------------------------------------------------------------------------


def categories(req: Request) -> list[dict[str, Any]]:
    return [{"Id": c, "Name": name, "Links": {}} for c, name in CATEGORIES.items()]


def groups(req: Request) -> list[dict[str, Any]]:
    return [
        {"Id": g, "Name": name, "EventCategories": list(cats), "Links": {}}
        for g, (name, cats) in GROUPS.items()
    ]


def agents(req: Request) -> list[dict[str, Any]]:
    """The clients (``User-Agent`` headers) that made the recorded events."""
    seen = {e["UserAgent"] for e in req.state.values(EVENTS) if e.get("UserAgent")}
    return [{"Id": agent, "Name": agent, "Links": {}} for agent in sorted(seen)]


def document_types(req: Request) -> list[dict[str, Any]]:
    """The collections of served documents (``documentTypes`` filters on these ids)."""
    state = req.state
    names = [
        n
        for n in list(state.collections)
        if n != EVENTS and any("Links" in d for d in state.values(n))
    ]
    return [{"Id": name, "Name": _noun(name)} for name in sorted(names)]


def _noun(collection: str) -> str:
    """``ProjectGroups`` → ``Project group``, ``MachinePolicies`` → ``Machine policy``."""
    single = collection[:-3] + "y" if collection.endswith("ies") else _singular(collection)
    words = _CAMEL.sub(" ", single).lower()
    return words[:1].upper() + words[1:]
