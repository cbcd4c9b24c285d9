"""A project's deployment settings (``GET``/``PUT /projects/{id}/deploymentsettings``).

Newer servers split these settings off the project document (REFERENCE §1.5:
``deploymentsettings-Projects-1``; shape from api-client.ts
``DeploymentSettingsResource``). For a project stored in the database they are
the project's own fields, so the sandbox derives the document from the project
and a ``PUT`` writes them back to it: both views always agree. Version-controlled
projects keep them in Git, under a git ref (the Config-as-Code routes).
"""

from __future__ import annotations

import copy
from typing import Any

from octoflow.sandbox.casing import plain
from octoflow.sandbox.core.projects import GUIDED_FAILURE_MODES, PROJECTS
from octoflow.sandbox.crud import Doc
from octoflow.sandbox.errors import invalid
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router

#: Settings field -> the project field that holds it.
FIELDS = {
    "ConnectivityPolicy": "ProjectConnectivityPolicy",
    "DefaultGuidedFailureMode": "DefaultGuidedFailureMode",
    "VersioningStrategy": "VersioningStrategy",
    "ReleaseNotesTemplate": "ReleaseNotesTemplate",
    "DefaultToSkipIfAlreadyInstalled": "DefaultToSkipIfAlreadyInstalled",
    "DeploymentChangesTemplate": "DeploymentChangesTemplate",
}


def settings_of(project: Doc) -> dict[str, Any]:
    base = f"/api/{project['SpaceId']}/projects/{project['Id']}/deploymentsettings"
    return {
        "Id": f"deploymentsettings-{project['Id']}",
        "ProjectId": project["Id"],
        "SpaceId": project["SpaceId"],
        **{name: copy.deepcopy(project.get(field)) for name, field in FIELDS.items()},
        "LastModifiedOn": project.get("LastModifiedOn"),
        "LastModifiedBy": project.get("LastModifiedBy"),
        "Links": {"Self": base},
    }


def _database_project(req: Request) -> Doc:
    project = PROJECTS.find(req, req.path_params["id"])
    if project.get("IsVersionControlled"):
        # UNCONFIRMED: the message a real server gives a version-controlled project here.
        raise invalid(
            f"The project '{project['Id']}' is version controlled; its deployment settings "
            "are read and written under a git ref (/{gitRef}/deploymentsettings)."
        )
    return project


def get_settings(req: Request) -> dict[str, Any]:
    return settings_of(_database_project(req))


def put_settings(req: Request) -> dict[str, Any]:
    project = _database_project(req)
    body = req.json_object()
    mode = body.get("DefaultGuidedFailureMode", project["DefaultGuidedFailureMode"])
    if mode not in GUIDED_FAILURE_MODES:
        raise invalid(f"DefaultGuidedFailureMode must be one of {', '.join(GUIDED_FAILURE_MODES)}.")
    old = copy.deepcopy(project)
    for name, field in FIELDS.items():
        if name in body:
            project[field] = plain(body[name])
    req.state.stamp(project)
    req.changed("Projects", old, project)
    return settings_of(project)


def register_routes(router: Router) -> None:
    router.space("GET", "/projects/{id}/deploymentsettings", get_settings)
    router.space("PUT", "/projects/{id}/deploymentsettings", put_settings)
