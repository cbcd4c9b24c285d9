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

from octoflow.provider import (
    IDS_PER_REQUEST,
    Edit,
    Intent,
    LibraryVariableSet,
    PlanContext,
    Project,
    Verb,
    unknown_name_message,
)

Doc = dict[str, Any]
Owned = list[tuple[str, str, Doc]]  # (kind, name as plans show it, document)
#: The kinds of the processes provider (it owns processes) and of the variables provider
#: (it owns variable sets); these intents edit their documents the same way.
DEPLOYMENT_PROCESS = "DeploymentProcess"
RUNBOOK_PROCESS = "RunbookProcess"
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
    processes = _processes(ctx, projects)
    sets = _variable_sets(ctx, projects, libraries=verb.projects is None)
    out: list[Edit] = []
    for account in accounts:
        ctx.labels[account["Id"]] = account["Name"]
        args = {"from": account["Id"], "to": target["Id"]}
        out += _process_edits(processes, account, target, args)
        out += _variable_edits(sets, account, target, args)
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


def _process_edits(processes: Owned, account: Doc, target: Doc, args: Doc) -> list[Edit]:
    out: list[Edit] = []
    for kind, name, doc in processes:
        steps = process_uses(doc, account["Id"])
        if steps:
            summary = f"{_quoted(steps)}: account {account['Name']} → {target['Name']}"
            intent = Intent(REPLACE_IN_PROCESS, args, summary, f"no step uses {account['Name']}")
            out.append(Edit(kind, doc["Id"], name, doc, (intent,)))
    return out


def _processes(ctx: PlanContext, projects: list[Project]) -> Owned:
    """(kind, name, document) of the deployment and runbook processes of ``projects``
    stored in the database, read in ``?ids=`` batches once per plan."""
    database = {p.id: p for p in projects if not p.is_version_controlled}
    cac = sorted(p.name for p in projects if p.is_version_controlled)
    if cac:
        ctx.note(
            f"skips {len(cac)} version-controlled (Config as Code) project(s), whose processes "
            "live in Git: " + ", ".join(cac)
        )
    wanted = [
        (DEPLOYMENT_PROCESS, "deploymentprocesses", p.name, str(p.extra.get("DeploymentProcessId")))
        for p in database.values()
        if p.extra.get("DeploymentProcessId")
    ]
    wanted += [
        (RUNBOOK_PROCESS, "runbookProcesses", f"{database[r['ProjectId']].name} / {r['Name']}",
         str(r["RunbookProcessId"]))
        for r in ctx.documents("runbooks")
        if r.get("ProjectId") in database and r.get("RunbookProcessId")
    ]  # fmt: skip
    found = []
    for kind, segment in (
        (DEPLOYMENT_PROCESS, "deploymentprocesses"),
        (RUNBOOK_PROCESS, "runbookProcesses"),
    ):
        mine = [w for w in wanted if w[0] == kind]
        ids = [w[3] for w in mine]
        docs: dict[str, Doc] = {}
        for start in range(0, len(ids), IDS_PER_REQUEST):
            chunk = ids[start : start + IDS_PER_REQUEST]
            docs.update(
                (d["Id"], d) for d in ctx.client.get_many(ctx.client.space_path(segment), chunk)
            )
        found += [(kind, name, docs[i]) for _, _, name, i in mine if i in docs]
    return found


def _variable_sets(ctx: PlanContext, projects: list[Project], libraries: bool) -> Owned:
    owners = [
        (p.name, p.extra.get("VariableSetId")) for p in projects if not p.is_version_controlled
    ]
    if libraries:
        sets = ctx.models("libraryvariablesets", LibraryVariableSet)
        owners += [(s.name, s.extra.get("VariableSetId")) for s in sets]
    chosen = [(name, str(set_id)) for name, set_id in owners if set_id]
    documents = ctx.get_each([f"variables/{i}" for _, i in chosen])
    return [
        (VARIABLE_SET, f"{name} variables", doc)
        for (name, _), doc in zip(chosen, documents, strict=True)
    ]


def _variable_edits(sets: Owned, account: Doc, target: Doc, args: Doc) -> list[Edit]:
    out = []
    for kind, name, doc in sets:
        names = variables_using(doc, account["Id"])
        if names:
            summary = f"{_quoted(names)}: account {account['Name']} → {target['Name']}"
            intent = Intent(REPLACE_IN_VARIABLES, args, summary)
            out.append(Edit(kind, doc["Id"], name, doc, (intent,)))
    return out


def _quoted(names: list[str]) -> str:
    return ", ".join(repr(n) for n in dict.fromkeys(names))
