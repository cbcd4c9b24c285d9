"""``octo.releases``: create releases for one or many projects.

Examples::

    octo.releases.create("Web App", packages="latest, Migrate:[2.0,3.0)")
    octo.releases.create(octo.projects.where(group="Apps"), version="2026.11.{{ next }}")
    octo.releases.create("Atlas Web", git_ref="develop")

A version-controlled (Config-as-Code) project's release is made from a git ref
(``git_ref``, default: the project's default branch) and optionally a pinned commit
(``git_commit``); see :mod:`octoflow_plugins.deployments.gitrefs`.

The plan lists the version and every package version chosen (resolved while
planning, from the feeds and within the channel's version rules), so apply
creates exactly what was reviewed. A release that already exists with that
version is reused, never duplicated; with the project's next version and no
``force``, a release is not created when the channel's latest release already
has exactly these package versions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.deployments import gitrefs, resolve
from octoflow_plugins.deployments import packages as pkgs
from octoflow_plugins.deployments.deploy import Deploy

from octoflow.provider import (
    Edit,
    Intent,
    PlanContext,
    Project,
    TemplateProblem,
    UsageError,
    check_template,
    render_template,
)

Doc = dict[str, Any]
VERSION = re.compile(r"^\d+(\.\d+){0,3}(-[0-9A-Za-z][0-9A-Za-z.-]*)?(\+[0-9A-Za-z.-]+)?$")


class Releases:
    """The ``octo.releases`` entry point."""

    def create(
        self,
        projects: resolve.ProjectsArg,
        *,
        channel: str | None = None,
        version: str | None = None,
        packages: str | Mapping[str, str] | None = None,
        notes: str | None = None,
        force: bool = False,
        git_ref: str | None = None,
        git_commit: str | None = None,
    ) -> CreateReleases:
        """Create a release of each project (see the module docstring).

        :param version: a version, a jinja2 pattern (``{{ next }}``, ``{{ last }}``,
            ``{{ date }}``, ``{{ packages['Deploy Web'] }}``) or ``None`` for the
            project's next version.
        :param packages: package rules (:mod:`octoflow_plugins.deployments.packages`).
        :param notes: release notes; a jinja2 template with the same values.
        :param git_ref: for version-controlled projects, the branch, tag or full ref
            (``refs/heads/main``) to release; default: the project's default branch.
        :param git_commit: for version-controlled projects, a commit id to release
            instead of the ref's head.

        Both templates render in octoflow's template sandbox (``render_template`` of
        :mod:`octoflow.provider`) with only the names of ``_template_values`` in scope;
        one that does not compile is a usage error, one that fails to render a plan
        problem.
        """
        rules = pkgs.PackageRules.parse(packages)
        if version is not None and not str(version).strip():
            version = None
        for name, text in (("version", version), ("notes", notes)):
            _check_template(name, text)
        git = (_text(git_ref), _text(git_commit))
        return CreateReleases(projects, channel or None, version, rules, notes or "", force, *git)


@attrs.frozen
class CreateReleases:
    """A release for each project; ``.deploy(...)`` deploys what it creates."""

    collection: ClassVar[str] = "releases"

    projects: Any
    channel: str | None
    version: str | None
    rules: pkgs.PackageRules
    notes: str
    force: bool
    git_ref: str | None = None
    git_commit: str | None = None

    def describe(self) -> str:
        projects = resolve.described(self.projects)
        return f"releases.create({projects}, version={self.version or 'next'!r})"

    def deploy(self, to: str, **options: Any) -> Deploy:
        """Deploy each release this statement creates (or reuses) to ``to``."""
        return Deploy(self.projects, release=self, environments=to, **options)

    def plan(self, ctx: PlanContext) -> list[Edit]:
        return [e for p in resolve.projects(ctx, self.projects) for e in self.edits_for(ctx, p)]

    def edits_for(self, ctx: PlanContext, project: Project) -> list[Edit]:
        """The release edit for one project (none when it cannot be planned)."""
        planned = self.planned(ctx, project)
        return [planned[0]] if planned else []

    def planned(self, ctx: PlanContext, project: Project) -> tuple[Edit, Doc] | None:
        """The edit, and the release as it is or will be (``Id`` unknown until created)."""
        if project.is_disabled:
            ctx.problem(f"project {project.name!r} is disabled, so releases cannot be created")
            return None
        doc = resolve.project_documents(ctx)[project.id]
        problem = gitrefs.check_commit(self.git_commit)
        if problem:
            ctx.problem(f"{project.name}: {problem}")
            return None
        ok, git = gitrefs.source(ctx, project, doc, self.git_ref, self.git_commit)
        channel = resolve.channel(ctx, project, self.channel) if ok else None
        if channel is None:
            return None
        if git is None:
            template = ctx.get(
                f"deploymentprocesses/{doc['DeploymentProcessId']}/template",
                {"channel": channel["Id"]},
            )
        else:
            found = gitrefs.process_template(ctx, project, git, channel["Id"])
            if found is None:
                return None
            template = found
        selected = self._packages(ctx, project, channel, template)
        if selected is None:
            return None
        values = _template_values(project, channel, template, selected)
        version = self._version(ctx, project, values)
        if version is None:
            return None
        return self._edit(ctx, project, channel, version, selected, values, git)

    def _packages(
        self, ctx: PlanContext, project: Project, channel: Doc, template: Doc
    ) -> list[Doc] | None:
        packages = [p for p in template.get("Packages") or [] if p.get("IsResolvable", True)]
        unknown = self.rules.unknown_steps(packages)
        if unknown:
            steps = sorted({str(p["ActionName"]) for p in packages})
            ctx.problem(
                f"{project.name}: package rule for unknown step(s) {', '.join(unknown)}",
                "package steps: " + (", ".join(steps) or "(none)"),
            )
            return None
        donor = self._donor(ctx, project) if self.rules.same_as else {}
        if donor is None:
            return None
        selected, ok = [], True
        for package in packages:
            key = (package["ActionName"], package.get("PackageReferenceName") or "")
            version = donor.get(key) or pkgs.resolve_version(
                ctx, package, self.rules.rule_for(package), pkgs.channel_rule_for(channel, package)
            )
            ok = ok and version is not None
            selected.append(
                {
                    "ActionName": package["ActionName"],
                    "PackageReferenceName": package.get("PackageReferenceName") or "",
                    "Version": version,
                }
            )
        return selected if ok else None

    def _donor(self, ctx: PlanContext, project: Project) -> dict[tuple[str, str], str] | None:
        found = resolve.release(ctx, project, self.rules.same_as, None)
        if found is None:
            return None
        return {
            (p.get("ActionName") or p.get("StepName"), p.get("PackageReferenceName") or ""): p[
                "Version"
            ]
            for p in found.get("SelectedPackages") or []
        }

    def _version(self, ctx: PlanContext, project: Project, values: Doc) -> str | None:
        if self.version is None:
            version = str(values["next"])  # the server's, never a template
        else:
            try:
                version = _render(self.version, values).strip()
            except TemplateProblem as exc:
                ctx.problem(f"{project.name}: {_template_error('version', exc)}")
                return None
        if not VERSION.match(version):
            ctx.problem(
                f"{project.name}: {version!r} is not a release version",
                "use 1 to 4 numbers separated by '.', optionally '-' and a pre-release tag, "
                "e.g. 1.2.3 or 2.0.0-beta.1",
            )
            return None
        return version

    def _edit(
        self,
        ctx: PlanContext,
        project: Project,
        channel: Doc,
        version: str,
        selected: list[Doc],
        values: Doc,
        git: gitrefs.GitSource | None,
    ) -> tuple[Edit, Doc]:
        notes = self._notes(ctx, project, values)
        body = {
            "ProjectId": project.id,
            "ChannelId": channel["Id"],
            "Version": version,
            "ReleaseNotes": notes,
            "SelectedPackages": selected,
        }
        if git is not None:
            body["VersionControlReference"] = git.reference()
        name = f"{project.name} {version}"
        existing = self._existing(ctx, project, channel, version, selected, git)
        picks = ", ".join(f"{p['ActionName']}={p['Version']}" for p in selected) or "no packages"
        where = f" {git.describe()}" if git else ""
        intent = Intent(
            "release.create",
            {"body": body, "project": project.name},
            f"create release {version} in channel {channel['Name']}{where}: {picks}",
        )
        edit = Edit(
            "Release",
            existing["Id"] if existing else None,
            name,
            {},
            (intent,),
            action="run",
            done=existing.get("done", "") if existing else "",
        )
        ctx.labels[project.id] = project.name
        return edit, dict(existing or body, Version=existing["Version"] if existing else version)

    def _existing(
        self,
        ctx: PlanContext,
        project: Project,
        channel: Doc,
        version: str,
        selected: list[Doc],
        git: gitrefs.GitSource | None,
    ) -> Doc | None:
        """A release that makes creating this one unnecessary, with ``done`` saying why
        (for a release from Git, only one from the same pinned commit)."""
        if self.version is not None:  # the next version never exists yet: no need to ask
            found = resolve.existing_release(ctx, project, version)
            if found is not None:
                return dict(found, done=f"release {version} exists already ({found['Id']})")
            return None
        if self.force or (git is not None and not git.commit):
            return None  # unpinned, the ref's head may have moved since the latest release
        latest = ctx.get(f"channels/{channel['Id']}/releases", {"take": 1}).get("Items") or []
        if git is not None and not (latest and gitrefs.same_commit(latest[0], git)):
            return None
        if latest and _same_packages(latest[0].get("SelectedPackages") or [], selected):
            latest_version = latest[0]["Version"]
            return dict(
                latest[0],
                done=f"latest release {latest_version} already has these package versions "
                "(force=True creates another)",
            )
        return None

    def _notes(self, ctx: PlanContext, project: Project, values: Doc) -> str:
        try:
            return _render(self.notes, values)
        except TemplateProblem as exc:
            ctx.problem(f"{project.name}: {_template_error('notes', exc)}")
            return ""


def _text(value: str | None) -> str | None:
    return str(value or "").strip() or None


def _is_template(text: str) -> bool:
    return "{" in text


def _check_template(name: str, text: str | None) -> None:
    if text and _is_template(text):
        try:
            check_template(text)
        except TemplateProblem as exc:
            raise UsageError(_template_error(name, exc)) from None


def _render(text: str, values: Doc) -> str:
    return render_template(text, values) if _is_template(text) else text


def _template_error(name: str, exc: TemplateProblem) -> str:
    return f"the {name} template, {exc}"


def _template_values(project: Project, channel: Doc, template: Doc, selected: list[Doc]) -> Doc:
    """Everything a version or notes template sees (no secret, no environment variable)."""
    now = dt.datetime.now(dt.timezone.utc)
    return {
        "next": template.get("NextVersionIncrement") or "0.0.1",
        "last": template.get("LastReleaseVersion") or "",
        "project": project.name,
        "channel": channel["Name"],
        "date": now.strftime("%Y%m%d"),
        "time": now.strftime("%H%M%S"),
        "packages": {p["ActionName"]: p["Version"] for p in selected},
    }


def _same_packages(a: list[Doc], b: list[Doc]) -> bool:
    def key(items: list[Doc]) -> set[tuple[str, str, str]]:
        return {
            (
                str(p.get("ActionName") or p.get("StepName")),
                str(p.get("PackageReferenceName") or ""),
                str(p.get("Version")),
            )
            for p in items
        }

    return key(a) == key(b)
