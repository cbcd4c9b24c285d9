"""Where variables are used (swagger-2020.5.json):

- ``GET /libraryvariablesets/{id}/usages``: the projects that include the set
  and the releases and runbook snapshots that took a copy of it
  (LibraryVariableSetUsageResource);
- ``GET /environments/{id}/singlyScopedVariableDetails``: the variable sets with
  variables scoped to that environment alone, which deleting it would leave
  unscoped (VariablesScopedToEnvironmentResponse). ``VariableMap`` maps a set's
  owner name to its variables' names and how many values each has; the key
  choice is UNCONFIRMED.
"""

from __future__ import annotations

from octoflow_plugins.variables.sandbox.sets import SETS, owner_of

from octoflow.sandbox.area import Doc, Request, Router, not_found


def _in_space(req: Request, collection: str) -> Doc:
    doc = req.state.get(collection, req.path_params["id"])
    if doc is None or doc.get("SpaceId") != req.space_id:
        raise not_found(req.path_params["id"])
    return doc


def library_set_usages(req: Request) -> Doc:
    library = _in_space(req, "LibraryVariableSets")
    prefix = f"{library['VariableSetId']}-s-".lower()
    projects: dict[str, Doc] = {}

    def entry(project: Doc) -> Doc:
        return projects.setdefault(
            project["Id"],
            {
                "ProjectId": project["Id"],
                "ProjectName": project["Name"],
                "ProjectSlug": project.get("Slug"),
                "IsCurrentlyBeingUsedInProject": False,
                "Releases": [],
                "RunbookSnapshots": [],
            },
        )

    state = req.state
    for project in sorted(state.values("Projects", req.space_id), key=lambda p: p["Name"]):
        if library["Id"] in (project.get("IncludedLibraryVariableSetIds") or []):
            entry(project)["IsCurrentlyBeingUsedInProject"] = True
    for kind, key, fields in (
        ("Releases", "Releases", ("ReleaseId", "Id", "ReleaseVersion", "Version")),
        ("RunbookSnapshots", "RunbookSnapshots", ("SnapshotId", "Id", "SnapshotName", "Name")),
    ):
        for doc in state.values(kind, req.space_id):
            ids = doc.get("LibraryVariableSetSnapshotIds") or []
            project = state.get("Projects", doc.get("ProjectId"))
            if project is not None and any(i.lower().startswith(prefix) for i in ids):
                id_key, id_field, name_key, name_field = fields
                entry(project)[key].append({id_key: doc[id_field], name_key: doc[name_field]})
    return {
        "Id": None,
        "Projects": list(projects.values()),
        "CountOfProjectsUserCannotSee": 0,
        "CountOfReleasesUserCannotSee": 0,
        "CountOfRunbookSnapshotsUserCannotSee": 0,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def singly_scoped(req: Request) -> Doc:
    environment = _in_space(req, "Environments")
    variable_map: dict[str, dict[str, int]] = {}
    for live in sorted(req.state.values(SETS, req.space_id), key=lambda s: s["Id"]):
        if "-s-" in live["Id"]:
            continue  # a release's or snapshot's frozen copy
        owner = owner_of(req.state, live["Id"])
        for variable in live["Variables"]:
            scoped = (variable.get("Scope") or {}).get("Environment") or []
            if owner is not None and scoped == [environment["Id"]]:
                names = variable_map.setdefault(owner["Name"], {})
                names[variable["Name"]] = names.get(variable["Name"], 0) + 1
    return {
        "HasUnauthorizedProjectVariables": False,
        "HasUnauthorizedLibraryVariableSetVariables": False,
        "VariableMap": variable_map,
    }


def register_routes(router: Router) -> None:
    router.space("GET", "/libraryvariablesets/{id}/usages", library_set_usages)
    router.space("GET", "/environments/{id}/singlyScopedVariableDetails", singly_scoped)
