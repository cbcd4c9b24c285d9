"""Deployment processes and runbook processes (REFERENCE §7.1, §7.3).

Both are documents with a ``Version``: a PUT must carry the version it read,
is refused with the server's 400 when someone saved in between, and bumps the
version when it succeeds. Frozen copies (release and snapshot processes, ids
with ``-s-``) cannot be changed. A version-controlled (Config as Code)
project keeps its deployment process in Git: the database routes answer 404
for it, as a real server does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from octoflow_plugins.processes.sandbox.steps import StepChecker, new_guid

from octoflow.sandbox.area import (
    DEPLOYMENT,
    Doc,
    ProcessKind,
    Request,
    check_version,
    common_filters,
    invalid,
    not_found,
    page,
    plain,
)

PROCESS_QUERY = "{?skip,take,ids}"
_FROZEN_ID = re.compile(r"-s-\d+-[A-Z0-9]+$", re.IGNORECASE)


def is_frozen(process_id: str) -> bool:
    return bool(_FROZEN_ID.search(process_id))


def find(req: Request, kind: ProcessKind, ref: str) -> Doc:
    doc = req.state.get(kind.collection, ref)
    if doc is None or doc.get("SpaceId") != req.space_id:
        raise not_found(ref)
    return doc


def project_of(req: Request, ref: str) -> Doc:
    """A project by id or slug in the request's space (404 otherwise)."""
    project = req.state.get("Projects", ref)
    if project is None:
        lowered = ref.lower()
        project = next(
            (
                p
                for p in req.state.values("Projects", req.space_id)
                if (p.get("Slug") or "").lower() == lowered
            ),
            None,
        )
    if project is None or project.get("SpaceId") != req.space_id:
        raise not_found(ref)
    return project


# -- handlers ---------------------------------------------------------------------------


def list_processes(kind: ProcessKind) -> Callable[[Request], Doc]:
    def handler(req: Request) -> Doc:
        items = common_filters(req, req.state.values(kind.collection, req.space_id))
        if not req.query.getlist("ids"):
            items = [p for p in items if not is_frozen(p["Id"])]
        items.sort(key=lambda p: _natural(p["Id"]))
        base = f"/api/{req.space_id}/{kind.segment}"
        return page(req, items, kind.item_type, base, PROCESS_QUERY)

    return handler


def get_process(kind: ProcessKind) -> Callable[[Request], Doc]:
    return lambda req: find(req, kind, req.path_params["id"])


def put_process(kind: ProcessKind) -> Callable[[Request], Doc]:
    return lambda req: save(req, kind, find(req, kind, req.path_params["id"]))


def project_process(req: Request) -> Doc:
    """``/projects/{id}/deploymentprocesses`` (newer servers' project-scoped route)."""
    project = project_of(req, req.path_params["id"])
    return find(req, DEPLOYMENT, str(project["DeploymentProcessId"]))


def put_project_process(req: Request) -> Doc:
    return save(req, DEPLOYMENT, project_process(req))


def save(req: Request, kind: ProcessKind, old: Doc) -> Doc:
    """A full replacement of ``Steps``, checked against the ``Version`` that was read."""
    if is_frozen(old["Id"]):
        raise invalid(kind.frozen)
    body = req.json_object()
    check_version(body, old["Version"], kind.conflict)
    checker = StepChecker(req.state, req.space_id, old["ProjectId"], new_guid)
    steps = checker.steps(body.get("Steps", []))
    if checker.errors:
        raise invalid(*checker.errors)
    doc = dict(old)
    extra = {k: plain(v) for k, v in body.items() if k not in doc and k != "Links"}
    doc.update(extra)
    doc.update({"Steps": steps, "Version": old["Version"] + 1})
    req.state.stamp(doc)
    doc["Links"] = kind.links(doc)
    req.state.put(kind.collection, doc)
    req.changed(kind.collection, old, doc)
    return doc


def _natural(doc_id: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", doc_id.lower()))
