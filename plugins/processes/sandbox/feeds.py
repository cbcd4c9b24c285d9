"""Feeds and the versions of their packages (REFERENCE §5.4).

The built-in feed has the id ``feeds-builtin`` and cannot be deleted. A feed's
password is write-only: it is served as ``{"HasValue": …, "NewValue": null}``.
Package versions are kept per feed and package in the ``FeedPackages``
collection and served by ``/feeds/{id}/packages/versions`` newest first.
"""

from __future__ import annotations

import re
from typing import Any

from octoflow.sandbox.area import (
    CIDict,
    Doc,
    Request,
    Resource,
    Router,
    State,
    in_version_range,
    invalid,
    matches_tag,
    page,
    register,
    semver_key,
)

BUILT_IN_ID = "feeds-builtin"
FEED_QUERY = "{?skip,take,ids,partialName,feedType,name}"
FEED_TYPES = (
    "BuiltIn",
    "NuGet",
    "Docker",
    "Maven",
    "GitHub",
    "Helm",
    "AwsElasticContainerRegistry",
    "OctopusProject",
    "AzureContainerRegistry",
    "GoogleContainerRegistry",
    "Npm",
    "ArtifactoryGeneric",
    "S3",
    "OciRegistry",
    "GcsStorage",
    "PyPi",
)
#: Feed types that hold container images (usable for execution containers).
CONTAINER_FEED_TYPES = (
    "Docker",
    "AwsElasticContainerRegistry",
    "AzureContainerRegistry",
    "GoogleContainerRegistry",
    "OciRegistry",
)
VERSIONS_QUERY = (
    "{?packageId,take,skip,includePreRelease,versionRange,preReleaseTag,filter,includeReleaseNotes}"
)


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "FeedType": "NuGet",
        "FeedUri": None,
        "Username": None,
        "Password": {"HasValue": False, "NewValue": None},
        "PackageAcquisitionLocationOptions": ["Server", "ExecutionTarget"],
        "DownloadAttempts": 5,
        "DownloadRetryBackoffSeconds": 10,
        "EnhancedMode": False,
        "ApiVersion": None,
        "RegistryPath": None,
        "SpaceId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/feeds/{doc['Id']}"
    return {
        "Self": base,
        "SearchPackagesTemplate": base + "/packages/search{?term,skip,take}",
        "SearchPackageVersionsTemplate": base + "/packages/versions" + VERSIONS_QUERY,
    }


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    feed_type = doc.get("FeedType")
    doc["FeedType"] = next(
        (t for t in FEED_TYPES if isinstance(feed_type, str) and t.lower() == feed_type.lower()),
        feed_type,
    )
    doc["Password"] = _password(body.get("Password"), old)
    errors = []
    if doc["FeedType"] not in FEED_TYPES:
        errors.append(f"FeedType must be one of {', '.join(FEED_TYPES)}.")
    if old is not None and old["FeedType"] != doc["FeedType"]:
        errors.append("The type of a feed cannot be changed.")
    if old is None and doc["FeedType"] == "BuiltIn":
        errors.append("The built-in feed exists already; it cannot be created.")
    return errors


def _password(sent: Any, old: Doc | None) -> Doc:
    """Stored as whether it is set; the text itself is never kept."""
    kept = bool(old and (old.get("Password") or {}).get("HasValue"))
    if isinstance(sent, dict):
        if sent.get("NewValue") is not None:
            kept = bool(sent["NewValue"])
        elif "HasValue" in sent and not sent["HasValue"]:
            kept = False
    elif isinstance(sent, str):
        kept = bool(sent)
    return {"HasValue": kept, "NewValue": None}


def feed_filters(req: Request, items: list[Doc]) -> list[Doc]:
    types = {t.lower() for t in req.query.getlist("feedType")}
    if types:
        items = [f for f in items if f["FeedType"].lower() in types]
    return items


def delete_errors(req: Request, doc: Doc) -> list[str]:
    if doc["Id"] == BUILT_IN_ID:
        return ["This resource is read-only and cannot be deleted."]
    return []


def forget_packages(req: Request, doc: Doc) -> None:
    for item in req.state.values("FeedPackages", doc["SpaceId"]):
        if item["FeedId"] == doc["Id"]:
            req.state.remove("FeedPackages", item["Id"])


FEEDS = Resource(
    collection="Feeds",
    segment="feeds",
    item_type="Feed",
    noun="feed",
    query_template=FEED_QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    filters=feed_filters,
    delete_errors=delete_errors,
    on_delete=forget_packages,
    nested_fields=("HasValue", "NewValue"),
)


# -- packages -------------------------------------------------------------------------


def add_package(state: State, feed: Doc, package_id: str, versions: list[Doc]) -> Doc:
    """Store a package's versions (each ``{Version, Published, SizeBytes, ...}``)."""
    doc = {
        "Id": state.next_id("FeedPackages"),
        "SpaceId": feed["SpaceId"],
        "FeedId": feed["Id"],
        "PackageId": package_id,
        "Versions": versions,
    }
    return state.put("FeedPackages", doc)


def package_versions(req: Request) -> Doc:
    feed = FEEDS.find(req, req.path_params["id"])
    package_id = req.query.get("packageId")
    if not package_id:
        raise invalid("No packageId parameter was provided.")
    found = [
        p
        for p in req.state.values("FeedPackages", req.space_id)
        if p["FeedId"] == feed["Id"] and p["PackageId"].lower() == package_id.lower()
    ]
    versions = [dict(v, PackageId=p["PackageId"]) for p in found for v in p["Versions"]]
    if req.query.bool("includePreRelease") is False:
        versions = [v for v in versions if "-" not in v["Version"]]
    text = req.query.get("filter")
    if text:
        versions = [v for v in versions if text.lower() in v["Version"].lower()]
    versions = version_rule_filter(req, versions)
    versions.sort(key=lambda v: version_key(v["Version"]), reverse=True)
    items = [
        _version_resource(feed, v, bool(req.query.bool("includeReleaseNotes"))) for v in versions
    ]
    base = f"/api/{req.space_id}/feeds/{feed['Id']}/packages/versions"
    return page(req, items, "PackageVersion", base, VERSIONS_QUERY)


def version_rule_filter(req: Request, versions: list[Doc]) -> list[Doc]:
    """``versionRange`` (NuGet range) and ``preReleaseTag`` (regex on the pre-release part)."""
    version_range = req.query.get("versionRange")
    tag = req.query.get("preReleaseTag")
    try:
        return [
            v
            for v in versions
            if in_version_range(v["Version"], version_range) and matches_tag(v["Version"], tag)
        ]
    except ValueError:
        raise invalid(
            f"The version range '{version_range}' is not a valid version range."
        ) from None
    except re.error:
        raise invalid(f"The pre-release tag '{tag}' is not a valid regular expression.") from None


def _version_resource(feed: Doc, version: Doc, notes: bool) -> Doc:
    base = f"/api/{feed['SpaceId']}/feeds/{feed['Id']}/packages"
    return {
        "Id": f"{version['PackageId']}.{version['Version']}",
        "PackageId": version["PackageId"],
        "FeedId": feed["Id"],
        "Version": version["Version"],
        "Published": version.get("Published"),
        "SizeBytes": version.get("SizeBytes"),
        "Title": version.get("Title") or version["PackageId"],
        "ReleaseNotes": version.get("ReleaseNotes") if notes else None,
        "Links": {"Self": f"{base}/versions?packageId={version['PackageId']}"},
    }


def search_packages(req: Request) -> Doc:
    """``/feeds/{id}/packages/search?term=``: packages whose id contains the term."""
    feed = FEEDS.find(req, req.path_params["id"])
    term = (req.query.get("term") or "").lower()
    items = []
    for package in req.state.values("FeedPackages", req.space_id):
        if package["FeedId"] != feed["Id"] or term not in package["PackageId"].lower():
            continue
        latest = max(package["Versions"], key=lambda v: version_key(v["Version"]), default=None)
        items.append(
            {
                "Id": package["PackageId"],
                "Name": package["PackageId"],
                "Description": None,
                "LatestVersion": latest["Version"] if latest else None,
                "Links": {},
            }
        )
    items.sort(key=lambda p: p["Id"].lower())
    base = f"/api/{req.space_id}/feeds/{feed['Id']}/packages/search"
    return page(req, items, "PackageDescription", base, "{?term,skip,take}")


def version_key(version: str) -> tuple[Any, ...]:
    """Orders ``1.10.0`` after ``1.9.0``, ``beta.10`` after ``beta.2`` and a release after
    its pre-releases (SemVer order, see :func:`semver_key`)."""
    return semver_key(version)


def register_routes(router: Router) -> None:
    register(router, FEEDS)
    router.space("GET", "/feeds/{id}/packages/versions", package_versions)
    router.space("GET", "/feeds/{id}/packages/search", search_packages)
    router.link("Feeds", "/feeds{/id}" + FEED_QUERY, space_scoped=False)
