"""Action templates: the space's step-template library (``/actiontemplates``).

A step made from a template carries ``Octopus.Action.Template.Id`` and
``Octopus.Action.Template.Version`` among its action's properties, and one
property per template parameter (keyed by the parameter's name). The server
bumps a template's ``Version`` on every update.
"""

from __future__ import annotations

from octoflow.sandbox.area import (
    TEMPLATE_FIELDS,
    VALUE_FIELDS,
    BadValue,
    CIDict,
    Doc,
    Request,
    Resource,
    Router,
    normalise_templates,
    property_value,
    register,
)

QUERY = "{?skip,take,ids,partialName}"


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Description": None,
        "ActionType": None,
        "Version": 0,
        "CommunityActionTemplateId": None,
        "Packages": [],
        "Properties": {},
        "Parameters": [],
        "SpaceId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/actiontemplates/{doc['Id']}"
    return {
        "Self": base,
        "Usage": base + "/usage",
        "Versions": base + "/versions",
        "Logo": base + "/logo",
    }


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    doc["Version"] = 0 if old is None else old["Version"] + 1
    doc["Parameters"], errors = normalise_templates(doc["Parameters"])
    if not isinstance(doc.get("ActionType"), str) or not doc["ActionType"]:
        errors.append("The ActionType field is required.")
    if not isinstance(doc["Properties"], dict):
        return errors + ["Properties must be an object."]
    for key, value in list(doc["Properties"].items()):
        try:
            doc["Properties"][key] = property_value(value)
        except BadValue as exc:
            errors.append(f"Property '{key}': {exc}.")
    return errors


ACTION_TEMPLATES = Resource(
    collection="ActionTemplates",
    segment="actiontemplates",
    item_type="ActionTemplate",
    noun="step template",
    query_template=QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    has_slug=False,
    keep_on_update=("CommunityActionTemplateId",),
    nested_fields=TEMPLATE_FIELDS + VALUE_FIELDS,
)


def register_routes(router: Router) -> None:
    register(router, ACTION_TEMPLATES)
    router.link("ActionTemplates", "/actiontemplates{/id}" + QUERY)
