"""A step definition made complete for one process, as the server stores steps.

A definition is a step (``Name``, ``Actions``, …) or, flat, one action whose
step takes its name (``Condition``, ``StartTrigger``, ``PackageRequirement``
and the roles property then belong to the step). Fields left out get the
server's defaults; property values become strings as on the server;
environments, channels, tenant tags, feeds and worker pools may be given by
name. Ids are derived from the process and the names, so planning twice
gives the same step, and a re-run finds it already there.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from octoflow_plugins.processes.models import ActionTemplate
from octoflow_plugins.processes.planner import ProcessToEdit
from octoflow_plugins.processes.resolve import Names
from octoflow_plugins.processes.stepsource import StepSource

from octoflow.provider import Project, ProjectGroup, clone, unknown_name_message

Doc = dict[str, Any]
STEP_LEVEL = ("Condition", "StartTrigger", "PackageRequirement")
STEP_PROPERTIES = ("Octopus.Action.TargetRoles", "Octopus.Step.ConditionVariableExpression")
ENUMS = {
    "Condition": ("Success", "Failure", "Always", "Variable"),
    "StartTrigger": ("StartAfterPrevious", "StartWithPrevious"),
    "PackageRequirement": (
        "LetOctopusDecide",
        "BeforePackageAcquisition",
        "AfterPackageAcquisition",
    ),
}
SCRIPT_TYPES = ("Octopus.Script",)
_NAMESPACE = uuid.UUID("6f1d3c52-8a59-4f57-9a43-1f0c2a8e7b11")


def step_defaults() -> Doc:
    return {
        "PackageRequirement": "LetOctopusDecide",
        "Properties": {},
        "Condition": "Success",
        "StartTrigger": "StartAfterPrevious",
    }


def action_defaults() -> Doc:
    return {
        "Notes": None,
        "IsDisabled": False,
        "IsRequired": False,
        "CanBeUsedForProjectVersioning": False,
        "WorkerPoolId": None,
        "WorkerPoolVariable": None,
        "Container": {"Image": None, "FeedId": None},
        "Environments": [],
        "ExcludedEnvironments": [],
        "Channels": [],
        "TenantTags": [],
        "Packages": [],
        "Condition": "Success",
        "Properties": {},
    }


def guid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def complete(names: Names, data: Mapping[str, Any], process_id: str, project: Project) -> Doc:
    """The definition as a whole step for the process ``process_id`` of ``project``."""
    data = clone(dict(data))
    if "Actions" not in data:
        data = _unflatten(data)
    step = {"Id": guid(process_id, data["Name"]), "Name": data["Name"], **step_defaults()}
    step.update({k: v for k, v in data.items() if k not in ("Id", "Slug", "Links", "Actions")})
    step["Properties"] = properties(step["Properties"])
    _canonical(step, ("Condition", "StartTrigger", "PackageRequirement"))
    actions = data.get("Actions") or []
    step["Actions"] = [
        _action(names, a, process_id, step["Name"], project) for a in actions if isinstance(a, dict)
    ]
    return step


def _unflatten(data: Doc) -> Doc:
    step: Doc = {"Name": data["Name"], "Properties": {}}
    for key in STEP_LEVEL:
        if key in data:
            step[key] = data.pop(key)
    action_properties = data.get("Properties") or {}
    for key in STEP_PROPERTIES:
        if key in action_properties:
            step["Properties"][key] = action_properties.pop(key)
    step["Actions"] = [data]
    return step


def _action(names: Names, raw: Doc, process_id: str, step_name: str, project: Project) -> Doc:
    name = str(raw.get("Name") or step_name)
    action = {"Id": guid(process_id, step_name, name), "Name": name, "ActionType": None}
    action.update(action_defaults())
    action.update({k: v for k, v in raw.items() if k not in ("Id", "Slug", "Links", "Name")})
    action["Properties"] = properties(action["Properties"])
    _canonical(action, ("Condition",))
    for key in ("Environments", "ExcludedEnvironments"):
        action[key] = names.environments(action.get(key) or [])
    action["Channels"] = names.channels(str(project.id), project.name, action.get("Channels") or [])
    action["TenantTags"] = names.tenant_tags(action.get("TenantTags") or [])
    container = dict(action.get("Container") or {})
    if container.get("FeedId"):
        feed = names.container_feed(str(container["FeedId"]))
        container["FeedId"] = feed.id if feed else None
    action["Container"] = {"Image": container.get("Image"), "FeedId": container.get("FeedId")}
    if action.get("WorkerPoolId"):
        pool = names.worker_pool(str(action["WorkerPoolId"]))
        action["WorkerPoolId"] = pool.id if pool else None
    action["Packages"] = [
        _package(names, p, process_id, step_name, str(action["Name"]), n)
        for n, p in enumerate(action.get("Packages") or [])
        if isinstance(p, dict)
    ]
    return action


def _package(names: Names, raw: Doc, process_id: str, step: str, action: str, n: int) -> Doc:
    package = {"Id": guid(process_id, step, action, "package", str(n)), "Name": ""}
    package.update({"PackageId": None, "FeedId": None, "AcquisitionLocation": "Server"})
    package.update({k: v for k, v in raw.items() if k != "Id"})
    feed_ref = str(package.get("FeedId") or "")
    if feed_ref and not feed_ref.startswith("#{"):
        feed = names.feed(feed_ref)
        package["FeedId"] = feed.id if feed else None
    package["Properties"] = {k: _text(v) for k, v in (package.get("Properties") or {}).items()}
    return package


def properties(raw: Any) -> Doc:
    """Property values as the server keeps them: strings (a sensitive value stays an object)."""
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): v if isinstance(v, dict) or v is None else _text(v) for k, v in raw.items()}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return value if isinstance(value, str) else json.dumps(value)


def _canonical(doc: Doc, keys: tuple[str, ...]) -> None:
    for key in keys:
        value = doc.get(key)
        allowed = ENUMS[key]
        doc[key] = next(
            (a for a in allowed if isinstance(value, str) and a.lower() == value.lower()), value
        )


# -- where the definition comes from --------------------------------------------------


def definition_for(
    names: Names,
    source: StepSource,
    library: ActionTemplate | None,
    process: ProcessToEdit,
    failures: list[str],
) -> Doc | None:
    if source.kind == "library":
        return _from_library(names, source, library)
    data, why = source.definition(project_context(names, process))
    if data is None:
        failures.append(why)
    return data


def _from_library(names: Names, source: StepSource, template: ActionTemplate | None) -> Doc | None:
    if template is None:
        return None
    known = [str(p.get("Name")) for p in template.parameters]
    values = dict(source.parameters)
    unknown = [k for k in values if k not in known]
    for key in unknown:
        what = f"parameter of step template {template.name!r}"
        names.problem_once(unknown_name_message(what, key, known))
    if unknown:
        return None
    props = dict(properties(template.properties))
    props.update(values)
    props["Octopus.Action.Template.Id"] = str(template.id)
    props["Octopus.Action.Template.Version"] = str(template.version)
    if template.action_type in SCRIPT_TYPES:
        props.setdefault("Octopus.Action.RunOnServer", "true")
    return {
        "Name": source.name,
        "ActionType": template.action_type,
        "Properties": props,
        "Packages": template.packages,
    }


def project_context(names: Names, process: ProcessToEdit) -> dict[str, Any]:
    """What a step template sees as ``project``."""
    project = process.project
    groups = {g.id: g.name for g in names.ctx.models("projectgroups", ProjectGroup)}
    return {
        "id": project.id,
        "name": project.name,
        "slug": project.slug,
        "description": project.description,
        "group": groups.get(project.project_group_id, ""),
        "tenanted_deployment_mode": project.tenanted_deployment_mode,
        "is_disabled": project.is_disabled,
        "runbook": process.runbook.name if process.runbook else None,
    }
