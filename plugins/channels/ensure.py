"""``octo.channels.where(…).ensure(name, …)``: a channel by that name in every selected
project, created where missing and brought in line where it exists.

Rules name deployment actions, so they are resolved per project against its
deployment process (read in batches). A version-controlled project keeps its process
in Git: with rules asked for, it is skipped and the plan says so.
"""

from __future__ import annotations

from typing import Any

import attrs
from octoflow_plugins.channels import intents
from octoflow_plugins.channels.kinds import CHANNEL
from octoflow_plugins.channels.rules import Rule

from octoflow.provider import (
    Edit,
    Intent,
    Lifecycle,
    PlanContext,
    Project,
    Selection,
    lookups,
)

Doc = dict[str, Any]


@attrs.frozen
class EnsureChannel:
    """One channel per selected project, so not an ``Ensure`` (whose contract is one named
    document another provider may refer to while it does not exist yet)."""

    projects: Selection
    name: str
    lifecycle: str | None = None
    rules: tuple[Rule, ...] | None = None
    tenant_tags: tuple[str, ...] | None = None
    description: str | None = None
    default: bool = False

    def describe(self) -> str:
        return f"{self.projects.describe()}.ensure({self.name!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        projects = lookups.projects_in(ctx, self.projects)
        fields, words = self._fields(ctx)
        tags = None if self.tenant_tags is None else lookups.canonical_tags(ctx, self.tenant_tags)
        if len(ctx.problems) > known_problems:
            return []
        total = len(ctx.documents("projects"))
        ctx.selected("project", len(projects), total, self.projects.whole_is_wide)
        processes = self._processes(ctx, projects)
        edits = []
        for project in projects:
            rules = None
            if self.rules is not None:
                rules = self._rules(ctx, project, processes)
                if rules is None:
                    continue  # version-controlled: noted above
            edits.append(self._edit(ctx, project, _intents(fields, words, rules, tags)))
        return edits

    # -- per project ------------------------------------------------------------

    def _edit(self, ctx: PlanContext, project: Project, made: list[Intent]) -> Edit:
        label = f"{project.name} / {self.name}"
        existing = next(
            (
                c
                for c in ctx.documents("channels")
                if c.get("ProjectId") == project.id
                and str(c.get("Name")).lower() == self.name.lower()
            ),
            None,
        )
        if existing is not None:
            return Edit(CHANNEL, existing["Id"], label, existing, tuple(made))
        body = {
            "Name": self.name,
            "ProjectId": project.id,
            "SpaceId": ctx.client.space_id,
            "Description": "",
            "LifecycleId": None,
            "IsDefault": False,
            "TenantTags": [],
            "Rules": [],
        }
        create = Intent(
            intents.SET_FIELDS,
            {"fields": {"Name": self.name, "ProjectId": project.id}},
            f"create channel {self.name!r}",
        )
        return Edit(CHANNEL, None, label, body, (create, *made), action="create")

    def _fields(self, ctx: PlanContext) -> tuple[Doc, str]:
        """The top-level fields to set, and how a plan says so."""
        fields: Doc = {}
        words = []
        if self.lifecycle is not None:
            found = ctx.find("lifecycles", Lifecycle, self.lifecycle, "lifecycle")
            fields["LifecycleId"] = found.id if found else None
            words.append(f"lifecycle {(found.name if found else self.lifecycle)!r}")
        if self.description is not None:
            fields["Description"] = self.description
            words.append(f"description {self.description!r}")
        if self.default:
            fields["IsDefault"] = True
            words.append("the default channel")
        return fields, ", ".join(words)

    def _processes(self, ctx: PlanContext, projects: list[Project]) -> dict[str, Doc]:
        """Deployment processes by project id, read only when rules need them."""
        if not self.rules:
            return {}
        cac = [p.name for p in projects if p.is_version_controlled]
        if cac:
            ctx.note(
                f"skips {len(cac)} version-controlled project(s): their processes live in "
                "Git, so rules naming their steps cannot be checked: " + ", ".join(cac)
            )
        ids = {
            str(p.extra.get("DeploymentProcessId") or f"deploymentprocess-{p.id}"): p.id
            for p in projects
            if not p.is_version_controlled
        }
        read = ctx.client.get_many(ctx.client.space_path("deploymentprocesses"), list(ids))
        return {ids[d["Id"]]: d for d in read if d.get("Id") in ids}

    def _rules(
        self, ctx: PlanContext, project: Project, processes: dict[str, Doc]
    ) -> list[Doc] | None:
        """The project's wire rules; None to skip the project (version-controlled)."""
        if not self.rules:
            return []
        process = processes.get(str(project.id))
        if process is None:
            return None
        wired = []
        for rule in self.rules:
            packages, missing = rule.packages(process)
            for message in missing:
                ctx.problem(f"project {project.name!r}: {message}")
            if packages:
                wired.append(rule.wire(packages))
            elif not missing:
                ctx.note(
                    f"project {project.name!r} deploys no package: no rule for {rule.describe()}"
                )
        return wired


def _intents(
    fields: Doc, words: str, rules: list[Doc] | None, tags: list[str] | None
) -> list[Intent]:
    made = []
    if fields:
        made.append(Intent(intents.SET_FIELDS, {"fields": fields}, words, f"already {words}"))
    if rules is not None:
        shown = "; ".join(_rule_words(r) for r in rules) or "none"
        made.append(
            Intent(intents.SET_RULES, {"rules": rules}, f"rules: {shown}", "rules as given")
        )
    if tags is not None:
        shown = ", ".join(tags) or "none"
        made.append(
            Intent(
                intents.SET_TENANT_TAGS,
                {"tags": tags},
                f"tenant tags: {shown}",
                f"tenant tags already {shown}",
            )
        )
    return made


def _rule_words(rule: Doc) -> str:
    """``Deploy, Sidecar:nginx: tag ^hotfix``: one rule as a plan shows it."""
    packages = ", ".join(
        p["DeploymentAction"] + (f":{p['PackageReference']}" if p["PackageReference"] else "")
        for p in rule["ActionPackages"]
    )
    limits = [f"range {rule['VersionRange']}"] if rule["VersionRange"] else []
    limits += [f"tag {rule['Tag']}"] if rule["Tag"] else []
    return f"{packages} ({', '.join(limits)})"
