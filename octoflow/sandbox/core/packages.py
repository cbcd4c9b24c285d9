"""The built-in feed's packages (``/packages``), as the package repository lists them.

The versions are the ones ``/feeds/feeds-builtin/packages/versions`` answers:
the processes area keeps them as documents of the ``FeedPackages`` collection
(one per package id, with its ``Versions``), and this module reads and deletes
them there. Each version is one ``PackageResource`` with the id
``packages-<PackageId>.<Version>`` and, when a build was pushed for it, its
``PackageVersionBuildInformation``.

Not served: uploads (``/packages/raw``, deltas), downloads (``/packages/{id}/raw``),
``/packages/bulk`` and ``/packages/notes``. UNCONFIRMED: the order (package id,
then newest version first), ``FileExtension`` (``.nupkg``), the fake ``Hash``, and
that ``filter`` matches the package id.
"""

from __future__ import annotations

import hashlib
from typing import Any

from octoflow.sandbox.core.buildinfo import find_record
from octoflow.sandbox.core.versions import semver_key
from octoflow.sandbox.errors import invalid, not_found
from octoflow.sandbox.paging import page
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router

Doc = dict[str, Any]
BUILT_IN = "feeds-builtin"
STORE = "FeedPackages"
QUERY = "{?nuGetPackageId,filter,latest,skip,take,includeNotes}"
BOTH_FILTERS = "Only one of either nuGetPackageId or filter may be specified."


def resource(req: Request, package_id: str, version: Doc, notes: bool) -> Doc:
    space, number = req.space_id, version["Version"]
    doc_id = f"packages-{package_id}.{number}"
    build = find_record(req.state, space, package_id, number)
    return {
        "Id": doc_id,
        "PackageId": package_id,
        "Version": number,
        "Title": version.get("Title") or package_id,
        "Summary": None,
        "Description": None,
        "Published": version.get("Published"),
        "ReleaseNotes": version.get("ReleaseNotes") if notes else None,
        "FileExtension": ".nupkg",
        "FeedId": BUILT_IN,
        "NuGetFeedId": BUILT_IN,
        "NuGetPackageId": package_id,
        "PackageSizeBytes": version.get("SizeBytes"),
        "Hash": hashlib.sha1(doc_id.encode()).hexdigest(),  # noqa: S324 - a stand-in
        "PackageVersionBuildInformation": build,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {
            "Self": f"/api/{space}/packages/{doc_id}",
            "Feed": f"/api/{space}/feeds/{BUILT_IN}",
        },
    }


def _stored(req: Request) -> list[Doc]:
    return [p for p in req.state.values(STORE, req.space_id) if p["FeedId"] == BUILT_IN]


def listing(req: Request) -> Doc:
    exact = (req.query.get("nuGetPackageId") or "").lower()
    text = (req.query.get("filter") or "").lower()
    if exact and text:
        raise invalid(BOTH_FILTERS)
    latest = bool(req.query.bool("latest"))
    notes = bool(req.query.bool("includeNotes"))
    items = []
    for package in sorted(_stored(req), key=lambda p: p["PackageId"].lower()):
        name = package["PackageId"]
        if (exact and name.lower() != exact) or text not in name.lower():
            continue
        versions = sorted(package["Versions"], key=lambda v: semver_key(v["Version"]), reverse=True)
        for version in versions[:1] if latest else versions:
            items.append(resource(req, name, version, notes))
    return page(req, items, "Package", f"/api/{req.space_id}/packages", QUERY)


def _find(req: Request) -> tuple[Doc, Doc]:
    """The ``FeedPackages`` document and version the ``{id}`` names."""
    ref = req.path_params["id"]
    for package in _stored(req):
        for version in package["Versions"]:
            if f"packages-{package['PackageId']}.{version['Version']}".lower() == ref.lower():
                return package, version
    raise not_found(ref)


def get_one(req: Request) -> Doc:
    package, version = _find(req)
    return resource(req, package["PackageId"], version, True)


def delete_one(req: Request) -> tuple[int, None]:
    """The version leaves the built-in feed (and ``feeds/feeds-builtin/packages/versions``)."""
    package, version = _find(req)
    left = [v for v in package["Versions"] if v is not version]
    if left:
        req.state.put(STORE, dict(package, Versions=left))
    else:
        req.state.remove(STORE, package["Id"])
    return 200, None


def register_routes(router: Router) -> None:
    router.space("GET", "/packages", listing)
    router.space("GET", "/packages/{id}", get_one)
    router.space("DELETE", "/packages/{id}", delete_one)
    router.link("Packages", "/packages{/id}" + QUERY)
