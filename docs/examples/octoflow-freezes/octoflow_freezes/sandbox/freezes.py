"""``/api/deploymentfreezes``: list, create, get, update and delete deployment freezes.

Freezes belong to the instance, not a space. The list answers
``{"DeploymentFreezes": [...], "Count": n}`` (not the ``Items`` envelope), ``Count``
being every freeze the filters match; it filters by ``ids``, ``partialName``,
``projectIds``, ``environmentIds``, ``tenantIds`` and ``includeComplete`` (``false``:
only freezes that have not ended). ``status`` and ``effectiveDate`` are accepted and not
modelled. A create answers 201 with the document, an update (a full replacement) 200,
a delete 200 with an empty body. Recurring schedules are stored and echoed; the sandbox
does not expand them (a freeze is in force between its ``Start`` and ``End``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from octoflow.sandbox.area import Request, Router, State, invalid, not_found

COLLECTION = "DeploymentFreezes"
SCOPE = "ProjectEnvironmentScope"
TENANT_SCOPE = "TenantProjectEnvironmentScope"
TRIPLE = ("TenantId", "ProjectId", "EnvironmentId")
QUERY = (
    "{?skip,take,ids,partialName,projectIds,tenantIds,environmentIds,includeComplete,"
    "status,effectiveDate}"
)
DEFAULT_TAKE = 30
DEMO_PROJECTS = ("Customer Portal", "Billing API")
MAX_NAME = 200
SCHEDULE_TYPES = ("Daily", "Weekly", "Monthly", "Annually")
SCHEDULE_END_TYPES = ("Never", "OnDate", "AfterOccurrences")
SCHEDULE_FIELDS = (
    "Type",
    "Unit",
    "EndType",
    "EndOnDate",
    "EndAfterOccurrences",
    "StartDate",
    "EndDate",
    "UserUtcOffsetInMinutes",
)

Doc = dict[str, Any]


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Description": None,
        "Start": None,
        "End": None,
        SCOPE: {},
        TENANT_SCOPE: [],
        "RecurringSchedule": None,
    }


# -- moments ------------------------------------------------------------------------------


def moment(text: Any) -> dt.datetime | None:
    """An ISO 8601 date-time (``Z`` or an offset; none means UTC), else ``None``."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def now(state: State) -> dt.datetime:
    return moment(state.now()) or dt.datetime.now(dt.timezone.utc)


def in_force(freeze: Doc, at: dt.datetime) -> bool:
    start, end = moment(freeze.get("Start")), moment(freeze.get("End"))
    return start is not None and end is not None and start <= at < end


# -- documents ------------------------------------------------------------------------------


def build(state: State, body: dict[str, Any], old: Doc | None) -> Doc:
    """The document to store (defaults, then the body), or the server's 400 listing
    every problem. Fields the sandbox does not model are kept and echoed."""
    doc = defaults()
    doc.update({k: _plain(v) for k, v in body.items() if k != "Id"})
    errors = _name_errors(doc.get("Name")) + _window_errors(doc)
    if not isinstance(doc.get("Description"), (str, type(None))):
        errors.append("Description must be a string.")
    errors += _scope_errors(state, doc) + _schedule_errors(doc.get("RecurringSchedule"))
    if errors:
        raise invalid(*errors)
    for field in ("Start", "End"):
        # UNCONFIRMED: the spelling a real server answers with; it is the same moment.
        doc[field] = moment(doc[field]).isoformat(timespec="milliseconds")  # type: ignore[union-attr]
    doc["Id"] = old["Id"] if old else state.next_id(COLLECTION)
    return doc


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _name_errors(name: Any) -> list[str]:
    if not isinstance(name, str) or not name.strip():
        return ["The Name field is required."]
    if len(name) > MAX_NAME:
        # UNCONFIRMED wording (the limit, 200, is the published one).
        return [f"The field Name must be a string with a maximum length of {MAX_NAME}."]
    return []


def _window_errors(doc: Doc) -> list[str]:
    errors = []
    for field in ("Start", "End"):
        if doc.get(field) in (None, ""):
            errors.append(f"The {field} field is required.")
        elif moment(doc[field]) is None:
            errors.append(f"The value '{doc[field]}' is not valid for {field}.")
    start, end = moment(doc.get("Start")), moment(doc.get("End"))
    if not errors and start is not None and end is not None and end <= start:
        errors.append("The end of a deployment freeze must be after its start.")  # UNCONFIRMED
    return errors


def _scope_errors(state: State, doc: Doc) -> list[str]:
    """Scopes must name projects, environments and tenants that exist (in any space).
    UNCONFIRMED: the wording of these refusals."""
    scope, entries = doc.get(SCOPE), doc.get(TENANT_SCOPE)
    if doc.get(SCOPE) is None:
        doc[SCOPE] = scope = {}
    if entries is None:
        doc[TENANT_SCOPE] = entries = []
    if not isinstance(scope, dict) or not all(isinstance(v, list) for v in scope.values()):
        return [f"{SCOPE} must map project ids to arrays of environment ids."]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return [f"{TENANT_SCOPE} must be an array of objects."]
    errors = []
    for project_id, environment_ids in scope.items():
        errors += _missing(state, "Projects", "project", [project_id])
        errors += _missing(state, "Environments", "environment", environment_ids)
    for entry in entries:
        absent = [k for k in TRIPLE if not entry.get(k)]
        if absent:
            errors.append(f"Each {TENANT_SCOPE} entry needs {', '.join(absent)}.")
            continue
        errors += _missing(state, "Tenants", "tenant", [entry["TenantId"]])
        errors += _missing(state, "Projects", "project", [entry["ProjectId"]])
        errors += _missing(state, "Environments", "environment", [entry["EnvironmentId"]])
    return list(dict.fromkeys(errors))


def _missing(state: State, collection: str, noun: str, ids: list[Any]) -> list[str]:
    return [
        f"The {noun} '{i}' was not found."
        for i in ids
        if not isinstance(i, str) or state.get(collection, i) is None
    ]


def _schedule_errors(schedule: Any) -> list[str]:
    if schedule is None:
        return []
    if not isinstance(schedule, dict):
        return ["RecurringSchedule must be an object or null."]
    errors = []
    if schedule.get("Type") not in SCHEDULE_TYPES:
        errors.append(f"RecurringSchedule.Type must be one of {', '.join(SCHEDULE_TYPES)}.")
    if schedule.get("EndType", "Never") not in SCHEDULE_END_TYPES:
        errors.append(f"RecurringSchedule.EndType must be one of {', '.join(SCHEDULE_END_TYPES)}.")
    return errors


def seed_demo(state: State) -> None:
    """Last year's holiday freeze of two projects in Production: ended, so it refuses
    nothing (every write route has a document to address in the demo)."""
    production = [e["Id"] for e in state.values("Environments") if e["Name"] == "Production"]
    projects = [p["Id"] for p in state.values("Projects") if p["Name"] in DEMO_PROJECTS]
    doc = defaults()
    doc.update(
        Id=state.next_id(COLLECTION),
        Name="Holidays 2025",
        Description="No production deployments over the holidays",
        Start="2025-12-19T17:00:00.000+00:00",
        End="2026-01-05T06:00:00.000+00:00",
    )
    doc[SCOPE] = {project: list(production) for project in projects}
    state.put(COLLECTION, doc)


# -- listing ------------------------------------------------------------------------------


def select(req: Request) -> list[Doc]:
    """The freezes a list request's filters match, oldest start first (UNCONFIRMED order)."""
    freezes = req.state.values(COLLECTION)
    ids = {i.lower() for i in req.query.getlist("ids")}
    if ids:
        freezes = [f for f in freezes if f["Id"].lower() in ids]
    partial = (req.query.get("partialName") or "").lower()
    if partial:
        freezes = [f for f in freezes if partial in (f.get("Name") or "").lower()]
    for param, test in (
        ("projectIds", _project_ids),
        ("environmentIds", _environment_ids),
        ("tenantIds", _tenant_ids),
    ):
        wanted = set(req.query.getlist(param))
        if wanted:
            freezes = [f for f in freezes if wanted & test(f)]
    if req.query.bool("includeComplete") is False:
        at = now(req.state)
        freezes = [f for f in freezes if (moment(f.get("End")) or at) > at]
    return sorted(freezes, key=lambda f: (moment(f.get("Start")) or dt.datetime.min, f["Id"]))


def _project_ids(freeze: Doc) -> set[str]:
    return set(freeze.get(SCOPE) or {}) | {e["ProjectId"] for e in freeze.get(TENANT_SCOPE) or []}


def _environment_ids(freeze: Doc) -> set[str]:
    listed = {e for envs in (freeze.get(SCOPE) or {}).values() for e in envs}
    return listed | {e["EnvironmentId"] for e in freeze.get(TENANT_SCOPE) or []}


def _tenant_ids(freeze: Doc) -> set[str]:
    return {e["TenantId"] for e in freeze.get(TENANT_SCOPE) or []}


# -- routes -------------------------------------------------------------------------------


def list_freezes(req: Request) -> Doc:
    found = select(req)
    skip = req.query.int("skip", 0)
    take = req.query.int("take", DEFAULT_TAKE)
    return {"DeploymentFreezes": found[skip : skip + take], "Count": len(found)}


def find(req: Request) -> Doc:
    freeze = req.state.get(COLLECTION, req.path_params["id"])
    if freeze is None:
        raise not_found(req.path_params["id"])
    return freeze


def create(req: Request) -> tuple[int, Doc]:
    return 201, req.state.put(COLLECTION, build(req.state, req.json_object(), None))


def update(req: Request) -> Doc:
    return req.state.put(COLLECTION, build(req.state, req.json_object(), find(req)))


def delete(req: Request) -> tuple[int, None]:
    req.state.remove(COLLECTION, find(req)["Id"])
    return 200, None


def register_routes(router: Router) -> None:
    router.system("GET", "/deploymentfreezes", list_freezes)
    router.system("POST", "/deploymentfreezes", create)
    router.system("GET", "/deploymentfreezes/{id}", find)
    router.system("PUT", "/deploymentfreezes/{id}", update)
    router.system("DELETE", "/deploymentfreezes/{id}", delete)
    router.link("DeploymentFreezes", "/deploymentfreezes{/id}" + QUERY, space_scoped=False)
    router.add_field_names([*defaults(), *TRIPLE, *SCHEDULE_FIELDS])
