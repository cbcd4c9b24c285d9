"""Variable sets (swagger ``/api/{spaceId}/variables/{id}``, ``/variables/all``,
``/variables/names``): the variables of a project or a library variable set.

Every project and library variable set owns one, ``variableset-<owner id>``
(the owner's ``VariableSetId``), created with it and deleted with it. A set is
stored as served (``VariableSets``) except for ``ScopeValues``, which is
computed on every read. Sensitive values are kept apart (``VariableSecrets``, one
document per set mapping variable ids to values) and never served: a
sensitive variable reads ``Value: null``. A ``PUT`` replaces the variables,
must carry the ``Version`` it read (a stale one gets the server's 400) and
bumps it. Frozen copies (ids with ``-s-``, a release's or snapshot's) cannot be
changed.
"""

from __future__ import annotations

import re
from typing import Any

from octoflow_plugins.variables.sandbox.check import VariableChecker
from octoflow_plugins.variables.sandbox.scope import known_ids, scope_values

from octoflow.sandbox.area import (
    Doc,
    Request,
    SandboxError,
    State,
    check_version,
    invalid,
    not_found,
    plain,
)

SETS = "VariableSets"
SECRETS = "VariableSecrets"
OWNERS = ("Projects", "LibraryVariableSets")
CONFLICT = (
    "Changes to these variables could not be saved, because another user has made changes "
    "to the variables between when you started editing and when you saved your changes. "
    "Please reload or open a new tab to make your changes."
)
FROZEN = (
    "You cannot modify this variable set because the set is frozen. You'll need to create "
    "a new variable set instead."
)
VALIDATION = "Variable validation failed."
_FROZEN_ID = re.compile(r"-s-\d+-[A-Z0-9]+$", re.IGNORECASE)
#: Fields of a set the server owns; a PUT cannot change them.
SERVER_OWNED = ("Id", "OwnerId", "SpaceId", "Version", "ScopeValues", "Links")


# -- storage ---------------------------------------------------------------------------


def links(doc: Doc) -> dict[str, str]:
    return {"Self": f"/api/{doc['SpaceId']}/variables/{doc['Id']}"}


def owner_of(state: State, set_id: str) -> Doc | None:
    """The project or library variable set whose ``VariableSetId`` is ``set_id``."""
    owner_id = set_id[len("variableset-") :] if set_id.lower().startswith("variableset-") else ""
    for collection in OWNERS:
        owner = state.get(collection, owner_id)
        if owner is not None and owner.get("VariableSetId", "").lower() == set_id.lower():
            return owner
    return None


def new_set(state: State, owner: Doc, variables: list[Doc] | None = None) -> Doc:
    """Store an owner's set (version 0, the given variables, which must be checked)."""
    doc: Doc = {
        "Id": owner["VariableSetId"],
        "OwnerId": owner["Id"],
        "SpaceId": owner["SpaceId"],
        "Version": 0,
        "Variables": variables or [],
    }
    state.stamp(doc)
    doc["Links"] = links(doc)
    return state.put(SETS, doc)


def secrets_of(state: State, set_id: str) -> dict[str, str]:
    doc = state.get(SECRETS, set_id)
    return dict(doc["Values"]) if doc else {}


def keep_secrets(state: State, set_id: str, values: dict[str, str]) -> None:
    if values:
        state.put(SECRETS, {"Id": set_id, "Values": dict(values)})
    else:
        state.remove(SECRETS, set_id)


def forget(state: State, set_id: str | None) -> None:
    if set_id:
        state.remove(SETS, set_id)
        state.remove(SECRETS, set_id)


def find_set(req: Request, ref: str) -> Doc:
    """The set with id ``ref`` in the request's space; an owner's set that was never
    stored (a state file from before sets were modelled) is created empty."""
    doc = req.state.get(SETS, ref)
    if doc is None:
        owner = owner_of(req.state, ref)
        if owner is not None and owner.get("SpaceId") == req.space_id:
            doc = new_set(req.state, owner)
    if doc is None or doc.get("SpaceId") != req.space_id:
        raise not_found(ref)
    return doc


def served(state: State, doc: Doc) -> Doc:
    """The set as a read returns it: sensitive values null, ``ScopeValues`` filled in."""
    out = dict(doc)
    out["Variables"] = [
        dict(v, Value=None) if v.get("IsSensitive") else dict(v) for v in doc["Variables"]
    ]
    owner = owner_of(state, _FROZEN_ID.sub("", doc["Id"]))
    out["ScopeValues"] = scope_values(state, doc["SpaceId"], owner)
    return out


# -- handlers --------------------------------------------------------------------------


def get_set(req: Request) -> Doc:
    return served(req.state, find_set(req, req.path_params["id"]))


def all_sets(req: Request) -> list[Doc]:
    """Every live set in the space, in id order; ``?ids=`` picks any, frozen ones too."""
    state, space = req.state, req.space_id
    for collection in OWNERS:
        for owner in state.values(collection, space):
            if owner.get("VariableSetId") and state.get(SETS, owner["VariableSetId"]) is None:
                new_set(state, owner)
    wanted = {i.lower() for i in req.query.getlist("ids")}
    found = [
        d
        for d in state.values(SETS, space)
        if d["Id"].lower() in wanted or not (wanted or _FROZEN_ID.search(d["Id"]))
    ]
    return [served(state, d) for d in sorted(found, key=lambda d: _natural(d["Id"]))]


def put_set(req: Request) -> Doc:
    ref = req.path_params["id"]
    if _FROZEN_ID.search(ref) and owner_of(req.state, _FROZEN_ID.sub("", ref)) is not None:
        raise invalid(FROZEN)
    old = find_set(req, ref)
    body = req.json_object()
    check_version(body, old["Version"], CONFLICT)
    doc = _replaced(req, old, body)
    req.state.put(SETS, doc)
    req.changed(SETS, old, doc)
    return served(req.state, doc)


def _replaced(req: Request, old: Doc, body: Any) -> Doc:
    """``old`` with the body's variables (checked) and unknown fields, version bumped."""
    state = req.state
    owner = owner_of(state, old["Id"]) or {"Id": old["OwnerId"]}
    checker = VariableChecker(
        old["SpaceId"],
        {v["Id"]: v for v in old["Variables"]},
        secrets_of(state, old["Id"]),
        known_ids(state, old["SpaceId"], owner),
    )
    variables = checker.variables(body.get("Variables"))
    if checker.errors:
        raise SandboxError(400, VALIDATION, errors=checker.errors)
    doc = dict(old)
    doc.update({k: plain(v) for k, v in body.items() if k not in doc and k not in SERVER_OWNED})
    doc.update({"Variables": variables, "Version": old["Version"] + 1})
    state.stamp(doc)
    doc["Links"] = links(doc)
    keep_secrets(state, doc["Id"], checker.secrets)
    return doc


def variable_names(req: Request) -> list[str]:
    """Names of the variables a process can use: every library set's (those a project
    includes, with ``?project=``) and the project's own. With
    ``projectEnvironmentsFilter``, project variables scoped only to other
    environments are left out."""
    state, space = req.state, req.space_id
    project_ref = req.query.get("project")
    sets = []
    if project_ref:
        project = state.get("Projects", project_ref)
        if project is None or project.get("SpaceId") != space:
            raise not_found(project_ref)
        sets.append(find_set(req, project["VariableSetId"]))
        included = project.get("IncludedLibraryVariableSetIds") or []
        library = [state.get("LibraryVariableSets", i) for i in included]
    else:
        library = state.values("LibraryVariableSets", space)
    sets += [find_set(req, lvs["VariableSetId"]) for lvs in library if lvs]
    envs = {e.lower() for e in req.query.getlist("projectEnvironmentsFilter")}
    names = set()
    for doc in sets:
        for variable in doc["Variables"]:
            scoped = {e.lower() for e in variable["Scope"].get("Environment", [])}
            if envs and doc["OwnerId"].startswith("Projects-") and scoped and not scoped & envs:
                continue
            names.add(variable["Name"])
    return sorted(names, key=str.lower)


def _natural(doc_id: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", doc_id.lower()))
