"""Lifecycles and their phases (REFERENCE §6.3)."""

from __future__ import annotations

import uuid
from typing import Any

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router

PHASE_FIELDS = (
    "Id",
    "Name",
    "AutomaticDeploymentTargets",
    "OptionalDeploymentTargets",
    "MinimumEnvironmentsBeforePromotion",
    "IsOptionalPhase",
    "IsPriorityPhase",
    "ReleaseRetentionPolicy",
    "TentacleRetentionPolicy",
)
RETENTION_FIELDS = ("Unit", "QuantityToKeep", "ShouldKeepForever", "Strategy")


def retention(quantity: int = 30, unit: str = "Days") -> dict[str, Any]:
    if quantity == 0:
        return {
            "Unit": "Days",
            "QuantityToKeep": 0,
            "ShouldKeepForever": True,
            "Strategy": "Forever",
        }
    return {
        "Unit": unit,
        "QuantityToKeep": quantity,
        "ShouldKeepForever": False,
        "Strategy": "Count",
    }


def phase(name: str, automatic: list[str], phase_id: str | None = None) -> dict[str, Any]:
    return {
        "Id": phase_id or str(uuid.uuid4()),
        "Name": name,
        "AutomaticDeploymentTargets": automatic,
        "OptionalDeploymentTargets": [],
        "MinimumEnvironmentsBeforePromotion": 0,
        "IsOptionalPhase": False,
        "IsPriorityPhase": False,
        "ReleaseRetentionPolicy": None,
        "TentacleRetentionPolicy": None,
    }


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "Description": "",
        "SpaceId": None,
        "Phases": [],
        "ReleaseRetentionPolicy": retention(),
        "TentacleRetentionPolicy": retention(),
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/lifecycles/{doc['Id']}"
    return {"Self": base, "Preview": base + "/preview", "Projects": base + "/projects"}


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> None:
    phases = doc.get("Phases")
    if isinstance(phases, list):
        doc["Phases"] = [_phase(p) for p in phases]


def _phase(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    out = phase(raw.get("Name") or "", [])
    out.update({k: v for k, v in raw.items() if v is not None or k.endswith("Policy")})
    out["Id"] = out["Id"] or str(uuid.uuid4())
    return out


def validate(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    envs = {e["Id"]: e["Name"] for e in req.state.values("Environments", req.space_id)}
    errors: list[str] = []
    seen: dict[str, str] = {}
    for position, item in enumerate(doc["Phases"], 1):
        if not isinstance(item, dict):
            errors.append(f"Phase {position} must be an object.")
            continue
        if not item.get("Name"):
            errors.append(f"Phase {position} needs a Name.")
        for env_id in _targets(item):
            if env_id not in envs:
                errors.append(
                    f"Phase '{item.get('Name')}' names the environment "
                    f"'{env_id}', which does not exist."
                )
            elif env_id in seen and seen[env_id] != item["Id"]:
                errors.append(f"The environment '{envs[env_id]}' is in more than one phase.")
            seen.setdefault(env_id, item["Id"])
    return errors


def _targets(item: dict[str, Any]) -> list[str]:
    automatic = item.get("AutomaticDeploymentTargets") or []
    return list(automatic) + list(item.get("OptionalDeploymentTargets") or [])


def users(req: Request, doc: Doc) -> list[Doc]:
    return [
        p for p in req.state.values("Projects", doc["SpaceId"]) if p.get("LifecycleId") == doc["Id"]
    ]


def delete_errors(req: Request, doc: Doc) -> list[str]:
    names = sorted(p["Name"] for p in users(req, doc))
    if names:
        return [
            f"The lifecycle '{doc['Name']}' is used by the project(s) "
            f"{', '.join(names)} and cannot be deleted."
        ]
    return []


def projects(req: Request) -> list[Doc]:
    return sorted(
        users(req, LIFECYCLES.find(req, req.path_params["id"])), key=lambda p: p["Name"].lower()
    )


def preview(req: Request) -> Doc:
    """The lifecycle with phases spelled out: no phases means one per environment."""
    doc = dict(LIFECYCLES.find(req, req.path_params["id"]))
    if not doc["Phases"]:
        envs = req.state.environments_in_order(doc["SpaceId"])
        doc["Phases"] = [
            dict(
                phase(e["Name"], [], f"{doc['Id']}-{e['Id']}"), OptionalDeploymentTargets=[e["Id"]]
            )
            for e in envs
        ]
    return doc


LIFECYCLES = Resource(
    collection="Lifecycles",
    segment="lifecycles",
    item_type="Lifecycle",
    noun="lifecycle",
    query_template="{?skip,take,ids,partialName}",
    defaults=defaults,
    links=links,
    validate=validate,
    prepare=prepare,
    delete_errors=delete_errors,
    nested_fields=PHASE_FIELDS + RETENTION_FIELDS,
)


def register_routes(router: Router) -> None:
    register(router, LIFECYCLES)
    router.space("GET", "/lifecycles/{id}/projects", projects)
    router.space("GET", "/lifecycles/{id}/preview", preview)
    router.link("Lifecycles", "/lifecycles{/id}{?skip,take,ids,partialName}")
