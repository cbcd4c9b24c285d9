"""The demo seed's releases, created through the same validation as ``POST /releases``.

Facts other tests rely on (deterministic):

* the first 12 projects of the ``Apps`` group stored in the database and enabled
  (``Projects-16`` … ``Projects-25``, ``Projects-27``, ``Projects-28``; five of them
  tenanted, though no tenant is connected to them) and ``Billing API``
  (``Projects-2``, tenanted or untenanted; 60 US tenants are connected to it in
  Test and Production) have releases ``1.0.0``, ``1.1.0`` and ``1.2.0`` in their
  default channel, with release notes (``Releases-1`` … ``Releases-3`` are Billing
  API's); each selects, for the ``Deploy`` step's package, the first, second and
  third stable version in the built-in feed;
* ``Compass Web`` (``Projects-19``) has two channels with version rules: its
  default channel takes only stable packages (``Tag`` ``^$``), and ``Hotfix``
  takes ``-hotfix`` pre-releases from the ``1.2.x`` line on (``VersionRange``
  ``[<third stable>,2.0)``, ``Tag`` ``^hotfix``). The feed has a
  ``…-hotfix.1`` version and ``Hotfix`` has the release ``1.2.1``;
* releases are assembled on distinct days of December 2025, oldest first, so
  ``1.2.0`` (or ``1.2.1`` in ``Hotfix``) is every project's newest.
"""

from __future__ import annotations

import uuid

from octoflow_plugins.deployments.sandbox.releases import as_body, new_release

from octoflow.sandbox.area import Doc, State, semver_key

SPACE_ID = "Spaces-1"
#: The id Octopus gives the built-in package feed.
BUILT_IN_FEED = "feeds-builtin"
GROUP = "Apps"
PROJECT_COUNT = 12
#: Released besides the ``Apps`` projects: a project tenants are connected to.
EXTRA = "Billing API"
VERSIONS = ("1.0.0", "1.1.0", "1.2.0")
TWO_CHANNELS = "Compass Web"
HOTFIX_VERSION = "1.2.1"
NOTES = (
    "First release of {name} to the new platform.",
    "{name}: faster page loads and a new audit trail.",
    "{name}: accessibility fixes and updated dependencies.",
)


def seed_demo_releases(state: State) -> None:
    for n, project in enumerate(released_projects(state)):
        process = state.require("DeploymentProcesses", project["DeploymentProcessId"])
        feed_versions = _stable_versions(state, process)
        for k, version in enumerate(VERSIONS):
            release = _release(state, project, version, k, feed_versions, n)
            release["Assembled"] = (
                f"2025-12-{1 + 9 * k:02d}T{9 + n % 8:02d}:{n * 4:02d}:00.000+00:00"
            )
        if project["Name"] == TWO_CHANNELS:
            _hotfix(state, project, process, n)


def released_projects(state: State) -> list[Doc]:
    """The projects that get releases, in id order."""
    group = next(g for g in state.values("ProjectGroups", SPACE_ID) if g["Name"] == GROUP)
    extra = [p for p in state.values("Projects", SPACE_ID) if p["Name"] == EXTRA]
    eligible = [
        p
        for p in state.values("Projects", SPACE_ID)
        if p["ProjectGroupId"] == group["Id"]
        and not p.get("IsVersionControlled")
        and not p.get("IsDisabled")
    ]
    eligible.sort(key=lambda p: int(p["Id"].rpartition("-")[2]))
    return extra + eligible[:PROJECT_COUNT]


def _package_ids(process: Doc) -> dict[tuple[str, str], str]:
    """``(action, package reference) → package id`` of the process's enabled packages."""
    return {
        (action["Name"], package.get("Name") or ""): package["PackageId"]
        for step in process["Steps"]
        for action in step["Actions"]
        if not action.get("IsDisabled") and not action.get("Channels")
        for package in action.get("Packages") or []
    }


def _feed_package(state: State, package_id: str) -> Doc:
    return next(
        p
        for p in state.values("FeedPackages", SPACE_ID)
        if p["FeedId"] == BUILT_IN_FEED and p["PackageId"] == package_id
    )


def _stable_versions(state: State, process: Doc) -> dict[tuple[str, str], list[str]]:
    out = {}
    for key, package_id in _package_ids(process).items():
        versions = [v["Version"] for v in _feed_package(state, package_id)["Versions"]]
        out[key] = sorted((v for v in versions if "-" not in v), key=semver_key)
    return out


def _release(
    state: State,
    project: Doc,
    version: str,
    k: int,
    feed_versions: dict[tuple[str, str], list[str]],
    n: int,
    channel_id: str | None = None,
) -> Doc:
    packages = [
        {"ActionName": action, "PackageReferenceName": ref, "Version": versions[k]}
        for (action, ref), versions in feed_versions.items()
    ]
    body = {
        "ProjectId": project["Id"],
        "ChannelId": channel_id,
        "Version": version,
        "ReleaseNotes": NOTES[min(k, len(NOTES) - 1)].format(name=project["Name"]),
        "SelectedPackages": packages,
    }
    return new_release(state, SPACE_ID, as_body(body), ignore_rules=False)


def _hotfix(state: State, project: Doc, process: Doc, n: int) -> None:
    """Channel rules for both channels, a hotfix package and a release in ``Hotfix``."""
    channels = {
        c["Name"]: c for c in state.values("Channels", SPACE_ID) if c["ProjectId"] == project["Id"]
    }
    deploy = [{"DeploymentAction": "Deploy", "PackageReference": ""}]
    feed_versions = _stable_versions(state, process)
    third = feed_versions[("Deploy", "")][2]
    default, hotfix_channel = channels["Default"], channels["Hotfix"]
    default["Rules"] = [_rule(default, "^$", None, deploy)]
    hotfix_channel["Rules"] = [_rule(hotfix_channel, "^hotfix", f"[{third},2.0)", deploy)]
    package = _feed_package(state, _package_ids(process)[("Deploy", "")])
    major, minor, patch = (int(p) for p in third.split("."))
    hotfix = f"{major}.{minor}.{patch + 1}-hotfix.1"
    package["Versions"].append(
        {
            "Version": hotfix,
            "Published": "2025-12-27T10:00:00.000+00:00",
            "SizeBytes": 1_048_576 * 6,
            "Title": None,
            "ReleaseNotes": f"Release {hotfix}",
        }
    )
    versions = {key: [hotfix] for key in feed_versions}
    release = _release(state, project, HOTFIX_VERSION, 0, versions, n, hotfix_channel["Id"])
    release["ReleaseNotes"] = f"{project['Name']}: hotfix for a login loop after 1.2.0."
    release["Assembled"] = "2025-12-28T09:00:00.000+00:00"


def _rule(channel: Doc, tag: str, version_range: str | None, targets: list[Doc]) -> Doc:
    return {
        "Id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"octoflow-demo/{channel['Id']}/rule")),
        "VersionRange": version_range,
        "Tag": tag,
        "ActionPackages": targets,
        "Links": {},
    }
