"""Step-template views: usage, versions, categories and logo (swagger-2020.5.json).

``/actiontemplates/{id}/usage`` lists the steps of deployment and runbook
processes made from the template (ActionTemplateUsageResource[]). The server
bumps a template's ``Version`` on every update and keeps the older versions:
``/versions`` lists them all, newest first, ``/versions/{version}`` reads one.
``/actiontemplates/categories`` groups the space's templates by category.
"""

from __future__ import annotations

import copy

from octoflow_plugins.processes.sandbox.library import ACTION_TEMPLATES
from octoflow_plugins.processes.sandbox.processes import is_frozen

from octoflow.sandbox.area import (
    DEPLOYMENT,
    RUNBOOK,
    Doc,
    Request,
    Router,
    not_found,
    register_logo,
)

TEMPLATE_ID = "Octopus.Action.Template.Id"
TEMPLATE_VERSION = "Octopus.Action.Template.Version"
VERSIONS = "ActionTemplateVersions"


def usage(req: Request) -> list[Doc]:
    template = ACTION_TEMPLATES.find(req, req.path_params["id"])
    found = []
    for kind, process_type in ((DEPLOYMENT, "Deployment"), (RUNBOOK, "Runbook")):
        for process in req.state.values(kind.collection, req.space_id):
            if not is_frozen(process["Id"]):  # frozen copies belong to releases and snapshots
                found += _uses(req, template, process, process_type)
    return found


def _uses(req: Request, template: Doc, process: Doc, process_type: str) -> list[Doc]:
    project = req.state.get("Projects", process.get("ProjectId")) or {}
    runbook = req.state.get("Runbooks", process.get("RunbookId")) or {}
    out = []
    for step in process.get("Steps") or []:
        for action in step.get("Actions") or []:
            props = action.get("Properties") or {}
            if props.get(TEMPLATE_ID) != template["Id"]:
                continue
            out.append(
                {
                    "ActionTemplateId": template["Id"],
                    "ProcessId": process["Id"],
                    "ProcessType": process_type,
                    "DeploymentProcessId": process["Id"] if process_type == "Deployment" else None,
                    "ProjectId": project.get("Id"),
                    "ProjectName": project.get("Name"),
                    "ProjectSlug": project.get("Slug"),
                    "RunbookId": runbook.get("Id"),
                    "RunbookName": runbook.get("Name"),
                    "StepId": step.get("Id"),
                    "StepName": step.get("Name"),
                    "ActionId": action.get("Id"),
                    "ActionName": action.get("Name"),
                    "Version": str(props.get(TEMPLATE_VERSION, "")),
                }
            )
    return out


def keep_old_version(req: Request, old: Doc | None, new: Doc | None) -> None:
    """An update keeps the version it replaces; a delete forgets them all."""
    if old is None:
        return
    if new is None:
        for kept in _kept(req, old["Id"]):
            req.state.remove(VERSIONS, kept["Id"])
    elif new.get("Version") != old.get("Version"):
        kept = copy.deepcopy(old)
        kept["Id"] = f"{old['Id']}-v{old['Version']}"
        kept["TemplateId"] = old["Id"]
        req.state.put(VERSIONS, kept)


def _kept(req: Request, template_id: str) -> list[Doc]:
    return [d for d in req.state.values(VERSIONS) if d.get("TemplateId") == template_id]


def _as_served(kept: Doc) -> Doc:
    doc = {k: v for k, v in kept.items() if k != "TemplateId"}
    doc["Id"] = kept["TemplateId"]
    return doc


def versions(req: Request) -> list[Doc]:
    template = ACTION_TEMPLATES.find(req, req.path_params["id"])
    every = [template] + [_as_served(k) for k in _kept(req, template["Id"])]
    return sorted(every, key=lambda d: d["Version"], reverse=True)


def version(req: Request) -> Doc:
    wanted = req.path_params["version"]
    for doc in versions(req):
        if str(doc["Version"]) == wanted:
            return doc
    raise not_found(wanted)


def categories(req: Request) -> list[Doc]:
    """One category per action type in use, named after it.

    UNCONFIRMED: a real server lists its built-in categories (with a display order);
    the sandbox names each category after an action type its templates use.
    """
    types = sorted({t.get("ActionType") or "" for t in ACTION_TEMPLATES.items(req)} - {""})
    return [
        {"Id": kind, "Name": kind.split(".")[-1], "DisplayOrder": order, "Links": {}}
        for order, kind in enumerate(types)
    ]


def register_routes(router: Router) -> None:
    router.space("GET", "/actiontemplates/categories", categories)
    router.space("GET", "/actiontemplates/{id}/usage", usage)
    router.space("GET", "/actiontemplates/{id}/versions", versions)
    router.space("GET", "/actiontemplates/{id}/versions/{version}", version)
    register_logo(router, ACTION_TEMPLATES)
    router.on_change("ActionTemplates", keep_old_version)
