"""The variables provider's sandbox area: project and library variable sets.

A project or library variable set created through the API gets its (empty)
variable set at once, and deleting it deletes the set; a cloned project's set
is a copy of its source's, with new variable ids. Seeds run after the
processes area's, which adds projects of its own.
"""

from __future__ import annotations

import uuid

from octoflow_plugins.variables.sandbox import git_variables, sets, snapshots, usage
from octoflow_plugins.variables.sandbox.scope import SCOPE_FIELDS
from octoflow_plugins.variables.sandbox.seed import seed_demo_variables, seed_git_variables
from octoflow_plugins.variables.sandbox.sets import (
    SETS,
    forget,
    keep_secrets,
    new_set,
    secrets_of,
)

from octoflow.sandbox.area import Doc, Request, Router, State, is_demo

FIELD_NAMES = (
    "OwnerId",
    "Version",
    "Variables",
    "ScopeValues",
    "Name",
    "Value",
    "Description",
    "Scope",
    "IsEditable",
    "Prompt",
    "Type",
    "IsSensitive",
    "Label",
    "Required",
    *SCOPE_FIELDS,
)


def follow_owners(req: Request, old: Doc | None, new: Doc | None) -> None:
    """Create an owner's set with it (a clone's as a copy), delete it with it."""
    if old is None and new is not None and new.get("VariableSetId"):
        source = req.clone_source
        if source is None or not source.get("VariableSetId"):
            new_set(req.state, new)
            return
        copied = req.state.get(SETS, source["VariableSetId"])
        secrets = secrets_of(req.state, source["VariableSetId"])
        renamed = {v["Id"]: str(uuid.uuid4()) for v in (copied or {}).get("Variables", [])}
        variables = [dict(v, Id=renamed[v["Id"]]) for v in (copied or {}).get("Variables", [])]
        new_set(req.state, new, variables)
        keep_secrets(
            req.state,
            new["VariableSetId"],
            {renamed[k]: v for k, v in secrets.items() if k in renamed},
        )
    elif new is None and old is not None:
        forget(req.state, old.get("VariableSetId"))


class VariablesArea:
    """See the module docstring; the routes follow the real server's."""

    name = "variables"
    #: The processes area seeds projects of its own; their sets are seeded here. The
    #: deployments area seeds releases, whose variable snapshots are taken here.
    seed_after = ("processes", "deployments")

    def register_routes(self, router: Router) -> None:
        router.space("GET", "/variables/all", sets.all_sets)
        router.space("GET", "/variables/names", sets.variable_names)
        router.space("GET", "/variables/{id}", sets.get_set)
        router.link("Variables", "/variables{/id}{?ids}")
        router.link("VariableNames", "/variables/names{?project,runbook,projectEnvironmentsFilter}")
        router.add_field_names(FIELD_NAMES)
        router.on_change("Projects", follow_owners)
        router.on_change("LibraryVariableSets", follow_owners)
        snapshots.register_routes(router)
        usage.register_routes(router)
        git_variables.register_routes(router)

    def seed(self, state: State, seed: str) -> None:
        for collection in sets.OWNERS:
            for owner in state.values(collection):
                new_set(state, owner)
        if is_demo(seed):
            seed_demo_variables(state)
            seed_git_variables(state)
        snapshots.freeze_all(state)
