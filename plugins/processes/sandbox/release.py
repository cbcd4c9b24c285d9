"""What a release or a runbook snapshot of a process would need (REFERENCE §7.1, §7.3).

``/deploymentprocesses/{id}/template`` lists the packages a release must pick
versions for (those of enabled actions in the channel) and suggests the next
version; ``…/runbookSnapshotTemplate`` does the same for a runbook snapshot.
"""

from __future__ import annotations

import random
import string

from octoflow_plugins.processes.sandbox.feeds import version_key
from octoflow_plugins.processes.sandbox.processes import find, project_of

from octoflow.sandbox.area import DEPLOYMENT, RUNBOOK, Doc, Request, next_version, not_found


def release_template(req: Request) -> Doc:
    return process_release_template(req, find(req, DEPLOYMENT, req.path_params["id"]))


def project_release_template(req: Request) -> Doc:
    project = project_of(req, req.path_params["id"])
    return process_release_template(req, find(req, DEPLOYMENT, str(project["DeploymentProcessId"])))


def process_release_template(req: Request, process: Doc) -> Doc:
    channel_id = req.query.get("channel")
    if channel_id:
        channel = req.state.get("Channels", channel_id)
        if channel is None or channel.get("ProjectId") != process["ProjectId"]:
            raise not_found(channel_id)
    last = last_release_version(req, process["ProjectId"])
    return {
        "Id": None,
        "DeploymentProcessId": process["Id"],
        "LastReleaseVersion": last,
        "NextVersionIncrement": next_version(last),
        "VersioningPackageStepName": None,
        "VersioningPackageReferenceName": None,
        "Packages": packages(req, process, channel_id, last_selected(req, process["ProjectId"])),
        "GitResources": [],
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def snapshot_template(req: Request, process: Doc) -> Doc:
    rng = random.Random()
    return {
        "Id": None,
        "RunbookId": process["RunbookId"],
        "RunbookProcessId": process["Id"],
        "NextNameIncrement": "Snapshot " + "".join(rng.choices(string.ascii_uppercase, k=7)),
        "Packages": packages(req, process, None),
        "GitResources": [],
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def runbook_process_template(req: Request) -> Doc:
    return snapshot_template(req, find(req, RUNBOOK, req.path_params["id"]))


def packages(
    req: Request,
    process: Doc,
    channel_id: str | None,
    last: dict[tuple[str, str], str] | None = None,
) -> list[Doc]:
    feeds = {f["Id"]: f["Name"] for f in req.state.values("Feeds", req.space_id)}
    project = req.state.get("Projects", process["ProjectId"]) or {}
    out = []
    for step in process["Steps"]:
        for action in step["Actions"]:
            if action.get("IsDisabled"):
                continue
            if channel_id and action.get("Channels") and channel_id not in action["Channels"]:
                continue
            for package in action.get("Packages") or []:
                item = _package(step, action, package, feeds, project)
                key = (item["ActionName"], item["PackageReferenceName"])
                item["VersionSelectedLastRelease"] = (last or {}).get(key)
                out.append(item)
    return out


def _package(step: Doc, action: Doc, package: Doc, feeds: dict[str, str], project: Doc) -> Doc:
    feed_id = package.get("FeedId")
    resolvable = not str(feed_id or "").startswith("#{")
    feed_name = feeds.get(feed_id) if resolvable else None
    return {
        "ActionName": action["Name"],
        "StepName": step["Name"],
        "PackageReferenceName": package.get("Name") or "",
        "PackageId": package.get("PackageId"),
        "FeedId": feed_id,
        "FeedName": feed_name,
        "IsResolvable": resolvable,
        "VersionSelectedLastRelease": None,
        "NuGetPackageId": package.get("PackageId"),
        "NuGetFeedId": feed_id,
        "NuGetFeedName": feed_name,
        "ProjectName": project.get("Name"),
    }


def last_selected(req: Request, project_id: str) -> dict[tuple[str, str], str]:
    """Package versions of the project's most recently created release, by action and name."""
    releases = [
        r for r in req.state.values("Releases", req.space_id) if r.get("ProjectId") == project_id
    ]
    if not releases:
        return {}
    last = max(releases, key=lambda r: (r.get("Assembled") or "", version_key(r["Version"])))
    return {
        (p.get("ActionName"), p.get("PackageReferenceName") or ""): p.get("Version")
        for p in last.get("SelectedPackages") or []
    }


def last_release_version(req: Request, project_id: str) -> str | None:
    """The highest version among the project's releases (another area may keep them)."""
    versions = [
        r["Version"]
        for r in req.state.values("Releases", req.space_id)
        if r.get("ProjectId") == project_id and isinstance(r.get("Version"), str)
    ]
    return max(versions, key=version_key) if versions else None
