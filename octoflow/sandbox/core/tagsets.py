"""Tag sets and their tags (REFERENCE §4.4), plus canonical-tag lookups and tag filters
(Octopus semantics: OR within a tag set, AND across sets) for other areas."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.core.ordering import next_sort_order, register_sort_order
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

SCOPES = ("Tenant", "Environment", "Project", "Runbook", "Target")
TYPES = ("SingleSelect", "MultiSelect", "FreeText")
TAG_FIELDS = ("Id", "Name", "Color", "Description", "SortOrder", "CanonicalTagName")
DEFAULT_COLOR = "#333333"


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Description": "",
        "SortOrder": 0,
        "SpaceId": None,
        "Tags": [],
        "Scopes": ["Tenant"],
        "Type": "MultiSelect",
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    return {"Self": f"/api/{doc['SpaceId']}/tagsets/{doc['Id']}"}


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> None:
    if old is None and "SortOrder" not in body:
        doc["SortOrder"] = next_sort_order(req.state, "TagSets", req.space_id)
    doc["Scopes"] = [_canonical(s, SCOPES) for s in doc.get("Scopes") or []]
    doc["Type"] = _canonical(doc.get("Type") or "MultiSelect", TYPES)
    doc["Tags"] = [_tag(doc, tag, n) for n, tag in enumerate(doc.get("Tags") or [])]
    if doc["Id"]:
        number_tags(doc)


def _tag(tag_set: Doc, raw: Any, position: int) -> Any:
    if not isinstance(raw, dict):
        return raw
    tag = {
        "Id": None,
        "Name": None,
        "Color": DEFAULT_COLOR,
        "Description": "",
        "SortOrder": position,
        "CanonicalTagName": None,
    }
    tag.update({k: v for k, v in raw.items() if v is not None})
    tag["CanonicalTagName"] = f"{tag_set['Name']}/{tag['Name']}"
    return tag


def number_tags(doc: Doc) -> None:
    """Give tags without an id the next ``TagSets-N/Tags-M`` id of their set."""
    prefix = f"{doc['Id']}/Tags-"
    own = [t for t in doc["Tags"] if str(t.get("Id") or "").startswith(prefix)]
    used = [int(t["Id"][len(prefix) :]) for t in own if t["Id"][len(prefix) :].isdigit()]
    counter = max(used, default=0)
    for tag in doc["Tags"]:
        if tag.get("Id") not in {t["Id"] for t in own}:
            counter += 1
            tag["Id"] = f"{prefix}{counter}"


def validate(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    errors = [
        f"'{s}' is not a tag set scope; use one of {', '.join(SCOPES)}."
        for s in doc["Scopes"]
        if s not in SCOPES
    ]
    if doc["Type"] not in TYPES:
        errors.append(f"'{doc['Type']}' is not a tag set type; use one of {', '.join(TYPES)}.")
    names: set[str] = set()
    for tag in doc["Tags"]:
        name = tag.get("Name") if isinstance(tag, dict) else None
        if not isinstance(name, str) or not name.strip():
            errors.append("Every tag needs a Name.")
        elif name.lower() in names:
            errors.append(f"The tag '{name}' appears more than once in the tag set.")
        else:
            names.add(name.lower())
    return errors


def _canonical(value: Any, allowed: Iterable[str]) -> Any:
    if not isinstance(value, str):
        return value
    return next((a for a in allowed if a.lower() == value.lower()), value)


def scope_filter(req: Request, items: list[Doc]) -> list[Doc]:
    wanted = {s.lower() for s in req.query.getlist("scopes")}
    if not wanted:
        return items
    return [d for d in items if wanted & {s.lower() for s in d.get("Scopes") or []}]


TAG_SETS = Resource(
    collection="TagSets",
    segment="tagsets",
    item_type="TagSet",
    noun="tag set",
    query_template="{?skip,take,ids,partialName,scopes}",
    defaults=defaults,
    links=links,
    validate=validate,
    prepare=prepare,
    finish=lambda state, doc: number_tags(doc),
    filters=scope_filter,
    sort_key=lambda d: (d.get("SortOrder") or 0, (d.get("Name") or "").lower()),
    has_slug=False,
    nested_fields=TAG_FIELDS + ("Scopes",),
)


def register_routes(router: Router) -> None:
    register_sort_order(router, "/tagsets/sortorder", "TagSets")
    register(router, TAG_SETS)
    router.link("TagSets", "/tagsets{/id}{?skip,take,ids,partialName,scopes}")
    router.link("TagSetSortOrder", "/tagsets/sortorder")


# -- canonical tag names, for areas that use tags ------------------------------


def tag_index(state: State, space_id: str) -> dict[str, tuple[dict[str, Any], Doc]]:
    """Every tag of the space by lower-cased canonical name, with its tag set."""
    index = {}
    for tag_set in state.values("TagSets", space_id):
        for tag in tag_set.get("Tags") or []:
            index[tag["CanonicalTagName"].lower()] = (tag, tag_set)
    return index


def resolve_tags(
    state: State, space_id: str, names: Iterable[Any], scope: str | None = None
) -> tuple[list[str], list[str]]:
    """Canonical spellings of ``names`` (deduplicated) and the problems found.

    A tag must exist and, when ``scope`` is given, belong to a tag set whose
    ``Scopes`` include it.
    """
    index = tag_index(state, space_id)
    out: list[str] = []
    errors: list[str] = []
    for name in names:
        if not isinstance(name, str):
            errors.append(f"Tags are canonical names such as 'Region/EU', not {name!r}.")
            continue
        found = index.get(name.lower())
        if found is None:
            errors.append(f"The tag '{name}' does not exist. Use the canonical name 'Tag Set/Tag'.")
            continue
        tag, tag_set = found
        scopes = tag_set.get("Scopes") or []
        if scope and scope not in scopes:
            errors.append(
                f"The tag '{tag['CanonicalTagName']}' cannot be used on a {scope.lower()}: "
                f"its tag set '{tag_set['Name']}' is scoped to {', '.join(scopes) or 'nothing'}."
            )
        elif tag["CanonicalTagName"] not in out:
            out.append(tag["CanonicalTagName"])
    return out, errors


def tag_groups(state: State, space_id: str, tags: list[str]) -> dict[str, list[str]]:
    """Canonical tag names grouped by tag set: OR within a group, AND across groups."""
    index = tag_index(state, space_id)
    groups: dict[str, list[str]] = {}
    for name in tags:
        found = index.get(name.lower())
        set_name = found[1]["Name"] if found else name.split("/", 1)[0]
        groups.setdefault(set_name.lower(), []).append(
            found[0]["CanonicalTagName"] if found else name
        )
    return groups


def missing_tags(tenant: Doc, groups: dict[str, list[str]]) -> list[str]:
    """The tags of every group the tenant has none of (empty: the tenant matches)."""
    have = {t.lower() for t in tenant.get("TenantTags") or []}
    missing: list[str] = []
    for group in groups.values():
        if not have & {t.lower() for t in group}:
            missing.extend(group)
    return missing
