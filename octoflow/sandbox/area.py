"""octoflow's API for sandbox areas: the one module a provider's fake-server code imports.

A *sandbox area* is a provider's part of the embedded Octopus: the documents it
keeps, the routes that serve them and what the demo seed puts in them. The
client side of a provider imports :mod:`octoflow.provider`; the modules of its
area import only this module and each other. octoflow keeps these names stable;
the modules behind them may move.

The protocol (:class:`SandboxArea`)
    An area is an object with a ``name``, ``register_routes(router)`` (add the
    area's handlers, links and change listeners to the :class:`Router`) and
    ``seed(state, seed)`` (fill the :class:`State` for the ``empty`` or
    ``demo`` seed; seeds run with the clock frozen, so use ``state.now()`` and a
    fixed ``random.Random``). It may name, in ``seed_after``, the areas whose
    seeded documents its own seed builds on. The core area (spaces,
    environments, lifecycles, project groups, projects, channels, tag sets,
    library variable sets) always comes first.
Registering
    In the provider's ``octoflow_register(registry)``, register the area by its
    dotted path, ``registry.add_sandbox_area("my_plugin.sandbox:MyArea")``: it is
    imported and instantiated (without arguments) only when a sandbox is built,
    so a run against a real server loads none of it. The area's ``name`` must be
    the plugin's name, or pass ``name=``. An area object is accepted too.
Documents and collections
    :data:`Doc`, :class:`Resource` (one collection: URL segment, defaults,
    links, validation, filters, hooks), :func:`register` (the list, ``/all``,
    get, create, update and delete routes a real server has), :func:`slugify`,
    :data:`SERVER_FIELDS`, :func:`clone`
Requests, routes and responses
    :class:`Request` (``state``, ``space_id``, ``path_params``, ``query``,
    ``json_object()``, ``changed()``, ``user_id``), :class:`Router`,
    :func:`split_path`, :class:`PlainText`, :class:`Blob` (a body with its own content type),
    :func:`register_logo` (a document's ``/logo`` routes)
State
    :class:`State` (``get``, ``require``, ``put``, ``remove``, ``values``,
    ``next_id``, ``stamp``, ``now``); keep every document in it, never in the area
Request bodies
    :class:`CIDict` (field names in any case), :class:`FieldNames`,
    :func:`canonicalize`, :func:`plain`
Errors (the Octopus envelope)
    :class:`SandboxError`, :func:`invalid` (400 with ``Errors``),
    :func:`not_found`, :func:`permission_error` (the server's 403),
    :func:`check_version` (a replacement's ``Version`` against the stored one)
Paging
    :func:`page`, :func:`common_filters`
The core's documents
    :data:`PROJECTS`, :data:`PROJECT_GROUPS`, :data:`CHANNELS`, :func:`add_artifact`,
    :func:`create_default_channel`, :data:`SERVER_VERSION`; process documents:
    :class:`ProcessKind`, :data:`DEPLOYMENT`, :data:`RUNBOOK`, :func:`new_process`
Version-controlled projects
    :mod:`git` (a project's repository: refs, commits and the documents at a ref),
    :func:`commit_documents` (commit a write under a git ref and answer the document)
Tags (Octopus semantics)
    :func:`resolve_tags`, :func:`tag_index`, :func:`tag_groups`, :func:`missing_tags`
Property values
    :class:`BadValue`, :func:`property_value`, :func:`is_missing`,
    :func:`normalise_templates`, :data:`SENSITIVE`, :data:`VALUE_FIELDS`,
    :data:`TEMPLATE_FIELDS`
Sort orders
    :func:`next_sort_order`, :func:`register_sort_order`
Versions
    :func:`semver_key`, :func:`in_version_range`, :func:`matches_tag`,
    :func:`pre_release_tag`, :func:`next_version`
Seeds
    :func:`is_demo` (``demo`` or ``demo-large``: seed the demo's documents),
    :func:`is_large` (``demo-large``: add the large volume on top)

A worked example: Git credentials (which the sandbox does not serve) and where
they are used, in a package ``octoflow_gitcredentials`` (only a few of the real
document's fields)::

    # octoflow_gitcredentials/sandbox/__init__.py
    from octoflow.sandbox.area import Doc, Request, Resource, Router, State, register

    QUERY = "{?skip,take,ids,partialName}"


    def defaults() -> Doc:
        return {"Id": None, "Name": None, "Slug": None, "Description": "",
                "Details": {"Type": "UsernamePassword", "Username": None}, "SpaceId": None,
                "LastModifiedOn": None, "LastModifiedBy": None, "Links": {}}


    def links(doc: Doc) -> dict[str, str]:
        base = f"/api/{doc['SpaceId']}/git-credentials/{doc['Id']}"
        return {"Self": base, "Usage": base + "/usage"}


    GIT_CREDENTIALS = Resource(collection="GitCredentials", segment="git-credentials",
                               item_type="GitCredential", noun="Git credential",
                               query_template=QUERY, defaults=defaults, links=links)


    def usage(req: Request) -> Doc:
        # UNCONFIRMED: the server's shape; the projects whose settings name the credential.
        credential = GIT_CREDENTIALS.find(req, req.path_params["id"])
        projects = [p["Id"] for p in req.state.values("Projects", req.space_id)
                    if credential["Id"] in str(p.get("PersistenceSettings"))]
        return {"Projects": projects}


    class GitCredentialsArea:
        name = "gitcredentials"

        def register_routes(self, router: Router) -> None:
            register(router, GIT_CREDENTIALS)
            router.space("GET", "/git-credentials/{id}/usage", usage)
            router.link("GitCredentials", "/git-credentials{/id}" + QUERY)

        def seed(self, state: State, seed: str) -> None:
            if seed == "demo":
                GIT_CREDENTIALS.insert(state, "Spaces-1", {"Name": "GitHub deploy bot"})

and, in the provider's ``octoflow_register(registry)``::

    registry.add_sandbox_area("octoflow_gitcredentials.sandbox:GitCredentialsArea")
"""

from __future__ import annotations

from octoflow.jsondata import clone
from octoflow.registry import SandboxArea
from octoflow.sandbox.app import PlainText, permission_error
from octoflow.sandbox.blob import Blob
from octoflow.sandbox.casing import CIDict, FieldNames, canonicalize, plain
from octoflow.sandbox.core import git
from octoflow.sandbox.core.artifacts import add_artifact
from octoflow.sandbox.core.channels import CHANNELS, create_default_channel
from octoflow.sandbox.core.gitviews import commit_documents
from octoflow.sandbox.core.logos import register_logo
from octoflow.sandbox.core.ordering import next_sort_order, register_sort_order
from octoflow.sandbox.core.processes import DEPLOYMENT, RUNBOOK, ProcessKind, new_process
from octoflow.sandbox.core.projectgroups import PROJECT_GROUPS
from octoflow.sandbox.core.projects import PROJECTS
from octoflow.sandbox.core.root import SERVER_VERSION
from octoflow.sandbox.core.tagsets import missing_tags, resolve_tags, tag_groups, tag_index
from octoflow.sandbox.core.values import (
    SENSITIVE,
    TEMPLATE_FIELDS,
    VALUE_FIELDS,
    BadValue,
    is_missing,
    normalise_templates,
    property_value,
)
from octoflow.sandbox.core.versions import (
    in_version_range,
    matches_tag,
    next_version,
    pre_release_tag,
    semver_key,
)
from octoflow.sandbox.crud import SERVER_FIELDS, Doc, Resource, register, slugify
from octoflow.sandbox.errors import SandboxError, check_version, invalid, not_found
from octoflow.sandbox.paging import common_filters, page
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router, split_path
from octoflow.sandbox.seeds import is_demo, is_large
from octoflow.sandbox.state import State

__all__ = [
    "CHANNELS",
    "DEPLOYMENT",
    "PROJECTS",
    "PROJECT_GROUPS",
    "RUNBOOK",
    "SENSITIVE",
    "SERVER_FIELDS",
    "SERVER_VERSION",
    "TEMPLATE_FIELDS",
    "VALUE_FIELDS",
    "BadValue",
    "CIDict",
    "Doc",
    "FieldNames",
    "PlainText",
    "Blob",
    "register_logo",
    "ProcessKind",
    "Request",
    "Resource",
    "Router",
    "SandboxArea",
    "SandboxError",
    "State",
    "add_artifact",
    "canonicalize",
    "check_version",
    "clone",
    "commit_documents",
    "common_filters",
    "create_default_channel",
    "git",
    "in_version_range",
    "invalid",
    "is_demo",
    "is_large",
    "is_missing",
    "matches_tag",
    "missing_tags",
    "new_process",
    "next_sort_order",
    "next_version",
    "normalise_templates",
    "not_found",
    "page",
    "permission_error",
    "plain",
    "pre_release_tag",
    "property_value",
    "register",
    "register_sort_order",
    "resolve_tags",
    "semver_key",
    "slugify",
    "split_path",
    "tag_groups",
    "tag_index",
]
