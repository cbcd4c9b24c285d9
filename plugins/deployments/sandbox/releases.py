"""Releases (REFERENCE §8.1): create with the server's validation, list, get, update, delete.

``POST /releases`` checks, in the server's order and with its 400 texts: the
project (given, enabled), the version (1–4 numeric parts and an optional
pre-release), the channel (the project's default when omitted; required when
the project has several and none is default), Config-as-Code git references,
duplicate versions, a version for every package of the enabled actions that
run in the channel, and the channel's version rules (``Rules[].VersionRange`` /
``Tag`` on their ``ActionPackages``) unless ``?ignoreChannelRules=true``.

A package version that is not in the feed does not stop a release: a real
server accepts it and only warns on the release page (Octopus issues #5487,
#9845). Creating a release freezes the project's deployment process
(``deploymentprocess-Projects-1-s-<version>-XXXXX``; reused while the process
is unchanged) so later process edits do not change it.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Mapping
from typing import Any

from octoflow.sandbox.area import (
    DEPLOYMENT,
    SERVER_FIELDS,
    CIDict,
    FieldNames,
    Request,
    State,
    canonicalize,
    git,
    in_version_range,
    invalid,
    matches_tag,
    new_process,
    plain,
)

Doc = dict[str, Any]
COLLECTION = "Releases"
RELEASE_QUERY = "{?skip,ignoreChannelRules,take,ids}"
VERSION_RE = re.compile(r"\d+(\.\d+){0,3}(-[0-9A-Za-z][0-9A-Za-z.-]*)?(\+[0-9A-Za-z.-]+)?")
NO_PROJECT = "No project ID was specified."
DISABLED = "The project is disabled, so releases cannot be created"
BAD_VERSION = (
    "The release number '{version}' does not appear to be a valid semantic version number. "
    "The version must consist of between 1 and 4 number only parts (separated by '.') before "
    "the optional pre-release part (after the '-'). e.g. 2, 2.1, 2.4.0.23, 2.4-beta and 1-beta.2"
)
DUPLICATE = (
    "Release '{version}' already exists for this project. Please use a different version, "
    "or look at using a mask to auto-increment the number."
)
NO_CHANNEL = (
    "A channelId must be provided for a release when more than one exists for that project "
    "and no default channel has been specified."
)
OTHER_PROJECT = (
    "The channel {name} specified for this release belongs to the project {project}. "
    "It does not belong to the same project as the release."
)
MISSING_PACKAGES = "A version must be specified for every included package."
CHANNEL_RULES = (
    "The requested package versions for the following steps violate the channel version "
    "rules: {steps}. Please specify a different package version, channel or provide the "
    "`ignoreChannelRules` parameter to override this check."
)
NEEDS_GIT_REF = (
    "Creating a release for a version controlled process requires GitRef to be set on "
    "VersionControlReference"
)
UNEXPECTED_GIT_REF = (
    "Unexpected VersionControlReference provided. Please remove this value or enable "
    "version control on this project"
)
PACKAGE_FIELDS = ("ActionName", "StepName", "PackageReferenceName", "Version")
NESTED_FIELDS = PACKAGE_FIELDS + ("GitRef", "GitCommit", "Name", "GitResourceReferenceName")


def defaults() -> Doc:
    return {
        "Id": None,
        "Version": None,
        "ProjectId": None,
        "ChannelId": None,
        "SpaceId": None,
        "ReleaseNotes": None,
        "Assembled": None,
        "IgnoreChannelRules": False,
        "SelectedPackages": [],
        "SelectedGitResources": [],
        "ProjectDeploymentProcessSnapshotId": None,
        "ProjectVariableSetSnapshotId": None,
        "LibraryVariableSetSnapshotIds": [],
        "BuildInformation": [],
        "VersionControlReference": None,
        "CustomFields": {},
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    space, rid = doc["SpaceId"], doc["Id"]
    base = f"/api/{space}/releases/{rid}"
    return {
        "Self": base,
        "Project": f"/api/{space}/projects/{doc['ProjectId']}",
        "Channel": f"/api/{space}/channels/{doc['ChannelId']}",
        "Progression": base + "/progression",
        "Deployments": base + "/deployments{?skip,take}",
        "DeploymentTemplate": base + "/deployments/template",
        "Artifacts": f"/api/{space}/artifacts?regarding={rid}",
        "ProjectVariableSnapshot": f"/api/{space}/variables/{doc['ProjectVariableSetSnapshotId']}",
        "ProjectDeploymentProcessSnapshot": (
            f"/api/{space}/deploymentprocesses/{doc['ProjectDeploymentProcessSnapshotId']}"
        ),
        "SnapshotVariables": base + "/snapshot-variables",
        "Web": f"/app#/{space}/releases/{rid}",
    }


def as_body(body: Mapping[str, Any]) -> CIDict:
    """A case-insensitive view of a request body or a plain PascalCase dict."""
    if isinstance(body, CIDict):
        return body
    return canonicalize(dict(body), FieldNames(list(defaults()) + list(NESTED_FIELDS)))


# -- creating and updating ------------------------------------------------------------------


def create_release(req: Request, body: Mapping[str, Any]) -> Doc:
    """Validate and store a release exactly as ``POST /releases`` does; returns it."""
    body = as_body(body)
    ignore = req.query.bool("ignoreChannelRules")
    if ignore is None:
        ignore = bool(body.get("IgnoreChannelRules"))
    doc = new_release(req.state, req.space_id, body, ignore)
    req.changed(COLLECTION, None, doc)
    return doc


def new_release(state: State, space_id: str, body: CIDict, ignore_rules: bool) -> Doc:
    """Validate ``body`` as a new release of ``space_id`` and store it (seeds use this too)."""
    project = project_for(state, space_id, body.get("ProjectId"))
    if project.get("IsDisabled"):
        raise invalid(DISABLED)
    version = checked_version(body.get("Version"))
    channel = channel_for(state, project, body.get("ChannelId"))
    reference = git_reference(state, project, body.get("VersionControlReference"))
    unique(state, project, version, None)
    process = live_process(state, project, reference)
    packages = selected_packages(process, channel, body.get("SelectedPackages"))
    if not ignore_rules:
        check_rules(channel, packages)
    doc = defaults()
    doc.update(_extra_fields(body))
    doc.update(
        Version=version,
        ProjectId=project["Id"],
        ChannelId=channel["Id"],
        SpaceId=space_id,
        ReleaseNotes=body.get("ReleaseNotes"),
        Assembled=state.now(),
        IgnoreChannelRules=ignore_rules,
        SelectedPackages=packages,
        SelectedGitResources=plain(body.get("SelectedGitResources") or []),
        BuildInformation=plain(body.get("BuildInformation") or []),
        CustomFields=plain(body.get("CustomFields") or {}),
        VersionControlReference=reference,
    )
    doc["Id"] = state.next_id(COLLECTION)
    _snapshot(state, project, doc, process)
    state.stamp(doc)
    doc["Links"] = links(doc)
    return state.put(COLLECTION, doc)


def update_release(req: Request, old: Doc) -> Doc:
    """``PUT /releases/{id}``: version, channel, notes and package versions may change."""
    body = as_body(req.json_object())
    project = project_for(req.state, req.space_id, old["ProjectId"])
    version = checked_version(body.get("Version"))
    channel = channel_for(req.state, project, body.get("ChannelId") or old["ChannelId"])
    unique(req.state, project, version, old)
    process = req.state.get(DEPLOYMENT.collection, old.get("ProjectDeploymentProcessSnapshotId"))
    packages = selected_packages(process, channel, body.get("SelectedPackages"))
    ignore = bool(req.query.bool("ignoreChannelRules"))
    if not ignore:
        check_rules(channel, packages)
    doc = dict(old)
    doc.update(_extra_fields(body))
    doc.update(
        Version=version,
        ChannelId=channel["Id"],
        ReleaseNotes=body.get("ReleaseNotes"),
        SelectedPackages=packages,
        IgnoreChannelRules=ignore,
    )
    req.state.stamp(doc)
    doc["Links"] = links(doc)
    req.state.put(COLLECTION, doc)
    req.changed(COLLECTION, old, doc)
    return doc


def _extra_fields(body: CIDict) -> Doc:
    """Fields the sandbox does not model: stored and echoed back, like other resources."""
    known = set(defaults()) | set(SERVER_FIELDS)
    return {k: plain(v) for k, v in body.items() if k not in known}


# -- validation ------------------------------------------------------------------------------


def project_for(state: State, space_id: str, ref: Any) -> Doc:
    if not ref:
        raise invalid(NO_PROJECT)
    project = state.get("Projects", str(ref))
    if project is None or project.get("SpaceId") != space_id:
        raise invalid(f"The project '{ref}' does not exist in {space_id}.")
    return project


def checked_version(version: Any) -> str:
    if not isinstance(version, str) or not version.strip():
        raise invalid("The Version field is required.")
    if not VERSION_RE.fullmatch(version):
        raise invalid(BAD_VERSION.format(version=version))
    return version


def project_channels(state: State, project: Doc) -> list[Doc]:
    return [
        c
        for c in state.values("Channels", project["SpaceId"])
        if c.get("ProjectId") == project["Id"]
    ]


def channel_for(state: State, project: Doc, ref: Any) -> Doc:
    """The channel named by ``ref``, else the project's default (or only) channel."""
    if ref:
        channel = state.get("Channels", str(ref))
        if channel is None or channel.get("SpaceId") != project["SpaceId"]:
            raise invalid(f"The channel '{ref}' does not exist in {project['SpaceId']}.")
        if channel["ProjectId"] != project["Id"]:
            raise invalid(OTHER_PROJECT.format(name=channel["Name"], project=channel["ProjectId"]))
        return channel
    channels = project_channels(state, project)
    default = [c for c in channels if c.get("IsDefault")]
    if default:
        return default[0]
    if len(channels) == 1:
        return channels[0]
    raise invalid(NO_CHANNEL)


def git_reference(state: State, project: Doc, raw: Any) -> Doc | None:
    """The ref and commit a version-controlled project's release is created from: the
    commit given, else the ref's head (its full name is kept, UNCONFIRMED)."""
    given = raw if isinstance(raw, Mapping) and any(raw.values()) else None
    if not project.get("IsVersionControlled"):
        if given is not None:
            raise invalid(UNEXPECTED_GIT_REF)
        return None
    if given is None or not given.get("GitRef"):
        raise invalid(NEEDS_GIT_REF)
    ref = git.resolve(state, project, str(given["GitRef"]))
    commit = ref.commit
    if given.get("GitCommit"):
        commit = git.resolve(state, project, str(given["GitCommit"])).commit
    return {"GitRef": ref.canonical, "GitCommit": commit}


def live_process(state: State, project: Doc, reference: Doc | None) -> Doc | None:
    """The process a new release snapshots: the database's, or the one in Git at the
    reference's commit."""
    if reference is None:
        return state.get(DEPLOYMENT.collection, project.get("DeploymentProcessId"))
    at = git.resolve(state, project, reference["GitCommit"])
    return git.documents_at(state, project, at)["DeploymentProcess"]


def unique(state: State, project: Doc, version: str, old: Doc | None) -> None:
    lowered = version.lower()
    for release in state.values(COLLECTION, project["SpaceId"]):
        same = release.get("ProjectId") == project["Id"] and release["Version"].lower() == lowered
        if same and (old is None or release["Id"] != old["Id"]):
            raise invalid(DUPLICATE.format(version=version))


def channel_packages(process: Doc | None, channel_id: str | None) -> list[tuple[Doc, Doc, Doc]]:
    """``(step, action, package)`` for every package of the enabled actions that run in
    the channel (in any channel when ``channel_id`` is None), in process order."""
    return [
        (step, action, package)
        for step in (process or {}).get("Steps") or []
        for action in step.get("Actions") or []
        if not action.get("IsDisabled")
        and not (channel_id and action.get("Channels") and channel_id not in action["Channels"])
        for package in action.get("Packages") or []
    ]


def required_packages(process: Doc | None, channel: Doc) -> list[Doc]:
    """``{StepName, ActionName, PackageReferenceName}`` of the enabled actions in the channel."""
    return [
        {
            "ActionName": action["Name"],
            "StepName": step["Name"],
            "PackageReferenceName": package.get("Name") or "",
        }
        for step, action, package in channel_packages(process, channel["Id"])
    ]


def selected_packages(process: Doc | None, channel: Doc, raw: Any) -> list[Doc]:
    """The version chosen for every required package, in process order (400 if one is missing)."""
    chosen = [p for p in (raw or []) if isinstance(p, Mapping)]
    out = []
    for need in required_packages(process, channel):
        found = next((p for p in chosen if _names(p, need)), None)
        version = found.get("Version") if found else None
        if not isinstance(version, str) or not version.strip():
            raise invalid(MISSING_PACKAGES)
        out.append({**need, "Version": version.strip()})
    return out


def _names(selected: Mapping[str, Any], need: Doc) -> bool:
    if (selected.get("PackageReferenceName") or "") != need["PackageReferenceName"]:
        return False
    action = selected.get("ActionName")
    if action:
        return bool(action == need["ActionName"])
    return selected.get("StepName") in (need["StepName"], need["ActionName"])


def check_rules(channel: Doc, packages: list[Doc]) -> None:
    """The channel's version rules, for the packages their ``ActionPackages`` name."""
    broken: list[str] = []
    for rule in channel.get("Rules") or []:
        for target in rule.get("ActionPackages") or []:
            for package in packages:
                applies = package["ActionName"] == target.get("DeploymentAction") and package[
                    "PackageReferenceName"
                ] == (target.get("PackageReference") or "")
                if applies and not _obeys(package["Version"], rule):
                    broken.append(package["ActionName"])
    if broken:
        raise invalid(CHANNEL_RULES.format(steps=", ".join(dict.fromkeys(broken))))


def _obeys(version: str, rule: Doc) -> bool:
    try:
        return in_version_range(version, rule.get("VersionRange")) and matches_tag(
            version, rule.get("Tag")
        )
    except (ValueError, re.error):
        return False


# -- snapshots -------------------------------------------------------------------------------


def _snapshot(state: State, project: Doc, doc: Doc, process: Doc | None) -> None:
    """The frozen process and variable snapshot ids a release points at."""
    rng = random.Random(f"{doc['Id']}/{doc['Version']}")
    suffix = "".join(rng.choices(string.ascii_uppercase + string.digits, k=5))
    doc["ProjectDeploymentProcessSnapshotId"] = freeze_process(state, project, process, suffix)
    doc["ProjectVariableSetSnapshotId"] = f"{project.get('VariableSetId')}-s-0-{suffix}"
    doc["LibraryVariableSetSnapshotIds"] = [
        f"variableset-{set_id}-s-0-{suffix}"
        for set_id in project.get("IncludedLibraryVariableSetIds") or []
    ]


def freeze_process(state: State, project: Doc, live: Doc | None, suffix: str) -> str:
    """A frozen copy of ``live``, the project's process, reused while it is unchanged.

    A database process's copy is current while the process still has the ``Version``
    it was frozen at (every save bumps it). A process read from Git is frozen afresh
    for every release: two branches may hold different steps under one ``Version``.
    The live process is left untouched.
    """
    if live is None:
        live = {"Id": f"deploymentprocess-{project['Id']}", "Version": 0, "Steps": []}
        live.update(SpaceId=project["SpaceId"], ProjectId=project["Id"])
    prefix = f"{live['Id']}-s-{live['Version']}-".lower()
    for doc in state.values(DEPLOYMENT.collection, project["SpaceId"]):
        reusable = not project.get("IsVersionControlled") and doc.get("ProjectId") == project["Id"]
        if reusable and doc["Id"].lower().startswith(prefix):
            return str(doc["Id"])
    frozen_id = f"{live['Id']}-s-{live['Version']}-{suffix}"
    copy = {k: plain(v) for k, v in live.items() if k not in ("LastModifiedOn", "Links")}
    new_process(state, DEPLOYMENT, copy | {"Id": frozen_id, "LastSnapshotId": None})
    return frozen_id
