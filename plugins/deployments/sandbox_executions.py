"""The executions API (REFERENCE §8.3): what the Octopus CLI and the Go/TS clients call.

``POST /api/{spaceId}/releases/create/v1``, ``…/deployments/create/untenanted/v1``,
``…/deployments/create/tenanted/v1`` and ``…/runbook-runs/create/v1``. The
space in the path must be an id (other URL forms answer 404) and the body must
repeat it as ``spaceIdOrName`` (its id or name). Property names match in any
case (the Go client sends camelCase, the TS client PascalCase); responses are
PascalCase. Names may be given where the clients send names: projects,
channels, environments, tenants, runbooks and snapshots by name or id, steps
and machines by name. Everything a request would create is checked before any
of it is stored. A release, deployment or run created answers 201; an
existing release returned for ``ignoreIfAlreadyExists`` answers 200 (the
exact success code is UNCONFIRMED; clients accept any 2xx).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from octoflow_plugins.deployments import sandbox_deployments as deployments
from octoflow_plugins.deployments import sandbox_runbookruns as runbookruns
from octoflow_plugins.deployments import sandbox_runs as runs
from octoflow_plugins.deployments.sandbox_releases import create_release
from octoflow_plugins.deployments.sandbox_runs import Draft
from octoflow_plugins.processes.sandbox_feeds import in_version_range, matches_tag, semver_key
from octoflow_plugins.processes.sandbox_release import last_release_version, next_version
from octoflow_plugins.processes.sandbox_release import packages as template_packages

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.crud import Doc
from octoflow.sandbox.errors import SandboxError, invalid
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router, split_path

SPACE_ID = re.compile(r"Spaces-\d+", re.IGNORECASE)


# -- the request ---------------------------------------------------------------------------


def command(req: Request) -> CIDict:
    """The body, once the path names the space by id and the body repeats it."""
    parts = split_path(req.path)
    if len(parts) < 2 or not SPACE_ID.fullmatch(parts[1]):
        raise SandboxError(404, f"There is no API route for '{req.path}' in the octoflow sandbox.")
    body = req.json_object()
    ref = body.get("SpaceIdOrName")
    space = req.state.require("Spaces", req.space_id)
    if not ref:
        raise invalid("The spaceIdOrName field is required: repeat the space's id in the body.")
    if str(ref).lower() not in (space["Id"].lower(), str(space.get("Name")).lower()):
        raise invalid(
            f"The space '{ref}' in the body is not the space in the path ({space['Id']})."
        )
    return body


def names(value: Any) -> list[str]:
    """A list of names from a list or a single string (both are sent)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if str(v).strip()]


def pick(items: Iterable[Doc], ref: Any, noun: str, where: str) -> Doc:
    """The document named ``ref`` (id, name or slug, any case) or a 400 with close matches."""
    docs = list(items)
    wanted = str(ref or "").lower()
    for doc in docs:
        if wanted in (
            str(doc["Id"]).lower(),
            str(doc.get("Name")).lower(),
            str(doc.get("Slug")).lower(),
        ):
            return doc
    if not wanted:
        raise invalid(f"A {noun} name is required.")
    close = difflib.get_close_matches(str(ref), [str(d.get("Name")) for d in docs], n=3)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise invalid(f"The {noun} '{ref}' was not found {where}.{hint}")


def project_for(req: Request, body: CIDict) -> Doc:
    return pick(
        req.state.values("Projects", req.space_id),
        body.get("ProjectName"),
        "project",
        f"in {req.space_id}",
    )


def environments(req: Request, refs: list[str]) -> list[Doc]:
    envs = req.state.environments_in_order(req.space_id)
    return [pick(envs, ref, "environment", f"in {req.space_id}") for ref in refs]


def release_for(req: Request, project: Doc, version: Any) -> Doc:
    if not version:
        raise invalid("The releaseVersion field is required.")
    for release in req.state.values("Releases", req.space_id):
        if (
            release["ProjectId"] == project["Id"]
            and release["Version"].lower() == str(version).lower()
        ):
            return release
    raise invalid(f"The release '{version}' of project '{project['Name']}' was not found.")


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
    """The default versioning template's next increment (as the release template suggests)."""
    return next_version(last_release_version(req, project["Id"]))


def release_packages(req: Request, project: Doc, channel: Doc | None, body: CIDict) -> list[Doc]:
    """A version for every package the release needs: from ``packages``, else
    ``packageVersion``, else the latest in the feed that the channel's rules allow
    (stable unless ``packagePrerelease`` or a rule's tag asks for a pre-release)."""
    process = req.state.get("DeploymentProcesses", project.get("DeploymentProcessId"))
    if process is None:
        return []
    rules_channel = channel or _default_channel(req, project)
    specs = [_package_spec(text) for text in names(body.get("Packages"))]
    used: set[int] = set()
    out, errors = [], []
    for need in template_packages(req, process, rules_channel["Id"] if rules_channel else None):
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


# -- deployments/create/*/v1 -----------------------------------------------------------------------


def deployment_fields(req: Request, body: CIDict, process: Doc | None) -> Doc:
    """The common execution fields as a deployment or run body."""
    return {
        "SkipActions": _skipped(process, names(body.get("SkipStepNames"))),
        "SpecificMachineIds": _machines(req, names(body.get("SpecificMachineNames"))),
        "ExcludedMachineIds": _machines(req, names(body.get("ExcludedMachineNames"))),
        "ForcePackageDownload": bool(body.get("ForcePackageDownload")),
        "ForcePackageRedeployment": bool(body.get("ForcePackageRedeployment")),
        "UseGuidedFailure": body.get("UseGuidedFailure"),
        "QueueTime": body.get("RunAt"),
        "QueueTimeExpiry": body.get("NoRunAfter"),
        "FormValues": dict(body.get("Variables") or {}),
    }


def _skipped(process: Doc | None, step_names: list[str]) -> list[str]:
    steps = (process or {}).get("Steps") or []
    out = []
    for name in step_names:
        matched = [
            a["Id"]
            for s in steps
            for a in s["Actions"]
            if name.lower() in (s["Name"].lower(), a["Name"].lower())
        ]
        if not matched:
            known = [s["Name"] for s in steps]
            close = difflib.get_close_matches(name, known, n=3)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise invalid(f"The step '{name}' in skipStepNames is not a step of the process.{hint}")
        out += matched
    return out


def _machines(req: Request, machine_names: list[str]) -> list[str]:
    machines = req.state.values("Machines", req.space_id)
    return [pick(machines, name, "machine", f"in {req.space_id}")["Id"] for name in machine_names]


def create_untenanted(req: Request) -> tuple[int, Doc]:
    body = command(req)
    project = project_for(req, body)
    release = release_for(req, project, body.get("ReleaseVersion"))
    envs = environments(req, names(body.get("EnvironmentNames")))
    if not envs:
        raise invalid("The environmentNames field is required: name at least one environment.")
    common = _deployment_common(req, body, release)
    drafts = [
        deployments.check_deployment(
            req.state, req.space_id, dict(common, ReleaseId=release["Id"], EnvironmentId=e["Id"])
        )
        for e in envs
    ]
    return 201, _deployment_tasks(req, drafts)


def create_tenanted(req: Request) -> tuple[int, Doc]:
    body = command(req)
    project = project_for(req, body)
    release = release_for(req, project, body.get("ReleaseVersion"))
    env_ref = body.get("EnvironmentName")
    if not env_ref:
        raise invalid("The environmentName field is required.")
    (env,) = environments(req, names(env_ref)[:1])
    tenants = _tenants(req, project, env, names(body.get("Tenants")), names(body.get("TenantTags")))
    common = _deployment_common(req, body, release)
    drafts = [
        deployments.check_deployment(
            req.state,
            req.space_id,
            dict(common, ReleaseId=release["Id"], EnvironmentId=env["Id"], TenantId=t["Id"]),
        )
        for t in tenants
    ]
    return 201, _deployment_tasks(req, drafts)


def _deployment_common(req: Request, body: CIDict, release: Doc) -> Doc:
    process = req.state.get(
        "DeploymentProcesses", release.get("ProjectDeploymentProcessSnapshotId")
    )
    return deployment_fields(req, body, process)


def _tenants(req: Request, project: Doc, env: Doc, refs: list[str], tags: list[str]) -> list[Doc]:
    """The tenants named, then those with ``tags`` connected to the project in ``env``."""
    everyone = req.state.values("Tenants", req.space_id)
    chosen = [pick(everyone, ref, "tenant", f"in {req.space_id}") for ref in refs]
    if tags:
        chosen += [
            t
            for t in sorted(everyone, key=lambda t: int(t["Id"].rpartition("-")[2]))
            if not t.get("IsDisabled")
            and env["Id"] in (t.get("ProjectEnvironments") or {}).get(project["Id"], [])
            and runs.tags_match(t.get("TenantTags") or [], tags)
        ]
    unique = list({t["Id"]: t for t in chosen}.values())
    if not unique:
        raise invalid(
            f"No tenants were chosen: name tenants, or tenant tags that match tenants connected to "
            f"'{project['Name']}' in '{env['Name']}'."
        )
    return unique


def _deployment_tasks(req: Request, drafts: list[Draft]) -> Doc:
    stored = deployments.stored(req, drafts)
    return {
        "DeploymentServerTasks": [
            {"DeploymentId": d["Id"], "ServerTaskId": d["TaskId"]} for d in stored
        ]
    }


# -- runbook-runs/create/v1 ----------------------------------------------------------------------


def create_runbook_runs(req: Request) -> tuple[int, Doc]:
    body = command(req)
    project = project_for(req, body)
    runbooks = [
        r for r in req.state.values("Runbooks", req.space_id) if r["ProjectId"] == project["Id"]
    ]
    if not body.get("RunbookName"):
        raise invalid("The runbookName field is required.")
    runbook = pick(
        runbooks, body.get("RunbookName"), "runbook", f"in the project '{project['Name']}'"
    )
    snapshot_id = runbookruns.snapshot_for(
        req,
        runbook,
        {
            "UseDefaultSnapshot": not body.get("Snapshot"),
            "RunbookSnapshotNameOrId": body.get("Snapshot"),
        },
    )
    snapshot = req.state.require("RunbookSnapshots", snapshot_id)
    process = req.state.get("RunbookProcesses", snapshot.get("FrozenRunbookProcessId"))
    envs = environments(req, names(body.get("EnvironmentNames")))
    everyone = req.state.values("Tenants", req.space_id)
    tenant_ids = [
        pick(everyone, t, "tenant", f"in {req.space_id}")["Id"] for t in names(body.get("Tenants"))
    ]
    common = deployment_fields(req, body, process)
    drafts = runbookruns.expand_runs(
        req.state,
        runbook,
        snapshot_id,
        [e["Id"] for e in envs],
        tenant_ids,
        names(body.get("TenantTags")),
        common,
    )
    stored = runbookruns.stored(req, drafts)
    return 201, {
        "RunbookRunServerTasks": [
            {"RunbookRunId": r["Id"], "ServerTaskId": r["TaskId"]} for r in stored
        ]
    }


def register_routes(router: Router) -> None:
    router.space("POST", "/releases/create/v1", create_release_v1)
    router.space("POST", "/deployments/create/untenanted/v1", create_untenanted)
    router.space("POST", "/deployments/create/tenanted/v1", create_tenanted)
    router.space("POST", "/runbook-runs/create/v1", create_runbook_runs)
