"""Project triggers (``/projecttriggers`` and ``/projects/{id}/triggers``, ProjectTriggerResource).

A trigger pairs a ``Filter`` (when: a schedule, new deployment targets, or a
new package in a feed) with an ``Action`` (what: deploy, create a release, run
a runbook). Both are typed by ``FilterType``/``ActionType`` (the reference's
enums); the sandbox fills each type's fields with their defaults (go-octopusdeploy's
filter and action types; the reference's ``project-trigger.response.json``),
stores what the client sends, and does not fire triggers. Deleting a project
deletes its triggers.

UNCONFIRMED: the per-type default field values and the validation messages.
"""

from __future__ import annotations

import copy
from typing import Any

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.core.projects import PROJECTS
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.errors import not_found
from octoflow.sandbox.paging import page
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

QUERY = "{?skip,take,ids,runbooks}"
PROJECT_QUERY = "{?skip,take,partialName,triggerActionType}"
_SCHEDULE = {"Timezone": "UTC"}
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
FILTERS: dict[str, dict[str, Any]] = {
    "MachineFilter": {
        "EnvironmentIds": [],
        "Roles": [],
        "EventGroups": ["MachineAvailableForDeployment"],
        "EventCategories": [],
    },
    "OnceDailySchedule": {"StartTime": None, "DaysOfWeek": _DAYS, **_SCHEDULE},
    "ContinuousDailySchedule": {
        "Interval": "OnceEveryHour",
        "HourInterval": 1,
        "MinuteInterval": None,
        "RunAfter": None,
        "RunUntil": None,
        "DaysOfWeek": _DAYS,
        **_SCHEDULE,
    },
    "DaysPerWeekSchedule": {"StartTime": None, "DaysOfWeek": _DAYS, **_SCHEDULE},
    "DaysPerMonthSchedule": {
        "StartTime": None,
        "MonthlyScheduleType": "DateOfMonth",
        "DateOfMonth": "1",
        "DayNumberOfMonth": None,
        "DayOfWeek": None,
        **_SCHEDULE,
    },
    "DailySchedule": {"StartTime": None, "Interval": "OnceDaily", **_SCHEDULE},
    "CronExpressionSchedule": {"CronExpression": None, **_SCHEDULE},
    "FeedFilter": {"Packages": []},
}
_TENANTS = {"TenantIds": [], "TenantTags": []}
ACTIONS: dict[str, dict[str, Any]] = {
    "AutoDeploy": {"ShouldRedeployWhenMachineHasBeenDeployedTo": False},
    "DeployLatestRelease": {
        "SourceEnvironmentIds": [],
        "DestinationEnvironmentId": None,
        "ShouldRedeployWhenReleaseIsCurrent": True,
        "Variables": None,
        "ChannelId": None,
        **_TENANTS,
    },
    "DeployNewRelease": {"EnvironmentId": None, "Variables": None, "ChannelId": None, **_TENANTS},
    "RunRunbook": {"RunbookId": None, "EnvironmentIds": [], **_TENANTS},
    "CreateRelease": {"ChannelId": None},
}
#: What the reference's sample carries on a nested filter or action.
_NESTED = {"Id": None, "LastModifiedOn": None, "LastModifiedBy": None, "Links": {}}


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Description": "",
        "ProjectId": None,
        "IsDisabled": False,
        "Filter": None,
        "Action": None,
        "SpaceId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    project = f"/api/{doc['SpaceId']}/projects/{doc['ProjectId']}"
    return {"Self": f"{project}/triggers/{doc['Id']}", "Project": project}


def typed(part: Any, kind_field: str, kinds: dict[str, dict[str, Any]]) -> tuple[Doc, list[str]]:
    """A filter or action with its type's fields filled in, or why it cannot be one."""
    name = kind_field.removesuffix("Type")
    if not isinstance(part, dict):
        return {}, [f"The trigger's {name} is required."]
    sent = part.get(kind_field)
    kind = next((k for k in kinds if isinstance(sent, str) and k.lower() == sent.lower()), None)
    if kind is None:
        return {}, [f"{kind_field} must be one of {', '.join(kinds)}."]
    out = copy.deepcopy(_NESTED) | copy.deepcopy(kinds[kind])
    out.update(part, **{kind_field: kind})
    return out, []


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    project = req.state.get("Projects", doc.get("ProjectId"))
    if project is None or project.get("SpaceId") != req.space_id:
        return [f"The project '{doc.get('ProjectId')}' was not found."]
    if old is not None and old["ProjectId"] != project["Id"]:
        return ["A trigger cannot be moved to another project."]
    doc["ProjectId"] = project["Id"]
    doc["Filter"], errors = typed(doc.get("Filter"), "FilterType", FILTERS)
    doc["Action"], more = typed(doc.get("Action"), "ActionType", ACTIONS)
    return errors + more


def runbook_filter(req: Request, items: list[Doc]) -> list[Doc]:
    runbooks = set(req.query.getlist("runbooks"))
    if runbooks:
        items = [t for t in items if (t.get("Action") or {}).get("RunbookId") in runbooks]
    return items


TRIGGERS = Resource(
    collection="ProjectTriggers",
    segment="projecttriggers",
    item_type="ProjectTrigger",
    noun="trigger",
    query_template=QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    filters=runbook_filter,
    name_scope=lambda d: d.get("ProjectId"),
    has_slug=False,
    nested_fields=tuple(
        {n for kinds in (FILTERS, ACTIONS) for fields in kinds.values() for n in fields}
    )
    + ("FilterType", "ActionType"),
)


def project_triggers(req: Request) -> Doc:
    """``GET /projects/{id}/triggers``: the project's triggers, by name."""
    project = PROJECTS.find(req, req.path_params["id"])
    items = [t for t in TRIGGERS.select(req) if t["ProjectId"] == project["Id"]]
    kinds = {k.lower() for k in req.query.getlist("triggerActionType")}
    if kinds:
        items = [t for t in items if t["Action"]["ActionType"].lower() in kinds]
    base = f"/api/{req.space_id}/projects/{project['Id']}/triggers"
    return page(req, items, "ProjectTrigger", base, PROJECT_QUERY)


def project_trigger(req: Request) -> Doc:
    """``GET /projects/{projectId}/triggers/{id}``: where a trigger's ``Self`` link points."""
    project = PROJECTS.find(req, req.path_params["projectId"])
    trigger = TRIGGERS.find(req, req.path_params["id"])
    if trigger["ProjectId"] != project["Id"]:
        raise not_found(req.path_params["id"])
    return trigger


def forget_project(req: Request, old: Doc | None, new: Doc | None) -> None:
    """A deleted project's triggers go with it."""
    if old is not None and new is None:
        for trigger in req.state.values("ProjectTriggers", old["SpaceId"]):
            if trigger["ProjectId"] == old["Id"]:
                req.state.remove("ProjectTriggers", trigger["Id"])


def register_routes(router: Router) -> None:
    register(router, TRIGGERS)
    router.space("GET", "/projects/{id}/triggers", project_triggers)
    router.space("GET", "/projects/{projectId}/triggers/{id}", project_trigger)
    router.on_change("Projects", forget_project)
    router.link("ProjectTriggers", "/projecttriggers{/id}" + QUERY)


def seed_demo(state: State, space_id: str, env: dict[str, str]) -> None:
    """A nightly promotion, an auto-deploy for new targets and a weekly cron release."""
    projects = {p["Name"]: p["Id"] for p in state.values("Projects", space_id)}
    demo = (
        (
            "Nightly promotion to Test",
            "Marketing Site",
            {"FilterType": "OnceDailySchedule", "StartTime": "2025-12-01T02:00:00.000"},
            {
                "ActionType": "DeployLatestRelease",
                "SourceEnvironmentIds": [env["Development"]],
                "DestinationEnvironmentId": env["Test"],
            },
        ),
        (
            "Deploy to new web servers",
            "Identity Server",
            {
                "FilterType": "MachineFilter",
                "EnvironmentIds": [env["Production"]],
                "Roles": ["web"],
            },
            {"ActionType": "AutoDeploy"},
        ),
        (
            "Weekly rebuild",
            "Data Warehouse ETL",
            {"FilterType": "CronExpressionSchedule", "CronExpression": "0 0 6 * * Mon"},
            {"ActionType": "DeployNewRelease", "EnvironmentId": env["Development"]},
        ),
    )
    for name, project, trigger_filter, action in demo:
        TRIGGERS.insert(
            state,
            space_id,
            {
                "Name": name,
                "ProjectId": projects[project],
                "Filter": typed(trigger_filter, "FilterType", FILTERS)[0],
                "Action": typed(action, "ActionType", ACTIONS)[0],
            },
        )
