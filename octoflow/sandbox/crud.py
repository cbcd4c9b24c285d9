"""Generic CRUD for Octopus document collections.

A :class:`Resource` describes one collection (its URL segment, defaults,
links, validation and extra filters); :func:`register` adds the standard
routes a real server has for it: paged list, ``/all``, get, create (201),
full-replacement update and delete (200, empty body).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from octoflow.sandbox.casing import CIDict, plain
from octoflow.sandbox.errors import invalid, not_found
from octoflow.sandbox.paging import by_name, common_filters, page
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import Index, State

Doc = dict[str, Any]
#: Fields the server owns; values a client sends for them are ignored.
SERVER_FIELDS = ("Id", "SpaceId", "Links", "LastModifiedOn", "LastModifiedBy")


def no_errors(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    return []


def in_space(doc: Doc) -> Any:
    return doc.get("SpaceId")


@dataclass
class Resource:
    """One collection of documents and how the server treats it."""

    collection: str  # state collection and id prefix, e.g. "Tenants"
    segment: str  # URL segment, e.g. "tenants"
    item_type: str  # ItemType of the paged envelope, e.g. "Tenant"
    noun: str  # for messages, e.g. "tenant"
    query_template: str  # e.g. "{?skip,take,ids,partialName}"
    defaults: Callable[[], Doc]  # a new document: every modelled field with its default
    links: Callable[[Doc], dict[str, str]]
    validate: Callable[[Request, Doc, Doc | None], list[str]] = no_errors
    filters: Callable[[Request, list[Doc]], list[Doc]] | None = None
    sort_key: Callable[[Doc], Any] = by_name
    name_contains: bool = False  # ``name`` filter is a contains-match (tenants)
    name_scope: Callable[[Doc], Any] | None = in_space  # names unique within this key
    space_scoped: bool = True
    has_slug: bool = True
    by_slug: bool = False  # ``/{id}`` also accepts the slug (projects)
    keep_on_update: tuple[str, ...] = ()  # server-set fields a PUT cannot change
    clone_from: str | None = None  # the Cloned-From field when ``?clone=`` is supported
    #: Server-side normalisation before validation; returns problems found.
    prepare: Callable[[Request, Doc, Doc | None, CIDict], list[str] | None] | None = None
    finish: Callable[[State, Doc], None] | None = None  # derived fields, once the Id is known
    after_create: Callable[[Request, Doc], None] | None = None
    delete_errors: Callable[[Request, Doc], list[str]] | None = None
    on_delete: Callable[[Request, Doc], None] | None = None
    nested_fields: tuple[str, ...] = field(default_factory=tuple)

    # -- lookups --------------------------------------------------------------

    def space_of(self, req: Request) -> str | None:
        return req.space_id if self.space_scoped else None

    def base_path(self, req: Request) -> str:
        if self.space_scoped:
            return f"/api/{req.space_id}/{self.segment}"
        return f"/api/{self.segment}"

    def find(self, req: Request, ref: str) -> Doc:
        doc = req.state.get(self.collection, ref)
        if doc is None and self.by_slug:
            lowered = ref.lower()
            doc = next(
                (d for d in self.items(req) if (d.get("Slug") or "").lower() == lowered), None
            )
        if doc is None or (self.space_scoped and doc.get("SpaceId") != req.space_id):
            raise not_found(ref)
        return doc

    def items(self, req: Request) -> list[Doc]:
        return req.state.values(self.collection, self.space_of(req))

    def select(self, req: Request) -> list[Doc]:
        """The filtered, sorted documents a list or ``/all`` request asks for."""
        out = common_filters(req, self._listed(req), self.name_contains)
        if self.filters is not None:
            out = self.filters(req, out)
        return sorted(out, key=self.sort_key)

    def _listed(self, req: Request) -> list[Doc]:
        """:meth:`items`, or only the documents ``ids`` names when given: looked up, not
        filtered out of every document (apply re-reads in small ``?ids=`` batches,
        thousands of them on a large server). A subclass that chooses its items
        another way (teams: system-wide or in a space) is listed whole."""
        ids = req.query.getlist("ids")
        if not ids or type(self).items is not Resource.items:
            return self.items(req)
        space = self.space_of(req)
        found = (req.state.get(self.collection, i) for i in dict.fromkeys(ids))
        return [d for d in found if d is not None and (space is None or d.get("SpaceId") == space)]

    # -- handlers ---------------------------------------------------------------

    def get_page(self, req: Request) -> Doc:
        return page(req, self.select(req), self.item_type, self.base_path(req), self.query_template)

    def get_all(self, req: Request) -> list[Doc]:
        return self.select(req)

    def get_one(self, req: Request) -> Doc:
        return self.find(req, req.path_params["id"])

    def create(self, req: Request) -> tuple[int, Doc]:
        body = req.json_object()
        base = self.clone_base(req, body)
        doc = self.build(req, body, None, base)
        req.state.put(self.collection, doc)
        if self.after_create is not None:
            self.after_create(req, doc)
        req.changed(self.collection, None, doc)
        return 201, doc

    def update(self, req: Request) -> Doc:
        old = self.find(req, req.path_params["id"])
        doc = self.build(req, req.json_object(), old, None)
        req.state.put(self.collection, doc)
        req.changed(self.collection, old, doc)
        return doc

    def delete(self, req: Request) -> tuple[int, None]:
        doc = self.find(req, req.path_params["id"])
        errors = self.delete_errors(req, doc) if self.delete_errors else []
        if errors:
            raise invalid(*errors)
        req.state.remove(self.collection, doc["Id"])
        if self.on_delete is not None:
            self.on_delete(req, doc)
        req.changed(self.collection, doc, None)
        return 200, None

    # -- building documents -----------------------------------------------------

    def clone_base(self, req: Request, body: CIDict) -> Doc | None:
        """The document named by ``?clone=`` or a ``Clone`` body field, if cloning."""
        if self.clone_from is None:
            return None
        source_id = req.query.get("clone") or body.get("Clone")
        if not source_id:
            return None
        source = self.find(req, source_id)
        req.clone_source = source
        base = {k: plain(v) for k, v in source.items() if k not in SERVER_FIELDS + ("Slug",)}
        base[self.clone_from] = source["Id"]
        return base

    def build(self, req: Request, body: CIDict, old: Doc | None, base: Doc | None) -> Doc:
        """The document to store: defaults (or the clone source), the body, server fields."""
        doc = self.defaults()
        doc.update(base or {})
        if self.clone_from is not None:
            body.pop("Clone", None)  # a request-only field (newer servers' clone syntax)
        errors = merge_body(doc, body, self.defaults())
        for name in self.keep_on_update:
            if old is not None:
                doc[name] = old.get(name)
        doc["Id"] = old["Id"] if old else None
        if self.space_scoped:
            doc["SpaceId"] = req.space_id
        if self.has_slug:
            doc["Slug"] = doc.get("Slug") or (old or {}).get("Slug") or self.unique_slug(req, doc)
        if self.prepare is not None and not errors:
            errors += self.prepare(req, doc, old, body) or []
        errors += self.name_errors(req, doc)
        errors += self.validate(req, doc, old)
        if errors:
            raise invalid(*errors)
        if old is None:
            req.admit(self.collection, doc)
            self.assign_id(req.state, doc)
        req.state.stamp(doc)
        doc["Links"] = self.links(doc)
        return doc

    def assign_id(self, state: State, doc: Doc) -> None:
        doc["Id"] = state.next_id(self.collection)
        if self.finish is not None:
            self.finish(state, doc)

    def insert(self, state: State, space_id: str | None, fields: Doc) -> Doc:
        """Store a new document without validation (seeds and server-made documents)."""
        doc = self.defaults()
        doc.update(fields)
        if self.space_scoped:
            doc["SpaceId"] = space_id
        self.assign_id(state, doc)
        if self.has_slug and not doc.get("Slug"):
            doc["Slug"] = slugify(doc["Name"])
        state.stamp(doc)
        doc["Links"] = self.links(doc)
        return state.put(self.collection, doc)

    def name_keys(self, doc: Doc) -> list[tuple[str, Any, str]]:
        """The keys ``doc``'s name and slug must not share with another document."""
        if self.name_scope is None:
            return []
        scope, name, slug = self.name_scope(doc), doc.get("Name"), doc.get("Slug")
        keys = [("name", scope, name.lower())] if isinstance(name, str) else []
        return keys + ([("slug", scope, slug)] if self.has_slug and slug else [])

    def names(self, state: State) -> Index:
        """The collection's documents by the keys their name and slug claim."""
        return state.index(self.collection, f"names/{self.segment}", self.name_keys)

    def taken(self, req: Request, doc: Doc, key: tuple[str, Any, str]) -> bool:
        """Whether another document of the collection has ``key`` (an indexed lookup, so a
        write costs the same however many documents there are)."""
        names = self.names(req.state)
        others = (req.state.get(self.collection, i) for i in names.ids(key) - {doc["Id"]})
        return any(other is not None and key in self.name_keys(other) for other in others)

    def name_errors(self, req: Request, doc: Doc) -> list[str]:
        name = doc.get("Name")
        if not isinstance(name, str) or not name.strip():
            return ["The Name field is required."]
        if self.name_scope is None:
            return []
        scope = self.name_scope(doc)
        errors = []
        if self.taken(req, doc, ("name", scope, name.lower())):
            errors.append(
                f"A {self.noun} with the name '{name}' already exists. "
                "Please choose a different name."
            )
        slug = doc.get("Slug")
        if self.has_slug and self.taken(req, doc, ("slug", scope, slug)):
            errors.append(f"A {self.noun} with the slug '{slug}' already exists.")
        return errors

    def unique_slug(self, req: Request, doc: Doc) -> str:
        base = slugify(doc.get("Name") or "") or self.noun
        if self.name_scope is None:
            return base
        scope = self.name_scope(doc)
        slug, n = base, 1
        while self.taken(req, doc, ("slug", scope, slug)):
            n += 1
            slug = f"{base}-{n}"
        return slug


def merge_body(doc: Doc, body: CIDict, defaults: Doc) -> list[str]:
    """Copy the body's fields over ``doc``; type errors for modelled fields are returned."""
    errors = []
    for key, value in body.items():
        if key in SERVER_FIELDS:
            continue
        default = defaults.get(key)
        if value is None and isinstance(default, (list, dict)):
            continue
        problem = type_problem(key, value, default)
        if problem:
            errors.append(problem)
            continue
        doc[key] = plain(value)
    return errors


def type_problem(key: str, value: Any, default: Any) -> str | None:
    """Why ``value`` cannot replace ``default`` (None when it can, or nothing is known)."""
    if value is None or default is None:
        return None
    words = {bool: "true or false", int: "a number", list: "an array", dict: "an object"}
    kind = type(default)
    if kind not in words:
        return None
    fits = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
    return None if fits else f"{key} must be {words[kind]}."


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def register(router: Router, res: Resource) -> None:
    """Add the standard routes for ``res`` and accept its field names in any case."""
    add = router.space if res.space_scoped else router.system
    seg = "/" + res.segment
    add("GET", seg, res.get_page)
    add("GET", seg + "/all", res.get_all)
    add("GET", seg + "/{id}", res.get_one)
    add("POST", seg, res.create)
    add("PUT", seg + "/{id}", res.update)
    add("DELETE", seg + "/{id}", res.delete)
    router.add_field_names(res.defaults())
    router.add_field_names(res.nested_fields)
    if res.name_scope is not None:
        router.build_index(res.names)
