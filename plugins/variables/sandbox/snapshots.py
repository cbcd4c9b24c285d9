"""Variable set snapshots: the frozen copies releases and runbook snapshots point at.

A release keeps ``ProjectVariableSetSnapshotId`` (``variableset-Projects-1-s-0-ABCDE``)
and ``LibraryVariableSetSnapshotIds``; a runbook snapshot keeps
``FrozenProjectVariableSetId``. Each names a copy of the owner's variable set
taken when the release or snapshot was created (for a release from Git of a
project whose variables are in Git, with the text variables at its commit),
served at ``/variables/{id}``
and refused any change (REFERENCE §1.5 ids; the link is the release's
``ProjectVariableSnapshot``). The copy goes when its release or snapshot does.
"""

from __future__ import annotations

import copy

from octoflow_plugins.variables.sandbox.git_variables import stored_at, variables_in_git
from octoflow_plugins.variables.sandbox.sets import (
    SETS,
    forget,
    keep_secrets,
    links,
    secrets_of,
)

from octoflow.sandbox.area import Doc, Request, Router, State, git


def frozen_ids(doc: Doc) -> list[tuple[str, str]]:
    """(snapshot id, live set id) for each set a release or runbook snapshot froze."""
    pairs = []
    for field in ("ProjectVariableSetSnapshotId", "FrozenProjectVariableSetId"):
        if doc.get(field):
            pairs.append((doc[field], f"variableset-{doc['ProjectId']}"))
    for frozen in doc.get("LibraryVariableSetSnapshotIds") or []:
        pairs.append((frozen, frozen.split("-s-")[0]))
    return list(dict.fromkeys(pairs))


def freeze(state: State, doc: Doc) -> None:
    """Store the copies ``doc`` (a release or runbook snapshot) names, if not yet stored."""
    for frozen_id, live_id in frozen_ids(doc):
        live = state.get(SETS, live_id)
        if live is None or state.get(SETS, frozen_id) is not None:
            continue
        snapshot = copy.deepcopy(live)
        snapshot["Variables"] = text_in_git(state, doc, live_id) + snapshot["Variables"]
        snapshot["Id"] = frozen_id
        snapshot["Links"] = links(snapshot)
        state.put(SETS, snapshot)
        keep_secrets(state, frozen_id, secrets_of(state, live_id))


def text_in_git(state: State, doc: Doc, live_id: str) -> list[Doc]:
    """The text variables in Git at the commit a release from Git was created from, when
    ``live_id`` is the set of a project whose variables are in Git (its live set holds
    only the sensitive ones)."""
    reference = doc.get("VersionControlReference") or {}
    project = state.get("Projects", doc.get("ProjectId") or "")
    if not reference.get("GitCommit") or project is None or not variables_in_git(project):
        return []
    if project.get("VariableSetId") != live_id:
        return []
    at = git.resolve(state, project, reference["GitCommit"])
    return copy.deepcopy(stored_at(git.documents_at(state, project, at))["Variables"])


def follow(req: Request, old: Doc | None, new: Doc | None) -> None:
    if new is not None:
        freeze(req.state, new)
    elif old is not None:
        for frozen_id, _ in frozen_ids(old):
            forget(req.state, frozen_id)


def freeze_all(state: State) -> None:
    """The seeded releases' and runbook snapshots' copies."""
    for collection in ("Releases", "RunbookSnapshots"):
        for doc in state.values(collection):
            freeze(state, doc)


def register_routes(router: Router) -> None:
    router.on_change("Releases", follow)
    router.on_change("RunbookSnapshots", follow)
