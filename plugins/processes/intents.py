"""Intent functions of the processes provider: small, idempotent edits of a process.

Each takes a deployment or runbook process document (wire form) and the
planner's resolved arguments, and changes the document in place. Actions and
steps are named by the ids the plan selected (so a step someone adds between
plan and apply is left alone), steps to add, remove or move by name. Applying
an intent twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from octoflow_plugins.processes.settings import set_fields as set_project_fields

from octoflow.provider import clone

Doc = dict[str, Any]
Args = Mapping[str, Any]
TARGET_ROLES = "Octopus.Action.TargetRoles"
#: Fields of a step or action the server owns: never copied from a step definition.
OWN_FIELDS = ("Id", "Slug", "Links")


def _actions(doc: Doc, ids: Any) -> Iterator[Doc]:
    wanted = set(ids)
    for step in doc.get("Steps") or []:
        for action in step.get("Actions") or []:
            if action.get("Id") in wanted:
                yield action


def _steps(doc: Doc, ids: Any) -> Iterator[Doc]:
    wanted = set(ids)
    return (s for s in doc.get("Steps") or [] if s.get("Id") in wanted)


def _set(target: Doc, args: Args) -> None:
    for key, value in (args.get("set") or {}).items():
        target[key] = clone(value)
    for key, value in (args.get("merge") or {}).items():
        current = target.get(key)
        target[key] = {**(current if isinstance(current, dict) else {}), **clone(value)}
    properties = target.setdefault("Properties", {})
    for key, value in (args.get("properties") or {}).items():
        if value is None:
            properties.pop(key, None)
        else:
            properties[key] = value


def update_actions(doc: Doc, args: Args) -> None:
    """Set fields (``set``), fields of objects (``merge``, e.g. ``Container``) and
    properties (``properties``; None removes one) of actions."""
    for action in _actions(doc, args["action_ids"]):
        _set(action, args)


def update_steps(doc: Doc, args: Args) -> None:
    """Set fields and properties of steps (condition, start trigger, ...)."""
    for step in _steps(doc, args["step_ids"]):
        _set(step, args)


def roles_of(step: Mapping[str, Any]) -> list[str]:
    text = (step.get("Properties") or {}).get(TARGET_ROLES) or ""
    return [r.strip() for r in str(text).split(",") if r.strip()]


def _write_roles(step: Doc, roles: list[str]) -> None:
    properties = step.setdefault("Properties", {})
    if roles:
        properties[TARGET_ROLES] = ",".join(roles)
    else:
        properties.pop(TARGET_ROLES, None)


def add_roles(doc: Doc, args: Args) -> None:
    for step in _steps(doc, args["step_ids"]):
        roles = roles_of(step)
        have = {r.lower() for r in roles}
        _write_roles(step, roles + [r for r in args["roles"] if r.lower() not in have])


def remove_roles(doc: Doc, args: Args) -> None:
    gone = {r.lower() for r in args["roles"]}
    for step in _steps(doc, args["step_ids"]):
        _write_roles(step, [r for r in roles_of(step) if r.lower() not in gone])


def set_roles(doc: Doc, args: Args) -> None:
    for step in _steps(doc, args["step_ids"]):
        _write_roles(step, list(args["roles"]))


def change_type(doc: Doc, args: Args) -> None:
    """A new ``ActionType``, with properties renamed (``rename``), set (``set``) and,
    unless ``keep_unmapped``, every other property dropped."""
    rename: Mapping[str, str] = args.get("rename") or {}
    for action in _actions(doc, args["action_ids"]):
        if action.get("ActionType") == args["action_type"]:
            continue
        old = action.get("Properties") or {}
        new = {rename.get(k, k): v for k, v in old.items() if args["keep_unmapped"] or k in rename}
        new.update(args.get("set") or {})
        action["ActionType"] = args["action_type"]
        action["Properties"] = new


# -- whole steps -----------------------------------------------------------------------


def _index(steps: list[Doc], name: str) -> int | None:
    lowered = name.lower()
    return next((n for n, s in enumerate(steps) if str(s.get("Name", "")).lower() == lowered), None)


def _place(steps: list[Doc], step: Doc, position: Mapping[str, Any]) -> None:
    """Insert ``step`` after/before a named step, first, or (default) last."""
    anchor = position.get("after") or position.get("before")
    at = _index(steps, anchor) if anchor else None
    if position.get("first"):
        steps.insert(0, step)
    elif at is not None:
        steps.insert(at + 1 if "after" in position else at, step)
    else:
        steps.append(step)


def add_step(doc: Doc, args: Args) -> None:
    """Add the step; one already there by name is brought in line instead (never doubled)."""
    steps = doc.setdefault("Steps", [])
    wanted = args["step"]
    at = _index(steps, wanted["Name"])
    if at is None:
        _place(steps, clone(wanted), args.get("position") or {})
    else:
        merge_step(steps[at], wanted)


def merge_step(step: Doc, wanted: Mapping[str, Any]) -> None:
    """Make ``step`` match the definition ``wanted``, keeping its ids and extra fields."""
    for key, value in wanted.items():
        if key not in OWN_FIELDS and key != "Actions":
            step[key] = clone(value)
    existing = {str(a.get("Name", "")).lower(): a for a in step.get("Actions") or []}
    actions = []
    for action in wanted.get("Actions") or []:
        have = existing.get(str(action["Name"]).lower())
        if have is None:
            actions.append(clone(action))
            continue
        for key, value in action.items():
            if key not in OWN_FIELDS:
                have[key] = clone(value)
        actions.append(have)
    step["Actions"] = actions


def remove_steps(doc: Doc, args: Args) -> None:
    gone = {n.lower() for n in args["names"]}
    doc["Steps"] = [s for s in doc.get("Steps") or [] if str(s.get("Name", "")).lower() not in gone]


def remove_actions(doc: Doc, args: Args) -> None:
    """Remove actions; a step left without actions goes too."""
    gone = set(args["action_ids"])
    kept = []
    for step in doc.get("Steps") or []:
        actions = [a for a in step.get("Actions") or [] if a.get("Id") not in gone]
        if actions:
            step["Actions"] = actions
            kept.append(step)
    doc["Steps"] = kept


def move_step(doc: Doc, args: Args) -> None:
    steps = doc.get("Steps") or []
    at = _index(steps, args["name"])
    if at is None:
        return
    step = steps.pop(at)
    _place(steps, step, args["position"])


def publish_snapshot(doc: Doc, args: Args) -> None:
    """Make a runbook's published snapshot the one apply created before it."""
    doc["PublishedRunbookSnapshotId"] = args["snapshot_id"]


def set_fields(doc: Doc, args: Args) -> None:
    """Fields of a document being created (a runbook snapshot)."""
    doc.update(clone(args["fields"]))


def append_missing_steps(doc: Doc, args: Mapping[str, Any]) -> None:
    """Add each step of ``args["steps"]`` whose name the process lacks, last."""
    have = {str(s.get("Name")).lower() for s in doc.get("Steps") or []}
    for step in args["steps"]:
        if str(step["Name"]).lower() not in have:
            doc.setdefault("Steps", []).append(clone(step))


INTENTS = {
    "process.update_actions": update_actions,
    "process.update_steps": update_steps,
    "process.add_roles": add_roles,
    "process.remove_roles": remove_roles,
    "process.set_roles": set_roles,
    "process.change_type": change_type,
    "process.add_step": add_step,
    "process.remove_steps": remove_steps,
    "process.remove_actions": remove_actions,
    "process.move_step": move_step,
    "runbook.publish_snapshot": publish_snapshot,
    "runbook_snapshot.set_fields": set_fields,
    "project.set": set_project_fields,
    "process.append_missing_steps": append_missing_steps,
}
