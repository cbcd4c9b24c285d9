"""``POST /api/{spaceId}/releases/create/v1`` of the executions API (REFERENCE §8.3).

See :mod:`.executions` for what every execution route shares; this is
the release: a version given or the next one, package versions from
``packageVersion``/``packages`` or the feeds' latest within the channel rules,
and ``ignoreIfAlreadyExists``.
"""

from __future__ import annotations

import re
from typing import Any

from octoflow_plugins.deployments.sandbox.execution_request import (
    command,
    names,
    pick,
    project_for,
)
from octoflow_plugins.deployments.sandbox.releases import (
    COLLECTION,
    channel_packages,
    create_release,
    git_reference,
    live_process,
)

from octoflow.sandbox.area import (
    CIDict,
    Doc,
    Request,
    in_version_range,
    invalid,
    matches_tag,
    next_version,
    semver_key,
)

# -- releases/create/v1 ------------------------------------------------------------------------


def create_release_v1(req: Request) -> tuple[int, Doc]:
    body = command(req)
    project = project_for(req, body)
    version = body.get("ReleaseVersion")
    if version and body.get("IgnoreIfAlreadyExists"):
        for release in req.state.values("Releases", req.space_id):
            if release["ProjectId"] == project["Id"] and release["Version"] == version:
                return 200, {"ReleaseId": release["Id"], "ReleaseVersion": release["Version"]}
    channel = _channel(req, project, body.get("ChannelName"))
    release_body: Doc = {
        "ProjectId": project["Id"],
        "ChannelId": channel["Id"] if channel else None,
        "Version": version or _next_version(req, project),
        "ReleaseNotes": body.get("ReleaseNotes"),
        "SelectedPackages": release_packages(req, project, channel, body),
        "IgnoreChannelRules": bool(body.get("IgnoreChannelRules")),
    }
    if body.get("GitRef") or body.get("GitCommit"):
        release_body["VersionControlReference"] = {
            "GitRef": body.get("GitRef"),
            "GitCommit": body.get("GitCommit"),
        }
    release = create_release(req, release_body)
    return 201, {"ReleaseId": release["Id"], "ReleaseVersion": release["Version"]}


def _channel(req: Request, project: Doc, ref: Any) -> Doc | None:
    if not ref:
        return None
    channels = [
        c for c in req.state.values("Channels", req.space_id) if c.get("ProjectId") == project["Id"]
    ]
    return pick(channels, ref, "channel", f"in the project '{project['Name']}'")


def _next_version(req: Request, project: Doc) -> str:
    """The default versioning template's next increment after the project's highest
    release (as the release template suggests)."""
    versions = [
        r["Version"]
        for r in req.state.values(COLLECTION, req.space_id)
        if r.get("ProjectId") == project["Id"] and isinstance(r.get("Version"), str)
    ]
    return next_version(max(versions, key=semver_key) if versions else None)


def release_packages(req: Request, project: Doc, channel: Doc | None, body: CIDict) -> list[Doc]:
    """A version for every package the release needs: from ``packages``, else
    ``packageVersion``, else the latest in the feed that the channel's rules allow
    (stable unless ``packagePrerelease`` or a rule's tag asks for a pre-release). A
    version-controlled project's process is read at ``gitRef``/``gitCommit``."""
    given = {"GitRef": body.get("GitRef"), "GitCommit": body.get("GitCommit")}
    process = live_process(req.state, project, git_reference(req.state, project, given))
    if process is None:
        return []
    rules_channel = channel or _default_channel(req, project)
    specs = [_package_spec(text) for text in names(body.get("Packages"))]
    used: set[int] = set()
    out, errors = [], []
    for need in _needed_packages(process, rules_channel["Id"] if rules_channel else None):
        version = _explicit(need, specs, used) or body.get("PackageVersion")
        if not version and not body.get("IgnoreChannelRules"):
            version = _latest(req, need, _rules(rules_channel, need), body.get("PackagePrerelease"))
        elif not version:
            version = _latest(req, need, [], body.get("PackagePrerelease"))
        if not version:
            errors.append(
                f"No version of the package '{need['PackageId']}' (step '{need['StepName']}') "
                "in its feed matches the channel's rules: give one in packages or packageVersion."
            )
        out.append(
            {
                "ActionName": need["ActionName"],
                "PackageReferenceName": need["PackageReferenceName"],
                "Version": version,
            }
        )
    errors += [
        f"The package '{':'.join(filter(None, spec[:2]))}' in packages matches no package step."
        for n, spec in enumerate(specs)
        if n not in used
    ]
    if errors:
        raise invalid(*errors)
    return out


def _needed_packages(process: Doc, channel_id: str | None) -> list[Doc]:
    """The packages the release template lists for the channel: step, action, reference,
    package id and feed."""
    return [
        {
            "ActionName": action["Name"],
            "StepName": step["Name"],
            "PackageReferenceName": package.get("Name") or "",
            "PackageId": package.get("PackageId"),
            "FeedId": package.get("FeedId"),
        }
        for step, action, package in channel_packages(process, channel_id)
    ]


def _package_spec(text: str) -> tuple[str, str | None, str]:
    parts = [p.strip() for p in text.split(":")]
    if len(parts) not in (2, 3) or not all(parts):
        raise invalid(
            f"The package '{text}' in packages is not StepName:Version or "
            "StepName:PackageReferenceName:Version."
        )
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (parts[0], None, parts[1])


def _explicit(need: Doc, specs: list[tuple[str, str | None, str]], used: set[int]) -> str | None:
    keys = {str(need[k]).lower() for k in ("StepName", "ActionName", "PackageId")}
    for n, (first, ref, version) in enumerate(specs):
        if first.lower() in keys and (
            ref is None or ref.lower() == need["PackageReferenceName"].lower()
        ):
            used.add(n)
            return version
    return None


def _default_channel(req: Request, project: Doc) -> Doc | None:
    channels = [
        c for c in req.state.values("Channels", req.space_id) if c.get("ProjectId") == project["Id"]
    ]
    return next(
        (c for c in channels if c.get("IsDefault")), channels[0] if len(channels) == 1 else None
    )


def _rules(channel: Doc | None, need: Doc) -> list[Doc]:
    return [
        rule
        for rule in (channel or {}).get("Rules") or []
        if any(
            target.get("DeploymentAction") == need["ActionName"]
            and (target.get("PackageReference") or "") == need["PackageReferenceName"]
            for target in rule.get("ActionPackages") or []
        )
    ]


def _latest(req: Request, need: Doc, rules: list[Doc], prerelease: Any) -> str | None:
    versions = [
        v["Version"]
        for p in req.state.values("FeedPackages", req.space_id)
        if p["FeedId"] == need["FeedId"]
        and p["PackageId"].lower() == str(need["PackageId"]).lower()
        for v in p["Versions"]
    ]
    try:
        for rule in rules:
            versions = [
                v
                for v in versions
                if in_version_range(v, rule.get("VersionRange")) and matches_tag(v, rule.get("Tag"))
            ]
        if prerelease:
            versions = [v for v in versions if "-" in v and matches_tag(v, str(prerelease))]
        elif not any(rule.get("Tag") for rule in rules):
            versions = [v for v in versions if "-" not in v]
    except (ValueError, re.error):
        raise invalid(
            f"The pre-release tag '{prerelease}' is not a valid regular expression."
        ) from None
    return max(versions, key=semver_key) if versions else None
