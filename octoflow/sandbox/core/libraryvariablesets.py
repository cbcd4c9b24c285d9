"""Library variable sets and their tenant variable templates (REFERENCE §4.3)."""

from __future__ import annotations

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.core.values import TEMPLATE_FIELDS, VALUE_FIELDS, normalise_templates
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router

CONTENT_TYPES = ("Variables", "ScriptModule")


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Description": "",
        "SpaceId": None,
        "VariableSetId": None,
        "ContentType": "Variables",
        "Templates": [],
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/libraryvariablesets/{doc['Id']}"
    return {
        "Self": base,
        "Variables": f"/api/{doc['SpaceId']}/variables/{doc['VariableSetId']}",
        "Usages": base + "/usages",
    }


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    doc["Templates"], errors = normalise_templates(doc["Templates"])
    return errors


def validate(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    errors = []
    if doc["ContentType"] not in CONTENT_TYPES:
        errors.append(f"ContentType must be one of {', '.join(CONTENT_TYPES)}.")
    return errors


def finish(state: object, doc: Doc) -> None:
    doc["VariableSetId"] = f"variableset-{doc['Id']}"


def content_type_filter(req: Request, items: list[Doc]) -> list[Doc]:
    wanted = req.query.get("contentType")
    if not wanted:
        return items
    return [d for d in items if (d.get("ContentType") or "").lower() == wanted.lower()]


def forget_set(req: Request, doc: Doc) -> None:
    """A deleted library variable set is no longer included by any project."""
    for project in req.state.values("Projects", doc["SpaceId"]):
        included = project.get("IncludedLibraryVariableSetIds") or []
        if doc["Id"] in included:
            project["IncludedLibraryVariableSetIds"] = [i for i in included if i != doc["Id"]]


LIBRARY_VARIABLE_SETS = Resource(
    collection="LibraryVariableSets",
    segment="libraryvariablesets",
    item_type="LibraryVariableSet",
    noun="library variable set",
    query_template="{?skip,contentType,take,ids,partialName}",
    defaults=defaults,
    links=links,
    prepare=prepare,
    validate=validate,
    finish=finish,
    filters=content_type_filter,
    has_slug=False,
    keep_on_update=("VariableSetId",),
    on_delete=forget_set,
    nested_fields=TEMPLATE_FIELDS + VALUE_FIELDS,
)


def register_routes(router: Router) -> None:
    register(router, LIBRARY_VARIABLE_SETS)
    router.link(
        "LibraryVariables", "/libraryvariablesets{/id}{?skip,contentType,take,ids,partialName}"
    )
