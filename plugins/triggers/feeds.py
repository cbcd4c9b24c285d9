"""``octo.triggers.where(…).ensure_feed(name, steps=…)``: an external feed trigger by that
name in every selected project, creating a release when a new version of the packages
of those steps appears in their feeds.

Its filter is a ``FeedFilter`` whose ``Packages`` name each package of the steps by the
deployment action's slug and the package reference's name; its action
``CreateRelease`` (in ``channel``, or the project's default channel when left out).
The steps are read from each project's deployment process; version-controlled projects
keep it in Git and are skipped (noted).

UNCONFIRMED: the ``Packages`` item fields. Current clients send ``DeploymentActionSlug``
and ``PackageReference``; older ones ``DeploymentAction`` (the action's name), sent here
for an action without a slug. Built-in package repository triggers are not project
triggers (a channel's release creation setting) and are not covered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from octoflow_plugins.triggers.ensure import part_intent, plan_ensure, state_intent

from octoflow.provider import (
    Edit,
    Intent,
    PlanContext,
    Project,
    Selection,
    UsageError,
    as_names,
    lookups,
    unknown_name_message,
)

Doc = dict[str, Any]


@attrs.frozen
class EnsureFeedTrigger:
    """One trigger per selected project (see :class:`~.ensure.EnsureTrigger`)."""

    projects: Selection
    name: str
    steps: tuple[str, ...]
    channel: str | None = None
    description: str | None = None
    enabled: bool = True

    @classmethod
    def make(
        cls,
        projects: Selection,
        name: str,
        steps: Iterable[str] | str,
        channel: str | None,
        description: str | None,
        enabled: bool,
    ) -> EnsureFeedTrigger:
        if not isinstance(name, str) or not name.strip():
            raise UsageError("triggers.ensure_feed() needs name= (non-empty text)")
        names = as_names(steps, "steps")
        if not names:
            raise UsageError("triggers.ensure_feed() needs steps=: the steps whose packages it "
                             "watches")  # fmt: skip
        if channel is not None and (not isinstance(channel, str) or not channel.strip()):
            raise UsageError("triggers.ensure_feed(channel=…) names a channel, or leave it out")
        if not isinstance(enabled, bool):
            raise UsageError("triggers.ensure_feed(enabled=…) takes True or False")
        return cls(projects, name.strip(), names, channel and channel.strip(), description,
                   enabled)  # fmt: skip

    def describe(self) -> str:
        return f"{self.projects.describe()}.ensure_feed({self.name!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        return plan_ensure(ctx, self)

    def resolve(self, ctx: PlanContext) -> dict[str, Doc]:
        """The deployment process of every selected project stored in the database."""
        projects = lookups.projects_in(ctx, self.projects)
        cac = sorted(p.name for p in projects if p.is_version_controlled)
        if cac:
            ctx.note(f"skips {len(cac)} version-controlled project(s), whose process lives in "
                     "Git: " + ", ".join(cac))  # fmt: skip
        stored = [p for p in projects if not p.is_version_controlled]
        paths = [f"deploymentprocesses/{p.extra.get('DeploymentProcessId')}" for p in stored]
        return {str(p.id): doc for p, doc in zip(stored, ctx.get_each(paths), strict=True)}

    def intents(
        self, ctx: PlanContext, processes: dict[str, Doc], project: Project
    ) -> tuple[Intent, ...]:
        process = processes.get(str(project.id))
        if process is None:
            return ()
        packages = [p for step in self.steps for p in _packages(ctx, process, step, project)]
        channel = self._channel(ctx, project)
        if not packages or channel is False:
            return ()
        feed = {"FilterType": "FeedFilter", "Packages": packages}
        action = {"ActionType": "CreateRelease", "ChannelId": channel}
        shown = ", ".join(dict.fromkeys(self.steps))
        where = f" in {self.channel}" if self.channel else ""
        return (
            state_intent(self.enabled, self.description),
            part_intent("Filter", feed, f"on new packages of {shown}", "filter already as given"),
            part_intent("Action", action, f"action: create a release{where}",
                        "action already as given"),
        )  # fmt: skip

    def _channel(self, ctx: PlanContext, project: Project) -> str | None | bool:
        """The channel's id, ``None`` for the default one, ``False`` when unknown."""
        if self.channel is None:
            return None
        mine = [c for c in ctx.documents("channels") if c.get("ProjectId") == project.id]
        found = lookups.documents_named(ctx, mine, self.channel, f"channel of {project.name}")
        if not found:
            return False
        ctx.labels[found[0]["Id"]] = found[0]["Name"]
        return str(found[0]["Id"])


def _packages(ctx: PlanContext, process: Doc, name: str, project: Project) -> list[Doc]:
    """Each package of the step (or action) called ``name``, as a feed filter names it."""
    actions = [
        action
        for step in process.get("Steps") or []
        for action in step.get("Actions") or []
        if name.lower() in (str(step.get("Name")).lower(), str(action.get("Name")).lower())
    ]
    if not actions:
        steps = [str(s.get("Name")) for s in process.get("Steps") or []]
        ctx.problem(unknown_name_message(f"step of {project.name}", name, steps))
        return []
    out = [_reference(a, p) for a in actions for p in a.get("Packages") or []]
    if not out:
        ctx.problem(f"step {name!r} of {project.name} deploys no package: nothing to watch")
    return out


def _reference(action: Doc, package: Doc) -> Doc:
    if action.get("Slug"):
        return {"DeploymentActionSlug": action["Slug"], "PackageReference": package.get("Name")}
    return {"DeploymentAction": action.get("Name"), "PackageReference": package.get("Name")}
