"""Build information (``/build-information``): the build and commits behind a package version.

A CI server pushes ``{PackageId, Version, OctopusBuildInformation: {…}}``; the
server answers and lists the flattened ``OctopusPackageVersionBuildInformationMappedResource``.
One record per package id and version: pushing another fails with 409 unless
``overwriteMode`` is ``OverwriteExisting`` (replace it) or ``IgnoreIfExists``
(keep it). Records cannot be edited, only deleted (one, or ``bulk?ids=``), as in
swagger 2020.5, which also gives the messages. The built-in feed's packages
show their record as ``PackageVersionBuildInformation`` (``packages.py``).

UNCONFIRMED: the list's order (newest first) and that ``filter`` matches the
package id.
"""

from __future__ import annotations

import re
from typing import Any

from octoflow.sandbox.core.versions import is_version, semver_key
from octoflow.sandbox.errors import SandboxError, invalid, not_found
from octoflow.sandbox.paging import page
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

Doc = dict[str, Any]
COLLECTION = "BuildInformation"
QUERY = "{?filter,packageId,latest,skip,take,overwriteMode}"
MODES = ("FailIfExists", "OverwriteExisting", "IgnoreIfExists")
BAD_ID = (
    "The package ID contains invalid characters. Examples of valid package IDs include "
    "'MyPackage' and 'MyPackage.Sample'."
)
BAD_VERSION = "The version is invalid. Please supply a valid semver version number."
EXISTS = (
    "Metadata for the specified Package ID and version already exists. To proceed anyway, "
    "specify an overwriteMode of OverwriteExisting or IgnoreIfExists."
)
_PACKAGE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
#: The fields of ``OctopusBuildInformation`` a push may send, with their defaults.
DETAILS: dict[str, Any] = {
    "BuildEnvironment": None,
    "BuildNumber": None,
    "BuildUrl": None,
    "Branch": None,
    "VcsType": None,
    "VcsRoot": None,
    "VcsCommitNumber": None,
    "VcsCommitUrl": None,
    "IssueTrackerName": None,
    "IncompleteDataWarning": None,
    "Commits": [],
    "WorkItems": [],
}


def build_record(state: State, space_id: str, package_id: str, version: str, details: Doc) -> Doc:
    """A new record (its id assigned), not yet stored."""
    record_id = state.next_id(COLLECTION)
    doc: Doc = {"Id": record_id, "SpaceId": space_id, "PackageId": package_id, "Version": version}
    doc.update({k: details.get(k, v) for k, v in DETAILS.items()})
    doc["Created"] = state.now()
    state.stamp(doc)
    doc["Links"] = {"Self": f"/api/{space_id}/build-information/{record_id}"}
    return doc


def find_record(state: State, space_id: str, package_id: str, version: str) -> Doc | None:
    return next(
        (
            r
            for r in state.values(COLLECTION, space_id)
            if r["PackageId"].lower() == package_id.lower() and r["Version"] == version
        ),
        None,
    )


def push(req: Request) -> Doc:
    body = req.json_object()
    package_id, version = body.get("PackageId"), body.get("Version")
    details = body.get("OctopusBuildInformation") or {}
    errors = []
    if not isinstance(package_id, str) or not _PACKAGE_ID.match(package_id):
        errors.append(BAD_ID)
    if not isinstance(version, str) or not is_version(version):
        errors.append(BAD_VERSION)
    if not isinstance(details, dict):
        errors.append("OctopusBuildInformation must be an object.")
    mode = req.query.get("overwriteMode") or "FailIfExists"
    if mode not in MODES:
        errors.append(f"overwriteMode must be one of {', '.join(MODES)}.")
    if errors:
        raise invalid(*errors)
    existing = find_record(req.state, req.space_id, package_id, version)
    if existing is not None and mode == "IgnoreIfExists":
        return existing
    if existing is not None and mode == "FailIfExists":
        raise SandboxError(409, EXISTS, errors=[EXISTS])
    if existing is not None:
        req.state.remove(COLLECTION, existing["Id"])
    doc = build_record(req.state, req.space_id, package_id, version, details)
    return req.state.put(COLLECTION, doc)


def listing(req: Request) -> Doc:
    items = req.state.values(COLLECTION, req.space_id)
    package_id = (req.query.get("packageId") or "").lower()
    if package_id:
        items = [r for r in items if r["PackageId"].lower() == package_id]
    text = (req.query.get("filter") or "").lower()
    if text:
        items = [r for r in items if text in r["PackageId"].lower()]
    items = sorted(items, key=lambda r: (r["Created"], int(r["Id"].rpartition("-")[2])))[::-1]
    if req.query.bool("latest"):
        newest: dict[str, Doc] = {}
        for record in items:
            key = record["PackageId"].lower()
            if key not in newest or semver_key(record["Version"]) > semver_key(
                newest[key]["Version"]
            ):
                newest[key] = record
        items = [r for r in items if r is newest[r["PackageId"].lower()]]
    base = f"/api/{req.space_id}/build-information"
    return page(req, items, "OctopusPackageVersionBuildInformationMappedResource", base, QUERY)


def get_one(req: Request) -> Doc:
    return _find(req, req.path_params["id"])


def delete_one(req: Request) -> tuple[int, None]:
    req.state.remove(COLLECTION, _find(req, req.path_params["id"])["Id"])
    return 200, None


def delete_bulk(req: Request) -> tuple[int, None]:
    """``DELETE /build-information/bulk?ids=``: every named record, or none if one is unknown."""
    records = [_find(req, ref) for ref in req.query.getlist("ids")]
    for record in records:
        req.state.remove(COLLECTION, record["Id"])
    return 200, None


def _find(req: Request, ref: str) -> Doc:
    doc = req.state.get(COLLECTION, ref)
    if doc is None or doc.get("SpaceId") != req.space_id:
        raise not_found(ref)
    return doc


def register_routes(router: Router) -> None:
    router.space("GET", "/build-information", listing)
    router.space("POST", "/build-information", push)
    router.space("GET", "/build-information/{id}", get_one)
    router.space("DELETE", "/build-information/{id}", delete_one)
    router.space("DELETE", "/build-information/bulk", delete_bulk)
    router.add_field_names(("PackageId", "Version", "OctopusBuildInformation", *DETAILS))
    router.link("BuildInformation", "/build-information{/id}" + QUERY)
    router.link("BuildInformationBulk", "/build-information/bulk{?ids}")


def seed_demo(state: State, space_id: str) -> None:
    """Build records for the newest stable builds of two packages the processes area puts
    in the built-in feed (``OctoDemo.CustomerPortal`` and ``OctoDemo.BillingApi``)."""
    for package_id, version, branch, commit in (
        ("OctoDemo.CustomerPortal", "1.3.2", "main", "4f2a9c1"),
        ("OctoDemo.BillingApi", "1.5.2", "release/1.5", "9be03d7"),
    ):
        repo = "https://github.example.com/octodemo/" + package_id.split(".")[1].lower()
        details = {
            "BuildEnvironment": "GitHub Actions",
            "BuildNumber": f"{version}+build.{len(package_id)}",
            "BuildUrl": f"{repo}/actions/runs/{len(version)}",
            "Branch": branch,
            "VcsType": "Git",
            "VcsRoot": repo + ".git",
            "VcsCommitNumber": commit,
            "VcsCommitUrl": f"{repo}/commit/{commit}",
            "Commits": [
                {
                    "Id": commit,
                    "LinkUrl": f"{repo}/commit/{commit}",
                    "Comment": f"Release {version}",
                }
            ],  # fmt: skip
        }
        state.put(COLLECTION, build_record(state, space_id, package_id, version, details))
