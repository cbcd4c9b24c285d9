"""Intents of the environments provider.

``variable.add_environment`` edits a variable set (the variables provider's kind):
it adds an environment to the scope of the variables the plan named, by id, and
only where their environment scope is not empty: an empty scope means every
environment, and adding one would narrow it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Doc = dict[str, Any]
Args = Mapping[str, Any]


def set_fields(doc: Doc, args: Args) -> None:
    """Set top-level fields (``Name``, ``Description``, ``UseGuidedFailure`` …)."""
    doc.update(args["fields"])


def add_environment_to_scopes(doc: Doc, args: Args) -> None:
    wanted = set(args["variable_ids"])
    for variable in doc.get("Variables") or []:
        scope = variable.get("Scope") or {}
        envs = list(scope.get("Environment") or [])
        if variable.get("Id") in wanted and envs and args["environment_id"] not in envs:
            scope["Environment"] = [*envs, args["environment_id"]]


INTENTS = {
    "environment.set_fields": set_fields,
    "variable.add_environment": add_environment_to_scopes,
}
