"""The parameters process recipes share for Config-as-Code projects, and what they do.

``branch``, ``new_branch``, ``only_protected`` and ``commit_message`` map onto
``on_branch``, ``on_new_branch`` and ``commit_message`` of a projects selection
(see ``docs/config-as-code.md``). Database projects in the selection are edited
in the database, as always.
"""

from __future__ import annotations

from typing import Any

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    Param(
        "branch",
        "Config-as-Code projects: the branch to commit to (default: each project's default)",
        default="",
    ),
    Param(
        "new_branch",
        "Config-as-Code projects: create this branch from the branch and commit there "
        "(a template, e.g. octoflow/{{ plan.id }})",
        default="",
    ),
    Param(
        "only_protected",
        "With new_branch: create it only where the branch is protected",
        kind="bool",
        default=False,
    ),
    Param(
        "commit_message",
        "Config-as-Code projects: the commit message (a template; default names the "
        "recipe and the plan)",
        default="",
    ),
)


def on_git(selected: Any, branch: str, new_branch: str, only_protected: bool, message: str) -> Any:
    """``selected`` (a projects selection) committing where the parameters say."""
    if only_protected and not new_branch:
        raise UsageError("only_protected=true needs -p new_branch=… (the branch to create)")
    if branch:
        selected = selected.on_branch(branch)
    if new_branch:
        selected = selected.on_new_branch(new_branch, only_protected=only_protected)
    if message:
        selected = selected.commit_message(message)
    return selected
