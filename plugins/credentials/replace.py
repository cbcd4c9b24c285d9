"""Replacing accounts by another one wherever processes and variables refer to them.

Each selected account's id is swapped for the replacement's in every step of the
deployment and runbook processes (step and action properties whose value is the id),
and in every variable whose value is the id (account-typed variables) in the
projects' variable sets and, unless the projects are narrowed, the library variable
sets. Version-controlled projects keep their process in Git: they are noted and
skipped. A runbook's published snapshot keeps the old account until it is published
again.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from octoflow_plugins.credentials.intents import (
    REPLACE_IN_PROCESS,
    REPLACE_IN_VARIABLES,
    process_uses,
    variables_using,
)
from octoflow_plugins.processes import planner

from octoflow.provider import (
    Edit,
    Intent,
    LibraryVariableSet,
    PlanContext,
    Project,
    Verb,
    unknown_name_message,
)

Doc = dict[str, Any]
#: The variables provider's kind (it owns variable sets); ``account.replace_in_variables``
#: edits them the same way.
VARIABLE_SET = "VariableSet"


@attrs.frozen
class ReplaceWith(Verb):
    name: ClassVar[str] = "replace_with"
    account: str
    projects: Any = None


def replace_edits(ctx: PlanContext, accounts: list[Doc], verb: ReplaceWith) -> list[Edit]:
    known_problems = len(ctx.problems)
    target = _target(ctx, accounts, verb.account)
    projects = _projects(ctx, verb)
    if target is None or len(ctx.problems) > known_problems:
        return []
    ctx.labels[target["Id"]] = target["Name"]
    out: list[Edit] = []
    for account in accounts:
        ctx.labels[account["Id"]] = account["Name"]
        args = {"from": account["Id"], "to": target["Id"]}
        out += _process_edits(ctx, projects, account, target, args)
        out += _variable_edits(ctx, projects, verb.projects is None, account, target, args)
    return out


def _target(ctx: PlanContext, accounts: list[Doc], name: str) -> Doc | None:
    every = ctx.documents("accounts")
    target = next((a for a in every if a["Name"].lower() == name.lower()), None)
    if target is None:
        ctx.problem(unknown_name_message("account", name, [a["Name"] for a in every]))
        return None
    for account in accounts:
        if account["Id"] == target["Id"]:
            ctx.problem(f"account {name!r} cannot replace itself")
        elif account["AccountType"] != target["AccountType"]:
            ctx.problem(
                f"account {account['Name']!r} is {account['AccountType']}, "
                f"{target['Name']!r} is {target['AccountType']}: steps need the same type",
                "replace it by an account of its own type",
            )
    return target


def _projects(ctx: PlanContext, verb: ReplaceWith) -> list[Project]:
    if verb.projects is None:
        return ctx.models("projects", Project)
    return list(verb.projects.select(ctx))


def _process_edits(
    ctx: PlanContext, projects: list[Project], account: Doc, target: Doc, args: Doc
) -> list[Edit]:
    processes = planner.processes_to_edit(ctx, projects, None)
    processes += planner.processes_to_edit(
        ctx, [p for p in projects if not p.is_version_controlled], ()
    )
    out: list[Edit] = []
    for process in processes:
        steps = process_uses(process.document, account["Id"])
        if steps:
            summary = f"{_quoted(steps)}: account {account['Name']} → {target['Name']}"
            intent = Intent(REPLACE_IN_PROCESS, args, summary, f"no step uses {account['Name']}")
            out += planner.edits(ctx, process, [intent], False)
    return out


def _variable_edits(
    ctx: PlanContext,
    projects: list[Project],
    libraries: bool,
    account: Doc,
    target: Doc,
    args: Doc,
) -> list[Edit]:
    owners = [
        (p.name, p.extra.get("VariableSetId")) for p in projects if not p.is_version_controlled
    ]
    if libraries:
        sets = ctx.models("libraryvariablesets", LibraryVariableSet)
        owners += [(s.name, s.extra.get("VariableSetId")) for s in sets]
    owners = [(name, str(set_id)) for name, set_id in owners if set_id]
    documents = ctx.get_each([f"variables/{i}" for _, i in owners])
    out = []
    for (owner, set_id), doc in zip(owners, documents, strict=True):
        names = variables_using(doc, account["Id"])
        if names:
            summary = f"{_quoted(names)}: account {account['Name']} → {target['Name']}"
            intent = Intent(REPLACE_IN_VARIABLES, args, summary)
            out.append(Edit(VARIABLE_SET, set_id, f"{owner} variables", doc, (intent,)))
    return out


def _quoted(names: list[str]) -> str:
    return ", ".join(repr(n) for n in dict.fromkeys(names))
