"""The document kind the variables provider writes."""

from __future__ import annotations

from octoflow.provider import ResourceKind

VARIABLE_SET = "VariableSet"
#: Text of the 400 a server answers when the variables were saved by someone else
#: between our read and our write (swagger 2020.5, ``PUT /variables/{id}``).
VERSION_CONFLICT = "another user has made changes to the variables"

KINDS = (
    # No documented ``?ids=`` batch read for variable sets: apply re-reads each on its own.
    ResourceKind(
        VARIABLE_SET,
        "variables",
        batch_read=False,
        version_conflict=VERSION_CONFLICT,
        token="Version",
    ),
)
