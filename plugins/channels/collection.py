"""``octo.channels``: the channels of projects, ensured by name or deleted.

Examples::

    apps = octo.channels.where(group="Apps")
    apps.ensure("Hotfix", lifecycle="Hotfix", rules=[{"steps": "*", "tag": "^hotfix"}])
    octo.channels.where(project=octo.projects.where(has_step="Deploy")).ensure("Beta")
    octo.channels.where(project="Web App", name="Old").delete()

``project`` takes project names or an ``octo.projects.where(…)`` selection; ``group``
takes project group names. Without either, the statement covers every project (the
wide-change guard applies). ``name``/``partial_name`` pick channels within them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
from octoflow_plugins.channels.ensure import EnsureChannel
from octoflow_plugins.channels.kinds import CHANNEL
from octoflow_plugins.channels.rules import Rule

from octoflow.provider import (
    Edit,
    Intent,
    PlanContext,
    Selection,
    UsageError,
    Verb,
    as_names,
    clone,
    lookups,
)

Doc = dict[str, Any]


@attrs.frozen
class Delete(Verb):
    name: ClassVar[str] = "delete"


@attrs.frozen
class Channels(Selection):
    collection: ClassVar[str] = "channels"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {"project", "group", "name", "partial_name"}
    )

    def ensure(
        self,
        name: str,
        lifecycle: str | None = None,
        rules: Iterable[Any] | None = None,
        tenant_tags: Iterable[str] | None = None,
        description: str | None = None,
        default: bool = False,
    ) -> EnsureChannel:
        """A channel called ``name`` exists in every selected project: created where
        missing, else brought in line. What is left out (``None``) is left as it is;
        ``rules`` and ``tenant_tags`` given are the channel's exact rules and tags.
        ``default=True`` makes it the project's default channel (False never takes
        the flag away: make another channel the default instead)."""
        if not isinstance(name, str) or not name.strip():
            raise UsageError("channels.ensure() needs the channel's name")
        if any(self.criteria_for(k) for k in ("name", "partial_name", "predicate")):
            raise UsageError(
                "channels.ensure() names its channel itself: select projects with "
                "where(project=…, group=…), not channels by name"
            )
        if lifecycle is not None and (not isinstance(lifecycle, str) or not lifecycle.strip()):
            raise UsageError(
                "channels.ensure(lifecycle=…) is empty: name a lifecycle or leave it out"
            )
        if not isinstance(default, bool):
            raise UsageError("channels.ensure(default=…) takes True or False")
        return EnsureChannel(
            projects=self,
            name=name.strip(),
            lifecycle=lifecycle.strip() if lifecycle else None,
            rules=None if rules is None else tuple(Rule.of(r) for r in _items(rules, "rules")),
            tenant_tags=None if tenant_tags is None else as_names(tenant_tags, "tenant_tags"),
            description=description,
            default=default,
        )

    def delete(self) -> Channels:
        """Delete the selected channels (never a project's default channel)."""
        if not self.criteria_for("name") and not self.criteria_for("partial_name"):
            raise UsageError(
                "channels.delete() needs the channels' names: "
                "where(name=…) or where(partial_name=…)"
            )
        return self._with_verb(Delete())

    # -- selecting -------------------------------------------------------------

    def select(self, ctx: PlanContext) -> list[Doc]:
        """The selected channel documents (as listed; treat as read-only)."""
        projects = {p.id: p for p in lookups.projects_in(ctx, self)}
        channels = [c for c in ctx.documents("channels") if c.get("ProjectId") in projects]
        for names in self.criteria_for("name"):
            channels = lookups.documents_named(
                ctx, channels, names, "channel of the selected projects"
            )
        for part in self.criteria_for("partial_name"):
            text = str(part).strip().lower()
            channels = [c for c in channels if text in str(c.get("Name", "")).lower()]
        for predicate in self.criteria_for("predicate"):
            channels = [c for c in channels if predicate(clone(c))]
        for channel in channels:
            ctx.labels[channel["Id"]] = label(ctx, channel)
        return channels

    # -- planning --------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        channels = self.select(ctx)
        total = len(ctx.documents("channels"))
        ctx.selected("channel", len(channels), total, self.whole_is_wide)
        if not self.verbs:
            return []
        edits = []
        for channel in channels:
            if channel.get("IsDefault"):
                ctx.problem(
                    f"channel {label(ctx, channel)!r} is its project's default channel",
                    "make another channel the default first (channels.ensure(…, default=True))",
                )
                continue
            intent = Intent("channel.delete", {}, "delete")
            edits.append(Edit(CHANNEL, channel["Id"], label(ctx, channel), {}, (intent,), "delete"))
        return edits


def label(ctx: PlanContext, channel: Doc) -> str:
    """``Web App / Hotfix``: plans name a channel with its project."""
    project = ctx.document("projects", str(channel.get("ProjectId")))
    return f"{project.get('Name')} / {channel.get('Name')}"


def _items(value: Any, what: str) -> list[Any]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise UsageError(f"channels.ensure({what}=…) takes a list")
    return list(value)
