"""Artifacts (``/artifacts``, ArtifactResource): files a task collected, and their content.

Releases, deployments, runbook runs and tasks link ``Artifacts`` to
``/api/{space}/artifacts?regarding=<id>``: an artifact is *regarding* its task
and whatever the task was for (the deployment or run, its release, project,
environment, tenant, runbook), read from the task's ``Arguments`` and those
documents. ``/artifacts/{id}/content`` answers the file (``GET``) and replaces
it (``PUT``, the raw body); the content is kept beside the artifact, not in it.

The sandbox keeps text content only (served as ``text/plain``); a body that is
not UTF-8 is refused. UNCONFIRMED: the list's order (oldest first; ``order=desc``
reverses it), that ``partialName`` matches the file name, and that a content
upload, which changes no field of the artifact, leaves no audit event.
"""

from __future__ import annotations

from typing import Any

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.crud import Doc, Resource
from octoflow.sandbox.errors import invalid
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

QUERY = "{?skip,take,regarding,ids,partialName,order}"
CONTENTS = "ArtifactContents"  # private: no Links, never served as a document
#: Fields of the documents a task runs for that name what it is regarding.
_RELATED = ("ReleaseId", "ProjectId", "EnvironmentId", "TenantId", "ChannelId", "RunbookId",
            "RunbookSnapshotId")  # fmt: skip


def defaults() -> Doc:
    return {
        "Id": None,
        "SpaceId": None,
        "Filename": None,
        "Source": None,
        "ServerTaskId": None,
        "Created": None,
        "LogCorrelationId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/artifacts/{doc['Id']}"
    return {"Self": base, "Content": base + "/content"}


class FileResource(Resource):
    """A collection whose documents have no ``Name`` (nor slug) to check."""

    def name_errors(self, req: Request, doc: Doc) -> list[str]:
        return []


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    name = doc.get("Filename")
    if not isinstance(name, str) or not name.strip():
        return ["The Filename field is required."]
    task_id = doc.get("ServerTaskId")
    task = req.state.get("ServerTasks", task_id) if task_id else None
    if task_id and (task is None or task.get("SpaceId") != req.space_id):
        return [f"The task '{task_id}' was not found."]
    doc["Created"] = (old or {}).get("Created") or req.state.now()
    return []


def regarding(state: State, artifact: Doc) -> set[str]:
    """The ids an artifact is regarding: its own, its task's and what the task ran for."""
    ids = {artifact["Id"]}
    task = state.get("ServerTasks", artifact.get("ServerTaskId"))
    if task is None:
        return ids
    ids.add(task["Id"])
    for value in (task.get("Arguments") or {}).values():
        found = state.find_document(value) if isinstance(value, str) else None
        if found is not None:
            ids.add(value)
            ids.update(v for k in _RELATED if isinstance(v := found[1].get(k), str))
    return ids


def list_filters(req: Request, items: list[Doc]) -> list[Doc]:
    wanted = req.query.get("regarding")
    if wanted:
        items = [a for a in items if wanted.lower() in _lower(regarding(req.state, a))]
    partial = (req.query.get("partialName") or "").lower()
    if partial:
        items = [a for a in items if partial in a["Filename"].lower()]
    if (req.query.get("order") or "").lower() == "desc":
        items = sorted(items, key=_created, reverse=True)
    return items


def _lower(ids: set[str]) -> set[str]:
    return {i.lower() for i in ids}


def _created(doc: Doc) -> tuple[str, int]:
    return doc.get("Created") or "", int(doc["Id"].rpartition("-")[2])


def forget_content(req: Request, doc: Doc) -> None:
    req.state.remove(CONTENTS, doc["Id"])


ARTIFACTS = FileResource(
    collection="Artifacts",
    segment="artifacts",
    item_type="Artifact",
    noun="artifact",
    query_template=QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    filters=list_filters,
    on_delete=forget_content,
    sort_key=_created,
    name_scope=None,
    has_slug=False,
)


def get_content(req: Request) -> str:
    # Imported here: the app module imports the core (for the audit log) when it loads.
    from octoflow.sandbox.app import PlainText

    artifact = ARTIFACTS.find(req, req.path_params["id"])
    stored = req.state.get(CONTENTS, artifact["Id"])
    return PlainText(stored["Text"] if stored else "")


def put_content(req: Request) -> tuple[int, None]:
    artifact = ARTIFACTS.find(req, req.path_params["id"])
    try:
        text = req.body.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid("The sandbox keeps text artifacts only; the content is not UTF-8.") from None
    req.state.put(CONTENTS, {"Id": artifact["Id"], "SpaceId": artifact["SpaceId"], "Text": text})
    return 200, None


def add_artifact(state: State, space_id: str, fields: dict[str, Any], content: str) -> Doc:
    """Store an artifact and its content without validation (seeds)."""
    doc = ARTIFACTS.insert(
        state, space_id, dict(fields, Created=fields.get("Created") or state.now())
    )
    state.put(CONTENTS, {"Id": doc["Id"], "SpaceId": space_id, "Text": content})
    return doc


def register_routes(router: Router) -> None:
    """The real server's routes: no ``/all``."""
    router.space("GET", "/artifacts", ARTIFACTS.get_page)
    router.space("GET", "/artifacts/{id}", ARTIFACTS.get_one)
    router.space("POST", "/artifacts", ARTIFACTS.create)
    router.space("PUT", "/artifacts/{id}", ARTIFACTS.update)
    router.space("DELETE", "/artifacts/{id}", ARTIFACTS.delete)
    router.space("GET", "/artifacts/{id}/content", get_content)
    router.space("PUT", "/artifacts/{id}/content", put_content)
    router.add_field_names(defaults())
    router.link("Artifacts", "/artifacts{/id}" + QUERY)
