"""Machine policies (REFERENCE §5.5): health checks, connectivity, clean-up, updates.

Every space has a default policy that machines fall back to; it cannot be
deleted, and no policy can be deleted while machines or workers use it.
"""

from __future__ import annotations

from typing import Any

from octoflow.sandbox.area import CIDict, Doc, Request, Resource, Router, State, page, register

QUERY = "{?skip,take,ids,partialName}"
DEFAULT_NAME = "Default Machine Policy"
#: Enumerations inside a policy, as (object, field) → allowed values.
ENUMS = {
    ("MachineConnectivityPolicy", "MachineConnectivityBehavior"): (
        "ExpectedToBeOnline",
        "MayBeOfflineAndCanBeSkipped",
    ),
    ("MachineCleanupPolicy", "DeleteMachinesBehavior"): (
        "DoNotDelete",
        "DeleteUnavailableMachines",
    ),
    ("MachineHealthCheckPolicy", "HealthCheckType"): ("RunScript", "OnlyConnectivity"),
    ("MachineUpdatePolicy", "CalamariUpdateBehavior"): (
        "UpdateOnDeployment",
        "UpdateOnNewMachine",
        "UpdateAlways",
    ),
    ("MachineUpdatePolicy", "TentacleUpdateBehavior"): ("NeverUpdate", "Update"),
}


def script_policy() -> Doc:
    return {"RunType": "InheritFromDefault", "ScriptBody": None}


def defaults() -> Doc:
    """A new policy: what ``GET /machinepolicies/template`` returns."""
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "Description": None,
        "SpaceId": None,
        "IsDefault": False,
        "ConnectionConnectTimeout": "00:01:00",
        "ConnectionRetryCountLimit": 5,
        "ConnectionRetrySleepInterval": "00:00:01",
        "ConnectionRetryTimeLimit": "00:05:00",
        "PollingRequestQueueTimeout": "00:02:00",
        "PollingRequestMaximumMessageProcessingTimeout": "00:10:00",
        "MachineHealthCheckPolicy": {
            "PowerShellHealthCheckPolicy": script_policy(),
            "BashHealthCheckPolicy": script_policy(),
            "HealthCheckInterval": "1.00:00:00",
            "HealthCheckCron": None,
            "HealthCheckCronTimezone": "UTC",
            "HealthCheckType": "RunScript",
        },
        "MachineConnectivityPolicy": {"MachineConnectivityBehavior": "ExpectedToBeOnline"},
        "MachineCleanupPolicy": {
            "DeleteMachinesBehavior": "DoNotDelete",
            "DeleteMachinesElapsedTimeSpan": "1.00:00:00",
        },
        "MachineUpdatePolicy": {
            "CalamariUpdateBehavior": "UpdateOnDeployment",
            "TentacleUpdateBehavior": "NeverUpdate",
            "TentacleUpdateAccountId": None,
        },
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/machinepolicies/{doc['Id']}"
    return {
        "Self": base,
        "Machines": base + "/machines{?skip,take}",
        "Workers": base + "/workers{?skip,take}",
        "Web": f"/app#/{doc['SpaceId']}/infrastructure/machinepolicies/{doc['Id']}",
    }


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    """Nested objects keep the template's fields the body leaves out; enums are checked."""
    errors = []
    template = defaults()
    for (section, field), allowed in ENUMS.items():
        merged = dict(template[section])
        given = doc.get(section)
        if isinstance(given, dict):
            merged.update(given)
        elif given is not None:
            errors.append(f"{section} must be an object.")
        value = merged.get(field)
        match = next(
            (a for a in allowed if isinstance(value, str) and a.lower() == value.lower()), None
        )
        if match is None:
            errors.append(f"'{value}' is not a valid {field}; use one of {', '.join(allowed)}.")
        merged[field] = match or value
        doc[section] = merged
    doc["IsDefault"] = bool(old and old.get("IsDefault"))
    return errors


def delete_errors(req: Request, doc: Doc) -> list[str]:
    if doc.get("IsDefault"):
        return ["You cannot delete your default machine policy."]
    users = [
        m
        for collection in ("Machines", "Workers")
        for m in req.state.values(collection, doc["SpaceId"])
        if m.get("MachinePolicyId") == doc["Id"]
    ]
    if users:
        return [
            f"The machine policy '{doc['Name']}' is used by {len(users)} machine(s); "
            "move them to another policy before deleting it."
        ]
    return []


POLICIES = Resource(
    collection="MachinePolicies",
    segment="machinepolicies",
    item_type="MachinePolicy",
    noun="machine policy",
    query_template=QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    delete_errors=delete_errors,
    sort_key=lambda d: (not d.get("IsDefault"), (d.get("Name") or "").lower()),
    nested_fields=tuple(
        {k for section in defaults().values() if isinstance(section, dict) for k in section}
        | {"RunType", "ScriptBody"}
    ),
)


def default_policy_id(state: State, space_id: str) -> str | None:
    return next(
        (p["Id"] for p in state.values("MachinePolicies", space_id) if p.get("IsDefault")), None
    )


def check_policy(state: State, space_id: str, doc: Doc) -> list[str]:
    """A machine's ``MachinePolicyId``: the default when left out, else an existing policy."""
    ref = doc.get("MachinePolicyId")
    if not ref:
        doc["MachinePolicyId"] = default_policy_id(state, space_id)
        return []
    policy = state.get("MachinePolicies", ref)
    if policy is None or policy.get("SpaceId") != space_id:
        return [f"The machine policy '{ref}' does not exist in {space_id}."]
    doc["MachinePolicyId"] = policy["Id"]
    return []


def template(req: Request) -> Doc:
    return defaults()


def users_page(collection: str, item_type: str) -> Any:
    """``GET /machinepolicies/{id}/machines`` (or ``/workers``): who uses a policy."""

    def handler(req: Request) -> Doc:
        policy = POLICIES.find(req, req.path_params["id"])
        items = sorted(
            (
                m
                for m in req.state.values(collection, req.space_id)
                if m.get("MachinePolicyId") == policy["Id"]
            ),
            key=lambda m: (m.get("Name") or "").lower(),
        )
        base = f"/api/{req.space_id}/machinepolicies/{policy['Id']}/{collection.lower()}"
        return page(req, items, item_type, base, "{?skip,take}")

    return handler


def register_routes(router: Router) -> None:
    router.space("GET", "/machinepolicies/template", template)
    register(router, POLICIES)
    router.space("GET", "/machinepolicies/{id}/machines", users_page("Machines", "Machine"))
    router.space("GET", "/machinepolicies/{id}/workers", users_page("Workers", "Worker"))
    router.link("MachinePolicies", "/machinepolicies{/id}" + QUERY)
    router.link("MachinePolicyTemplate", "/machinepolicies/template")


def insert_default(state: State, space_id: str) -> Doc:
    return POLICIES.insert(
        state,
        space_id,
        {
            "Name": DEFAULT_NAME,
            "Description": "Machine policy used when no other policy is set.",
            "IsDefault": True,
        },
    )
